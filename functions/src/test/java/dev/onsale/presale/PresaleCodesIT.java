package dev.onsale.presale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.http.Caller;
import dev.onsale.http.Guards;
import dev.onsale.platform.Config;
import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import dev.onsale.testing.Stacks;
import dev.onsale.waitingroom.AdmissionGuard;
import dev.onsale.waitingroom.BypassAdmission;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Presale codes through the local gateway on the real stack (DynamoDB Local, redis-server): made by an admin, shown
 * once, listed without the codes, and redeemed into the event's waiting room past its line.
 */
@ExtendWith(EmbeddedStack.class)
class PresaleCodesIT {
    private static final String TOKEN = AdmissionGuard.TOKEN_HEADER;
    /** An address of this class's own (every 127.x.y.z is loopback): the redemption limit per address is small. */
    private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(1 + (int) (System.nanoTime() % 200));

    private final LocalStack stack;
    private final Gateway api;

    PresaleCodesIT(LocalStack stack) {
        this.stack = stack;
        this.api = new Gateway(stack.gatewayUrl(), "127.0.77." + NEXT_ADDRESS.incrementAndGet());
    }

    private static String fan() {
        return "pc-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private long newEvent(String name) {
        Gateway.Reply created = api.post("/api/v1/events", Events.concert(name, 1));
        assertEquals(201, created.status(), created.body());
        return created.json().get("id").asLong();
    }

    private Gateway.Reply createCodes(long eventId, String body) {
        return api.post("/api/v1/events/" + eventId + "/codes", body);
    }

    /** The plain codes of a new batch. */
    private List<String> codes(long eventId, String body) {
        Gateway.Reply created = createCodes(eventId, body);
        assertEquals(201, created.status(), created.body());
        assertEquals("no-store", created.header("cache-control").orElse(""), "codes in plain text are never cached");
        List<String> codes = new ArrayList<>();
        created.json().get("codes").forEach(code -> codes.add(code.get("code").asText()));
        return codes;
    }

    private static Gateway.Reply redeem(Gateway client, long eventId, String user, String code) {
        return client.post("/api/v1/events/" + eventId + "/codes/redeem?user_id=" + user, "{\"code\": \"" + code + "\"}");
    }

    private Gateway.Reply redeem(long eventId, String user, String code) {
        return redeem(api, eventId, user, code);
    }

    private JsonNode list(long eventId) {
        Gateway.Reply listed = api.get("/api/v1/events/" + eventId + "/codes");
        assertEquals(200, listed.status(), listed.body());
        return listed.json();
    }

    private void enable(long eventId, int maxConcurrent, int sessionSeconds) {
        assertEquals(200, api.post("/api/v1/events/" + eventId + "/waiting-room/enable?max_concurrent=" + maxConcurrent
                + "&session_duration=" + sessionSeconds, "").status());
    }

    private JsonNode joinAndCheckIn(long eventId, String user) {
        String queueToken = api.post("/api/v1/events/" + eventId + "/waiting-room/join?user_id=" + user, "").json().get("token").asText();
        return api.get("/api/v1/events/" + eventId + "/waiting-room/status?token=" + queueToken).json();
    }

    private Gateway.Reply seatMap(long eventId, String user, String... headers) {
        return api.get("/api/v1/events/" + eventId + "/seats?user_id=" + user, headers);
    }

    @Test
    void aSingleUseCodeAdmitsOneFanPastALongLineThenRefusesTheNext() {
        long eventId = newEvent("Presale: single use");
        enable(eventId, 1, 300);
        String first = fan();
        assertTrue(joinAndCheckIn(eventId, first).get("admitted").asBoolean(), "the one slot");
        String queued = fan();
        assertEquals("queued", joinAndCheckIn(eventId, queued).get("status").asText(), "the line is long: no slot left");
        String code = codes(eventId, "{\"count\": 1, \"label\": \"fan club\"}").getFirst();

        String holder = fan();
        assertEquals(403, seatMap(eventId, holder).status(), "behind the room without a token");
        Gateway.Reply redeemed = redeem(eventId, holder, code);

        assertEquals(200, redeemed.status(), redeemed.body());
        JsonNode answer = redeemed.json();
        assertEquals("admitted", answer.get("status").asText());
        assertEquals(0, answer.get("uses_left").asInt());
        assertTrue(answer.get("session_expires_in_seconds").asLong() > 290, answer.toString());
        String access = answer.get("access_token").asText();
        assertEquals(200, seatMap(eventId, holder, TOKEN, access).status(), "the code's token passes the admission guard");
        assertEquals(403, seatMap(eventId, fan(), TOKEN, access).status(), "and is the redeeming fan's only");
        assertEquals("queued", joinAndCheckIn(eventId, queued).get("status").asText(), "the bypass took no place in line");

        Gateway.Reply another = redeem(eventId, fan(), code);
        assertEquals(409, another.status(), another.body());
        assertEquals("code_used_up", another.json().get("error").asText());

        Gateway.Reply again = redeem(eventId, holder, code.replace("-", "").toLowerCase());
        assertEquals(200, again.status(), again.body());
        assertEquals(access, again.json().get("access_token").asText(), "the same session, answered again");
        assertEquals(1, list(eventId).get("codes").get(0).get("used").asInt(), "one use, however often its fan redeems it");
        JsonNode stats = api.get("/api/v1/events/" + eventId + "/waiting-room/stats").json();
        assertEquals(1, stats.get("codes_redeemed").asInt(), stats.toString());
        assertEquals(2, stats.get("active_sessions").asInt(), "a code admits past max_concurrent (1): " + stats);
        assertEquals(1, stats.get("queue_size").asInt(), "the bypass took no ticket of the line's: " + stats);
    }

    @Test
    void aFanWithALiveSessionIsAnsweredItAndUsesNothing() {
        long eventId = newEvent("Presale: already in");
        enable(eventId, 1, 300);
        String admitted = fan();
        String lineToken = joinAndCheckIn(eventId, admitted).get("access_token").asText();
        String code = codes(eventId, "{\"count\": 1, \"uses\": 2}").getFirst();

        Gateway.Reply redeemed = redeem(eventId, admitted, code);

        assertEquals(200, redeemed.status(), redeemed.body());
        assertEquals(2, redeemed.json().get("uses_left").asInt(), "no use taken");
        assertEquals(lineToken, redeemed.json().get("access_token").asText(), "the session the line gave");
    }

    @Test
    void redeemingAgainAfterTheSessionEndedIsRefusedAndUsesNothing() throws InterruptedException {
        long eventId = newEvent("Presale: session over");
        enable(eventId, 10, 1);
        String code = codes(eventId, "{\"count\": 1, \"uses\": 3}").getFirst();
        String user = fan();
        assertEquals(200, redeem(eventId, user, code).status());
        Thread.sleep(1_500);

        Gateway.Reply again = redeem(eventId, user, code);

        assertEquals(409, again.status(), again.body());
        assertEquals("code_already_redeemed", again.json().get("error").asText());
        assertEquals(1, list(eventId).get("codes").get(0).get("used").asInt());
    }

    @Test
    void concurrentRedemptionsNeverExceedTheCodesUses() throws Exception {
        long eventId = newEvent("Presale: a crowd on five uses");
        enable(eventId, 1, 300);
        String code = codes(eventId, "{\"count\": 1, \"uses\": 5}").getFirst();
        int fans = 40;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Gateway.Reply>> replies = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(fans)) {
            for (int i = 0; i < fans; i++) {
                Gateway client = new Gateway(stack.gatewayUrl(), "127.0.78." + (i + 1)); // each fan from an address of its own
                String user = fan();
                replies.add(pool.submit(() -> {
                    start.await();
                    return redeem(client, eventId, user, code);
                }));
            }
            start.countDown();
            int admitted = 0;
            int usedUp = 0;
            for (Future<Gateway.Reply> reply : replies) {
                Gateway.Reply answer = reply.get();
                if (answer.status() == 200) {
                    admitted++;
                    assertNotNull(answer.json().get("access_token").textValue(), answer.body());
                } else {
                    assertEquals(409, answer.status(), answer.body());
                    assertEquals("code_used_up", answer.json().get("error").asText());
                    usedUp++;
                }
            }
            assertEquals(5, admitted, "exactly the code's uses");
            assertEquals(fans - 5, usedUp);
        }
        JsonNode listed = list(eventId).get("codes").get(0);
        assertEquals(5, listed.get("used").asInt());
        assertEquals(0, listed.get("uses_left").asInt());
        assertEquals(5, api.get("/api/v1/events/" + eventId + "/waiting-room/stats").json().get("codes_redeemed").asInt());
    }

    /** Cancels the next {@code times} transactions with {@code code} before they reach DynamoDB Local (which never races). */
    private static final class CancelTransactions implements ExecutionInterceptor {
        private final AtomicInteger remaining;
        private final String code;
        private final AtomicInteger tried = new AtomicInteger();

        CancelTransactions(int times, String code) {
            this.remaining = new AtomicInteger(times);
            this.code = code;
        }

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if ("TransactWriteItems".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
                tried.incrementAndGet();
                if (remaining.getAndDecrement() > 0) {
                    throw TransactionCanceledException.builder().message("Transaction cancelled (injected)")
                            .cancellationReasons(CancellationReason.builder().code(code).build()).build();
                }
            }
        }
    }

    /** The redemption route on a DynamoDB client that cancels transactions as {@code faults} says. */
    private APIGatewayV2HTTPResponse redeemThrough(CancelTransactions faults, long eventId, String user, String code) {
        Config config = EmbeddedStack.config("RedeemPresaleCodeFunction");
        try (DynamoDbClient dynamo = Stacks.dynamoDb(config, faults)) {
            PresaleCodeService service = new PresaleCodeService(new CodeStore(() -> dynamo, config.codesTable()), id -> true,
                    BypassAdmission.create(config), Clock.systemUTC(), SecureRandom::new, RandomGenerator.getDefault(),
                    config.writeAttempts());
            return new RedeemPresaleCodeHandler(service, Guards.NONE, Caller.AdminRule.group("admin")).handleRequest(
                    ApiEvents.request("POST", "/api/v1/events/{event_id}/codes/redeem", "/api/v1/events/" + eventId + "/codes/redeem",
                            Map.of("event_id", Long.toString(eventId)), Map.of(), user, "198.51.100.71",
                            "{\"code\": \"" + code + "\"}"), null);
        }
    }

    @Test
    void aRedemptionThatLosesATransactionConflictIsRetried() {
        long eventId = newEvent("Presale: conflicts");
        enable(eventId, 10, 300);
        String code = codes(eventId, "{\"count\": 1, \"uses\": 2}").getFirst();
        CancelTransactions conflicts = new CancelTransactions(2, "TransactionConflict");

        APIGatewayV2HTTPResponse response = redeemThrough(conflicts, eventId, fan(), code);

        assertEquals(200, response.getStatusCode(), response.getBody());
        assertEquals(3, conflicts.tried.get(), "two conflicts, then the write");
        assertEquals(1, list(eventId).get("codes").get(0).get("used").asInt(), "one use for the one redemption");
    }

    @Test
    void aRedemptionDynamoDbKeepsThrottlingIsA503AndUsesNothing() {
        long eventId = newEvent("Presale: throttled");
        enable(eventId, 10, 300);
        String code = codes(eventId, "{\"count\": 1}").getFirst();
        CancelTransactions throttled = new CancelTransactions(Integer.MAX_VALUE, "ThrottlingError");

        APIGatewayV2HTTPResponse response = redeemThrough(throttled, eventId, fan(), code);

        assertEquals(503, response.getStatusCode(), response.getBody());
        assertTrue(response.getBody().contains("\"error\":\"service_busy\""), response.getBody());
        assertEquals("1", response.getHeaders().get("retry-after"));
        assertEquals(EmbeddedStack.config("RedeemPresaleCodeFunction").writeAttempts(), throttled.tried.get(), "WRITE_ATTEMPTS tries");
        assertEquals(0, list(eventId).get("codes").get(0).get("used").asInt());
    }

    @Test
    void aCodeIsRedeemableOnlyInItsWindow() {
        long eventId = newEvent("Presale: windows");
        enable(eventId, 10, 300);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String early = codes(eventId, "{\"count\": 1, \"valid_from\": \"" + now.plusSeconds(3600) + "\"}").getFirst();
        String late = codes(eventId, "{\"count\": 1, \"valid_from\": \"" + now.minusSeconds(7200)
                + "\", \"valid_until\": \"" + now.minusSeconds(3600) + "\"}").getFirst();
        String open = codes(eventId, "{\"count\": 1, \"valid_until\": \"" + now.plusSeconds(3600) + "\"}").getFirst();

        Gateway.Reply notYet = redeem(eventId, fan(), early);
        Gateway.Reply expired = redeem(eventId, fan(), late);

        assertEquals(403, notYet.status(), notYet.body());
        assertEquals("code_not_yet_valid", notYet.json().get("error").asText());
        assertEquals(now.plusSeconds(3600), Instant.parse(notYet.json().get("valid_from").asText()));
        assertEquals(403, expired.status(), expired.body());
        assertEquals("code_expired", expired.json().get("error").asText());
        assertEquals(now.minusSeconds(3600), Instant.parse(expired.json().get("valid_until").asText()));
        assertEquals(200, redeem(eventId, fan(), open).status(), "inside its window");
        assertEquals(1, sumUsed(list(eventId)), "refusals use nothing");
    }

    private static int sumUsed(JsonNode page) {
        int used = 0;
        for (JsonNode code : page.get("codes")) {
            used += code.get("used").asInt();
        }
        return used;
    }

    @Test
    void anUnknownCodeOrAnotherEventsCodeIsNotFound() {
        long eventId = newEvent("Presale: unknown codes");
        long otherEvent = newEvent("Presale: the other event");
        String othersCode = codes(otherEvent, "{\"count\": 1}").getFirst();

        Gateway.Reply unknown = redeem(eventId, fan(), "AAAA-BBBB-CCCC-DDDD");
        Gateway.Reply foreign = redeem(eventId, fan(), othersCode);

        assertEquals(404, unknown.status(), unknown.body());
        assertEquals("code_not_found", unknown.json().get("error").asText());
        assertEquals(404, foreign.status(), foreign.body());
        assertEquals(unknown.json().get("error"), foreign.json().get("error"), "the same answer: a code is its event's only");
    }

    @Test
    void withTheRoomOffAGoodCodeIsAnsweredAsSuchAndUsesNothing() {
        long eventId = newEvent("Presale: room off");
        String code = codes(eventId, "{\"count\": 1}").getFirst();

        Gateway.Reply redeemed = redeem(eventId, fan(), code);

        assertEquals(200, redeemed.status(), redeemed.body());
        assertEquals("room_off", redeemed.json().get("status").asText());
        assertTrue(redeemed.json().get("access_token").isNull());
        assertEquals(1, redeemed.json().get("uses_left").asInt());
        assertEquals(404, redeem(eventId, fan(), "AAAA-BBBB-CCCC-DDDD").status(), "a bad code is still refused");
    }

    @Test
    void codesNeverAppearInTheListOrInTheTableInPlainText() {
        long eventId = newEvent("Presale: secrets");
        List<String> codes = codes(eventId, "{\"count\": 5, \"uses\": 3, \"label\": \"press\"}");
        assertEquals(5, codes.size());
        assertEquals(5, codes.stream().distinct().count());
        codes.forEach(code -> assertTrue(code.matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){3}"), code));

        String listed = api.get("/api/v1/events/" + eventId + "/codes").body();
        String table = stack.dynamoDb().scanPaginator(b -> b.tableName(stack.physicalId("CodesTable"))).items().stream().toList().toString();

        assertEquals(5, list(eventId).get("codes").size(), listed);
        assertTrue(table.contains("press"), "the scan sees the codes' items");
        for (String code : codes) {
            String bare = code.replace("-", "");
            for (String form : List.of(code, bare, bare.toLowerCase())) {
                assertFalse(listed.contains(form), "the list shows a code: " + listed);
                assertFalse(table.contains(form), "the table holds a code in plain text");
            }
            assertTrue(listed.contains("\"hint\":\"" + bare.substring(14) + "\""), listed);
        }

        JsonNode first = api.get("/api/v1/events/" + eventId + "/codes?limit=3").json();
        assertEquals(3, first.get("codes").size());
        JsonNode rest = api.get("/api/v1/events/" + eventId + "/codes?limit=3&after=" + first.get("next_after").asText()).json();
        assertEquals(2, rest.get("codes").size(), "the page after: the other two, oldest first");
        assertTrue(rest.get("next_after").isNull(), rest.toString());
    }

    @Test
    void onlyAdminsMakeOrListCodes() {
        long eventId = newEvent("Presale: admins only");
        PresaleCodeService creating = PresaleCodeService.create(EmbeddedStack.config("CreatePresaleCodesFunction"));
        PresaleCodeService listing = PresaleCodeService.create(EmbeddedStack.config("ListPresaleCodesFunction"));
        Caller.AdminRule admins = Caller.AdminRule.group("admin");
        Map<String, String> path = Map.of("event_id", Long.toString(eventId));

        APIGatewayV2HTTPResponse create = new CreatePresaleCodesHandler(creating, admins).handleRequest(ApiEvents.request("POST",
                "/api/v1/events/{event_id}/codes", "/api/v1/events/" + eventId + "/codes", path, null, fan(), "192.0.2.9",
                "{\"count\": 1}"), null);
        APIGatewayV2HTTPResponse list = new ListPresaleCodesHandler(listing, admins).handleRequest(ApiEvents.request("GET",
                "/api/v1/events/{event_id}/codes", "/api/v1/events/" + eventId + "/codes", path, null, fan(), "192.0.2.9", null), null);

        assertEquals(403, create.getStatusCode(), create.getBody());
        assertTrue(create.getBody().contains("\"error\":\"forbidden\""), create.getBody());
        assertEquals(403, list.getStatusCode(), list.getBody());
        assertTrue(list.getBody().contains("\"error\":\"forbidden\""), list.getBody());
        assertEquals(0, list(eventId).get("codes").size(), "nothing was made");
    }

    @Test
    void badBodiesAreRefusedWithJsonErrors() {
        long eventId = newEvent("Presale: bad bodies");
        for (String body : List.of("{}", "{\"count\": 0}", "{\"count\": 1001}", "{\"count\": 1, \"uses\": 0}",
                "{\"count\": 1, \"valid_from\": \"tomorrow\"}", "{\"count\": 1, \"label\": \"\"}",
                "{\"count\": 1, \"valid_from\": \"2027-03-01T10:00:00Z\", \"valid_until\": \"2027-03-01T09:00:00Z\"}", "{\"count\": ")) {
            Gateway.Reply refused = createCodes(eventId, body);
            assertEquals(400, refused.status(), body + ": " + refused.body());
            assertFalse(refused.json().get("error").asText().isEmpty());
            assertFalse(refused.json().get("detail").asText().isEmpty());
        }
        assertEquals(422, createCodes(eventId, "{\"count\": 1, \"colour\": \"red\"}").status(), "an unknown field");
        assertEquals(0, list(eventId).get("codes").size(), "nothing was made");
        assertEquals(404, createCodes(9_007_199_254_740_000L, "{\"count\": 1}").status(), "no such event");
        assertEquals("event_not_found", api.get("/api/v1/events/9007199254740000/codes").json().get("error").asText());

        for (String code : List.of("short", "AAAA-BBBB-CCCC-DDD1", "AAAA-BBBB-CCCC-DDDD-E")) {
            Gateway.Reply refused = redeem(eventId, fan(), code);
            assertEquals(400, refused.status(), code + ": " + refused.body());
            assertEquals("bad_request", refused.json().get("error").asText());
        }
        Gateway.Reply noBody = api.post("/api/v1/events/" + eventId + "/codes/redeem?user_id=" + fan(), "{\"code\": ");
        assertEquals(400, noBody.status(), noBody.body());
        assertEquals("malformed_json", noBody.json().get("error").asText());
    }
}
