/**
 * Micrometer observations and meters of the OnceOnly client: the {@code onceonly.client}
 * observation, its context and convention, and the observing client decorator.
 */
@NullMarked
package tech.onceonly.spring.observation;

import org.jspecify.annotations.NullMarked;
