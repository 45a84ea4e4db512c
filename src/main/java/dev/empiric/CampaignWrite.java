package dev.empiric;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a writing endpoint that a campaign's own token may call (submitting or cancelling a trial,
 * starting or stopping a runner). The endpoint must find the campaign its request touches and take
 * its actor from {@link Caller#actorFor(long)} with it. Every other writing endpoint is the admin
 * token's alone: the access filter refuses campaign tokens there before the endpoint runs, so a new
 * endpoint is protected by default.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface CampaignWrite {}
