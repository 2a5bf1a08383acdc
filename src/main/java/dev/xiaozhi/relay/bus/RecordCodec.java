package dev.xiaozhi.relay.bus;

import dev.xiaozhi.relay.protocol.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Event-bus codec for an immutable record: passed by reference inside a node, JSON on the wire between nodes
 * (never Java serialization). Named after the record's class.
 *
 * @param <T> the record type
 */
public final class RecordCodec<T extends Record> implements MessageCodec<T, T> {

    private final Class<T> type;

    private RecordCodec(Class<T> type) {
        this.type = type;
    }

    /** Registers the codecs of every record the relay sends over the event bus; call once per Vert.x instance. */
    public static void registerAll(EventBus eventBus) {
        register(eventBus, ToolCall.class);
        register(eventBus, ToolCancel.class);
        register(eventBus, TargetRequest.class);
        register(eventBus, TargetAnswer.class);
        register(eventBus, TargetNotification.class);
        register(eventBus, CatalogUpdate.class);
        register(eventBus, ProgressUpdate.class);
        register(eventBus, RegistryChange.class);
        register(eventBus, ClientRequest.class);
        register(eventBus, SessionEnded.class);
        register(eventBus, ForwardedHttpRequest.class);
        register(eventBus, ForwardedHttpPart.class);
        register(eventBus, ForwardedHttpCancel.class);
    }

    private static <R extends Record> void register(EventBus eventBus, Class<R> type) {
        eventBus.registerDefaultCodec(type, new RecordCodec<>(type));
    }

    @Override
    public void encodeToWire(Buffer buffer, T value) {
        try {
            byte[] bytes = Json.MAPPER.writeValueAsBytes(value);
            buffer.appendInt(bytes.length).appendBytes(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public T decodeFromWire(int pos, Buffer buffer) {
        int length = buffer.getInt(pos);
        try {
            return Json.MAPPER.readValue(buffer.getBytes(pos + 4, pos + 4 + length), type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public T transform(T value) {
        return value;
    }

    @Override
    public String name() {
        return type.getSimpleName();
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
