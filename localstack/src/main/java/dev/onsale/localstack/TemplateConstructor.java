package dev.onsale.localstack;

import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** SnakeYAML constructor that understands CloudFormation's short-form tags ({@code !Ref}, {@code !Sub}, ...). */
final class TemplateConstructor extends SafeConstructor {

    private static final Map<String, String> SHORT_FORMS = Map.ofEntries(
            Map.entry("!Ref", Intrinsic.REF),
            Map.entry("!Condition", Intrinsic.CONDITION),
            Map.entry("!GetAtt", Intrinsic.GET_ATT),
            Map.entry("!Sub", Intrinsic.SUB),
            Map.entry("!Join", "Fn::Join"),
            Map.entry("!Select", "Fn::Select"),
            Map.entry("!Split", "Fn::Split"),
            Map.entry("!If", "Fn::If"),
            Map.entry("!Equals", "Fn::Equals"),
            Map.entry("!Not", "Fn::Not"),
            Map.entry("!And", "Fn::And"),
            Map.entry("!Or", "Fn::Or"),
            Map.entry("!FindInMap", "Fn::FindInMap"),
            Map.entry("!Base64", "Fn::Base64"),
            Map.entry("!GetAZs", "Fn::GetAZs"),
            Map.entry("!ImportValue", "Fn::ImportValue"),
            Map.entry("!Cidr", "Fn::Cidr"),
            Map.entry("!Length", "Fn::Length"),
            Map.entry("!ToJsonString", "Fn::ToJsonString"));

    TemplateConstructor() {
        super(new LoaderOptions());
        SHORT_FORMS.forEach((tag, function) -> yamlConstructors.put(new Tag(tag), new IntrinsicConstruct(function)));
        // CloudFormation keeps dates such as AWSTemplateFormatVersion as text, never as timestamps
        yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
    }

    private final class IntrinsicConstruct extends AbstractConstruct {
        private final String function;

        IntrinsicConstruct(String function) {
            this.function = function;
        }

        @Override
        public Object construct(Node node) {
            Object argument = switch (node) {
                case ScalarNode scalar -> constructScalar(scalar);
                case SequenceNode sequence -> constructSequence(sequence);
                case MappingNode mapping -> constructMapping(mapping);
                default -> throw new IllegalArgumentException("unexpected YAML node for " + function + ": " + node);
            };
            if (function.equals(Intrinsic.GET_ATT) && argument instanceof String dotted) {
                argument = splitGetAtt(dotted);
            }
            return new Intrinsic(function, argument);
        }
    }

    /** {@code !GetAtt Cache.Endpoint.Address} names the resource before the first dot, the attribute after it. */
    static List<String> splitGetAtt(String dotted) {
        int dot = dotted.indexOf('.');
        if (dot <= 0 || dot == dotted.length() - 1) {
            throw new IllegalArgumentException("!GetAtt wants LogicalId.Attribute, got: " + dotted);
        }
        return List.of(dotted.substring(0, dot), dotted.substring(dot + 1));
    }
}
