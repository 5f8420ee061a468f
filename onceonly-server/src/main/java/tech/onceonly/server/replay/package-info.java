/**
 * Replays the first answer to a retry of the same call (same X-OnceOnly-Retry-Token and
 * body) so a lost response is safe to retry; X-Request-Id is never replayed.
 */
@NullMarked
package tech.onceonly.server.replay;

import org.jspecify.annotations.NullMarked;
