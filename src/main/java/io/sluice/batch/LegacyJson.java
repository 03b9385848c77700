package io.sluice.batch;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON mapper for reading legacy stores. Jackson 3 fails on trailing tokens by default, which
 * breaks reading one element of a stream at a time; this mapper allows them.
 */
public final class LegacyJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private LegacyJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
