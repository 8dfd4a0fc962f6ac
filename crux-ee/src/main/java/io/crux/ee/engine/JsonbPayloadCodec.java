package io.crux.ee.engine;

import java.lang.reflect.Type;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import io.crux.ee.api.exception.CruxPersistenceException;
import io.crux.ee.spi.Payload;
import io.crux.ee.spi.PayloadCodec;

/** Stores values as JSON-B text with their runtime class name. */
public final class JsonbPayloadCodec implements PayloadCodec {

    private final Jsonb jsonb;

    public JsonbPayloadCodec() {
        this(JsonbBuilder.create());
    }

    public JsonbPayloadCodec(Jsonb jsonb) {
        this.jsonb = jsonb;
    }

    @Override
    public Payload encode(Object value) {
        if (value == null) {
            return Payload.NULL;
        }
        try {
            return new Payload(value.getClass().getName(), jsonb.toJson(value));
        } catch (RuntimeException e) {
            throw new CruxPersistenceException(Messages.cannotEncode(value.getClass().getName(), e), null, e);
        }
    }

    @Override
    public Object decode(Payload payload, ClassLoader loader) {
        if (payload == null || payload.type() == null) {
            return null;
        }
        try {
            Class<?> type = Class.forName(payload.type(), false, loader);
            return jsonb.fromJson(payload.json(), type);
        } catch (ClassNotFoundException | RuntimeException e) {
            throw new CruxPersistenceException(Messages.cannotDecode(payload.type(), e), null, e);
        }
    }

    @Override
    public Object convert(Object value, Type type) {
        if (value == null || (type instanceof Class<?> c && c.isInstance(value))) {
            return value;
        }
        try {
            String json = value instanceof CharSequence s ? s.toString() : jsonb.toJson(value);
            return jsonb.fromJson(json, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot convert " + value.getClass().getName() + " to " + type.getTypeName()
                    + ": " + Messages.describe(e), e);
        }
    }
}
