package dev.empiric.agent;

import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Knob;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The specialists available on an environment: one {@link KnobSpecialist} per surface of its spec
 * and the {@link Combiner} over all knobs by default, and {@link RandomSearch} when asked for by name. This is the single place where new kinds of specialist
 * (LLM, command) are added to what a runner can choose from.
 */
@ApplicationScoped
public class SpecialistRoster {

    public List<Specialist> all(EnvironmentSpec spec) {
        List<Specialist> specialists = new ArrayList<>();
        Map<String, List<Knob>> surfaces = spec.surfaces() == null ? Map.of() : spec.surfaces();
        surfaces.forEach((surface, knobs) -> specialists.add(new KnobSpecialist(surface, knobs)));
        if (!surfaces.isEmpty()) {
            specialists.add(new Combiner(knobs(spec)));
        }
        return specialists;
    }

    /** Every specialist a runner may name: the defaults, plus uniform random search as a yardstick. */
    public List<Specialist> available(EnvironmentSpec spec) {
        List<Specialist> specialists = new ArrayList<>(all(spec));
        if (!knobs(spec).isEmpty()) {
            specialists.add(new RandomSearch(knobs(spec)));
        }
        return specialists;
    }

    public Optional<Specialist> named(EnvironmentSpec spec, String name) {
        return available(spec).stream().filter(specialist -> specialist.name().equals(name)).findFirst();
    }

    /** Every knob of every surface, in spec order. */
    public static List<Knob> knobs(EnvironmentSpec spec) {
        return spec.surfaces() == null ? List.of() : spec.surfaces().values().stream().flatMap(List::stream).toList();
    }
}
