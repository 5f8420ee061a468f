/**
 * Spring AI 2.0 adapters: governed and idempotent {@code ToolCallback}s, their providers,
 * and a {@code ToolCallingManager} decorator. Loaded only when Spring AI is on the
 * classpath.
 */
@NullMarked
package tech.onceonly.ai.springai;

import org.jspecify.annotations.NullMarked;
