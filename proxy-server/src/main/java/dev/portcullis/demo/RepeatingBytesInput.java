package dev.portcullis.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A body of a given length, cut into chunks from one shared read-only block, for {@code
 * ChunkedWriteHandler}: that handler asks for the next chunk only while the channel is writable, so
 * however long the body, only a few chunks are ever queued. Nothing is allocated per chunk but the
 * slice that views the block.
 */
final class RepeatingBytesInput implements ChunkedInput<ByteBuf> {

    static final int CHUNK_BYTES = 16 * 1024;

    /** Printable, so that a body shown in a terminal reads as something rather than noise. */
    private static final byte[] PATTERN =
            "portcullis demo body 0123456789\n".getBytes(StandardCharsets.US_ASCII);

    private static final ByteBuf BLOCK = newBlock();

    private final long length;
    private long progress;

    RepeatingBytesInput(long length) {
        if (length < 0) {
            throw new IllegalArgumentException("length: got " + length + ", must be >= 0");
        }
        this.length = length;
    }

    @Override
    public boolean isEndOfInput() {
        return progress >= length;
    }

    @Override
    public void close() {
        // Nothing to free: the chunks are views of a block that is never released.
    }

    @Deprecated
    @Override
    public @Nullable ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    @Override
    public @Nullable ByteBuf readChunk(ByteBufAllocator allocator) {
        if (isEndOfInput()) {
            return null;
        }
        int size = (int) Math.min(CHUNK_BYTES, length - progress);
        progress += size;
        return BLOCK.retainedSlice(0, size);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long progress() {
        return progress;
    }

    private static ByteBuf newBlock() {
        ByteBuffer block = ByteBuffer.allocateDirect(CHUNK_BYTES);
        while (block.hasRemaining()) {
            block.put(PATTERN, 0, Math.min(PATTERN.length, block.remaining()));
        }
        block.flip();
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(block).asReadOnly());
    }
}
