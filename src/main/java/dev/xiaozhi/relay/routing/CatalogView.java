package dev.xiaozhi.relay.routing;

import dev.xiaozhi.relay.model.OfferKind;
import dev.xiaozhi.relay.model.PrefixMode;
import dev.xiaozhi.relay.model.ToolPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The part of a catalog one policy may see: its tools, prompts, resources and resource templates, their list result
 * pages serialized once, and the way from a catalog URI back to the target that serves it.
 */
public final class CatalogView {

    /** Prompts, resources or templates per page when the catalog has no page size of its own. */
    public static final int DEFAULT_PAGE_SIZE = 100;

    private final ToolPolicy policy;
    private final Map<String, CatalogEntry> tools;
    private final Map<String, CatalogEntry> prompts;
    private final Map<String, CatalogEntry> resources;
    private final Map<String, CatalogEntry> templates;
    private final List<TemplateMatch> ownTemplates;
    private final Map<String, CatalogTarget> targets;
    private final CatalogPages toolPages;
    private final CatalogPages promptPages;
    private final CatalogPages resourcePages;
    private final CatalogPages templatePages;
    private final long signature;
    private final long promptsSignature;
    private final long resourcesSignature;

    CatalogView(ToolPolicy policy, List<CatalogEntry> tools, List<CatalogEntry> prompts,
            List<CatalogEntry> resources, List<CatalogEntry> templates, Map<String, CatalogTarget> targets,
            int pageSize) {
        this.policy = policy;
        this.tools = byName(tools);
        this.prompts = byName(prompts);
        this.resources = byName(resources);
        this.templates = byName(templates);
        this.ownTemplates = templates.stream().filter(t -> t.name().equals(t.upstream()))
                .map(t -> new TemplateMatch(t, ResourceUris.expansions(t.upstream()))).toList();
        this.targets = Map.copyOf(targets);
        int otherPageSize = pageSize > 0 ? pageSize : DEFAULT_PAGE_SIZE;
        this.toolPages = new CatalogPages("tools", tools, pageSize);
        this.promptPages = new CatalogPages("prompts", prompts, otherPageSize);
        this.resourcePages = new CatalogPages("resources", resources, otherPageSize);
        this.templatePages = new CatalogPages("resourceTemplates", templates, otherPageSize);
        this.signature = signature(tools);
        this.promptsSignature = signature(prompts);
        this.resourcesSignature = ContentHash.of(new long[] {signature(resources), signature(templates)});
    }

    /**
     * What a client reads of this view's tools: equal for two views whose tools have the same names, descriptions
     * and schemas in the same order, whatever the targets' availability.
     */
    public long signature() {
        return signature;
    }

    /** What a client reads of this view's tools, prompts, or resources and templates, as {@link #signature()}. */
    public long signature(OfferKind kind) {
        return switch (kind) {
            case TOOL -> signature;
            case PROMPT -> promptsSignature;
            case RESOURCE -> resourcesSignature;
        };
    }

    /** Finds a tool by its catalog name. */
    public Optional<CatalogEntry> find(String catalogName) {
        return Optional.ofNullable(tools.get(catalogName));
    }

    /** Finds a prompt by its catalog name. */
    public Optional<CatalogEntry> findPrompt(String catalogName) {
        return Optional.ofNullable(prompts.get(catalogName));
    }

    /** Number of tools in the view. */
    public int size() {
        return tools.size();
    }

    /** Whether the view offers anything of a kind (a resource or a template, for resources). */
    public boolean offers(OfferKind kind) {
        return switch (kind) {
            case TOOL -> !tools.isEmpty();
            case PROMPT -> !prompts.isEmpty();
            case RESOURCE -> !resources.isEmpty() || !templates.isEmpty();
        };
    }

    /** Whether any target the view may see declared a server capability ({@code logging}, {@code completions}). */
    public boolean declared(String capability) {
        return targets.values().stream().anyMatch(target -> target.declares(capability));
    }

    /** Whether the server of a target the view may see declared a capability. */
    public boolean declared(String target, String capability) {
        CatalogTarget known = targets.get(target);
        return known != null && known.declares(capability);
    }

    /** The targets the view may see whose servers declared a capability, by name. */
    public List<String> targetsDeclaring(String capability) {
        return targets.values().stream().filter(target -> target.declares(capability)).map(CatalogTarget::name)
                .sorted().toList();
    }

    /** Whether a target the view may see lets resources be subscribed to. */
    public boolean subscribable() {
        return targets.values().stream().anyMatch(CatalogTarget::subscribable);
    }

    /** Whether a target the view may see lets its resources be subscribed to. */
    public boolean subscribable(String target) {
        CatalogTarget known = targets.get(target);
        return known != null && known.subscribable();
    }

    /**
     * The serialized {@code tools/list} result for a cursor ({@code null} for the first page).
     *
     * @return empty when the cursor is not one this view handed out
     */
    public Optional<String> page(String cursor) {
        return toolPages.page(cursor);
    }

    /** The serialized {@code prompts/list} result for a cursor, as {@link #page}. */
    public Optional<String> promptPage(String cursor) {
        return promptPages.page(cursor);
    }

    /** The serialized {@code resources/list} result for a cursor, as {@link #page}. */
    public Optional<String> resourcePage(String cursor) {
        return resourcePages.page(cursor);
    }

    /** The serialized {@code resources/templates/list} result for a cursor, as {@link #page}. */
    public Optional<String> templatePage(String cursor) {
        return templatePages.page(cursor);
    }

    /**
     * Where a catalog resource URI leads: a listed resource; else a URI in the relay's namespace of a target this
     * view may see; else the expansion of a template listed under its own URI. Empty when none, or the policy denies
     * the URI.
     */
    public Optional<ResourceRoute> resource(String uri) {
        CatalogEntry listed = resources.get(uri);
        if (listed != null) {
            return Optional.of(route(listed));
        }
        Optional<ResourceUris.Namespaced> namespaced = ResourceUris.parse(uri);
        if (namespaced.isPresent()) {
            CatalogTarget target = targets.get(namespaced.get().target());
            if (target != null && target.prefix() != PrefixMode.NEVER
                    && policy.allows(OfferKind.RESOURCE, target.name(), uri)) {
                return Optional.of(new ResourceRoute(target.name(), namespaced.get().upstream(), true,
                        target.timeoutMs()));
            }
        }
        for (TemplateMatch own : ownTemplates) {
            CatalogEntry template = own.template();
            if (own.expansions().matcher(uri).matches() && policy.allows(OfferKind.RESOURCE, template.target(),
                    uri)) {
                return Optional.of(new ResourceRoute(template.target(), uri, false, template.timeoutMs()));
            }
        }
        return Optional.empty();
    }

    /** Where a catalog URI template (a completion's {@code ref/resource}) leads; else as {@link #resource}. */
    public Optional<ResourceRoute> template(String uriTemplate) {
        CatalogEntry listed = templates.get(uriTemplate);
        return listed != null ? Optional.of(route(listed)) : resource(uriTemplate);
    }

    /**
     * How a target's own URI (of a {@code notifications/resources/updated}) looks to this view; empty when the view
     * may not see it.
     */
    public Optional<String> catalogUri(String target, String targetUri) {
        CatalogTarget known = targets.get(target);
        if (known == null) {
            return Optional.empty();
        }
        for (CatalogEntry listed : resources.values()) {
            if (listed.target().equals(target) && listed.upstream().equals(targetUri)) {
                return Optional.of(listed.name());
            }
        }
        String uri = known.prefix() == PrefixMode.ALWAYS ? ResourceUris.namespaced(target, targetUri) : targetUri;
        return policy.allows(OfferKind.RESOURCE, target, uri) ? Optional.of(uri) : Optional.empty();
    }

    private static ResourceRoute route(CatalogEntry entry) {
        return new ResourceRoute(entry.target(), entry.upstream(), !entry.name().equals(entry.upstream()),
                entry.timeoutMs());
    }

    private static Map<String, CatalogEntry> byName(List<CatalogEntry> entries) {
        Map<String, CatalogEntry> byName = new LinkedHashMap<>();
        entries.forEach(entry -> byName.put(entry.name(), entry));
        return Map.copyOf(byName);
    }

    private static long signature(List<CatalogEntry> entries) {
        return ContentHash.of(entries.stream().mapToLong(CatalogEntry::content).toArray());
    }

    /** A template listed under its own URI, and what it expands to. */
    private record TemplateMatch(CatalogEntry template, Pattern expansions) {
    }
}
