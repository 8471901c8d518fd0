package dev.onsale.localstack;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the route of a request as API Gateway HTTP APIs do: the most specific path wins (literal
 * segments over {@code {param}} over a greedy {@code {proxy+}}), a route's own method over {@code ANY},
 * and the {@code $default} route takes whatever nothing else matched. Without a {@code $default} route,
 * an unmatched path is "not found" and a path matched only for other methods "method not allowed".
 * Built once; a lookup of a literal path is one hash lookup.
 */
final class RouteTable {

    sealed interface Match permits Matched, NotFound, MethodNotAllowed {}

    record Matched(HttpRoute route, Map<String, String> pathParameters) implements Match {}

    record NotFound() implements Match {}

    /** @param allow the Allow header value, e.g. {@code "GET, POST"} */
    record MethodNotAllowed(String allow) implements Match {}

    private static final Logger log = LoggerFactory.getLogger(RouteTable.class);
    private static final NotFound NOT_FOUND = new NotFound();

    /** The routes of one path, by method. */
    private static final class PathRoutes {
        final Map<String, HttpRoute> byMethod = new HashMap<>();
        HttpRoute any;

        void add(HttpRoute route) {
            boolean isAny = route.method().equals(HttpRoute.ANY);
            HttpRoute existing = isAny ? any : byMethod.get(route.method());
            if (existing != null) {
                log.warn("route {} is served by {} and {}; the first wins", route.routeKey(),
                        existing.function().definition().logicalId(), route.function().definition().logicalId());
                return;
            }
            if (isAny) {
                any = route;
            } else {
                byMethod.put(route.method(), route);
            }
        }

        HttpRoute forMethod(String method) {
            HttpRoute route = byMethod.get(method);
            return route != null ? route : any;
        }
    }

    private enum SegmentKind { LITERAL, PARAMETER, GREEDY }

    private record Segment(SegmentKind kind, String text) {
        static Segment parse(String segment) {
            if (segment.startsWith("{") && segment.endsWith("+}")) {
                return new Segment(SegmentKind.GREEDY, segment.substring(1, segment.length() - 2));
            }
            if (segment.startsWith("{") && segment.endsWith("}")) {
                return new Segment(SegmentKind.PARAMETER, segment.substring(1, segment.length() - 1));
            }
            return new Segment(SegmentKind.LITERAL, segment);
        }
    }

    private record PathPattern(List<Segment> segments, PathRoutes routes) {
        /** @return the path parameters (values still percent-encoded), or null when the path does not match */
        Map<String, String> match(String[] path) {
            Map<String, String> parameters = null;
            for (int i = 0; i < segments.size(); i++) {
                Segment segment = segments.get(i);
                if (segment.kind() == SegmentKind.GREEDY) {
                    if (i >= path.length || (i == path.length - 1 && path[i].isEmpty())) {
                        return null;
                    }
                    parameters = parameters == null ? new LinkedHashMap<>() : parameters;
                    parameters.put(segment.text(), String.join("/", List.of(path).subList(i, path.length)));
                    return parameters;
                }
                if (i >= path.length) {
                    return null;
                }
                if (segment.kind() == SegmentKind.LITERAL) {
                    if (!segment.text().equals(path[i])) {
                        return null;
                    }
                } else {
                    if (path[i].isEmpty()) {
                        return null;
                    }
                    parameters = parameters == null ? new LinkedHashMap<>() : parameters;
                    parameters.put(segment.text(), path[i]);
                }
            }
            return path.length == segments.size() ? parameters : null;
        }

        static int compareSpecificity(PathPattern a, PathPattern b) {
            for (int i = 0; i < Math.min(a.segments.size(), b.segments.size()); i++) {
                int byKind = a.segments.get(i).kind().compareTo(b.segments.get(i).kind());
                if (byKind != 0) {
                    return byKind;
                }
            }
            return Integer.compare(b.segments.size(), a.segments.size());
        }
    }

    private final Map<String, PathRoutes> literalPaths = new HashMap<>();
    private final List<PathPattern> patterns;
    private final HttpRoute defaultRoute;
    private final List<HttpRoute> routes;

    RouteTable(List<HttpRoute> routes) {
        this.routes = List.copyOf(routes);
        Map<String, PathRoutes> templatedPaths = new LinkedHashMap<>();
        HttpRoute defaultCandidate = null;
        for (HttpRoute route : routes) {
            if (route.path() == null) {
                if (defaultCandidate != null) {
                    log.warn("two $default routes ({} and {}); the first wins", defaultCandidate.function().definition().logicalId(),
                            route.function().definition().logicalId());
                } else {
                    defaultCandidate = route;
                }
            } else if (route.path().contains("{")) {
                templatedPaths.computeIfAbsent(route.path(), path -> new PathRoutes()).add(route);
            } else {
                literalPaths.computeIfAbsent(route.path(), path -> new PathRoutes()).add(route);
            }
        }
        List<PathPattern> sorted = new ArrayList<>();
        templatedPaths.forEach((path, pathRoutes) ->
                sorted.add(new PathPattern(splitPath(path).stream().map(Segment::parse).toList(), pathRoutes)));
        sorted.sort(PathPattern::compareSpecificity);
        this.patterns = List.copyOf(sorted);
        this.defaultRoute = defaultCandidate;
    }

    /** Every route, in template order. */
    List<HttpRoute> routes() {
        return routes;
    }

    /** @param rawPath the path as received, still percent-encoded */
    Match match(String method, String rawPath) {
        Set<String> allowed = null;
        PathRoutes literal = literalPaths.get(rawPath);
        if (literal != null) {
            HttpRoute route = literal.forMethod(method);
            if (route != null) {
                return new Matched(route, null);
            }
            allowed = new TreeSet<>(literal.byMethod.keySet());
        }
        if (!patterns.isEmpty()) {
            String[] path = splitPath(rawPath).toArray(String[]::new);
            for (PathPattern pattern : patterns) {
                Map<String, String> parameters = pattern.match(path);
                if (parameters == null) {
                    continue;
                }
                HttpRoute route = pattern.routes().forMethod(method);
                if (route != null) {
                    parameters.replaceAll((name, value) -> PercentDecoding.decodePath(value));
                    return new Matched(route, parameters);
                }
                allowed = allowed == null ? new TreeSet<>() : allowed;
                allowed.addAll(pattern.routes().byMethod.keySet());
            }
        }
        if (defaultRoute != null) {
            return new Matched(defaultRoute, null);
        }
        return allowed == null ? NOT_FOUND : new MethodNotAllowed(String.join(", ", allowed));
    }

    private static List<String> splitPath(String path) {
        String withoutLeadingSlash = path.startsWith("/") ? path.substring(1) : path;
        return List.of(withoutLeadingSlash.split("/", -1));
    }

    static Comparator<HttpRoute> displayOrder() {
        return Comparator.comparing((HttpRoute route) -> route.path() == null ? "~" : route.path())
                .thenComparing(HttpRoute::method);
    }
}
