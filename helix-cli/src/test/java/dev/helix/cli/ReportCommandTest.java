package dev.helix.cli;

import java.nio.file.Path;

class ReportCommandTest {
    /** A real session: the tuner on the parabola, where x below 1 crashes the evaluation (exit 3). */
    static TestRepo session(Path dir) {
        TestRepo repo = TestRepo.quadratic(dir, "");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                echo "evaluating x=$x"
                awk -v x="$x" 'BEGIN { if (x < 1.0) { print "error: x too small" > "/dev/stderr"; exit 3 } printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.commitAll("crash below 1");
        TestRepo.Run run = repo.helix("run", "--tag", "t1", "--max-experiments", "8");
        if (run.code() != 0) throw new AssertionError(run.toString());
        return repo;
    }
}
