package io.sluice.batch;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadAheadTest {

    @Test
    void every_item_is_handed_out_once_in_the_order_produced_across_batches_then_null() throws Exception {
        // given a producer of 1,000 items, more than the queue holds at once
        AtomicInteger made = new AtomicInteger();
        Supplier<Integer> producer = () -> made.get() < 1000 ? made.getAndIncrement() : null;

        // when
        List<Integer> read = new ArrayList<>();
        try (ReadAhead<Integer> ahead = ReadAhead.start("test.read-ahead", 64, 4, producer)) {
            for (Integer item = ahead.next(); item != null; item = ahead.next()) {
                read.add(item);
            }

            // then
            assertThat(ahead.next()).as("after the last item").isNull();
        }
        assertThat(read).isEqualTo(IntStream.range(0, 1000).boxed().toList());
    }

    @Test
    void what_the_producer_throws_reaches_the_consumer_after_the_items_made_before_it() throws Exception {
        // given
        AtomicInteger made = new AtomicInteger();
        IllegalStateException failure = new IllegalStateException("the source went away");
        Supplier<Integer> producer = () -> {
            if (made.get() == 100) {
                throw failure;
            }
            return made.getAndIncrement();
        };

        try (ReadAhead<Integer> ahead = ReadAhead.start("test.read-ahead", 64, 4, producer)) {
            // when
            List<Integer> read = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                read.add(ahead.next());
            }

            // then
            assertThat(read).isEqualTo(IntStream.range(0, 100).boxed().toList());
            assertThatThrownBy(ahead::next).isSameAs(failure);
            assertThatThrownBy(ahead::next).as("asked again").isSameAs(failure);
        }
    }

    @Test
    void an_error_of_the_producer_reaches_the_consumer_instead_of_leaving_it_waiting() {
        // given
        StackOverflowError error = new StackOverflowError();
        Supplier<Integer> producer = () -> {
            throw error;
        };

        // when
        try (ReadAhead<Integer> ahead = ReadAhead.start("test.read-ahead", 64, 4, producer)) {
            // then
            assertThatThrownBy(ahead::next).isSameAs(error);
        }
    }

    @Test
    void close_stops_a_producer_waiting_on_the_full_queue_and_returns_once_its_thread_has_ended() throws Exception {
        // given a producer without end, a few of its items read
        AtomicReference<Thread> producing = new AtomicReference<>();
        AtomicInteger made = new AtomicInteger();
        ReadAhead<Integer> ahead = ReadAhead.start("test.read-ahead", 8, 2, () -> {
            producing.set(Thread.currentThread());
            return made.getAndIncrement();
        });
        assertThat(ahead.next()).isZero();
        assertThat(ahead.next()).isOne();

        // when
        ahead.close();

        // then
        assertThat(producing.get().isAlive()).isFalse();
        assertThatThrownBy(ahead::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        ahead.close(); // again: nothing happens
    }

    @Test
    void close_on_an_interrupted_thread_still_waits_for_the_producer_to_end_and_keeps_the_interrupt() throws Exception {
        // given
        AtomicReference<Thread> producing = new AtomicReference<>();
        ReadAhead<String> ahead = ReadAhead.start("test.read-ahead", 8, 2, () -> {
            producing.set(Thread.currentThread());
            return "item";
        });
        assertThat(ahead.next()).isEqualTo("item");

        // when
        Thread.currentThread().interrupt();
        ahead.close();

        // then
        assertThat(Thread.interrupted()).as("the interrupt is kept (and cleared here)").isTrue();
        assertThat(producing.get().isAlive()).isFalse();
    }

    @Test
    void an_interrupt_of_the_consumer_waiting_for_an_item_ends_its_wait() {
        // given a producer that never hands over a whole batch
        AtomicInteger made = new AtomicInteger();
        try (ReadAhead<Integer> ahead = ReadAhead.start("test.read-ahead", 64, 2, () -> {
            if (made.get() == 1) {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.onSpinWait(); // a slow source, until close()
                }
                return null;
            }
            return made.getAndIncrement();
        })) {
            // when
            Thread.currentThread().interrupt();

            // then
            assertThatThrownBy(ahead::next).isInstanceOf(InterruptedException.class);
        }
    }
}
