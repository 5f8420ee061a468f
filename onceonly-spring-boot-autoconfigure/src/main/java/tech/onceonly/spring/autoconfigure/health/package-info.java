/**
 * Auto-configuration of the {@code onceonly} health indicator.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
