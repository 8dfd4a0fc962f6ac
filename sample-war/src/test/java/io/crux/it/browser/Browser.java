package io.crux.it.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.crux.it.support.SameOnEveryDatabase;

/**
 * Headless Chromium from the system's packages (Debian's {@code chromium} and {@code chromium-driver};
 * {@code .ci/browser-deps} installs them), driven by Selenium. Both paths are given, so Selenium
 * Manager never looks for, or downloads, a browser or a driver. Each browser has a fresh profile.
 */
final class Browser implements AutoCloseable {

    static final Path BINARY = Path.of(System.getProperty("browser.binary", "/usr/bin/chromium"));
    static final Path DRIVER = Path.of(System.getProperty("browser.driver", "/usr/bin/chromedriver"));

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /**
     * Why the browser tests are skipped by request ({@code -Dit.db-independent.skip=true}, CI's
     * PostgreSQL passes, see {@link SameOnEveryDatabase}), or null.
     */
    static final String SKIPPED = SameOnEveryDatabase.skipped("the pages see the server through its HTTP API only,"
            + " whose answers and streams on PostgreSQL the pass's HTTP API, devtools and sample tests check");

    /**
     * Fails when Chromium or its driver is missing and {@code -Dbrowser.required=true} (CI); otherwise
     * skips the test, saying why.
     */
    static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    static void requireInstalled() {
        Assumptions.assumeTrue(SKIPPED == null, SKIPPED);
        boolean present = installed();
        String reason = "The browser tests need Chromium at " + BINARY + " and ChromeDriver at " + DRIVER
                + " (Debian: apt-get install chromium chromium-driver, or run .ci/browser-deps;"
                + " other paths: -Dbrowser.binary, -Dbrowser.driver).";
        if (!present && Boolean.getBoolean("browser.required")) {
            Assertions.fail(reason + " -Dbrowser.required=true is set, so they fail instead of skipping.");
        }
        Assumptions.assumeTrue(present, reason);
    }

    static Browser start() {
        requireInstalled();
        try {
            Path profile = Files.createTempDirectory("crux-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(BINARY.toFile());
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes the page off the network (DevTools' offline mode): open connections fail, new ones cannot open. */
    void offline(boolean offline) {
        driver.executeCdpCommand("Network.enable", Map.of());
        driver.executeCdpCommand(
                "Network.emulateNetworkConditions",
                Map.of("offline", offline, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    /** Saves what the browser shows under target/browser-screenshots. */
    void screenshot(String name) {
        try {
            Path dir = Path.of("target", "browser-screenshots");
            Files.createDirectories(dir);
            Files.write(dir.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException | RuntimeException e) {
            System.err.println("No screenshot " + name + ": " + e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }
}
