package tech.onceonly.store;

/**
 * The outcome of an attempt to take a check-lock key.
 *
 * @param acquired whether the caller took the key
 * @param record the key after the attempt: the caller's own when acquired, the earlier
 * holder's otherwise
 */
public record LockResult(boolean acquired, LockRecord record) {
}
