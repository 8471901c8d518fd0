package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.OperationType;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Record;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * JSON of Lambda events and responses with the field names AWS uses on the wire, where the
 * aws-lambda-java-events classes' bean names differ ({@code Records}, {@code eventSourceARN}, a
 * DynamoDB stream record's {@code NewImage} and {@code {"S": ...}} values): the names of the Lambda
 * Java runtime's own serializer (aws-lambda-java-serialization). Absent values are left out, as AWS
 * leaves out e.g. {@code pathParameters} when a route has none.
 */
public final class LambdaJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .addMixIn(SQSEvent.class, RecordsNames.class)
            .addMixIn(SQSEvent.SQSMessage.class, SqsMessageNames.class)
            .addMixIn(DynamodbEvent.class, RecordsNames.class)
            .addMixIn(Record.class, DynamodbRecordNames.class)
            .addMixIn(StreamRecord.class, StreamRecordNames.class)
            .addMixIn(AttributeValue.class, AttributeValueNames.class);

    private LambdaJson() {}

    /** A shared, configured mapper: do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code SQSEvent} and {@code DynamodbEvent}: a mix-in matches methods by name and parameters. */
    private abstract static class RecordsNames {
        @JsonProperty("Records")
        abstract List<?> getRecords();

        @JsonProperty("Records")
        abstract void setRecords(List<?> records);
    }

    private abstract static class SqsMessageNames {
        @JsonProperty("eventSourceARN")
        abstract String getEventSourceArn();

        @JsonProperty("eventSourceARN")
        abstract void setEventSourceArn(String arn);
    }

    /** eventName has a second setter, taking an OperationType, that would conflict. */
    private abstract static class DynamodbRecordNames {
        @JsonProperty("eventName")
        abstract void setEventName(String eventName);

        @JsonIgnore
        abstract void setEventName(OperationType eventName);
    }

    private abstract static class StreamRecordNames {
        @JsonProperty("ApproximateCreationDateTime")
        @JsonSerialize(using = EpochSeconds.Writer.class)
        abstract Date getApproximateCreationDateTime();

        @JsonProperty("ApproximateCreationDateTime")
        @JsonDeserialize(using = EpochSeconds.Reader.class)
        abstract void setApproximateCreationDateTime(Date created);

        @JsonProperty("Keys")
        abstract Map<String, AttributeValue> getKeys();

        @JsonProperty("NewImage")
        abstract Map<String, AttributeValue> getNewImage();

        @JsonProperty("OldImage")
        abstract Map<String, AttributeValue> getOldImage();

        @JsonProperty("SequenceNumber")
        abstract String getSequenceNumber();

        @JsonProperty("SizeBytes")
        abstract Long getSizeBytes();

        @JsonProperty("StreamViewType")
        abstract String getStreamViewType();
    }

    /** The getters name every property (a property's other accessors follow); isNULL and isBOOL repeat getNULL and getBOOL. */
    private abstract static class AttributeValueNames {
        @JsonProperty("S")
        abstract String getS();

        @JsonProperty("N")
        abstract String getN();

        @JsonProperty("B")
        abstract ByteBuffer getB();

        @JsonProperty("SS")
        abstract List<String> getSS();

        @JsonProperty("NS")
        abstract List<String> getNS();

        @JsonProperty("BS")
        abstract List<ByteBuffer> getBS();

        @JsonProperty("M")
        abstract Map<String, AttributeValue> getM();

        @JsonProperty("L")
        abstract List<AttributeValue> getL();

        @JsonProperty("NULL")
        abstract Boolean getNULL();

        @JsonProperty("BOOL")
        abstract Boolean getBOOL();

        @JsonIgnore
        abstract Boolean isNULL();

        @JsonIgnore
        abstract Boolean isBOOL();
    }

    /** A stream record's creation time as Lambda sends it: seconds since the epoch, a JSON number. */
    private static final class EpochSeconds {
        static final class Writer extends JsonSerializer<Date> {
            @Override
            public void serialize(Date date, JsonGenerator json, SerializerProvider serializers) throws IOException {
                long millis = date.getTime();
                if (millis % 1000 == 0) {
                    json.writeNumber(millis / 1000);
                } else {
                    json.writeNumber(BigDecimal.valueOf(millis, 3).stripTrailingZeros());
                }
            }
        }

        static final class Reader extends JsonDeserializer<Date> {
            @Override
            public Date deserialize(JsonParser json, DeserializationContext context) throws IOException {
                return new Date(json.getDecimalValue().movePointRight(3).longValue());
            }
        }
    }
}
