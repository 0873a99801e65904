/* test-fixtures.c — the data that benchmarks and harnesses start from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ccm-assignments.h"
#include "ccm-id.h"
#include "ccm-order.h"

#include "test-fixtures.h"

JsonObject *
test_conference_args (const char *slug,
                      gint64      now)
{
  g_autofree char *conference_id = ccm_id_new (now);
  JsonObject *args = json_object_new ();

  json_object_set_string_member (args, "conference_id", conference_id);
  json_object_set_string_member (args, "slug", slug);
  json_object_set_string_member (args, "name", "Benchmark Conference");
  json_object_set_string_member (args, "start_date", "2027-03-01");
  json_object_set_string_member (args, "end_date", "2027-03-03");
  json_object_set_string_member (args, "owner_name", "Ada Organizer");
  json_object_set_string_member (args, "owner_email", "ada@example.org");
  json_object_set_string_member (args, "access_code", "BENCH1");
  return args;
}

JsonObject *
test_order_args (const char *slug,
                 const char *seat_type,
                 guint       quantity,
                 gint64      now)
{
  g_autofree char *order_id = ccm_id_new (now);
  g_autofree char *access_code = ccm_access_code_new ();
  JsonObject *args = json_object_new ();
  JsonArray *seats = json_array_new ();
  JsonObject *line = json_object_new ();

  json_object_set_string_member (line, "seat_type", seat_type);
  json_object_set_int_member (line, "quantity", quantity);
  json_array_add_object_element (seats, line);
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "conference", slug);
  json_object_set_string_member (args, "access_code", access_code);
  json_object_set_array_member (args, "seats", seats);
  json_object_set_array_member (args, "ticket_codes", ccm_ticket_codes_new (quantity));
  return args;
}

void
test_reject_command (CcmStore   *store,
                     gint64      seq,
                     const char *message)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_command_result_free);
  g_autoptr(GError) error = NULL;
  CcmCommandResult *result = g_new0 (CcmCommandResult, 1);

  result->seq = seq;
  result->status = g_strdup ("rejected");
  result->outcome = json_object_new ();
  json_object_set_string_member (result->outcome, "message", message);
  g_ptr_array_add (results, result);
  g_assert_true (ccm_store_rebase (store, NULL, results, &error));
  g_assert_no_error (error);
}
