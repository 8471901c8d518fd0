package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.http.Caller;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueuePageHandlerTest {
    private final QueuePageHandler handler = new QueuePageHandler(Caller.AdminRule.group("admin"));

    private APIGatewayV2HTTPResponse get(String eventId) {
        return handler.handleRequest(APIGatewayV2HTTPEvent.builder()
                .withRawPath("/events/" + eventId + "/queue")
                .withPathParameters(Map.of("event_id", eventId))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder().withMethod("GET").build()).build())
                .build(), null);
    }

    @Test
    void servesThePageAsHtml() {
        APIGatewayV2HTTPResponse response = get("1");
        assertEquals(200, response.getStatusCode());
        assertEquals("text/html; charset=utf-8", response.getHeaders().get("content-type"));
        assertTrue(response.getBody().contains("waiting-room/join"), "the page joins the line");
        assertTrue(response.getBody().contains("waiting-room/status"), "the page checks in");
    }

    @Test
    void itsPolicyAllowsExactlyItsOwnInlineScript() throws Exception {
        APIGatewayV2HTTPResponse response = get("1");
        String page = response.getBody();
        String script = page.substring(page.indexOf("<script>") + 8, page.indexOf("</script>"));
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8)));
        String policy = response.getHeaders().get("content-security-policy");
        assertTrue(policy.contains("script-src 'sha256-" + hash + "'"), policy);
        assertTrue(policy.contains("connect-src 'self'"), policy);
    }

    @Test
    void aBadEventIdIs400() {
        assertEquals(400, get("abc").getStatusCode());
    }
}
