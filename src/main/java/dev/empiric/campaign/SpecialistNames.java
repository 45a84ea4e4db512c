package dev.empiric.campaign;

import java.util.List;

/** The rule for configured specialist names: they are recorded on trials and listed in runner requests. */
final class SpecialistNames {

    private SpecialistNames() {}

    static List<String> problems(String name, String where) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            return List.of(where + ".name is required: lower-case letters, digits, '-' and '_', at most 64");
        }
        return List.of();
    }
}
