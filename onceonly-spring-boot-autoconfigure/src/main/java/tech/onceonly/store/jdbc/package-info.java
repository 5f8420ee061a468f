/**
 * The JDBC stores: locks, leases and governance state in PostgreSQL, MariaDB/MySQL or H2
 * tables, decided by atomic SQL against the database clock.
 */
@NullMarked
package tech.onceonly.store.jdbc;

import org.jspecify.annotations.NullMarked;
