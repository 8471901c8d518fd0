package dev.onsale.http;

import dev.onsale.platform.Environment;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The HTTP API's {@code $default} route: answers a request that matched no route with a JSON 404,
 * or a 405 with {@code Allow} when the path exists under other methods. API Gateway's own answer
 * would be {@code {"message":"Not Found"}} for both.
 */
public final class RouteNotFoundHandler extends ApiHandler {
    private final List<RouteKey> routes;

    /** A route as API Gateway writes it: a method and a path template such as {@code /a/{id}}. */
    record RouteKey(String method, List<String> segments) {
        static RouteKey parse(String text) {
            String[] parts = text.trim().split("\\s+", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("Not a route key: " + text);
            }
            return new RouteKey(parts[0].toUpperCase(Locale.ROOT), RouteNotFoundHandler.segments(parts[1]));
        }

        boolean matchesPath(List<String> path) {
            for (int i = 0; i < segments.size(); i++) {
                String template = segments.get(i);
                if (template.startsWith("{") && template.endsWith("+}")) {
                    return path.size() > i;
                }
                if (i >= path.size()) {
                    return false;
                }
                boolean variable = template.startsWith("{") && template.endsWith("}");
                if (!variable && !template.equals(path.get(i))) {
                    return false;
                }
            }
            return segments.size() == path.size();
        }
    }

    public RouteNotFoundHandler() {
        this(Environment.get("ROUTES").orElse(""));
    }

    /** @param routes comma-separated route keys, e.g. {@code GET /api/v1/events,POST /api/v1/events} */
    public RouteNotFoundHandler(String routes) {
        super(Caller.AdminRule.NOBODY);
        this.routes = Arrays.stream(routes.split(","))
                .filter(s -> !s.isBlank())
                .map(RouteKey::parse)
                .toList();
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        List<String> path = segments(request.path());
        String allowed = routes.stream()
                .filter(route -> route.matchesPath(path))
                .map(RouteKey::method)
                .distinct()
                .collect(Collectors.joining(", "));
        // the method is allowed on a path that differs only in slashes ("/docs/" for "/docs"): not this route
        if (allowed.isEmpty() || Arrays.asList(allowed.split(", ")).contains(request.method())) {
            return ApiResponse.error(404, "not_found", "No route for " + request.method() + " " + request.path());
        }
        return ApiResponse.error(405, "method_not_allowed",
                        request.method() + " is not allowed on " + request.path() + "; use " + allowed)
                .header("allow", allowed);
    }

    private static List<String> segments(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }
}
