package io.sluice.batch;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionTest {

    private static final List<Partition> THREE = IntStream.range(0, 3).mapToObj(index -> new Partition(index, 3)).toList();

    @Test
    void everyKeyBelongsToExactlyOnePartition() {
        for (int i = 0; i < 1000; i++) {
            String key = "run_" + i;
            assertThat(THREE.stream().filter(partition -> partition.owns(key))).as(key).hasSize(1);
        }
    }

    @Test
    void theKeysSpreadOverThePartitions() {
        for (Partition partition : THREE) {
            long owned = IntStream.range(0, 3000).filter(i -> partition.owns("run_" + i)).count();
            assertThat(owned).as(partition.name()).isBetween(800L, 1200L);
        }
    }

    @Test
    void aRecordWithoutAKeyBelongsToTheFirst() {
        assertThat(THREE).filteredOn(partition -> partition.owns(null)).containsExactly(THREE.get(0));
        assertThat(THREE.get(0).isFirst()).isTrue();
        assertThat(Partition.WHOLE.owns("anything")).isTrue();
    }

    @Test
    void isNamedForItsStep() {
        assertThat(THREE.get(1).name()).isEqualTo("part-2-of-3");
        assertThatThrownBy(() -> new Partition(3, 3)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Partition(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
