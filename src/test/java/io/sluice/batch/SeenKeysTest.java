package io.sluice.batch;

import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class SeenKeysTest {

    private final TransactionTemplate chunk = new TransactionTemplate(new DataSourceTransactionManager(
            new DriverManagerDataSource("jdbc:hsqldb:mem:seen-keys", "SA", "")));

    @Test
    void keys_added_in_a_chunk_that_rolls_back_are_new_again_and_those_of_a_committed_chunk_stay_seen() {
        // given
        SeenKeys seen = SeenKeys.rolledBackWithTransaction();
        chunk.executeWithoutResult(status -> seen.add("kept"));

        // when a chunk adds keys, then rolls back
        chunk.executeWithoutResult(status -> {
            assertThat(seen.add("run_1")).isTrue();
            assertThat(seen.add("run_2")).isTrue();
            assertThat(seen.add("kept")).isFalse();
            status.setRollbackOnly();
        });

        // then its keys are new to the next chunk (its records are written again), the committed one is not
        chunk.executeWithoutResult(status -> {
            assertThat(seen.add("run_1")).isTrue();
            assertThat(seen.add("run_2")).isTrue();
            assertThat(seen.add("kept")).isFalse();
        });
        assertThat(seen.add("run_1")).isFalse();
        assertThat(seen.size()).isEqualTo(3);
    }

    @Test
    void plain_seen_keys_keep_what_a_rolled_back_transaction_added() {
        // given
        SeenKeys seen = new SeenKeys();

        // when
        chunk.executeWithoutResult(status -> {
            seen.add("a");
            status.setRollbackOnly();
        });

        // then
        assertThat(seen.add("a")).isFalse();
    }
}
