package dev.corral.cli;

import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.ApiKeyView;
import dev.corral.core.api.PseudonymView;
import dev.corral.core.api.ReportView;
import dev.corral.core.api.TransferView;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `corral account create|show|pseudonym` and `corral transfers`. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Create an account or show yours.",
        subcommands = {AccountCommand.Create.class, AccountCommand.Show.class, AccountCommand.Pseudonym.class,
                AccountCommand.Keys.class, AccountCommand.KeyCreate.class, AccountCommand.KeyRevoke.class})
final class AccountCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an account; prints its API key once (only a hash is kept).")
    static final class Create extends ClientCommand<AccountCreated> {
        @Parameters(paramLabel = "NAME", description = "Account name: letters, digits, '_', '.', '-'.")
        String name;
        @Option(names = "--referral", description = "The referral code of the account that invited you.")
        String referral;

        @Override
        AccountCreated fetch(CorralClient client) {
            return client.createAccount(name, referral);
        }

        @Override
        void print(PrintWriter out, AccountCreated created) {
            out.println("account " + created.accountId() + " (" + created.name() + ")");
            out.println("API key (shown once, keep it): " + created.apiKey());
            out.println("use it with --key or: export CORRAL_API_KEY=" + created.apiKey());
            out.println("invite others with your referral code " + created.referralCode());
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = "List the API keys your account made besides its first: id, label, when made (never the key).")
    static final class Keys extends ClientCommand<List<ApiKeyView>> {
        @Override
        List<ApiKeyView> fetch(CorralClient client) {
            return client.apiKeys();
        }

        @Override
        void print(PrintWriter out, List<ApiKeyView> keys) {
            if (keys.isEmpty()) {
                out.println("no keys besides the one the account was made with ('corral account key-create LABEL' makes one)");
            }
            keys.forEach(key -> out.println(key.keyId() + "  " + key.label() + "  made " + key.createdAt()));
        }
    }

    @Command(name = "key-create", mixinStandardHelpOptions = true,
            description = "Make another API key for your account (for a machine, a CI job, a colleague's notebook); "
                    + "prints it once. At most 20 besides the first.")
    static final class KeyCreate extends ClientCommand<ApiKeyView> {
        @Parameters(paramLabel = "LABEL", description = "What the key is for, 1-64 characters.")
        String label;

        @Override
        ApiKeyView fetch(CorralClient client) {
            return client.createApiKey(label);
        }

        @Override
        void print(PrintWriter out, ApiKeyView key) {
            out.println("API key " + key.keyId() + " (" + key.label() + "), shown once, keep it: " + key.key());
            out.println("revoke it with: corral account key-revoke " + key.keyId());
        }
    }

    @Command(name = "key-revoke", mixinStandardHelpOptions = true,
            description = "Revoke one of the keys 'account keys' lists: it authenticates nothing from now on.")
    static final class KeyRevoke extends ClientCommand<String> {
        @Parameters(paramLabel = "KEY_ID", description = "The key's id, as 'account keys' lists it.")
        String keyId;

        @Override
        String fetch(CorralClient client) {
            client.revokeApiKey(keyId);
            return keyId;
        }

        @Override
        void print(PrintWriter out, String revoked) {
            out.println("revoked " + revoked);
        }
    }

    @Command(name = "pseudonym", mixinStandardHelpOptions = true, description = "Show the pseudonym the public "
            + "journal names your wallets by, with the coordinator's signed statement that it is yours (anyone checks "
            + "it with the ledger key).")
    static final class Pseudonym extends ClientCommand<PseudonymView> {
        @Override
        PseudonymView fetch(CorralClient client) {
            return client.pseudonym();
        }

        @Override
        void print(PrintWriter out, PseudonymView pseudonym) {
            out.println("account " + pseudonym.accountId() + " is " + pseudonym.pseudonym()
                    + " in the public journal (user:" + pseudonym.pseudonym() + ":USD, :IO, :IOSD)");
            out.println("signed statement: " + pseudonym.statement().replace("\n", "\\n"));
            out.println("signature (Ed25519, ledger key): " + pseudonym.signature());
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show your balance, escrow, earnings and standing as a customer.")
    static final class Show extends ClientCommand<AccountView> {
        @Override
        AccountView fetch(CorralClient client) {
            return client.account();
        }

        @Override
        void print(PrintWriter out, AccountView account) {
            out.println("account   " + account.accountId() + " (" + account.name() + ")");
            out.println("available " + Format.amount(account.available()));
            out.println("in escrow " + Format.amount(account.heldInEscrow()));
            out.println("earned    " + Format.amount(account.earned()));
            out.println("referrals code " + account.referralCode() + ", earned " + Format.amount(account.referralRewards()));
            out.printf("standing  reputation %.3f, %d clusters run to their end, discount tier %s (%.0f%% off)%n",
                    account.reputation(), account.clustersRunToEnd(), account.discountTier(), account.discountPercent());
            for (ReportView report : account.reports()) {
                out.println("reported  " + report.reportedAt() + " " + report.kind()
                        + (report.clusterId() == null ? "" : " (cluster " + report.clusterId() + ")") + ": "
                        + report.reason());
            }
        }
    }

    @Command(name = "transfers", mixinStandardHelpOptions = true,
            description = "List the ledger transfers on your account, newest first.")
    static final class Transfers extends ClientCommand<List<TransferView>> {
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        List<TransferView> fetch(CorralClient client) {
            return client.transfers(limit);
        }

        @Override
        void print(PrintWriter out, List<TransferView> transfers) {
            out.printf("%-6s %-17s %-16s %-40s %-40s%n", "ID", "KIND", "AMOUNT", "FROM", "TO");
            for (TransferView t : transfers) {
                out.printf("%-6d %-17s %-16s %-40s %-40s%n", t.id(), t.kind(), Format.amount(t.amount()),
                        t.debitAccount(), t.creditAccount());
            }
        }
    }
}
