package io.crux.it.browser;

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
 * A TCP relay between the browser and the server that can drop every connection it carries at
 * once, as a network failure would: the browser's side is reset (RST), so an open response stream
 * fails in the middle. New connections are relayed as before.
 */
final class DroppingProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    DroppingProxy(String host, int port) {
        try {
            this.target = new InetSocketAddress(host, port);
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("proxy-accept", this::accept);
    }

    /** @return the port the browser connects to */
    int port() {
        return listener.getLocalPort();
    }

    /** Resets every relayed connection. @return how many connections were dropped */
    int dropAll() {
        int dropped = 0;
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // close with RST, not FIN: the peer sees a reset, not an end
                s.close();
                dropped++;
            } catch (IOException ignored) {
                // already gone
            }
            open.remove(s);
        }
        return dropped;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket browser = listener.accept();
                Socket server = new Socket(target.getAddress(), target.getPort());
                open.add(browser);
                open.add(server);
                daemon("proxy-up", () -> pipe(browser, server));
                daemon("proxy-down", () -> pipe(server, browser));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("proxy: " + e);
                }
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
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        closeQuietly(new Socket());
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing
        }
        dropAll();
    }
}
