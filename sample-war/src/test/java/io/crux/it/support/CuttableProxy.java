package io.crux.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay to a server (a database) that a test can cut and restore, as a network failure or
 * the database going away would: {@link #cut()} resets every relayed connection and resets each
 * new one at once, so that clients fail fast instead of waiting; {@link #restore()} relays again.
 * It listens on the loopback address on a port of its own.
 */
public final class CuttableProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    /**
     * @param host the server's host
     * @param port the server's port
     */
    public CuttableProxy(String host, int port) {
        try {
            this.target = new InetSocketAddress(host, port);
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread t = new Thread(this::accept, "proxy-accept " + port);
        t.setDaemon(true);
        t.start();
    }

    /** @return the port clients connect to */
    public int port() {
        return listener.getLocalPort();
    }

    /** Resets every relayed connection and every new one, until {@link #restore()}. */
    public void cut() {
        cut = true;
        for (Socket s : open) {
            reset(s);
        }
    }

    /** Relays new connections again. */
    public void restore() {
        cut = false;
    }

    private void accept() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                continue; // closed, or one failed accept
            }
            if (cut) {
                reset(client);
                continue;
            }
            try {
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(client);
                open.add(server);
                daemon(() -> pipe(client, server));
                daemon(() -> pipe(server, client));
            } catch (IOException e) {
                reset(client);
            }
        }
    }

    private void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away: close both
        } finally {
            reset(from);
            reset(to);
        }
    }

    /** Closes with RST, not FIN: the peer sees a broken connection, not an orderly end. */
    private void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
        open.remove(s);
    }

    private static void daemon(Runnable body) {
        Thread t = new Thread(body, "proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        cut();
    }
}
