package io.durableobjects.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an object class shows in its change feed ({@link DurableObjectStub#changes(long)}, {@code
 * GET /v1/{ns}/changes/...}). Without this annotation every committed key and alarm change is shown
 * to whoever may call the object.
 *
 * <pre>{@code
 * @ChangeFeed(keyPrefixes = {"board/", "score:"})   // only these keys
 * public final class Game implements FetchHandler { ... }
 *
 * @ChangeFeed(enabled = false)                       // no feed: 404 feed_disabled
 * public final class Session implements FetchHandler { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface ChangeFeed {
  /** Whether the class has a change feed at all. */
  boolean enabled() default true;

  /** Only keys starting with one of these are shown; none given: every key. */
  String[] keyPrefixes() default {};
}
