package dev.corral.server.web;

import static java.util.Objects.requireNonNull;

import dev.corral.core.Money;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.ApiKeyView;
import dev.corral.core.api.ClusterView;
import dev.corral.core.api.OfferView;
import dev.corral.core.api.TransferView;
import dev.corral.core.api.WalletView;
import dev.corral.server.Refusal;
import dev.corral.server.accounts.AccountService;
import dev.corral.server.accounts.Secrets;
import dev.corral.server.clusters.ClusterServices;
import dev.corral.server.network.OfferService;
import dev.corral.server.tokens.TokenService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Cloud console: a customer deploys clusters from a form with a live quote, browses offers,
 * follows a cluster's ranks and logs, extends or terminates it, and sees the wallet. Every page
 * acts for the signed-in account through the same services, and the same checks, as the API.
 */
public final class CloudPages {
    /** The newest log lines a cluster's page shows and follows. */
    static final int LOG_LINES_FOLLOWED = 1_000;
    /** Transfers on the wallet page. */
    static final int TRANSFERS_SHOWN = 50;

    /** The deploy form, what it last said (an error, or nothing), and the key that makes its submission count once. */
    public record Deploy(Sessions.SignedIn session, DeployForm form, String error, String idempotencyKey,
            List<String> gpuModels) {}

    public record Clusters(Sessions.SignedIn session, List<ClusterView> clusters) {}

    /** One cluster, with the refund a termination now would pay (none once it has ended) and a message, if any. */
    public record Cluster(Sessions.SignedIn session, ClusterView cluster, Optional<Money> refundIfTerminated,
            String message, String idempotencyKey) {}

    public record Offers(Sessions.SignedIn session, String query, String sort, List<OfferView> offers, String error) {}

    public record Wallet(Sessions.SignedIn session, AccountView account, WalletView wallet,
            List<TransferView> transfers) {}

    /** The account's extra API keys, and the one just made (its key shown this once), if any. */
    public record Keys(Sessions.SignedIn session, List<ApiKeyView> keys, ApiKeyView made, String message) {}

    private final WebPages web;
    private final ClusterServices clusters;
    private final OfferService offers;
    private final AccountService accounts;
    private final TokenService tokens;

    public CloudPages(WebPages web, ClusterServices clusters, OfferService offers, AccountService accounts,
            TokenService tokens) {
        this.web = requireNonNull(web, "web is null");
        this.clusters = requireNonNull(clusters, "clusters is null");
        this.offers = requireNonNull(offers, "offers is null");
        this.accounts = requireNonNull(accounts, "accounts is null");
        this.tokens = requireNonNull(tokens, "tokens is null");
    }

    public void register(RoutesConfig routes) {
        routes.get("/cloud", ctx -> ctx.redirect("/cloud/clusters"));
        routes.get("/cloud/clusters", web.signedIn((ctx, session) -> web.render(ctx, "cloud/clusters.jte",
                new Clusters(session, clusters.views().list(session.account())))));
        routes.get("/cloud/clusters/{id}", web.signedIn((ctx, session) -> showCluster(ctx, session,
                ctx.queryParam("message"))));
        routes.post("/cloud/clusters/{id}/terminate", web.change((ctx, session) -> {
            ClusterView ended = clusters.control().terminate(session.account(), ctx.pathParam("id"));
            ctx.redirect("/cloud/clusters/" + ended.clusterId() + "?message=terminated");
        }));
        routes.post("/cloud/clusters/{id}/extend", web.change((ctx, session) -> {
            String hours = Optional.ofNullable(ctx.formParam("hours")).orElse("").strip();
            int asked;
            try {
                asked = Integer.parseInt(hours);
            } catch (NumberFormatException e) {
                throw Refusal.invalid("hours must be a whole number, not '" + hours + "'");
            }
            ClusterView extended = clusters.control().extend(session.account(), ctx.pathParam("id"), asked,
                    ctx.formParam("idempotencyKey"));
            ctx.redirect("/cloud/clusters/" + extended.clusterId() + "?message=extended");
        }));
        routes.get("/cloud/deploy", web.signedIn((ctx, session) -> web.render(ctx, "cloud/deploy.jte",
                new Deploy(session, DeployForm.blank(), null, newIdempotencyKey(), gpuModelsOffered()))));
        routes.post("/cloud/deploy", web.change(this::deploy));
        routes.get("/cloud/offers", web.signedIn(this::showOffers));
        routes.get("/cloud/wallet", web.signedIn((ctx, session) -> web.render(ctx, "cloud/wallet.jte",
                new Wallet(session, accounts.view(session.account()), tokens.wallet(session.account()),
                        accounts.transfers(session.account(), TRANSFERS_SHOWN)))));

        routes.get("/cloud/keys", web.signedIn((ctx, session) -> web.render(ctx, "cloud/keys.jte",
                new Keys(session, accounts.keys(session.account()), null,
                        "revoked".equals(ctx.queryParam("message")) ? "The key was revoked." : null))));
        routes.post("/cloud/keys", web.change((ctx, session) -> {
            ApiKeyView made = accounts.createKey(session.account(), ctx.formParam("label"));
            web.render(ctx, "cloud/keys.jte", new Keys(session, accounts.keys(session.account()), made, null));
        }));
        routes.post("/cloud/keys/{id}/revoke", web.change((ctx, session) -> {
            accounts.revokeKey(session.account(), ctx.pathParam("id"));
            ctx.redirect("/cloud/keys?message=revoked");
        }));

        // What the console's script reads and asks while a page is open.
        routes.get("/cloud/data/clusters/{id}", web.signedInData((ctx, session) ->
                clusters.views().get(session.account(), ctx.pathParam("id"), true)));
        routes.get("/cloud/data/clusters/{id}/logs", web.signedInData((ctx, session) ->
                clusters.views().logsTail(session.account(), ctx.pathParam("id"), LOG_LINES_FOLLOWED)));
        routes.get("/cloud/data/clusters/{id}/refund", web.signedInData((ctx, session) -> Map.of("refund",
                clusters.control().refundIfTerminatedNow(session.account(), ctx.pathParam("id"))
                        .map(Format::money).orElse(""))));
        routes.post("/cloud/data/quote", web.changeData((ctx, session) ->
                clusters.quotes().quote(session.account(), DeployForm.read(ctx::formParam).quote())));
    }

    private void deploy(Context ctx, Sessions.SignedIn session) {
        DeployForm form = DeployForm.read(ctx::formParam);
        String idempotencyKey = Optional.ofNullable(ctx.formParam("idempotencyKey")).orElse("");
        try {
            ClusterView deployed = clusters.deploys().deploy(session.account(), form.deploy(),
                    idempotencyKey.isEmpty() ? null : idempotencyKey);
            ctx.redirect("/cloud/clusters/" + deployed.clusterId() + "?message=deployed");
        } catch (Refusal refused) {
            // The form again, as it was filled in, with what to change; a new key, as nothing was deployed.
            ctx.status(dev.corral.server.http.Errors.status(refused.kind()));
            String secretsAgain = form.secretEnv().isEmpty() && form.registryToken().isEmpty() ? ""
                    : " The secret variables and the registry token are not shown again: enter them again.";
            web.render(ctx, "cloud/deploy.jte", new Deploy(session, form.withoutSecrets(), refused.getMessage()
                    + secretsAgain, newIdempotencyKey(), gpuModelsOffered()));
        }
    }

    private void showCluster(Context ctx, Sessions.SignedIn session, String message) {
        String id = ctx.pathParam("id");
        ClusterView cluster = clusters.views().get(session.account(), id, true);
        web.render(ctx, "cloud/cluster.jte", new Cluster(session, cluster,
                clusters.control().refundIfTerminatedNow(session.account(), id), message, newIdempotencyKey()));
    }

    private void showOffers(Context ctx, Sessions.SignedIn session) {
        String query = Optional.ofNullable(ctx.queryParam("q")).orElse("");
        String sort = Optional.ofNullable(ctx.queryParam("sort")).orElse("price");
        try {
            web.render(ctx, "cloud/offers.jte", new Offers(session, query, sort,
                    offers.search(query.isBlank() ? null : query, sort), null));
        } catch (Refusal refused) {
            ctx.status(400);
            web.render(ctx, "cloud/offers.jte", new Offers(session, query, sort, List.of(), refused.getMessage()));
        }
    }

    /** The GPU models idle devices offer now, each once: the deploy form suggests them. */
    private List<String> gpuModelsOffered() {
        return offers.search(null, null).stream().map(OfferView::gpuModel).filter(java.util.Objects::nonNull).distinct()
                .sorted().toList();
    }

    private static String newIdempotencyKey() {
        return Secrets.newSecret("web");
    }
}
