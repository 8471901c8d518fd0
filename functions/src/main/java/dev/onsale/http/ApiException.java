package dev.onsale.http;

/**
 * A request that cannot be served as sent: bad parameters, a malformed body, a missing caller.
 * Thrown only while a handler reads its request, and always answered as {@code {"error", "detail"}}.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String error;

    public ApiException(int status, String error, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "bad_request", detail);
    }

    public static ApiException unprocessable(String detail) {
        return new ApiException(422, "validation_failed", detail);
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public ApiResponse toResponse() {
        return ApiResponse.error(status, error, getMessage());
    }
}
