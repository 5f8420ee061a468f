package tech.onceonly.sample;

import java.time.Instant;

/**
 * What the payment gateway answered for a charge; replayed as it is to every retry of the
 * same order.
 *
 * @param chargeId the gateway's charge id
 * @param orderId the order paid
 * @param amountCents the amount charged, in cents
 * @param currency the ISO currency code
 * @param chargedAt when the charge happened
 */
public record Receipt(String chargeId, String orderId, long amountCents, String currency, Instant chargedAt) {
}
