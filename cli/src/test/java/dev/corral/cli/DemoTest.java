package dev.corral.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command: four agents as separate OS processes, a 4-rank TCP job, every check passing. */
class DemoTest {
    /** Here, with Podman's service and Debian's busybox-static, the ranks run in containers. */
    @Test
    void theDemoRunsAFourRankClusterInContainersOnFourAgentProcessesAndEveryCheckPasses(@TempDir Path directory)
            throws Exception {
        String output = runs(directory, Demo.RanksIn.AUTO);

        assertThat(output).contains("ranks run in containers of " + Demo.IMAGE + " (made from /bin/busybox) on ")
                .contains("image      " + Demo.IMAGE);
    }

    /** Where no engine answers the demo runs its ranks as processes; asked to, it does so here. */
    @Test
    void theDemoRunsItsRanksAsProcessesWhereAskedAndEveryCheckPasses(@TempDir Path directory) throws Exception {
        String output = runs(directory, Demo.RanksIn.PROCESS);

        assertThat(output).contains("ranks run as processes (the process runtime, for trusted set-ups)");
    }

    private static String runs(Path directory, Demo.RanksIn ranksIn) throws Exception {
        StringWriter output = new StringWriter();
        boolean passed = new Demo(new PrintWriter(output, true), directory, ranksIn, false).run();

        assertThat(passed).as(output.toString()).isTrue();
        assertThat(output.toString())
                .contains("4 devices online and idle")
                .contains("sum of squares 1..1000000 = 333333833333500000 (correct)")
                .contains("money adds up (escrow = earnings + fee + refund): yes")
                .contains("ledger balances sum to zero in every currency: yes")
                .contains("signed epoch records: yes")
                .containsPattern("the web faces: Explorer https://127\\.0\\.0\\.1:\\d+/explorer \\(public\\); "
                        + "Cloud console https://127\\.0\\.0\\.1:\\d+/cloud \\(sign in as alice with ck_")
                .contains("stopped the coordinator and 4 agents");
        return output.toString();
    }
}
