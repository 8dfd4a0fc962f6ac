package io.crux.ee.langchain4j.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Generators are blocks like any other: they run against the API's BlockContext, not the engine. */
@AnalyzeClasses(packages = "io.crux.ee.langchain4j", importOptions = ImportOption.DoNotIncludeTests.class)
class LangChain4jArchitectureTest {

    @ArchTest
    static final ArchRule blocksNotEngine = noClasses()
            .that()
            .resideInAPackage("io.crux.ee.langchain4j..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.crux.ee.engine..",
                    "io.crux.ee.cdi..",
                    "io.crux.ee.persistence..",
                    "io.crux.ee.sse..",
                    "io.crux.ee.testkit..",
                    "io.crux.ee.service..")
            .because("a generator finds what it needs through BlockContext.service");

    @ArchTest
    static final ArchRule theSpiStandsBelow = noClasses()
            .that()
            .resideInAPackage("io.crux.ee.langchain4j.spi..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.crux.ee.langchain4j", "io.crux.ee.langchain4j.cdi..");

    @ArchTest
    static final ArchRule noCycles =
            slices().matching("io.crux.ee.langchain4j.(**)").should().beFreeOfCycles();
}
