package dev.corral.server;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Money;

/**
 * Why the coordinator refuses what a caller asked: something the caller caused or can fix,
 * with a stable code and a message that says what to do. Services throw it and change nothing;
 * only the HTTP adapter knows which status each {@link Kind} is.
 */
public final class Refusal extends RuntimeException {
    /** The kinds of refusal; each has the code a caller sees unless a more precise one is given. */
    public enum Kind {
        INVALID("bad_request"),
        UNAUTHENTICATED("unauthorized"),
        INSUFFICIENT_FUNDS("insufficient_funds"),
        FORBIDDEN("forbidden"),
        NOT_FOUND("not_found"),
        CONFLICT("conflict"),
        /** A named limit on work in flight is reached: the same request may succeed shortly. */
        LIMIT_EXCEEDED("busy"),
        /** This client called more often than its rate limit allows: it may call again after a wait. */
        RATE_LIMITED("rate_limited"),
        /** The coordinator cannot serve this now (stopping, restarted): try again shortly. */
        UNAVAILABLE("unavailable");

        private final String defaultCode;

        Kind(String defaultCode) {
            this.defaultCode = defaultCode;
        }
    }

    private final Kind kind;
    private final String code;

    private Refusal(Kind kind, String code, String message) {
        super(requireNonNull(message, "message is null"), null, false, false);
        this.kind = requireNonNull(kind, "kind is null");
        this.code = requireNonNull(code, "code is null");
    }

    public static Refusal invalid(String message) {
        return new Refusal(Kind.INVALID, Kind.INVALID.defaultCode, message);
    }

    public static Refusal notFound(String what, String id) {
        return new Refusal(Kind.NOT_FOUND, Kind.NOT_FOUND.defaultCode, "no " + what + " " + id);
    }

    public static Refusal conflict(String message) {
        return new Refusal(Kind.CONFLICT, Kind.CONFLICT.defaultCode, message);
    }

    public static Refusal insufficientFunds(String message) {
        return new Refusal(Kind.INSUFFICIENT_FUNDS, Kind.INSUFFICIENT_FUNDS.defaultCode, message);
    }

    /**
     * The one wording of a purchase the balance cannot pay: what it costs (a phrase such as
     * "this cluster costs 3.80 USD"), the balance now, and what to do.
     */
    public static Refusal cannotPay(String whatItCosts, Money balance) {
        return insufficientFunds(whatItCosts + " but the balance is " + balance + ": add funds first");
    }

    public static Refusal unauthenticated(String message) {
        return unauthenticated(Kind.UNAUTHENTICATED.defaultCode, message);
    }

    /** A request whose sender is not proven, with the precise reason as its code (unsigned, replayed...). */
    public static Refusal unauthenticated(String code, String message) {
        return new Refusal(Kind.UNAUTHENTICATED, code, message);
    }

    public static Refusal forbidden(String message) {
        return new Refusal(Kind.FORBIDDEN, Kind.FORBIDDEN.defaultCode, message);
    }

    public static Refusal rateLimited(String message) {
        return new Refusal(Kind.RATE_LIMITED, Kind.RATE_LIMITED.defaultCode, message);
    }

    public static Refusal limitExceeded(String message) {
        return new Refusal(Kind.LIMIT_EXCEEDED, Kind.LIMIT_EXCEEDED.defaultCode, message);
    }

    public static Refusal unavailable(String code, String message) {
        return new Refusal(Kind.UNAVAILABLE, code, message);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }
}
