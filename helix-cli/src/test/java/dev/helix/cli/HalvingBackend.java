package dev.helix.cli;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A backend registered the way a user registers one (ServiceLoader, from this module's test
 * resources): it moves x in params.txt halfway towards 1.7. On its first experiment it writes a
 * value the test evaluation crashes on, and fixes it when shown the crash.
 */
public final class HalvingBackend implements AgentBackend {
    @Override
    public String name() {
        return "halving";
    }

    @Override
    public List<Unready> check(Spec spec, Map<String, String> env) {
        return List.of();
    }

    @Override
    public Proposer create(Context context) {
        return request -> {
            Path params = request.worktree().resolve("params.txt");
            try {
                String text = Files.readString(params);
                if (request.crashLogTail().isPresent()) {
                    Files.writeString(params, text.replace("x = crash", "x = 3.0"));
                    return new Proposer.Proposal.Change("fix the crash: x = 3.0", Optional.of("the log says x is not a number"),
                            new AgentUsage("halving", Optional.of("halver-1"), Optional.of(100L), Optional.of(20L),
                                    Optional.of(0.25), Optional.of(1), 0.01));
                }
                if (request.experiment() == 1) {
                    Files.writeString(params, text.replaceFirst("x = [-0-9.]+", "x = crash"));
                    return new Proposer.Proposal.Change("try a bold value", Optional.empty(),
                            new AgentUsage("halving", Optional.of("halver-1"), Optional.of(100L), Optional.of(20L),
                                    Optional.of(0.25), Optional.of(1), 0.01));
                }
                double x = Double.parseDouble(text.replaceAll("(?s).*x = ([-0-9.]+).*", "$1"));
                double next = x + (1.7 - x) / 2;
                Files.writeString(params, text.replaceFirst("x = [-0-9.]+", "x = " + next));
                return new Proposer.Proposal.Change("move x to " + next, Optional.empty(),
                        new AgentUsage("halving", Optional.of("halver-1"), Optional.of(100L), Optional.of(20L),
                                Optional.of(0.25), Optional.of(1), 0.01));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
