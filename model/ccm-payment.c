/* ccm-payment.c — a payment for an order: initiated, then completed or
 * rejected, once
 *
 * Stream "payment/<payment_id>". The amount is what the desk or processor
 * actually took, which may differ from the order's total; the registration
 * process compares the two and flags a difference (PaymentAmountMismatch)
 * instead of refusing money that was already handed over.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-payment"

#include <glib/gi18n-lib.h>
#include "ccm-payment.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order.h"

static const char *const methods[] = { "cash", "card", "invoice", "processor", NULL };

static gpointer
payment_new_state (void)
{
  return g_new0 (CcmPaymentState, 1);
}

static void
payment_free_state (gpointer data)
{
  CcmPaymentState *state = data;

  g_free (state->payment_id);
  g_free (state->order_id);
  g_free (state->conference);
  g_free (state->method);
  g_free (state->currency);
  g_free (state);
}

static void
payment_evolve (gpointer        data,
                const CcmEvent *event)
{
  CcmPaymentState *state = data;
  JsonObject *p = event->payload;

  if (g_str_equal (event->type, "PaymentInitiated"))
    {
      state->status = CCM_PAYMENT_INITIATED;
      state->payment_id = g_strdup (ccm_json_string (p, "payment_id"));
      state->order_id = g_strdup (ccm_json_string (p, "order_id"));
      state->conference = g_strdup (ccm_json_string (p, "conference"));
      state->method = g_strdup (ccm_json_string (p, "method"));
      state->currency = g_strdup (ccm_json_string (p, "currency"));
      state->amount = ccm_json_int (p, "amount", 0);
    }
  else if (g_str_equal (event->type, "PaymentCompleted"))
    state->status = CCM_PAYMENT_COMPLETED;
  else if (g_str_equal (event->type, "PaymentRejected"))
    state->status = CCM_PAYMENT_REJECTED;
  else if (g_str_equal (event->type, "PaymentAmountMismatch"))
    state->mismatch_flagged = TRUE;
}

const CcmAggregate ccm_payment_aggregate = {
  .name = "payment",
  .new_state = payment_new_state,
  .free_state = payment_free_state,
  .evolve = payment_evolve,
};

char *
ccm_payment_stream (const char *payment_id)
{
  return g_strconcat ("payment/", payment_id, NULL);
}

const char *
ccm_payment_status_to_string (CcmPaymentStatus status)
{
  switch (status)
    {
    case CCM_PAYMENT_NEW: return "new";
    case CCM_PAYMENT_INITIATED: return "initiated";
    case CCM_PAYMENT_COMPLETED: return "completed";
    case CCM_PAYMENT_REJECTED: return "rejected";
    default: g_assert_not_reached ();
    }
}

static char *
payment_stream_for (const CcmCommand  *command,
                    GError           **error)
{
  const char *payment_id = NULL;

  if (!ccm_json_get_string (command->args, "payment_id", TRUE, &payment_id, error))
    return NULL;
  if (!ccm_id_is_valid (payment_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "payment_id",
                            _("The payment id “%s” is not a UUID."), payment_id);
      return NULL;
    }
  return ccm_payment_stream (payment_id);
}

static JsonObject *
payment_payload (const CcmPaymentState *state)
{
  JsonObject *p = json_object_new ();

  json_object_set_string_member (p, "payment_id", state->payment_id);
  json_object_set_string_member (p, "order_id", state->order_id);
  json_object_set_string_member (p, "conference", state->conference);
  json_object_set_string_member (p, "method", state->method);
  json_object_set_int_member (p, "amount", state->amount);
  json_object_set_string_member (p, "currency", state->currency);
  return p;
}

static gboolean
decide_initiate (gconstpointer      data,
                 const CcmCommand  *command,
                 CcmDecideContext  *ctx,
                 GError           **error)
{
  const CcmPaymentState *state = data;
  JsonObject *a = command->args;
  const char *payment_id = NULL, *order_id = NULL, *method = NULL;
  g_autofree char *order_stream = NULL;
  const CcmOrderState *order;
  gint64 amount = 0;
  JsonObject *p;

  if (!ccm_json_get_string (a, "payment_id", TRUE, &payment_id, error) ||
      !ccm_json_get_string (a, "order_id", TRUE, &order_id, error) ||
      !ccm_json_get_string (a, "method", TRUE, &method, error) ||
      !ccm_json_get_int (a, "amount", TRUE, &amount, error))
    return FALSE;

  if (state->status != CCM_PAYMENT_NEW)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "payment_id",
                            _("The payment %s already exists."), payment_id);
      return FALSE;
    }
  if (!g_strv_contains (methods, method))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "method",
                            _("The payment method “%s” is unknown; use cash, card, invoice "
                              "or processor."), method);
      return FALSE;
    }
  if (amount <= 0)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "amount",
                            _("The amount must be more than 0.00; a free order needs no "
                              "payment."));
      return FALSE;
    }
  if (!ccm_id_is_valid (order_id))
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, "order_id",
                            _("The order id “%s” is not a UUID."), order_id);
      return FALSE;
    }

  order_stream = ccm_order_stream (order_id);
  order = ccm_decide_context_load (ctx, &ccm_order_aggregate, order_stream, NULL, error);
  if (order == NULL)
    return FALSE;
  if (order->status == CCM_ORDER_NEW)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "order_id",
                            _("There is no order %s to pay for."), order_id);
      return FALSE;
    }
  /* An expired order may still be paid: the registration process then tries
   * to get its seats back, or records a refund. A cancelled one may not. */
  if (order->status == CCM_ORDER_CANCELLED)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "order_id",
                            _("The order %s was cancelled; it cannot be paid."), order_id);
      return FALSE;
    }

  p = json_object_new ();
  json_object_set_string_member (p, "payment_id", payment_id);
  json_object_set_string_member (p, "order_id", order_id);
  json_object_set_string_member (p, "conference", order->conference);
  json_object_set_string_member (p, "method", method);
  json_object_set_int_member (p, "amount", amount);
  json_object_set_string_member (p, "currency", order->currency);
  ccm_decide_context_emit (ctx, "PaymentInitiated", p);

  json_object_set_string_member (ccm_decide_context_get_result (ctx), "payment_id", payment_id);
  return TRUE;
}

static gboolean
require_initiated (const CcmPaymentState  *state,
                   GError                **error)
{
  if (state->status == CCM_PAYMENT_INITIATED)
    return TRUE;

  if (state->status == CCM_PAYMENT_NEW)
    ccm_domain_error_set (error, CCM_DOMAIN_ERROR_NOT_FOUND, "payment_id",
                          _("There is no such payment; initiate it first."));
  else
    ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "payment_id",
                          _("The payment %s is already %s; it cannot change again."),
                          state->payment_id, ccm_payment_status_to_string (state->status));
  return FALSE;
}

static gboolean
decide_complete (gconstpointer      data,
                 const CcmCommand  *command,
                 CcmDecideContext  *ctx,
                 GError           **error)
{
  const CcmPaymentState *state = data;
  const char *reference = NULL;
  JsonObject *p;

  if (!require_initiated (state, error) ||
      !ccm_json_get_string (command->args, "reference", FALSE, &reference, error))
    return FALSE;

  p = payment_payload (state);
  ccm_json_set_string_or_null (p, "reference", reference);
  ccm_decide_context_emit (ctx, "PaymentCompleted", p);
  return TRUE;
}

static gboolean
decide_reject (gconstpointer      data,
               const CcmCommand  *command,
               CcmDecideContext  *ctx,
               GError           **error)
{
  const CcmPaymentState *state = data;
  const char *reason = NULL;
  JsonObject *p;

  if (!require_initiated (state, error) ||
      !ccm_json_get_string (command->args, "reason", FALSE, &reason, error))
    return FALSE;

  p = payment_payload (state);
  ccm_json_set_string_or_null (p, "reason", reason);
  ccm_decide_context_emit (ctx, "PaymentRejected", p);
  return TRUE;
}

/* Sent by the registration process; recorded once, for the attention list. */
static gboolean
decide_flag_mismatch (gconstpointer      data,
                      const CcmCommand  *command,
                      CcmDecideContext  *ctx,
                      GError           **error)
{
  const CcmPaymentState *state = data;
  gint64 expected = 0;
  JsonObject *p;

  if (!ccm_json_get_int (command->args, "expected_amount", TRUE, &expected, error))
    return FALSE;
  if (state->status != CCM_PAYMENT_COMPLETED)
    {
      ccm_domain_error_set (error, CCM_DOMAIN_ERROR_CONFLICT, "payment_id",
                            _("Only a completed payment can be flagged for its amount."));
      return FALSE;
    }
  if (state->mismatch_flagged || expected == state->amount)
    return TRUE;

  p = payment_payload (state);
  json_object_set_int_member (p, "expected_amount", expected);
  json_object_set_int_member (p, "difference", state->amount - expected);
  ccm_decide_context_emit (ctx, "PaymentAmountMismatch", p);
  return TRUE;
}

static const CcmCommandHandler payment_commands[] = {
  { "InitiatePayment", &ccm_payment_aggregate, payment_stream_for, decide_initiate },
  { "CompletePayment", &ccm_payment_aggregate, payment_stream_for, decide_complete },
  { "RejectPayment", &ccm_payment_aggregate, payment_stream_for, decide_reject },
  { "FlagPaymentAmountMismatch", &ccm_payment_aggregate, payment_stream_for, decide_flag_mismatch },
};

/* Amounts and methods only: card data never reaches the desk. */
static const CcmPersonalData payment_personal[] = {
  { CCM_RECORD_COMMAND, "InitiatePayment", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "CompletePayment", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "RejectPayment", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_COMMAND, "FlagPaymentAmountMismatch", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "PaymentInitiated", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "PaymentCompleted", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "PaymentRejected", CCM_NO_PERSONAL_DATA, NULL },
  { CCM_RECORD_EVENT, "PaymentAmountMismatch", CCM_NO_PERSONAL_DATA, NULL },
};

void
ccm_payment_register (CcmRegistry *registry)
{
  for (guint i = 0; i < G_N_ELEMENTS (payment_commands); i++)
    ccm_registry_add_command (registry, &payment_commands[i]);
  for (guint i = 0; i < G_N_ELEMENTS (payment_personal); i++)
    ccm_registry_add_personal_data (registry, &payment_personal[i]);
}
