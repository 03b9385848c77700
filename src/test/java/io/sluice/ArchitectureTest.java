package io.sluice;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** Which packages may depend on which: features reach each other only through their public entry points. */
class ArchitectureTest {

    private static final JavaClasses SLUICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sluice");

    @Test
    void persistenceDependsOnNoFeature() {
        noClasses().that().resideInAPackage("io.sluice.persistence..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sluice.runner..", "io.sluice.monitoring..", "io.sluice.migration..")
                .check(SLUICE);
    }

    @Test
    void jobsKnowNothingOfTheRunnerOrTheMonitoring() {
        noClasses().that().resideInAPackage("io.sluice.migration..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sluice.runner..", "io.sluice.monitoring..")
                .check(SLUICE);
    }

    @Test
    void monitoringOnlyReadsAndKnowsNothingOfTheRunnerOrTheJobs() {
        noClasses().that().resideInAPackage("io.sluice.monitoring..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sluice.runner..", "io.sluice.migration..")
                .check(SLUICE);
    }

    @Test
    void oneStoreMigrationNeverReachesIntoAnother() {
        slices().matching("io.sluice.migration.(*)..").should().notDependOnEachOther().check(SLUICE);
    }
}
