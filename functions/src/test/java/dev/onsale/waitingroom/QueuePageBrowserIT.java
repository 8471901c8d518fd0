package dev.onsale.waitingroom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Redis;
import dev.onsale.testing.BrowserTest;
import dev.onsale.testing.HeadlessChromium;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The waiting-room page in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) against the local gateway. Skipped where they are not installed.
 */
class QueuePageBrowserIT extends BrowserTest {
    private final Redis redis = Redis.dedicated(Rooms.config().redis());
    private final WaitingRoomService rooms = Rooms.service(redis, Duration.ofSeconds(30));

    QueuePageBrowserIT(LocalStack stack) {
        super(stack);
    }

    @AfterEach
    void closeRedis() {
        redis.close();
    }

    private String state() {
        return browser.findElement(By.tagName("body")).getAttribute("data-state");
    }

    @Test
    void thePageWaitsInLineThenMovesOnWhenAdmitted() {
        Gateway.Reply created = api.post("/api/v1/events", Events.concert("Queue page", 1));
        assertEquals(201, created.status(), created.body());
        long eventId = created.json().get("id").asLong();
        assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent=1&session_duration=300", "").status());
        // someone else holds the only session
        String first = api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=101", "").json().get("token").asText();
        assertTrue(api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + URLEncoder.encode(first, StandardCharsets.UTF_8))
                .json().get("admitted").asBoolean());

        browser.get(stack.gatewayUrl() + "/events/" + eventId + "/queue?user_id=102");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
        wait.until(driver -> "queued".equals(state()));
        assertEquals("#1", browser.findElement(By.id("position")).getText());
        assertTrue(browser.findElement(By.id("message")).getText().contains("number 1"), browser.findElement(By.id("message")).getText());
        // still queued after a few check-ins: the slot is taken
        try {
            Thread.sleep(2_500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertEquals("queued", state());

        assertTrue(rooms.endSession(eventId, "101"), "the first fan bought their tickets");
        new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100)).until(driver -> "admitted".equals(state()));
        new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100))
                .until(driver -> browser.findElement(By.id("seats")).getText().contains("seats are available"));
        assertEquals("250 of 250 seats are available: pick yours.",
                browser.findElement(By.id("seats")).getText());
        Object stored = ((JavascriptExecutor) browser).executeScript(
                "return sessionStorage.getItem('onsale.waitingRoom." + eventId + "')");
        assertTrue(stored instanceof String token && token.startsWith("wr3."), "the access token is kept for the booking calls");
    }

    private static String stateOf(WebDriver driver) {
        return driver.findElement(By.tagName("body")).getAttribute("data-state");
    }

    @Test
    void thePageGoesFromThePreQueueWithACountdownToAPlaceInLineToAdmitted() throws Exception {
        // two fans in a one-session room's pre-queue: the lottery puts one first, the other waits behind it
        java.time.Instant opens = java.time.Instant.now().plusSeconds(8).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Gateway.Reply created = api.post("/api/v1/events", Events.concert("Pre-queue page", 1, "\"on_sale_at\": \"" + opens + "\""));
        assertEquals(201, created.status(), created.body());
        long eventId = created.json().get("id").asLong();
        Gateway.Reply enabled = api.post("/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent=1&session_duration=300"
                + "&pre_queue_opens_at=" + java.time.Instant.now().minusSeconds(60), "");
        assertEquals(200, enabled.status(), enabled.body());
        try (HeadlessChromium secondChromium = HeadlessChromium.start()) {
            WebDriver second = secondChromium.browser();
            Map<String, WebDriver> fans = Map.of("401", browser, "402", second);
            fans.forEach((fan, driver) -> driver.get(stack.gatewayUrl() + "/events/" + eventId + "/queue?user_id=" + fan));
            for (WebDriver driver : fans.values()) {
                new WebDriverWait(driver, Duration.ofSeconds(20), Duration.ofMillis(100)).until(d -> "pre_queue".equals(stateOf(d)));
            }
            String message = browser.findElement(By.id("message")).getText();
            assertTrue(message.startsWith("The sale opens in "), message);
            String before = browser.findElement(By.id("wait")).getText();
            chromium.screenshot("queue-pre-queue");
            Thread.sleep(1_500);
            assertTrue(!before.equals(browser.findElement(By.id("wait")).getText()), "the countdown ticks: " + before);

            // the opening: one is admitted, the other is number 1 in line
            new WebDriverWait(browser, Duration.ofSeconds(30), Duration.ofMillis(100)).until(d ->
                    fans.values().stream().anyMatch(f -> "admitted".equals(stateOf(f)))
                            && fans.values().stream().anyMatch(f -> "queued".equals(stateOf(f))));
            String inFirst = "admitted".equals(stateOf(browser)) ? "401" : "402";
            WebDriver waiting = fans.get(inFirst.equals("401") ? "402" : "401");
            assertEquals("#1", waiting.findElement(By.id("position")).getText());
            // one session of 300 s ahead and no pace measured beyond it: the soonest and the latest are the same
            assertEquals("5 min 00 s", waiting.findElement(By.id("wait")).getText());
            (inFirst.equals("401") ? secondChromium : chromium).screenshot("queue-queued");

            assertTrue(rooms.endSession(eventId, inFirst), "the first fan bought their tickets");
            new WebDriverWait(waiting, Duration.ofSeconds(20), Duration.ofMillis(100)).until(d -> "admitted".equals(stateOf(d)));
            (inFirst.equals("401") ? secondChromium : chromium).screenshot("queue-admitted");
        }
    }

    /** The room off: joining admits at once, and the page moves on to {@code next} if it is a page of this site. */
    private String landingAfterAdmission(long eventId, String next, int fan) {
        browser.get(stack.gatewayUrl() + "/events/" + eventId + "/queue?user_id=" + fan + "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(100));
        wait.until(driver -> !driver.getCurrentUrl().contains("/queue?")
                || "admitted".equals(state()) && browser.findElement(By.id("seats")).getText().contains("seats are available"));
        return browser.getCurrentUrl();
    }

    @Test
    void afterAdmissionThePageOnlyEverGoesToAPageOfThisSite() {
        Gateway.Reply created = api.post("/api/v1/events", Events.concert("Redirects", 1));
        assertEquals(201, created.status(), created.body());
        long eventId = created.json().get("id").asLong();
        String site = stack.gatewayUrl().toString();
        int fan = 200;
        for (String attack : new String[] {"/\\evil.example/checkout", "/\tevil.example", "/\t/evil.example", "//evil.example/checkout",
                "https://evil.example/checkout", "javascript:alert(1)", "/\\/evil.example", "\\\\evil.example", " //evil.example"}) {
            String landed = landingAfterAdmission(eventId, attack, ++fan);
            assertTrue(landed.startsWith(site + "/events/" + eventId + "/queue"), attack + " took the fan to " + landed);
        }
        String landed = landingAfterAdmission(eventId, "/events/" + eventId + "/checkout?step=1#seats", ++fan);
        assertEquals(site + "/events/" + eventId + "/checkout?step=1#seats", landed, "a page of this site is where the fan goes");
    }
}
