package dev.empiric.web;

/** A request the API refuses, with the HTTP status and a sentence that says what to change. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String title;

    public ApiException(int status, String title, String detail) {
        super(detail);
        this.status = status;
        this.title = title;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad request", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not found", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail);
    }

    public static ApiException unprocessable(String detail) {
        return new ApiException(422, "Unprocessable request", detail);
    }

    public static ApiException tooLarge(String detail) {
        return new ApiException(413, "Request too large", detail);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }
}
