package io.crux.ee.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The layers of the core, checked by the build: the API depends on nothing of ours, the SPI only on
 * the API, the engine on neither the container (CDI, JPA, Jakarta REST) nor the layers above it
 * (blocks, persistence, CDI, telemetry, health), the health checks only on the runtime and the
 * engine, and no two packages depend on each other in a circle.
 */
@AnalyzeClasses(packages = "io.crux.ee", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule apiDependsOnNothingOfOurs = classes()
            .that()
            .resideInAPackage("io.crux.ee.api..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "jakarta..", "io.crux.ee.api..")
            .because("users write against the API alone");

    @ArchTest
    static final ArchRule spiDependsOnlyOnTheApi = classes()
            .that()
            .resideInAPackage("io.crux.ee.spi..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "jakarta..", "io.crux.ee.api..", "io.crux.ee.spi..");

    @ArchTest
    static final ArchRule theCatalogStandsAlone = classes()
            .that()
            .resideInAPackage("io.crux.ee.catalog..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage("java..", "io.crux.ee.catalog..");

    @ArchTest
    static final ArchRule engineKnowsNoContainer = noClasses()
            .that()
            .resideInAPackage("io.crux.ee.engine..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "jakarta.enterprise..",
                    "jakarta.inject..",
                    "jakarta.persistence..",
                    "jakarta.transaction..",
                    "jakarta.ws.rs..",
                    "org.eclipse.microprofile..")
            .because("the engine runs in plain Java too: the test kit and the benchmarks run it without a server");

    @ArchTest
    static final ArchRule engineKnowsNothingAbove = classes()
            .that()
            .resideInAPackage("io.crux.ee.engine..")
            .should()
            .onlyDependOnClassesThat()
            .resideOutsideOfPackages(
                    "io.crux.ee.block..",
                    "io.crux.ee.cdi..",
                    "io.crux.ee.persistence..",
                    "io.crux.ee.telemetry..",
                    "io.crux.ee.health..",
                    "io.crux.ee.langchain4j..",
                    "io.crux.ee.testkit..",
                    "io.crux.ee.sse..")
            .because("blocks, persistence, CDI and telemetry are built on the engine, not the other way round");

    @ArchTest
    static final ArchRule blocksUseTheApiNotTheEngine = noClasses()
            .that()
            .resideInAPackage("io.crux.ee.block..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.crux.ee.engine..", "io.crux.ee.persistence..", "io.crux.ee.cdi..")
            .because("a block runs against BlockContext, whatever engine implements it");

    @ArchTest
    static final ArchRule persistenceIsAnSpiImplementation = noClasses()
            .that()
            .resideInAPackage("io.crux.ee.persistence..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.crux.ee.engine..", "io.crux.ee.block..", "io.crux.ee.cdi..");

    @ArchTest
    static final ArchRule healthChecksOnlyRead = classes()
            .that()
            .resideInAPackage("io.crux.ee.health..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                    "java..",
                    "javax.sql..",
                    "jakarta.enterprise..",
                    "jakarta.inject..",
                    "org.eclipse.microprofile.health..",
                    "org.eclipse.microprofile.config..",
                    "io.crux.ee.health..",
                    "io.crux.ee.cdi..",
                    "io.crux.ee.engine..")
            .because("the health checks ask the runtime's engine and datasource, and change nothing");

    @ArchTest
    static final ArchRule nothingDependsOnTheHealthChecks = noClasses()
            .that()
            .resideOutsideOfPackage("io.crux.ee.health..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.crux.ee.health..")
            .because("the server discovers them; the rest of crux-ee runs without MicroProfile Health");

    @ArchTest
    static final ArchRule noCyclesBetweenPackages =
            slices().matching("io.crux.ee.(**)").should().beFreeOfCycles();
}
