/**
 * The {@code onceonly} actuator endpoint: inspect leases, locks and agents, and (when
 * enabled) release keys and switch agents.
 */
@NullMarked
package tech.onceonly.spring.actuate;

import org.jspecify.annotations.NullMarked;
