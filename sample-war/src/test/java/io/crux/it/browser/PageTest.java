package io.crux.it.browser;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import io.crux.it.support.RunningServer;

/**
 * A test of pages in Chromium: a browser per test, whose last screen is kept as a screenshot, and
 * a server of the test's own that starts only when there is a browser to drive.
 */
abstract class PageTest {

    /**
     * Starts the server only when there is a browser to drive: without one, every test is skipped
     * with the reason (its {@code Browser.start()}), or the class fails with
     * {@code -Dbrowser.required=true}; with {@code -Dit.db-independent.skip=true} every test is
     * skipped with that reason, browser or not.
     */
    static final class ServerIfBrowser implements BeforeAllCallback, AfterAllCallback {

        private final RunningServer server;

        ServerIfBrowser(RunningServer server) {
            this.server = server;
        }

        @Override
        public void beforeAll(ExtensionContext context) {
            if (Browser.SKIPPED != null) {
                return; // each test is reported skipped with the reason (its Browser.start())
            }
            if (Boolean.getBoolean("browser.required")) {
                Browser.requireInstalled();
            }
            if (Browser.installed()) {
                server.beforeAll(context);
            }
        }

        @Override
        public void afterAll(ExtensionContext context) {
            server.afterAll(context);
        }
    }

    Browser browser;

    @BeforeEach
    void open() {
        browser = Browser.start();
    }

    @AfterEach
    void close(TestInfo test) {
        if (browser != null) {
            browser.screenshot(getClass().getSimpleName() + "-"
                    + test.getTestMethod().orElseThrow().getName());
            browser.close();
        }
    }
}
