package dev.onsale.localstack.iam;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WildcardsTest {

    private static final String TABLE = "arn:aws:dynamodb:us-east-1:000000000000:table/Orders";

    @Test
    void actionsMatchWithoutRegardToCase() {
        assertTrue(Wildcards.actionMatches("dynamodb:GetItem", "dynamodb:getitem"));
        assertTrue(Wildcards.actionMatches("DynamoDB:getItem", "dynamodb:GetItem"));
    }

    @Test
    void anActionWildcardGrantsItsPrefixOnly() {
        assertTrue(Wildcards.actionMatches("dynamodb:*", "dynamodb:TransactWriteItems"));
        assertTrue(Wildcards.actionMatches("dynamodb:Get*", "dynamodb:GetItem"));
        assertTrue(Wildcards.actionMatches("dynamodb:Get*", "dynamodb:GetRecords"));
        assertFalse(Wildcards.actionMatches("dynamodb:Get*", "dynamodb:BatchGetItem"));
        assertFalse(Wildcards.actionMatches("dynamodb:*", "sqs:SendMessage"));
        assertTrue(Wildcards.actionMatches("*", "sqs:SendMessage"));
        assertTrue(Wildcards.actionMatches("sqs:SendMessage*", "sqs:SendMessage"));
        assertTrue(Wildcards.actionMatches("sqs:?endMessage", "sqs:SendMessage"));
    }

    @Test
    void aTableGrantsTheTableButNotItsIndexes() {
        assertTrue(Wildcards.resourceMatches(TABLE, TABLE));
        assertFalse(Wildcards.resourceMatches(TABLE, TABLE + "/index/byUser"));
        assertFalse(Wildcards.resourceMatches(TABLE, "arn:aws:dynamodb:us-east-1:000000000000:table/OrdersArchive"));
    }

    @Test
    void anIndexWildcardGrantsEveryIndexOfItsTable() {
        assertTrue(Wildcards.resourceMatches(TABLE + "/index/*", TABLE + "/index/byUser"));
        assertFalse(Wildcards.resourceMatches(TABLE + "/index/*", TABLE));
        assertFalse(Wildcards.resourceMatches(TABLE + "/index/*", TABLE + "/stream/2026-01-01T00:00:00.000"));
    }

    @Test
    void aWildcardInTheResourcePartSpansSlashesAndColons() {
        assertTrue(Wildcards.resourceMatches(TABLE + "*", TABLE + "/index/byUser"));
        assertTrue(Wildcards.resourceMatches(TABLE + "/stream/*", TABLE + "/stream/2026-01-01T00:00:00.000"));
        assertTrue(Wildcards.resourceMatches("*", TABLE));
    }

    @Test
    void aWildcardStaysInItsSegment() {
        assertTrue(Wildcards.resourceMatches("arn:aws:dynamodb:*:*:table/Orders", TABLE));
        assertFalse(Wildcards.resourceMatches("arn:aws:dynamodb:*:table/Orders", TABLE));
        assertFalse(Wildcards.resourceMatches("arn:aws:sqs:*:*:Orders", TABLE));
    }

    @Test
    void resourcesMatchWithRegardToCase() {
        assertFalse(Wildcards.resourceMatches(TABLE, TABLE.toLowerCase()));
    }

    @Test
    void globsBacktrack() {
        assertTrue(Wildcards.globMatches("a*b*c", "aXbYbZc"));
        assertFalse(Wildcards.globMatches("a*b*c", "aXbYbZ"));
        assertTrue(Wildcards.globMatches("**", ""));
        assertFalse(Wildcards.globMatches("?", ""));
    }
}
