package dev.empiric.web;

import dev.empiric.lineage.CampaignService.CampaignView;
import dev.empiric.runner.RunnerView;
import java.time.Instant;

/**
 * One line of the campaigns page: the campaign as the API shows it, its latest runner (null when it
 * never had one) and when anything last happened to it (its newest event), so a researcher sees at a glance
 * which campaigns are alive.
 */
public record CampaignSummary(CampaignView campaign, RunnerView runner, Instant lastActivity) {}
