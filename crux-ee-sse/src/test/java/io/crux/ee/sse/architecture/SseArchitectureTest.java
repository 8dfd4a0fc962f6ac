package io.crux.ee.sse.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The HTTP API talks to the engine through {@code FlowService} alone, never through the engine's classes. */
@AnalyzeClasses(packages = "io.crux.ee.sse", importOptions = ImportOption.DoNotIncludeTests.class)
class SseArchitectureTest {

    @ArchTest
    static final ArchRule onlyThroughTheFlowService = noClasses()
            .that()
            .resideInAPackage("io.crux.ee.sse..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.crux.ee.engine..",
                    "io.crux.ee.cdi..",
                    "io.crux.ee.persistence..",
                    "io.crux.ee.block..",
                    "io.crux.ee.telemetry..",
                    "io.crux.ee.health..",
                    "io.crux.ee.langchain4j..",
                    "io.crux.ee.testkit..")
            .because("the engine's classes may change; io.crux.ee.service.FlowService is the HTTP API's door");

    @ArchTest
    static final ArchRule noCycles =
            slices().matching("io.crux.ee.sse.(**)").should().beFreeOfCycles();
}
