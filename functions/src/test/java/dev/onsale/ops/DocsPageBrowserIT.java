package dev.onsale.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.HeadlessChromium;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * {@code /docs} in a real browser with no internet: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) whose resolver knows only 127.0.0.1, under the page's own Content-Security-Policy.
 * Swagger UI must render every operation of the description. Skipped where Chromium is not installed.
 */
@ExtendWith(EmbeddedStack.class)
class DocsPageBrowserIT {
    private final LocalStack stack;
    private HeadlessChromium chromium;
    private WebDriver browser;

    DocsPageBrowserIT(LocalStack stack) {
        this.stack = stack;
    }

    @BeforeEach
    void startBrowser() {
        // offline: every host name but the gateway's address fails to resolve
        chromium = HeadlessChromium.start("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        browser = chromium.browser();
    }

    @AfterEach
    void stopBrowser() {
        if (chromium != null) {
            chromium.close();
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
