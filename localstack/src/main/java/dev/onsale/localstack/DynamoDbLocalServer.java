package dev.onsale.localstack;

import java.net.URI;
import software.amazon.dynamodb.services.local.main.CommandLineInput;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/** DynamoDB Local, in this JVM and in memory. It listens on every interface (it has no bind option). */
final class DynamoDbLocalServer implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final int port;

    private DynamoDbLocalServer(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    static DynamoDbLocalServer start(int port) throws Exception {
        EmulatorLogging.quietSlf4jLoggers();
        EmulatorLogging.quietDynamoDbLocal();
        // what ServerRunner.createServerFromCommandLineArgs does, less the banner it prints on stdout
        CommandLineInput arguments = new CommandLineInput(
                new String[] {"-inMemory", "-port", String.valueOf(port), "-disableTelemetry"});
        if (!arguments.init()) {
            throw new IllegalStateException("DynamoDB Local refused its arguments");
        }
        DynamoDBProxyServer server = ServerRunner.createServer(arguments);
        server.start();
        return new DynamoDbLocalServer(server, port);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
