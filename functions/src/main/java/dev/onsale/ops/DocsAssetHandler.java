package dev.onsale.ops;

import dev.onsale.http.Caller;
import dev.onsale.http.ApiHandler;
import dev.onsale.http.ApiRequest;
import dev.onsale.http.ApiResponse;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /docs/{file}} (public): the files the docs page loads, from Swagger UI's webjar
 * ({@code org.webjars:swagger-ui}). Only the files listed in {@link #FILES} are served, by exact name: a
 * path that names anything else (another file, a directory, {@code ../}) is a JSON 404. Triggered by the
 * HTTP API.
 */
public final class DocsAssetHandler extends ApiHandler {
    /** The files of the webjar's dist directory the page needs (the shade plugin ships only these), by content type. */
    static final Map<String, String> FILES = Map.of(
            "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
            "swagger-ui-bundle.js.LICENSE.txt", "text/plain; charset=utf-8",
            "swagger-ui.css", "text/css; charset=utf-8",
            "index.css", "text/css; charset=utf-8",
            "favicon-16x16.png", "image/png",
            "favicon-32x32.png", "image/png");

    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

    private final Map<String, StaticFile> files;

    public DocsAssetHandler() {
        this(webjarFiles());
    }

    DocsAssetHandler(Map<String, StaticFile> files) {
        super(Caller.AdminRule.NOBODY);
        this.files = Map.copyOf(files);
    }

    @Override
    protected ApiResponse handle(ApiRequest request) {
        String name = request.pathParameter("file").orElse("");
        StaticFile file = files.get(name);
        if (file == null) {
            return ApiResponse.error(404, "not_found", "No docs file named '" + abbreviated(name) + "'");
        }
        // the version is in the files' ETags, not their names: revalidate after a day
        return file.answer(request, "public, max-age=86400");
    }

    /** The listed files of the webjar on the class path, read once (SnapStart keeps them in the snapshot). */
    static Map<String, StaticFile> webjarFiles() {
        String dist = WEBJAR + webjarVersion() + "/";
        Map<String, StaticFile> files = new LinkedHashMap<>();
        FILES.forEach((name, type) -> files.put(name, new StaticFile(type, Resources.require(dist + name))));
        return files;
    }

    private static String webjarVersion() {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(new String(
                    Resources.require("META-INF/maven/org.webjars/swagger-ui/pom.properties"), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("version");
    }

    private static String abbreviated(String name) {
        String printable = name.codePoints().filter(c -> c >= 0x20 && c < 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return printable.length() > 80 ? printable.substring(0, 80) + "..." : printable;
    }
}
