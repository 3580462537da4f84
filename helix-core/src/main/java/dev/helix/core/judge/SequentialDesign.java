package dev.helix.core.judge;

/**
 * The constants of a rule of {@link SequentialJudge}: the boundary's shape (Wang-Tsiatis: 1/2 Pocock,
 * 0 O'Brien-Fleming), the futility line (t at the first look, then start + step * (k - 1)), whether
 * the boundary counts on the futility stops, the level of the louder-machine test, whether it also
 * looks at the blocks' sums, how far a thin prior is widened (0: not at all; the judge does not), and
 * what a keep needs while the prior rests on the baseline's repeats alone ({@link Cold}).
 * docs/statistical-judge.md has what each costs.
 */
record SequentialDesign(double shape, double futilityFirst, double futilityStart, double futilityStep, boolean binding,
                        double louderLevel, boolean sides, double thinUpper, Cold cold) {
    SequentialDesign(double shape, double futilityFirst, double futilityStart, double futilityStep, boolean binding,
                     double louderLevel, boolean sides) {
        this(shape, futilityFirst, futilityStart, futilityStep, binding, louderLevel, sides, 0, Cold.NONE);
    }

    SequentialDesign(double shape, double futilityFirst, double futilityStart, double futilityStep, boolean binding,
                     double louderLevel, boolean sides, double thinUpper) {
        this(shape, futilityFirst, futilityStart, futilityStep, binding, louderLevel, sides, thinUpper, Cold.NONE);
    }

    SequentialDesign with(Cold c) {
        return new SequentialDesign(shape, futilityFirst, futilityStart, futilityStep, binding, louderLevel, sides, thinUpper, c);
    }

    /**
     * A thin prior (fewer than {@value SequentialJudge#THIN} degrees of freedom) widened to the upper
     * {@code thinUpper} confidence bound of its sd (0 leaves it as it is).
     */
    SequentialJudge.Prior widen(SequentialJudge.Prior prior) {
        if (thinUpper <= 0 || prior.df() == 0 || prior.df() >= SequentialJudge.THIN) return prior;
        double lo = 0, hi = 1;
        while (StudentT.fisherCdf(hi, prior.df(), Double.POSITIVE_INFINITY) < 1 - thinUpper) hi *= 2;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2; // chi-square(df) / df quantile at 1 - thinUpper
            if (StudentT.fisherCdf(mid, prior.df(), Double.POSITIVE_INFINITY) < 1 - thinUpper) lo = mid; else hi = mid;
        }
        return new SequentialJudge.Prior(prior.sd() / Math.sqrt((lo + hi) / 2), prior.df(), prior.baselineOnly());
    }

    double futilityAt(int k) {
        return k == 1 ? futilityFirst : futilityStart + futilityStep * (k - 1);
    }

    double[] levels(int looks, double alpha) {
        if (shape == 0.5 && !binding) {
            double[] constant = new double[looks];
            java.util.Arrays.fill(constant, 1, looks, Boundary.nominalAlpha(2, looks, alpha));
            return constant;
        }
        double[] lower = null;
        if (binding) {
            lower = new double[looks];
            for (int k = 1; k < looks; k++) lower[k - 1] = futilityAt(k);
            lower[looks - 1] = Double.NEGATIVE_INFINITY;
        }
        return Boundary.levels(looks, alpha, shape, lower);
    }

    /**
     * What a keep needs while the prior rests on the baseline's repeats alone: the louder-machine test's
     * level then (0: as otherwise), the fewest blocks, and whether the experiment's own t-test must agree
     * (on its differences, or on its differences and sums, with their own degrees of freedom); and whether
     * the blocks' sums A + B pool into the spread (around their least-squares line in the block's index
     * when {@code detrend}, so that a linear drift does not inflate them).
     */
    record Cold(double louderLevel, int minBlocks, boolean ownT, boolean ownSides, boolean poolSides, boolean detrend) {
        static final Cold NONE = new Cold(0, 0, false, false, false, false);

        Cold(double louderLevel, int minBlocks, boolean ownT, boolean ownSides) {
            this(louderLevel, minBlocks, ownT, ownSides, false, false);
        }

        /**
         * While the prior is the baseline's alone: whether the experiment's own blocks allow a keep too.
         *
         * @param looks the most blocks: a keep needs at most that many
         * @param excess the effect beyond min_improvement
         * @param varFactor the variance of the effect estimate in units of a block's difference's
         * @param loudSs the differences' and the sums' sums of squares, {@code ownDf} degrees of freedom each
         */
        boolean agrees(SequentialJudge.Prior prior, int n, int looks, double excess, double varFactor, double ownSs, double loudSs,
                       int ownDf, double alphaK) {
            if (!prior.baselineOnly()) return true;
            if (n < Math.min(minBlocks, looks)) return false;
            if (!ownT) return true;
            double ss = ownSides ? loudSs : ownSs;
            int df = ownSides ? 2 * ownDf : ownDf;
            if (ss == 0) return excess > 0;
            double t = excess / (Math.sqrt(ss / df) * Math.sqrt(varFactor));
            return 1 - StudentT.cdf(t, df) <= alphaK;
        }
    }
}
