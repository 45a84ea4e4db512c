package dev.empiric.campaign;

import java.util.ArrayList;
import java.util.List;

/**
 * One command specialist of a campaign (campaign settings, {@code commands: [...]}): an argv list run
 * without a shell in a scratch checkout, killed with its process tree after {@code seconds}. The
 * command is the operator's (trusted); what it writes is not, and goes through the diff policy.
 */
public record CommandConfig(String name, List<String> command, Integer seconds, String surface) {

    public int secondsOrDefault() {
        return seconds == null ? 600 : seconds;
    }

    public List<String> problems(String where) {
        List<String> problems = new ArrayList<>(SpecialistNames.problems(name, where));
        if (command == null || command.isEmpty() || command.stream().anyMatch(arg -> arg == null)) {
            problems.add(where + ".command must be a non-empty argv list");
        }
        if (seconds != null && seconds < 1) {
            problems.add(where + ".seconds must be positive");
        }
        return problems;
    }
}
