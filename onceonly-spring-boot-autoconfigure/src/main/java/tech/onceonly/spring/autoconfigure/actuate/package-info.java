/**
 * Auto-configuration of the {@code onceonly} actuator endpoint.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
