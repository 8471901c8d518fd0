package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFilterTest {
    private static JsonNode record(String json) throws Exception {
        return LambdaJson.mapper().readTree(json);
    }

    private static final String MODIFY = """
            {"eventName": "MODIFY", "dynamodb": {"NewImage": {"status": {"S": "HELD"}, "seatId": {"N": "12"}}}}""";
    private static final String INSERT = """
            {"eventName": "INSERT", "dynamodb": {"NewImage": {"status": {"S": "AVAILABLE"}, "seatId": {"N": "3"}}}}""";

    @Test
    void aRecordPassesWhenAnyFilterMatchesIt() throws Exception {
        EventFilter filter = EventFilter.of("test", List.of("{\"eventName\": [\"MODIFY\"]}", "{\"eventName\": [\"REMOVE\"]}"));
        assertTrue(filter.matches(record(MODIFY)));
        assertFalse(filter.matches(record(INSERT)));
    }

    @Test
    void nestedKeysOperatorsAndNumbersMatchAsLambdaDocumentsThem() throws Exception {
        assertTrue(EventFilter.of("t", List.of("{\"dynamodb\": {\"NewImage\": {\"status\": {\"S\": [{\"prefix\": \"HE\"}]}}}}"))
                .matches(record(MODIFY)));
        assertFalse(EventFilter.of("t", List.of("{\"dynamodb\": {\"NewImage\": {\"status\": {\"S\": [{\"anything-but\": [\"HELD\"]}]}}}}"))
                .matches(record(MODIFY)));
        assertTrue(EventFilter.of("t", List.of("{\"dynamodb\": {\"NewImage\": {\"holder\": [{\"exists\": false}]}}}"))
                .matches(record(MODIFY)));
        assertFalse(EventFilter.of("t", List.of("{\"dynamodb\": {\"NewImage\": {\"seatId\": [{\"exists\": false}]}}}"))
                .matches(record(MODIFY)));
        assertTrue(EventFilter.of("t", List.of("{\"eventName\": [\"INSERT\", \"MODIFY\"], \"dynamodb\": {\"NewImage\": {\"seatId\": {\"N\": [\"12\"]}}}}"))
                .matches(record(MODIFY)));
        assertFalse(EventFilter.of("t", List.of("{\"eventName\": [\"MODIFY\"], \"dynamodb\": {\"NewImage\": {\"seatId\": {\"N\": [\"13\"]}}}}"))
                .matches(record(MODIFY)), "every key of a pattern must match");
    }

    @Test
    void noFiltersLetEverythingThrough() throws Exception {
        assertTrue(EventFilter.of("t", List.of()).matches(record(INSERT)));
    }

    @Test
    void aPatternItCannotApplyIsRefusedRatherThanMatchedWrong() {
        assertThrows(IllegalArgumentException.class, () -> EventFilter.of("t", List.of("{\"n\": [{\"numeric\": [\">\", 1]}]}")));
        assertThrows(IllegalArgumentException.class, () -> EventFilter.of("t", List.of("{\"eventName\": \"MODIFY\"}")));
        assertThrows(IllegalArgumentException.class, () -> EventFilter.of("t", List.of("not json")));
    }
}
