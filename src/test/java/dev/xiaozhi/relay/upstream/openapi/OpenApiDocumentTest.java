package dev.xiaozhi.relay.upstream.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.xiaozhi.relay.routing.ToolNames;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Verifies that OpenAPI documents become valid tools: a real-world 3.0 document (the Swagger Petstore) and a 3.1
 * document using what 3.1 adds; every input schema is accepted by a JSON Schema 2020-12 validator.
 */
class OpenApiDocumentTest {

    private static final Path RESOURCES = Path.of("src/test/resources/openapi");
    private static final OpenApiOptions ALL = new OpenApiOptions(1024, List.of(), List.of(), Set.of());
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12);
    private static final Schema META_SCHEMA = SCHEMAS.getSchema(SchemaLocation.of(
            "https://json-schema.org/draft/2020-12/schema"));

    /** Verifies that every Petstore operation is a tool with a legal name and a valid, self-contained schema. */
    @Test
    void turnsEveryPetstoreOperationIntoAValidTool() {
        OpenApiDocument document = OpenApiDocument.load("petstore-3.0.yaml", RESOURCES, ALL);

        assertThat(document.title()).isEqualTo("Swagger Petstore - OpenAPI 3.0");
        assertThat(document.serverUrl()).contains("https://petstore3.swagger.io/api/v3");
        assertThat(document.operations()).extracting(OpenApiOperation::toolName).containsExactly("updatePet",
                "addPet", "findPetsByStatus", "findPetsByTags", "getPetById", "updatePetWithForm", "deletePet",
                "uploadFile", "getInventory", "placeOrder", "getOrderById", "deleteOrder", "createUser",
                "createUsersWithListInput", "loginUser", "logoutUser", "getUserByName", "updateUser", "deleteUser");
        assertThat(document.operations()).allSatisfy(operation -> {
            assertThat(operation.toolName()).matches(ToolNames.LEGAL);
            assertThat(operation.description()).isNotBlank();
            assertValidSchema(operation.inputSchema());
        });
    }

    /** Verifies how parameters and bodies of Petstore operations become arguments and requests. */
    @Test
    void mapsPetstoreParametersAndBodies() {
        Map<String, OpenApiOperation> tools = byName(OpenApiDocument.load("petstore-3.0.yaml", RESOURCES, ALL));

        OpenApiOperation addPet = tools.get("addPet");
        assertThat(addPet.body()).hasValueSatisfying(body -> {
            assertThat(body.flattened()).isTrue();
            assertThat(body.contentType()).isEqualTo("application/json");
        });
        assertThat(addPet.inputSchema().at("/properties").fieldNames()).toIterable()
                .containsExactly("id", "name", "category", "photoUrls", "tags", "status");
        assertThat(addPet.inputSchema().at("/properties/category/properties/name/type").asText()).isEqualTo("string");
        assertThat(addPet.inputSchema().at("/properties/status/enum")).hasSize(3);
        assertThat(addPet.inputSchema().get("required")).extracting(JsonNode::asText)
                .containsExactly("name", "photoUrls");

        OpenApiOperation createList = tools.get("createUsersWithListInput");
        assertThat(createList.body()).hasValueSatisfying(body -> assertThat(body.argument()).isEqualTo("body"));
        assertThat(createList.inputSchema().at("/properties/body/type").asText()).isEqualTo("array");
        assertThat(createList.inputSchema().at("/properties/body/items/properties/username/type").asText())
                .isEqualTo("string");

        OpenApiOperation upload = tools.get("uploadFile");
        assertThat(upload.body()).isEmpty();
        assertThat(upload.inputSchema().at("/properties").fieldNames()).toIterable()
                .containsExactly("petId", "additionalMetadata");
        assertThat(upload.inputSchema().get("required")).extracting(JsonNode::asText).containsExactly("petId");

        OpenApiOperation findByTags = tools.get("findPetsByTags");
        assertThat(findByTags.parameters()).singleElement().satisfies(tags -> {
            assertThat(tags.in()).isEqualTo(OpenApiParameter.Location.QUERY);
            assertThat(tags.style()).isEqualTo(OpenApiParameter.Style.FORM);
            assertThat(tags.explode()).isTrue();
        });
        assertThat(tools.get("deletePet").parameters()).extracting(OpenApiParameter::name)
                .containsExactly("api_key", "petId");
        assertThat(tools.get("getPetById").inputSchema().toString()).doesNotContain("$ref");
    }

    /** Verifies include and exclude patterns, injected parameters and the description cap. */
    @Test
    void filtersOperationsAndHidesInjectedParameters() {
        OpenApiOptions options = new OpenApiOptions(40, List.of("*Pet*"), List.of("find*"), Set.of("api_key"));

        Map<String, OpenApiOperation> tools = byName(OpenApiDocument.load("petstore-3.0.yaml", RESOURCES,
                options));

        assertThat(tools).containsOnlyKeys("updatePet", "addPet", "getPetById", "updatePetWithForm", "deletePet");
        assertThat(tools.get("deletePet").parameters()).extracting(OpenApiParameter::name).containsExactly("petId");
        assertThat(tools.values()).allSatisfy(tool -> assertThat(tool.description()).hasSizeLessThanOrEqualTo(40));
        assertThat(tools.get("updatePet").description()).hasSize(40).startsWith("Update an existing pet.\n\nUpdate")
                .endsWith("…");
    }

    /** Verifies a 3.1 document: its features become valid JSON Schema, webhooks are no tools. */
    @Test
    void readsAnOpenApi31Document() {
        OpenApiDocument document = OpenApiDocument.load("transit-3.1.yaml", RESOURCES, ALL);
        Map<String, OpenApiOperation> tools = byName(document);

        assertThat(document.serverUrl()).contains("https://eu.transit.example.com/v2");
        assertThat(tools).containsOnlyKeys("searchStops", "listDepartures", "planJourney", "get_alerts_line",
                "sendFeedback");
        assertThat(tools.values()).allSatisfy(tool -> assertValidSchema(tool.inputSchema()));

        JsonNode departures = tools.get("listDepartures").inputSchema();
        assertThat(departures.at("/properties").fieldNames()).toIterable()
                .containsExactly("stopId", "modes", "window");
        assertThat(departures.at("/properties/window").toString())
                .isEqualTo("{\"type\":[\"integer\",\"null\"],\"maximum\":240,\"minimum\":1}");
        assertThat(tools.get("listDepartures").pathTemplate()).isEqualTo("/stops/{stopId}/departures");
        assertThat(tools.get("searchStops").inputSchema().at("/properties/limit/exclusiveMinimum").asInt())
                .isZero();
        assertThat(tools.get("get_alerts_line").parameters()).extracting(OpenApiParameter::in).containsExactly(
                OpenApiParameter.Location.PATH, OpenApiParameter.Location.HEADER, OpenApiParameter.Location.COOKIE);
        assertThat(tools.get("sendFeedback").inputSchema().at("/properties/body/oneOf")).hasSize(2);

        JsonNode journey = tools.get("planJourney").inputSchema();
        assertThat(journey.at("/properties/leg/properties/next/type").asText()).isEqualTo("object");
        assertThat(journey.get("required")).extracting(JsonNode::asText).containsExactly("from", "to");
        Schema arguments = SCHEMAS.getSchema(journey.toString(), InputFormat.JSON);
        assertThat(arguments.validate("{\"from\":\"S1\",\"to\":\"S9\",\"via\":[\"S4\"]}", InputFormat.JSON))
                .isEmpty();
        assertThat(arguments.validate("{\"from\":1}", InputFormat.JSON)).isNotEmpty();
    }

    /** Verifies that an unreadable document fails with its name and the parser's reason. */
    @Test
    void refusesDocumentsThatAreNotOpenApi() {
        assertThatThrownBy(() -> OpenApiDocument.load("missing.yaml", RESOURCES, ALL))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("cannot read OpenAPI document "
                        + "missing.yaml");
    }

    private static void assertValidSchema(JsonNode schema) {
        assertThat(schema.get("type").asText()).isEqualTo("object");
        assertThat(schema.toString()).doesNotContain("$ref");
        assertThat(META_SCHEMA.validate(schema.toString(), InputFormat.JSON)).as(schema.toString()).isEmpty();
    }

    private static Map<String, OpenApiOperation> byName(OpenApiDocument document) {
        return document.operations().stream().collect(Collectors.toMap(OpenApiOperation::toolName,
                Function.identity(), (a, b) -> a, java.util.LinkedHashMap::new));
    }
}
