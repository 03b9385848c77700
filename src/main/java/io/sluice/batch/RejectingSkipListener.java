package io.sluice.batch;

import org.springframework.batch.core.listener.SkipListener;

/** Writes each record a step skips into the execution's reject file, with its location and reason. */
public class RejectingSkipListener<O> implements SkipListener<SourceRecord<?>, O> {

    private final RejectFiles rejects;

    public RejectingSkipListener(RejectFiles rejects) {
        this.rejects = rejects;
    }

    @Override
    public void onSkipInProcess(SourceRecord<?> item, Throwable t) {
        rejects.current().reject(item.file(), item.location(), reasonOf(t), String.valueOf(item.value()));
    }

    @Override
    public void onSkipInWrite(O item, Throwable t) {
        rejects.current().reject(null, null, "rejected by the database: " + reasonOf(t), String.valueOf(item));
    }

    @Override
    public void onSkipInRead(Throwable t) {
        rejects.current().reject(null, null, reasonOf(t), null);
    }

    private static String reasonOf(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
