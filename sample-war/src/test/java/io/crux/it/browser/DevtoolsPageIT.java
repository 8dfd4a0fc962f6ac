package io.crux.it.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;

/**
 * The devtools page (/crux/devtools/) in headless Chromium, signed in as the sample's operator
 * (manager): an expense run's timeline shows the currency step's failed first attempt and the
 * retry that worked (the sample's rate service fails every other call, so each claim's conversion
 * takes two attempts on a server that converts one claim at a time, as here); the approval form
 * generated from the suspension's JSON Schema checks its fields, signals the run, and the timeline
 * completes while the page watches; a research run shows the branches that read its topics. Each
 * test leaves a screenshot in target/browser-screenshots.
 */
class DevtoolsPageIT extends PageTest {

    private static final String OPERATOR = "manager:manager-password";

    static final RunningServer SERVER = RunningServer.with(
            "cruxDevtools", "/crux-sample/api/flows", s -> s.deploy(Path.of(System.getProperty("sample.war"))));

    /** Starts the server only when there is a browser to drive (as SamplePagesIT). */
    @RegisterExtension
    static final Extension SERVER_IF_BROWSER = new ServerIfBrowser(SERVER);

    @Test
    void anExpenseRunsTimelineShowsTheCurrencyStepsFailedAttemptAndTheRetryThatWorked() {
        String id = submitClaim();
        signIn();
        page("#/runs/" + id);

        WebElement convert = await("the currency step with two attempts")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> browser.driver.findElement(
                                By.cssSelector("#timeline .tl-row[data-label='convert-currency']")),
                        row -> "2".equals(row.getAttribute("data-attempts")));
        List<String> segments = convert.findElements(By.cssSelector(".seg")).stream()
                .map(s -> s.getAttribute("data-type"))
                .toList();
        assertThat(segments)
                .as("failed attempt, retry wait, attempt that worked")
                .containsSubsequence("failed", "ok");
        WebElement failed = convert.findElement(By.cssSelector(".seg.failed"));
        assertThat(failed.getAttribute("data-attempt")).isEqualTo("1");
        assertThat(failed.getAttribute("title")).contains("rate service temporarily unavailable (HTTP 503)");
        assertThat(convert.findElement(By.cssSelector(".seg.ok")).getAttribute("data-attempt"))
                .isEqualTo("2");

        // the failed attempt's message, expanded with the keyboard
        WebElement summary = convert.findElement(By.cssSelector("details.attempts summary"));
        summary.sendKeys(" ");
        WebElement attempt = convert.findElement(By.cssSelector("details.attempts li[data-attempt='1']"));
        await().atMost(Duration.ofSeconds(5)).until(attempt::isDisplayed);
        assertThat(attempt.getText()).contains("Attempt 1").contains("HTTP 503");

        // the header; cancelling asks first, and the run ends as cancelled
        assertThat(text("run-header")).contains("expense-approval").contains("SUSPENDED");
        browser.driver.findElement(By.id("cancel")).click();
        WebElement confirm = browser.driver.findElement(By.id("cancel-confirm"));
        assertThat(browser.driver.switchTo().activeElement())
                .as("focus on the confirmation")
                .isEqualTo(confirm);
        assertThat(((Map<?, ?>) Json.object(SERVER.get()
                                        .get("/crux-sample/api/expenses/" + id)
                                        .body())
                                .get("run"))
                        .get("status"))
                .as("nothing cancelled before the confirmation")
                .isEqualTo("SUSPENDED");
        confirm.click();
        await("the run cancelled, as the page tells")
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(
                        () -> browser.driver.findElement(By.id("run-header")).getAttribute("data-status"),
                        "CANCELLED"::equals);
        assertThat(browser.driver.findElements(By.id("cancel"))).isEmpty();

        // the run in the list, with the counts by status as chips
        page("#/runs?flow=expense-approval");
        WebElement row = await("the run in the list")
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> browser.driver.findElement(By.cssSelector("#runs tr[data-run='" + id + "']")), r -> true);
        assertThat(row.getAttribute("data-status")).isEqualTo("CANCELLED");
        WebElement chip = browser.driver.findElement(By.cssSelector("#counts .chip[data-status='CANCELLED']"));
        assertThat(chip.getText()).matches("CANCELLED [1-9][0-9]*");
        chip.click();
        await("the list filtered by the chip's status")
                .atMost(Duration.ofSeconds(20))
                .until(() -> browser.driver.getCurrentUrl().endsWith("#/runs?flow=expense-approval&status=CANCELLED"));
        await("the filtered list")
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> browser.driver.findElements(By.cssSelector("#runs tr")).stream()
                                .allMatch(r -> "CANCELLED".equals(r.getAttribute("data-status")))
                        && !browser.driver
                                .findElements(By.cssSelector("#runs tr[data-run='" + id + "']"))
                                .isEmpty());
        row = browser.driver.findElement(By.cssSelector("#runs tr[data-run='" + id + "']"));
        // the list is live: a claim submitted now appears at the top, without a reload
        page("#/runs?flow=expense-approval");
        await("the list following the devtools stream")
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> browser.driver.findElement(By.id("live")).getAttribute("data-state"), "open"::equals);
        await("the list loaded")
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> !browser.driver
                        .findElements(By.cssSelector("#runs tr[data-run='" + id + "']"))
                        .isEmpty());
        String marker = (String)
                browser.driver.executeScript("return document.getElementById('runs').dataset.marker = 'same list';");
        String newer = submitClaim();
        WebElement first = await("the new run at the top of the list")
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(
                        () -> browser.driver.findElement(By.cssSelector("#runs tr:first-child")),
                        r -> newer.equals(r.getAttribute("data-run"))
                                && "SUSPENDED".equals(r.getAttribute("data-status")));
        assertThat(browser.driver.findElement(By.id("runs")).getAttribute("data-marker"))
                .as("the same list, not a reload")
                .isEqualTo(marker);
        assertThat(first.getText()).contains("expense-approval");
        row = browser.driver.findElement(By.cssSelector("#runs tr[data-run='" + id + "']"));
        row.findElement(By.tagName("a")).click();
        await("the run's page from the list")
                .atMost(Duration.ofSeconds(20))
                .until(() -> browser.driver.getCurrentUrl().endsWith("#/runs/" + id));
    }

    @Test
    void theApprovalFormSignalsTheSuspendedRunAndTheTimelineCompletesLive() {
        String id = submitClaim();
        signIn();
        page("#/runs/" + id);

        WebElement form = await("the form of the suspension")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> browser.driver.findElement(
                                By.cssSelector("form#signal-form[data-signal='manager-approval']")),
                        f -> true);
        // generated from the JSON Schema of Approval: a check box, a required text, an optional text
        WebElement approved = form.findElement(By.cssSelector("input[data-path='approved']"));
        WebElement manager = form.findElement(By.cssSelector("input[data-path='manager']"));
        assertThat(approved.getAttribute("type")).isEqualTo("checkbox");
        assertThat(manager.getAttribute("aria-required")).isEqualTo("true");
        assertThat(form.findElement(By.cssSelector("label[for='" + manager.getAttribute("id") + "']"))
                        .getText())
                .contains("Manager");

        // the form checks before it sends: the manager is required
        form.findElement(By.id("signal-send")).click();
        WebElement error = form.findElement(By.cssSelector("[data-error-for='manager']"));
        await("the field's message")
                .atMost(Duration.ofSeconds(10))
                .until(() -> !error.getText().isBlank());
        assertThat(manager.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(browser.driver.switchTo().activeElement()).isEqualTo(manager);
        assertThat(Json.object(SERVER.get()
                                .get("/crux-sample/api/expenses/" + id)
                                .body())
                        .get("run"))
                .as("nothing sent")
                .satisfies(run -> assertThat(((Map<?, ?>) run).get("status")).isEqualTo("SUSPENDED"));

        await("the run page following the run's stream")
                .atMost(Duration.ofSeconds(20))
                .until(() -> browser.driver.findElement(By.id("live")).getAttribute("data-state"), "open"::equals);
        approved.click();
        manager.sendKeys("grace");
        form.findElement(By.cssSelector("[data-path='comment']")).sendKeys("fine");
        form.findElement(By.id("signal-send")).click();

        await("the timeline completed on the page")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> browser.driver.findElement(By.id("timeline")).getAttribute("data-status"),
                        "COMPLETED"::equals);
        assertThat(browser.driver.findElements(By.cssSelector("#timeline .tl-row[data-label='book-payment']")))
                .hasSize(1);
        await("the run's stream ended with the run")
                .atMost(Duration.ofSeconds(20))
                .until(() -> browser.driver.findElement(By.id("live")).getAttribute("data-state"), "ended"::equals);
        assertThat(browser.driver.findElements(By.cssSelector("#timeline .tl-row[data-kind='SUSPENSION']")))
                .as("no longer waiting")
                .isEmpty();
        assertThat(browser.driver.findElement(By.id("suspension")).isDisplayed())
                .isFalse();
        assertThat(browser.driver.findElements(By.id("cancel")))
                .as("an ended run has no cancel")
                .isEmpty();
        assertThat(((Map<?, ?>) Json.object(SERVER.get()
                                        .get("/crux-sample/api/expenses/" + id)
                                        .body())
                                .get("run"))
                        .get("status"))
                .isEqualTo("COMPLETED");
    }

    @Test
    void aResearchRunShowsTheBranchesThatReadItsTopics() {
        HttpResponse<String> asked = SERVER.get()
                .post(
                        "/crux-sample/api/flows/research/actions/ask",
                        "{\"text\":\"How do steps and retry work?\"}",
                        "alice:alice-password");
        assertThat(asked.statusCode()).as(asked.body()).isBetween(200, 202);
        String id = await("the research run completed")
                .atMost(Duration.ofSeconds(60))
                .until(this::latestResearchRun, run -> run != null && "COMPLETED".equals(run.get("status")))
                .get("id")
                .toString();
        signIn();
        page("#/runs/" + id);
        await("the timeline")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> browser.driver.findElement(By.id("timeline")).getAttribute("data-status"),
                        "COMPLETED"::equals);
        // the plan's topics are read two at a time: one row for the map, a row per branch under it
        WebElement map = browser.driver.findElement(By.cssSelector("#timeline .tl-row[data-kind='PARALLEL']"));
        assertThat(map.getAttribute("data-label")).endsWith("/notes");
        int count = Integer.parseInt(map.getAttribute("data-branches"));
        assertThat(count).as("the scripted planner's topics").isGreaterThanOrEqualTo(2);
        List<String> branches = browser.driver.findElements(By.cssSelector("#timeline .tl-row.branch")).stream()
                .map(r -> r.getAttribute("data-label"))
                .toList();
        assertThat(branches).hasSize(count);
        assertThat(branches.get(0)).endsWith("/notes[0]/read");
        assertThat(branches.get(1)).endsWith("/notes[1]/read");
        assertThat(map.findElement(By.cssSelector(".seg.group")).getAttribute("title"))
                .contains(count + " branches");
    }

    @Test
    void thePageAsksForALoginAndAnswersOnlyTheOperator() {
        HttpResponse<String> anonymous = SERVER.get().get("/crux-sample/crux/devtools/");
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWithIgnoringCase("Basic"));
        assertThat(SERVER.get()
                        .get("/crux-sample/crux/devtools/app.js", "alice:alice-password")
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> page = SERVER.get().get("/crux-sample/crux/devtools/", OPERATOR);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<meta name=\"crux-api\" content=\"/crux-sample/api\">");
        assertThat(SERVER.get().get("/crux-sample/crux/client.js").statusCode())
                .as("the client stays public")
                .isEqualTo(200);
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Signs the browser in as the operator: the page answers a BASIC challenge, which Chromium
     * answers from the credentials of the address; the address without them is loaded afterwards.
     */
    private void signIn() {
        URI url = URI.create(SERVER.get().url("/crux-sample/crux/devtools/"));
        String[] userPassword = OPERATOR.split(":");
        browser.driver.get(url.getScheme() + "://" + userPassword[0] + ":" + userPassword[1] + "@" + url.getAuthority()
                + url.getPath());
        await("the devtools page")
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> browser.driver.findElement(By.id("view")), e -> true);
    }

    private void page(String hash) {
        browser.driver.get(SERVER.get().url("/crux-sample/crux/devtools/" + hash));
    }

    private String text(String id) {
        return browser.driver.findElement(By.id(id)).getText();
    }

    private Map<String, Object> latestResearchRun() {
        HttpResponse<String> r = SERVER.get().get("/crux-sample/api/devtools/runs?flow=research&limit=1", OPERATOR);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs =
                (List<Map<String, Object>>) Json.object(r.body()).get("runs");
        return runs.isEmpty() ? null : runs.get(0);
    }

    /** A claim that waits for a manager, submitted over HTTP. */
    private static String submitClaim() {
        HttpResponse<String> r = SERVER.get()
                .post(
                        "/crux-sample/api/expenses",
                        "{\"employee\":\"ada\",\"amount\":120.50,\"currency\":\"USD\",\"description\":\"train\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return (String) Json.object(r.body()).get("id");
    }
}
