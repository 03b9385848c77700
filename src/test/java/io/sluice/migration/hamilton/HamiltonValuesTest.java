package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class HamiltonValuesTest {

    @Test
    void clusters_encoded_twice_are_decoded_once() {
        // given
        String twice = "\"[{\\\"clusterId\\\": 0, \\\"tables\\\": [\\\"papers\\\"]}]\"";

        // when
        JsonNode clusters = LegacyValues.json("clusters", twice);

        // then
        assertThat(clusters.isArray()).isTrue();
        assertThat(clusters.get(0).get("tables").get(0).asString()).isEqualTo("papers");
        assertThat(LegacyValues.json("parameters", "null")).isNull();
        assertThat(LegacyValues.json("clusters", "[1, 2]").size()).isEqualTo(2);
    }

    @Test
    void confidence_given_as_a_percentage_becomes_a_fraction_and_beyond_100_is_rejected() {
        // given / when / then
        assertThat(RelationshipsTable.fraction(0.4)).isCloseTo(0.4, within(1e-12));
        assertThat(RelationshipsTable.fraction(1.0)).isEqualTo(1.0);
        assertThat(RelationshipsTable.fraction(85.0)).isCloseTo(0.85, within(1e-12));
        assertThat(RelationshipsTable.fraction(null)).isNull();
        assertThatThrownBy(() -> RelationshipsTable.fraction(250.0)).isInstanceOf(InvalidRecordException.class).hasMessageContaining("250");
        assertThatThrownBy(() -> RelationshipsTable.fraction(-0.1)).isInstanceOf(InvalidRecordException.class);
    }

    @Test
    void ports_stored_as_text_are_read_as_numbers_and_others_are_rejected() {
        // given / when / then
        assertThat(LegacyValues.integer("port", " 5433 ")).isEqualTo(5433);
        assertThat(LegacyValues.integer("port", "5433.0")).isEqualTo(5433);
        assertThat(LegacyValues.integer("port", "")).isNull();
        assertThatThrownBy(() -> LegacyValues.integer("port", "54x3")).isInstanceOf(InvalidRecordException.class)
                .hasMessage("port '54x3' is not a whole number");
    }
}
