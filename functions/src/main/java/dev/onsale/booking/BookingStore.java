package dev.onsale.booking;

import dev.onsale.catalog.CatalogStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * Bookings, their seats and their idempotency records in DynamoDB. Every change of a booking is
 * ONE {@code TransactWriteItems}: the seats, the booking, the caller's hold counter and the
 * idempotency record change together or not at all.
 *
 * <p>Bookings table ({@code pk}): {@code BOOKING#<id>} items, and {@code HOLDS#<user>#<event>}
 * counters of a user's live holds per event; index {@code byUser} ({@code userId}, {@code bookingId})
 * lists a user's bookings newest first. Seats table: see {@link CatalogStore}; a seat held or sold
 * names its booking in {@code holdId}. Idempotency table ({@code pk} = scoped key), TTL on {@code expiresAt}.
 */
public final class BookingStore {
    public static final String BY_USER_INDEX = "byUser";

    /** Built on first use, or ahead of it by a function that warms it (see {@code AwsClients}). */
    private final Supplier<DynamoDbClient> dynamo;
    private final String bookingsTable;
    private final String seatsTable;
    private final String idempotencyTable;

    public BookingStore(Supplier<DynamoDbClient> dynamo, String bookingsTable, String seatsTable, String idempotencyTable) {
        this.dynamo = dynamo;
        this.bookingsTable = bookingsTable;
        this.seatsTable = seatsTable;
        this.idempotencyTable = idempotencyTable;
    }

    /** What a write transaction came to. */
    public sealed interface Write {
        record Done() implements Write {
        }

        /** These seats are held or sold by someone else (or, for a confirm, no longer held by this booking). */
        record SeatsTaken(List<Integer> seatIds) implements Write {
        }

        /** The idempotency key already has a record: replay it. */
        record KeyTaken() implements Write {
        }

        record HoldLimitReached() implements Write {
        }

        /** The booking was not in the state the write expected (or, for a new hold, its id is taken). */
        record BookingChanged() implements Write {
        }

        /** Another transaction touched the same items at the same moment: worth retrying. */
        record Contended() implements Write {
        }

        record Throttled() implements Write {
        }
    }

    /** Holds the booking's seats, puts the booking, counts the hold and records the response. */
    public Write hold(Booking booking, int maxActiveHolds, Optional<StoredResponse> response, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>();
        for (int seatId : booking.seatIds()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(seatsTable)
                    .key(CatalogStore.seatKey(booking.eventId(), seatId))
                    .updateExpression("SET #s = :held, holdId = :booking, holdExpiresAt = :expires, holder = :user ADD version :one")
                    .conditionExpression("attribute_not_exists(#s) OR #s = :available OR (#s = :held AND holdExpiresAt < :now)")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(
                            ":held", s("HELD"), ":available", s("AVAILABLE"),
                            ":booking", n(booking.id()), ":expires", n(booking.expiresAt().toEpochMilli()),
                            ":user", s(booking.userId()), ":now", n(now.toEpochMilli()), ":one", n(1)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        }
        items.add(TransactWriteItem.builder().put(p -> p.tableName(bookingsTable)
                .item(bookingItem(booking))
                .conditionExpression("attribute_not_exists(pk)")).build());
        items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                .key(Map.of("pk", s(holdsKey(booking.userId(), booking.eventId()))))
                .updateExpression("SET activeHolds = if_not_exists(activeHolds, :zero) + :one")
                .conditionExpression("attribute_not_exists(activeHolds) OR activeHolds < :max")
                .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":max", n(maxActiveHolds)))).build());
        response.ifPresent(r -> items.add(putResponse(r, now)));
        return write(items, booking.seatIds(), items.size() - (response.isPresent() ? 2 : 1), response.isPresent());
    }

    /**
     * Ends a hold: CONFIRMED sells its seats (all must still be held by it, unexpired); CANCELLED and
     * EXPIRED free those still held by it. The booking must still be a HOLD.
     */
    public Write finish(Booking booking, BookingStatus to, Optional<StoredResponse> response, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>();
        List<Integer> seats = to == BookingStatus.CONFIRMED ? booking.seatIds() : seatsHeldBy(booking);
        for (int seatId : seats) {
            items.add(TransactWriteItem.builder().update(u -> {
                u.tableName(seatsTable).key(CatalogStore.seatKey(booking.eventId(), seatId))
                        .expressionAttributeNames(Map.of("#s", "status"));
                if (to == BookingStatus.CONFIRMED) {
                    u.updateExpression("SET #s = :sold REMOVE holdExpiresAt ADD version :one")
                            .conditionExpression("#s = :held AND holdId = :booking AND holdExpiresAt > :now")
                            .expressionAttributeValues(Map.of(":sold", s("SOLD"), ":held", s("HELD"),
                                    ":booking", n(booking.id()), ":now", n(now.toEpochMilli()), ":one", n(1)));
                } else {
                    u.updateExpression("SET #s = :available REMOVE holdId, holdExpiresAt, holder ADD version :one")
                            .conditionExpression("#s = :held AND holdId = :booking")
                            .expressionAttributeValues(Map.of(":available", s("AVAILABLE"), ":held", s("HELD"),
                                    ":booking", n(booking.id()), ":one", n(1)));
                }
            }).build());
        }
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":to", s(to.name()), ":hold", s("HOLD"),
                ":updated", s(now.toString())));
        String condition = "#s = :hold";
        if (to == BookingStatus.CONFIRMED) {
            condition += " AND expiresAt > :now";
            values.put(":now", n(now.toEpochMilli()));
        }
        String bookingCondition = condition;
        items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                .key(bookingKey(booking.id()))
                .updateExpression("SET #s = :to, updatedAt = :updated")
                .conditionExpression(bookingCondition)
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(values)).build());
        items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                .key(Map.of("pk", s(holdsKey(booking.userId(), booking.eventId()))))
                .updateExpression("ADD activeHolds :minusOne")
                .expressionAttributeValues(Map.of(":minusOne", n(-1)))).build());
        response.ifPresent(r -> items.add(putResponse(r, now)));
        return write(items, seats, -1, response.isPresent());
    }

    /**
     * Runs a transaction whose first {@code seatIds.size()} items are seats; {@code limitIndex} is the
     * hold counter's item (or -1), and the idempotency record, if any, is last.
     */
    private Write write(List<TransactWriteItem> items, List<Integer> seatIds, int limitIndex, boolean withResponse) {
        try {
            dynamo.get().transactWriteItems(b -> b.transactItems(items));
            return new Write.Done();
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            if (reasons.stream().anyMatch(r -> "TransactionConflict".equals(r.code()))) {
                return new Write.Contended();
            }
            if (reasons.stream().anyMatch(r -> "ThrottlingError".equals(r.code()) || "ProvisionedThroughputExceeded".equals(r.code()))) {
                return new Write.Throttled();
            }
            if (withResponse && failed(reasons, items.size() - 1)) {
                return new Write.KeyTaken();
            }
            if (limitIndex >= 0 && failed(reasons, limitIndex)) {
                return new Write.HoldLimitReached();
            }
            List<Integer> taken = new ArrayList<>();
            for (int i = 0; i < seatIds.size(); i++) {
                if (failed(reasons, i)) {
                    taken.add(seatIds.get(i));
                }
            }
            if (!taken.isEmpty()) {
                return new Write.SeatsTaken(taken);
            }
            if (reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()))) {
                return new Write.BookingChanged();
            }
            throw e;
        } catch (AwsServiceException e) {
            if (e.isThrottlingException()) {
                return new Write.Throttled();
            }
            throw e;
        }
    }

    private static boolean failed(List<CancellationReason> reasons, int index) {
        return index < reasons.size() && "ConditionalCheckFailed".equals(reasons.get(index).code());
    }

    /** The booking's seats that still name it as their holder (read consistently). */
    private List<Integer> seatsHeldBy(Booking booking) {
        List<Map<String, AttributeValue>> keys = booking.seatIds().stream()
                .map(seatId -> CatalogStore.seatKey(booking.eventId(), seatId)).toList();
        List<Integer> held = new ArrayList<>();
        Map<String, KeysAndAttributes> request = Map.of(seatsTable, KeysAndAttributes.builder()
                .keys(keys).consistentRead(true).projectionExpression("seatId, #s, holdId")
                .expressionAttributeNames(Map.of("#s", "status")).build());
        while (!request.isEmpty()) {
            Map<String, KeysAndAttributes> current = request;
            var response = dynamo.get().batchGetItem(b -> b.requestItems(current));
            for (var item : response.responses().getOrDefault(seatsTable, List.of())) {
                AttributeValue holder = item.get("holdId");
                if ("HELD".equals(item.get("status").s()) && holder != null && Long.parseLong(holder.n()) == booking.id()) {
                    held.add(Integer.parseInt(item.get("seatId").n()));
                }
            }
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        held.sort(Integer::compare);
        return held;
    }

    public Optional<Booking> find(long bookingId) {
        var item = dynamo.get().getItem(b -> b.tableName(bookingsTable).key(bookingKey(bookingId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toBooking(item));
    }

    /** A user's bookings with ids below {@code before}, newest first. */
    public List<Booking> listForUser(String userId, long before, int limit) {
        QueryResponse response = dynamo.get().query(q -> q.tableName(bookingsTable).indexName(BY_USER_INDEX)
                .keyConditionExpression("userId = :user AND bookingId < :before")
                .expressionAttributeValues(Map.of(":user", s(userId), ":before", n(before)))
                .scanIndexForward(false)
                .limit(limit));
        return response.items().stream().map(BookingStore::toBooking).toList();
    }

    /** The user's bookings of one event that are still HOLD, read from the index (may lag by a moment). */
    public List<Booking> holdsOf(String userId, long eventId) {
        QueryResponse response = dynamo.get().query(q -> q.tableName(bookingsTable).indexName(BY_USER_INDEX)
                .keyConditionExpression("userId = :user")
                .filterExpression("eventId = :event AND #s = :hold")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":user", s(userId), ":event", n(eventId), ":hold", s("HOLD")))
                .scanIndexForward(false));
        return response.items().stream().map(BookingStore::toBooking).toList();
    }

    public Optional<StoredResponse> storedResponse(String scopedKey, Instant now) {
        var item = dynamo.get().getItem(b -> b.tableName(idempotencyTable).key(Map.of("pk", s(scopedKey))).consistentRead(true)).item();
        if (item == null || item.isEmpty()) {
            return Optional.empty();
        }
        long expires = Long.parseLong(item.get("expiresAt").n());
        if (expires <= now.getEpochSecond()) {
            return Optional.empty(); // TTL deletes lazily: a lapsed record is no record
        }
        return Optional.of(new StoredResponse(scopedKey, item.get("fingerprint").s(),
                Integer.parseInt(item.get("responseStatus").n()), item.get("responseBody").s(), expires));
    }

    private TransactWriteItem putResponse(StoredResponse response, Instant now) {
        return TransactWriteItem.builder().put(p -> p.tableName(idempotencyTable)
                .item(Map.of(
                        "pk", s(response.scopedKey()),
                        "fingerprint", s(response.fingerprint()),
                        "responseStatus", n(response.status()),
                        "responseBody", s(response.body()),
                        "createdAt", s(now.toString()),
                        "expiresAt", n(response.expiresAtEpochSecond())))
                .conditionExpression("attribute_not_exists(pk) OR expiresAt < :nowSeconds")
                .expressionAttributeValues(Map.of(":nowSeconds", n(now.getEpochSecond())))).build();
    }

    private static String holdsKey(String userId, long eventId) {
        return "HOLDS#" + eventId + "#" + userId;
    }

    private static Map<String, AttributeValue> bookingKey(long bookingId) {
        return Map.of("pk", s("BOOKING#" + bookingId));
    }

    private static Map<String, AttributeValue> bookingItem(Booking booking) {
        List<AttributeValue> seats = booking.seats().stream()
                .map(seat -> AttributeValue.fromM(Map.of(
                        "id", n(seat.id()), "section", s(seat.section()), "row", n(seat.row()),
                        "number", n(seat.number()), "price", AttributeValue.fromN(seat.price().toPlainString()))))
                .toList();
        Map<String, AttributeValue> item = new HashMap<>(bookingKey(booking.id()));
        item.put("bookingId", n(booking.id()));
        item.put("userId", s(booking.userId()));
        item.put("eventId", n(booking.eventId()));
        item.put("status", s(booking.status().name()));
        item.put("seats", AttributeValue.fromL(seats));
        item.put("totalAmount", AttributeValue.fromN(booking.totalAmount().toPlainString()));
        item.put("expiresAt", n(booking.expiresAt().toEpochMilli()));
        item.put("createdAt", s(booking.createdAt().toString()));
        return item;
    }

    private static Booking toBooking(Map<String, AttributeValue> item) {
        List<Booking.BookedSeat> seats = item.get("seats").l().stream().map(AttributeValue::m)
                .map(m -> new Booking.BookedSeat(Integer.parseInt(m.get("id").n()), m.get("section").s(),
                        Integer.parseInt(m.get("row").n()), Integer.parseInt(m.get("number").n()),
                        new BigDecimal(m.get("price").n()).setScale(2)))
                .toList();
        return new Booking(Long.parseLong(item.get("bookingId").n()), item.get("userId").s(),
                Long.parseLong(item.get("eventId").n()), BookingStatus.valueOf(item.get("status").s()), seats,
                new BigDecimal(item.get("totalAmount").n()).setScale(2),
                Instant.ofEpochMilli(Long.parseLong(item.get("expiresAt").n())),
                Instant.parse(item.get("createdAt").s()));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
