package io.sluice.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * Runs a producer ahead of its consumer on a thread of its own: the producer's items are put in
 * batches into a bounded queue, and handed out one at a time, in the order produced, by
 * {@link #next()}. A step's thread can then validate and write while the next items are parsed on
 * the other core, and memory stays flat: at most {@code batchesAhead} full batches wait.
 *
 * <p>The producer is called on the read-ahead thread only, one call at a time; it returns the next
 * item, or null when there are no more (the thread then ends). What it throws (an exception or an
 * error) ends the production too: the consumer gets every item produced before it, then the very
 * throwable from {@link #next()}, on its own thread.
 *
 * <p>{@link #close()} stops the thread (by interrupting it, so that a producer blocked on the full
 * queue or in interruptible I/O stops at once) and waits until it has ended: no thread is left
 * running, and the producer's state may be closed after it. An instance is for one consumer thread.
 *
 * @param <T> the items
 */
public final class ReadAhead<T> implements AutoCloseable {

    private final BlockingQueue<List<T>> queue;
    /** Put after the last batch, recognised by identity. */
    private final List<T> end = new ArrayList<>(0);
    private final int batchSize;
    private final Supplier<T> producer;
    private final Thread thread;
    private volatile boolean stopping;
    /** What the producer threw; written before {@link #end} is put, read after it is taken. */
    private Throwable failure;

    private List<T> batch = List.of();
    private int nextInBatch;
    private boolean ended;
    private boolean closed;

    private ReadAhead(String threadName, int batchSize, int batchesAhead, Supplier<T> producer) {
        if (batchSize < 1 || batchesAhead < 1) {
            throw new IllegalArgumentException("batches of " + batchSize + ", " + batchesAhead + " ahead");
        }
        this.batchSize = batchSize;
        this.queue = new ArrayBlockingQueue<>(batchesAhead);
        this.producer = producer;
        this.thread = new Thread(this::produce, threadName);
        this.thread.setDaemon(true);
    }

    /**
     * Starts producing at once, on a daemon thread named {@code threadName}.
     *
     * @param batchSize    items handed over to the consumer at a time (the last batch may hold fewer)
     * @param batchesAhead full batches the producer may be ahead of the consumer before it waits
     * @param producer     the next item, or null after the last one; called on the read-ahead thread only
     * @throws IllegalArgumentException when {@code batchSize} or {@code batchesAhead} is less than 1
     */
    public static <T> ReadAhead<T> start(String threadName, int batchSize, int batchesAhead, Supplier<T> producer) {
        ReadAhead<T> ahead = new ReadAhead<>(threadName, batchSize, batchesAhead, producer);
        ahead.thread.start();
        return ahead;
    }

    /**
     * The next item, in the order produced, waiting for it when the producer has not made it yet;
     * null after the last one (and at every later call).
     *
     * @throws InterruptedException when the consumer's thread is interrupted while it waits
     * @throws RuntimeException     (or an {@link Error}) the very one the producer threw, once the items
     *                              produced before it have been handed out, and at every later call
     * @throws IllegalStateException after {@link #close()}
     */
    public T next() throws InterruptedException {
        if (nextInBatch < batch.size()) {
            return batch.get(nextInBatch++);
        }
        if (closed) {
            throw new IllegalStateException("the read-ahead " + thread.getName() + " is closed");
        }
        if (!ended) {
            List<T> taken = queue.take();
            if (taken != end) {
                batch = taken;
                nextInBatch = 1;
                return taken.get(0);
            }
            ended = true;
            batch = List.of();
            nextInBatch = 0;
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException(failure); // a checked exception a producer threw sneakily
        }
        return null;
    }

    /**
     * Stops the producer and waits until its thread has ended; the items not handed out are dropped.
     * An interrupt of the closing thread does not cut the wait short: it is kept, set again on return.
     * Closing again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        queue.clear();
        batch = List.of();
        nextInBatch = 0;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The read-ahead thread: produces until the last item, a failure or {@link #close()}. */
    private void produce() {
        List<T> out = new ArrayList<>(batchSize);
        try {
            while (!stopping) {
                T item;
                try {
                    item = producer.get();
                } catch (Throwable t) { // handed to the consumer, whatever it is
                    failure = t;
                    item = null;
                }
                if (item == null) {
                    if (!out.isEmpty()) {
                        queue.put(out);
                    }
                    queue.put(end);
                    return;
                }
                out.add(item);
                if (out.size() == batchSize) {
                    queue.put(out);
                    out = new ArrayList<>(batchSize);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() stops us
        }
    }
}
