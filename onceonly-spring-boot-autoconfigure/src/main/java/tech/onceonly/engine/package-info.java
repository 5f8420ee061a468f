/**
 * The local engine: the OnceOnly semantics run in-process on a store.
 */
@NullMarked
package tech.onceonly.engine;

import org.jspecify.annotations.NullMarked;
