package tech.onceonly.benchmarks;

/**
 * The small result the benchmarked {@code @IdempotentAi} method returns (stored as JSON
 * on a first call, read back on a duplicate).
 *
 * @param orderId the order
 * @param amountCents the amount
 */
public record Receipt(String orderId, long amountCents) {
}
