package dev.onsale.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A CloudFront distribution in front of the HTTP API, locally: the paths of its cache behaviours that go to a
 * custom origin (the API) stay the gateway's; every other path is a file of a local folder, as the distribution
 * serves it from its S3 origin. A path whose last segment has no dot is the folder's {@code index.html}: a
 * single-page app's rule, the one a viewer-request function like
 * {@code if (last.indexOf('.') === -1) request.uri = '/index.html'} applies in CloudFront. Security headers come
 * from the default behaviour's response-headers policy when the template has one.
 *
 * <p>Read from the template: {@code AWS::CloudFront::Distribution} → {@code DistributionConfig} → {@code Origins}
 * (an origin with {@code S3OriginConfig} is the folder), {@code CacheBehaviors[].PathPattern} and
 * {@code TargetOriginId}, {@code DefaultCacheBehavior.ResponseHeadersPolicyId} (a {@code Ref} to an
 * {@code AWS::CloudFront::ResponseHeadersPolicy} of the template).
 */
final class LocalSite {
    static final String DISTRIBUTION = "AWS::CloudFront::Distribution";
    private static final String HEADERS_POLICY = "AWS::CloudFront::ResponseHeadersPolicy";
    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));

    /** What the site answers for one request. */
    record Answer(int status, Map<String, String> headers, byte[] body) {}

    private final Path root;
    private final List<Pattern> apiPaths;
    private final Map<String, String> securityHeaders;

    private LocalSite(Path root, List<Pattern> apiPaths, Map<String, String> securityHeaders) {
        this.root = root.toAbsolutePath().normalize();
        this.apiPaths = List.copyOf(apiPaths);
        this.securityHeaders = Map.copyOf(securityHeaders);
    }

    /**
     * The template's distribution with its S3 origin served from {@code root}; null when the template has no
     * distribution (then the gateway serves the API alone, as before).
     */
    static LocalSite fromTemplate(Template template, Path root) {
        List<Template.Resource> distributions = template.resourcesOfType(DISTRIBUTION);
        if (distributions.isEmpty()) {
            return null;
        }
        Map<String, Object> config = map(distributions.getFirst().properties().get("DistributionConfig"));
        List<String> siteOrigins = new ArrayList<>();
        for (Object origin : list(config.get("Origins"))) {
            Map<String, Object> o = map(origin);
            if (o.containsKey("S3OriginConfig") || o.containsKey("OriginAccessControlId")) {
                siteOrigins.add(String.valueOf(o.get("Id")));
            }
        }
        List<Pattern> apiPaths = new ArrayList<>();
        for (Object behaviour : list(config.get("CacheBehaviors"))) {
            Map<String, Object> b = map(behaviour);
            if (!siteOrigins.contains(String.valueOf(b.get("TargetOriginId")))) {
                apiPaths.add(glob(String.valueOf(b.get("PathPattern"))));
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        Object policy = map(config.get("DefaultCacheBehavior")).get("ResponseHeadersPolicyId");
        if (policy instanceof Intrinsic(String function, Object argument) && function.equals(Intrinsic.REF)
                && argument instanceof String id && template.resources().containsKey(id)
                && template.resource(id).type().equals(HEADERS_POLICY)) {
            headers.putAll(securityHeaders(map(template.resource(id).properties().get("ResponseHeadersPolicyConfig"))));
        }
        return new LocalSite(root, apiPaths, headers);
    }

    /** True when the distribution sends this path to the API (a cache behaviour's pattern), not to the folder. */
    boolean isApiPath(String rawPath) {
        for (Pattern pattern : apiPaths) {
            if (pattern.matcher(rawPath).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The folder's answer: a file, the app's index.html, or a JSON 404 / 405 / 400. */
    Answer answer(String method, String rawPath) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return error(405, "method_not_allowed", method + " is not allowed on the site; allowed: GET, HEAD",
                    Map.of("Allow", "GET, HEAD"));
        }
        String path;
        try {
            path = PercentDecoding.decodePath(rawPath);
        } catch (IllegalArgumentException e) {
            return error(400, "bad_request", "malformed path", Map.of());
        }
        String key = objectKey(path);
        if (key == null) {
            return error(404, "not_found", "no page " + rawPath, Map.of());
        }
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            return error(404, "not_found", "no page " + rawPath, Map.of());
        }
        byte[] body;
        try {
            body = Files.readAllBytes(file);
        } catch (IOException e) {
            return error(404, "not_found", "no page " + rawPath, Map.of());
        }
        Map<String, String> headers = new LinkedHashMap<>(securityHeaders);
        String name = file.getFileName().toString();
        headers.put("Content-Type", CONTENT_TYPES.getOrDefault(name.substring(name.lastIndexOf('.') + 1), "application/octet-stream"));
        // a local folder changes under the developer: always revalidate
        headers.put("Cache-Control", "no-cache");
        headers.put("ETag", "\"" + sha256(body) + "\"");
        return new Answer(200, headers, method.equals("HEAD") ? new byte[0] : body);
    }

    /**
     * The object a path names: the single-page app's rule (no dot in the last segment: {@code index.html}), then
     * the path without its leading slash; null for a path that could leave the folder or names no file.
     */
    static String objectKey(String path) {
        if (!path.startsWith("/") || path.contains("\\") || path.indexOf('\0') >= 0) {
            return null;
        }
        String last = path.substring(path.lastIndexOf('/') + 1);
        String uri = last.indexOf('.') == -1 ? "/index.html" : path;
        for (String segment : uri.split("/")) {
            if (segment.equals("..") || segment.equals(".")) {
                return null;
            }
        }
        return uri.substring(1);
    }

    private static Map<String, String> securityHeaders(Map<String, Object> config) {
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, Object> security = map(config.get("SecurityHeadersConfig"));
        Map<String, Object> csp = map(security.get("ContentSecurityPolicy"));
        if (csp.get("ContentSecurityPolicy") instanceof String policy) {
            headers.put("Content-Security-Policy", policy);
        }
        if (security.containsKey("ContentTypeOptions")) {
            headers.put("X-Content-Type-Options", "nosniff");
        }
        if (map(security.get("FrameOptions")).get("FrameOption") instanceof String frame) {
            headers.put("X-Frame-Options", frame);
        }
        if (map(security.get("ReferrerPolicy")).get("ReferrerPolicy") instanceof String referrer) {
            headers.put("Referrer-Policy", referrer);
        }
        return headers;
    }

    /** CloudFront's path patterns: {@code *} any characters (slashes too), {@code ?} one; case-sensitive. */
    static Pattern glob(String pathPattern) {
        StringBuilder regex = new StringBuilder();
        String pattern = pathPattern.startsWith("/") ? pathPattern : "/" + pathPattern;
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static Answer error(int status, String error, String detail, Map<String, String> extra) {
        Map<String, String> headers = new LinkedHashMap<>(extra);
        headers.put("Content-Type", "application/json");
        return new Answer(status, headers, LocalHttpApi.errorJson(error, detail).getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<Object> list(Object value) {
        return value instanceof List<?> l ? List.copyOf(l) : List.of();
    }
}
