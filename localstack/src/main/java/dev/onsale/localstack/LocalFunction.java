package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;

/**
 * One function's warm container: a single handler instance, created once (under the
 * {@link LambdaEnvironment} contract) and invoked for every event. Unlike Lambda, which sends one event
 * at a time to a container, concurrent requests reach the same instance concurrently.
 */
final class LocalFunction {

    /** How to call a handler; chosen once, when the instance is created, so calls do no reflective lookups. */
    private sealed interface Invoker {
        Object invoke(Object event, Context context) throws Exception;
    }

    private record TypedHandler(RequestHandler<Object, Object> handler, JavaType inputType) implements Invoker {
        @Override
        public Object invoke(Object event, Context context) {
            return handler.handleRequest(convertInput(event, inputType), context);
        }
    }

    private record StreamHandler(RequestStreamHandler handler) implements Invoker {
        @Override
        public Object invoke(Object event, Context context) throws IOException {
            ByteArrayOutputStream output = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(inputBytes(event)), output, context);
            return streamOutput(output.toByteArray());
        }
    }

    /** A handler method that is not {@code RequestHandler.handleRequest}: {@code (I)}, {@code (I, Context)} or streams. */
    private record HandlerMethod(Object target, Method method, JavaType inputType) implements Invoker {
        @Override
        public Object invoke(Object event, Context context) throws Exception {
            Class<?>[] parameters = method.getParameterTypes();
            try {
                if (parameters.length == 3) {
                    ByteArrayOutputStream output = new ByteArrayOutputStream();
                    method.invoke(target, new ByteArrayInputStream(inputBytes(event)), output, context);
                    return streamOutput(output.toByteArray());
                }
                Object input = convertInput(event, inputType);
                return parameters.length == 2 ? method.invoke(target, input, context) : method.invoke(target, input);
            } catch (InvocationTargetException e) {
                throw rethrowable(e.getCause());
            }
        }
    }

    private final FunctionDefinition definition;
    private final Map<String, String> environment;
    private final ClassLoader classLoader;
    private final String arn;
    private volatile Invoker invoker;

    LocalFunction(FunctionDefinition definition, Map<String, String> environment, ClassLoader classLoader, String arn) {
        this.definition = definition;
        this.environment = Map.copyOf(environment);
        this.classLoader = classLoader;
        this.arn = arn;
    }

    FunctionDefinition definition() {
        return definition;
    }

    /** The function's ARN, as its context and Lambda's invocation records give it. */
    String arn() {
        return arn;
    }

    /** The resolved environment: the template's variables plus what Lambda itself sets. */
    Map<String, String> environment() {
        return environment;
    }

    /** Loads the handler class and creates its instance, as Lambda's init phase does; idempotent. */
    void initialize() {
        if (invoker != null) {
            return;
        }
        synchronized (this) {
            if (invoker == null) {
                invoker = createInvoker();
            }
        }
    }

    /**
     * Invokes the warm instance with {@code event}, converted to the handler's input type when it is not
     * already one (a Map, or a JSON string, becomes an {@code APIGatewayV2HTTPEvent}, ...).
     *
     * @return the handler's output; for stream handlers the output parsed as JSON (a JsonNode), or the text
     * @throws RuntimeException what the handler threw (checked exceptions wrapped)
     */
    Object invoke(Object event) {
        initialize();
        LocalContext context = new LocalContext(RequestIds.lambdaRequestId(), definition, arn,
                System.currentTimeMillis() + definition.timeoutSeconds() * 1000L);
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader);
        try {
            return invoker.invoke(event, context);
        } catch (Exception e) {
            throw rethrowable(e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @SuppressWarnings("unchecked")
    private Invoker createInvoker() {
        String className = definition.handlerClassName();
        String methodName = definition.handlerMethodName();
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(classLoader);
        try {
            // static initializers read the environment too, so class initialization happens under the contract
            Object instance = LambdaEnvironment.constructWith(environment, () -> {
                Class<?> handlerClass = Class.forName(className, true, classLoader);
                return handlerClass.getConstructor().newInstance();
            });
            if (methodName.equals("handleRequest") && instance instanceof RequestStreamHandler streams) {
                return new StreamHandler(streams);
            }
            if (methodName.equals("handleRequest") && instance instanceof RequestHandler<?, ?> typed) {
                return new TypedHandler((RequestHandler<Object, Object>) typed, inputType(instance.getClass(), methodName));
            }
            Method method = handlerMethod(instance.getClass(), methodName);
            return new HandlerMethod(instance, method, method.getParameterCount() == 3
                    ? null : LambdaJson.mapper().getTypeFactory().constructType(method.getGenericParameterTypes()[0]));
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("function " + definition.logicalId() + ": constructing " + className + " failed",
                    e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("function " + definition.logicalId() + ": cannot create " + className
                    + " (a public class with a public no-arg constructor)", e);
        } catch (Exception e) {
            throw new IllegalStateException("function " + definition.logicalId() + ": init failed", e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /** The input type of {@code handleRequest(I, Context)} as declared by the class (not the erased bridge). */
    private static JavaType inputType(Class<?> handlerClass, String methodName) {
        Type input = Arrays.stream(handlerClass.getMethods())
                .filter(method -> method.getName().equals(methodName) && !method.isBridge())
                .filter(method -> method.getParameterCount() == 2 && method.getParameterTypes()[1] == Context.class)
                .map(method -> method.getGenericParameterTypes()[0])
                .findFirst()
                .orElse(Object.class);
        return LambdaJson.mapper().getTypeFactory().constructType(input);
    }

    private static Method handlerMethod(Class<?> handlerClass, String methodName) {
        Optional<Method> method = Arrays.stream(handlerClass.getMethods())
                .filter(candidate -> candidate.getName().equals(methodName) && !candidate.isBridge())
                .filter(candidate -> !Modifier.isStatic(candidate.getModifiers()))
                .filter(LocalFunction::isHandlerSignature)
                .max(Comparator.comparingInt(Method::getParameterCount));
        return method.orElseThrow(() -> new IllegalArgumentException(handlerClass.getName() + " has no public method "
                + methodName + "(input[, Context]) or " + methodName + "(InputStream, OutputStream, Context)"));
    }

    private static boolean isHandlerSignature(Method method) {
        Class<?>[] parameters = method.getParameterTypes();
        return switch (parameters.length) {
            case 1 -> true;
            case 2 -> parameters[1] == Context.class;
            case 3 -> parameters[0] == InputStream.class && parameters[1] == OutputStream.class && parameters[2] == Context.class;
            default -> false;
        };
    }

    private static Object convertInput(Object event, JavaType inputType) {
        Class<?> type = inputType.getRawClass();
        if (event == null || type == Object.class || type.isInstance(event)) {
            return event;
        }
        ObjectMapper json = LambdaJson.mapper();
        try {
            if (type == String.class) {
                return json.writeValueAsString(event);
            }
            if (event instanceof String text) {
                return json.readValue(text, inputType);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot convert the event to " + inputType, e);
        }
        return json.convertValue(event, inputType);
    }

    private static byte[] inputBytes(Object event) throws JsonProcessingException {
        return switch (event) {
            case byte[] bytes -> bytes;
            case String text -> text.getBytes(StandardCharsets.UTF_8);
            default -> LambdaJson.mapper().writeValueAsBytes(event);
        };
    }

    private static Object streamOutput(byte[] output) {
        if (output.length == 0) {
            return null;
        }
        try {
            return LambdaJson.mapper().readTree(output);
        } catch (IOException notJson) {
            return new String(output, StandardCharsets.UTF_8);
        }
    }

    private static RuntimeException rethrowable(Throwable thrown) {
        return switch (thrown) {
            case RuntimeException runtime -> runtime;
            case Error error -> throw error;
            case IOException io -> new UncheckedIOException(io);
            default -> new IllegalStateException("the handler threw " + thrown, thrown);
        };
    }
}
