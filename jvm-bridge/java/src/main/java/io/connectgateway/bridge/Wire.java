package io.connectgateway.bridge;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The byte layouts of the data calls (PROTOCOL.md, "Data calls"): little-endian integers,
 * {@code str} = u16 length + UTF-8, {@code bytes} = i32 length + bytes with -1 for null,
 * {@code ts} = i64 epoch millis with {@link Long#MIN_VALUE} for none.
 *
 * <p>A whole poll batch crosses JNI as one byte[]: per-record JNI calls cost an order of magnitude more
 * than encoding (see jni-bridge-notes.md §2).
 */
final class Wire {
    static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private Wire() {
    }

    /** A reusable, growing little-endian output buffer; one per task, so steady state allocates nothing but the answer. */
    static final class Out {
        private static final int MAX_CACHED = 256;
        private ByteBuffer buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
        /** Topic names and header keys repeat on every record: keep their UTF-8 bytes. */
        private final Map<String, byte[]> utf8 = new HashMap<>();

        void reset() {
            buf.clear();
            // A one-off huge batch should not pin its buffer for the life of the task.
            if (buf.capacity() > 16 * 1024 * 1024) {
                buf = ByteBuffer.allocate(64 * 1024).order(ByteOrder.LITTLE_ENDIAN);
            }
        }

        int position() {
            return buf.position();
        }

        private void ensure(int more) {
            if (buf.remaining() >= more) {
                return;
            }
            long needed = (long) buf.position() + more;
            long size = Math.max((long) buf.capacity() * 2, needed);
            if (size > Integer.MAX_VALUE - 8) {
                if (needed > Integer.MAX_VALUE - 8) {
                    throw new IllegalStateException("batch exceeds 2 GiB");
                }
                size = Integer.MAX_VALUE - 8;
            }
            ByteBuffer bigger = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        }

        void u8(int v) {
            ensure(1);
            buf.put((byte) v);
        }

        void u16(int v) {
            if (v < 0 || v > 0xFFFF) {
                throw new IllegalArgumentException("value " + v + " does not fit a u16");
            }
            ensure(2);
            buf.putShort((short) v);
        }

        void i32(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void u32(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("negative count " + v);
            }
            i32(v);
        }

        void putU32At(int position, int v) {
            buf.putInt(position, v);
        }

        void i64(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void ts(Long millis) {
            i64(millis == null ? NO_TIMESTAMP : millis);
        }

        void str(String s) {
            byte[] b = utf8.get(s);
            if (b == null) {
                b = s.getBytes(StandardCharsets.UTF_8);
                if (utf8.size() >= MAX_CACHED) {
                    utf8.clear();
                }
                utf8.put(s, b);
            }
            if (b.length > 0xFFFF) {
                throw new IllegalArgumentException("string of " + b.length + " UTF-8 bytes exceeds the u16 length of the wire format: "
                        + s.substring(0, 64) + "…");
            }
            u16(b.length);
            ensure(b.length);
            buf.put(b);
        }

        void bytes(byte[] b) {
            if (b == null) {
                i32(-1);
                return;
            }
            i32(b.length);
            ensure(b.length);
            buf.put(b);
        }

        byte[] toArray() {
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }

    /** Reads one input byte[]; every underflow becomes a clear "truncated" error rather than a raw exception. */
    static final class In {
        private final ByteBuffer buf;
        private final String what;

        In(byte[] bytes, String what) {
            this.buf = ByteBuffer.wrap(bytes == null ? new byte[0] : bytes).order(ByteOrder.LITTLE_ENDIAN);
            this.what = what;
        }

        boolean isEmpty() {
            return buf.capacity() == 0;
        }

        int remaining() {
            return buf.remaining();
        }

        int u8() {
            try {
                return buf.get() & 0xFF;
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        int u16() {
            try {
                return buf.getShort() & 0xFFFF;
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        int i32() {
            try {
                return buf.getInt();
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        /** A u32 count; counts beyond int range cannot describe a JVM byte[] and are rejected. */
        int u32() {
            int v = i32();
            if (v < 0) {
                throw new IllegalArgumentException(what + ": count " + Integer.toUnsignedString(v) + " is too large");
            }
            return v;
        }

        long i64() {
            try {
                return buf.getLong();
            } catch (BufferUnderflowException e) {
                throw truncated();
            }
        }

        /** {@code ts}: null for none. */
        Long ts() {
            long v = i64();
            return v == NO_TIMESTAMP ? null : v;
        }

        String str() {
            int n = u16();
            if (buf.remaining() < n) {
                throw truncated();
            }
            String s = new String(buf.array(), buf.position(), n, StandardCharsets.UTF_8);
            buf.position(buf.position() + n);
            return s;
        }

        byte[] bytes() {
            int n = i32();
            if (n == -1) {
                return null;
            }
            if (n < -1 || buf.remaining() < n) {
                throw n < -1 ? new IllegalArgumentException(what + ": invalid length " + n) : truncated();
            }
            byte[] out = new byte[n];
            buf.get(out);
            return out;
        }

        void expectEnd() {
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException(what + ": " + buf.remaining() + " unexpected trailing bytes");
            }
        }

        private IllegalArgumentException truncated() {
            return new IllegalArgumentException(what + " is truncated at byte " + buf.position() + " of " + buf.capacity());
        }
    }
}
