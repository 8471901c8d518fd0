package dev.onsale.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.onsale.http.Guards;
import dev.onsale.localstack.LocalStack;
import dev.onsale.platform.Config;
import dev.onsale.platform.Redis;
import dev.onsale.protection.SurgeProtection;
import dev.onsale.testing.ApiEvents;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.RedisWireProxy;
import dev.onsale.waitingroom.AdmissionGuard;
import dev.onsale.waitingroom.AdmissionTokens;
import dev.onsale.waitingroom.TokenKeyRing;
import dev.onsale.waitingroom.WaitingRoomService;
import dev.onsale.waitingroom.WaitingRoomStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a guarded seat-map read costs in Redis, counted on the wire (a proxy in front of the stack's
 * redis-server): one round trip for the user's and the address's limits, the admission check and the map
 * together, and no body out of Redis when the map has not changed.
 */
@ExtendWith(EmbeddedStack.class)
class SeatMapRoundTripIT {
    private final Config config = EmbeddedStack.config("GetSeatMapFunction");
    private final RedisWireProxy wire;
    private final Redis redis;
    private final GetSeatMapHandler handler;
    private final long eventId;
    private int users;

    SeatMapRoundTripIT(LocalStack stack) throws Exception {
        wire = new RedisWireProxy(config.redis().port(), Duration.ZERO);
        Config.RedisSettings settings = config.redis();
        redis = Redis.dedicated(new Config.RedisSettings("127.0.0.1", wire.port(), false, false, Duration.ofSeconds(2)));
        CatalogService catalog = CatalogService.create(config, redis);
        WaitingRoomService rooms = new WaitingRoomService(new WaitingRoomStore(redis),
                new AdmissionTokens(TokenKeyRing.shared(config), Clock.systemUTC()), config.waitingRoom(), Clock.systemUTC());
        handler = new GetSeatMapHandler(catalog, new Guards(redis, Duration.ofSeconds(2), Stream.concat(
                SurgeProtection.of(config).seatMap().stream(),
                Stream.of(rooms.admissionGuard(AdmissionGuard.WhenRedisUnavailable.PASS))).toList()), config.admins());
        eventId = Events.create(config, "Round trips", 2);
        assertTrue(settings.port() != wire.port());
    }

    @AfterEach
    void close() throws Exception {
        redis.close();
        wire.close();
    }

    private APIGatewayV2HTTPResponse read(Map<String, String> headers) {
        // a new fan each time, from a new address: nobody reaches a limit
        APIGatewayV2HTTPEvent event = ApiEvents.request("GET", "/api/v1/events/{event_id}/seats", "/api/v1/events/" + eventId + "/seats",
                Map.of("event_id", Long.toString(eventId)), Map.of("format", "compact"), "rt-fan-" + ++users,
                "203.0.113." + users % 250, null, headers);
        APIGatewayV2HTTPResponse response = handler.handleRequest(event, null);
        assertTrue(response.getStatusCode() == 200 || response.getStatusCode() == 304, response.getStatusCode() + " " + response.getBody());
        return response;
    }

    @Test
    void aGuardedReadOfAnUnchangedMapCostsOneRoundTripAndNoBody() {
        read(Map.of()); // the first read builds the map and loads the scripts
        read(Map.of());

        for (int i = 0; i < 10; i++) {
            wire.reset();
            APIGatewayV2HTTPResponse response = read(Map.of());
            assertEquals(200, response.getStatusCode());
            assertEquals("HIT", response.getHeaders().get("x-cache"));
            assertEquals(1, wire.roundTrips(), "guards, admission and the map in one round trip");
            assertEquals(Map.of("EVALSHA", 4L), wire.commands(), "the user's and the address's limits, admission, the map");
            assertTrue(wire.bytesToClients() <= 200, "an unchanged map moves no body out of Redis: " + wire.bytesToClients() + " bytes");
        }
    }

    @Test
    void aChangedMapIsFetchedInTheSameRoundTrip() {
        read(Map.of());
        new LiveSeatMap(redis).apply(List.of(new SeatState(eventId, 3, 1, SeatStatus.SOLD, 0))).values()
                .forEach(java.util.concurrent.CompletableFuture::join);
        wire.reset();
        APIGatewayV2HTTPResponse response = read(Map.of());
        assertEquals("FETCHED", response.getHeaders().get("x-cache"));
        assertEquals(1, wire.roundTrips());
        assertTrue(response.getBody().contains("AAS"), "the change is in the answer");
    }

    @Test
    void aClientsMatchingEtagIsA304InOneRoundTrip() {
        String etag = read(Map.of()).getHeaders().get("etag");
        wire.reset();
        APIGatewayV2HTTPResponse response = read(Map.of("if-none-match", etag));
        assertEquals(304, response.getStatusCode());
        assertEquals(1, wire.roundTrips());
    }
}
