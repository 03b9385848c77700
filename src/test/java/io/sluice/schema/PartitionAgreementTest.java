package io.sluice.schema;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * ARI and AMI against scikit-learn 1.2.1's {@code adjusted_rand_score} and {@code adjusted_mutual_info_score}
 * (arithmetic normalisation) on the same labellings, its special cases included.
 */
class PartitionAgreementTest {

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource(delimiter = ';', value = {
            // truth; predicted; sklearn ARI; sklearn AMI
            "0 0 0 1 1 1; 0 0 1 1 2 2; 0.24242424242424243; 0.2987924581708899",
            "0 0 1 1; 0 0 1 2; 0.5714285714285714; 0.5714285714285715",
            "0 0 1 1; 1 1 0 0; 1.0; 1.0",
            "0 0 0 0; 0 1 2 3; 0.0; 0.0",
            "0 1 2 3; 0 1 2 3; 1.0; 0.0",
            "0 0 1 2 2 2 3 3 1 0; 1 1 0 2 2 2 3 3 0 0; 0.6959459459459459; 0.742698222233696",
            "0 0 0 0 1 1 2 2 2 3; 0 1 0 1 1 2 2 2 3 3; 0.16923076923076924; 0.23858391007235"})
    void both_measures_match_scikit_learn(String truth, String predicted, double ari, double ami) {
        // given
        List<String> t = Arrays.asList(truth.split(" "));
        List<String> p = Arrays.asList(predicted.split(" "));

        // when
        double adjustedRand = PartitionAgreement.adjustedRandIndex(t, p);
        double adjustedMutual = PartitionAgreement.adjustedMutualInformation(t, p);

        // then
        assertThat(adjustedRand).isCloseTo(ari, within(1e-12));
        assertThat(adjustedMutual).isCloseTo(ami, within(1e-9));
    }
}
