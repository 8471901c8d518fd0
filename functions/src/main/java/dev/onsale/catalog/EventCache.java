package dev.onsale.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.onsale.platform.Json;
import dev.onsale.platform.Redis;
import io.lettuce.core.SetArgs;
import java.time.Duration;
import java.util.Optional;

/** Events as JSON in Redis; an empty value remembers for a short while that an id has no event. */
public final class EventCache {
    private static final String NO_EVENT = "";

    private final Redis redis;

    public EventCache(Redis redis) {
        this.redis = redis;
    }

    /** Empty: not cached. Present and empty: cached as "no such event". */
    public Optional<Optional<Event>> get(long eventId) {
        String json = redis.sync().get(CatalogKeys.event(eventId));
        if (json == null) {
            return Optional.empty();
        }
        if (json.equals(NO_EVENT)) {
            return Optional.of(Optional.empty());
        }
        try {
            return Optional.of(Optional.of(Json.MAPPER.readValue(json, Event.class)));
        } catch (JsonProcessingException e) {
            return Optional.empty(); // written by another version: read it again from the table
        }
    }

    public void put(Event event, Duration period) {
        redis.sync().set(CatalogKeys.event(event.id()), Json.write(event), SetArgs.Builder.px(period.toMillis()));
    }

    public void putMissing(long eventId, Duration period) {
        redis.sync().set(CatalogKeys.event(eventId), NO_EVENT, SetArgs.Builder.px(period.toMillis()));
    }

    public void evict(long eventId) {
        redis.sync().del(CatalogKeys.event(eventId), CatalogKeys.seatMap(eventId)); // and a seat map's "no such event"
    }
}
