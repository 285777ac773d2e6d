package dev.corral.cli;

import dev.corral.core.api.OraclePrice;
import dev.corral.core.api.ReportView;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `corral admin credit`: the admin key adds funds, standing in for a payment processor. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Coordinator administration (needs the admin key).",
        subcommands = {AdminCommand.Credit.class, AdminCommand.SetPrice.class, AdminCommand.FundMarketMaker.class,
                AdminCommand.SetTiers.class, AdminCommand.ReportAccount.class})
final class AdminCommand {

    @Command(name = "report-account", mixinStandardHelpOptions = true,
            description = "Report a customer for abuse or for a dispute it lost; either lowers its reputation and can "
                    + "cost it its discount. The customer sees the report in `corral account show`.")
    static final class ReportAccount implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "ACCOUNT")
        String account;
        @Option(names = "--kind", required = true, description = "abuse (its workload broke the rules) or dispute "
                + "(a charge it contested was upheld).")
        String kind;
        @Option(names = "--reason", required = true, description = "What happened, up to 500 characters.")
        String reason;
        @Option(names = "--cluster", description = "The cluster concerned, one of the account's.")
        String cluster;

        @Override
        public Integer call() {
            ReportView report = options.admin().reportAccount(account, kind, reason, cluster);
            spec.commandLine().getOut().println(report.reportId() + ": " + report.kind() + " reported against "
                    + report.accountId() + (report.clusterId() == null ? "" : " (cluster " + report.clusterId() + ")"));
            return 0;
        }
    }

    @Command(name = "set-tiers", mixinStandardHelpOptions = true,
            description = "Set a device's security and connectivity tiers (1..4) after checking it; customers filter on them.")
    static final class SetTiers implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "DEVICE")
        String device;
        @Option(names = "--security", required = true, description = "1 (individual machine) to 4 (certified data center).")
        int security;
        @Option(names = "--connectivity", required = true, description = "1 (slowest bandwidth band) to 4.")
        int connectivity;

        @Override
        public Integer call() {
            options.admin().setTiers(device, security, connectivity);
            spec.commandLine().getOut().println(device + ": security tier " + security + ", connectivity tier "
                    + connectivity);
            return 0;
        }
    }

    @Command(name = "set-price", mixinStandardHelpOptions = true,
            description = "Set the IO/USD price of the oracle (a stand-in for an external market feed).")
    static final class SetPrice implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Parameters(paramLabel = "USD_PER_IO", description = "USD for one whole IO, e.g. 0.35.")
        String usdPerIo;

        @Override
        public Integer call() {
            OraclePrice price = options.admin().setIoPrice(usdPerIo);
            spec.commandLine().getOut().println("IO price set to " + Format.amount(price.usdPerIo()) + " at "
                    + price.setAt());
            return 0;
        }
    }

    @Command(name = "fund-market-maker", mixinStandardHelpOptions = true,
            description = "Move IO from the community allocation to the market maker that sells IO for the buy-and-burn.")
    static final class FundMarketMaker implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        ClientOptions options;
        @Option(names = "--io", required = true, description = "IO to move, up to 9 decimals.")
        String io;
        @Option(names = "--idempotency-key", description = "Repeat the same key to be sure a retry moves it once.")
        String idempotencyKey;

        @Override
        public Integer call() {
            options.admin().fundMarketMaker(io, idempotencyKey);
            spec.commandLine().getOut().println("moved " + io + " IO from the community allocation to the market maker");
            return 0;
        }
    }

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
