package dev.corral.cli;

import dev.corral.core.api.AccountCreated;
import dev.corral.core.api.AccountView;
import dev.corral.core.api.TransferView;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `corral account create|show`. */
@Command(name = "account", mixinStandardHelpOptions = true, description = "Create an account or show yours.",
        subcommands = {AccountCommand.Create.class, AccountCommand.Show.class})
final class AccountCommand {

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create an account; prints its API key once (only a hash is kept).")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "NAME", description = "Account name: letters, digits, '_', '.', '-'.")
        String name;

        @Override
        public Integer call() {
            AccountCreated created = options.client().createAccount(name);
            PrintWriter out = spec.commandLine().getOut();
            if (!options.printedJson(out, created)) {
                out.println("account " + created.accountId() + " (" + created.name() + ")");
                out.println("API key (shown once, keep it): " + created.apiKey());
                out.println("use it with --key or: export CORRAL_API_KEY=" + created.apiKey());
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show your balance, escrow and earnings.")
    static final class Show implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;

        @Override
        public Integer call() {
            AccountView account = options.client().account();
            PrintWriter out = spec.commandLine().getOut();
            if (!options.printedJson(out, account)) {
                out.println("account   " + account.accountId() + " (" + account.name() + ")");
                out.println("available " + Format.amount(account.available()));
                out.println("in escrow " + Format.amount(account.heldInEscrow()));
                out.println("earned    " + Format.amount(account.earned()));
            }
            return 0;
        }
    }

    @Command(name = "transfers", mixinStandardHelpOptions = true, description = "List the ledger transfers on your account, newest first.")
    static final class Transfers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            List<TransferView> transfers = options.client().transfers(limit);
            PrintWriter out = spec.commandLine().getOut();
            if (!options.printedJson(out, transfers)) {
                out.printf("%-6s %-17s %-16s %-40s %-40s%n", "ID", "KIND", "AMOUNT", "FROM", "TO");
                for (TransferView t : transfers) {
                    out.printf("%-6d %-17s %-16s %-40s %-40s%n", t.id(), t.kind(), Format.amount(t.amount()),
                            t.debitAccount(), t.creditAccount());
                }
            }
            return 0;
        }
    }
}
