package dev.corral.server.http;

import dev.corral.core.api.ApiError;
import dev.corral.server.Refusal;
import dev.corral.store.DuplicateException;
import dev.corral.store.Ledger;
import dev.corral.store.StoreClosedException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place that turns refusals and failures into HTTP statuses and JSON errors. */
public final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {}

    /** The status a refusal of this kind is answered with. */
    public static int status(Refusal.Kind kind) {
        return switch (kind) {
            case INVALID -> 400;
            case UNAUTHENTICATED -> 401;
            case INSUFFICIENT_FUNDS -> 402;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case RATE_LIMITED -> 429;
            case LIMIT_EXCEEDED, UNAVAILABLE -> 503;
        };
    }

    public static void register(RoutesConfig routes, long bodyBytesMax) {
        routes.exception(Refusal.class, (e, ctx) -> ctx.status(status(e.kind())).json(new ApiError(e.code(), e.getMessage())));
        routes.exception(IllegalArgumentException.class, (e, ctx) ->
                ctx.status(400).json(new ApiError("bad_request", e.getMessage())));
        routes.exception(DuplicateException.class, (e, ctx) ->
                ctx.status(409).json(new ApiError("conflict", e.getMessage())));
        routes.exception(Ledger.IdempotencyConflictException.class, (e, ctx) ->
                ctx.status(409).json(new ApiError("idempotency_conflict", e.getMessage())));
        routes.exception(HttpResponseException.class, (e, ctx) -> ctx.status(e.getStatus()).json(switch (e.getStatus()) {
            case 404 -> new ApiError("not_found", "no such endpoint: " + ctx.method() + " " + ctx.path());
            case 413 -> new ApiError("too_large", "the request body is over the limit of " + bodyBytesMax + " bytes");
            default -> new ApiError("http_" + e.getStatus(), e.getMessage());
        }));
        routes.exception(StoreClosedException.class, (e, ctx) ->
                ctx.status(503).json(new ApiError("unavailable", e.getMessage() + "; try again shortly")));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.error("request {} {} failed", ctx.method(), ctx.path(), e);
            ctx.status(500).json(new ApiError("internal", "the coordinator failed; the change was rolled back"));
        });
    }
}
