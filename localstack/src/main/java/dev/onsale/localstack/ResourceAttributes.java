package dev.onsale.localstack;

/** What {@code Ref} and {@code Fn::GetAtt} of a resource resolve to. */
interface ResourceAttributes {

    String ref(String logicalId);

    String attribute(String logicalId, String attribute);
}
