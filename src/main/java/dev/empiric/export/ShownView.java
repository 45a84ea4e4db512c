package dev.empiric.export;

/**
 * What a proposer was shown before it proposed (a rendered lineage view, a whole prompt), as the
 * server stored it: once per distinct text, under its SHA-256. Exported as {@code views/<sha256>.md}.
 */
public record ShownView(String sha256, String text) {}
