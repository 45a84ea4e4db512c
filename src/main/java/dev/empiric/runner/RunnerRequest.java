package dev.empiric.runner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run a campaign: the budget (trials, deadline, patience without a KEEP), which specialists
 * (null: every built-in one of the environment) and how many trials may be in flight at once.
 */
public record RunnerRequest(Integer maxTrials, Instant deadline, Integer maxTrialsWithoutKeep,
        List<String> specialists, Integer concurrency) {

    public static final int MAX_CONCURRENCY = 16;
    public static final int MAX_TRIALS = 100_000;

    /**
     * Checks the request against the specialists the environment offers; returns the names to use
     * ({@code defaults} when the request names none).
     */
    public List<String> validate(List<String> defaults, List<String> available) {
        List<String> problems = new ArrayList<>();
        if (maxTrials == null || maxTrials < 1 || maxTrials > MAX_TRIALS) {
            problems.add("'maxTrials' is required, between 1 and " + MAX_TRIALS);
        }
        if (maxTrialsWithoutKeep != null && maxTrialsWithoutKeep < 1) {
            problems.add("'maxTrialsWithoutKeep' must be positive, or null for no limit");
        }
        if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
            problems.add("'concurrency' must be between 1 and " + MAX_CONCURRENCY);
        }
        if (deadline != null && !deadline.isAfter(Instant.now())) {
            problems.add("'deadline' is in the past");
        }
        List<String> names = specialists == null ? defaults : specialists;
        if (names.isEmpty()) {
            problems.add("no specialists: the environment defines no surfaces and none were named");
        }
        List<String> unknown = names.stream().filter(name -> !available.contains(name)).toList();
        if (!unknown.isEmpty()) {
            problems.add("unknown specialists " + unknown + "; this environment offers " + available);
        }
        if (names.stream().distinct().count() != names.size()) {
            problems.add("'specialists' names one specialist twice");
        }
        if (!problems.isEmpty()) {
            throw new InvalidRunnerRequest(String.join("; ", problems));
        }
        return List.copyOf(names);
    }

    public int concurrencyOrDefault() {
        return concurrency == null ? 1 : concurrency;
    }
}
