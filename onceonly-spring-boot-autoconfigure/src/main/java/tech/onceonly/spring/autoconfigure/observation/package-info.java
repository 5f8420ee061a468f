/**
 * Auto-configuration of OnceOnly's Micrometer observations and meters.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.observation;

import org.jspecify.annotations.NullMarked;
