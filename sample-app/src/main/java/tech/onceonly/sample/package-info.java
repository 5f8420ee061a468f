/**
 * The OnceOnly sample app: every feature on the embedded in-memory backend.
 */
@NullMarked
package tech.onceonly.sample;

import org.jspecify.annotations.NullMarked;
