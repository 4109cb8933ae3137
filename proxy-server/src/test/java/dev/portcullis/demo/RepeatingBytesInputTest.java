package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

class RepeatingBytesInputTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    @Test
    void readChunk_lengthNotAMultipleOfChunk_endsWithTheRemainder() {
        int length = 2 * RepeatingBytesInput.CHUNK_BYTES + 7;
        RepeatingBytesInput input = new RepeatingBytesInput(length);

        List<Integer> sizes = drain(input);

        assertThat(sizes)
                .containsExactly(
                        RepeatingBytesInput.CHUNK_BYTES, RepeatingBytesInput.CHUNK_BYTES, 7);
        assertThat(input.isEndOfInput()).isTrue();
        assertThat(input.progress()).isEqualTo(input.length()).isEqualTo(length);
    }

    @Test
    void readChunk_zeroLength_isAtEndAtOnce() {
        RepeatingBytesInput input = new RepeatingBytesInput(0);

        assertThat(input.isEndOfInput()).isTrue();
        assertThat(input.readChunk(ALLOC)).isNull();
    }

    @Test
    void readChunk_hugeLength_servesChunksWithoutAllocatingTheBody() {
        RepeatingBytesInput input = new RepeatingBytesInput(1L << 30);

        ByteBuf first = Objects.requireNonNull(input.readChunk(ALLOC));
        ByteBuf second = Objects.requireNonNull(input.readChunk(ALLOC));

        // Both chunks view the same shared block rather than copies of it.
        assertThat(first.memoryAddress()).isEqualTo(second.memoryAddress());
        assertThat(input.progress()).isEqualTo(2L * RepeatingBytesInput.CHUNK_BYTES);
        assertThat(input.isEndOfInput()).isFalse();
        first.release();
        second.release();
    }

    @Test
    void new_negativeLength_isRefused() {
        assertThatThrownBy(() -> new RepeatingBytesInput(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("length");
    }

    private static List<Integer> drain(RepeatingBytesInput input) {
        List<Integer> sizes = new ArrayList<>();
        for (ByteBuf chunk = input.readChunk(ALLOC);
                chunk != null;
                chunk = input.readChunk(ALLOC)) {
            sizes.add(chunk.readableBytes());
            chunk.release();
        }
        return sizes;
    }
}
