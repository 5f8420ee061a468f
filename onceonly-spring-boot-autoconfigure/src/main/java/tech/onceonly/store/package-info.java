/**
 * The store SPI: the atomic primitives the local engine runs on, implemented once per
 * backend.
 */
@NullMarked
package tech.onceonly.store;

import org.jspecify.annotations.NullMarked;
