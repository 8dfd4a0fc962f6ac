package io.crux.it.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.importer.ExplodedImporter;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.crux.it.support.AppServer;
import io.crux.it.support.Deployments;
import io.crux.it.support.Json;
import io.crux.it.support.SameOnEveryDatabase;

/**
 * The server's MicroProfile OpenAPI document lists every flow kind's actions at their own paths,
 * each with the input schema that {@code GET /flows} publishes as its request body, next to the
 * generic HTTP API with its summaries and RFC 9457 problems; the application configures nothing
 * (crux-ee-sse's jar registers the filter). On a server of the test's own.
 */
class OpenApiIT {

    private static final String NAME = "it-openapi";
    private static final String PAYARA =
            "Payara Micro 6.2025.10's OpenAPI document leaves out the Jakarta REST resources of a WEB-INF/lib jar"
                    + " (crux-ee-sse's), even with mp.openapi.scan.lib=true, and fails as a whole (500, a"
                    + " NullPointerException in its ApplicationProcessor.addSchemaParameter) on a Bean Validation"
                    + " constraint of a record component, such as a flow input's @NotBlank";
    private static AppServer server;
    private static Map<String, Object> document;

    /** Why the tests are skipped by request ({@code -Dit.db-independent.skip=true}), or null. */
    private static final String SKIPPED = SameOnEveryDatabase.skipped(
            "the document is made from the deployed classes, and no check reads what the database holds");

    @BeforeAll
    static void start() {
        if (onPayara() || SKIPPED != null) {
            return; // each test says why it is skipped
        }
        server = AppServer.create("cruxOpenApi", Map.of()).deploy(war());
        server.start("/" + NAME + "/api/flows");
        HttpResponse<String> r = server.getAbsolute(server.openApiUrl(), "application/json");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        document = Json.object(r.body());
    }

    /**
     * The HTTP API with the help desk (two actions, nested inputs) and a flow whose input is a map.
     * Its own flows, so that it counts their actions exactly.
     */
    private static WebArchive war() {
        JavaArchive sse = ShrinkWrap.create(ExplodedImporter.class, "crux-ee-sse.jar")
                .importDirectory(System.getProperty("crux.sse.classes", "../crux-ee-sse/target/classes"))
                .as(JavaArchive.class);
        return Deployments.war(NAME, ApiApplication.class, DeskFlow.class, OpenFlow.class)
                .addAsLibrary(sse);
    }

    /** Skipped test by test, so that the report counts and names them. */
    @BeforeEach
    void notOnPayara() {
        Assumptions.assumeFalse(onPayara(), PAYARA);
        Assumptions.assumeTrue(SKIPPED == null, SKIPPED);
    }

    private static boolean onPayara() {
        return "payara".equals(AppServer.kind());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stopQuietly();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyActionOfEveryKindHasItsPathWithItsInputSchema() {
        List<Object> kinds = Json.list(server.get("/" + NAME + "/api/flows").body());
        assertThat(kinds).isNotEmpty();
        Map<String, Object> paths = (Map<String, Object>) document.get("paths");
        Map<String, Object> schemas =
                (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("schemas");
        int actions = 0;
        for (Object k : kinds) {
            Map<String, Object> kind = (Map<String, Object>) k;
            for (Object a : (List<Object>) kind.get("actions")) {
                Map<String, Object> action = (Map<String, Object>) a;
                String suffix = "/flows/" + kind.get("kind") + "/actions/" + action.get("name");
                Map<String, Object> post = post(paths, suffix);
                assertThat(post).as("POST …%s", suffix).isNotNull();
                String name = kind.get("kind") + "." + action.get("name") + ".input";
                assertThat(at(post, "requestBody", "content", "application/json", "schema", "$ref"))
                        .as("the body of %s", suffix)
                        .isEqualTo("#/components/schemas/" + name);
                assertThat(at(post, "responses", "202")).as("202 of %s", suffix).isNotNull();
                assertThat(post.get("tags")).asList().contains(kind.get("kind"));

                Map<String, Object> published = new LinkedHashMap<>((Map<String, Object>) action.get("inputSchema"));
                published.remove("$schema");
                assertThat(schemas.get(name)).as("the schema of %s", name).isEqualTo(published);

                assertThat(post(
                                paths,
                                "/flows/" + kind.get("kind") + "/sessions/{sessionId}/actions/" + action.get("name")))
                        .as("the same action in an existing session")
                        .isNotNull();
                actions++;
            }
        }
        assertThat(actions).isEqualTo(3);
        assertThat(paths).containsKey(prefixOf(paths) + "/flows/help-desk/actions/ask");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGenericApiHasSummariesAndProblems() {
        Map<String, Object> paths = (Map<String, Object>) document.get("paths");
        Map<String, Object> act = post(paths, "/flows/{kind}/actions/{action}");
        assertThat(act).isNotNull();
        assertThat(act.get("summary")).isEqualTo("Runs an action of a flow in a new session");
        assertThat(at(act, "responses", "404", "content", "application/problem+json", "schema", "$ref"))
                .isEqualTo("#/components/schemas/CruxProblem");
        Map<String, Object> signal = post(paths, "/flows/runs/{runId}/signals/{name}");
        assertThat(signal).as("the signal operation").isNotNull();
        assertThat(at(signal, "responses", "410")).as("an expired suspension").isNotNull();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDeclaredSignalHasItsPathWithItsPayloadSchema() {
        Map<String, Object> paths = (Map<String, Object>) document.get("paths");
        Map<String, Object> escalation = post(paths, "/flows/runs/{runId}/signals/escalation");
        assertThat(at(escalation, "requestBody", "content", "application/json", "schema", "$ref"))
                .isEqualTo("#/components/schemas/help-desk.escalation.signal");
        assertThat(at(escalation, "responses", "410"))
                .as("the generic signal's answers")
                .isNotNull();
        assertThat(escalation.get("parameters")).asList().isNotEmpty();
        Map<String, Object> payload =
                (Map<String, Object>) at(document, "components", "schemas", "help-desk.escalation.signal");
        assertThat(payload.get("properties"))
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsOnlyKeys("email", "urgent");
    }

    private static String prefixOf(Map<String, Object> paths) {
        String generic = "/flows/{kind}/actions/{action}";
        return paths.keySet().stream()
                .filter(p -> p.endsWith(generic))
                .map(p -> p.substring(0, p.length() - generic.length()))
                .findFirst()
                .orElseThrow();
    }

    /** The POST operation of the one path that ends with the suffix (the document's paths start with the application's). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> post(Map<String, Object> paths, String suffix) {
        List<String> matching =
                paths.keySet().stream().filter(p -> p.endsWith(suffix)).toList();
        assertThat(matching)
                .as("paths ending with %s in %s", suffix, paths.keySet())
                .hasSize(1);
        return (Map<String, Object>) ((Map<String, Object>) paths.get(matching.get(0))).get("post");
    }

    @SuppressWarnings("unchecked")
    private static Object at(Map<String, Object> node, String... keys) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = ((Map<String, Object>) m).get(key);
        }
        return current;
    }
}
