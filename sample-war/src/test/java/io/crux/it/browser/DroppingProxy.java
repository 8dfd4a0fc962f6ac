package io.crux.it.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP relay between the browser and the server that can drop every connection it carries at
 * once, as a network failure would: the browser's side is reset (RST), so an open response stream
 * fails in the middle. New connections are relayed as before. It reads the HTTP/1.1 requests it
 * relays far enough to record each request stream's {@code Last-Event-ID}, in order.
 */
final class DroppingProxy implements AutoCloseable {

    private static final Pattern STREAM_REQUEST =
            Pattern.compile("^GET \\S*/requests/[^/\\s]+/stream\\S* HTTP/1\\.1\r\n");
    private static final Pattern LAST_EVENT_ID = Pattern.compile("(?im)^last-event-id:[ \t]*(\\S*)[ \t]*$");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:[ \t]*(\\d+)[ \t]*$");

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final List<Optional<String>> streamRequests = new CopyOnWriteArrayList<>();

    DroppingProxy(String host, int port) {
        try {
            this.target = new InetSocketAddress(host, port);
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon("proxy-accept", this::accept);
    }

    /** @return the Last-Event-ID of each request stream relayed so far (empty: none), in order */
    List<Optional<String>> streamRequests() {
        return List.copyOf(streamRequests);
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
                RequestHeads heads = new RequestHeads();
                daemon("proxy-up", () -> pipe(browser, server, heads));
                daemon("proxy-down", () -> pipe(server, browser, null));
            } catch (IOException e) {
                if (!listener.isClosed()) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private void pipe(Socket from, Socket to, RequestHeads heads) {
        byte[] buffer = new byte[8192];
        try (InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                if (heads != null) {
                    heads.feed(buffer, n);
                }
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

    /**
     * The requests of one connection, browser to server: each head up to its blank line, then as
     * many body bytes as its Content-Length says (the browser sends fetch bodies with one).
     */
    private final class RequestHeads {
        private final StringBuilder pending = new StringBuilder();
        private long bodyLeft;

        void feed(byte[] bytes, int n) {
            // ISO-8859-1: one char per byte, so that body lengths count right
            pending.append(new String(bytes, 0, n, StandardCharsets.ISO_8859_1));
            for (; ; ) {
                if (bodyLeft > 0) {
                    int skip = (int) Math.min(bodyLeft, pending.length());
                    pending.delete(0, skip);
                    bodyLeft -= skip;
                    if (bodyLeft > 0) {
                        return;
                    }
                }
                int end = pending.indexOf("\r\n\r\n");
                if (end < 0) {
                    return;
                }
                String head = pending.substring(0, end + 2);
                pending.delete(0, end + 4);
                if (STREAM_REQUEST.matcher(head).find()) {
                    Matcher id = LAST_EVENT_ID.matcher(head);
                    streamRequests.add(id.find() ? Optional.of(id.group(1)) : Optional.empty());
                }
                Matcher length = CONTENT_LENGTH.matcher(head.toLowerCase(Locale.ROOT));
                bodyLeft = length.find() ? Long.parseLong(length.group(1)) : 0;
            }
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
