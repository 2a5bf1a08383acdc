package dev.xiaozhi.relay.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.model.OfferKind;
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

        assertThat(catalog.tools()).extracting(CatalogEntry::name)
                .containsExactly("evaluate", "football___getStandings");
        assertThat(catalog.view(ToolPolicy.ALLOW_ALL).find("football___getStandings")).get()
                .extracting(CatalogEntry::target, CatalogEntry::upstream).containsExactly("football", "getStandings");
    }

    /** Verifies that {@code conditional} prefixes only names that two targets share. */
    @Test
    void prefixesConditionallyOnlyOnCollision() {
        Catalog catalog = Catalog.build(List.of(
                update("a", PrefixMode.CONDITIONAL, "search", "alpha"),
                update("b", PrefixMode.CONDITIONAL, "search", "beta")), 0);

        assertThat(catalog.tools()).extracting(CatalogEntry::name)
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
        for (CatalogEntry tool : catalog.tools()) {
            assertThat(tool.name()).matches(ToolNames.LEGAL);
            assertThat(names.add(tool.name())).as("unique: %s", tool.name()).isTrue();
            CatalogEntry found = catalog.view(ToolPolicy.ALLOW_ALL).find(tool.name()).orElseThrow();
            assertThat(found.upstream()).isEqualTo(tool.upstream());
            assertThat(found.target()).isEqualTo(tool.target());
        }
        assertThat(names).hasSize(6);
        assertThat(catalog.tools()).filteredOn(t -> t.upstream().equals(longName)).singleElement()
                .satisfies(t -> assertThat(t.name()).hasSize(64).startsWith("web___xxx"));
        assertThat(Catalog.build(List.of(update("web", PrefixMode.ALWAYS, longName)), 0).tools().get(0).name())
                .as("stable across builds")
                .isEqualTo(catalog.tools().stream().filter(t -> t.upstream().equals(longName)).findFirst()
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

    /**
     * Verifies that prompts are named like tools, and that resource URIs and templates are namespaced reversibly
     * under {@code always}, untouched under {@code never}, and namespaced under {@code conditional} only when shared.
     */
    @Test
    void namesPromptsAndNamespacesResourceUrisByPrefixMode() {
        Catalog catalog = Catalog.build(List.of(
                offer("docs", PrefixMode.ALWAYS, "summarize", "file:///a.md", "file:///{path}"),
                offer("wiki", PrefixMode.NEVER, "summarize", "wiki://home", "wiki://{page}"),
                offer("c1", PrefixMode.CONDITIONAL, "ask", "shared://x", "c1://{id}"),
                offer("c2", PrefixMode.CONDITIONAL, "ask2", "shared://x", "c2://{id}")), 0);
        CatalogView view = catalog.view(ToolPolicy.ALLOW_ALL);

        assertThat(catalog.prompts()).extracting(CatalogEntry::name)
                .containsExactly("ask", "ask2", "docs___summarize", "summarize");
        assertThat(catalog.resources()).extracting(CatalogEntry::name).containsExactly("relay://c1/shared://x",
                "relay://c2/shared://x", "relay://docs/file:///a.md", "wiki://home");
        assertThat(view.findPrompt("docs___summarize")).get().extracting(CatalogEntry::target, CatalogEntry::upstream)
                .containsExactly("docs", "summarize");
        assertThat(view.resource("relay://docs/file:///a.md")).get()
                .isEqualTo(new ResourceRoute("docs", "file:///a.md", true, 30_000));
        assertThat(view.resource("relay://docs/file:///deep/b.md?x=1")).get()
                .isEqualTo(new ResourceRoute("docs", "file:///deep/b.md?x=1", true, 30_000));
        assertThat(view.resource("wiki://other")).get().isEqualTo(new ResourceRoute("wiki", "wiki://other", false,
                30_000));
        assertThat(view.resource("c2://7")).get().extracting(ResourceRoute::target).isEqualTo("c2");
        assertThat(view.resource("relay://wiki/wiki://home")).as("a never target has no namespace").isEmpty();
        assertThat(view.resource("nowhere://x")).isEmpty();
        assertThat(view.template("relay://docs/file:///{path}")).get().extracting(ResourceRoute::upstream)
                .isEqualTo("file:///{path}");
        assertThat(view.resource("relay://docs/x").orElseThrow().catalogUri("file:///c.md"))
                .isEqualTo("relay://docs/file:///c.md");
        assertThat(view.catalogUri("docs", "file:///a.md")).contains("relay://docs/file:///a.md");
        assertThat(view.catalogUri("wiki", "wiki://home")).contains("wiki://home");
    }

    /** Verifies that prompt and resource patterns filter their own kind only, in lists and lookups alike. */
    @Test
    void filtersPromptsAndResourcesByTheirOwnPatterns() {
        Catalog catalog = Catalog.build(List.of(offer("docs", PrefixMode.ALWAYS, "summarize", "file:///a.md",
                "file:///{path}")), 0);
        ToolRule rule = new ToolRule(List.of("*"), List.of(), List.of("*"), List.of(), List.of("*"),
                List.of("*summ*"), List.of("relay://docs/file:///a*"), List.of());

        CatalogView view = catalog.view(new ToolPolicy(List.of(rule)));

        assertThat(view.findPrompt("docs___summarize")).isEmpty();
        assertThat(view.promptPage(null)).get().asString().doesNotContain("summarize");
        assertThat(view.resource("relay://docs/file:///a.md")).isPresent();
        assertThat(view.resource("relay://docs/file:///b.md")).isEmpty();
        assertThat(view.templatePage(null)).get().asString().doesNotContain("path");
        assertThat(view.size()).isEqualTo(1);
        assertThat(view.signature(OfferKind.PROMPT)).isNotEqualTo(catalog.view(ToolPolicy.ALLOW_ALL)
                .signature(OfferKind.PROMPT));
        assertThat(view.signature()).isEqualTo(catalog.view(ToolPolicy.ALLOW_ALL).signature());
    }

    /**
     * Verifies that merged resources come in the relay's own pages even when tools come in one (the Xiaozhi
     * cloud's), every resource once.
     */
    @Test
    void paginatesMergedResourcesWithTheRelaysOwnCursor() throws Exception {
        var resources = Json.MAPPER.createArrayNode();
        for (int i = 0; i < 150; i++) {
            resources.addObject().put("uri", "file:///" + i).put("name", "r" + i);
        }
        CatalogView view = Catalog.build(List.of(new CatalogUpdate("docs", PrefixMode.NEVER, 30_000,
                update("docs", PrefixMode.NEVER, "tool").tools(), true, "docs-1", null, resources, null, null)), 0)
                .view(ToolPolicy.ALLOW_ALL);

        JsonNode first = Json.parse(view.resourcePage(null).orElseThrow());
        JsonNode second = Json.parse(view.resourcePage(first.get("nextCursor").asText()).orElseThrow());

        assertThat(first.get("resources")).hasSize(CatalogView.DEFAULT_PAGE_SIZE);
        assertThat(second.get("resources")).hasSize(150 - CatalogView.DEFAULT_PAGE_SIZE);
        assertThat(second.has("nextCursor")).isFalse();
        assertThat(view.page(null).orElseThrow()).doesNotContain("nextCursor");
    }

    private static CatalogUpdate offer(String target, PrefixMode prefix, String prompt, String uri,
            String template) {
        var prompts = Json.MAPPER.createArrayNode();
        prompts.addObject().put("name", prompt).put("description", "p");
        var resources = Json.MAPPER.createArrayNode();
        resources.addObject().put("uri", uri).put("name", "r").put("mimeType", "text/plain");
        var templates = Json.MAPPER.createArrayNode();
        templates.addObject().put("uriTemplate", template).put("name", "t");
        return new CatalogUpdate(target, prefix, 30_000, update(target, prefix, "tool").tools(), true, target + "-1",
                prompts, resources, templates, Json.MAPPER.createObjectNode());
    }

    private static CatalogUpdate update(String target, PrefixMode prefix, String... tools) {
        var array = Json.MAPPER.createArrayNode();
        for (String tool : tools) {
            array.addObject().put("name", tool).put("description", "d").putObject("inputSchema").put("type", "object");
        }
        return new CatalogUpdate(target, prefix, 30_000, array, true, target + "-1");
    }
}
