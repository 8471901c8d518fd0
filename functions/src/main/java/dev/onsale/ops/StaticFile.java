package dev.onsale.ops;

import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * A file served as it is (the API description, Swagger UI's files), held in memory with its strong
 * {@code ETag} and, for text, a gzip copy: a repeat visit costs a 304, a first one ~30% of the bytes.
 */
final class StaticFile {
    private final String contentType;
    private final byte[] bytes;
    private final byte[] gzipped;
    private final String etag;

    StaticFile(String contentType, byte[] bytes) {
        this.contentType = contentType;
        this.bytes = bytes.clone();
        this.gzipped = isText(contentType) ? gzip(bytes) : null;
        this.etag = "\"" + sha256(bytes) + "\"";
    }

    String contentType() {
        return contentType;
    }

    String etag() {
        return etag;
    }

    byte[] bytes() {
        return bytes.clone();
    }

    /** 200 with the file (gzipped when the client takes it), or 304 when the client's copy is this one. */
    ApiResponse answer(ApiRequest request, String cacheControl) {
        boolean current = request.header("if-none-match")
                .map(header -> Arrays.stream(header.split(",")).map(String::trim)
                        .anyMatch(tag -> tag.equals(etag) || tag.equals("W/" + etag) || tag.equals("*")))
                .orElse(false);
        ApiResponse response;
        if (current) {
            response = ApiResponse.empty(304);
        } else if (gzipped != null && request.acceptsGzip()) {
            response = ApiResponse.binary(200, contentType, gzipped).header("content-encoding", "gzip");
        } else if (isText(contentType)) {
            response = ApiResponse.text(200, contentType, new String(bytes, StandardCharsets.UTF_8));
        } else {
            response = ApiResponse.binary(200, contentType, bytes);
        }
        return response.header("etag", etag)
                .header("cache-control", cacheControl)
                .header("vary", "accept-encoding")
                .header("x-content-type-options", "nosniff");
    }

    private static boolean isText(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("text/") || type.contains("json") || type.contains("javascript");
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 27);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
