/* test-payment.c — Given/When/Then for the Payment aggregate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "domain-test-utils.h"
#include "ccm-payment.h"

#define O1 "01955000-0000-7000-8000-0000000000b1"
#define P1 "01955000-0000-7000-8000-0000000000c1"

static DtWorld *
given_order (void)
{
  DtWorld *world = dt_world_new ();
  g_autofree char *codes = dt_codes ("TKA", 1);

  dt_given_conference (world, "conf", TRUE);
  g_assert_true (dt_when (world, "PlaceOrder",
                          dt_json ("{'order_id': '%s', 'conference': 'conf', 'access_code': 'ABC234', "
                                   "'seats': [{'seat_type': 'General', 'quantity': 1}], "
                                   "'ticket_codes': %s}", O1, codes)));
  return world;
}

static gboolean
initiate (DtWorld    *world,
          const char *method,
          gint64      amount)
{
  return dt_when (world, "InitiatePayment",
                  dt_json ("{'payment_id': '%s', 'order_id': '%s', 'method': '%s', "
                           "'amount': %" G_GINT64_FORMAT "}", P1, O1, method, amount));
}

static gboolean
payment_command (DtWorld    *world,
                 const char *type)
{
  return dt_when (world, type, dt_json ("{'payment_id': '%s'}", P1));
}

static void
test_initiate_complete (void)
{
  DtWorld *world = given_order ();
  JsonObject *p;

  g_assert_true (initiate (world, "cash", 19900));
  dt_assert_events (world, "PaymentInitiated", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpstr (ccm_json_string (p, "order_id"), ==, O1);
  g_assert_cmpstr (ccm_json_string (p, "conference"), ==, "conf");
  g_assert_cmpstr (ccm_json_string (p, "method"), ==, "cash");
  g_assert_cmpstr (ccm_json_string (p, "currency"), ==, "USD");
  g_assert_cmpint (ccm_json_int (p, "amount", 0), ==, 19900);

  g_assert_true (dt_when (world, "CompletePayment",
                          dt_json ("{'payment_id': '%s', 'reference': 'terminal 4411'}", P1)));
  dt_assert_events (world, "PaymentCompleted", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpstr (ccm_json_string (p, "order_id"), ==, O1);
  g_assert_cmpint (ccm_json_int (p, "amount", 0), ==, 19900);
  g_assert_cmpstr (ccm_json_string (p, "reference"), ==, "terminal 4411");

  /* A second transition is an error. */
  g_assert_false (payment_command (world, "CompletePayment"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "payment_id");
  g_assert_false (payment_command (world, "RejectPayment"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "payment_id");
  g_assert_false (initiate (world, "cash", 19900));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "payment_id");
  dt_world_free (world);
}

static void
test_initiate_reject (void)
{
  DtWorld *world = given_order ();

  initiate (world, "processor", 19900);
  dt_when (world, "RejectPayment", dt_json ("{'payment_id': '%s', 'reason': 'Card declined'}", P1));
  dt_assert_events (world, "PaymentRejected", NULL);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "reason"), ==, "Card declined");

  g_assert_false (payment_command (world, "CompletePayment"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "payment_id");
  dt_world_free (world);
}

static void
test_not_initiated (void)
{
  DtWorld *world = given_order ();

  g_assert_false (payment_command (world, "CompletePayment"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "payment_id");
  g_assert_false (payment_command (world, "RejectPayment"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "payment_id");
  dt_world_free (world);
}

static void
test_initiate_refused (void)
{
  DtWorld *world = given_order ();

  g_assert_false (initiate (world, "cheque", 19900));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "method");
  g_assert_false (initiate (world, "card", 0));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "amount");
  g_assert_false (initiate (world, "card", -100));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "amount");

  g_assert_false (dt_when (world, "InitiatePayment",
                           dt_json ("{'payment_id': '%s', 'order_id': "
                                    "'01955000-0000-7000-8000-0000000000ff', 'method': 'card', "
                                    "'amount': 100}", P1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "order_id");

  dt_when (world, "CancelOrder", dt_json ("{'order_id': '%s'}", O1));
  g_assert_false (initiate (world, "card", 19900));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  dt_world_free (world);
}

static void
test_expired_order_can_be_paid (void)
{
  DtWorld *world = given_order ();

  dt_when (world, "RejectOrder", dt_json ("{'order_id': '%s'}", O1));
  g_assert_true (initiate (world, "card", 19900));
  dt_assert_events (world, "PaymentInitiated", NULL);
  dt_world_free (world);
}

static void
test_amount_mismatch_flag (void)
{
  DtWorld *world = given_order ();
  JsonObject *p;

  initiate (world, "cash", 15000);
  g_assert_false (dt_when (world, "FlagPaymentAmountMismatch",
                           dt_json ("{'payment_id': '%s', 'expected_amount': 19900}", P1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "payment_id");

  payment_command (world, "CompletePayment");
  dt_when (world, "FlagPaymentAmountMismatch",
           dt_json ("{'payment_id': '%s', 'expected_amount': 19900}", P1));
  dt_assert_events (world, "PaymentAmountMismatch", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpint (ccm_json_int (p, "amount", 0), ==, 15000);
  g_assert_cmpint (ccm_json_int (p, "expected_amount", 0), ==, 19900);
  g_assert_cmpint (ccm_json_int (p, "difference", 0), ==, -4900);
  g_assert_cmpstr (ccm_json_string (p, "order_id"), ==, O1);

  /* Flagged once. */
  dt_when (world, "FlagPaymentAmountMismatch",
           dt_json ("{'payment_id': '%s', 'expected_amount': 19900}", P1));
  dt_assert_events (world, NULL);
  dt_world_free (world);
}

static void
test_matching_amount_not_flagged (void)
{
  DtWorld *world = given_order ();

  initiate (world, "card", 19900);
  payment_command (world, "CompletePayment");
  dt_when (world, "FlagPaymentAmountMismatch",
           dt_json ("{'payment_id': '%s', 'expected_amount': 19900}", P1));
  dt_assert_events (world, NULL);
  dt_world_free (world);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/domain/payment/initiate-complete", test_initiate_complete);
  g_test_add_func ("/domain/payment/initiate-reject", test_initiate_reject);
  g_test_add_func ("/domain/payment/not-initiated", test_not_initiated);
  g_test_add_func ("/domain/payment/initiate-refused", test_initiate_refused);
  g_test_add_func ("/domain/payment/expired-order", test_expired_order_can_be_paid);
  g_test_add_func ("/domain/payment/amount-mismatch", test_amount_mismatch_flag);
  g_test_add_func ("/domain/payment/amount-matches", test_matching_amount_not_flagged);

  return g_test_run ();
}
