package dev.corral.cli;

import dev.corral.core.api.Amount;
import dev.corral.core.api.OraclePrice;
import dev.corral.core.api.WalletView;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `corral wallet [mint-iosd]`: balances in every currency, and IOSD minted by burning IO. */
@Command(name = "wallet", mixinStandardHelpOptions = true,
        description = "Show balances in USD, IO and IOSD, escrow, earnings, IO rewards and the IO price.",
        subcommands = {WalletCommand.MintIosd.class})
final class WalletCommand extends ClientCommand<WalletView> {
    @Override
    WalletView fetch(CorralClient client) {
        return client.wallet();
    }

    @Override
    void print(PrintWriter out, WalletView wallet) {
        print(out, wallet, true);
    }

    static void print(PrintWriter out, WalletView wallet, boolean full) {
        out.println("balances   " + join(wallet.balances()));
        if (full) {
            out.println("in escrow  " + join(wallet.heldInEscrow()));
            out.println("earned     " + join(wallet.earned()) + ", IO rewards " + Format.amount(wallet.rewardsIo()));
        }
        OraclePrice price = wallet.ioPrice();
        out.println("IO price   " + (price == null ? "not set yet" : Format.amount(price.usdPerIo()) + " per IO (set "
                + price.setAt() + ")"));
    }

    private static String join(List<Amount> amounts) {
        return amounts.stream().map(Format::amount).collect(Collectors.joining(", "));
    }

    @Command(name = "mint-iosd", mixinStandardHelpOptions = true,
            description = "Burn IO at the oracle price and receive IOSD 1:1 to its USD value: the only way to get IOSD.")
    static final class MintIosd extends ClientCommand<WalletView> {
        @Option(names = "--io", required = true, description = "IO to burn, up to 9 decimals.")
        String io;
        @Option(names = "--idempotency-key", description = "Repeat the same key to be sure a retry mints once.")
        String idempotencyKey;

        @Override
        WalletView fetch(CorralClient client) {
            return client.mintIosd(io, idempotencyKey);
        }

        @Override
        void print(PrintWriter out, WalletView wallet) {
            out.println("burned " + io + " IO");
            WalletCommand.print(out, wallet, false);
        }
    }
}
