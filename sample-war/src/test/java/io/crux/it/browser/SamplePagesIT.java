package io.crux.it.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

import io.crux.it.support.Json;
import io.crux.it.support.RunningServer;

/**
 * The sample's pages in headless Chromium, on the sample WAR in a server of the suite's kind: the
 * help desk's answer streams into the page before its request completes; a connection dropped in
 * the middle of a stream (DevTools' offline mode) resumes with nothing twice and nothing missing;
 * the approvals inbox approves a claim and the claim's run completes; a 400 shows the field's
 * message in the form. Each test leaves a screenshot in target/browser-screenshots.
 */
class SamplePagesIT extends PageTest {

    private static final String ANSWER =
            "Submit the claim with POST /api/expenses; claims over 50 EUR wait for a manager's approval.";

    /** The help desk answers a word every 100 ms here, so that a drop lands in the middle of an answer. */
    static final RunningServer SERVER = RunningServer.with(
                    "cruxBrowser", "/crux-sample/api/flows", s -> s.deploy(Path.of(System.getProperty("sample.war"))))
            .env(Map.of("SAMPLE_HELP_DESK_WORD_PAUSE", "PT0.1S"));

    /**
     * Starts the server only when there is a browser to drive: without one, each test is reported
     * skipped with the reason (its {@code Browser.start()}), or the class fails with
     * {@code -Dbrowser.required=true}.
     */
    @RegisterExtension
    static final Extension SERVER_IF_BROWSER = new ServerIfBrowser(SERVER);

    @Test
    void theHelpDeskAnswerAppearsTokenByTokenBeforeTheRequestCompletes() {
        page("/crux-sample/help-desk.html");
        ask("How do I file an expense?");

        // one reading of the page: the assistant's message in progress, with some words and not all
        Map<String, Object> partial = await("a partial answer on the page while the request runs")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        this::assistantAndRequest,
                        s -> "in_progress".equals(s.get("itemStatus"))
                                && !((String) s.get("text")).isEmpty()
                                && ((String) s.get("text")).length() < ANSWER.length());
        assertThat((String) partial.get("text"))
                .satisfies(t -> assertThat(ANSWER).startsWith(t));
        assertThat(partial.get("requestStatus")).isNotEqualTo("completed");

        awaitRequest("completed");
        assertThat(assistantAndRequest()).containsEntry("text", ANSWER).containsEntry("itemStatus", "completed");
        await("the progress panel after state.changed")
                .atMost(Duration.ofSeconds(10))
                .until(() -> text("questions"), "1"::equals);

        // the conversation reloads after a refresh: its session id is in the URL
        browser.driver.navigate().refresh();
        await("the history after a reload")
                .atMost(Duration.ofSeconds(20))
                .until(this::itemTypes, types -> types.size() == 3);
        assertThat(itemTypes()).containsExactly("message:user", "status:", "message:assistant");
        assertThat(assistantAndRequest()).containsEntry("text", ANSWER);
        await().atMost(Duration.ofSeconds(10)).until(() -> text("questions"), "1"::equals);

        // a reload in the middle of the next answer: the page follows the running request again
        ask("How do I reset my password?");
        await("the second answer streaming")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> browser.driver
                                .findElements(By.cssSelector("#chat li[data-role='assistant']"))
                                .size()
                        == 2);
        await("the second answer in progress")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> browser.driver
                                .findElements(
                                        By.cssSelector("#chat li[data-role='assistant'][data-status='in_progress']"))
                                .size()
                        == 1);
        browser.driver.navigate().refresh();
        await("the second answer finished after the reload")
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> browser
                                .driver
                                .findElements(
                                        By.cssSelector("#chat li[data-role='assistant'][data-status='completed']"))
                                .stream()
                                .map(WebElement::getText)
                                .toList(),
                        texts -> texts.size() == 2);
        assertThat(itemTypes())
                .containsExactly(
                        "message:user", "status:", "message:assistant", "message:user", "status:", "message:assistant");
        assertThat(browser.driver
                        .findElements(By.cssSelector("#chat li[data-role='assistant']"))
                        .get(1)
                        .getText())
                .isEqualTo("Use the self-service portal to reset your password; it takes about five minutes.");
        await().atMost(Duration.ofSeconds(10)).until(() -> text("questions"), "2"::equals);

        // the same page on a phone's width: one column (a screenshot to look at, not an assertion)
        browser.driver.manage().window().setSize(new Dimension(390, 844));
        browser.screenshot(getClass().getSimpleName() + "-help-desk-narrow");
    }

    @Test
    void aConnectionDroppedInTheMiddleOfAnAnswerResumesWithNothingTwiceAndNothingMissing() {
        URI server = URI.create(SERVER.get().url("/"));
        try (DroppingProxy proxy = new DroppingProxy(server.getHost(), server.getPort())) {
            browser.driver.get("http://127.0.0.1:" + proxy.port() + "/crux-sample/help-desk.html");
            ask("How do I file an expense?");
            await("the answer streaming")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20))
                    .until(
                            this::assistantAndRequest,
                            s -> "in_progress".equals(s.get("itemStatus")) && !((String) s.get("text")).isEmpty());

            // the network goes away in the middle of the answer: the open stream is reset, and
            // reconnecting fails while the browser is offline (DevTools), so the client backs off
            browser.offline(true);
            try {
                assertThat(proxy.dropAll()).isPositive();
                await("the client noticing the drop")
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> attribute("connection", "data-state"), "reconnecting"::equals);
                assertThat(attribute("request-status", "data-status")).isEqualTo("in_progress");
                browser.screenshot(getClass().getSimpleName() + "-offline");
            } finally {
                browser.offline(false);
            }

            awaitRequest("completed");
            assertThat(Integer.parseInt(attribute("connection", "data-reconnects")))
                    .isPositive();
            assertThat(attribute("connection", "data-gaps"))
                    .as("numbers missing in the folded events")
                    .isEqualTo("0");
            // the first stream starts from the beginning; every reconnect resumes after an event it had
            String requestId = attribute("request-status", "data-request-id");
            assertThat(requestId).isNotBlank();
            List<Optional<String>> lastEventIds = proxy.streamRequests();
            assertThat(lastEventIds).as("the streams' Last-Event-IDs").hasSizeGreaterThan(1);
            assertThat(lastEventIds.get(0)).isEmpty();
            assertThat(lastEventIds.subList(1, lastEventIds.size()))
                    .allSatisfy(id -> assertThat(id).hasValueSatisfying(v -> {
                        assertThat(v).startsWith(requestId + ":");
                        assertThat(Long.parseLong(v.substring(requestId.length() + 1)))
                                .as("resumed after event")
                                .isPositive();
                    }));
            assertThat(itemTypes()).containsExactly("message:user", "status:", "message:assistant");
            assertThat(assistantAndRequest()).containsEntry("text", ANSWER).containsEntry("itemStatus", "completed");
            List<String> ids = browser.driver.findElements(By.cssSelector("#chat li")).stream()
                    .map(li -> li.getAttribute("data-item-id"))
                    .toList();
            assertThat(ids).doesNotHaveDuplicates().hasSize(3);
            await("the progress panel").atMost(Duration.ofSeconds(10)).until(() -> text("questions"), "1"::equals);
        }
    }

    @Test
    void theHelpDeskAnswersAFollowUpFromItsHistoryAndDrawsATicketWithACustomRenderer() {
        page("/crux-sample/help-desk.html");
        ask("I forgot my password");
        awaitRequest("completed");
        // no topic of its own: the model sees the earlier question in the session's history
        ask("How long does that take?");
        await("the follow-up's answer")
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> browser.driver.findElements(By.cssSelector("#chat li[data-role='assistant']")).stream()
                                .map(WebElement::getText)
                                .toList(),
                        answers -> answers.size() == 2
                                && answers.get(1).startsWith("About your earlier question on password:"));
        awaitRequest("completed");

        ask("Where is the canteen?");
        WebElement ticket = await("the ticket, drawn by the page's renderer of component:ticket")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> browser.driver.findElement(By.cssSelector("#chat li.ticket")), WebElement::isDisplayed);
        assertThat(ticket.getAttribute("data-type")).isEqualTo("component");
        assertThat(ticket.getAttribute("data-ticket-status")).isEqualTo("open");
        assertThat(ticket.getText()).startsWith("Ticket T-").contains("(open): Where is the canteen?");
        browser.screenshot(getClass().getSimpleName() + "-help-desk-ticket");
    }

    @Test
    void theResearchAssistantShowsItsReadsToolCallsAndTheStreamedReport() {
        page("/crux-sample/research.html");
        browser.driver.findElement(By.id("send")).click();
        await("the report")
                .atMost(Duration.ofSeconds(60))
                .until(() -> attribute("report", "data-status"), "completed"::equals);
        awaitRequest("completed");
        assertThat(text("report")).startsWith("[scripted model").contains("From the notes");
        List<String> steps = browser.driver.findElements(By.cssSelector("#steps li")).stream()
                .map(li -> li.getAttribute("data-type"))
                .toList();
        assertThat(steps).contains("status", "tool_call", "tool_output");
        assertThat(text("steps")).contains("lookup");
        await("the plan").atMost(Duration.ofSeconds(10)).until(() -> text("plan"), t -> t.contains("retry"));
    }

    @Test
    void theInboxApprovesAClaimAndTheClaimsRunCompletes() {
        String id = submitClaim();
        page("/crux-sample/approvals.html");
        WebElement form = claimForm(id);
        form.findElement(By.name("manager")).sendKeys("grace");
        form.findElement(By.name("comment")).sendKeys("fine");
        form.findElement(By.name("approve")).click();

        await("the run completed, as the page tells")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> form.findElements(By.cssSelector("[data-run-status]")).stream()
                                .map(e -> e.getAttribute("data-run-status"))
                                .findFirst()
                                .orElse(""),
                        "COMPLETED"::equals);
        assertThat(form.findElement(By.cssSelector(".outcome")).getText())
                .contains("Approved")
                .contains("PAY-");
        Map<String, Object> claim =
                Json.object(SERVER.get().get("/crux-sample/api/expenses/" + id).body());
        assertThat(((Map<?, ?>) claim.get("run")).get("status")).isEqualTo("COMPLETED");

        browser.driver.navigate().refresh();
        await("the inbox loaded again")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> "true".equals(attribute("claims", "data-loaded")));
        assertThat(browser.driver.findElements(By.id("inbox-problem")).get(0).getText())
                .as("the inbox loaded without a problem")
                .isEmpty();
        assertThat(browser.driver.findElements(By.cssSelector("form[data-run='" + id + "']")))
                .as("a decided claim leaves the inbox")
                .isEmpty();
    }

    @Test
    void aRejectedInputShowsTheFieldsMessageInTheFormAndAnAlreadyDecidedClaimSays409() {
        String id = submitClaim();
        page("/crux-sample/approvals.html");
        WebElement form = claimForm(id);
        form.findElement(By.name("approve")).click(); // no name: the server's Bean Validation answers 400

        WebElement message = form.findElement(By.cssSelector("[data-error-for='manager']"));
        await("the field's message")
                .atMost(Duration.ofSeconds(20))
                .until(() -> !message.getText().isBlank());
        assertThat(message.getText()).isEqualTo("must not be blank");
        assertThat(form.findElement(By.name("manager")).getAttribute("aria-invalid"))
                .isEqualTo("true");

        // someone else decides meanwhile; this page's decision then meets 409
        HttpResponse<String> other = SERVER.get()
                .post(
                        "/crux-sample/api/flows/runs/" + id + "/signals/manager-approval",
                        "{\"approved\":false,\"manager\":\"carol\",\"comment\":\"no\"}",
                        "manager:manager-password");
        assertThat(other.statusCode()).isEqualTo(200);
        form.findElement(By.name("manager")).sendKeys("grace");
        form.findElement(By.name("approve")).click();
        await("the 409 message")
                .atMost(Duration.ofSeconds(20))
                .until(() -> form.findElements(By.cssSelector("[data-problem='409']"))
                                .size()
                        == 1);
        assertThat(form.findElement(By.cssSelector("[data-problem='409']")).getText())
                .contains("already decided");
    }

    // ------------------------------------------------------------------ helpers

    private void page(String path) {
        browser.driver.get(SERVER.get().url(path));
    }

    private void ask(String question) {
        WebElement text = await().atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> browser.driver.findElement(By.id("text")), WebElement::isDisplayed);
        text.sendKeys(question);
        browser.driver.findElement(By.id("send")).click();
    }

    private void awaitRequest(String status) {
        await("request " + status)
                .atMost(Duration.ofSeconds(60))
                .until(
                        () -> browser.driver
                                .findElement(By.id("request-status"))
                                .getAttribute("data-status"),
                        status::equals);
    }

    private String attribute(String id, String name) {
        return browser.driver.findElement(By.id(id)).getAttribute(name);
    }

    private String text(String id) {
        return browser.driver.findElement(By.id(id)).getText();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> assistantAndRequest() {
        return (Map<String, Object>) browser.driver.executeScript("""
                const li = document.querySelector('#chat li[data-role="assistant"]');
                return { text: li ? li.textContent : '', itemStatus: li ? li.dataset.status : '',
                         requestStatus: document.getElementById('request-status').dataset.status };
                """);
    }

    private List<String> itemTypes() {
        return browser.driver.findElements(By.cssSelector("#chat li")).stream()
                .map(li -> li.getAttribute("data-type") + ":"
                        + (li.getAttribute("data-role") == null ? "" : li.getAttribute("data-role")))
                .toList();
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

    private WebElement claimForm(String id) {
        AtomicReference<WebElement> form = new AtomicReference<>();
        await("claim " + id + " in the inbox")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> {
                    form.set(browser.driver.findElement(By.cssSelector("form[data-run='" + id + "']")));
                    return true;
                });
        return form.get();
    }
}
