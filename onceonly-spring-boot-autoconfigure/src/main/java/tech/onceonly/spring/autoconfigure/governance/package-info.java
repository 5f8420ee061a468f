/**
 * Auto-configuration of agent governance: the {@code @GovernedTool} advisor.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.governance;

import org.jspecify.annotations.NullMarked;
