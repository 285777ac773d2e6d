package dev.corral.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.corral.core.Json;
import dev.corral.server.Refusal;
import java.io.IOException;
import java.util.stream.Collectors;

/** Reads request bodies strictly, turning every JSON problem into a 400 that names it. */
final class Bodies {
    private Bodies() {}

    static <T> T read(byte[] body, Class<T> type) {
        if (body == null || body.length == 0) {
            throw Refusal.invalid("a JSON body is required");
        }
        try {
            T value = Json.mapper().readValue(body, type);
            if (value == null) {
                throw Refusal.invalid("a JSON object is required, not null");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
            throw Refusal.invalid("unknown field '" + e.getPropertyName() + "'; known fields: " + known);
        } catch (MismatchedInputException e) {
            throw Refusal.invalid("wrong JSON shape at '" + path(e) + "': " + e.getOriginalMessage());
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof InputCoercionException range) {
                throw Refusal.invalid("number out of range at '" + path(e) + "': " + range.getOriginalMessage());
            }
            if (e.getCause() instanceof IllegalArgumentException invalid) {
                throw Refusal.invalid(invalid.getMessage());
            }
            throw Refusal.invalid("malformed JSON: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw Refusal.invalid("malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw Refusal.invalid("unreadable body: " + e.getMessage());
        }
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }
}
