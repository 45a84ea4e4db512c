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
 */
public final class SpecialistBandit {

    /** Trials of a specialist that count as "recent". */
    public static final int WINDOW = 20;

    private SpecialistBandit() {}

    /** Keeps among a specialist's last {@link #WINDOW} finished trials. */
    public record Yield(int trials, int keeps) {}

    /** The specialists in the order to ask them, with the draw each got. */
    public static List<Map.Entry<String, Double>> order(Map<String, Yield> yields, Random random) {
        Map<String, Double> draws = new HashMap<>();
        new TreeMap<>(yields).forEach((name, yield) -> draws.put(name, beta(1 + yield.keeps(), 1 + yield.trials() - yield.keeps(),
                random)));
        List<Map.Entry<String, Double>> order = new ArrayList<>(draws.entrySet());
        order.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()));
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
