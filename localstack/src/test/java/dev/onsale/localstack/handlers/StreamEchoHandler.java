package dev.onsale.localstack.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A stream handler: answers a 200 whose body is the raw JSON event it read. */
public class StreamEchoHandler implements RequestStreamHandler {

    private final ObjectMapper json = new ObjectMapper();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        String event = new String(input.readAllBytes(), StandardCharsets.UTF_8);
        ObjectNode response = json.createObjectNode().put("statusCode", 200).put("body", event);
        response.putObject("headers").put("content-type", "application/json");
        output.write(json.writeValueAsBytes(response));
    }
}
