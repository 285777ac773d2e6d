package dev.corral.cli;

import dev.corral.sdk.CorralClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A client command: one call to the coordinator, its answer printed for people or, with --json, as JSON. */
abstract class ClientCommand<T> implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ClientOptions options;

    abstract T fetch(CorralClient client);

    abstract void print(PrintWriter out, T answer);

    @Override
    public Integer call() {
        T answer = fetch(options.client());
        PrintWriter out = spec.commandLine().getOut();
        if (!options.printedJson(out, answer)) {
            print(out, answer);
        }
        return 0;
    }
}
