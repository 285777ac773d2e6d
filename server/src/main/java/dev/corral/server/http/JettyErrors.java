package dev.corral.server.http;

import dev.corral.core.Json;
import dev.corral.core.api.ApiError;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives itself, before a request reaches the API (a URI or header too long, a
 * request it cannot parse, a NUL in a path or header): JSON errors with a code, as every other
 * answer, instead of Jetty's HTML page.
 */
public final class JettyErrors extends ErrorHandler {
    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    /** The error as the API writes one: a code from the status's name ("uri_too_long") and what happened. */
    static byte[] body(int status, String message) {
        String name = HttpStatus.getMessage(status);
        String code = name == null ? "http_" + status : name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        String text = message == null || message.isBlank() ? name : message;
        try {
            return Json.mapper().writeValueAsBytes(new ApiError(code, text));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("an error cannot be written as JSON", e);
        }
    }
}
