package dev.xiaozhi.relay.upstream.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * One operation of an OpenAPI document: the tool it becomes and the HTTP request a call of that tool makes.
 *
 * @param toolName     the tool's name at the target (from {@code operationId}, else method and path), legal and
 *                     unique within the document
 * @param description  summary and description, capped in length
 * @param inputSchema  the tool's JSON Schema: parameters and body merged, {@code $ref}s resolved
 * @param method       HTTP method, upper case
 * @param pathTemplate the path as written in the document, e.g. {@code /pets/{petId}}
 * @param parameters   where each argument goes in the request
 * @param body         how arguments become the JSON request body, when the operation takes one
 */
public record OpenApiOperation(String toolName, String description, ObjectNode inputSchema, String method,
        String pathTemplate, List<OpenApiParameter> parameters, Optional<OpenApiBody> body) {
}
