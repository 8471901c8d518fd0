package dev.onsale.localstack.iam;

/**
 * One action on one resource that a call needs, as IAM sees it: {@code dynamodb:GetItem} on
 * {@code arn:aws:dynamodb:us-east-1:000000000000:table/T}. A call may need several (a transaction, a batch).
 */
public record AccessRequest(String action, String resource) {
    @Override
    public String toString() {
        return action + " on " + resource;
    }
}
