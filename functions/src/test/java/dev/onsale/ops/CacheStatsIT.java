package dev.onsale.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.onsale.localstack.LocalStack;
import dev.onsale.testing.EmbeddedStack;
import dev.onsale.testing.Events;
import dev.onsale.testing.Gateway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedStack.class)
class CacheStatsIT {
    private final Gateway api;

    CacheStatsIT(LocalStack stack) {
        this.api = new Gateway(stack.gatewayUrl());
    }

    @Test
    void statsCountSeatMapKeysAndHits() {
        long eventId = api.post("/api/v1/events", Events.concert("Stats", 1)).json().get("id").asLong();
        for (int i = 0; i < 3; i++) {
            assertEquals(200, api.get("/api/v1/events/" + eventId + "/seats?user_id=7").status());
        }
        Gateway.Reply reply = api.get("/api/v1/cache/stats");
        assertEquals(200, reply.status(), reply.body());
        JsonNode stats = reply.json();
        assertTrue(stats.get("keys_breakdown").get("cache:seats").asLong() >= 1, stats.toString());
        assertTrue(stats.get("total_keys").asLong() >= stats.get("keys_breakdown").get("cache:seats").asLong());
        assertTrue(stats.get("stats").get("keyspace_hits").asLong() >= 2, stats.toString());
        double rate = stats.get("stats").get("hit_rate").asDouble();
        assertTrue(rate > 0 && rate <= 100, stats.toString());
    }
}
