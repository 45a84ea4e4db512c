package dev.empiric.agent;

/**
 * What a specialist wants measured: a hypothesis sentence (what changes and why), a unified diff
 * against the trial {@code parent}, and who proposed it.
 */
public record Proposal(String hypothesis, String diff, int parent, String specialist) {}
