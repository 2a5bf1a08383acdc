package dev.xiaozhi.relay.upstream.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.SpecVersion;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAPI 3.0 or 3.1 document read by swagger-parser (external {@code $ref}s resolved by the parser, local ones
 * inlined into each tool's schema), with its operations as tools.
 *
 * @param title      the API's title
 * @param serverUrl  the first server's URL with its variables at their defaults, if the document names one
 * @param operations the operations offered, in document order
 */
record OpenApiDocument(String title, Optional<String> serverUrl, List<OpenApiOperation> operations) {

    private static final int MAX_MESSAGES = 3;
    private static final Pattern SERVER_VARIABLE = Pattern.compile("\\{([^}]+)}");

    /**
     * Reads a document: blocking (files, URLs); call it on a worker.
     *
     * @param spec    a file path (relative to {@code baseDir}) or an http(s) URL
     * @throws IllegalStateException when the document cannot be read or is not OpenAPI 3
     */
    static OpenApiDocument load(String spec, Path baseDir, OpenApiOptions options) {
        boolean url = spec.startsWith("http://") || spec.startsWith("https://");
        String location = url ? spec : baseDir.resolve(spec).toAbsolutePath().toString();
        ParseOptions parse = new ParseOptions();
        parse.setResolve(true);
        SwaggerParseResult result = new OpenAPIV3Parser().readLocation(location, null, parse);
        OpenAPI api = result.getOpenAPI();
        if (api == null || api.getPaths() == null) {
            List<String> messages = result.getMessages() == null ? List.of() : result.getMessages();
            throw new IllegalStateException("cannot read OpenAPI document " + spec
                    + (messages.isEmpty() ? "" : ": " + String.join("; ", messages.subList(0,
                    Math.min(MAX_MESSAGES, messages.size())))));
        }
        JsonNode document = (api.getSpecVersion() == SpecVersion.V31 ? Json31.mapper() : Json.mapper())
                .valueToTree(api);
        List<OpenApiOperation> operations = new ArrayList<>(new OperationReader(document, options).read());
        return new OpenApiDocument(document.path("info").path("title").asText("untitled"), serverUrl(document),
                List.copyOf(operations));
    }

    private static Optional<String> serverUrl(JsonNode document) {
        JsonNode server = document.path("servers").path(0);
        if (!server.hasNonNull("url")) {
            return Optional.empty();
        }
        Matcher variable = SERVER_VARIABLE.matcher(server.get("url").asText());
        StringBuilder url = new StringBuilder();
        while (variable.find()) {
            String value = server.path("variables").path(variable.group(1)).path("default").asText("");
            variable.appendReplacement(url, Matcher.quoteReplacement(value));
        }
        variable.appendTail(url);
        return Optional.of(url.toString());
    }
}
