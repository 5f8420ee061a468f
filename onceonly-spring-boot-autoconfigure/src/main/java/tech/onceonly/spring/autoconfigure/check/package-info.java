/**
 * Startup checks of the {@code onceonly.*} configuration that warn rather than fail:
 * unknown keys (typos) and an in-memory store beside a shared database or Redis.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.check;

import org.jspecify.annotations.NullMarked;
