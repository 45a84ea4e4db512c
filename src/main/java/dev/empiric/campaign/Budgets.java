package dev.empiric.campaign;

import dev.empiric.environment.EnvironmentSpec;

/**
 * The limits that apply to a campaign's trials, resolved once from the environment's spec (defaults
 * already filled) and the campaign's overrides. The evaluator enforces exactly these and the lineage
 * view shows exactly these, so what an agent is told and what is enforced cannot drift apart.
 *
 * @param preflight null when the environment has no preflight check
 * @param artifactMaxBytes null when the artifact is uncapped
 * @param confirmSeedSets how many fresh seed sets a gain may be confirmed on (0: no confirmation)
 * @param alpha the confirmation test's level
 */
public record Budgets(Limits recipe, Limits scoring, Limits preflight, Long artifactMaxBytes,
        boolean artifactIncludesCode, int baselineRepeats, double minDelta, double z, int confirmSeedSets,
        double alpha) {

    /** One container run's limits: wallclock, memory (swap included), CPU quota, processes, output. */
    public record Limits(int seconds, int memoryMb, double cpus, int pids, int outputMb) {}

    public static Budgets of(EnvironmentSpec spec, CampaignSettings settings) {
        EnvironmentSpec.Run recipe = spec.recipe();
        int memoryMb = settings.memoryMb() != null ? settings.memoryMb() : recipe.memoryMb();
        Limits recipeLimits = new Limits(settings.recipeSeconds() != null ? settings.recipeSeconds() : recipe.seconds(),
                memoryMb, recipe.cpus(), recipe.pids(), recipe.outputMb());
        EnvironmentSpec.Run scoring = spec.scoring();
        Limits scoringLimits = new Limits(settings.scoringSeconds() != null ? settings.scoringSeconds()
                : scoring.seconds(), scoring.memoryMb(), scoring.cpus(), scoring.pids(), scoring.outputMb());
        // The preflight runs the recipe's own image on the recipe's tree: it gets the recipe's limits
        // (with the campaign's memory override) and only its own, shorter, deadline.
        Limits preflightLimits = spec.preflight() == null ? null
                : new Limits(spec.preflight().seconds(), memoryMb, recipe.cpus(), recipe.pids(), recipe.outputMb());
        return new Budgets(recipeLimits, scoringLimits, preflightLimits, spec.artifact().maxBytes(),
                spec.artifact().includeCode(),
                settings.baselineRepeats() != null ? settings.baselineRepeats() : spec.keep().baselineRepeats(),
                spec.keep().minDelta(), spec.keep().z(),
                settings.confirmSeedSets() != null ? settings.confirmSeedSets() : spec.keep().confirmSeedSets(),
                spec.keep().alpha());
    }

    /**
     * The keep threshold, max(min_delta, z × noise): without confirmation, the gain a trial must
     * exceed to be kept; with it, what the confirmation is told the gain stood against.
     */
    public double keepThreshold(Double noiseFloor) {
        return Math.max(minDelta, z * (noiseFloor == null ? 0.0 : noiseFloor));
    }

    /** Whether gains are confirmed on fresh seed sets before they are kept. */
    public boolean confirms() {
        return confirmSeedSets > 0;
    }

    /** The degrees of freedom the noise estimate pools up to: the baseline's (its repeats - 1), at least 1. */
    public int noiseDegreesOfFreedom() {
        return Math.max(1, baselineRepeats - 1);
    }
}
