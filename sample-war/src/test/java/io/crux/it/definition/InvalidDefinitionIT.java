package io.crux.it.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.crux.it.support.AppServer;
import io.crux.it.support.Deployments;

/** Bad flow definitions fail the deployment with the promised messages, in the server's log. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class InvalidDefinitionIT {

    @BeforeAll
    static void notOnPayara() {
        assumeFalse(
                "payara".equals(AppServer.kind()),
                "reads why a deployment failed from the server's log (Liberty's messages.log, WildFly's server.log);"
                        + " the Payara Micro adapter starts a server per deployment and keeps its output to itself"
                        + " (README, Payara)");
    }

    @ArquillianResource
    Deployer deployer;

    @Deployment(name = "duplicate", managed = false, testable = false)
    static WebArchive duplicate() {
        return Deployments.war("it-bad-duplicate", TwiceA.class, TwiceB.class);
    }

    @Deployment(name = "signature", managed = false, testable = false)
    static WebArchive signature() {
        return Deployments.war("it-bad-signature", BadSignatureFlow.class);
    }

    @Deployment(name = "no-actions", managed = false, testable = false)
    static WebArchive noActions() {
        return Deployments.war("it-bad-no-actions", NoActionsFlow.class);
    }

    @Deployment(name = "unknown-flow", managed = false, testable = false)
    static WebArchive unknownFlow() {
        return Deployments.war("it-bad-unknown", UnknownFlowUser.class);
    }

    @Deployment(name = "conflicting-state", managed = false, testable = false)
    static WebArchive conflictingState() {
        return Deployments.war(
                "it-bad-state",
                ConflictingStateFlow.class,
                ConflictingStateFlow.Ticket.class,
                ConflictingStateFlow.Triage.class);
    }

    @Test
    void twoFlowsWithOneNameFailDeploymentNamingBothClasses() throws IOException {
        assertThat(failureOf("duplicate", "it-bad-duplicate"))
                .contains(
                        "CRUX0001E",
                        "'twice'",
                        "TwiceA",
                        "TwiceB",
                        "Give one of the @FlowDefinition annotations another name");
    }

    @Test
    void actionWithAnUnusableSignatureFailsDeploymentNamingTheMethod() throws IOException {
        assertThat(failureOf("signature", "it-bad-signature"))
                .contains("CRUX0002E", "BadSignatureFlow.go", "takes 2 parameter(s)", "FlowScope<I>");
    }

    @Test
    void definitionWithoutActionsFailsDeployment() throws IOException {
        assertThat(failureOf("no-actions", "it-bad-no-actions"))
                .contains("CRUX0003E", "NoActionsFlow", "Implement FlowHandler<I, O>");
    }

    @Test
    void injectionOfAnUnknownFlowFailsDeployment() throws IOException {
        assertThat(failureOf("unknown-flow", "it-bad-unknown"))
                .contains("CRUX0006E", "'does-not-exist'", "UnknownFlowUser.handle");
    }

    @Test
    void aStateKeyDeclaredWithTwoTypesFailsDeploymentNamingBothDeclarations() throws IOException {
        assertThat(failureOf("conflicting-state", "it-bad-state"))
                .contains(
                        "CRUX0230E",
                        "'conflicting-state'",
                        "'priority'",
                        "java.lang.String in Ticket (the flow class " + ConflictingStateFlow.class.getName() + ")",
                        "int in Triage (the action 'triage'");
    }

    /**
     * Deploys, expects the deployment to fail, and returns what the server logged about that
     * failure: the Arquillian exception carries only the outer exception, the server log has ours.
     */
    private String failureOf(String deployment, String app) throws IOException {
        String marker = failureMarker(app);
        int before = logged(marker).size();
        Throwable failure = catchThrowable(() -> deployer.deploy(deployment));
        try {
            deployer.undeploy(deployment);
        } catch (RuntimeException ignored) {
            // a failed application may already be gone
        }
        assertThat(failure).as("deployment %s must fail", deployment).isNotNull();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> logged(marker).size() > before);
        List<String> reports = logged(marker);
        return reports.get(reports.size() - 1);
    }

    /** What the server logs first when the application {@code app} fails to start. */
    private static String failureMarker(String app) {
        return switch (AppServer.kind()) {
            case "wildfly" -> "Failed to start service jboss.deployment.unit.\"" + app + ".war\"";
            default -> "CWWKZ0002E: An exception occurred while starting the application " + app + ".";
        };
    }

    /**
     * The log excerpts that start with {@code marker}, oldest first, across rotated logs: 4000
     * characters on Liberty; on WildFly the failure's causes come after a long stack trace, so more.
     */
    private static List<String> logged(String marker) throws IOException {
        boolean wildfly = "wildfly".equals(AppServer.kind());
        Path logs = wildfly
                ? Path.of(System.getProperty("wildfly.home"), "standalone/log")
                : Path.of(System.getProperty("wlp.home"), "usr/servers", System.getProperty("liberty.server"), "logs");
        String prefix = wildfly ? "server.log" : "messages";
        int length = wildfly ? 40_000 : 4000;
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(logs)) {
            List<Path> ordered = files.filter(p -> p.getFileName().toString().startsWith(prefix))
                    .sorted(Comparator.comparing(InvalidDefinitionIT::modified))
                    .toList();
            for (Path f : ordered) {
                String text = Files.readString(f);
                for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
                    found.add(text.substring(at, Math.min(text.length(), at + length)));
                }
            }
        }
        return found;
    }

    private static FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
