package dev.empiric.agent;

/** A value a knob could take next, with the reason the search chose it (it goes into the hypothesis). */
public record Candidate(String literal, String reason) {}
