package dev.xiaozhi.relay.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/** The result pages of one list method ({@code tools/list}, {@code prompts/list}, …), serialized once. */
final class CatalogPages {

    private static final String CURSOR_PREFIX = "page:";

    private final List<String> pages;

    /**
     * @param key      the result's array member ({@code tools}, {@code prompts}, …)
     * @param pageSize entries per page; 0 for one page
     */
    CatalogPages(String key, List<CatalogEntry> entries, int pageSize) {
        int size = pageSize <= 0 ? Math.max(1, entries.size()) : pageSize;
        List<String> result = new ArrayList<>();
        for (int start = 0; start == 0 || start < entries.size(); start += size) {
            int end = Math.min(entries.size(), start + size);
            StringBuilder page = new StringBuilder("{\"").append(key).append("\":[");
            for (int i = start; i < end; i++) {
                page.append(i > start ? "," : "").append(entries.get(i).json());
            }
            page.append(']');
            if (end < entries.size()) {
                String cursor = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString((CURSOR_PREFIX + (result.size() + 1)).getBytes(StandardCharsets.UTF_8));
                page.append(",\"nextCursor\":\"").append(cursor).append('"');
            }
            result.add(page.append('}').toString());
        }
        this.pages = List.copyOf(result);
    }

    /**
     * The serialized result for a cursor ({@code null} for the first page).
     *
     * @return empty when the cursor is not one these pages handed out
     */
    Optional<String> page(String cursor) {
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
}
