/**
 * Governance on plain Java tools with @GovernedTool: a shipping agent's labels and
 * cancellations.
 */
@NullMarked
package tech.onceonly.sample.shipping;

import org.jspecify.annotations.NullMarked;
