package dev.corral.server.web;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.corral.core.Json;
import dev.corral.core.api.AccountCreated;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.http.Errors;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the signed-in faces share: sign-in, sign-up and sign-out pages, and the wrappers their
 * routes go through. A page without a session sends the browser to sign in and back; a change
 * needs the session's CSRF token; a refusal is shown as a page that says what to do (the data
 * routes a page's script calls answer JSON errors, as the API does).
 */
public final class WebPages {
    /** A path of this site: one slash, then none, then URL characters only. */
    private static final Pattern SAFE_NEXT = Pattern.compile("/(?![/\\\\])[A-Za-z0-9/_.~%?=&+-]*");
    static final int NEXT_LENGTH_MAX = 512;

    /** A page's work for the signed-in account. */
    @FunctionalInterface
    public interface ForSession {
        void handle(Context ctx, Sessions.SignedIn session) throws Exception;
    }

    /** What a page's script asks for the signed-in account: the answer, written as JSON. */
    @FunctionalInterface
    public interface DataForSession {
        Object answer(Context ctx, Sessions.SignedIn session) throws Exception;
    }

    /**
     * JSON for a page's script: a whole number past 2^53 - 1 (an amount in IO base units, say)
     * is written as a string, as JavaScript's numbers cannot hold it exactly; smaller ones stay numbers.
     */
    static final ObjectMapper FOR_BROWSERS = Json.mapper().copy().registerModule(new SimpleModule()
            .addSerializer(Long.class, new SafeLong()).addSerializer(Long.TYPE, new SafeLong()));
    private static final long JAVASCRIPT_SAFE_INTEGER_MAX = (1L << 53) - 1;

    private static final class SafeLong extends JsonSerializer<Long> {
        @Override
        public void serialize(Long value, JsonGenerator out, SerializerProvider serializers) throws IOException {
            if (value > JAVASCRIPT_SAFE_INTEGER_MAX || value < -JAVASCRIPT_SAFE_INTEGER_MAX) {
                out.writeString(value.toString());
            } else {
                out.writeNumber(value);
            }
        }
    }

    /** The sign-in page: where to go after, and what went wrong (or nothing). */
    public record SignIn(String next, String error) {}

    /** The page shown once after sign-up: the new account's API key, which is not shown again. */
    public record SignedUp(Sessions.SignedIn session, AccountCreated account) {}

    /** A refusal shown as a page: its status, what happened and what to do. */
    public record Problem(Sessions.SignedIn session, int status, String message) {}

    private final Pages pages;
    private final Sessions sessions;
    private final AccountService accounts;

    public WebPages(Pages pages, Sessions sessions, AccountService accounts) {
        this.pages = requireNonNull(pages, "pages is null");
        this.sessions = requireNonNull(sessions, "sessions is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
    }

    public void register(RoutesConfig routes) {
        routes.get("/login", ctx -> pages.render(ctx, "login.jte", new SignIn(safeNext(ctx.queryParam("next")), null)));
        routes.post("/login", ctx -> {
            String next = safeNext(ctx.formParam("next"));
            try {
                sessions.signIn(ctx, ctx.formParam("apiKey"));
                ctx.redirect(next);
            } catch (Refusal refused) {
                ctx.status(Errors.status(refused.kind()));
                pages.render(ctx, "login.jte", new SignIn(next, refused.getMessage()));
            }
        });
        routes.post("/signup", ctx -> {
            try {
                Sessions.checkOrigin(ctx);
                String name = Optional.ofNullable(ctx.formParam("name")).orElse("").strip();
                AccountCreated created = accounts.create(name, Optional.ofNullable(ctx.formParam("referralCode"))
                        .map(String::strip).filter(code -> !code.isEmpty()).orElse(null));
                Sessions.SignedIn session = sessions.signIn(ctx, created.apiKey());
                pages.render(ctx, "signed-up.jte", new SignedUp(session, created));
            } catch (Refusal refused) {
                ctx.status(Errors.status(refused.kind()));
                pages.render(ctx, "login.jte", new SignIn("/cloud", refused.getMessage()));
            }
        });
        routes.post("/logout", ctx -> {
            try {
                sessions.signOut(ctx);
                ctx.redirect("/login");
            } catch (Refusal refused) {
                problem(ctx, null, refused);
            }
        });
    }

    public void render(Context ctx, String template, Object model) {
        pages.render(ctx, template, model);
    }

    /** A page for the signed-in account; without a session, the sign-in page first. */
    public Handler signedIn(ForSession page) {
        return ctx -> {
            Optional<Sessions.SignedIn> session = sessions.current(ctx);
            if (session.isEmpty()) {
                String asked = ctx.queryString() == null ? ctx.path() : ctx.path() + "?" + ctx.queryString();
                ctx.redirect("/login?next=" + URLEncoder.encode(asked, StandardCharsets.UTF_8));
                return;
            }
            try {
                page.handle(ctx, session.get());
            } catch (Refusal refused) {
                problem(ctx, session.get(), refused);
            }
        };
    }

    /** A form's change for the signed-in account: it must carry the session's CSRF token. */
    public Handler change(ForSession change) {
        return ctx -> {
            Optional<Sessions.SignedIn> session = sessions.current(ctx);
            if (session.isEmpty()) {
                problem(ctx, null, Refusal.unauthenticated("your session has ended: sign in again"));
                return;
            }
            try {
                sessions.checkChange(ctx, session.get());
                change.handle(ctx, session.get());
            } catch (Refusal refused) {
                problem(ctx, session.get(), refused);
            } catch (IllegalArgumentException unreadable) {
                // What a value's own parser refuses (an amount, a number): the API answers it 400 too.
                problem(ctx, session.get(), Refusal.invalid(unreadable.getMessage()));
            }
        };
    }

    /** What a page's script reads for the signed-in account, as JSON; without a session, a 401 JSON error. */
    public Handler signedInData(DataForSession data) {
        return ctx -> {
            Sessions.SignedIn session = sessions.current(ctx).orElseThrow(() -> Refusal.unauthenticated(
                    "your session has ended: sign in again"));
            answer(ctx, data.answer(ctx, session));
        };
    }

    /** What a page's script asks to be done, as JSON: it must carry the session's CSRF token in its header. */
    public Handler changeData(DataForSession data) {
        return ctx -> {
            Sessions.SignedIn session = sessions.current(ctx).orElseThrow(() -> Refusal.unauthenticated(
                    "your session has ended: sign in again"));
            sessions.checkChange(ctx, session);
            answer(ctx, data.answer(ctx, session));
        };
    }

    /** Writes a page's data as JSON whose every number a browser reads exactly (see {@link #FOR_BROWSERS}). */
    private static void answer(Context ctx, Object data) throws JsonProcessingException {
        Pages.secure(ctx);
        ctx.contentType("application/json").result(FOR_BROWSERS.writeValueAsString(data));
    }

    private void problem(Context ctx, Sessions.SignedIn session, Refusal refused) {
        pages.problem(ctx, session, refused);
    }

    /**
     * Where to go after signing in: a path of this site only, never another host. Only plain
     * URL characters pass: a browser drops tabs and line breaks from a URL, so "/<tab>/evil"
     * would reach it as "//evil", another host.
     */
    static String safeNext(String next) {
        return next != null && next.length() <= NEXT_LENGTH_MAX && SAFE_NEXT.matcher(next).matches() ? next : "/cloud";
    }
}
