package dev.xiaozhi.relay.protocol;

/** Byte counting for UTF-8 without encoding the text. */
public final class Utf8 {

    private Utf8() {
    }

    /** Number of bytes {@code text} takes in UTF-8. */
    public static int length(CharSequence text) {
        int bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            bytes += charLength(text, i);
            if (Character.isHighSurrogate(text.charAt(i)) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            }
        }
        return bytes;
    }

    /** Bytes taken by the code point starting at {@code index} (a surrogate pair counts 4). */
    static int charLength(CharSequence text, int index) {
        char c = text.charAt(index);
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800) {
            return 2;
        }
        if (Character.isHighSurrogate(c) && index + 1 < text.length()
                && Character.isLowSurrogate(text.charAt(index + 1))) {
            return 4;
        }
        return 3;
    }
}
