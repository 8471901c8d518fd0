package dev.onsale.localstack;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * Stream records (as DynamoDB Streams' GetRecords gives them) as Lambda hands them to a function: a
 * {@code DynamodbEvent} whose records carry the stream's ARN as {@code eventSourceARN} and the stack's
 * region as {@code awsRegion} (DynamoDB Local says {@code ddblocal}). Images and keys keep every
 * attribute value type.
 */
final class DynamodbEvents {

    private DynamodbEvents() {}

    static DynamodbEvent of(List<Record> records, String streamArn, String region) {
        List<DynamodbEvent.DynamodbStreamRecord> converted = new ArrayList<>(records.size());
        for (Record record : records) {
            converted.add(record(record, streamArn, region));
        }
        DynamodbEvent event = new DynamodbEvent();
        event.setRecords(converted);
        return event;
    }

    private static DynamodbEvent.DynamodbStreamRecord record(Record record, String streamArn, String region) {
        DynamodbEvent.DynamodbStreamRecord converted = new DynamodbEvent.DynamodbStreamRecord();
        converted.setEventID(record.eventID());
        converted.setEventName(record.eventNameAsString());
        converted.setEventVersion(record.eventVersion());
        converted.setEventSource(record.eventSource());
        converted.setAwsRegion(region);
        converted.setEventSourceARN(streamArn);
        if (record.userIdentity() != null) {
            Identity identity = new Identity();
            identity.setPrincipalId(record.userIdentity().principalId());
            identity.setType(record.userIdentity().type());
            converted.setUserIdentity(identity);
        }
        software.amazon.awssdk.services.dynamodb.model.StreamRecord change = record.dynamodb();
        StreamRecord dynamodb = new StreamRecord();
        if (change.approximateCreationDateTime() != null) {
            dynamodb.setApproximateCreationDateTime(Date.from(change.approximateCreationDateTime()));
        }
        if (change.hasKeys()) {
            dynamodb.setKeys(image(change.keys()));
        }
        if (change.hasNewImage()) {
            dynamodb.setNewImage(image(change.newImage()));
        }
        if (change.hasOldImage()) {
            dynamodb.setOldImage(image(change.oldImage()));
        }
        dynamodb.setSequenceNumber(change.sequenceNumber());
        dynamodb.setSizeBytes(change.sizeBytes());
        if (change.streamViewTypeAsString() != null) {
            dynamodb.setStreamViewType(StreamViewType.fromValue(change.streamViewTypeAsString()));
        }
        converted.setDynamodb(dynamodb);
        return converted;
    }

    private static Map<String, AttributeValue> image(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> item) {
        Map<String, AttributeValue> converted = new LinkedHashMap<>();
        item.forEach((name, value) -> converted.put(name, value(value)));
        return converted;
    }

    private static AttributeValue value(software.amazon.awssdk.services.dynamodb.model.AttributeValue value) {
        AttributeValue converted = new AttributeValue();
        switch (value.type()) {
            case S -> converted.setS(value.s());
            case N -> converted.setN(value.n());
            case B -> converted.setB(value.b().asByteBuffer());
            case SS -> converted.setSS(value.ss());
            case NS -> converted.setNS(value.ns());
            case BS -> converted.setBS(value.bs().stream().map(SdkBytes::asByteBuffer).toList());
            case M -> converted.setM(image(value.m()));
            case L -> converted.setL(value.l().stream().map(DynamodbEvents::value).toList());
            case BOOL -> converted.setBOOL(value.bool());
            case NUL -> converted.setNULL(value.nul());
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("an attribute value of an unknown type: " + value);
        }
        return converted;
    }
}
