package dev.portcullis.upstream;

/** A backend sent something that is not a valid HTTP/1.1 response; the connection is closed. */
public final class InvalidResponseException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidResponseException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    public InvalidResponseException(String message) {
        super(message, null, false, false);
    }
}
