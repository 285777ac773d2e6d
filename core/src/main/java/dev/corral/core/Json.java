package dev.corral.core;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;

/**
 * The one JSON configuration every side uses: unknown fields are an error (a typo must not
 * be silently ignored), missing primitives are an error, instants are ISO-8601 strings.
 */
public final class Json {
    private static final int NESTING_DEPTH_MAX = 32;
    /** The most digits a JSON number may have: 64-bit integers have 19; amounts travel as text. */
    public static final int NUMBER_LENGTH_MAX = 32;
    /** The most characters one JSON string may have: a cluster's command is 4,096, a secret 8,192. */
    public static final int STRING_LENGTH_MAX = 1 << 20;
    private static final ObjectMapper MAPPER = create();

    private Json() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Reads an answer from the coordinator, ignoring fields this client does not know yet, so
     * an older agent or SDK keeps working against a newer coordinator.
     */
    public static <T> T readAnswer(byte[] body, Class<T> type) throws IOException {
        return MAPPER.readerFor(type).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(body);
    }

    private static ObjectMapper create() {
        ObjectMapper mapper = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // 1.5 is not an integer, "1" is not a number, "true" is not a boolean, a key said twice is refused.
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(NESTING_DEPTH_MAX).maxNumberLength(NUMBER_LENGTH_MAX)
                        .maxStringLength(STRING_LENGTH_MAX).build());
        return mapper;
    }
}
