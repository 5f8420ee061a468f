/**
 * A Spring AI agent on a scripted model whose tool calls are governed and exactly-once.
 */
@NullMarked
package tech.onceonly.sample.agent;

import org.jspecify.annotations.NullMarked;
