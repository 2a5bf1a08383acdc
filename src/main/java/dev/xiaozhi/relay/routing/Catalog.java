package dev.xiaozhi.relay.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.xiaozhi.relay.bus.CatalogUpdate;
import dev.xiaozhi.relay.model.OfferKind;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.ToolPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * An immutable snapshot of everything the node's targets offer: tools and prompts under unique, legal, reversible
 * catalog names ({@link ToolNames}), resources and resource templates under unique, reversible catalog URIs
 * ({@link ResourceUris}). What a target that is down offered stays, marked with {@value #UNAVAILABLE_META} in its
 * {@code _meta} (a mark that is not part of the content: flipping it changes no view's signatures). Views per policy
 * are built on first use and kept with the snapshot.
 */
public final class Catalog {

    /** {@code _meta} key set on the offers of a target that is down: they are its last good lists, kept. */
    public static final String UNAVAILABLE_META = "dev.xiaozhi.relay/unavailable";

    /** A catalog of nothing. */
    public static final Catalog EMPTY = build(List.of(), 0);

    private final List<CatalogEntry> tools;
    private final List<CatalogEntry> prompts;
    private final List<CatalogEntry> resources;
    private final List<CatalogEntry> templates;
    private final Map<String, CatalogTarget> targets;
    private final int pageSize;
    private final Map<ToolPolicy, CatalogView> views = new ConcurrentHashMap<>();
    /**
     * The view asked for last: the sessions of a tenant hold policies made of that tenant's one rule object, so most
     * calls find theirs here by comparing rule references, without hashing the rules.
     */
    private volatile RecentView lastView;

    private Catalog(List<CatalogEntry> tools, List<CatalogEntry> prompts, List<CatalogEntry> resources,
            List<CatalogEntry> templates, Map<String, CatalogTarget> targets, int pageSize) {
        this.tools = tools;
        this.prompts = prompts;
        this.resources = resources;
        this.templates = templates;
        this.targets = targets;
        this.pageSize = pageSize;
    }

    /**
     * Builds a catalog from the current offers of all targets.
     *
     * @param pageSize tools per {@code tools/list} page, 0 for one page; prompts, resources and templates come in
     *                 pages of this size too, or of {@link CatalogView#DEFAULT_PAGE_SIZE} when it is 0
     */
    public static Catalog build(Collection<CatalogUpdate> targets, int pageSize) {
        List<CatalogUpdate> sorted = new ArrayList<>(targets);
        sorted.sort(Comparator.comparing(CatalogUpdate::target));
        Map<String, CatalogTarget> known = new LinkedHashMap<>();
        sorted.forEach(target -> known.put(target.target(), new CatalogTarget(target.target(), target.prefix(),
                target.timeoutMs(), target.capabilities())));
        return new Catalog(named(sorted, CatalogUpdate::tools), named(sorted, CatalogUpdate::prompts),
                located(sorted, CatalogUpdate::resources, "uri"),
                located(sorted, CatalogUpdate::resourceTemplates, "uriTemplate"), Map.copyOf(known), pageSize);
    }

    /** Every tool, in catalog order. */
    public List<CatalogEntry> tools() {
        return tools;
    }

    /** Every prompt, in catalog order. */
    public List<CatalogEntry> prompts() {
        return prompts;
    }

    /** Every resource, in catalog order. */
    public List<CatalogEntry> resources() {
        return resources;
    }

    /** The names of the targets that offer anything. */
    public Set<String> targets() {
        return targets.keySet();
    }

    /** What a policy allows. */
    public CatalogView view(ToolPolicy policy) {
        RecentView recent = lastView;
        if (recent != null && (recent.policy() == policy || recent.policy().equals(policy))) {
            return recent.view();
        }
        CatalogView view = views.computeIfAbsent(policy, p -> {
            Map<String, CatalogTarget> visible = new HashMap<>();
            targets.forEach((name, target) -> {
                if (p.allowsTarget(name)) {
                    visible.put(name, target);
                }
            });
            return new CatalogView(p, filter(tools, p, OfferKind.TOOL), filter(prompts, p, OfferKind.PROMPT),
                    filter(resources, p, OfferKind.RESOURCE), filter(templates, p, OfferKind.RESOURCE), visible,
                    pageSize);
        });
        lastView = new RecentView(policy, view);
        return view;
    }

    private static List<CatalogEntry> filter(List<CatalogEntry> entries, ToolPolicy policy, OfferKind kind) {
        return entries.stream().filter(e -> policy.allows(kind, e.target(), e.name())).toList();
    }

    /** Tools or prompts under {@code <target>___<name>}, as the targets' prefix modes say. */
    private static List<CatalogEntry> named(List<CatalogUpdate> sorted, Function<CatalogUpdate, JsonNode> list) {
        Map<String, Integer> plainNameCounts = new HashMap<>();
        sorted.forEach(target -> list.apply(target).forEach(
                item -> plainNameCounts.merge(item.path("name").asText(), 1, Integer::sum)));
        Set<String> taken = new HashSet<>();
        List<CatalogEntry> entries = new ArrayList<>();
        for (CatalogUpdate target : sorted) {
            for (JsonNode item : list.apply(target)) {
                if (!item.isObject()) {
                    continue;
                }
                String plain = item.path("name").asText();
                String origin = target.target() + "/" + plain;
                String name = ToolNames.legal(prefixed(target, plainNameCounts.get(plain))
                        ? target.target() + ToolNames.SEPARATOR + plain : plain, origin);
                for (int attempt = 1; !taken.add(name); attempt++) {
                    name = ToolNames.hashed(name, origin + "#" + attempt);
                }
                entries.add(entry(target, item, "name", name, plain));
            }
        }
        return List.copyOf(entries);
    }

    /** Resources or templates under their own URI, or namespaced ({@link ResourceUris}) when prefixed or taken. */
    private static List<CatalogEntry> located(List<CatalogUpdate> sorted, Function<CatalogUpdate, JsonNode> list,
            String key) {
        Map<String, Integer> counts = new HashMap<>();
        sorted.forEach(target -> list.apply(target).forEach(item -> counts.merge(item.path(key).asText(), 1,
                Integer::sum)));
        Set<String> taken = new HashSet<>();
        List<CatalogEntry> entries = new ArrayList<>();
        for (CatalogUpdate target : sorted) {
            for (JsonNode item : list.apply(target)) {
                if (!item.isObject()) {
                    continue;
                }
                String own = item.path(key).asText();
                String uri = prefixed(target, counts.get(own)) ? ResourceUris.namespaced(target.target(), own) : own;
                if (!taken.add(uri)) {
                    uri = ResourceUris.namespaced(target.target(), own);
                    if (!taken.add(uri)) {
                        continue;
                    }
                }
                entries.add(entry(target, item, key, uri, own));
            }
        }
        return List.copyOf(entries);
    }

    private static boolean prefixed(CatalogUpdate target, int sharedBy) {
        return target.prefix() == PrefixMode.ALWAYS || target.prefix() == PrefixMode.CONDITIONAL && sharedBy > 1;
    }

    private static CatalogEntry entry(CatalogUpdate target, JsonNode item, String key, String name, String own) {
        ObjectNode renamed = ((ObjectNode) item).deepCopy().put(key, name);
        long content = ContentHash.of(renamed.toString());
        if (!target.available()) {
            ObjectNode meta = renamed.has("_meta") && renamed.get("_meta").isObject()
                    ? (ObjectNode) renamed.get("_meta") : renamed.putObject("_meta");
            meta.put(UNAVAILABLE_META, true);
        }
        return new CatalogEntry(name, target.target(), own, target.timeoutMs(), renamed.toString(), content);
    }

    /** The view of a policy. */
    private record RecentView(ToolPolicy policy, CatalogView view) {
    }
}
