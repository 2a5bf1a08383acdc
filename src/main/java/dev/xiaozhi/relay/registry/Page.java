package dev.xiaozhi.relay.registry;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a listing, in id order.
 *
 * @param items the records
 * @param next  the cursor of the next page, or null on the last page
 * @param <T>   the record type
 */
public record Page<T>(List<T> items, String next) {

    /** The page of {@code limit} items after {@code cursor} (an id, exclusive; null for the first page). */
    static <T> Page<T> of(List<T> sorted, Function<T, String> id, String cursor, int limit) {
        int start = 0;
        if (cursor != null) {
            while (start < sorted.size() && id.apply(sorted.get(start)).compareTo(cursor) <= 0) {
                start++;
            }
        }
        int end = Math.min(sorted.size(), start + limit);
        return new Page<>(List.copyOf(sorted.subList(start, end)),
                end < sorted.size() ? id.apply(sorted.get(end - 1)) : null);
    }
}
