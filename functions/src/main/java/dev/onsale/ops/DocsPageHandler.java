package dev.onsale.ops;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code GET /docs} (public): Swagger UI on {@code /openapi.json}. Every file it loads comes from this API
 * ({@code /docs/{file}}, Swagger UI's webjar in the jar), so the page works without the internet; its
 * Content-Security-Policy allows nothing else. Paths are relative, so the page also works under a stage
 * prefix. Triggered by the HTTP API.
 */
public final class DocsPageHandler extends ApiHandler {
    private static final String PAGE = new String(Resources.require("dev/onsale/ops/docs.html"), StandardCharsets.UTF_8);
    // Swagger UI sets inline styles and shows its logo and schema icons as data: URIs
    private static final String POLICY = "default-src 'none'; connect-src 'self'; img-src 'self' data:; "
            + "script-src 'self' '" + scriptHash(PAGE) + "'; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
            + "base-uri 'self'; form-action 'none'; frame-ancestors 'none'";

    public DocsPageHandler() {
        super(Caller.AdminRule.NOBODY);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        return ApiResponse.page(PAGE, POLICY);
    }

    /** The CSP source of the page's one inline script (the last {@code <script>} element). */
    private static String scriptHash(String page) {
        String open = "<script>";
        int start = page.lastIndexOf(open) + open.length();
        int end = page.indexOf("</script>", start);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(page.substring(start, end).getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
