package dev.onsale.catalog;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.onsale.platform.Config;
import dev.onsale.platform.Dependency;
import dev.onsale.platform.Json;
import dev.onsale.platform.Log;
import dev.onsale.platform.Metrics;
import dev.onsale.platform.Redis;
import dev.onsale.platform.SnapStart;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Applies every change of a seat to its event's live seat map in Redis. Triggered by the seats table's
 * DynamoDB stream: whoever wrote the seat (hold, confirm, cancel, expiry, anything added later), the
 * change reaches the map here, so no writer can forget it. One script call per event, all of a batch's
 * events in one round trip. Reports partial batch failures by sequence number: the records of an event
 * whose map could not be written (Redis failing) are retried (from the first on) and, after the mapping's
 * retries, described to its on-failure destination; every other record of the batch is applied, and those
 * after a failed one are applied again harmlessly on the retry (versions order them). A record that is not
 * a readable seat item is logged and skipped: no retry could help it, and retrying holds up its shard.
 *
 * <p>Reads the event as JSON (AWS's stream record shape) rather than through the events library's
 * model, which the runtime fills with its own serializer: one shape, the one AWS documents.
 */
public final class SeatAvailabilityHandler implements RequestStreamHandler, SnapStart.Hooked {
    private static final System.Logger LOG = System.getLogger(SeatAvailabilityHandler.class.getName());

    private final LiveSeatMap liveMaps;
    private final Duration redisTimeout;
    private final Config.Telemetry telemetry = Log.setUp();
    /** Primes with a record of a removed item (parsed, nothing written); held since CRaC holds it weakly. */
    private final SnapStart snapStart = SnapStart.register(getClass().getSimpleName(), this::prime);

    public SeatAvailabilityHandler() {
        this(Config.fromEnvironment());
    }

    private SeatAvailabilityHandler(Config config) {
        this(new LiveSeatMap(Redis.shared(config.redis())), config.redis().timeout());
        Dependency.prepareInBackground(config, Dependency.REDIS);
    }

    public SeatAvailabilityHandler(LiveSeatMap liveMaps, Duration redisTimeout) {
        this.liveMaps = liveMaps;
        this.redisTimeout = redisTimeout;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.MAPPER.readTree(input);
        List<String> failed = apply(event == null ? Json.MAPPER.createArrayNode() : event.path("Records"));
        ObjectNode response = Json.MAPPER.createObjectNode();
        ArrayNode failures = response.putArray("batchItemFailures");
        failed.forEach(sequenceNumber -> failures.addObject().put("itemIdentifier", sequenceNumber));
        Json.MAPPER.writeValue(output, response);
    }

    @Override
    public SnapStart snapStart() {
        return snapStart;
    }

    private String prime() {
        JsonNode records = Json.MAPPER.createArrayNode().add(Json.MAPPER.createObjectNode().put("eventName", "REMOVE")
                .set("dynamodb", Json.MAPPER.createObjectNode().put("SequenceNumber", "snapstart-priming")));
        return apply(records).size() + " failed records";
    }

    /** @return the sequence numbers of the records not applied */
    List<String> apply(JsonNode records) {
        Metrics.Document metrics = Metrics.begin(telemetry.metricsNamespace(), "Function", "SeatAvailability");
        List<String> failed = new ArrayList<>();
        List<SeatState> changes = new ArrayList<>();
        int unreadable = 0;
        Map<Long, List<String>> sequenceNumbersByEvent = new LinkedHashMap<>();
        for (JsonNode record : records) {
            String sequenceNumber = record.path("dynamodb").path("SequenceNumber").asText("");
            JsonNode image = record.path("dynamodb").path("NewImage");
            if (image.isMissingNode()) {
                continue; // a seat removed: seats are never deleted, and a map keeps the last state it had
            }
            Optional<SeatState> change = CatalogStore.seatState(attributes(image));
            if (change.isEmpty()) {
                // no retry can make it readable, and retrying would hold up every change behind it on its shard
                LOG.log(System.Logger.Level.ERROR, "Stream record " + sequenceNumber + " is not a readable seat item; skipped");
                unreadable++;
                continue;
            }
            changes.add(change.get());
            sequenceNumbersByEvent.computeIfAbsent(change.get().eventId(), id -> new ArrayList<>()).add(sequenceNumber);
        }
        if (!changes.isEmpty()) {
            Map<Long, CompletableFuture<Object>> replies;
            try {
                replies = liveMaps.apply(changes);
            } catch (RuntimeException e) {
                replies = new HashMap<>();
                for (Long eventId : sequenceNumbersByEvent.keySet()) {
                    replies.put(eventId, CompletableFuture.failedFuture(e));
                }
            }
            long deadline = System.nanoTime() + redisTimeout.toNanos();
            int notApplied = 0;
            for (var reply : replies.entrySet()) {
                try {
                    reply.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (Exception e) {
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                    }
                    LOG.log(System.Logger.Level.WARNING, "Applying seat changes of event " + reply.getKey() + " failed; the stream will retry: " + e);
                    failed.addAll(sequenceNumbersByEvent.get(reply.getKey()));
                    notApplied += sequenceNumbersByEvent.get(reply.getKey()).size();
                }
            }
            metrics.add("SeatChangesApplied", Metrics.Unit.COUNT, changes.size() - notApplied);
        }
        if (!failed.isEmpty()) {
            metrics.add("SeatChangesFailed", Metrics.Unit.COUNT, failed.size());
        }
        if (unreadable > 0) {
            metrics.add("SeatChangesUnreadable", Metrics.Unit.COUNT, unreadable);
        }
        metrics.end(System.currentTimeMillis()).forEach(Log.STANDARD_OUTPUT::write);
        return failed;
    }

    /** A stream image's attributes ({@code {"S": "..."}}, {@code {"N": "..."}}) as the SDK's values; other types are not in a seat. */
    private static Map<String, AttributeValue> attributes(JsonNode image) {
        Map<String, AttributeValue> item = new HashMap<>();
        image.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.has("S")) {
                item.put(field.getKey(), AttributeValue.fromS(value.get("S").asText()));
            } else if (value.has("N")) {
                item.put(field.getKey(), AttributeValue.fromN(value.get("N").asText()));
            }
        });
        return item;
    }
}
