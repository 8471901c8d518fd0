package dev.onsale.catalog;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * Events and seats in DynamoDB.
 *
 * <p>Events table: one item per event under its numeric {@code eventId}; item 0 holds the id counter.
 * Seats table: one item per seat once it is first held (none before: a seat with no item is AVAILABLE, so
 * an event of any size is created with one write), keyed by {@code seatBlock} = {@code "<eventId>#<block>"} (blocks of
 * {@value #SEATS_PER_BLOCK} consecutive seats, so a hot event's writes spread over many partitions) and
 * {@code seatId}. The block size is part of the key layout: it can never change for stored data. Every
 * write of a seat adds 1 to its {@code version} (absent: 0), by which the live seat map orders the
 * changes the table's stream delivers.
 */
public final class CatalogStore {
    private static final System.Logger LOG = System.getLogger(CatalogStore.class.getName());
    public static final int SEATS_PER_BLOCK = 200;
    private static final long COUNTER_ID = 0;
    private static final int PARALLEL_CALLS = 16;

    /** Built on first use, or ahead of it by a function that warms it (see {@code AwsClients}). */
    private final Supplier<DynamoDbClient> dynamo;
    private final String eventsTable;
    private final String seatsTable;

    public CatalogStore(Supplier<DynamoDbClient> dynamo, String eventsTable, String seatsTable) {
        this.dynamo = dynamo;
        this.eventsTable = eventsTable;
        this.seatsTable = seatsTable;
    }

    public static String seatBlock(long eventId, int seatId) {
        return eventId + "#" + (seatId - 1) / SEATS_PER_BLOCK;
    }

    public static Map<String, AttributeValue> seatKey(long eventId, int seatId) {
        return Map.of("seatBlock", s(seatBlock(eventId, seatId)), "seatId", n(seatId));
    }

    /** Takes the next event id from the counter item (atomic, so concurrent creations never share one). */
    public long nextEventId() {
        var response = dynamo.get().updateItem(b -> b.tableName(eventsTable)
                .key(Map.of("eventId", n(COUNTER_ID)))
                .updateExpression("ADD lastEventId :one")
                .expressionAttributeValues(Map.of(":one", n(1)))
                .returnValues(ReturnValue.UPDATED_NEW));
        return Long.parseLong(response.attributes().get("lastEventId").n());
    }

    /**
     * Puts the event: its seats need no item until one is first held (a seat with no item is AVAILABLE),
     * so an event of any size is one write, and it is never visible half-made.
     */
    public void create(Event event) {
        dynamo.get().putItem(b -> b.tableName(eventsTable).item(eventItem(event)).conditionExpression("attribute_not_exists(eventId)"));
    }

    public Optional<Event> find(long eventId) {
        var item = dynamo.get().getItem(b -> b.tableName(eventsTable).key(Map.of("eventId", n(eventId)))).item();
        return item == null || item.isEmpty() || eventId == COUNTER_ID ? Optional.empty() : Optional.of(toEvent(item));
    }

    /** Up to {@code limit} events with ids below {@code before}, newest first. */
    public List<Event> listBefore(long before, int limit) {
        List<Event> events = new ArrayList<>();
        long next = before - 1;
        while (next > COUNTER_ID && events.size() < limit) {
            List<Map<String, AttributeValue>> keys = new ArrayList<>();
            for (long id = next; id > COUNTER_ID && keys.size() < 100; id--) {
                keys.add(Map.of("eventId", n(id)));
            }
            next -= keys.size();
            Map<String, KeysAndAttributes> request = Map.of(eventsTable, KeysAndAttributes.builder().keys(keys).build());
            while (!request.isEmpty()) {
                Map<String, KeysAndAttributes> current = request;
                BatchGetItemResponse response = dynamo.get().batchGetItem(b -> b.requestItems(current));
                response.responses().getOrDefault(eventsTable, List.of()).forEach(item -> events.add(toEvent(item)));
                request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
            }
        }
        events.sort(Comparator.comparingLong(Event::id).reversed());
        return events.size() > limit ? events.subList(0, limit) : events;
    }

    /** The id the next event will get minus one: events' ids are all at most this. */
    public long lastEventId() {
        var item = dynamo.get().getItem(b -> b.tableName(eventsTable).key(Map.of("eventId", n(COUNTER_ID)))).item();
        return item == null || !item.containsKey("lastEventId") ? 0 : Long.parseLong(item.get("lastEventId").n());
    }

    /**
     * Every seat's live state, in seat order, one per seat of the event, read block by block in parallel
     * (consistently). A seat with no item was never held: AVAILABLE, version 0.
     */
    public List<SeatState> seatStates(Event event) {
        int blocks = (event.totalSeats() + SEATS_PER_BLOCK - 1) / SEATS_PER_BLOCK;
        List<String> blockKeys = new ArrayList<>(blocks);
        for (int block = 0; block < blocks; block++) {
            blockKeys.add(event.id() + "#" + block);
        }
        SeatState[] seats = new SeatState[event.totalSeats()];
        for (List<SeatState> block : inParallel(blockKeys, this::seatStatesOf)) {
            for (SeatState seat : block) {
                if (seat.seatId() >= 1 && seat.seatId() <= seats.length) {
                    seats[seat.seatId() - 1] = seat;
                }
            }
        }
        for (int i = 0; i < seats.length; i++) {
            if (seats[i] == null) {
                seats[i] = new SeatState(event.id(), i + 1, 0, SeatStatus.AVAILABLE, 0);
            }
        }
        return java.util.Arrays.asList(seats);
    }

    private List<SeatState> seatStatesOf(String block) {
        List<SeatState> states = new ArrayList<>(SEATS_PER_BLOCK);
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder()
                    .tableName(seatsTable)
                    .keyConditionExpression("seatBlock = :b")
                    .expressionAttributeValues(Map.of(":b", s(block)))
                    .projectionExpression("seatBlock, seatId, #st, holdExpiresAt, version")
                    .expressionAttributeNames(Map.of("#st", "status"))
                    .consistentRead(true); // the map is merged with the stream's changes by version: read the newest
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = dynamo.get().query(query.build());
            for (var item : response.items()) {
                seatState(item).or(() -> unreadable(item, block)).ifPresent(states::add);
            }
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty() ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return states;
    }

    /** An item no reader understands can't be sold to anyone: SOLD, and logged. */
    private static Optional<SeatState> unreadable(Map<String, AttributeValue> item, String block) {
        LOG.log(System.Logger.Level.ERROR, "Unreadable seat item " + item.get("seatId") + " in block " + block + "; shown as sold");
        try {
            return Optional.of(new SeatState(Long.parseLong(block.substring(0, block.indexOf('#'))),
                    Integer.parseInt(item.get("seatId").n()), 0, SeatStatus.SOLD, 0));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A seat item's live state (from a read, or from a stream record's image); empty when the item is
     * not a readable seat. An item no writer has changed yet has no {@code version}: version 0.
     */
    public static Optional<SeatState> seatState(Map<String, AttributeValue> item) {
        try {
            String block = item.get("seatBlock").s();
            AttributeValue expires = item.get("holdExpiresAt");
            AttributeValue version = item.get("version");
            return Optional.of(new SeatState(Long.parseLong(block.substring(0, block.indexOf('#'))),
                    Integer.parseInt(item.get("seatId").n()),
                    version == null ? 0 : Long.parseLong(version.n()),
                    SeatStatus.valueOf(item.get("status").s()),
                    expires == null ? 0 : Long.parseLong(expires.n())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Map<String, AttributeValue> eventItem(Event event) {
        List<AttributeValue> sections = event.sections().stream()
                .map(section -> AttributeValue.fromM(Map.of(
                        "name", s(section.name()),
                        "rows", n(section.rows()),
                        "seatsPerRow", n(section.seatsPerRow()),
                        "price", AttributeValue.fromN(section.price().toPlainString()),
                        "firstSeatId", n(section.firstSeatId()))))
                .toList();
        Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of(
                "eventId", n(event.id()),
                "name", s(event.name()),
                "venue", s(event.venue()),
                "startsAt", s(event.startsAt().toString()),
                "sections", AttributeValue.fromL(sections),
                "totalSeats", n(event.totalSeats()),
                "createdAt", s(event.createdAt().toString()),
                "onSaleAt", s(event.onSaleAt().toString())));
        event.offSale().ifPresent(offSaleAt -> item.put("offSaleAt", s(offSaleAt.toString())));
        return item;
    }

    private static Event toEvent(Map<String, AttributeValue> item) {
        List<Section> sections = item.get("sections").l().stream()
                .map(AttributeValue::m)
                .map(m -> new Section(m.get("name").s(),
                        Integer.parseInt(m.get("rows").n()),
                        Integer.parseInt(m.get("seatsPerRow").n()),
                        new BigDecimal(m.get("price").n()).setScale(2),
                        Integer.parseInt(m.get("firstSeatId").n())))
                .toList();
        return new Event(Long.parseLong(item.get("eventId").n()), item.get("name").s(), item.get("venue").s(),
                Instant.parse(item.get("startsAt").s()), sections, Integer.parseInt(item.get("totalSeats").n()),
                Instant.parse(item.get("createdAt").s()), instant(item.get("onSaleAt")), instant(item.get("offSaleAt")));
    }

    /** An optional time; an item written before sale windows has neither {@code onSaleAt} nor {@code offSaleAt}. */
    private static Instant instant(AttributeValue value) {
        return value == null ? null : Instant.parse(value.s());
    }

    /**
     * Runs {@code work} over {@code inputs} on virtual threads, at most {@value #PARALLEL_CALLS} at a time; the
     * results come in the order of the inputs. The first failure stops the calls still waiting or running
     * and is thrown as soon as it happens.
     */
    private static <I, O> List<O> inParallel(List<I> inputs, java.util.function.Function<I, O> work) {
        if (inputs.size() == 1) {
            return java.util.Collections.singletonList(work.apply(inputs.getFirst())); // may be null (Void work)
        }
        Semaphore permits = new Semaphore(PARALLEL_CALLS);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletionService<O> done = new ExecutorCompletionService<>(executor);
            List<Future<O>> futures = new ArrayList<>(inputs.size());
            for (I input : inputs) {
                futures.add(done.submit(() -> {
                    permits.acquire();
                    try {
                        return work.apply(input);
                    } finally {
                        permits.release();
                    }
                }));
            }
            try {
                for (int i = 0; i < futures.size(); i++) {
                    done.take().get(); // in the order they finish, so a failure is seen at once
                }
            } catch (ExecutionException | InterruptedException e) {
                executor.shutdownNow(); // interrupts the rest; closing the executor waits for them to stop
                throw e;
            }
            return futures.stream().map(Future::resultNow).toList();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading or writing seats", e);
        }
    }


    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

}
