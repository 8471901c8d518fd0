package dev.onsale.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.EmbeddedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code /docs} in a real browser with no internet: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) whose resolver knows only 127.0.0.1, under the page's own Content-Security-Policy.
 * Swagger UI must render every operation of the description. Skipped where Chromium is not installed.
 */
@ExtendWith(EmbeddedStack.class)
class DocsPageBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final LocalStack stack;
    private Path profile;
    private WebDriver browser;

    DocsPageBrowserIT(LocalStack stack) {
        this.stack = stack;
    }

    @BeforeEach
    void startBrowser() throws IOException {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser test skipped: no Chromium at " + CHROMIUM + " with " + CHROMEDRIVER
                        + " (apt-get install chromium chromium-driver; .ci/run installs them)");
        profile = Files.createTempDirectory(Path.of("target"), "chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                // offline: every host name but the gateway's address fails to resolve
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void theDocsPageListsEveryOperationOffline() {
        browser.get(stack.gatewayUrl() + "/docs");
        int documented = ApiDescription.load().operations().size();
        new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(200))
                .until(driver -> driver.findElements(By.cssSelector(".opblock")).size() == documented);
        assertEquals("onsale", browser.findElement(By.cssSelector(".info .title")).getText().split("\\s")[0]);
        List<String> paths = browser.findElements(By.cssSelector(".opblock-summary-path")).stream()
                .map(WebElement::getText).map(text -> text.replace("\u200b", "")).toList();
        assertTrue(paths.contains("/api/v1/bookings/{booking_id}/confirm"), paths.toString());
        assertTrue(paths.contains("/docs/{file}"), paths.toString());
    }
}
