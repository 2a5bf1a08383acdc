package dev.xiaozhi.relay.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.hazelcast.config.Config;
import com.hazelcast.config.XmlConfigBuilder;
import dev.xiaozhi.relay.admin.AdminVerticle;
import dev.xiaozhi.relay.config.AdminConfig;
import dev.xiaozhi.relay.config.ClusterConfig;
import dev.xiaozhi.relay.config.ConfigLoader;
import dev.xiaozhi.relay.config.RelayConfig;
import dev.xiaozhi.relay.config.ServerConfig;
import dev.xiaozhi.relay.ops.Readiness;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verifies that the Kubernetes manifests under {@code k8s/}, read with the fabric8 Kubernetes model, agree with the
 * code: ports, probe paths, the relay.yaml the pods load (through the real config loader, with the env the pods
 * get), Hazelcast's cluster.xml, and the wiring between Services, pods, policies and the autoscaler. Also checks
 * the Dockerfile and docker-compose.yml against the same names.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Path.of("k8s");
    private static final String SECRET_EXAMPLE = "secret.example.yaml";
    private static final String TLS_SECRET_EXAMPLE = "secret-cluster-tls.example.yaml";
    private static final String RELAY = "relay";
    private static final String HEADLESS = "relay-hz";
    private static final String CONFIG_FILE = "relay.yaml";
    private static final YAMLMapper YAML = new YAMLMapper();
    /** What the tests put in the Secret: values of the formats the relay expects (the example holds placeholders). */
    private static final String CLUSTER_SECRET_SAMPLE = "sample-cluster-secret-of-32-characters";
    private static final Map<String, String> SECRET_SAMPLES = Map.of(
            "demo-token", "xzr_sample-demo-token",
            "admin-token", "sample-admin-token",
            "registry-key", Base64.getEncoder().encodeToString(new byte[32]),
            "cluster-secret", CLUSTER_SECRET_SAMPLE,
            "postgres-user", "relay",
            "postgres-password", "sample-password");

    private static Manifests manifests;
    private static StatefulSet relay;
    private static Container container;
    private static ConfigMap configMap;
    private static String configDir;
    private static Map<String, String> podEnv;
    private static RelayConfig podConfig;
    private static Set<String> podConfigReads;

    @BeforeAll
    static void readManifests() {
        manifests = Manifests.read(K8S);
        relay = manifests.get(StatefulSet.class, RELAY);
        container = relay.getSpec().getTemplate().getSpec().getContainers().get(0);
        Volume configVolume = relay.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(volume -> volume.getConfigMap() != null).findFirst().orElseThrow();
        configMap = manifests.get(ConfigMap.class, configVolume.getConfigMap().getName());
        configDir = container.getVolumeMounts().stream()
                .filter(mount -> mount.getName().equals(configVolume.getName()))
                .map(VolumeMount::getMountPath).findFirst().orElseThrow();
        podEnv = Manifests.environment(container, relay.getMetadata().getNamespace(), sampleSecret());
        RecordingEnvironment recording = new RecordingEnvironment(podEnv);
        podConfig = ConfigLoader.parse(configMap.getData().get(CONFIG_FILE), Path.of(configDir), recording);
        podConfigReads = Set.copyOf(recording.read());
    }

    /** Verifies that every manifest is a known kind whose every field the model knows, all in one namespace. */
    @Test
    void everyManifestIsValidKubernetes() {
        String namespace = manifests.all(Namespace.class).get(0).getMetadata().getName();

        assertThat(manifests.byFile()).isNotEmpty();
        manifests.byFile().forEach((file, resource) -> {
            assertThat(resource).as(file).isNotInstanceOf(GenericKubernetesResource.class);
            assertThat(Manifests.unknownFields(resource)).as(file + ": unknown fields").isEmpty();
            if (!(resource instanceof Namespace)) {
                assertThat(resource.getMetadata().getNamespace()).as(file).isEqualTo(namespace);
            }
        });
    }

    /** Verifies that the kustomization applies every manifest but the Secret examples, and only files that exist. */
    @Test
    void kustomizationListsEveryManifestButTheSecretExample() throws IOException {
        JsonNode kustomization = YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
        Set<String> listed = new TreeSet<>();
        kustomization.get("resources").forEach(resource -> listed.add(resource.asText()));

        Set<String> expected = new TreeSet<>(manifests.byFile().keySet());
        expected.removeIf(file -> file.endsWith(".example.yaml"));
        assertThat(kustomization.get("kind").asText()).isEqualTo("Kustomization");
        assertThat(listed).isEqualTo(expected);
        assertThat(manifests.byFile().get(SECRET_EXAMPLE)).isInstanceOf(Secret.class);
        assertThat(manifests.byFile().get(TLS_SECRET_EXAMPLE)).isInstanceOf(Secret.class);
    }

    /** Verifies that the pods mount the event bus's TLS Secret where relay.yaml's cluster.tls reads it. */
    @Test
    void eventBusTlsComesFromTheTlsSecret() {
        Secret tls = (Secret) manifests.byFile().get(TLS_SECRET_EXAMPLE);
        Volume volume = relay.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(each -> each.getSecret() != null).findFirst().orElseThrow();
        Path mounted = Path.of(container.getVolumeMounts().stream()
                .filter(mount -> mount.getName().equals(volume.getName())).map(VolumeMount::getMountPath)
                .findFirst().orElseThrow());
        ClusterConfig.Tls configured = podConfig.cluster().tls().orElseThrow();

        assertThat(volume.getSecret().getSecretName()).isEqualTo(tls.getMetadata().getName());
        assertThat(List.of(configured.key(), configured.cert(), configured.ca()))
                .allSatisfy(file -> assertThat(file.getParent()).isEqualTo(mounted))
                .extracting(file -> file.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(tls.getStringData().keySet());
    }

    /** Verifies that the ConfigMap's cluster.xml is the repository's and that Hazelcast reads it. */
    @Test
    void clusterXmlIsTheRepositoryFileAndHazelcastReadsIt() throws IOException {
        Config hazelcast = hazelcastConfig();

        assertThat(clusterXml()).isEqualTo(Files.readString(Path.of("cluster.xml")));
        assertThat(podConfig.cluster().hazelcastConfig()).isEqualTo(Path.of(configDir, "cluster.xml"));
        assertThat(hazelcast.getClusterName()).isNotBlank();
        assertThat(hazelcast.getNetworkConfig().getPort()).isEqualTo(podConfig.cluster().hazelcastPort());
        assertThat(hazelcast.getMultiMapConfigs()).containsKey("__vertx.subs");
    }

    /**
     * Verifies that relay.yaml loads with the pods' env, clustered by DNS discovery through the headless Service, and
     * names every RELAY_ variable the pods set.
     */
    @Test
    void podConfigurationLoadsWithThePodEnvironment() {
        String relayYaml = configMap.getData().get(CONFIG_FILE);

        assertThat(container.getArgs()).containsExactly("--config", configDir + "/" + CONFIG_FILE);
        assertThat(podConfig.cluster().secret()).contains(CLUSTER_SECRET_SAMPLE);
        assertThat(podEnv.keySet()).filteredOn(name -> name.startsWith("RELAY_"))
                .allSatisfy(name -> assertThat(relayYaml).contains("${env:" + name + "}"));
        assertThat(podConfig.cluster().enabled()).isTrue();
        assertThat(podConfig.cluster().host()).contains(Manifests.FIELD_SAMPLES.get("status.podIP"));
        assertThat(podConfig.cluster().kubernetesService())
                .contains(HEADLESS + "." + relay.getMetadata().getNamespace() + ".svc.cluster.local");
        assertThat(podConfig.admin().host()).isEqualTo("0.0.0.0");
        assertThat(podConfig.tenants()).allSatisfy((id, tenant) -> assertThat(tenant.devices())
                .allSatisfy((device, config) -> assertThat(config.tokenHash()).as("token of " + device).isPresent()));
    }

    /** Verifies that the container's named ports are the ports the relay listens on, and those are the defaults. */
    @Test
    void containerPortsAreTheRelayPorts() {
        assertThat(namedPorts(container)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "mcp", podConfig.server().port(),
                "admin", podConfig.admin().port(),
                "hazelcast", podConfig.cluster().hazelcastPort(),
                "eventbus", podConfig.cluster().eventBusPort()));
        assertThat(List.of(podConfig.server().port(), podConfig.admin().port(), podConfig.cluster().hazelcastPort(),
                podConfig.cluster().eventBusPort())).containsExactly(ServerConfig.DEFAULT_PORT,
                AdminConfig.DEFAULT_PORT, ClusterConfig.DEFAULT_HAZELCAST_PORT, ClusterConfig.DEFAULT_EVENT_BUS_PORT);
    }

    /** Verifies that the probes ask the relay's health paths on the admin port, where Prometheus finds metrics. */
    @Test
    void probesUseTheHealthPaths() {
        assertThat(container.getStartupProbe().getHttpGet().getPath()).isEqualTo(Readiness.LIVE_PATH);
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo(Readiness.LIVE_PATH);
        assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo(Readiness.READY_PATH);
        assertThat(Stream.of(container.getStartupProbe(), container.getLivenessProbe(),
                container.getReadinessProbe()).map(probe -> probe.getHttpGet().getPort().getStrVal()))
                .containsOnly("admin");
        assertThat(manifests.get(Service.class, "relay-admin").getMetadata().getAnnotations())
                .containsEntry("prometheus.io/path", AdminVerticle.METRICS_PATH)
                .containsEntry("prometheus.io/port", String.valueOf(podConfig.admin().port()));
    }

    /**
     * Verifies that the termination grace outlasts the preStop pause, the relay's own drain and Hazelcast's graceful
     * leave, one after the other.
     */
    @Test
    void terminationGraceOutlastsTheDrain() {
        List<String> preStop = container.getLifecycle().getPreStop().getExec().getCommand();
        Duration pause = Duration.ofSeconds(Long.parseLong(preStop.get(1)));

        assertThat(preStop.get(0)).isEqualTo("sleep");
        assertThat(Duration.ofSeconds(relay.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()))
                .isGreaterThan(pause.plus(podConfig.server().shutdownGrace()).plus(hazelcastLeave()));
        assertThat(podConfig.server().shutdownGrace()).isEqualTo(ServerConfig.DEFAULT_SHUTDOWN_GRACE);
    }

    /** Verifies the rollout: three members, scaled in parallel, updated one pod at a time, heap from the limit. */
    @Test
    void statefulSetRollsOnePodAtATime() {
        PodSpec pod = relay.getSpec().getTemplate().getSpec();

        assertThat(relay.getSpec().getReplicas()).isEqualTo(3);
        assertThat(relay.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(relay.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(relay.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal())
                .isEqualTo(1);
        assertThat(relay.getSpec().getServiceName()).isEqualTo(HEADLESS);
        assertThat(manifests.get(ServiceAccount.class, pod.getServiceAccountName())).isNotNull();
        assertThat(podEnv).containsKeys("POD_NAME", "POD_IP");
        assertThat(podEnv.get("JAVA_TOOL_OPTIONS")).contains("-XX:MaxRAMPercentage=");
        assertThat(container.getResources().getLimits()).containsKey("memory");
        assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    }

    /**
     * Verifies that the pods get no Service link variables where a Service's would shadow one the relay reads (the
     * Service relay-admin sets RELAY_ADMIN_PORT=tcp://…).
     */
    @Test
    void serviceLinksShadowNoRelayVariable() {
        Set<String> linkVariables = manifests.all(Service.class).stream()
                .map(service -> service.getMetadata().getName().toUpperCase(Locale.ROOT).replace('-', '_'))
                .flatMap(prefix -> Stream.of(prefix + "_PORT", prefix + "_SERVICE_HOST", prefix + "_SERVICE_PORT"))
                .collect(Collectors.toSet());
        linkVariables.retainAll(podConfigReads);

        if (!linkVariables.isEmpty()) {
            assertThat(relay.getSpec().getTemplate().getSpec().getEnableServiceLinks()).as(linkVariables.toString())
                    .isFalse();
        }
    }

    /** Verifies that every Service selects the pods of one StatefulSet and targets named ports they declare. */
    @Test
    void servicesSelectPodsAndTargetTheirNamedPorts() {
        for (Service service : manifests.all(Service.class)) {
            Container target = containerSelectedBy(service.getSpec().getSelector());
            Map<String, Integer> ports = namedPorts(target);
            assertThat(service.getSpec().getPorts()).as(service.getMetadata().getName()).allSatisfy(port -> {
                assertThat(ports).containsKey(port.getTargetPort().getStrVal());
                assertThat(port.getPort()).isEqualTo(ports.get(port.getTargetPort().getStrVal()));
            });
        }
        Service members = manifests.get(Service.class, HEADLESS);
        assertThat(members.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(members.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(members.getSpec().getPorts()).extracting(port -> port.getName())
                .containsExactlyInAnyOrder("hazelcast", "eventbus");
        assertThat(containerSelectedBy(members.getSpec().getSelector())).isSameAs(container);
        assertThat(manifests.get(Service.class, RELAY).getSpec().getPorts()).extracting(port -> port.getName())
                .containsExactly("mcp");
    }

    /**
     * Verifies the policies: devices from anywhere, admin from the namespace and monitoring, the cluster ports
     * between relay pods only, egress left open.
     */
    @Test
    void networkPoliciesAdmitWhatEachPortNeeds() {
        for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
            Container target = containerSelectedBy(policy.getSpec().getPodSelector().getMatchLabels());
            assertThat(policy.getSpec().getPolicyTypes()).as(policy.getMetadata().getName()).containsExactly("Ingress");
            assertThat(policy.getSpec().getIngress()).flatExtracting(NetworkPolicyIngressRule::getPorts)
                    .extracting(port -> port.getPort().getStrVal()).isSubsetOf(namedPorts(target).keySet());
        }
        NetworkPolicy policy = manifests.get(NetworkPolicy.class, RELAY);
        assertThat(peersAllowedTo(policy, "mcp")).isEmpty();
        assertThat(peersAllowedTo(policy, "admin")).isNotEmpty();
        assertThat(peersAllowedTo(policy, "hazelcast")).singleElement().satisfies(peer -> {
            assertThat(peer.getNamespaceSelector()).isNull();
            assertThat(peer.getPodSelector().getMatchLabels())
                    .isEqualTo(relay.getSpec().getSelector().getMatchLabels());
        });
        assertThat(peersAllowedTo(policy, "eventbus")).isEqualTo(peersAllowedTo(policy, "hazelcast"));
    }

    /** Verifies that the disruption budget and the autoscaler act on the relay StatefulSet. */
    @Test
    void disruptionBudgetAndAutoscalerTargetTheRelay() {
        PodDisruptionBudget budget = manifests.get(PodDisruptionBudget.class, RELAY);
        HorizontalPodAutoscaler autoscaler = manifests.get(HorizontalPodAutoscaler.class, RELAY);

        assertThat(containerSelectedBy(budget.getSpec().getSelector().getMatchLabels())).isSameAs(container);
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo("StatefulSet");
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo(RELAY);
        assertThat(autoscaler.getSpec().getMinReplicas()).isEqualTo(relay.getSpec().getReplicas());
        assertThat(autoscaler.getSpec().getMetrics()).singleElement()
                .satisfies(metric -> assertThat(metric.getResource().getName()).isEqualTo("cpu"));
    }

    /** Verifies that the relay's PostgreSQL URL names the PostgreSQL Service, its port and database. */
    @Test
    void registryStoreUrlNamesThePostgresService() {
        Service postgres = manifests.get(Service.class, "relay-postgres");
        Container database = containerSelectedBy(postgres.getSpec().getSelector());
        Map<String, String> databaseEnv = Manifests.environment(database, postgres.getMetadata().getNamespace(),
                sampleSecret());

        assertThat(podEnv.get("RELAY_PG_URI")).isEqualTo("postgresql://" + postgres.getMetadata().getName() + "."
                + postgres.getMetadata().getNamespace() + ".svc.cluster.local:"
                + postgres.getSpec().getPorts().get(0).getPort() + "/" + databaseEnv.get("POSTGRES_DB"));
        assertThat(podEnv.get("RELAY_PG_USER")).isEqualTo(databaseEnv.get("POSTGRES_USER"));
        assertThat(podEnv.get("RELAY_PG_PASSWORD")).isEqualTo(databaseEnv.get("POSTGRES_PASSWORD"));
    }

    /** Verifies that the pods read exactly the keys of the Secret example, whose values are placeholders. */
    @Test
    void secretKeysAreThoseOfTheExample() {
        Set<String> read = new TreeSet<>();
        manifests.all(StatefulSet.class).forEach(set -> set.getSpec().getTemplate().getSpec().getContainers()
                .forEach(each -> each.getEnv().stream().filter(variable -> variable.getValueFrom() != null
                        && variable.getValueFrom().getSecretKeyRef() != null)
                        .forEach(variable -> read.add(variable.getValueFrom().getSecretKeyRef().getKey()))));

        assertThat(read).isEqualTo(secretExample().getStringData().keySet()).isEqualTo(SECRET_SAMPLES.keySet());
        assertThat(secretExample().getStringData()).allSatisfy((key, value) ->
                assertThat(value).as(key).matches("replace-with-.+|relay"));
    }

    /** Verifies that the image exposes the default ports, runs as the pods' user and ships the files it names. */
    @Test
    void dockerfileAgreesWithTheCode() throws IOException {
        List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        RecordingEnvironment env = new RecordingEnvironment(Map.of());
        RelayConfig imageConfig = ConfigLoader.parse(Files.readString(Path.of("conf", CONFIG_FILE)),
                Path.of("/etc/relay"), env);

        assertThat(instruction(dockerfile, "EXPOSE")).isEqualTo(Stream.of(ServerConfig.DEFAULT_PORT,
                AdminConfig.DEFAULT_PORT, ClusterConfig.DEFAULT_HAZELCAST_PORT, ClusterConfig.DEFAULT_EVENT_BUS_PORT)
                .map(String::valueOf).collect(Collectors.joining(" ")));
        assertThat(instruction(dockerfile, "ENTRYPOINT")).isEqualTo("[\"java\", \"-jar\", \"/app/xiaozhi-relay.jar\"]");
        assertThat(instruction(dockerfile, "CMD")).isEqualTo("[\"--config\", \"/etc/relay/relay.yaml\"]");
        assertThat(dockerfile).contains("COPY conf/ /etc/relay/",
                "COPY cluster.xml " + imageConfig.cluster().hazelcastConfig());
        assertThat(instruction(dockerfile, "USER"))
                .startsWith(relay.getSpec().getTemplate().getSpec().getSecurityContext().getRunAsUser() + ":");
        assertThat(String.join("\n", dockerfile)).contains("RELAY_STATE_DIR=" + podConfig.node().stateDir());
        assertThat(env.read()).contains("RELAY_STATE_DIR");
        assertThat(container.getImage()).startsWith("xiaozhi-relay:");
    }

    /** Verifies that each compose node, from the pods' image, loads the image's relay.yaml as a member of the three. */
    @Test
    void composeNodesFormOneCluster() throws IOException {
        JsonNode compose = YAML.readTree(Path.of("docker-compose.yml").toFile());
        JsonNode services = compose.get("services");
        JsonNode template = compose.get("x-relay");
        String yaml = Files.readString(Path.of("conf", CONFIG_FILE));
        Set<String> nodes = new TreeSet<>();
        services.fieldNames().forEachRemaining(name -> {
            if (name.startsWith(RELAY)) {
                nodes.add(name);
            }
        });

        Map<String, String> composeEnv = new HashMap<>();
        template.get("environment").fields().forEachRemaining(entry ->
                composeEnv.put(entry.getKey(), entry.getValue().asText().replaceAll("\\$\\{[^}]+}",
                        composeSample(entry.getKey()))));
        RecordingEnvironment env = new RecordingEnvironment(composeEnv);
        RelayConfig config = ConfigLoader.parse(yaml, Path.of("/etc/relay"), env);

        assertThat(nodes).containsExactly("relay1", "relay2", "relay3");
        assertThat(template.get("image").asText()).isEqualTo(container.getImage());
        assertThat(env.read()).containsAll(composeEnv.keySet());
        assertThat(config.cluster().enabled()).isTrue();
        assertThat(config.cluster().members()).containsExactlyElementsOf(nodes);
        nodes.forEach(node -> assertThat(services.get(node).get("ports").get(0).asText())
                .endsWith(":" + config.server().port()));
        assertThat(Duration.parse("PT" + template.get("stop_grace_period").asText().toUpperCase()))
                .isGreaterThan(config.server().shutdownGrace().plus(hazelcastLeave()));
    }

    private static String clusterXml() {
        return configMap.getData().get(podConfig.cluster().hazelcastConfig().getFileName().toString());
    }

    private static Config hazelcastConfig() {
        return new XmlConfigBuilder(new ByteArrayInputStream(clusterXml().getBytes(StandardCharsets.UTF_8))).build();
    }

    private static Duration hazelcastLeave() {
        String seconds = hazelcastConfig().getProperty("hazelcast.graceful.shutdown.max.wait");
        return Duration.ofSeconds(Long.parseLong(seconds));
    }

    private static Secret secretExample() {
        return (Secret) manifests.byFile().get(SECRET_EXAMPLE);
    }

    /** A sample value of a variable the compose file asks for, of the form the relay expects of it. */
    private static String composeSample(String variable) {
        return switch (variable) {
            case "RELAY_REGISTRY_KEY" -> SECRET_SAMPLES.get("registry-key");
            case "RELAY_CLUSTER_SECRET" -> CLUSTER_SECRET_SAMPLE;
            default -> "xzr_sample";
        };
    }

    private static Secret sampleSecret() {
        return new SecretBuilder(secretExample()).withStringData(SECRET_SAMPLES).build();
    }

    private static Map<String, Integer> namedPorts(Container each) {
        return each.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName,
                ContainerPort::getContainerPort));
    }

    private static Container containerSelectedBy(Map<String, String> selector) {
        List<StatefulSet> selected = manifests.all(StatefulSet.class).stream()
                .filter(set -> set.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                        .containsAll(selector.entrySet()))
                .toList();
        assertThat(selected).as("StatefulSets selected by " + selector).hasSize(1);
        LabelSelector own = selected.get(0).getSpec().getSelector();
        assertThat(selected.get(0).getSpec().getTemplate().getMetadata().getLabels())
                .containsAllEntriesOf(own.getMatchLabels());
        return selected.get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static List<NetworkPolicyPeer> peersAllowedTo(NetworkPolicy policy, String port) {
        List<NetworkPolicyIngressRule> rules = policy.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().map(NetworkPolicyPort::getPort)
                        .anyMatch(each -> port.equals(each.getStrVal())))
                .toList();
        assertThat(rules).as("rules for " + port).hasSize(1);
        return rules.get(0).getFrom();
    }

    private static String instruction(List<String> dockerfile, String keyword) {
        List<String> found = dockerfile.stream().filter(line -> line.startsWith(keyword + " "))
                .map(line -> line.substring(keyword.length() + 1).trim()).toList();
        assertThat(found).as(keyword).hasSize(1);
        return found.get(0);
    }

    /** An environment that remembers which variables the config loader looked up. */
    private static final class RecordingEnvironment extends HashMap<String, String> {

        private final Set<String> read = new HashSet<>();

        RecordingEnvironment(Map<String, String> values) {
            super(values);
        }

        @Override
        public String get(Object key) {
            read.add(String.valueOf(key));
            return super.get(key);
        }

        Set<String> read() {
            return read;
        }
    }
}
