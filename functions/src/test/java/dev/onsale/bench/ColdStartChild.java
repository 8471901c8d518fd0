package dev.onsale.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.onsale.http.Caller;
import dev.onsale.http.PrimingRequests;
import dev.onsale.platform.SnapStart;
import java.lang.management.ManagementFactory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One cold start, in a JVM of its own whose class path is the Lambda jar and this class only: constructs
 * a handler with its no-arg constructor (Lambda's init) and invokes it once (the first invocation), then
 * prints one line {@code COLDSTART mainAt initDoneAt answeredAt status classes cpuMillis} (epoch milliseconds, so
 * the parent, which knows when it launched the process, can tell JVM start-up from init and invoke).
 *
 * <pre>java -cp functions.jar:RUNNER dev.onsale.bench.ColdStartChild HANDLER_CLASS EVENT_FILE|priming</pre>
 */
public final class ColdStartChild {
    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        Class<?> handlerClass = Class.forName(args[0]);
        @SuppressWarnings("unchecked")
        RequestHandler<Object, Object> handler = (RequestHandler<Object, Object>) handlerClass.getConstructor().newInstance();
        long initDoneAt = System.currentTimeMillis();
        Object event = event(handlerClass, args[1]);
        Object answer = handler.handleRequest(event, SnapStart.primingContext(handlerClass.getSimpleName()));
        long answeredAt = System.currentTimeMillis();
        String status = switch (answer) {
            case APIGatewayV2HTTPResponse http -> String.valueOf(http.getStatusCode());
            case SQSBatchResponse batch -> "failed=" + batch.getBatchItemFailures().size();
            default -> String.valueOf(answer);
        };
        long cpuMillis = ProcessHandle.current().info().totalCpuDuration().map(java.time.Duration::toMillis).orElse(-1L);
        System.out.println("COLDSTART " + mainAt + " " + initDoneAt + " " + answeredAt + " " + status + " "
                + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount() + " " + cpuMillis);
        System.out.flush();
        System.exit(0); // Lettuce's and the SDK's threads would keep the JVM up
    }

    /** The sample event as the handler's input type (what Lambda's runtime would hand over). */
    private static Object event(Class<?> handlerClass, String source) throws Exception {
        Class<?> input = inputType(handlerClass);
        if (source.equals("priming")) {
            if (input == SQSEvent.class) {
                SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
                message.setMessageId("coldstart");
                message.setBody("{\"booking_id\": 9007199254740991}");
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(message));
                return event;
            }
            return PrimingRequests.forHandler(handlerClass, Caller.AdminRule.group("admin"));
        }
        ObjectMapper mapper = JsonMapper.builder()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
                .build();
        return mapper.readValue(Files.readString(Path.of(source)), input);
    }

    private static Class<?> inputType(Class<?> handlerClass) {
        for (Class<?> c = handlerClass; c != null; c = c.getSuperclass()) {
            for (Type type : c.getGenericInterfaces()) {
                if (type instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    return (Class<?>) p.getActualTypeArguments()[0];
                }
            }
        }
        return APIGatewayV2HTTPEvent.class;
    }
}
