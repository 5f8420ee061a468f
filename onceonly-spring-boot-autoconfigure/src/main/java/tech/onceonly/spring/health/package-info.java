/**
 * The {@code onceonly} health indicator: a cheap authenticated call to the API, or a
 * store round trip for the local engine.
 */
@NullMarked
package tech.onceonly.spring.health;

import org.jspecify.annotations.NullMarked;
