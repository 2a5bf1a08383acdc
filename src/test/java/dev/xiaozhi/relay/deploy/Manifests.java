package dev.xiaozhi.relay.deploy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The manifests under {@code k8s/}, read into the fabric8 Kubernetes model, one resource per file. */
final class Manifests {

    /** Sample values of the downward-API fields the manifests use. */
    static final Map<String, String> FIELD_SAMPLES = Map.of("metadata.name", "relay-0", "status.podIP", "10.1.2.3");

    private static final Pattern DEPENDENT_VARIABLE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

    private final Map<String, HasMetadata> byFile;

    private Manifests(Map<String, HasMetadata> byFile) {
        this.byFile = byFile;
    }

    /** Reads every {@code .yaml} file of a directory except {@code kustomization.yaml}. */
    static Manifests read(Path dir) {
        KubernetesSerialization serialization = new KubernetesSerialization();
        Map<String, HasMetadata> byFile = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".yaml")).sorted().toList()) {
                if (!file.getFileName().toString().equals("kustomization.yaml")) {
                    try (InputStream in = Files.newInputStream(file)) {
                        byFile.put(file.getFileName().toString(), serialization.unmarshal(in));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(byFile);
    }

    /** The resources by file name. */
    Map<String, HasMetadata> byFile() {
        return byFile;
    }

    /** The one resource of a kind with a name. */
    <T extends HasMetadata> T get(Class<T> kind, String name) {
        return all(kind).stream().filter(resource -> resource.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " " + name));
    }

    /** Every resource of a kind. */
    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return byFile.values().stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    /**
     * The environment a container starts with: plain values, downward-API fields replaced by samples (the namespace
     * by the resource's own), secret keys by the values of the given Secret, and {@code $(VAR)} references expanded
     * the way the kubelet does.
     */
    static Map<String, String> environment(Container container, String namespace, Secret secret) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), value(variable, namespace, secret, env));
        }
        return env;
    }

    private static String value(EnvVar variable, String namespace, Secret secret, Map<String, String> before) {
        if (variable.getValueFrom() == null) {
            Matcher matcher = DEPENDENT_VARIABLE.matcher(variable.getValue());
            return matcher.replaceAll(match -> Matcher.quoteReplacement(
                    before.getOrDefault(match.group(1), match.group())));
        }
        if (variable.getValueFrom().getFieldRef() != null) {
            String field = variable.getValueFrom().getFieldRef().getFieldPath();
            String sample = field.equals("metadata.namespace") ? namespace : FIELD_SAMPLES.get(field);
            if (sample == null) {
                throw new AssertionError(variable.getName() + ": no sample for field " + field);
            }
            return sample;
        }
        if (variable.getValueFrom().getSecretKeyRef() != null) {
            String key = variable.getValueFrom().getSecretKeyRef().getKey();
            if (!variable.getValueFrom().getSecretKeyRef().getName().equals(secret.getMetadata().getName())
                    || !secret.getStringData().containsKey(key)) {
                throw new AssertionError(variable.getName() + ": not a key of the Secret: " + key);
            }
            return secret.getStringData().get(key);
        }
        throw new AssertionError(variable.getName() + ": unexpected source " + variable.getValueFrom());
    }

    /**
     * The paths of fields the model did not know: fabric8 keeps unknown fields (a misspelt key, a value of the wrong
     * type) in {@code additionalProperties} instead of failing, so they are looked for in the whole tree.
     */
    static List<String> unknownFields(Object resource) {
        List<String> found = new ArrayList<>();
        collectUnknown(resource, "", found);
        return found;
    }

    private static void collectUnknown(Object value, String path, List<String> found) {
        if (value instanceof Collection<?> items) {
            int index = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + index++ + "]", found);
            }
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> collectUnknown(item, path + "." + key, found));
        } else if (value != null && value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            for (Method getter : value.getClass().getMethods()) {
                if (getter.getParameterCount() == 0 && getter.getName().startsWith("get")
                        && getter.getDeclaringClass() != Object.class) {
                    Object child = invoke(getter, value);
                    String name = getter.getName().substring(3);
                    if (name.equals("AdditionalProperties")) {
                        ((Map<?, ?>) child).keySet().forEach(key -> found.add(path + "." + key));
                    } else {
                        collectUnknown(child, path + "." + name, found);
                    }
                }
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(getter.toString(), e);
        }
    }
}
