package dev.onsale.booking;

import dev.onsale.platform.Config;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/**
 * A payment provider that stands in until one is chosen, with the semantics of a real one: idempotent
 * charges under the booking's key, and a settle that voids a key nobody charged. Its ledger is a
 * {@code CHARGE#<booking>} item in the bookings table, so the confirm and expiry functions (separate
 * Lambdas) see the same charges. {@link Faults} make it slow, declining or unanswering, as real ones are.
 */
public final class SimulatedPayments implements Payments {
    private final Supplier<DynamoDbClient> dynamo;
    private final String table;
    private final Faults faults;
    private final RandomGenerator random;

    /**
     * What goes wrong, and how often.
     *
     * @param latency     {@code PAYMENTS_LATENCY_MS}: each charge takes this long
     * @param declineRate {@code PAYMENTS_DECLINE_RATE}: the share of charges declined (0 to 1)
     * @param failureRate {@code PAYMENTS_FAILURE_RATE}: the share of charges left unanswered; half of them did charge
     */
    public record Faults(Duration latency, double declineRate, double failureRate) {
        public static final Faults NONE = new Faults(Duration.ZERO, 0, 0);

        public static Faults of(Config config) {
            Config.Payments payments = config.payments();
            return new Faults(payments.latency(), payments.declineRate(), payments.failureRate());
        }
    }

    public SimulatedPayments(Supplier<DynamoDbClient> dynamo, String table, Faults faults, RandomGenerator random) {
        this.dynamo = dynamo;
        this.table = table;
        this.faults = faults;
        this.random = random;
    }

    /** The provider the functions use, with the faults the environment asks for (none by default). */
    public static SimulatedPayments of(Config config) {
        return new SimulatedPayments(dev.onsale.platform.AwsClients.dynamoDb(config), config.bookingsTable(), Faults.of(config),
                dev.onsale.platform.Randomness.shared());
    }

    @Override
    public Charge charge(long bookingId, String userId, BigDecimal amount) {
        pause();
        double draw = random.nextDouble();
        if (draw < faults.declineRate()) {
            return new Charge.Declined("The card was declined");
        }
        boolean unanswered = draw < faults.declineRate() + faults.failureRate();
        if (unanswered && random.nextBoolean()) {
            throw new Unavailable("The payment provider did not answer");
        }
        try {
            dynamo.get().putItem(b -> b.tableName(table)
                    .item(Map.of("pk", key(bookingId), "status", AttributeValue.fromS("CHARGED"),
                            "amount", AttributeValue.fromN(amount.toPlainString()), "userId", AttributeValue.fromS(userId)))
                    .conditionExpression("attribute_not_exists(pk) OR #s = :charged")
                    .expressionAttributeNames(Map.of("#s", "status"))
                    .expressionAttributeValues(Map.of(":charged", AttributeValue.fromS("CHARGED"))));
        } catch (ConditionalCheckFailedException voided) {
            return new Charge.Declined("The payment window of this booking closed; hold the seats again");
        }
        if (unanswered) {
            throw new Unavailable("The payment provider charged but its answer was lost");
        }
        return new Charge.Approved(reference(bookingId));
    }

    @Override
    public Settlement settle(long bookingId) {
        var item = dynamo.get().updateItem(b -> b.tableName(table).key(Map.of("pk", key(bookingId)))
                .updateExpression("SET #s = if_not_exists(#s, :voided)")
                .expressionAttributeNames(Map.of("#s", "status"))
                .expressionAttributeValues(Map.of(":voided", AttributeValue.fromS("VOIDED")))
                .returnValues(ReturnValue.ALL_NEW)).attributes();
        return "CHARGED".equals(item.get("status").s()) ? new Settlement.Charged(reference(bookingId)) : new Settlement.Voided();
    }

    private void pause() {
        if (faults.latency().isZero()) {
            return;
        }
        try {
            Thread.sleep(faults.latency());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("Interrupted while waiting for the payment provider");
        }
    }

    private static AttributeValue key(long bookingId) {
        return AttributeValue.fromS("CHARGE#" + bookingId);
    }

    private static String reference(long bookingId) {
        return "sim-" + bookingId;
    }
}
