package dev.corral.server.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import dev.corral.server.Refusal;
import dev.corral.server.http.Errors;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * Renders the web faces' templates (src/main/jte, compiled to classes at build time) and sets
 * what every page is served with: a policy that runs only this server's own scripts and styles,
 * no framing, no sniffing, no referrer beyond this site.
 */
public final class Pages {
    /** Scripts, styles, images and fetches from this origin only; no inline script; no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);

    /** Renders the template with its one parameter, the page's model, as the answer. */
    public void render(Context ctx, String template, Object model) {
        StringOutput output = new StringOutput();
        templates.render(template, model, output);
        secure(ctx);
        ctx.html(output.toString());
    }

    /** A refusal shown as a page that says what happened and what to do, with its status. */
    public void problem(Context ctx, Sessions.SignedIn session, Refusal refused) {
        int status = Errors.status(refused.kind());
        ctx.status(status);
        render(ctx, "problem.jte", new WebPages.Problem(session, status, refused.getMessage()));
    }

    /** A public page: a refusal (a bad parameter, a block not closed) is shown as a page, not as JSON. */
    public Handler page(Handler page) {
        return ctx -> {
            try {
                page.handle(ctx);
            } catch (Refusal refused) {
                problem(ctx, null, refused);
            }
        };
    }

    /** The headers every page and page-data answer carries. */
    static void secure(Context ctx) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }
}
