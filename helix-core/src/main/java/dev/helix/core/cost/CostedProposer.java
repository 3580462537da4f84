package dev.helix.core.cost;

import dev.helix.core.port.Proposer;
import dev.helix.core.port.WrappedProposer;
import java.util.Objects;

/**
 * A proposer whose every proposal carries its cost in dollars where {@link Pricing} can tell it:
 * so the ledger, the summary and --max-cost see what a backend that reports only tokens spent.
 */
public final class CostedProposer extends WrappedProposer {
    private final Pricing pricing;

    public CostedProposer(Proposer inner, Pricing pricing) {
        super(inner);
        this.pricing = Objects.requireNonNull(pricing);
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        Proposal proposal;
        try {
            proposal = inner.propose(request);
        } catch (Cut c) {
            throw new Cut(pricing.cost(c.usage()));
        }
        return switch (proposal) {
            case Proposal.Change c -> new Proposal.Change(c.description(), c.hypothesis(), pricing.cost(c.usage()), c.parameters());
            case Proposal.Failure f -> new Proposal.Failure(f.reason(), pricing.cost(f.usage()), f.description(), f.fault());
            case Proposal.Exhausted x -> new Proposal.Exhausted(x.reason(), pricing.cost(x.usage()));
        };
    }
}
