package dev.onsale.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.BrowserTest;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.JwtStack;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator's console (/admin) and the local sign-in in headless Chromium: an operator creates an event, switches
 * its room on and watches the queue grow as fans join; in JWT mode the page signs in with a token the local gateway
 * mints, and a fan's token is refused the admin routes.
 */
class OperatorConsoleBrowserIT extends BrowserTest {
    OperatorConsoleBrowserIT(LocalStack stack) {
        super(stack);
    }

    private static WebDriverWait wait(WebDriver driver) {
        // the panel redraws its figures every poll: an element read mid-redraw is read again
        return (WebDriverWait) new WebDriverWait(driver, Duration.ofSeconds(25), Duration.ofMillis(100))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private void signIn(URI base, String userId, boolean admin, String next) {
        browser.get(base + "/sign-in?next=" + next);
        wait(browser).until(d -> d.findElement(By.id("user"))).sendKeys(userId);
        if (admin) {
            browser.findElement(By.id("admin")).click();
        }
        browser.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
    }

    private static String notice(WebDriver driver) {
        return driver.findElement(By.id("notice")).getText();
    }

    /** datetime-local fields take the browser's locale when typed; the test sets their value as a person's picker would. */
    private void setValue(WebElement input, String value) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1]", input, value);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private int figure(String id) {
        String text = browser.findElement(By.id(id)).getText().replace(",", "");
        return Integer.parseInt(text);
    }

    @Test
    void anOperatorCreatesAnEventSwitchesTheRoomOnAndWatchesTheQueueGrow() {
        signIn(stack.gatewayUrl(), "ops-1", false, "/admin");
        WebElement form = wait(browser).until(d -> d.findElement(By.id("create")));
        form.findElement(By.name("name")).sendKeys("Console night");
        form.findElement(By.name("venue")).sendKeys("Console Hall");
        setValue(form.findElement(By.name("starts_at")), "2027-09-01T19:30");
        WebElement firstSection = browser.findElement(By.cssSelector("#section-rows tr"));
        firstSection.findElement(By.name("name")).clear();
        firstSection.findElement(By.name("name")).sendKeys("Stalls");
        browser.findElement(By.id("add-section")).click();
        WebElement second = browser.findElements(By.cssSelector("#section-rows tr")).get(1);
        second.findElement(By.name("rows")).clear();
        second.findElement(By.name("rows")).sendKeys("5");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait(browser).until(d -> notice(d).startsWith("Created event "));
        Matcher created = Pattern.compile("Created event (\\d+): Console night \\(300 seats\\)\\.").matcher(notice(browser));
        assertTrue(created.matches(), notice(browser));
        long eventId = Long.parseLong(created.group(1));
        JsonNode event = api.get("/api/v1/events/" + eventId).json();
        assertEquals("Console Hall", event.get("venue").asText());
        assertEquals(2, event.get("sections").size());
        assertEquals("Section 2", event.get("sections").get(1).get("name").asText());
        assertEquals(5, event.get("sections").get(1).get("rows").asInt());
        wait(browser).until(d -> new Select(d.findElement(By.id("event-pick"))).getFirstSelectedOption().getText()
                .equals(eventId + " · Console night"));

        // the room on, with one session at a time: every fan who joins waits
        WebElement room = browser.findElement(By.id("room"));
        room.findElement(By.name("max_concurrent")).clear();
        room.findElement(By.name("max_concurrent")).sendKeys("1");
        room.findElement(By.name("admit_per_minute")).clear();
        room.findElement(By.name("admit_per_minute")).sendKeys("30");
        browser.findElement(By.id("room-enable")).click();
        wait(browser).until(d -> notice(d).startsWith("Waiting room on: 1 at once, sessions of 300 s, 30 admitted per minute at most."));
        wait(browser).until(d -> d.findElement(By.id("room-state")).getText().startsWith("The room is on: 1 at once, 30 per minute"));
        wait(browser).until(d -> figure("fig-queue") == 0);

        for (int fan = 1; fan <= 4; fan++) {
            assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=console-fan-" + fan, "").status());
        }
        wait(browser).until(d -> figure("fig-queue") == 4);
        for (int fan = 5; fan <= 9; fan++) {
            assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=console-fan-" + fan, "").status());
        }
        wait(browser).until(d -> figure("fig-queue") == 9);
        WebElement chart = browser.findElement(By.cssSelector("svg[data-series='queue']"));
        wait(browser).until(d -> chart.getAttribute("aria-label").contains("now 9, at most 9"));
        assertEquals("now 9 · peak 9", browser.findElement(By.cssSelector("figure:has(svg[data-series='queue']) .chart-max")).getText());
        String path = chart.findElement(By.tagName("path")).getAttribute("d");
        assertTrue(path.split("L").length >= 3, "the chart has the readings as the queue grew: " + path);
        // the seats by state, while the fans' seat map is behind the room
        wait(browser).until(d -> figure("fig-available") == 300 && figure("fig-held") == 0 && figure("fig-sold") == 0);

        // a fan over the seat map's rate limit: its 429s reach the panel by rule (an instance adds them every 5 s)
        int refused = 0;
        for (int i = 0; i < 26; i++) {
            refused += api.get("/api/v1/events/" + eventId + "/seats?user_id=console-bot").status() == 429 ? 1 : 0;
        }
        assertTrue(refused > 0, "the bot went over its limit");
        sleep(dev.onsale.http.RefusalTally.FLUSH_EVERY.plusMillis(200));
        api.get("/api/v1/events/" + eventId + "/seats?user_id=console-other"); // a guard check carries the flush
        wait(browser).until(d -> !d.findElement(By.id("fig-429-rules")).getText().equals("none"));
        assertTrue(browser.findElement(By.id("fig-429-rules")).getText().matches(".*[a-z_-]+ \\d+.*"),
                browser.findElement(By.id("fig-429-rules")).getText());
        ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
        chromium.screenshot("site-console-desktop");
        chromium.windowSize(390, 844);
        chromium.screenshot("site-console-phone");
        chromium.windowSize(1280, 900);

        browser.findElement(By.id("room-disable")).click();
        wait(browser).until(d -> notice(d).startsWith("Waiting room off"));
        wait(browser).until(d -> d.findElement(By.id("room-state")).getText().equals("The room is off."));
    }

    @Test
    void inJwtModeThePagesSignInWithALocalTokenAndAFanIsNoOperator() {
        URI jwt = JwtStack.gatewayUrl();
        signIn(jwt, "jwt-fan-1", false, "/admin");
        WebElement form = wait(browser).until(d -> d.findElement(By.id("create")));
        Object stored = ((JavascriptExecutor) browser).executeScript("return JSON.parse(localStorage.getItem('onsale.session')).token");
        assertTrue(stored instanceof String token && token.split("\\.").length == 3, "a JWT: " + stored);
        form.findElement(By.name("name")).sendKeys("Not allowed");
        form.findElement(By.name("venue")).sendKeys("Nowhere");
        setValue(form.findElement(By.name("starts_at")), "2027-09-01T19:30");
        form.findElement(By.cssSelector("button[type=submit]")).click();
        wait(browser).until(d -> notice(d).startsWith("Not created: "));
        chromium.screenshot("site-sign-in-refused-desktop");

        // signed in as an operator (the admin group in the token), the same form creates the event
        browser.findElement(By.cssSelector("#who button")).click();
        signIn(jwt, "jwt-ops-1", true, "/admin");
        WebElement again = wait(browser).until(d -> d.findElement(By.id("create")));
        again.findElement(By.name("name")).sendKeys("JWT night");
        again.findElement(By.name("venue")).sendKeys("Token Hall");
        setValue(again.findElement(By.name("starts_at")), "2027-09-01T19:30");
        again.findElement(By.cssSelector("button[type=submit]")).click();
        wait(browser).until(d -> notice(d).startsWith("Created event "));
        assertTrue(notice(browser).contains("JWT night"), notice(browser));
    }

    @Test
    void theSignInPageSaysHowEachModeSignsIn() {
        browser.get(stack.gatewayUrl() + "/sign-in");
        wait(browser).until(d -> d.findElement(By.id("user")));
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("Dev mode"));
        assertTrue(browser.findElements(By.id("admin")).isEmpty(), "dev mode: every caller is an operator");
        chromium.screenshot("site-sign-in-desktop");
        browser.get(JwtStack.gatewayUrl() + "/sign-in");
        wait(browser).until(d -> d.findElement(By.id("admin")));
        assertTrue(browser.findElement(By.tagName("main")).getText().contains("the local gateway signs a token"));
        Gateway jwtApi = new Gateway(JwtStack.gatewayUrl());
        assertEquals(422, jwtApi.post("/local/sign-in", "{\"user_id\": \"\"}").status());
        assertEquals(200, jwtApi.post("/local/sign-in", "{\"user_id\": \"u1\"}").status());
        assertEquals(404, api.post("/local/sign-in", "{\"user_id\": \"u1\"}").status(), "dev mode mints nothing");
    }
}
