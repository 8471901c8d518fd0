package dev.onsale.localstack.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A stream handler (a RequestStreamHandler) that records the raw JSON of every event it gets and answers nothing. */
public class StreamJsonRecordingHandler implements RequestStreamHandler {

    public static final Queue<String> RECEIVED = new ConcurrentLinkedQueue<>();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        RECEIVED.add(new String(input.readAllBytes(), StandardCharsets.UTF_8));
    }
}
