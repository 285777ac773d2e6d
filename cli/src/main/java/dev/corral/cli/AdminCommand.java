package dev.corral.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `corral admin credit`: the admin key adds funds, standing in for a payment processor. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Coordinator administration (needs the admin key).",
        subcommands = {AdminCommand.Credit.class})
final class AdminCommand {

    @Command(name = "credit", mixinStandardHelpOptions = true,
            description = "Add USD to an account: the stand-in for a payment processor, and the only way money enters.")
    static final class Credit implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(index = "0", paramLabel = "ACCOUNT", description = "Account id (acc_...).")
        String account;
        @Parameters(index = "1", paramLabel = "USD", description = "Amount in dollars, e.g. 25 or 12.50.")
        String usd;
        @Option(names = "--idempotency-key", description = "Repeat the same key to be sure a retried credit counts once.")
        String idempotencyKey;

        @Override
        public Integer call() {
            options.admin().credit(account, usd, idempotencyKey);
            spec.commandLine().getOut().println("credited " + usd + " USD to " + account);
            return 0;
        }
    }
}
