package io.crux.ee.engine;

import java.util.Map;

import io.crux.ee.api.ClientData;
import io.crux.ee.api.ResourceDecl;
import io.crux.ee.api.ResourceReader;
import io.crux.ee.spi.PayloadCodec;
import io.crux.ee.spi.SessionRecord;
import io.crux.ee.spi.SessionStore;

/** What a flow's {@code @ClientData} methods read of one session: its state documents and the flow's declared resources. */
final class SessionClientData implements ClientData.Context {

    private final FlowModel flow;
    private final SessionRecord session;
    private final SessionStore store;
    private final PayloadCodec codec;

    SessionClientData(FlowModel flow, SessionRecord session, SessionStore store, PayloadCodec codec) {
        this.flow = flow;
        this.session = session;
        this.store = store;
        this.codec = codec;
    }

    @Override
    public Map<String, Object> session() {
        return store.readState("session", session.id());
    }

    @Override
    public Map<String, Object> user() {
        return session.userId() == null ? Map.of() : store.readState("user", session.userId());
    }

    @Override
    public Map<String, Object> project() {
        return store.readState("project", RunContext.DEFAULT_PROJECT);
    }

    @Override
    public String sessionId() {
        return session.id();
    }

    @Override
    public <T> ResourceReader<T> resource(String name, Class<T> type) {
        ResourceDecl<T> declaration = flow.resource(name, type);
        String owner = switch (declaration.scope()) {
            case SESSION -> session.id();
            case USER -> session.userId();
            case PROJECT -> RunContext.DEFAULT_PROJECT;
        };
        return StoredResource.reader(declaration, owner, store, codec);
    }
}
