package dev.xiaozhi.relay.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configured value that may hold secret references ({@code ${env:NAME}}, {@code ${file:PATH}},
 * {@code ${aws-sm:NAME[#key]}}, each with an optional {@code :-default}), kept unresolved until it is used so that a
 * missing secret fails only the calls that need it. Its text is the configured template, never a resolved value;
 * {@link #toString()} names only the references.
 *
 * @param template the configured text, references not yet resolved
 * @param baseDir  directory that relative {@code file} references resolve against
 */
public record SecretValue(String template, Path baseDir) {

    /** A reference, or the {@code $${} escape (group 1 absent). */
    public static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z0-9-]+):([^}]*)}");

    /** A value without references. */
    public static SecretValue literal(String value) {
        return new SecretValue(value.replace("${", "$${"), Path.of("."));
    }

    /** The references in the template, as written (e.g. {@code ${aws-sm:football#apiKey}}). */
    public List<String> references() {
        List<String> references = new ArrayList<>();
        Matcher matcher = REFERENCE.matcher(template);
        while (matcher.find()) {
            if (matcher.group(1) != null) {
                references.add(matcher.group());
            }
        }
        return references;
    }

    @Override
    public String toString() {
        List<String> references = references();
        return references.isEmpty() ? "SecretValue[literal]" : "SecretValue" + references;
    }
}
