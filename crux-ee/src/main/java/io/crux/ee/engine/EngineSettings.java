package io.crux.ee.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of one engine.
 *
 * @param nodeId this server's id, unique among the servers that share a database and stable
 *     across its restarts
 * @param leaseDuration how long a running run stays claimed without renewal
 * @param maintenanceInterval how often leases are renewed and orphans looked for
 */
public record EngineSettings(String nodeId, Duration leaseDuration, Duration maintenanceInterval) {

    public EngineSettings {
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank() || nodeId.length() > 200) {
            throw new IllegalArgumentException("nodeId must be 1 to 200 characters: '" + nodeId + "'");
        }
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new IllegalArgumentException("leaseDuration must be positive: " + leaseDuration);
        }
        if (maintenanceInterval.isNegative()
                || maintenanceInterval.isZero()
                || maintenanceInterval.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException(
                    "maintenanceInterval must be positive and shorter than leaseDuration: " + maintenanceInterval);
        }
    }

    /**
     * @return this host's name, as a default node id and a node id's holder name it; {@code localhost}
     *     when the host cannot tell
     */
    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "localhost";
        }
    }

    /**
     * @param nodeId this server's id
     * @return settings with a 30 second lease renewed every 10 seconds
     */
    public static EngineSettings of(String nodeId) {
        return new EngineSettings(nodeId, Duration.ofSeconds(30), Duration.ofSeconds(10));
    }
}
