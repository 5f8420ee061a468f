/**
 * Replays the first answer to a repeated X-Request-Id so a lost response is safe to
 * retry.
 */
@NullMarked
package tech.onceonly.server.replay;

import org.jspecify.annotations.NullMarked;
