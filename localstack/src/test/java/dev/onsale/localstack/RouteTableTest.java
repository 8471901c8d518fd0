package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static HttpRoute route(String method, String path, String functionName) {
        FunctionDefinition definition = new FunctionDefinition(functionName, functionName, "x.Handler", "java21", 128, 3,
                Map.of(), List.of(), List.of(), List.of());
        return new HttpRoute(method, path, new LocalFunction(definition, Map.of(), RouteTableTest.class.getClassLoader(), "arn"), null);
    }

    private static RouteTable.Matched matched(RouteTable table, String method, String path) {
        return assertInstanceOf(RouteTable.Matched.class, table.match(method, path));
    }

    private static String functionOf(RouteTable.Matched match) {
        return match.route().function().definition().logicalId();
    }

    private final RouteTable routes = new RouteTable(List.of(
            route("GET", "/events", "ListEvents"),
            route("POST", "/events", "CreateEvent"),
            route("GET", "/events/{event_id}", "GetEvent"),
            route("GET", "/events/{event_id}/seats", "GetSeats"),
            route("GET", "/events/featured", "Featured"),
            route("ANY", "/files/{proxy+}", "AnyFile"),
            route("GET", "/files/{proxy+}", "GetFile"),
            route("GET", "/files/{name}", "GetTopFile")));

    @Test
    void aLiteralPathBeatsAPathParameter() {
        RouteTable.Matched match = matched(routes, "GET", "/events/featured");
        assertEquals("Featured", functionOf(match));
        assertNull(match.pathParameters());
    }

    @Test
    void pathParametersAreCapturedAndDecoded() {
        RouteTable.Matched match = matched(routes, "GET", "/events/a%20b%2Fc/seats");
        assertEquals("GetSeats", functionOf(match));
        assertEquals(Map.of("event_id", "a b/c"), match.pathParameters());
        assertEquals("GET /events/{event_id}/seats", match.route().routeKey());
    }

    @Test
    void aPathParameterBeatsAGreedyOne() {
        assertEquals("GetTopFile", functionOf(matched(routes, "GET", "/files/readme")));
    }

    @Test
    void greedyParametersTakeTheRestOfThePathAndTheirOwnMethodBeatsAny() {
        RouteTable.Matched get = matched(routes, "GET", "/files/docs/a/b.txt");
        assertEquals("GetFile", functionOf(get));
        assertEquals(Map.of("proxy", "docs/a/b.txt"), get.pathParameters());
        assertEquals("AnyFile", functionOf(matched(routes, "DELETE", "/files/docs/a/b.txt")));
        assertEquals("AnyFile", functionOf(matched(routes, "PUT", "/files/readme")));
    }

    @Test
    void aGreedyParameterNeedsAtLeastOneSegment() {
        assertInstanceOf(RouteTable.NotFound.class, routes.match("GET", "/files/"));
        assertInstanceOf(RouteTable.NotFound.class, routes.match("GET", "/files"));
    }

    @Test
    void aKnownPathWithAnotherMethodIsNotAllowedAndSaysWhatIs() {
        assertEquals(new RouteTable.MethodNotAllowed("GET, POST"), routes.match("DELETE", "/events"));
        assertEquals(new RouteTable.MethodNotAllowed("GET"), routes.match("POST", "/events/7"));
    }

    @Test
    void anUnknownPathIsNotFound() {
        assertInstanceOf(RouteTable.NotFound.class, routes.match("GET", "/nothing/here"));
        assertInstanceOf(RouteTable.NotFound.class, routes.match("GET", "/events/7/seats/extra"));
    }

    @Test
    void theDefaultRouteTakesEverythingUnmatchedIncludingWrongMethods() {
        RouteTable withDefault = new RouteTable(List.of(route("GET", "/events", "ListEvents"), route("ANY", null, "Fallback")));
        RouteTable.Matched unknownPath = matched(withDefault, "GET", "/nothing");
        assertEquals("Fallback", functionOf(unknownPath));
        assertEquals("$default", unknownPath.route().routeKey());
        assertEquals("Fallback", functionOf(matched(withDefault, "DELETE", "/events")));
        assertEquals("ListEvents", functionOf(matched(withDefault, "GET", "/events")));
    }

    /** The docs routes: a literal page beside a parameter one level down, and a literal with a dot. */
    @Test
    void aLiteralPageBesideItsFilesAndDottedNames() {
        RouteTable docs = new RouteTable(List.of(
                route("GET", "/docs", "DocsPage"),
                route("GET", "/docs/{file}", "DocsAsset"),
                route("GET", "/openapi.json", "OpenApi")));
        assertEquals("DocsPage", functionOf(matched(docs, "GET", "/docs")));
        assertEquals("OpenApi", functionOf(matched(docs, "GET", "/openapi.json")));
        RouteTable.Matched file = matched(docs, "GET", "/docs/swagger-ui.css");
        assertEquals("DocsAsset", functionOf(file));
        assertEquals(Map.of("file", "swagger-ui.css"), file.pathParameters());
        // an encoded slash stays inside the one segment (decoded for the function, which must refuse it)
        assertEquals(Map.of("file", "../openapi.json"), matched(docs, "GET", "/docs/..%2Fopenapi.json").pathParameters());
        assertInstanceOf(RouteTable.NotFound.class, docs.match("GET", "/docs/"));
        assertInstanceOf(RouteTable.NotFound.class, docs.match("GET", "/docs/a/b"));
        assertInstanceOf(RouteTable.NotFound.class, docs.match("GET", "/openapi.json/"));
        assertEquals(new RouteTable.MethodNotAllowed("GET"), docs.match("POST", "/docs/x.js"));
    }
}
