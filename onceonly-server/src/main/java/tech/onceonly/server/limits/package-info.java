/**
 * Per-key rate limiting and monthly plan quotas with their usage counters.
 */
@NullMarked
package tech.onceonly.server.limits;

import org.jspecify.annotations.NullMarked;
