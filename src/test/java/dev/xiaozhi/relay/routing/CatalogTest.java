package dev.xiaozhi.relay.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.ToolPolicy;
import dev.xiaozhi.relay.model.ToolRule;
import dev.xiaozhi.relay.protocol.Json;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Verifies catalog naming, policy views and pagination. */
class CatalogTest {

    /** Verifies that names are {@code <target>___<tool>} by default and plain under {@code never}. */
    @Test
    void prefixesToolNamesByTargetUnlessToldNotTo() {
        Catalog catalog = Catalog.build(List.of(
                update("football", PrefixMode.ALWAYS, "getStandings"),
                update("calc", PrefixMode.NEVER, "evaluate")), 0);

        assertThat(catalog.tools()).extracting(CatalogTool::name)
                .containsExactly("evaluate", "football___getStandings");
        assertThat(catalog.view(ToolPolicy.ALLOW_ALL).find("football___getStandings")).get()
                .extracting(CatalogTool::target, CatalogTool::tool).containsExactly("football", "getStandings");
    }

    /** Verifies that {@code conditional} prefixes only names that two targets share. */
    @Test
    void prefixesConditionallyOnlyOnCollision() {
        Catalog catalog = Catalog.build(List.of(
                update("a", PrefixMode.CONDITIONAL, "search", "alpha"),
                update("b", PrefixMode.CONDITIONAL, "search", "beta")), 0);

        assertThat(catalog.tools()).extracting(CatalogTool::name)
                .containsExactly("a___search", "alpha", "b___search", "beta");
    }

    /** Verifies that illegal and over-long names become legal, unique and still map back to their origin. */
    @Test
    void makesEveryNameLegalUniqueAndReversible() {
        String longName = "x".repeat(100);
        Catalog catalog = Catalog.build(List.of(
                update("web", PrefixMode.ALWAYS, "fetch.url", "fetch:url", "fetch url", longName, longName + "y"),
                update("dup", PrefixMode.NEVER, "web___fetch_url")), 0);

        Set<String> names = new HashSet<>();
        for (CatalogTool tool : catalog.tools()) {
            assertThat(tool.name()).matches(ToolNames.LEGAL);
            assertThat(names.add(tool.name())).as("unique: %s", tool.name()).isTrue();
            CatalogTool found = catalog.view(ToolPolicy.ALLOW_ALL).find(tool.name()).orElseThrow();
            assertThat(found.tool()).isEqualTo(tool.tool());
            assertThat(found.target()).isEqualTo(tool.target());
        }
        assertThat(names).hasSize(6);
        assertThat(catalog.tools()).filteredOn(t -> t.tool().equals(longName)).singleElement()
                .satisfies(t -> assertThat(t.name()).hasSize(64).startsWith("web___xxx"));
        assertThat(Catalog.build(List.of(update("web", PrefixMode.ALWAYS, longName)), 0).tools().get(0).name())
                .as("stable across builds")
                .isEqualTo(catalog.tools().stream().filter(t -> t.tool().equals(longName)).findFirst()
                        .orElseThrow().name());
    }

    /** Verifies that the kept tools of a target that is down stay listed, marked in their _meta. */
    @Test
    void marksTheKeptToolsOfATargetThatIsDown() throws Exception {
        CatalogUpdate up = update("files", PrefixMode.ALWAYS, "read");
        CatalogUpdate down = new CatalogUpdate("files", PrefixMode.ALWAYS, 30_000, up.tools(), false, "files-1");

        JsonNode listed = Json.parse(Catalog.build(List.of(down), 0).view(ToolPolicy.ALLOW_ALL).page(null)
                .orElseThrow()).at("/tools/0");

        assertThat(listed.get("name").asText()).isEqualTo("files___read");
        assertThat(listed.at("/_meta/dev.xiaozhi.relay~1unavailable").asBoolean()).isTrue();
        assertThat(Catalog.build(List.of(up), 0).tools().get(0).json()).doesNotContain("unavailable");
    }

    /** Verifies that a policy's view holds only the allowed targets' tools. */
    @Test
    void filtersViewsByPolicy() {
        Catalog catalog = Catalog.build(List.of(
                update("calculator", PrefixMode.ALWAYS, "evaluate"),
                update("diagnostics", PrefixMode.ALWAYS, "echo")), 0);

        CatalogView view = catalog.view(new ToolPolicy(List.of(new ToolRule(List.of("calc*"), List.of(), List.of("*"),
                List.of()))));

        assertThat(view.size()).isEqualTo(1);
        assertThat(view.find("diagnostics___echo")).isEmpty();
        assertThat(view.page(null)).get().asString().contains("calculator___evaluate").doesNotContain("echo");
    }

    /** Verifies that a configured page size yields cursor pagination over every tool, once each. */
    @Test
    void paginatesWithCursorsWhenAPageSizeIsSet() throws Exception {
        Catalog catalog = Catalog.build(List.of(update("t", PrefixMode.ALWAYS, "a", "b", "c", "d", "e")), 2);
        CatalogView view = catalog.view(ToolPolicy.ALLOW_ALL);

        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = Json.parse(view.page(cursor).orElseThrow());
            page.get("tools").forEach(tool -> seen.add(tool.get("name").asText()));
            cursor = page.path("nextCursor").textValue();
            pages++;
        } while (cursor != null);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactly("t___a", "t___b", "t___c", "t___d", "t___e");
        assertThat(view.page("not-a-cursor")).isEmpty();
    }

    private static CatalogUpdate update(String target, PrefixMode prefix, String... tools) {
        var array = Json.MAPPER.createArrayNode();
        for (String tool : tools) {
            array.addObject().put("name", tool).put("description", "d").putObject("inputSchema").put("type", "object");
        }
        return new CatalogUpdate(target, prefix, 30_000, array, true, target + "-1");
    }
}
