/**
 * A minimal application built from the starter exactly as {@code docs/getting-started.md}
 * describes, for the newcomer tests.
 */
@NullMarked
package tech.onceonly.newcomer;

import org.jspecify.annotations.NullMarked;
