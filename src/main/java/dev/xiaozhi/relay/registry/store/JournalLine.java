package dev.xiaozhi.relay.registry.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.xiaozhi.relay.protocol.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * One line of the registry journal: {@code <crc32 as 8 hex digits> <json>}, where the JSON is
 * {@code {"op":"put","c":collection,"k":key,"v":record}} or {@code {"op":"delete","c":collection,"k":key}}. The
 * checksum tells a damaged line from a good one.
 *
 * @param put        whether the record is put (else deleted)
 * @param collection the collection
 * @param key        the key
 * @param json       the record as JSON text (null for a delete)
 */
record JournalLine(boolean put, String collection, String key, String json) {

    private static final int CRC_DIGITS = 8;

    /** The line, newline included. */
    String encode() {
        String body = "{\"op\":\"" + (put ? "put" : "delete") + "\",\"c\":" + Json.quote(collection) + ",\"k\":"
                + Json.quote(key) + (put ? ",\"v\":" + json : "") + "}";
        return String.format("%08x", crc(body)) + " " + body + "\n";
    }

    /**
     * Reads a line without its newline.
     *
     * @throws IllegalArgumentException when the line is damaged
     */
    static JournalLine decode(String text) {
        if (text.length() < CRC_DIGITS + 2 || text.charAt(CRC_DIGITS) != ' ') {
            throw new IllegalArgumentException("not a journal line");
        }
        String body = text.substring(CRC_DIGITS + 1);
        long expected;
        try {
            expected = Long.parseLong(text.substring(0, CRC_DIGITS), 16);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad checksum field");
        }
        if (crc(body) != expected) {
            throw new IllegalArgumentException("checksum mismatch");
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            String op = node.path("op").asText();
            if (!node.path("c").isTextual() || !node.path("k").isTextual()
                    || !"put".equals(op) && !"delete".equals(op) || "put".equals(op) && !node.path("v").isObject()) {
                throw new IllegalArgumentException("unexpected journal entry");
            }
            return new JournalLine("put".equals(op), node.get("c").asText(), node.get("k").asText(),
                    "put".equals(op) ? node.get("v").toString() : null);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON");
        }
    }

    /** Applies the line to a snapshot: collection → key → JSON. */
    void applyTo(Map<String, Map<String, String>> records) {
        if (put) {
            records.computeIfAbsent(collection, c -> new TreeMap<>()).put(key, json);
        } else if (records.containsKey(collection)) {
            records.get(collection).remove(key);
        }
    }

    private static long crc(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }
}
