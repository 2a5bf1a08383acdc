package dev.xiaozhi.relay.routing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Catalog resource URIs. A prefixed target's resource URIs and URI templates are namespaced reversibly as
 * {@code relay://<target>/<the target's own URI>}, the target's URI kept whole behind the first slash after the
 * target name (e.g. {@code test://static/resource/1} of target {@code everything} is
 * {@code relay://everything/test://static/resource/1}); a URI template is namespaced the same way, so a client's
 * expansion of it is a namespaced URI. With {@code prefix: never} URIs are untouched.
 */
public final class ResourceUris {

    /** The scheme of namespaced URIs. */
    public static final String SCHEME = "relay";

    private static final String PREFIX = SCHEME + "://";
    private static final Pattern EXPRESSION = Pattern.compile("\\{([+#./;?&]?)[^}]*}");

    private ResourceUris() {
    }

    /** A target's URI (or URI template) in the catalog's namespace. */
    public static String namespaced(String target, String uri) {
        return PREFIX + target + "/" + uri;
    }

    /** The target and the target's own URI of a namespaced URI; empty when the URI is not one. */
    public static Optional<Namespaced> parse(String uri) {
        if (!uri.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int slash = uri.indexOf('/', PREFIX.length());
        if (slash <= PREFIX.length()) {
            return Optional.empty();
        }
        return Optional.of(new Namespaced(uri.substring(PREFIX.length(), slash), uri.substring(slash + 1)));
    }

    /**
     * What URIs an RFC 6570 URI template expands to, as a pattern: literal text as it is, a simple expression as
     * one path segment's characters, a reserved ({@code +}, {@code #}) expression as anything, the other operators
     * as what they may add.
     */
    static Pattern expansions(String template) {
        StringBuilder regex = new StringBuilder();
        Matcher expression = EXPRESSION.matcher(template);
        int last = 0;
        while (expression.find()) {
            regex.append(Pattern.quote(template.substring(last, expression.start())));
            regex.append(switch (expression.group(1)) {
                case "+", "#" -> ".*";
                case "/" -> "(?:/[^/?#]*)*";
                case "?", "&" -> "(?:[?&][^#]*)?";
                default -> "[^/?#&]*";
            });
            last = expression.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString());
    }

    /**
     * A namespaced URI taken apart.
     *
     * @param target   the target's name
     * @param upstream the target's own URI
     */
    public record Namespaced(String target, String upstream) {
    }
}
