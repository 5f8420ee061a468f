/**
 * Auto-configuration of the durable stores (JDBC and Redis), each chosen with
 * {@code onceonly.store.type}.
 */
@NullMarked
package tech.onceonly.spring.autoconfigure.store;

import org.jspecify.annotations.NullMarked;
