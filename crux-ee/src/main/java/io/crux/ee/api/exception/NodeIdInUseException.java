package io.crux.ee.api.exception;

/**
 * This server's node id ({@code crux.node-id}) is held by another live server, so this one may not
 * start or take over durable runs: two servers under one id would execute each other's runs. Nothing
 * was stored for the call. It lasts until the other server stops (or stops renewing its hold for
 * {@code crux.lease-duration}); over HTTP it is {@code 503 Service Unavailable}.
 */
public final class NodeIdInUseException extends CruxException {

    private static final long serialVersionUID = 1L;

    /**
     * Thrown by crux-ee; applications catch it and do not create it. The constructor is public
     * only because crux-ee's own packages create it.
     *
     * @param message the message
     */
    public NodeIdInUseException(String message) {
        super(message, null, null, null);
    }
}
