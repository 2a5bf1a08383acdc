package dev.xiaozhi.relay.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The part of a catalog one policy may see, with its {@code tools/list} result pages serialized once.
 */
public final class CatalogView {

    private static final String CURSOR_PREFIX = "page:";

    private final Map<String, CatalogTool> tools;
    private final List<String> pages;
    private final long signature;

    CatalogView(List<CatalogTool> visible, int pageSize) {
        Map<String, CatalogTool> byName = new LinkedHashMap<>();
        visible.forEach(tool -> byName.put(tool.name(), tool));
        this.tools = Map.copyOf(byName);
        this.pages = paginate(visible, pageSize);
        this.signature = ContentHash.of(visible.stream().mapToLong(CatalogTool::content).toArray());
    }

    /**
     * What a client reads of this view: equal for two views whose tools have the same names, descriptions and
     * schemas in the same order, whatever the targets' availability.
     */
    public long signature() {
        return signature;
    }

    /** Finds a tool by its catalog name. */
    public Optional<CatalogTool> find(String catalogName) {
        return Optional.ofNullable(tools.get(catalogName));
    }

    /** Number of tools in the view. */
    public int size() {
        return tools.size();
    }

    /**
     * The serialized {@code tools/list} result for a cursor ({@code null} for the first page).
     *
     * @return empty when the cursor is not one this view handed out
     */
    public Optional<String> page(String cursor) {
        if (cursor == null) {
            return Optional.of(pages.get(0));
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!decoded.startsWith(CURSOR_PREFIX)) {
                return Optional.empty();
            }
            int index = Integer.parseInt(decoded.substring(CURSOR_PREFIX.length()));
            return index > 0 && index < pages.size() ? Optional.of(pages.get(index)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static List<String> paginate(List<CatalogTool> visible, int pageSize) {
        int size = pageSize <= 0 ? Math.max(1, visible.size()) : pageSize;
        List<String> result = new ArrayList<>();
        for (int start = 0; start == 0 || start < visible.size(); start += size) {
            int end = Math.min(visible.size(), start + size);
            StringBuilder page = new StringBuilder("{\"tools\":[");
            for (int i = start; i < end; i++) {
                page.append(i > start ? "," : "").append(visible.get(i).json());
            }
            page.append(']');
            if (end < visible.size()) {
                String cursor = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((CURSOR_PREFIX + (result.size() + 1)).getBytes(StandardCharsets.UTF_8));
                page.append(",\"nextCursor\":\"").append(cursor).append('"');
            }
            result.add(page.append('}').toString());
        }
        return List.copyOf(result);
    }
}
