package dev.onsale.localstack.secrets;

/**
 * A refusal of the local Secrets Manager, as AWS answers it: HTTP 400 with {@code {"__type": type, "Message": message}},
 * which the SDK turns into the exception of that name ({@code ResourceNotFoundException}, ...).
 */
public final class SecretsManagerException extends RuntimeException {
    private final String type;

    public SecretsManagerException(String type, String message) {
        super(message, null, false, false);
        this.type = type;
    }

    /** AWS's error code, e.g. {@code ResourceNotFoundException}. */
    public String type() {
        return type;
    }

    static SecretsManagerException notFound(String message) {
        return new SecretsManagerException("ResourceNotFoundException", message);
    }

    static SecretsManagerException invalidParameter(String message) {
        return new SecretsManagerException("InvalidParameterException", message);
    }

    static SecretsManagerException invalidRequest(String message) {
        return new SecretsManagerException("InvalidRequestException", message);
    }
}
