package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: four agents as separate OS processes, a 4-rank TCP job, every check passing. */
class DemoTest {
    @Test
    void theDemoRunsAFourRankClusterOnFourAgentProcessesAndEveryCheckPasses(@TempDir Path directory) throws Exception {
        StringWriter output = new StringWriter();
        boolean passed = new Demo(new PrintWriter(output, true), directory).run();

        assertThat(passed).as(output.toString()).isTrue();
        assertThat(output.toString())
                .contains("4 devices online and idle")
                .contains("sum of squares 1..1000000 = 333333833333500000 (correct)")
                .contains("money adds up (escrow = earnings + fee + refund): yes")
                .contains("ledger balances sum to zero in every currency: yes")
                .contains("signed epoch records: yes")
                .contains("stopped the coordinator and 4 agents");
    }
}
