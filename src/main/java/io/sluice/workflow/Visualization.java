package io.sluice.workflow;

import java.nio.file.Path;

/** Data Wrangler's visualization node: not built yet. */
final class Visualization {

    private Visualization() {
    }

    static BlockingNode of(Settings settings, Schema input, Path baseDir) {
        settings.problem("is a visualization, which sluice cannot draw yet");
        return null;
    }
}
