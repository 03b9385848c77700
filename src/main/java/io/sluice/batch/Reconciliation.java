package io.sluice.batch;

import java.util.ArrayList;
import java.util.List;

/**
 * Source-against-target reconciliation of one entity: counts and an order-independent checksum of
 * the keys on each side, and a few of the keys missing from the target for the message.
 */
public final class Reconciliation {

    private final String entity;
    private long sourceCount;
    private long sourceChecksum;
    private long targetCount;
    private long targetChecksum;
    private final List<String> missing = new ArrayList<>();
    private long missingCount;

    public Reconciliation(String entity) {
        this.entity = entity;
    }

    public void source(String key) {
        sourceCount++;
        sourceChecksum += SeenKeys.hash(key);
    }

    public void target(String key) {
        targetCount++;
        targetChecksum += SeenKeys.hash(key);
    }

    public void missing(String key) {
        missingCount++;
        if (missing.size() < 5) {
            missing.add(key);
        }
    }

    public boolean matches() {
        return sourceCount == targetCount && sourceChecksum == targetChecksum && missingCount == 0;
    }

    /** One line for the step's exit description. */
    public String summary() {
        String counts = entity + ": source " + sourceCount + ", target " + targetCount
                + ", checksum " + (sourceChecksum == targetChecksum ? "equal" : "differs");
        return missingCount == 0 ? counts : counts + ", " + missingCount + " missing (e.g. " + String.join(", ", missing) + ")";
    }
}
