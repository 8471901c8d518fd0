package dev.onsale.localstack;

/**
 * A CloudFormation intrinsic function as written in a template, e.g. {@code !GetAtt Cache.Endpoint.Port}
 * or its long form {@code {"Fn::GetAtt": ["Cache", "Endpoint.Port"]}}: both parse to the same value.
 *
 * @param function the long-form name: {@code Ref}, {@code Condition} or {@code Fn::Xxx}
 * @param argument the argument as parsed (a string, a list or a map, possibly holding other intrinsics)
 */
public record Intrinsic(String function, Object argument) {

    public static final String REF = "Ref";
    public static final String GET_ATT = "Fn::GetAtt";
    public static final String SUB = "Fn::Sub";
    public static final String CONDITION = "Condition";

    /** Whether a map key names an intrinsic function in its long form. */
    static boolean isLongFormName(String key) {
        return key.equals(REF) || key.startsWith("Fn::");
    }
}
