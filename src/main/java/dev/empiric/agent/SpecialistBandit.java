package dev.empiric.agent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Which specialist works next: Thompson sampling over each specialist's recent yield. A specialist's
 * chance of producing a KEEP is modelled as Beta(1 + keeps, 1 + misses) over its last
 * {@link #WINDOW} finished trials (the uniform prior lets a new specialist be tried); one draw per
 * specialist (in name order, so a seeded run replays), highest first. Specialists whose surface
 * stops paying are asked less but never dropped: a draw from a wide posterior still wins now and then.
 *
 * <p>The opening. For the campaign's first {@link #OPENING} trials the knob model
 * ({@link ModelSpecialist}), when the run has it, is asked first whatever it drew. A campaign starts from
 * a baseline that is often far from good; one-knob moves from there climb slowly (on digits the roster
 * reached 0.95 around trial 15, where random search and TPE, moving every knob, got there by trial 5),
 * and the bandit cannot tell which specialist pays before anything has been measured. So the joint
 * moves come first, then every specialist competes on its measured keeps, the model's opening
 * included.
 */
public final class SpecialistBandit {

    /** Trials of a specialist that count as "recent". */
    public static final int WINDOW = 20;
    /** The campaign's first trials (the baseline included) in which the knob model is asked first. */
    public static final int OPENING = 10;

    private SpecialistBandit() {}

    /** Keeps among a specialist's last {@link #WINDOW} finished trials. */
    public record Yield(int trials, int keeps) {}

    /**
     * The specialists in the order to ask them, with the draw each got; {@code campaignTrials} is how
     * many trials the campaign holds, which decides whether it is still in its opening.
     */
    public static List<Map.Entry<String, Double>> order(Map<String, Yield> yields, int campaignTrials, Random random) {
        Map<String, Double> draws = new HashMap<>();
        new TreeMap<>(yields).forEach((name, yield) -> draws.put(name, beta(1 + yield.keeps(), 1 + yield.trials() - yield.keeps(),
                random)));
        List<Map.Entry<String, Double>> order = new ArrayList<>(draws.entrySet());
        order.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
        if (campaignTrials < OPENING) {
            order.sort(Comparator.comparing(entry -> !entry.getKey().equals(ModelSpecialist.NAME)));
        }
        return order;
    }

    /**
     * A draw from Beta(a, b) for whole-number a and b: the a-th smallest of a + b - 1 uniform draws,
     * exact and with no special functions.
     */
    static double beta(int a, int b, Random random) {
        double[] uniforms = new double[a + b - 1];
        for (int i = 0; i < uniforms.length; i++) {
            uniforms[i] = random.nextDouble();
        }
        Arrays.sort(uniforms);
        return uniforms[a - 1];
    }
}
