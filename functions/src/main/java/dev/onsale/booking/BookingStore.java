package dev.onsale.booking;

import dev.onsale.catalog.CatalogStore;
import dev.onsale.platform.WriteRetries;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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
 * <p>Bookings table ({@code pk}): {@code BOOKING#<id>} items; {@code HOLDS#<event>#<user>} counters of a
 * user's live holds, tickets (held plus bought seats) and hold time used per event; {@code ADDRESS#<event>#<address>}
 * counters of the seats held from one address; index {@code byUser} ({@code userId}, {@code bookingId})
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

        /** A limit of the account or the address: see {@link HoldLimits}. */
        record LimitReached(HoldLimits.Limit limit) implements Write {
        }

        /** These seats this account gave up a moment ago: its again only from {@code until}. */
        record CoolingDown(List<Integer> seatIds, Instant until) implements Write {
        }

        /** The booking was not in the state the write expected (or, for a new hold, its id is taken). */
        record BookingChanged() implements Write {
        }

        /** Another transaction touched the same items at the same moment: worth retrying. */
        record Contended() implements Write, WriteRetries.Contended {
        }

        record Throttled() implements Write, WriteRetries.Throttled {
        }
    }

    /**
     * Holds the booking's seats, puts the booking, counts the hold against the account and the address
     * and records the response, under every limit of {@code limits}. A seat is free when it was never
     * held, is AVAILABLE, or its hold lapsed; but not for an account that cancelled it or let it lapse
     * within the cool-down.
     */
    public Write hold(Booking booking, HoldLimits limits, Optional<StoredResponse> response, Instant now) {
        int seatCount = booking.seats().size();
        long holdMs = booking.expiresAt().toEpochMilli() - now.toEpochMilli();
        if (seatCount > limits.ticketsPerAccount()) {
            return new Write.LimitReached(HoldLimits.Limit.TICKETS);
        }
        if (seatCount > limits.seatsPerAddress() && !booking.sourceAddress().isEmpty()) {
            return new Write.LimitReached(HoldLimits.Limit.ADDRESS_SEATS);
        }
        if (holdMs > limits.holdTimePerAccount().toMillis()) {
            return new Write.LimitReached(HoldLimits.Limit.HOLD_TIME);
        }
        long cooldownSince = now.minus(limits.reholdCooldown()).toEpochMilli();
        List<TransactWriteItem> items = new ArrayList<>();
        for (int seatId : booking.seatIds()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(seatsTable)
                    .key(CatalogStore.seatKey(booking.eventId(), seatId))
                    .updateExpression("SET #s = :held, holdId = :booking, holdExpiresAt = :expires, holder = :user ADD version :one")
                    .conditionExpression("(attribute_not_exists(#s) OR #s = :available OR (#s = :held AND holdExpiresAt < :now AND attribute_not_exists(paying)))"
                            + " AND NOT (releasedBy = :user AND releasedAt > :since)"
                            + " AND NOT (#s = :held AND holder = :user AND holdExpiresAt > :since)")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(
                            ":held", s("HELD"), ":available", s("AVAILABLE"),
                            ":booking", n(booking.id()), ":expires", n(booking.expiresAt().toEpochMilli()),
                            ":user", s(booking.userId()), ":now", n(now.toEpochMilli()), ":since", n(cooldownSince),
                            ":one", n(1)))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        }
        items.add(TransactWriteItem.builder().put(p -> p.tableName(bookingsTable)
                .item(bookingItem(booking))
                .conditionExpression("attribute_not_exists(pk)")).build());
        int accountIndex = items.size();
        items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                .key(Map.of("pk", s(holdsKey(booking.userId(), booking.eventId()))))
                .updateExpression("SET activeHolds = if_not_exists(activeHolds, :zero) + :one,"
                        + " tickets = if_not_exists(tickets, :zero) + :seats, holdMs = if_not_exists(holdMs, :zero) + :holdMs")
                .conditionExpression("(attribute_not_exists(activeHolds) OR activeHolds < :maxHolds)"
                        + " AND (attribute_not_exists(tickets) OR tickets <= :ticketsRoom)"
                        + " AND (attribute_not_exists(holdMs) OR holdMs <= :holdMsRoom)")
                .expressionAttributeValues(Map.of(":zero", n(0), ":one", n(1), ":seats", n(seatCount), ":holdMs", n(holdMs),
                        ":maxHolds", n(limits.activeHolds()),
                        ":ticketsRoom", n(limits.ticketsPerAccount() - seatCount),
                        ":holdMsRoom", n(limits.holdTimePerAccount().toMillis() - holdMs)))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)).build());
        int addressIndex = -1;
        if (!booking.sourceAddress().isEmpty()) {
            addressIndex = items.size();
            items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                    .key(Map.of("pk", s(addressKey(booking.sourceAddress(), booking.eventId()))))
                    .updateExpression("SET heldSeats = if_not_exists(heldSeats, :zero) + :seats")
                    .conditionExpression("attribute_not_exists(heldSeats) OR heldSeats <= :room")
                    .expressionAttributeValues(Map.of(":zero", n(0), ":seats", n(seatCount),
                            ":room", n(limits.seatsPerAddress() - seatCount)))).build());
        }
        response.ifPresent(r -> items.add(putResponse(r, now)));
        int address = addressIndex;
        return write(items, response.isPresent(), reasons -> {
            if (failed(reasons, accountIndex)) {
                return new Write.LimitReached(accountLimit(reasons.get(accountIndex).item(), limits, seatCount, holdMs));
            }
            if (address >= 0 && failed(reasons, address)) {
                return new Write.LimitReached(HoldLimits.Limit.ADDRESS_SEATS);
            }
            return seatRefusal(reasons, booking, limits.reholdCooldown(), cooldownSince, now);
        });
    }

    /** Which of the account's limits its counter (as it was) failed; the order is the order of the condition. */
    private static HoldLimits.Limit accountLimit(Map<String, AttributeValue> counter, HoldLimits limits, int seats, long holdMs) {
        if (number(counter, "activeHolds") >= limits.activeHolds()) {
            return HoldLimits.Limit.ACTIVE_HOLDS;
        }
        if (number(counter, "tickets") > limits.ticketsPerAccount() - seats) {
            return HoldLimits.Limit.TICKETS;
        }
        return HoldLimits.Limit.HOLD_TIME;
    }

    /**
     * The seats that refused a hold: taken by someone else, or (when none was) in this account's cool-down,
     * which lasts from the moment the account cancelled a seat or its hold lapsed.
     */
    private static Write seatRefusal(List<CancellationReason> reasons, Booking booking, Duration cooldown, long since, Instant now) {
        List<Integer> taken = new ArrayList<>();
        List<Integer> cooling = new ArrayList<>();
        long endedLast = 0;
        for (int i = 0; i < booking.seatIds().size(); i++) {
            if (!failed(reasons, i)) {
                continue;
            }
            Map<String, AttributeValue> seat = reasons.get(i).item();
            long ended = ownEnd(seat, booking.userId(), now.toEpochMilli());
            if (ended > since) {
                cooling.add(booking.seatIds().get(i));
                endedLast = Math.max(endedLast, ended);
            } else {
                taken.add(booking.seatIds().get(i));
            }
        }
        if (!taken.isEmpty()) {
            return new Write.SeatsTaken(taken);
        }
        if (!cooling.isEmpty()) {
            return new Write.CoolingDown(cooling, Instant.ofEpochMilli(endedLast).plus(cooldown));
        }
        return null;
    }

    /** When {@code userId} last gave this seat up (cancelled, or its hold lapsed), or 0 if it did not or someone else holds it. */
    private static long ownEnd(Map<String, AttributeValue> seat, String userId, long now) {
        if (seat == null || seat.isEmpty()) {
            return 0;
        }
        AttributeValue status = seat.get("status");
        AttributeValue holder = seat.get("holder");
        if (status != null && "HELD".equals(status.s()) && holder != null && userId.equals(holder.s())) {
            long expires = number(seat, "holdExpiresAt");
            return expires <= now ? expires : 0;
        }
        AttributeValue releasedBy = seat.get("releasedBy");
        boolean free = status == null || "AVAILABLE".equals(status.s());
        return free && releasedBy != null && userId.equals(releasedBy.s()) ? number(seat, "releasedAt") : 0;
    }

    private static long number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item == null ? null : item.get(name);
        return value == null || value.n() == null ? 0 : Long.parseLong(value.n());
    }

    /**
     * Secures a live hold's seats for payment: the booking becomes CONFIRMING until {@code deadline} and its
     * seats are marked {@code paying}, which no other hold takes even once the hold's time is up. Cancel
     * refuses a CONFIRMING booking and expiry settles it (see {@code BookingService.expire}).
     */
    public Write secure(Booking booking, Instant deadline, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>();
        for (int seatId : booking.seatIds()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(seatsTable)
                    .key(CatalogStore.seatKey(booking.eventId(), seatId))
                    .updateExpression("SET paying = :booking ADD version :one")
                    .conditionExpression("#s = :held AND holdId = :booking AND holdExpiresAt > :now")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":held", s("HELD"), ":booking", n(booking.id()),
                            ":now", n(now.toEpochMilli()), ":one", n(1)))).build());
        }
        items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                .key(bookingKey(booking.id()))
                .updateExpression("SET #s = :confirming, paymentDeadline = :deadline, updatedAt = :updated")
                .conditionExpression("#s = :hold AND expiresAt > :now")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":confirming", s("CONFIRMING"), ":hold", s("HOLD"),
                        ":deadline", n(deadline.toEpochMilli()), ":now", n(now.toEpochMilli()),
                        ":updated", s(now.toString())))).build());
        return write(items, false, reasons -> seatsFailed(reasons, booking.seatIds()));
    }

    /** A declined charge: the CONFIRMING booking is a HOLD again, until its own time is up. */
    public Write release(Booking booking, Instant now) {
        List<TransactWriteItem> items = new ArrayList<>();
        for (int seatId : booking.seatIds()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(seatsTable)
                    .key(CatalogStore.seatKey(booking.eventId(), seatId))
                    .updateExpression("REMOVE paying ADD version :one")
                    .conditionExpression("holdId = :booking")
                    .expressionAttributeValues(Map.of(":booking", n(booking.id()), ":one", n(1)))).build());
        }
        items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                .key(bookingKey(booking.id()))
                .updateExpression("SET #s = :hold, updatedAt = :updated REMOVE paymentDeadline")
                .conditionExpression("#s = :confirming")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":confirming", s("CONFIRMING"), ":hold", s("HOLD"),
                        ":updated", s(now.toString())))).build());
        return write(items, false, reasons -> seatsFailed(reasons, booking.seatIds()));
    }

    /**
     * Ends a booking from the state it is in ({@code booking.status()}): a CONFIRMING booking becomes
     * CONFIRMED (its secured seats sold) or EXPIRED (its payment voided); a HOLD becomes CANCELLED or
     * EXPIRED. Ending frees the seats still held by the booking, marking whom they were freed by (for the
     * re-hold cool-down). The account keeps the seats as tickets only when they are bought, and gets back
     * the hold time it did not use; the address's count of held seats drops either way.
     */
    public Write finish(Booking booking, BookingStatus to, Optional<StoredResponse> response, Instant now) {
        BookingStatus from = booking.status();
        if (to == BookingStatus.CONFIRMED ? from != BookingStatus.CONFIRMING : from != BookingStatus.HOLD && from != BookingStatus.CONFIRMING) {
            throw new IllegalArgumentException("a " + from + " booking does not become " + to);
        }
        List<TransactWriteItem> items = new ArrayList<>();
        List<Integer> seats = to == BookingStatus.CONFIRMED ? booking.seatIds() : seatsHeldBy(booking);
        // a lapsed hold ended when its time was up, whenever its expiry comes
        Instant released = booking.expiresAt().isBefore(now) ? booking.expiresAt() : now;
        for (int seatId : seats) {
            items.add(TransactWriteItem.builder().update(u -> {
                u.tableName(seatsTable).key(CatalogStore.seatKey(booking.eventId(), seatId))
                        .expressionAttributeNames(Map.of("#s", "status"));
                if (to == BookingStatus.CONFIRMED) {
                    u.updateExpression("SET #s = :sold REMOVE holdExpiresAt, paying ADD version :one")
                            .conditionExpression("#s = :held AND holdId = :booking AND paying = :booking")
                            .expressionAttributeValues(Map.of(":sold", s("SOLD"), ":held", s("HELD"),
                                    ":booking", n(booking.id()), ":one", n(1)));
                } else {
                    u.updateExpression("SET #s = :available, releasedBy = :user, releasedAt = :released"
                                    + " REMOVE holdId, holdExpiresAt, holder, paying ADD version :one")
                            .conditionExpression("#s = :held AND holdId = :booking")
                            .expressionAttributeValues(Map.of(":available", s("AVAILABLE"), ":held", s("HELD"),
                                    ":booking", n(booking.id()), ":one", n(1), ":user", s(booking.userId()),
                                    ":released", n(released.toEpochMilli())));
                }
            }).build());
        }
        items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                .key(bookingKey(booking.id()))
                .updateExpression("SET #s = :to, updatedAt = :updated")
                .conditionExpression("#s = :from")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":to", s(to.name()), ":from", s(from.name()),
                        ":updated", s(now.toString())))).build());
        int seatCount = booking.seats().size();
        long unusedMs = Math.max(0, booking.expiresAt().toEpochMilli() - now.toEpochMilli());
        items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                .key(Map.of("pk", s(holdsKey(booking.userId(), booking.eventId()))))
                .updateExpression("ADD activeHolds :minusOne, tickets :tickets, holdMs :holdMs")
                .expressionAttributeValues(Map.of(":minusOne", n(-1),
                        ":tickets", n(to == BookingStatus.CONFIRMED ? 0 : -seatCount), ":holdMs", n(-unusedMs)))).build());
        if (!booking.sourceAddress().isEmpty()) {
            items.add(TransactWriteItem.builder().update(u -> u.tableName(bookingsTable)
                    .key(Map.of("pk", s(addressKey(booking.sourceAddress(), booking.eventId()))))
                    .updateExpression("ADD heldSeats :minusSeats")
                    .expressionAttributeValues(Map.of(":minusSeats", n(-seatCount)))).build());
        }
        response.ifPresent(r -> items.add(putResponse(r, now)));
        return write(items, response.isPresent(), reasons -> seatsFailed(reasons, seats));
    }

    /** The seats whose condition failed, or null when none did. */
    private static Write seatsFailed(List<CancellationReason> reasons, List<Integer> seats) {
        List<Integer> lost = new ArrayList<>();
        for (int i = 0; i < seats.size(); i++) {
            if (failed(reasons, i)) {
                lost.add(seats.get(i));
            }
        }
        return lost.isEmpty() ? null : new Write.SeatsTaken(lost);
    }

    /**
     * Runs a transaction whose idempotency record, if any, is its last item. {@code refusal} names what a
     * cancelled transaction's conditions came to (null: the booking was not as expected).
     */
    private Write write(List<TransactWriteItem> items, boolean withResponse, Function<List<CancellationReason>, Write> refusal) {
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
            Write refused = refusal.apply(reasons);
            if (refused != null) {
                return refused;
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

    private static String addressKey(String address, long eventId) {
        return "ADDRESS#" + eventId + "#" + address;
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
        if (!booking.sourceAddress().isEmpty()) {
            item.put("sourceAddress", s(booking.sourceAddress()));
        }
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
                Instant.parse(item.get("createdAt").s()),
                item.containsKey("sourceAddress") ? item.get("sourceAddress").s() : "",
                Optional.ofNullable(item.get("paymentDeadline")).map(v -> Instant.ofEpochMilli(Long.parseLong(v.n()))));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}
