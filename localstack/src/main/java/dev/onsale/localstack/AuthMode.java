package dev.onsale.localstack;

/** How the local gateway fills {@code requestContext.authorizer} on routes guarded by a JWT authorizer. */
public enum AuthMode {
    /**
     * No tokens: {@code ?user_id=N} becomes the claim {@code sub=N}, and with devAdmin on the caller is
     * also in the admin group ({@code cognito:groups = "[admin]"}).
     */
    DEV,
    /**
     * Bearer tokens validated as API Gateway's JWT authorizer would (issuer, audience, expiry, RSA signature
     * by the local issuer's key): 401/403 as API Gateway answers them, the token's claims otherwise.
     */
    JWT,
    /** No authorizer context at all, as if no route had an authorizer. */
    NONE
}
