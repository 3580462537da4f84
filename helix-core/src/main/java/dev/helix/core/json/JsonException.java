package dev.helix.core.json;

/** Text that is not the JSON it should be; the message says what and where. */
public final class JsonException extends IllegalArgumentException {

    private final int offset;

    JsonException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** Where in the text the reader stopped, counted in chars from 0. */
    public int offset() {
        return offset;
    }
}
