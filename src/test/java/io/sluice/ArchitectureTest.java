package io.sluice;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Which packages may depend on which. A job family (migration now; workflow and schema next) plugs a
 * {@code JobFamily} into the batch kit and depends only on the kit, persistence and the root package;
 * the runner and the monitoring reach families only through the execution service and the kit, so
 * that adding a family touches neither.
 */
class ArchitectureTest {

    private static final String[] FAMILIES = {"io.sluice.migration..", "io.sluice.workflow..", "io.sluice.schema.."};
    private static final String[] CHANNELS = {"io.sluice.runner..", "io.sluice.monitoring..", "io.sluice.web.."};

    private static final JavaClasses SLUICE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.sluice");

    @Test
    void persistence_depends_on_nothing_of_sluice_but_the_root_package() {
        noClasses().that().resideInAPackage("io.sluice.persistence..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(FAMILIES, CHANNELS, "io.sluice.batch..", "io.sluice.execution.."))
                .check(SLUICE);
    }

    @Test
    void the_batch_kit_knows_no_family_no_channel_and_no_execution_service() {
        noClasses().that().resideInAPackage("io.sluice.batch..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(FAMILIES, CHANNELS, "io.sluice.execution.."))
                .check(SLUICE);
    }

    @Test
    void families_depend_only_on_the_kit_persistence_and_the_root_package() {
        noClasses().that().resideInAnyPackage(FAMILIES)
                .should().dependOnClassesThat().resideInAnyPackage(concat(CHANNELS, "io.sluice.execution.."))
                .check(SLUICE);
    }

    @Test
    void families_never_reach_into_each_other() {
        slices().matching("io.sluice.(migration|workflow|schema)..").should().notDependOnEachOther().check(SLUICE);
    }

    @Test
    void the_execution_service_finds_families_only_through_the_kit() {
        noClasses().that().resideInAPackage("io.sluice.execution..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(FAMILIES, CHANNELS))
                .check(SLUICE);
    }

    @Test
    void the_runner_and_the_monitoring_depend_on_no_family() {
        noClasses().that().resideInAnyPackage(CHANNELS)
                .should().dependOnClassesThat().resideInAnyPackage(FAMILIES)
                .check(SLUICE);
    }

    @Test
    void the_monitoring_only_reads_and_knows_nothing_of_the_runner() {
        noClasses().that().resideInAPackage("io.sluice.monitoring..")
                .should().dependOnClassesThat().resideInAnyPackage("io.sluice.runner..")
                .check(SLUICE);
    }

    @Test
    void one_store_migration_never_reaches_into_another() {
        slices().matching("io.sluice.migration.(*)..").should().notDependOnEachOther().check(SLUICE);
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    private static String[] concat(String[] first, String[] second, String... more) {
        return concat(concat(first, second), more);
    }
}
