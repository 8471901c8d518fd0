package dev.onsale.localstack.iam;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ARNs IAM sees for the stack's resources, from the names calls carry: a table's name, a queue's URL.
 * Queues the stack created are known by URL (their ARN is what the emulator gave, which the template's
 * {@code GetAtt Arn} gives too); any other is named as AWS names queues.
 *
 * <p>DynamoDB Local puts its streams in region {@code ddblocal}; here they are in the stack's region, as
 * in AWS, on both sides of a check (what a statement names and what a call reads), so that
 * {@code !Sub "${Table.Arn}/stream/*"} grants what it grants in AWS.
 */
public final class ResourceArns {

    private static final String DYNAMODB_LOCAL_STREAMS = ":dynamodb:ddblocal:";

    private final String region;
    private final String accountId;
    private final Map<String, String> queueArnsByUrl = new ConcurrentHashMap<>();

    public ResourceArns(String region, String accountId) {
        this.region = region;
        this.accountId = accountId;
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    /** Records a queue the stack created, so that calls naming its URL are checked against its ARN. */
    public void registerQueue(String url, String arn) {
        queueArnsByUrl.put(url, arn);
    }

    /** A table's ARN from what a call names it by: its name, or its ARN (DynamoDB takes both). */
    public String table(String nameOrArn) {
        if (nameOrArn.startsWith("arn:")) {
            return canonical(nameOrArn);
        }
        return "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + nameOrArn;
    }

    public String index(String table, String index) {
        return table(table) + "/index/" + index;
    }

    public String queueByUrl(String url) {
        String known = queueArnsByUrl.get(url);
        if (known != null) {
            return known;
        }
        String path = Optional.ofNullable(URI.create(url.trim()).getPath()).orElse("");
        String[] segments = path.replaceAll("^/+|/+$", "").split("/");
        String name = segments[segments.length - 1];
        String account = segments.length >= 2 ? segments[segments.length - 2] : accountId;
        return queueByName(name, account);
    }

    public String queueByName(String name, String ownerAccountId) {
        return queueArnsByUrl.values().stream()
                .filter(arn -> arn.endsWith(":" + name) && (ownerAccountId == null || arn.contains(":" + ownerAccountId + ":")))
                .findFirst()
                .orElse("arn:aws:sqs:" + region + ":" + (ownerAccountId == null ? accountId : ownerAccountId) + ":" + name);
    }

    /** An ARN as IAM sees it here: a DynamoDB Local stream's in the stack's region; any other as it is. */
    public String canonical(String arn) {
        int at = arn.indexOf(DYNAMODB_LOCAL_STREAMS);
        return at < 0 ? arn : arn.substring(0, at) + ":dynamodb:" + region + ":" + arn.substring(at + DYNAMODB_LOCAL_STREAMS.length());
    }
}
