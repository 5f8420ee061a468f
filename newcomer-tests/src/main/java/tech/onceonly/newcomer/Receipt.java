package tech.onceonly.newcomer;

/** A charge's receipt, replayed to every repeat of an annotated charge. */
public record Receipt(String orderId, long amountCents, int chargeNumber) {
}
