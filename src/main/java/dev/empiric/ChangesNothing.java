package dev.empiric;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an endpoint reached by POST (or another method that usually writes) that changes nothing,
 * such as verifying an uploaded file: the access filter treats it as a read (public unless
 * {@code empiric.auth.read=token}). An endpoint that writes only in some cases (the MCP endpoint,
 * whose tools may submit) carries it too and asks {@link Caller} in the writing case.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ChangesNothing {}
