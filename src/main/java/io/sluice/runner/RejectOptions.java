package io.sluice.runner;

import picocli.CommandLine.Option;

/** The option that makes a job which completed with rejected records exit with code 3. */
class RejectOptions {

    @Option(names = "--fail-on-rejects",
            description = "Exit with code 3 when the job completed but rejected some records (default: exit 0 and say how many).")
    boolean failOnRejects;
}
