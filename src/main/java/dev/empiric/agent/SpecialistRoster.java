package dev.empiric.agent;

import dev.empiric.campaign.CommandConfig;
import dev.empiric.campaign.LlmConfig;
import dev.empiric.campaign.CampaignSettings;
import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Knob;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The specialists available to a campaign: one {@link KnobSpecialist} per surface of its environment,
 * the {@link Combiner} and the {@link ModelSpecialist} over all knobs (built in), then the {@link LlmSpecialist}s and
 * {@link CommandSpecialist}s its settings configure; {@link RandomSearch} only when named. This is
 * the single place where kinds of specialist are added to what a runner can choose from by name.
 */
@ApplicationScoped
public class SpecialistRoster {

    public List<Specialist> all(EnvironmentSpec spec, CampaignSettings settings) {
        List<Specialist> specialists = new ArrayList<>();
        Map<String, List<Knob>> surfaces = spec.surfaces();
        surfaces.forEach((surface, knobs) -> specialists.add(new KnobSpecialist(surface, knobs)));
        if (!surfaces.isEmpty()) {
            specialists.add(new Combiner(spec.knobs()));
            specialists.add(new ModelSpecialist(spec.knobs()));
        }
        for (LlmConfig config : settings.llmOrNone()) {
            specialists.add(new LlmSpecialist(config, ChatModels.create(config)));
        }
        for (CommandConfig config : settings.commandsOrNone()) {
            specialists.add(new CommandSpecialist(config));
        }
        List<String> names = specialists.stream().map(Specialist::name).toList();
        if (names.stream().distinct().count() != names.size()) {
            throw new SpecialistUnavailable("the campaign's configured specialists reuse a name: " + names);
        }
        return specialists;
    }

    /** Every specialist a runner may name: the defaults, plus uniform random search as a yardstick. */
    public List<Specialist> available(EnvironmentSpec spec, CampaignSettings settings) {
        List<Specialist> specialists = new ArrayList<>(all(spec, settings));
        if (!spec.knobs().isEmpty()) {
            specialists.add(new RandomSearch(spec.knobs()));
        }
        return specialists;
    }

    public Optional<Specialist> named(EnvironmentSpec spec, CampaignSettings settings, String name) {
        return available(spec, settings).stream().filter(specialist -> specialist.name().equals(name)).findFirst();
    }
}
