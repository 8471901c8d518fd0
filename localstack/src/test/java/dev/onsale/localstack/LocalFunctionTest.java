package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Handlers loaded from a code jar (compiled here, so they are on no classpath), under the environment contract. */
class LocalFunctionTest {

    private static final Path WORK = Path.of("target/local-function-test");
    private static URLClassLoader codeJar;

    @BeforeAll
    static void buildACodeJar() throws IOException {
        Path sources = Files.createDirectories(WORK.resolve("src/jarred"));
        Files.writeString(sources.resolve("Greeter.java"), """
                package jarred;
                import com.amazonaws.services.lambda.runtime.Context;
                import com.amazonaws.services.lambda.runtime.RequestHandler;
                import java.util.Map;
                public class Greeter implements RequestHandler<Map<String, String>, String> {
                    private final String greeting = System.getProperty("lambda.env.GREETING");
                    public String handleRequest(Map<String, String> event, Context context) {
                        boolean ownLoader = Thread.currentThread().getContextClassLoader() == getClass().getClassLoader();
                        return greeting + " " + event.get("name") + " from " + context.getFunctionName() + (ownLoader ? "" : " (wrong loader)");
                    }
                }
                """);
        Files.writeString(sources.resolve("Plain.java"), """
                package jarred;
                public class Plain {
                    public String shout(String text) { return text.toUpperCase(); }
                }
                """);
        Path classes = Files.createDirectories(WORK.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                sources.resolve("Greeter.java").toString(), sources.resolve("Plain.java").toString());
        assertEquals(0, status);
        Path jar = WORK.resolve("functions.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        codeJar = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getSystemClassLoader());
    }

    private static LocalFunction function(String handler, Map<String, String> environment) {
        FunctionDefinition definition = new FunctionDefinition("Fn", "stack-Fn", handler, "java21", 128, 3, Map.of(), List.of(), List.of(), List.of());
        return new LocalFunction(definition, environment, codeJar, "arn:aws:lambda:us-east-1:000000000000:function:stack-Fn");
    }

    @Test
    void aHandlerFromTheCodeJarReadsItsEnvironmentAtConstructionAndRunsUnderItsOwnLoader() {
        LocalFunction greeter = function("jarred.Greeter::handleRequest", Map.of("GREETING", "hi"));
        assertEquals("hi ada from stack-Fn", greeter.invoke(Map.of("name", "ada")));
        assertNull(System.getProperty("lambda.env.GREETING"));
    }

    @Test
    void aJsonEventIsConvertedToTheHandlersInputType() {
        assertEquals("hi bob from stack-Fn", function("jarred.Greeter", Map.of("GREETING", "hi")).invoke("{\"name\":\"bob\"}"));
    }

    @Test
    void aPlainMethodCanBeTheHandler() {
        assertEquals("LOUD", function("jarred.Plain::shout", Map.of()).invoke("loud"));
    }

    @Test
    void aMissingHandlerClassFailsAtInitialization() {
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> function("jarred.Missing::handleRequest", Map.of()).initialize());
        assertTrue(failure.getMessage().contains("jarred.Missing"), failure.getMessage());
    }
}
