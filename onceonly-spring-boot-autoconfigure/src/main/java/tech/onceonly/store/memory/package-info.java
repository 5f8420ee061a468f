/**
 * The in-memory store: the default backend of the local engine, bounded and swept.
 */
@NullMarked
package tech.onceonly.store.memory;

import org.jspecify.annotations.NullMarked;
