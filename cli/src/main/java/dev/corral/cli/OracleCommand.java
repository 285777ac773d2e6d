package dev.corral.cli;

import dev.corral.core.api.OraclePrice;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `corral oracle`: the IO/USD price history. */
@Command(name = "oracle", mixinStandardHelpOptions = true,
        description = "Show the IO/USD price history, newest first (set by the admin: a stand-in for a market feed).")
final class OracleCommand extends ClientCommand<List<OraclePrice>> {
    @Option(names = "--limit", defaultValue = "20", description = "At most this many (default ${DEFAULT-VALUE}).")
    int limit;

    @Override
    List<OraclePrice> fetch(CorralClient client) {
        return client.ioPrices(limit);
    }

    @Override
    void print(PrintWriter out, List<OraclePrice> prices) {
        out.printf("%-28s %s%n", "SET AT", "USD PER IO");
        prices.forEach(price -> out.printf("%-28s %s%n", price.setAt(), Format.amount(price.usdPerIo())));
    }
}
