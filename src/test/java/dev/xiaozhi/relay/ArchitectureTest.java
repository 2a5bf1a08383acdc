package dev.xiaozhi.relay;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verifies that the packages are layers whose imports point down only, as the README's Architecture section draws
 * them: the composition root on top, the event-bus contract and value types at the bottom.
 */
class ArchitectureTest {

    /** The layers from the top down; a layer may use the layers below it, never one above. */
    static final Map<String, String[]> LAYERS = layers();

    private static JavaClasses relay;

    @BeforeAll
    static void importClasses() {
        relay = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.xiaozhi.relay");
    }

    /** Verifies that no package imports one of a layer above its own. */
    @Test
    void importsPointDown() {
        LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (Map.Entry<String, String[]> layer : LAYERS.entrySet()) {
            architecture = architecture.layer(layer.getKey()).definedBy(layer.getValue());
        }
        List<String> above = new ArrayList<>();
        for (String layer : LAYERS.keySet()) {
            architecture = above.isEmpty() ? architecture.whereLayer(layer).mayNotBeAccessedByAnyLayer()
                    : architecture.whereLayer(layer).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
            above.add(layer);
        }
        architecture.check(relay);
    }

    /** Verifies that no two top-level packages import each other, also within one layer. */
    @Test
    void topLevelPackagesFormNoCycle() {
        slices().matching("dev.xiaozhi.relay.(*)..").should().beFreeOfCycles().check(relay);
    }

    private static Map<String, String[]> layers() {
        Map<String, String[]> layers = new LinkedHashMap<>();
        layers.put("composition root", new String[] {"dev.xiaozhi.relay", "dev.xiaozhi.relay.node..",
            "dev.xiaozhi.relay.cli.."});
        layers.put("admin", new String[] {"dev.xiaozhi.relay.admin.."});
        layers.put("fronts", new String[] {"dev.xiaozhi.relay.front.."});
        layers.put("upstream", new String[] {"dev.xiaozhi.relay.upstream.."});
        layers.put("registry and cluster", new String[] {"dev.xiaozhi.relay.registry..",
            "dev.xiaozhi.relay.cluster.."});
        layers.put("ops", new String[] {"dev.xiaozhi.relay.ops.."});
        layers.put("routing, auth, secrets", new String[] {"dev.xiaozhi.relay.routing..",
            "dev.xiaozhi.relay.auth..", "dev.xiaozhi.relay.secret.."});
        layers.put("config", new String[] {"dev.xiaozhi.relay.config.."});
        layers.put("event-bus contract", new String[] {"dev.xiaozhi.relay.bus.."});
        layers.put("value types", new String[] {"dev.xiaozhi.relay.model.."});
        layers.put("protocol and base", new String[] {"dev.xiaozhi.relay.protocol..", "dev.xiaozhi.relay.common..",
            "dev.xiaozhi.relay.client.."});
        return layers;
    }
}
