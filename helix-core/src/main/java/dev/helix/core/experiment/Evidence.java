package dev.helix.core.experiment;

/**
 * What the statistical judge saw when it decided: the estimated effect of the candidate against
 * the incumbent (the best so far), its confidence interval, the p-value and the level it was held
 * to, and how many measurements it took. Effects are in the metric's own units, candidate minus
 * incumbent (negative is better for a minimized metric).
 *
 * @param effect candidate minus incumbent, estimated from the blocks' differences so that a linear drift cancels
 * @param ciLow lower end of the confidence interval of the effect, at the level of the look that decided
 * @param ciHigh upper end of the same interval
 * @param pValue one-sided p-value of "the improvement is at most min_improvement"
 * @param alpha the significance level this look was held to (judge.confidence spent over the looks)
 * @param n the candidate's samples (one per block)
 * @param incumbentN the incumbent's samples measured beside them (one per block)
 * @param incumbentMean the mean of those incumbent samples
 * @param sd the sd of one block's difference used (the prior pooled with this experiment's, or its own)
 * @param df its degrees of freedom
 * @param evaluations every evaluation this experiment ran, candidate and incumbent
 * @param incumbent the incumbent's commit
 */
public record Evidence(double effect, double ciLow, double ciHigh, double pValue, double alpha, int n,
                       int incumbentN, double incumbentMean, double sd, int df, int evaluations, String incumbent) {

    public Evidence withEvaluations(int evaluations, String incumbent) {
        return new Evidence(effect, ciLow, ciHigh, pValue, alpha, n, incumbentN, incumbentMean, sd, df, evaluations, incumbent);
    }
}
