package tech.onceonly.sample;

/**
 * A request to charge an order.
 *
 * @param orderId the order to pay; one order is charged at most once
 * @param amountCents the amount, in cents
 * @param currency the ISO currency code
 */
public record ChargeRequest(String orderId, long amountCents, String currency) {
}
