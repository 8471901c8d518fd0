package dev.onsale.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {

    /** Resources resolve to recognisable values, so a test can see which path an intrinsic took. */
    private static final ResourceAttributes NAMED_RESOURCES = new ResourceAttributes() {
        @Override
        public String ref(String logicalId) {
            return "ref:" + logicalId;
        }

        @Override
        public String attribute(String logicalId, String attribute) {
            return "att:" + logicalId + "." + attribute;
        }
    };

    private static IntrinsicEvaluator evaluatorFor(String yaml, Map<String, String> overrides) {
        Template template = Template.parse(yaml);
        return new IntrinsicEvaluator(template, StackParameters.resolve(template, overrides, "stack", "eu-west-1"), NAMED_RESOURCES);
    }

    private static Object evaluateProperty(String yaml, String property) {
        Template template = Template.parse(yaml);
        IntrinsicEvaluator evaluator = new IntrinsicEvaluator(template,
                StackParameters.resolve(template, Map.of(), "stack", "eu-west-1"), NAMED_RESOURCES);
        return evaluator.evaluate(template.resource("Thing").properties().get(property));
    }

    private static final String THING = """
            Parameters:
              Name: {Type: String, Default: widget}
              Zones: {Type: CommaDelimitedList, Default: "a, b,c"}
            Resources:
              Thing:
                Type: Custom::Thing
                Properties:
                  %s
            """;

    @Test
    void shortAndLongFormsParseToTheSameIntrinsic() {
        Template template = Template.parse("""
                Resources:
                  Thing:
                    Type: Custom::Thing
                    Properties:
                      ShortRef: !Ref Other
                      LongRef: {Ref: Other}
                      ShortGetAtt: !GetAtt Cache.Endpoint.Port
                      LongGetAtt: {"Fn::GetAtt": [Cache, Endpoint.Port]}
                      LongDottedGetAtt: {"Fn::GetAtt": "Cache.Endpoint.Port"}
                """);
        Map<String, Object> properties = template.resource("Thing").properties();
        assertEquals(new Intrinsic("Ref", "Other"), properties.get("ShortRef"));
        assertEquals(properties.get("ShortRef"), properties.get("LongRef"));
        assertEquals(new Intrinsic("Fn::GetAtt", List.of("Cache", "Endpoint.Port")), properties.get("ShortGetAtt"));
        assertEquals(properties.get("ShortGetAtt"), properties.get("LongGetAtt"));
        assertEquals(properties.get("ShortGetAtt"), properties.get("LongDottedGetAtt"));
    }

    @Test
    void datesStayText() {
        Template template = Template.parse("""
                AWSTemplateFormatVersion: 2010-09-09
                Resources:
                  Thing: {Type: Custom::Thing, Properties: {When: 2024-01-02}}
                """);
        assertEquals("2024-01-02", template.resource("Thing").properties().get("When"));
    }

    @Test
    void subResolvesParametersPseudoParametersRefsAttributesAndLiterals() {
        Object value = evaluateProperty(THING.formatted(
                "Text: !Sub \"${Name}-${AWS::StackName}-${AWS::Region}-${Other}-${Cache.Endpoint.Port}-${!Literal}\""), "Text");
        assertEquals("widget-stack-eu-west-1-ref:Other-att:Cache.Endpoint.Port-${Literal}", value);
    }

    @Test
    void subWithAVariableMap() {
        Object value = evaluateProperty(THING.formatted("Text: !Sub [\"${Greeting}, ${Name}\", {Greeting: !Ref Name}]"), "Text");
        assertEquals("widget, widget", value);
    }

    @Test
    void joinSelectSplitAndListParameters() {
        assertEquals("a/b/c", evaluateProperty(THING.formatted("V: !Join [/, !Ref Zones]"), "V"));
        assertEquals("b", evaluateProperty(THING.formatted("V: !Select [1, !Ref Zones]"), "V"));
        assertEquals("z", evaluateProperty(THING.formatted("V: !Select [\"2\", !Split [\",\", \"x,y,z\"]]"), "V"));
        assertEquals(List.of("a", "b", "c"), evaluateProperty(THING.formatted("V: !Ref Zones"), "V"));
    }

    @Test
    void conditionsChooseBranchesAndNoValueRemovesTheProperty() {
        String yaml = """
                Parameters:
                  Stage: {Type: String, Default: test}
                Conditions:
                  IsProd: !Equals [!Ref Stage, prod]
                  IsNotProd: {"Fn::Not": [{Condition: IsProd}]}
                  Both: !And [!Condition IsNotProd, !Equals [a, a]]
                  Either: !Or [!Condition IsProd, !Equals [a, b]]
                Resources:
                  Thing:
                    Type: Custom::Thing
                    Properties:
                      Chosen: !If [IsProd, big, small]
                      Gone: !If [IsProd, here, !Ref AWS::NoValue]
                      Items: [one, !If [IsNotProd, !Ref AWS::NoValue, two], three]
                """;
        IntrinsicEvaluator evaluator = evaluatorFor(yaml, Map.of());
        Template template = Template.parse(yaml);
        Object properties = evaluator.evaluate(template.resource("Thing").properties());
        assertEquals(Map.of("Chosen", "small", "Items", List.of("one", "three")), properties);
        assertTrue(evaluator.condition("IsNotProd"));
        assertTrue(evaluator.condition("Both"));
        assertFalse(evaluator.condition("Either"));
        assertTrue(evaluatorFor(yaml, Map.of("Stage", "prod")).condition("Either"));
    }

    @Test
    void findInMapBase64AndGetAzs() {
        String yaml = """
                Mappings:
                  Sizes: {small: {Memory: 128}}
                Resources:
                  Thing:
                    Type: Custom::Thing
                    Properties:
                      Memory: !FindInMap [Sizes, small, Memory]
                      Encoded: !Base64 hi
                      Zone: !Select [0, !GetAZs ""]
                """;
        Object properties = evaluatorFor(yaml, Map.of()).evaluate(Template.parse(yaml).resource("Thing").properties());
        assertEquals(Map.of("Memory", 128, "Encoded", "aGk=", "Zone", "eu-west-1a"), properties);
    }

    @Test
    void parameterOverridesWinOverDefaultsAndMissingValuesGetPlaceholders() {
        Template template = Template.parse("""
                Parameters:
                  Tls: {Type: String, Default: "true", AllowedValues: ["true", "false"]}
                  Vpc: {Type: "AWS::EC2::VPC::Id"}
                  Subnets: {Type: "List<AWS::EC2::Subnet::Id>"}
                Resources: {}
                """);
        Map<String, Object> values = StackParameters.resolve(template, Map.of("Tls", "false"), "stack", "us-east-1");
        assertEquals("false", values.get("Tls"));
        assertEquals("local-Vpc", values.get("Vpc"));
        assertEquals(List.of(), values.get("Subnets"));
        assertEquals("000000000000", values.get("AWS::AccountId"));
        assertEquals("aws", values.get("AWS::Partition"));
        assertEquals("amazonaws.com", values.get("AWS::URLSuffix"));
    }

    @Test
    void overridesOutsideTheAllowedValuesOrForUnknownParametersAreRefused() {
        Template template = Template.parse("""
                Parameters:
                  Tls: {Type: String, Default: "true", AllowedValues: ["true", "false"]}
                Resources: {}
                """);
        assertThrows(IllegalArgumentException.class, () -> StackParameters.resolve(template, Map.of("Tls", "maybe"), "s", "r"));
        assertThrows(IllegalArgumentException.class, () -> StackParameters.resolve(template, Map.of("Tsl", "true"), "s", "r"));
    }

    @Test
    void globalsMergeIntoFunctionsWithTheFunctionWinning() {
        Template template = Template.load(Path.of("src/test/resources/test-template.yaml"));
        Map<String, Object> probe = template.resource("EnvironmentProbeFunction").properties();
        assertEquals("java21", probe.get("Runtime"));
        assertEquals(10, probe.get("Timeout"));
        assertEquals(new Intrinsic("Fn::FindInMap", List.of("Sizes", new Intrinsic("Ref", "Stage"), "Memory")),
                probe.get("MemorySize"));
        Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) probe.get("Environment")).get("Variables");
        assertEquals("from-function", variables.get("SHARED"));
        assertEquals(new Intrinsic("Ref", "ItemsTable"), variables.get("ITEMS_TABLE"));
        Map<?, ?> echoVariables = (Map<?, ?>) ((Map<?, ?>) template.resource("EchoFunction").properties().get("Environment")).get("Variables");
        assertEquals("from-globals", echoVariables.get("SHARED"));
        assertNull(template.resource("ItemsTable").properties().get("Runtime"));
    }

    @Test
    void referencedLogicalIdsFollowRefGetAttAndSub() {
        Object value = Template.parse(THING.formatted("""
                V: [!Ref A, !GetAtt B.Arn, !Sub "${C}-${D.Name}-${AWS::Region}-${!E}", !Ref Name, {Nested: !Ref F}]""")).resource("Thing").properties();
        assertEquals(List.of("A", "B", "C", "D", "Name", "F"), List.copyOf(IntrinsicEvaluator.referencedLogicalIds(value)));
    }

    @Test
    void theProjectTemplateParsesAndEveryFunctionResolves() {
        Template template = Template.load(Path.of("../template.yaml"));
        PhysicalResources physical = new PhysicalResources(template);
        IntrinsicEvaluator evaluator = new IntrinsicEvaluator(template,
                StackParameters.resolve(template, Map.of("CacheTls", "false"), "onsale-local", "us-east-1"), physical);
        List<Template.Resource> functions = template.resourcesOfType(Template.SERVERLESS_FUNCTION);
        assertFalse(functions.isEmpty());
        for (Template.Resource function : functions) {
            FunctionDefinition definition = FunctionDefinition.from(function, evaluator, "onsale-local");
            assertFalse(definition.handlerClassName().isBlank(), function.logicalId());
            assertEquals("false", definition.variables().get("REDIS_TLS"), function.logicalId());
            assertEquals("INFO", definition.variables().get("AWS_LAMBDA_LOG_LEVEL"), function.logicalId() + ": LoggingConfig's level");
            assertEquals("local-" + function.logicalId().replaceFirst("Function$", "LogGroup"),
                    definition.variables().get("AWS_LAMBDA_LOG_GROUP_NAME"), function.logicalId() + ": its own log group");
        }
    }

    @Test
    void theJsonLogFormatTellsTheFunctionItsApplicationLogLevelAsLambdaDoes() {
        String yaml = """
                Parameters:
                  Level: {Type: String, Default: debug}
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      Environment: {Variables: {AWS_LAMBDA_LOG_LEVEL: ERROR, OTHER: x}}
                      LoggingConfig: %s
                """;
        assertEquals(Map.of("AWS_LAMBDA_LOG_LEVEL", "DEBUG", "AWS_LAMBDA_LOG_FORMAT", "JSON", "OTHER", "x"),
                function(yaml.formatted("{LogFormat: JSON, ApplicationLogLevel: !Ref Level}")).variables(),
                "the level from LoggingConfig, over a variable of the same reserved name");
        assertEquals("INFO", function(yaml.formatted("{LogFormat: JSON}")).variables().get("AWS_LAMBDA_LOG_LEVEL"));
        assertEquals(Map.of("AWS_LAMBDA_LOG_LEVEL", "ERROR", "OTHER", "x"),
                function(yaml.formatted("{LogFormat: Text, ApplicationLogLevel: DEBUG}")).variables(), "the text format has no level");
    }

    @Test
    void aLogGroupOfTheFunctionsOwnIsTheOneItIsTold() {
        String yaml = """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      LoggingConfig: {LogFormat: JSON, LogGroup: !Ref Logs}
                  Logs:
                    Type: AWS::Logs::LogGroup
                    Properties: {RetentionInDays: 30}
                """;
        assertEquals("ref:Logs", function(yaml).variables().get("AWS_LAMBDA_LOG_GROUP_NAME"));
    }

    private static final String STREAM_FUNCTION = """
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: a.B
                  Events:
                    Changes:
                      Type: DynamoDB
                      Properties:
                        Stream: !GetAtt Items.StreamArn
                        StartingPosition: %s
            """;

    @Test
    void aDynamoDbEventGetsLambdasDefaults() {
        FunctionDefinition.DynamoDbEventSource source = function(STREAM_FUNCTION.formatted("TRIM_HORIZON"))
                .dynamoDbEventSources().getFirst();

        assertEquals(new FunctionDefinition.DynamoDbEventSource("Changes", "att:Items.StreamArn",
                FunctionDefinition.StartingPosition.TRIM_HORIZON, 100, 0, false, false, -1, -1, null, true, 1, EventFilter.NONE), source);
    }

    @Test
    void aDynamoDbEventReadsEveryProperty() {
        String properties = """
                BatchSize: 7
                MaximumBatchingWindowInSeconds: "2"
                FunctionResponseTypes: [ReportBatchItemFailures]
                BisectBatchOnFunctionError: true
                MaximumRetryAttempts: 3
                MaximumRecordAgeInSeconds: 120
                DestinationConfig:
                  OnFailure:
                    Type: SQS
                    Destination: !GetAtt Failed.Arn
                Enabled: false
                ParallelizationFactor: 4
                FilterCriteria:
                  Filters:
                    - Pattern: '{"eventName": ["MODIFY"]}'
                """;
        FunctionDefinition.DynamoDbEventSource source = function(STREAM_FUNCTION.formatted("LATEST") + properties.indent(12))
                .dynamoDbEventSources().getFirst();

        assertEquals(new FunctionDefinition.DynamoDbEventSource("Changes", "att:Items.StreamArn",
                FunctionDefinition.StartingPosition.LATEST, 7, 2, true, true, 3, 120, "att:Failed.Arn", false, 4,
                EventFilter.of("Fn.Events.Changes", List.of("{\"eventName\": [\"MODIFY\"]}"))), source);
    }

    @Test
    void aDynamoDbEventWantsAStartingPositionOfAStream() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> function(STREAM_FUNCTION.formatted("AT_TIMESTAMP")));
        assertTrue(refused.getMessage().contains("StartingPosition"), refused.getMessage());
    }

    private static FunctionDefinition function(String yaml) {
        Template template = Template.parse(yaml);
        return FunctionDefinition.from(template.resource("Fn"), evaluatorFor(yaml, Map.of()), "stack");
    }
}
