package dev.onsale.site;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.BrowserTest;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.HeadlessChromium;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The fan's pages in headless Chromium against the local gateway, which serves web/ as the template's CloudFront
 * distribution does: real clicks and keys, the real API behind them. Each test saves screenshots of what it
 * sees (target/screenshots) at desktop and phone width.
 */
class FanJourneyBrowserIT extends BrowserTest {
    FanJourneyBrowserIT(LocalStack stack) {
        super(stack);
    }

    private long newEvent(String body) {
        Gateway.Reply created = api.post("/api/v1/events", body);
        assertEquals(201, created.status(), created.body());
        return created.json().get("id").asLong();
    }

    private static String smallHall(String name) {
        return """
                {"name": "%s", "venue": "Small Hall", "starts_at": "2027-06-01T19:30:00Z",
                 "sections": [{"name": "Stalls", "rows": 4, "seats_per_row": 10, "price": 80.00},
                              {"name": "Circle", "rows": 2, "seats_per_row": 10, "price": 45.50}]}
                """.formatted(name);
    }

    private void signIn(WebDriver driver, String userId, String next) {
        driver.get(stack.gatewayUrl() + "/sign-in?next=" + next);
        WebElement user = wait(driver).until(d -> d.findElement(By.id("user")));
        user.sendKeys(userId);
        driver.findElement(By.cssSelector("#sign-in button[type=submit]")).click();
    }

    private static WebDriverWait wait(WebDriver driver) {
        return new WebDriverWait(driver, Duration.ofSeconds(25), Duration.ofMillis(100));
    }

    private static WebElement seat(WebDriver driver, long seatId) {
        return wait(driver).until(d -> d.findElement(By.cssSelector("rect[data-seat-id='" + seatId + "']")));
    }

    private static Function<WebDriver, Boolean> seatIs(long seatId, String state) {
        return d -> {
            List<WebElement> found = d.findElements(By.cssSelector("rect[data-seat-id='" + seatId + "']"));
            return !found.isEmpty() && found.getFirst().getAttribute("class").contains(state);
        };
    }

    private static String notice(WebDriver driver) {
        return driver.findElement(By.id("notice")).getText();
    }

    @Test
    void aFanQueuesPicksHoldsSeesTheCountdownConfirmsAndAnotherFanSeesTheSeatsSold() {
        long eventId = newEvent(smallHall("Journey night"));
        assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent=10&session_duration=300", "").status());
        long first = api.get("/api/v1/events/" + eventId).json().get("sections").get(0).get("first_seat_id").asLong();

        // the events list links to the event; signing in comes back to it
        browser.get(stack.gatewayUrl() + "/");
        wait(browser).until(d -> !d.findElements(By.cssSelector("a[href='/events/" + eventId + "']")).isEmpty());
        screenshots("site-events");
        signIn(browser, "5101", "/events/" + eventId);

        // the room is on: the page goes through the queue page and comes back admitted, with the access token
        wait(browser).until(d -> d.getCurrentUrl().contains("/events/" + eventId + "/queue"));
        wait(browser).until(d -> d.getCurrentUrl().endsWith("/events/" + eventId) && !d.findElements(By.cssSelector("rect.seat")).isEmpty());
        assertEquals(60, browser.findElements(By.cssSelector("rect.seat")).size(), "4 x 10 + 2 x 10 seats");
        assertEquals("Section Stalls, row 1, seat 1, 80.00, available", seat(browser, first).getAttribute("aria-label"));

        seat(browser, first + 4).click();
        seat(browser, first + 5).click();
        assertEquals("true", seat(browser, first + 4).getAttribute("aria-checked"));
        assertEquals("Hold 2 seats", browser.findElement(By.id("hold")).getText());
        screenshots("site-event-picked");

        browser.findElement(By.id("hold")).click();
        WebElement timer = wait(browser).until(d -> d.findElement(By.id("hold-timer")));
        wait(browser).until(d -> timer.getText().contains("left"));
        String countdown = timer.getText();
        assertTrue(countdown.matches("Held for you: \\d+:\\d\\d left"), countdown);
        assertTrue(browser.findElement(By.id("total")).getText().contains("160.00"), browser.findElement(By.id("total")).getText());
        wait(browser).until(d -> !timer.getText().equals(countdown)); // it counts down
        screenshots("site-event-held");

        browser.findElement(By.id("confirm")).click();
        wait(browser).until(d -> notice(d).startsWith("Booked!"));
        // the purchase ended the fan's turn in the room: the page says so and stays, instead of queueing again
        wait(browser).until(d -> notice(d).contains("to buy more, join the line again"));
        assertTrue(browser.getCurrentUrl().endsWith("/events/" + eventId), browser.getCurrentUrl());
        assertEquals("Booked: 2 seats.", browser.findElement(By.cssSelector("#actions .done")).getText());
        screenshots("site-event-booked");

        browser.findElement(By.linkText("My bookings")).click();
        WebElement booking = wait(browser).until(d -> d.findElement(By.cssSelector("#bookings li.booking")));
        assertTrue(booking.getText().contains("Confirmed"), booking.getText());
        assertTrue(booking.getText().contains("Section Stalls, row 1, seat 5"), booking.getText());
        assertTrue(booking.getText().contains("160.00"), booking.getText());
        screenshots("site-bookings");

        // a second fan, in a second browser, sees those seats sold and the rest available
        try (HeadlessChromium second = HeadlessChromium.start()) {
            WebDriver other = second.browser();
            signIn(other, "5102", "/events/" + eventId);
            wait(other).until(seatIs(first + 4, "sold"));
            wait(other).until(seatIs(first + 5, "sold"));
            assertTrue(seat(other, first + 6).getAttribute("class").contains("available"));
            assertEquals("Section Stalls, row 1, seat 5, 80.00, sold", seat(other, first + 4).getAttribute("aria-label"));
            // a sold seat cannot be picked
            seat(other, first + 4).click();
            assertEquals("false", seat(other, first + 4).getAttribute("aria-checked"));
        }
    }

    @Test
    void aSeatTakenMeanwhileAndARateLimitAreToldAsAPersonUnderstandsThem() {
        long eventId = newEvent(smallHall("Refusals night"));
        long first = api.get("/api/v1/events/" + eventId).json().get("sections").get(0).get("first_seat_id").asLong();
        signIn(browser, "5201", "/events/" + eventId);
        seat(browser, first).click();
        seat(browser, first + 1).click();

        // someone else holds one of them before the fan presses Hold
        Gateway.Reply taken = api.post("/api/v1/bookings?user_id=5299", "{\"event_id\": " + eventId + ", \"seat_ids\": [" + (first + 1) + "]}");
        assertEquals(201, taken.status(), taken.body());
        browser.findElement(By.id("hold")).click();
        wait(browser).until(d -> notice(d).startsWith("Just taken by someone else"));
        assertTrue(notice(browser).contains("section Stalls, row 1, seat 2"), notice(browser));
        assertTrue(seat(browser, first + 1).getAttribute("class").contains("taken-now"), "the taken seat is marked");
        assertEquals("false", seat(browser, first + 1).getAttribute("aria-checked"), "and left the pick");
        assertEquals("true", seat(browser, first).getAttribute("aria-checked"), "the other stays picked");
        wait(browser).until(seatIs(first + 1, "held"));
        screenshots("site-event-taken");

        // over the booking rate limit: the page counts down the Retry-After instead of failing
        for (int i = 0; i < 12; i++) {
            api.post("/api/v1/bookings?user_id=5201", "{\"event_id\": " + eventId + ", \"seat_ids\": []}");
        }
        browser.findElement(By.id("hold")).click();
        wait(browser).until(d -> notice(d).startsWith("Too many tries. You can hold again in"));
        assertTrue(notice(browser).matches("Too many tries\\. You can hold again in (\\d+ s|\\d+:\\d\\d)\\."), notice(browser));
        screenshots("site-event-429");
    }

    @Test
    void seatsArePickedAndHeldWithTheKeyboardAlone() {
        long eventId = newEvent(smallHall("Keyboard night"));
        long first = api.get("/api/v1/events/" + eventId).json().get("sections").get(0).get("first_seat_id").asLong();
        signIn(browser, "5301", "/events/" + eventId);
        seat(browser, first);
        Actions keys = new Actions(browser);
        // Tab moves from the page's links into the map: its one tab stop is the first available seat
        WebElement focused = null;
        for (int i = 0; i < 15; i++) {
            keys.sendKeys(Keys.TAB).perform();
            focused = browser.switchTo().activeElement();
            if (focused.getAttribute("data-seat-id") != null) {
                break;
            }
        }
        assertEquals(String.valueOf(first), focused.getAttribute("data-seat-id"), "the map's tab stop");
        keys.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_DOWN).perform();
        focused = browser.switchTo().activeElement();
        long picked = first + 10 + 2; // row 2, seat 3
        assertEquals(String.valueOf(picked), focused.getAttribute("data-seat-id"));
        assertEquals("Section Stalls, row 2, seat 3, 80.00, available", focused.getAttribute("aria-label"));
        keys.sendKeys(Keys.SPACE).perform();
        assertEquals("true", seat(browser, picked).getAttribute("aria-checked"));
        assertEquals("Section Stalls, row 2, seat 3, 80.00, selected", seat(browser, picked).getAttribute("aria-label"));
        // down past the last row of Stalls is the first row of Circle
        keys.sendKeys(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_DOWN).perform();
        JsonNode event = api.get("/api/v1/events/" + eventId).json();
        long circle = event.get("sections").get(1).get("first_seat_id").asLong();
        assertEquals(String.valueOf(circle + 2), browser.switchTo().activeElement().getAttribute("data-seat-id"));
        keys.sendKeys(Keys.ENTER).perform();
        screenshots("site-event-keyboard");

        // Tab leaves the map for the Hold button; Enter presses it
        keys.sendKeys(Keys.TAB).perform();
        assertEquals("hold", browser.switchTo().activeElement().getAttribute("id"));
        keys.sendKeys(Keys.ENTER).perform();
        wait(browser).until(d -> !d.findElements(By.id("hold-timer")).isEmpty());
        String basket = browser.findElement(By.id("picked")).getText();
        assertTrue(basket.contains("Section Stalls, row 2, seat 3") && basket.contains("Section Circle, row 1, seat 3"), basket);
    }

    @Test
    void aStadiumOpensOnItsSectionsThenOneSection() {
        long eventId = newEvent(Events.stadium("Stadium night", 10)); // 10 blocks of 500 seats
        signIn(browser, "5401", "/events/" + eventId);
        WebElement tile = wait(browser).until(d -> d.findElement(By.cssSelector("button.section-tile[data-section='Block 3']")));
        assertTrue(tile.getAttribute("aria-label").startsWith("Section Block 3, 45.00, 500 of 500 seats available"),
                tile.getAttribute("aria-label"));
        assertEquals(10, browser.findElements(By.cssSelector("button.section-tile")).size());
        screenshots("site-stadium");
        tile.click();
        wait(browser).until(d -> d.getCurrentUrl().endsWith("?section=Block%203") && d.findElements(By.cssSelector("rect.seat")).size() == 500);
        assertEquals("Section Block 3", browser.findElement(By.id("map-title")).getText());
        screenshots("site-stadium-section");
    }
}
