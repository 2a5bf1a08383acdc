package dev.xiaozhi.relay.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.ToolPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable snapshot of every tool the node's targets offer, under unique, legal, reversible catalog names.
 * Tools of a target that is down stay, marked with {@value #UNAVAILABLE_META} in their {@code _meta} (a mark that is
 * not part of a tool's content: flipping it changes no view's {@link CatalogView#signature()}). Views per
 * policy are built on first use and kept with the snapshot.
 */
public final class Catalog {

    /** {@code _meta} key set on the tools of a target that is down: they are its last good list, kept. */
    public static final String UNAVAILABLE_META = "dev.xiaozhi.relay/unavailable";

    /** A catalog without tools. */
    public static final Catalog EMPTY = build(List.of(), 0);

    private final List<CatalogTool> tools;
    private final int pageSize;
    private final Map<ToolPolicy, CatalogView> views = new ConcurrentHashMap<>();

    private Catalog(List<CatalogTool> tools, int pageSize) {
        this.tools = tools;
        this.pageSize = pageSize;
    }

    /**
     * Builds a catalog from the current tool lists of all targets.
     *
     * @param pageSize tools per {@code tools/list} page; 0 for one page
     */
    public static Catalog build(Collection<CatalogUpdate> targets, int pageSize) {
        List<CatalogUpdate> sorted = new ArrayList<>(targets);
        sorted.sort(Comparator.comparing(CatalogUpdate::target));
        Map<String, Integer> plainNameCounts = new HashMap<>();
        sorted.forEach(target -> target.tools().forEach(
                tool -> plainNameCounts.merge(tool.path("name").asText(), 1, Integer::sum)));

        Set<String> taken = new HashSet<>();
        List<CatalogTool> tools = new ArrayList<>();
        for (CatalogUpdate target : sorted) {
            for (JsonNode tool : target.tools()) {
                String toolName = tool.path("name").asText();
                boolean prefixed = target.prefix() == PrefixMode.ALWAYS
                        || target.prefix() == PrefixMode.CONDITIONAL && plainNameCounts.get(toolName) > 1;
                String origin = target.target() + "/" + toolName;
                String name = ToolNames.legal(prefixed ? target.target() + ToolNames.SEPARATOR + toolName : toolName,
                        origin);
                for (int attempt = 1; !taken.add(name); attempt++) {
                    name = ToolNames.hashed(name, origin + "#" + attempt);
                }
                ObjectNode renamed = ((ObjectNode) tool).deepCopy().put("name", name);
                long content = ContentHash.of(renamed.toString());
                if (!target.available()) {
                    ObjectNode meta = renamed.has("_meta") && renamed.get("_meta").isObject()
                            ? (ObjectNode) renamed.get("_meta") : renamed.putObject("_meta");
                    meta.put(UNAVAILABLE_META, true);
                }
                tools.add(new CatalogTool(name, target.target(), toolName, target.timeoutMs(), renamed.toString(),
                        content));
            }
        }
        return new Catalog(List.copyOf(tools), pageSize);
    }

    /** Every tool, in catalog order. */
    public List<CatalogTool> tools() {
        return tools;
    }

    /** The tools a policy allows. */
    public CatalogView view(ToolPolicy policy) {
        return views.computeIfAbsent(policy,
                p -> new CatalogView(tools.stream().filter(t -> p.allows(t.target(), t.name())).toList(), pageSize));
    }
}
