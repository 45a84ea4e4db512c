package dev.empiric.agent;

import dev.empiric.environment.EnvironmentSpec;
import dev.empiric.environment.EnvironmentSpec.Knob;
import java.util.List;
import java.util.Map;

/**
 * What an LLM or command specialist is told about its job, before the lineage view: the task and
 * metric, what is known (the environment's and the analyst's notes, pinned at the top), the surface it
 * owns (its knobs, as focus), and the rules every edit is held to. LLM and
 * command specialists share it so that both kinds are briefed alike; each adds its answer format.
 */
public final class ProposerBrief {

    private ProposerBrief() {}

    public static String of(String specialist, EnvironmentSpec spec, String surface, String knowledge) {
        StringBuilder brief = new StringBuilder();
        brief.append("# Task for specialist '").append(specialist).append("'\n\n");
        brief.append("You improve the recipe of the environment '").append(spec.name()).append("'");
        if (spec.title() != null) {
            brief.append(" (").append(spec.title()).append(")");
        }
        brief.append(". ");
        if (spec.description() != null) {
            brief.append(spec.description().strip()).append("\n\n");
        }
        brief.append("The evaluator measures `").append(spec.metric().name()).append("`; goal: ")
                .append(spec.metric().goal().name().toLowerCase()).append(" it. Each proposal is one trial: a")
                .append(" hypothesis and one edit of the current best recipe, measured by the platform, never by you.\n\n");
        if (knowledge != null && !knowledge.isBlank()) {
            brief.append(knowledge.strip()).append("\n\n");
        }
        Map<String, List<Knob>> surfaces = spec.surfaces() == null ? Map.of() : spec.surfaces();
        if (surface != null && surfaces.containsKey(surface)) {
            brief.append("You own the surface '").append(surface).append("'. Focus on these constants:\n");
            for (Knob knob : surfaces.get(surface)) {
                brief.append("- `").append(knob.name()).append("` in ").append(knob.file()).append(" (")
                        .append(knob.type());
                if (knob.min() != null || knob.max() != null) {
                    brief.append(", ").append(knob.min()).append(" to ").append(knob.max());
                }
                if (knob.choices() != null) {
                    brief.append(", one of ").append(knob.choices());
                }
                brief.append(")\n");
            }
            brief.append('\n');
        }
        brief.append("Rules: edit only files matching ").append(spec.editable())
                .append("; do not add, delete or rename files; keep the recipe runnable within its budgets.")
                .append(" Learn from the lineage: do not repeat measured edits, and react to failure labels")
                .append(" (a timeout or size block asks for something cheaper).\n");
        return brief.toString();
    }
}
