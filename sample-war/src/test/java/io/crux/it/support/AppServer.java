package io.crux.it.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * An application server that a test creates, starts, stops and kills itself (beside the one that
 * Arquillian deploys to), of the kind the suite runs on: the system property {@code it.server}
 * ({@code liberty}, {@code wildfly} or {@code payara}) chooses the launcher. It answers plain HTTP
 * calls on its own port, with BASIC credentials when a user is given.
 */
public abstract class AppServer {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(httpVersion())
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /**
     * The HTTP version the tests' clients speak to the suite's server: HTTP/1.1 on Payara, whose HTTP/2
     * over plain HTTP (h2c, which the JDK's client asks for by default) ends a connection's other
     * streams when a client cancels one and never answers a request whose unread body exceeds the
     * flow-control window (README, Payara); browsers use HTTP/2 only over TLS. The JDK's default elsewhere.
     */
    public static HttpClient.Version httpVersion() {
        return "payara".equals(kind()) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2;
    }

    /** The server the suite runs on ({@code it.server}). */
    public static String kind() {
        return System.getProperty("it.server", "liberty");
    }

    /**
     * Creates a server of the suite's kind afresh (an earlier one of that name is stopped and removed,
     * and so is a server that a class left running on that port for the next, {@link RunningServer#shared}),
     * with the project's server configuration, its own port and its own embedded database.
     *
     * @param name the server's name, unique among the tests
     * @param httpPort its HTTP port
     * @param env extra environment variables for it
     * @return the server, not started
     */
    public static AppServer create(String name, int httpPort, Map<String, String> env) {
        KeptServer.release(httpPort);
        return switch (kind()) {
            case "liberty" -> LibertyServer.create(name, httpPort, env);
            case "wildfly" -> WildFlyServer.create(name, httpPort, env);
            case "payara" -> PayaraMicroServer.create(name, httpPort, env);
            default -> throw new IllegalStateException("no launcher for the server " + kind() + " (it.server)");
        };
    }

    /**
     * Like {@link #create(String, int, Map)} on the lifecycle port ({@code lifecycle.http.port}).
     *
     * @param name the server's name
     * @param env extra environment variables
     * @return the server, not started
     */
    public static AppServer create(String name, Map<String, String> env) {
        return create(name, lifecyclePort(), env);
    }

    /** @return the port that servers of the tests are created on unless they ask for another ({@code lifecycle.http.port}) */
    static int lifecyclePort() {
        return Integer.getInteger("lifecycle.http.port", 9081);
    }

    private final int httpPort;

    protected AppServer(int httpPort) {
        this.httpPort = httpPort;
    }

    /**
     * The environment every server of the suite starts with: MicroProfile Telemetry on and exporting
     * nowhere, the suite's database ({@code crux.db}) and the test JVM's {@code CRUX_DB_*} settings,
     * then the test's own variables.
     *
     * @param extra the test's variables, which win
     * @return the variables, in that order
     */
    protected static Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OTEL_SDK_DISABLED", "false");
        env.put("OTEL_TRACES_EXPORTER", "none");
        env.put("OTEL_METRICS_EXPORTER", "none");
        env.put("OTEL_LOGS_EXPORTER", "none");
        env.put("CRUX_DB", System.getProperty("crux.db", "h2"));
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("CRUX_DB_")) {
                env.put(k, v);
            }
        });
        env.putAll(extra);
        return env;
    }

    /**
     * The JVM options every server of the suite starts with ({@code it.server.jvm-options}, the pom's
     * reason), before the test's own ({@link #jvmOptions}).
     *
     * @return the options, none when the property is empty or not set
     */
    protected static List<String> suiteJvmOptions() {
        String options = System.getProperty("it.server.jvm-options", "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /**
     * Removes a directory with everything in it, if it exists.
     *
     * @param dir the directory
     * @throws IOException when it cannot be read
     */
    protected static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * @param war a WAR built by ShrinkWrap
     * @return this
     */
    public abstract AppServer deploy(WebArchive war);

    /**
     * @param war a WAR file
     * @return this
     */
    public abstract AppServer deploy(Path war);

    /**
     * @param options options for the server's JVM (a Java agent, system properties), replacing earlier
     *     ones, after the suite's ({@link #suiteJvmOptions()})
     * @return this
     */
    public abstract AppServer jvmOptions(String... options);

    /** Starts the server, without waiting for its applications. */
    protected abstract void launch();

    /** Stops the server gracefully. */
    public abstract void stop();

    /** Stops the server if it runs; for clean-up. */
    public abstract void stopQuietly();

    /** @return the server's log, where a test looks for messages */
    public abstract Path log();

    /** @return the directory of this server's own files: configuration, logs and its embedded H2 database */
    public abstract Path directory();

    /**
     * The jar of the H2 driver this server opens its embedded database with, so that a test reads the
     * database file with the same version while the server is down (a newer one may convert the file).
     *
     * @return the jar, or empty when the server has none a test can load (then the test's own H2)
     */
    public Optional<Path> h2Driver() {
        return h2Jar(directory());
    }

    /** @return the user and password this server's datasource opens its embedded H2 database with */
    public String[] h2Credentials() {
        return new String[] {"sa", ""};
    }

    /**
     * @param dir a directory
     * @return an {@code h2-<version>.jar} below it, if any
     */
    protected static Optional<Path> h2Jar(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("h2(-[0-9.]+)?\\.jar"))
                    .findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts the server and waits until {@code readyPath} answers 200.
     *
     * @param readyPath a path that answers once the applications are up
     */
    public void start(String readyPath) {
        launch();
        await("applications up on port " + httpPort + " (see " + log() + ")")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(() -> get(readyPath).statusCode() == 200);
    }

    /**
     * Kills the server's JVM at once, as a crash would (SIGKILL: no shutdown hooks, no quiesce).
     *
     * @param pid the JVM's process id
     */
    public void kill(long pid) {
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
        process.destroyForcibly();
        process.onExit().orTimeout(60, TimeUnit.SECONDS).join();
    }

    /**
     * @param path a path below the server root, such as {@code /crux-sample/api/expenses}
     * @return the response
     */
    public HttpResponse<String> get(String path) {
        return get(path, null);
    }

    /**
     * @param path a path below the server root
     * @param user basic-auth {@code user:password}, or {@code null}
     * @return the response
     */
    public HttpResponse<String> get(String path, String user) {
        return send(authorized(HttpRequest.newBuilder(uri(path)), user)
                .GET()
                .timeout(Duration.ofSeconds(60))
                .build());
    }

    /**
     * @param path a path below the server root
     * @param json the JSON body
     * @param user basic-auth {@code user:password}, or {@code null}
     * @return the response
     */
    public HttpResponse<String> post(String path, String json, String user) {
        return send(authorized(HttpRequest.newBuilder(uri(path)), user)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    /**
     * @param path a path below the server root
     * @param json the JSON body
     * @param user basic-auth {@code user:password}, or {@code null}
     * @param headers further headers, such as a browser's {@code Origin}
     * @return the response
     */
    public HttpResponse<String> post(String path, String json, String user, Map<String, String> headers) {
        HttpRequest.Builder request = authorized(HttpRequest.newBuilder(uri(path)), user)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        return send(request.POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /**
     * @param path a path below the server root
     * @param body the body's bytes, sent as they are (they need not be valid UTF-8)
     * @param user basic-auth {@code user:password}, or {@code null}
     * @return the response
     */
    public HttpResponse<String> post(String path, byte[] body, String user) {
        return send(authorized(HttpRequest.newBuilder(uri(path)), user)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    /**
     * @param path a path below the server root
     * @param user basic-auth {@code user:password}, or {@code null}
     * @return the response
     */
    public HttpResponse<String> delete(String path, String user) {
        return send(authorized(HttpRequest.newBuilder(uri(path)), user)
                .DELETE()
                .timeout(Duration.ofSeconds(60))
                .build());
    }

    /**
     * Where the server answers a MicroProfile Health check: on the HTTP port on Liberty and Payara,
     * on the management port on WildFly.
     *
     * @param check {@code ready}, {@code live} or {@code started}
     * @return the check's absolute URL
     */
    public String healthUrl(String check) {
        return url("/health/" + check);
    }

    /** @return where the server answers the MicroProfile OpenAPI document (on the HTTP port on all three) */
    public String openApiUrl() {
        return url("/openapi");
    }

    /**
     * @param url an absolute URL of this server (as {@link #healthUrl} or {@link #openApiUrl} give)
     * @param accept the media type to ask for
     * @return the response
     */
    public HttpResponse<String> getAbsolute(String url, String accept) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Accept", accept)
                .GET()
                .timeout(Duration.ofSeconds(60))
                .build());
    }

    /** What {@link #rawGet} read: the status code, the {@code Content-Type} (or empty) and the body. */
    public record RawResponse(int status, String contentType, String body) {}

    /**
     * Sends a GET whose request target goes out byte for byte as given, over a socket of its own. No
     * HTTP client can send what this is for: {@link java.net.URI}, which {@code java.net.http} needs,
     * refuses a malformed percent-escape such as {@code %zz}, and a server must be shown one. HTTP/1.0
     * with {@code Connection: close}, so the answer is its bytes up to the end of the stream.
     *
     * @param target the path and query below the server root, not checked or encoded
     * @param user basic-auth {@code user:password}, or {@code null}
     * @return the response
     */
    public RawResponse rawGet(String target, String user) {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.0\r\n")
                .append("Host: localhost:" + httpPort + "\r\n")
                .append("Connection: close\r\n");
        if (user != null) {
            request.append("Authorization: Basic "
                    + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)) + "\r\n");
        }
        request.append("\r\n");
        try (java.net.Socket socket = new java.net.Socket("localhost", httpPort)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!answer.startsWith("HTTP/")) {
                throw new IllegalStateException("no HTTP answer to GET " + target + ": '" + answer + "'");
            }
            int end = answer.indexOf("\r\n\r\n");
            String head = end < 0 ? answer : answer.substring(0, end);
            String contentType = head.lines()
                    .filter(l -> l.regionMatches(true, 0, "Content-Type:", 0, 13))
                    .map(l -> l.substring(13).trim())
                    .findFirst()
                    .orElse("");
            return new RawResponse(
                    Integer.parseInt(head.split(" ", 3)[1]), contentType, end < 0 ? "" : answer.substring(end + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param path a path below the server root @return its absolute URL */
    public String url(String path) {
        return uri(path).toString();
    }

    private static HttpRequest.Builder authorized(HttpRequest.Builder request, String user) {
        if (user != null) {
            request.header(
                    "Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
        }
        return request;
    }

    /**
     * @param path a path below the server root
     * @param json the JSON body
     * @return the response
     */
    public HttpResponse<String> post(String path, String json) {
        return post(path, json, null);
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + httpPort + path);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
