package dev.onsale.localstack.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Answers with the response shape named by the path parameter {@code kind}, to test the gateway's response mapping. */
public class CraftedResponseHandler implements RequestHandler<APIGatewayV2HTTPEvent, Object> {

    public static final byte[] BINARY = {0, 1, 2, (byte) 0xfe, (byte) 0xff, 'x'};

    @Override
    public Object handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return switch (event.getPathParameters().get("kind")) {
            case "full" -> APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(201)
                    .withHeaders(Map.of("Content-Type", "text/plain", "X-Single", "one"))
                    .withMultiValueHeaders(Map.of("X-Multi", List.of("a", "b")))
                    .withCookies(List.of("session=abc; Path=/; HttpOnly", "theme=dark"))
                    .withBody("created")
                    .build();
            case "binary" -> APIGatewayV2HTTPResponse.builder()
                    .withStatusCode(200)
                    .withHeaders(Map.of("Content-Type", "application/octet-stream"))
                    .withBody(Base64.getEncoder().encodeToString(BINARY))
                    .withIsBase64Encoded(true)
                    .build();
            case "empty" -> APIGatewayV2HTTPResponse.builder().withStatusCode(204).build();
            case "map" -> Map.of("answer", 42);
            case "null" -> null;
            case "throw" -> throw new IllegalStateException("the handler failed on purpose");
            default -> throw new IllegalArgumentException("unknown kind");
        };
    }
}
