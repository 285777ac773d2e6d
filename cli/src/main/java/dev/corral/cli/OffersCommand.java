package dev.corral.cli;

import dev.corral.core.api.OfferView;
import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `corral offers`: search the idle devices. */
@Command(name = "offers", mixinStandardHelpOptions = true,
        description = "Search idle devices: conditions field<op>value with op = != < <= > >= in notin, e.g. "
                + "'gpu=H100 vram>=80 region in eu-west,us-east reliability>0.95 price<=2.5'. Fields: gpu, gpus, "
                + "vram, fp16, kind, region, country, supplier (datacenter, miner, individual), security and "
                + "connectivity (tiers 1-4), reliability (0-1), stake (IO), cpu_cores, driver, price (USD per "
                + "device-hour the device asks at least). Prices shown are the oracle's for one device-hour.")
final class OffersCommand extends ClientCommand<List<OfferView>> {
    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "Conditions, space separated (default: everything).")
    String query;

    @Option(names = "--sort", defaultValue = "price", description = "price, -price, available or fp16 (default ${DEFAULT-VALUE}).")
    String sort;

    @Override
    List<OfferView> fetch(CorralClient client) {
        return client.offers(query, sort);
    }

    @Override
    void print(PrintWriter out, List<OfferView> offers) {
        out.printf("%-4s %-12s %-5s %-12s %-10s %-14s %-8s %s%n", "KIND", "MODEL", "GPUS", "REGION", "AVAILABLE",
                "PRICE/H", "VRAM GB", "FP16 TFLOPS");
        for (OfferView o : offers) {
            out.printf("%-4s %-12s %-5d %-12s %-10d %-14s %-8s %s%n", o.kind(), o.gpuModel() == null ? "-" : o.gpuModel(),
                    o.gpusPerDevice(), o.region(), o.available(), Format.amount(o.pricePerDeviceHour()),
                    o.vramGb() == null ? "-" : o.vramGb(), o.fp16Tflops() == null ? "-" : o.fp16Tflops());
        }
    }
}
