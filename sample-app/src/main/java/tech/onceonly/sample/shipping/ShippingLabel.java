package tech.onceonly.sample.shipping;

/**
 * A shipping label bought from a carrier.
 *
 * @param orderId the order
 * @param labelNumber the carrier's label number (counts real purchases)
 * @param carrier the carrier
 */
public record ShippingLabel(String orderId, int labelNumber, String carrier) {
}
