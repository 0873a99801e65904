/* test-assignments.c — Given/When/Then for SeatAssignments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "domain-test-utils.h"
#include "ccm-assignments.h"

#define O1 "01955000-0000-7000-8000-0000000000b1"
#define O2 "01955000-0000-7000-8000-0000000000b2"

static gboolean
create (DtWorld    *world,
        const char *order_id,
        const char *codes)
{
  return dt_when (world, "CreateSeatAssignments",
                  dt_json ("{'order_id': '%s', 'conference': 'conf', 'seats': ["
                           "{'seat_type': '%s', 'quantity': 2}, {'seat_type': '%s', 'quantity': 1}], "
                           "'ticket_codes': %s}", order_id, DT_GENERAL, DT_WORKSHOP, codes));
}

static gboolean
assign (DtWorld    *world,
        gint64      position,
        const char *email,
        const char *first_name,
        const char *last_name)
{
  return dt_when (world, "AssignSeat",
                  dt_json ("{'order_id': '%s', 'position': %" G_GINT64_FORMAT ", "
                           "'email': '%s', 'first_name': '%s', 'last_name': '%s'}",
                           O1, position, email, first_name, last_name));
}

static gboolean
unassign (DtWorld *world,
          gint64   position)
{
  return dt_when (world, "UnassignSeat",
                  dt_json ("{'order_id': '%s', 'position': %" G_GINT64_FORMAT "}", O1, position));
}

static DtWorld *
given_assignments (void)
{
  DtWorld *world = dt_world_new ();
  g_autofree char *codes = dt_codes ("TKA", 3);

  g_assert_true (create (world, O1, codes));
  return world;
}

static void
test_create (void)
{
  DtWorld *world = dt_world_new ();
  g_autofree char *codes = dt_codes ("TKA", 4);
  const char *types[] = { DT_GENERAL, DT_GENERAL, DT_WORKSHOP };
  JsonObject *p;

  /* One code more than seats: the rest is simply not used. */
  g_assert_true (create (world, O1, codes));
  dt_assert_events (world, "SeatAssignmentsCreated",
                    "TicketIssued", "TicketIssued", "TicketIssued", NULL);

  p = dt_payload (world, 0);
  g_assert_cmpuint (dt_array_length (p, "positions"), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *position = dt_array_object (p, "positions", i);
      g_autofree char *code = dt_code ("TKA", i);
      g_autofree char *stream = g_strconcat ("ticket/", code, NULL);
      CcmEvent *issued = g_ptr_array_index (dt_events (world), i + 1);

      g_assert_cmpint (ccm_json_int (position, "position", -1), ==, i);
      g_assert_cmpstr (ccm_json_string (position, "seat_type"), ==, types[i]);
      g_assert_cmpstr (ccm_json_string (position, "ticket_code"), ==, code);

      g_assert_cmpstr (issued->stream_id, ==, stream);
      g_assert_cmpstr (ccm_json_string (issued->payload, "order_id"), ==, O1);
      g_assert_cmpint (ccm_json_int (issued->payload, "position", -1), ==, i);
    }

  /* Created once. */
  create (world, O1, codes);
  dt_assert_events (world, NULL);
  dt_world_free (world);
}

static void
test_create_refused (void)
{
  DtWorld *world = given_assignments ();
  g_autofree char *few = dt_codes ("TKB", 2);
  g_autofree char *taken = dt_codes ("TKA", 3);

  g_assert_false (create (world, O2, few));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "ticket_codes");

  g_assert_false (create (world, O2, "['TKB2222222A', 'TKB2222222A', 'TKB2222222B']"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "ticket_codes");

  g_assert_false (create (world, O2, "['tkb', 'TKB2222222A', 'TKB2222222B']"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "ticket_codes");

  /* A code is never given to two seats. */
  g_assert_false (create (world, O2, taken));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "ticket_codes");
  dt_world_free (world);
}

static void
test_assign_reassign_update_unassign (void)
{
  DtWorld *world = given_assignments ();
  JsonObject *p;

  g_assert_true (assign (world, 1, "bo@example.com", "Bo", "Diaz"));
  dt_assert_events (world, "SeatAssigned", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpint (ccm_json_int (p, "position", -1), ==, 1);
  g_assert_cmpstr (ccm_json_string (p, "email"), ==, "bo@example.com");
  g_assert_cmpstr (ccm_json_string (p, "first_name"), ==, "Bo");
  g_assert_cmpstr (ccm_json_string (p, "seat_type"), ==, DT_GENERAL);
  g_assert_nonnull (ccm_json_string (p, "ticket_code"));

  /* Same person (any case), same names: nothing. */
  assign (world, 1, "BO@example.com", "Bo", "Diaz");
  dt_assert_events (world, NULL);

  /* Same person, new names: an update only. */
  assign (world, 1, "Bo@Example.com", "Bo", "Díaz");
  dt_assert_events (world, "SeatAssignmentUpdated", NULL);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "last_name"), ==, "Díaz");
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "email"), ==, "bo@example.com");

  /* Another person: the seat is given up, then given again. */
  assign (world, 1, "cy@example.com", "Cy", "Ng");
  dt_assert_events (world, "SeatUnassigned", "SeatAssigned", NULL);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "email"), ==, "bo@example.com");
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 1), "email"), ==, "cy@example.com");

  unassign (world, 1);
  dt_assert_events (world, "SeatUnassigned", NULL);
  unassign (world, 1);
  dt_assert_events (world, NULL);
  unassign (world, 0);
  dt_assert_events (world, NULL);
  dt_world_free (world);
}

static void
test_assign_refused (void)
{
  DtWorld *world = dt_world_new ();
  g_autofree char *codes = dt_codes ("TKA", 3);

  g_assert_false (assign (world, 0, "bo@example.com", "Bo", "Diaz"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "order_id");

  create (world, O1, codes);
  g_assert_false (dt_when (world, "AssignSeat",
                           dt_json ("{'order_id': '%s', 'position': 0, 'first_name': 'Bo'}", O1)));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "email");
  g_assert_false (assign (world, 0, "bo at example.com", "Bo", "Diaz"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "email");
  g_assert_false (assign (world, 3, "bo@example.com", "Bo", "Diaz"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "position");
  g_assert_false (unassign (world, -1));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "position");
  dt_world_free (world);
}

static void
test_cancel (void)
{
  DtWorld *world = given_assignments ();
  CcmEvent *ticket;

  assign (world, 0, "bo@example.com", "Bo", "Diaz");
  dt_when (world, "CancelSeatAssignments", dt_json ("{'order_id': '%s'}", O1));
  dt_assert_events (world, "SeatAssignmentsCancelled",
                    "TicketCancelled", "TicketCancelled", "TicketCancelled", NULL);
  g_assert_cmpuint (dt_array_length (dt_payload (world, 0), "ticket_codes"), ==, 3);
  ticket = g_ptr_array_index (dt_events (world), 3);
  g_assert_true (g_str_has_prefix (ticket->stream_id, "ticket/TKA"));

  dt_when (world, "CancelSeatAssignments", dt_json ("{'order_id': '%s'}", O1));
  dt_assert_events (world, NULL);

  g_assert_false (assign (world, 1, "cy@example.com", "Cy", "Ng"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "order_id");
  dt_world_free (world);
}

static void
test_ticket_codes (void)
{
  g_autofree char *code = ccm_ticket_code_new ();
  g_autofree char *other = ccm_ticket_code_new ();
  g_autofree char *typed = ccm_ticket_code_normalize (" tka2-2222 222a ");

  g_assert_true (ccm_ticket_code_is_valid (code));
  g_assert_cmpstr (code, !=, other);
  g_assert_cmpstr (typed, ==, "TKA22222222A");
  g_assert_true (ccm_ticket_code_is_valid (typed));
  g_assert_false (ccm_ticket_code_is_valid ("TKA2222222A"));
  g_assert_false (ccm_ticket_code_is_valid ("TKA22222222O"));   /* O is not in the alphabet */
  g_assert_true (ccm_ticket_code_is_valid ("TKA22222222A"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/domain/assignments/create", test_create);
  g_test_add_func ("/domain/assignments/create-refused", test_create_refused);
  g_test_add_func ("/domain/assignments/assign-reassign-update-unassign",
                   test_assign_reassign_update_unassign);
  g_test_add_func ("/domain/assignments/assign-refused", test_assign_refused);
  g_test_add_func ("/domain/assignments/cancel", test_cancel);
  g_test_add_func ("/domain/assignments/ticket-codes", test_ticket_codes);

  return g_test_run ();
}
