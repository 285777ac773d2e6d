package dev.corral.server.web;

import static java.util.Objects.requireNonNull;

import dev.corral.core.AccountId;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.accounts.Secrets;
import dev.corral.store.Database;
import dev.corral.store.WebSessions;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Signing in to the web faces: an API key is exchanged for a session whose random token lives
 * only in an HttpOnly, SameSite=Strict cookie (Secure and __Host- when served over TLS) and,
 * hashed, in the store; signing in ends the browser's previous session, and an account keeps
 * at most {@link #SESSIONS_PER_ACCOUNT_MAX}. A page that changes anything sends the session's CSRF token back, and a browser's
 * Origin, when it names one, must be this server. Sessions end after {@link #LIFETIME} or at
 * sign-out, and survive a restart of the coordinator.
 */
public final class Sessions {
    /**
     * The session cookie's name: over HTTPS with the __Host- prefix, which a browser takes only
     * from a secure page, for this host alone, for every path (no other site may plant one).
     */
    public static final String COOKIE = "corral_session";
    static final String COOKIE_OVER_TLS = "__Host-" + COOKIE;
    /** The most sessions one account holds; signing in again ends its oldest. */
    static final int SESSIONS_PER_ACCOUNT_MAX = 20;
    /** How long a session lasts from sign-in; then its owner signs in again. */
    public static final Duration LIFETIME = Duration.ofHours(12);
    /** Where a page's script sends the CSRF token, and the field a form sends it in. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    public static final String CSRF_FIELD = "csrf";
    /** The longest API key a sign-in form may send: checked before it is hashed. */
    static final int API_KEY_LENGTH_MAX = 200;

    /** The account signed in, and the token its pages send back with every change. */
    public record SignedIn(AccountId account, String accountName, String csrfToken, Instant expiresAt) {}

    private final Database db;
    private final WebSessions sessions;
    private final AccountService accounts;
    private final Clock clock;

    public Sessions(Database db, WebSessions sessions, AccountService accounts, Clock clock) {
        this.db = requireNonNull(db, "db is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Starts a session for the key's account and sets its cookie; refused for an unknown key. */
    public SignedIn signIn(Context ctx, String apiKey) {
        checkOrigin(ctx);
        if (apiKey == null || apiKey.isBlank() || apiKey.length() > API_KEY_LENGTH_MAX) {
            throw Refusal.unauthenticated("enter the API key 'corral account create' printed");
        }
        AccountId account = accounts.authenticate(apiKey.strip()).orElseThrow(() -> Refusal.unauthenticated(
                "unknown API key: enter the key 'corral account create' printed"));
        String token = Secrets.newSecret("cws");
        Instant now = clock.instant();
        WebSessions.Session session = new WebSessions.Session(Secrets.hash(token), account,
                Secrets.newSecret("csrf"), now, now.plus(LIFETIME));
        Optional<String> previous = cookieToken(ctx);
        db.transaction(c -> {
            // The session this browser held before, if any, ends: a token planted before sign-in is worth nothing after.
            if (previous.isPresent()) {
                sessions.delete(c, Secrets.hash(previous.get()));
            }
            sessions.insert(c, session);
            sessions.keepNewestOf(c, account, SESSIONS_PER_ACCOUNT_MAX);
            return null;
        });
        ctx.res().addHeader("Set-Cookie", cookie(ctx, token, LIFETIME));
        return signedIn(session);
    }

    /** The session the request's cookie names, unless there is none or it has ended. */
    public Optional<SignedIn> current(Context ctx) {
        Optional<String> token = cookieToken(ctx);
        if (token.isEmpty()) {
            return Optional.empty();
        }
        return db.transaction(c -> sessions.live(c, Secrets.hash(token.get()), clock.instant())).map(this::signedIn);
    }

    /** The session token the request's cookie holds, if it could be one. */
    private static Optional<String> cookieToken(Context ctx) {
        String token = ctx.cookie(cookieName(ctx));
        return token == null || token.isEmpty() || token.length() > API_KEY_LENGTH_MAX ? Optional.empty()
                : Optional.of(token);
    }

    private static String cookieName(Context ctx) {
        return "https".equals(ctx.scheme()) ? COOKIE_OVER_TLS : COOKIE;
    }

    /** Ends the request's session (if any) and clears its cookie; the change must carry the CSRF token. */
    public void signOut(Context ctx) {
        Optional<SignedIn> session = current(ctx);
        if (session.isPresent()) {
            checkChange(ctx, session.get());
            String token = cookieToken(ctx).orElseThrow();
            db.transaction(c -> sessions.delete(c, Secrets.hash(token)));
        }
        ctx.res().addHeader("Set-Cookie", cookie(ctx, "", Duration.ZERO));
    }

    /**
     * Refuses a change that does not carry the session's CSRF token (in the form field or the
     * header) or that a page of another origin sent.
     */
    public void checkChange(Context ctx, SignedIn session) {
        checkOrigin(ctx);
        String sent = Optional.ofNullable(ctx.header(CSRF_HEADER)).orElseGet(() -> ctx.formParam(CSRF_FIELD));
        if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
            throw Refusal.forbidden("this change did not come from a page of this session: reload the page and try again");
        }
    }

    public int pruneEnded() {
        return db.transaction(c -> sessions.pruneEndedBefore(c, clock.instant()));
    }

    /** A browser names the page's origin on a cross-site request: it must be this server. */
    static void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals(ctx.scheme() + "://" + ctx.host())) {
            throw Refusal.forbidden("a page of " + origin + " may not change anything here");
        }
    }

    private static String cookie(Context ctx, String value, Duration maxAge) {
        return cookieName(ctx) + "=" + value + "; Path=/; Max-Age=" + maxAge.toSeconds() + "; HttpOnly; SameSite=Strict"
                + ("https".equals(ctx.scheme()) ? "; Secure" : "");
    }

    private SignedIn signedIn(WebSessions.Session session) {
        return new SignedIn(session.account(), accounts.view(session.account()).name(), session.csrfToken(),
                session.expiresAt());
    }
}
