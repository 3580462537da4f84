package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.Proposer.Proposal;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** --max-tokens: no experiment starts once the proposers' reported tokens reach the cap. */
@Timeout(30)
class TokenCapTest {
    private final SessionBench bench = SessionBench.repository(Map.of("x.txt", "1"));

    private static ScriptedProposer.Step writesUsing(String value, long in, long out) {
        return (request, vcs) -> {
            vcs.write(request.worktree(), "x.txt", value);
            return new Proposal.Change("x = " + value, Optional.empty(), new AgentUsage("script", Optional.empty(), Optional.of(in),
                    Optional.of(out), Optional.empty(), Optional.of(1), 1.0));
        };
    }

    @Test
    void theSessionStopsOnceTheTokensReachTheCapAndSaysHowMany() {
        bench.proposer.then(writesUsing("2", 400, 100), writesUsing("3", 400, 100), writesUsing("4", 400, 100));

        Outcome outcome = bench.session(100, OptionalLong.of(1000)).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_TOKENS);
        assertThat(outcome.detail()).isEqualTo("used 1000 tokens");
        assertThat(bench.ledger.records()).hasSize(3);
        assertThat(Records.tokens(bench.ledger.records())).isEqualTo(1000);
    }

    @Test
    void aProposalCutAfterSomeOfItsRequestsWereAnsweredIsRecordedInterruptedWithTheirTokensWhichCount() {
        Session[] session = new Session[1];
        bench.proposer.then(writesUsing("2", 400, 100), (request, vcs) -> {
            session[0].requestStop(); // a deadline or Ctrl-C while the proposer waits on its next request
            throw new dev.helix.core.port.Proposer.Cut(new AgentUsage("script", Optional.empty(), Optional.of(300L), Optional.of(50L),
                    Optional.empty(), Optional.of(1), 1.0));
        });
        session[0] = bench.session(100, OptionalLong.of(10_000));

        session[0].run();

        var last = bench.ledger.records().get(bench.ledger.records().size() - 1);
        assertThat(last.status()).isEqualTo(dev.helix.core.experiment.Status.INTERRUPTED);
        assertThat(last.agent().orElseThrow().tokensIn()).contains(300L);
        assertThat(Records.tokens(bench.ledger.records())).isEqualTo(850);
    }
}
