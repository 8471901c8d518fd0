package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PayloadFormatV2Test {

    @Test
    void queryParametersAreDecodedAndRepeatedKeysJoinedWithCommas() {
        assertEquals(Map.of("parameter1", "value1,value2", "parameter2", "value"),
                PayloadFormatV2.queryParameters("parameter1=value1&parameter1=value2&parameter2=value"));
        assertEquals(Map.of("q", "a b&c", "flag", "", "bad", "100%"),
                PayloadFormatV2.queryParameters("q=a+b%26c&flag&bad=100%"));
    }

    @Test
    void noQueryMeansNoQueryParameters() {
        assertNull(PayloadFormatV2.queryParameters(null));
        assertNull(PayloadFormatV2.queryParameters(""));
    }

    @Test
    void textualContentTypesKeepTheirBodyAsText() {
        for (String type : new String[] {"text/plain; charset=utf-8", "application/json", "application/problem+json",
                "application/xml", "application/x-www-form-urlencoded", "application/javascript", "application/x-yaml"}) {
            assertTrue(PayloadFormatV2.isText(type), type);
        }
        for (String type : new String[] {"application/octet-stream", "image/png", "multipart/form-data; boundary=x"}) {
            assertFalse(PayloadFormatV2.isText(type), type);
        }
        assertFalse(PayloadFormatV2.isText(null));
    }
}
