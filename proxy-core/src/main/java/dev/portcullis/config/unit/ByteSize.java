package dev.portcullis.config.unit;

/**
 * A number of bytes, written in the configuration as {@code 512}, {@code 512B}, {@code 16KiB},
 * {@code 10MiB} or {@code 1GiB} (powers of 1024; {@code KB}, {@code MB} and {@code GB} are accepted
 * as the same powers of 1024, since that is what operators mean by them here).
 */
public record ByteSize(long bytes) {

    public ByteSize {
        if (bytes < 0) {
            throw new IllegalArgumentException("a size cannot be negative (got " + bytes + ")");
        }
    }

    public static ByteSize ofBytes(long bytes) {
        return new ByteSize(bytes);
    }

    public static ByteSize ofKibibytes(long kibibytes) {
        return new ByteSize(Math.multiplyExact(kibibytes, 1024L));
    }

    public static ByteSize ofMebibytes(long mebibytes) {
        return new ByteSize(Math.multiplyExact(mebibytes, 1024L * 1024L));
    }

    /** The size as an {@code int}, saturated at {@link Integer#MAX_VALUE}. */
    public int toIntSaturated() {
        return (int) Math.min(bytes, Integer.MAX_VALUE);
    }

    @Override
    public String toString() {
        long unit = 1024L * 1024L * 1024L;
        if (bytes != 0 && bytes % unit == 0) {
            return bytes / unit + "GiB";
        }
        unit /= 1024L;
        if (bytes != 0 && bytes % unit == 0) {
            return bytes / unit + "MiB";
        }
        unit /= 1024L;
        if (bytes != 0 && bytes % unit == 0) {
            return bytes / unit + "KiB";
        }
        return bytes + "B";
    }
}
