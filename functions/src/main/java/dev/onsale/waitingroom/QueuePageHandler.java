package dev.onsale.waitingroom;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import dev.onsale.platform.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * {@code GET /events/{event_id}/queue}: the waiting-room page. A static page that joins the line, checks
 * in, shows the place, the estimated wait and a progress bar, and moves on to the seat map once admitted.
 * Its Content-Security-Policy allows its own inline script and style (by hash) and calls to this origin
 * only. Triggered by the HTTP API.
 */
public final class QueuePageHandler extends ApiHandler {
    private static final String PAGE = load("queue.html");
    private static final String POLICY = "default-src 'none'; connect-src 'self'; img-src 'self'; "
            + "script-src '" + hashOf(PAGE, "<script>", "</script>") + "'; "
            + "style-src '" + hashOf(PAGE, "<style>", "</style>") + "'; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public QueuePageHandler() {
        this(Config.fromEnvironment().admins());
    }

    public QueuePageHandler(Caller.AdminRule admins) {
        super(admins);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        request.pathId("event_id"); // a page for a bad id would only fail later, in the browser
        return ApiResponse.page(PAGE, POLICY);
    }

    private static String load(String name) {
        try (InputStream in = QueuePageHandler.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing page " + name + " beside " + QueuePageHandler.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The CSP source of the one inline block between {@code open} and {@code close}. */
    private static String hashOf(String page, String open, String close) {
        int start = page.indexOf(open) + open.length();
        int end = page.indexOf(close, start);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(page.substring(start, end).getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
