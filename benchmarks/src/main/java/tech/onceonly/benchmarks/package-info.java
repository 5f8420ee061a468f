/**
 * Benchmarks and load drivers for OnceOnly for Spring Boot: JMH benchmarks of the
 * annotations' per-call overhead and plain {@code main} drivers for the stores, the
 * remote client and the in-memory store's memory per key. They are run by
 * {@code benchmarks/run.sh}, never by the build; see {@code docs/benchmarks.md}.
 */
package tech.onceonly.benchmarks;
