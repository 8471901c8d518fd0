package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalSiteTest {
    private static final String TEMPLATE = """
            Resources:
              Bucket:
                Type: AWS::S3::Bucket
              Headers:
                Type: AWS::CloudFront::ResponseHeadersPolicy
                Properties:
                  ResponseHeadersPolicyConfig:
                    Name: h
                    SecurityHeadersConfig:
                      ContentSecurityPolicy:
                        ContentSecurityPolicy: "default-src 'self'"
                        Override: true
                      ContentTypeOptions:
                        Override: true
              Rewrite:
                Type: AWS::CloudFront::Function
                Properties:
                  FunctionCode: |
                    function handler(event) {
                      var request = event.request;
                      var last = request.uri.substring(request.uri.lastIndexOf('/') + 1);
                      if (last.indexOf('.') === -1) {
                        request.uri = '/index.html';
                      }
                      return request;
                    }
              Cdn:
                Type: AWS::CloudFront::Distribution
                Properties:
                  DistributionConfig:
                    Origins:
                      - Id: pages
                        DomainName: !GetAtt Bucket.RegionalDomainName
                        S3OriginConfig:
                          OriginAccessIdentity: ""
                      - Id: backend
                        DomainName: example.com
                        CustomOriginConfig:
                          OriginProtocolPolicy: https-only
                    DefaultCacheBehavior:
                      TargetOriginId: pages
                      ResponseHeadersPolicyId: !Ref Headers
                    CacheBehaviors:
                      - PathPattern: /api/*
                        TargetOriginId: backend
                      - PathPattern: /things/*/page
                        TargetOriginId: backend
                      - PathPattern: /static-too/*
                        TargetOriginId: pages
            """;

    @TempDir
    Path root;

    private LocalSite site() throws IOException {
        Files.writeString(root.resolve("index.html"), "<!doctype html><title>app</title>");
        Files.createDirectories(root.resolve("js"));
        Files.writeString(root.resolve("js/app.js"), "export {};");
        Files.writeString(root.getParent().resolve("secret.txt"), "outside");
        return LocalSite.fromTemplate(Template.parse(TEMPLATE), root);
    }

    @Test
    void theCacheBehavioursToACustomOriginAreTheApisPathsAndTheRestIsTheFolders() throws IOException {
        LocalSite site = site();
        assertTrue(site.isApiPath("/api/v1/events"));
        assertTrue(site.isApiPath("/things/12/page"));
        assertTrue(site.isApiPath("/things/1/2/page"), "CloudFront's * takes slashes too");
        assertFalse(site.isApiPath("/things/12/page/more"));
        assertFalse(site.isApiPath("/static-too/x.js"), "a behaviour to the S3 origin stays the site's");
        assertFalse(site.isApiPath("/"));
        assertFalse(site.isApiPath("/API/v1/events"), "patterns are case-sensitive");
    }

    @Test
    void pathsWithoutADotInTheirLastSegmentAreTheAppsIndexAndFilesAreThemselves() throws IOException {
        LocalSite site = site();
        LocalSite.Answer index = site.answer("GET", "/events/7");
        assertEquals(200, index.status());
        assertEquals("<!doctype html><title>app</title>", new String(index.body(), StandardCharsets.UTF_8));
        assertEquals("text/html; charset=utf-8", index.headers().get("Content-Type"));
        assertEquals("default-src 'self'", index.headers().get("Content-Security-Policy"), "from the behaviour's headers policy");
        assertEquals("nosniff", index.headers().get("X-Content-Type-Options"));
        assertNotNull(index.headers().get("ETag"));

        LocalSite.Answer script = site.answer("GET", "/js/app.js");
        assertEquals(200, script.status());
        assertEquals("text/javascript; charset=utf-8", script.headers().get("Content-Type"));
        assertEquals(0, site.answer("HEAD", "/js/app.js").body().length);

        assertEquals(404, site.answer("GET", "/js/missing.js").status());
        assertEquals("application/json", site.answer("GET", "/js/missing.js").headers().get("Content-Type"));
        LocalSite.Answer post = site.answer("POST", "/events/7");
        assertEquals(405, post.status());
        assertEquals("GET, HEAD", post.headers().get("Allow"));
    }

    @Test
    void noPathLeavesTheFolder() throws IOException {
        LocalSite site = site();
        for (String path : List.of("/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt", "/js/%2e%2e%2f..%2fsecret.txt",
                "/..%5csecret.txt", "/a%00.txt")) {
            LocalSite.Answer answer = site.answer("GET", path);
            assertTrue(answer.status() == 404 || answer.status() == 400, path + " -> " + answer.status());
            assertFalse(new String(answer.body(), StandardCharsets.UTF_8).contains("outside"), path);
        }
        assertEquals(200, site.answer("GET", "/%zz").status(), "a path CloudFront passes as it is: the app's page");
    }

    @Test
    void aTemplateWithoutADistributionHasNoSite() {
        assertNull(LocalSite.fromTemplate(Template.parse("Resources:\n  B:\n    Type: AWS::S3::Bucket\n"), root));
    }

    /**
     * The rule the local site applies is the one the project's CloudFront function applies in AWS: the function's
     * code from template.yaml, run in Node.js on the same paths. Skipped where node is not installed.
     */
    @Test
    void theProjectsViewerRequestFunctionRewritesAsTheLocalSiteDoes() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/node")) || onPath("node"), "node is not installed");
        Template template = Template.load(Path.of("../template.yaml"));
        List<Template.Resource> functions = template.resourcesOfType("AWS::CloudFront::Function");
        assertEquals(1, functions.size(), "the site's one viewer-request function");
        String code = (String) functions.getFirst().properties().get("FunctionCode");
        List<String> paths = List.of("/", "/events/7", "/events/7/", "/bookings", "/admin", "/sign-in", "/js/app.js",
                "/css/site.css", "/favicon.ico", "/a.b/c", "/events/7.json", "/deep/path/file.svg");
        Path script = Files.createTempFile(root, "rewrite", ".js");
        Files.writeString(script, code + "\nconst paths = " + LambdaJson.mapper().writeValueAsString(paths) + ";\n"
                + "console.log(JSON.stringify(paths.map(uri => handler({request: {uri}}).uri)));\n");
        Process node = new ProcessBuilder("node", script.toString()).redirectErrorStream(true).start();
        assertTrue(node.waitFor(20, TimeUnit.SECONDS), "node did not finish");
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, node.exitValue(), output);
        JsonNode rewritten = LambdaJson.mapper().readTree(output);
        for (int i = 0; i < paths.size(); i++) {
            assertEquals("/" + LocalSite.objectKey(paths.get(i)), rewritten.get(i).asText(), paths.get(i));
        }
        Map<String, Object> distribution = template.resourcesOfType(LocalSite.DISTRIBUTION).getFirst().properties();
        assertNotNull(LocalSite.fromTemplate(template, root), "the project's distribution is read: " + distribution.keySet());
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
