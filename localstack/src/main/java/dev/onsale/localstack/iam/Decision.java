package dev.onsale.localstack.iam;

/** The outcome of evaluating a role's identity-based policies for one action on one resource. */
public enum Decision {
    ALLOWED,
    /** No statement allows it (and none denies it). */
    IMPLICITLY_DENIED,
    /** A Deny statement applies: it wins over every Allow. */
    EXPLICITLY_DENIED
}
