/* test-checkin.c — Given/When/Then for admissions and exits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "domain-test-utils.h"
#include <string.h>

#include "ccm-checkin.h"

#define O1 "01955000-0000-7000-8000-0000000000b1"

static DtWorld *
given_tickets (void)
{
  DtWorld *world = dt_world_new ();
  g_autofree char *codes = dt_codes ("TKA", 2);

  g_assert_true (dt_when (world, "CreateSeatAssignments",
                          dt_json ("{'order_id': '%s', 'conference': 'conf', 'seats': ["
                                   "{'seat_type': '%s', 'quantity': 2}], 'ticket_codes': %s}",
                                   O1, DT_GENERAL, codes)));
  return world;
}

static gboolean
scan (DtWorld    *world,
      const char *type,
      const char *code)
{
  return dt_when (world, type, dt_json ("{'ticket_code': '%s', 'conference': 'conf'}", code));
}

static const char *
flag (DtWorld *world)
{
  return ccm_json_string (dt_payload (world, 0), "flag");
}

static void
test_valid (void)
{
  DtWorld *world = given_tickets ();
  g_autofree char *code = dt_code ("TKA", 1);
  g_autofree char *lower = g_ascii_strdown (code, -1);
  g_autoptr(CcmCommand) command = NULL;
  CcmEvent *event;
  JsonObject *p;

  dt_world_set_now (world, DT_T0 + 5 * DT_MINUTE);
  command = ccm_command_new ("AdmitTicket", "desk-7:1",
                             dt_json ("{'ticket_code': '%s', 'conference': 'conf', "
                                      "'device_time': %" G_GINT64_FORMAT "}",
                                      lower, DT_T0 + 4 * DT_MINUTE));
  command->device_id = g_strdup ("desk-7");
  g_assert_true (dt_when_command (world, command));

  dt_assert_events (world, "TicketAdmitted", NULL);
  event = g_ptr_array_index (dt_events (world), 0);
  g_assert_cmpstr (event->stream_id + strlen ("ticket/"), ==, code);
  p = event->payload;
  g_assert_null (ccm_json_string (p, "flag"));
  g_assert_cmpstr (ccm_json_string (p, "ticket_code"), ==, code);
  g_assert_cmpstr (ccm_json_string (p, "order_id"), ==, O1);
  g_assert_cmpstr (ccm_json_string (p, "seat_type"), ==, DT_GENERAL);
  g_assert_cmpstr (ccm_json_string (p, "device_id"), ==, "desk-7");
  /* The desk's clock and the decision's time are both kept. */
  g_assert_cmpint (ccm_json_int (p, "device_time", 0), ==, DT_T0 + 4 * DT_MINUTE);
  g_assert_cmpint (ccm_json_int (p, "decided_at", 0), ==, DT_T0 + 5 * DT_MINUTE);
  g_assert_false (ccm_json_bool (p, "reentry"));
  g_assert_false (ccm_json_bool (dt_result (world), "flagged"));
  dt_world_free (world);
}

static void
test_already_admitted (void)
{
  DtWorld *world = given_tickets ();
  g_autofree char *code = dt_code ("TKA", 0);

  scan (world, "AdmitTicket", code);
  g_assert_null (flag (world));

  /* Recorded all the same, and flagged. */
  g_assert_true (scan (world, "AdmitTicket", code));
  dt_assert_events (world, "TicketAdmitted", NULL);
  g_assert_cmpstr (flag (world), ==, CCM_CHECKIN_FLAG_ALREADY_ADMITTED);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "admission", 0), ==, 2);
  g_assert_true (ccm_json_bool (dt_result (world), "flagged"));
  dt_world_free (world);
}

static void
test_exit_and_reentry (void)
{
  DtWorld *world = given_tickets ();
  g_autofree char *code = dt_code ("TKA", 0);

  scan (world, "ExitTicket", code);
  dt_assert_events (world, "TicketExited", NULL);
  g_assert_cmpstr (flag (world), ==, CCM_CHECKIN_FLAG_NOT_INSIDE);

  scan (world, "AdmitTicket", code);
  scan (world, "ExitTicket", code);
  dt_assert_events (world, "TicketExited", NULL);
  g_assert_null (flag (world));

  /* Coming back after going out is a re-entry, not a double admission. */
  scan (world, "AdmitTicket", code);
  dt_assert_events (world, "TicketAdmitted", NULL);
  g_assert_null (flag (world));
  g_assert_true (ccm_json_bool (dt_payload (world, 0), "reentry"));

  /* A door that allows no re-entry still records it, flagged. */
  scan (world, "ExitTicket", code);
  dt_when (world, "AdmitTicket",
           dt_json ("{'ticket_code': '%s', 'conference': 'conf', 'allow_reentry': false}", code));
  dt_assert_events (world, "TicketAdmitted", NULL);
  g_assert_cmpstr (flag (world), ==, CCM_CHECKIN_FLAG_REENTRY);
  dt_world_free (world);
}

/* The last admission taken back while nothing was scanned after it: the
 * holder is as before (outside, or inside after a double admission); the
 * next admission is a first one again. */
static void
test_undo_admission (void)
{
  DtWorld *world = given_tickets ();
  g_autofree char *code = dt_code ("TKA", 0);
  g_autofree char *other = dt_code ("TKA", 1);

  /* Nothing to undo yet. */
  g_assert_false (scan (world, "UndoAdmission", code));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "ticket_code");
  g_assert_nonnull (strstr (dt_error (world)->message, "no admission to undo"));

  scan (world, "AdmitTicket", code);
  g_assert_true (scan (world, "UndoAdmission", code));
  dt_assert_events (world, "TicketAdmissionUndone", NULL);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "admission", 0), ==, 1);
  g_assert_false (ccm_json_bool (dt_payload (world, 0), "inside_before"));
  g_assert_null (ccm_json_string (dt_payload (world, 0), "undone_flag"));
  g_assert_null (ccm_json_string (dt_payload (world, 0), "flag"));
  /* Once only. */
  g_assert_false (scan (world, "UndoAdmission", code));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "ticket_code");

  /* Admitted again: a first admission, not a re-entry or a double. */
  scan (world, "AdmitTicket", code);
  g_assert_null (flag (world));
  g_assert_false (ccm_json_bool (dt_payload (world, 0), "reentry"));
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "admission", 0), ==, 1);

  /* A double admission undone leaves the holder inside. */
  scan (world, "AdmitTicket", code);
  g_assert_cmpstr (flag (world), ==, CCM_CHECKIN_FLAG_ALREADY_ADMITTED);
  g_assert_true (scan (world, "UndoAdmission", code));
  g_assert_true (ccm_json_bool (dt_payload (world, 0), "inside_before"));
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "undone_flag"), ==,
                   CCM_CHECKIN_FLAG_ALREADY_ADMITTED);
  /* Issued, in, undone, in, in again: the fifth event is taken back. */
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "undone_version", 0), ==, 5);
  scan (world, "ExitTicket", code);
  g_assert_null (flag (world));

  /* An exit after the admission: too late to undo it. */
  scan (world, "AdmitTicket", other);
  scan (world, "ExitTicket", other);
  g_assert_false (scan (world, "UndoAdmission", other));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "ticket_code");
  g_assert_nonnull (strstr (dt_error (world)->message, "scanned again after it"));
  dt_world_free (world);
}

/* An exit taken back: the holder is inside again, and the next exit is an
 * exit, not a flagged one; an exit of someone not inside, undone, leaves
 * them outside. An undo of the other kind of scan is refused. */
static void
test_undo_exit (void)
{
  DtWorld *world = given_tickets ();
  g_autofree char *code = dt_code ("TKA", 0);
  g_autofree char *other = dt_code ("TKA", 1);

  scan (world, "AdmitTicket", code);
  g_assert_false (scan (world, "UndoExit", code));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "ticket_code");
  g_assert_nonnull (strstr (dt_error (world)->message, "no exit to undo"));

  scan (world, "ExitTicket", code);
  g_assert_false (scan (world, "UndoAdmission", code));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "ticket_code");
  g_assert_true (scan (world, "UndoExit", code));
  dt_assert_events (world, "TicketExitUndone", NULL);
  g_assert_true (ccm_json_bool (dt_payload (world, 0), "inside_before"));
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "exit", 0), ==, 1);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "undone_version", 0), ==, 3);
  /* Inside again: a second admission would be a double one. */
  scan (world, "AdmitTicket", code);
  g_assert_cmpstr (flag (world), ==, CCM_CHECKIN_FLAG_ALREADY_ADMITTED);

  /* Exit Scans left on as someone arrives: flagged, then taken back. */
  scan (world, "ExitTicket", other);
  g_assert_cmpstr (flag (world), ==, CCM_CHECKIN_FLAG_NOT_INSIDE);
  g_assert_true (scan (world, "UndoExit", other));
  g_assert_false (ccm_json_bool (dt_payload (world, 0), "inside_before"));
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "undone_flag"), ==,
                   CCM_CHECKIN_FLAG_NOT_INSIDE);
  scan (world, "AdmitTicket", other);
  g_assert_null (flag (world));
  g_assert_false (ccm_json_bool (dt_payload (world, 0), "reentry"));
  dt_world_free (world);
}

static void
test_cancelled_order (void)
{
  DtWorld *world = given_tickets ();
  g_autofree char *code = dt_code ("TKA", 1);

  dt_when (world, "CancelSeatAssignments", dt_json ("{'order_id': '%s'}", O1));
  g_assert_true (scan (world, "AdmitTicket", code));
  dt_assert_events (world, "TicketAdmitted", NULL);
  g_assert_cmpstr (flag (world), ==, CCM_CHECKIN_FLAG_CANCELLED_ORDER);
  dt_world_free (world);
}

static void
test_unknown_ticket (void)
{
  DtWorld *world = given_tickets ();
  JsonObject *p;

  /* Well-formed but never issued here: recorded and flagged. */
  g_assert_true (scan (world, "AdmitTicket", "ZZZ222222222"));
  dt_assert_events (world, "TicketAdmitted", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpstr (ccm_json_string (p, "flag"), ==, CCM_CHECKIN_FLAG_UNKNOWN_TICKET);
  g_assert_cmpstr (ccm_json_string (p, "conference"), ==, "conf");
  g_assert_null (ccm_json_string (p, "order_id"));

  /* Not a ticket code at all: a typo, refused. */
  g_assert_false (scan (world, "AdmitTicket", "HELLO"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "ticket_code");
  g_assert_false (scan (world, "ExitTicket", "TKA00000000O"));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "ticket_code");
  dt_world_free (world);
}

static void
test_wrong_conference (void)
{
  DtWorld *world = given_tickets ();
  g_autofree char *code = dt_code ("TKA", 0);

  dt_when (world, "AdmitTicket", dt_json ("{'ticket_code': '%s', 'conference': 'other'}", code));
  dt_assert_events (world, "TicketAdmitted", NULL);
  g_assert_cmpstr (flag (world), ==, CCM_CHECKIN_FLAG_WRONG_CONFERENCE);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "conference"), ==, "conf");
  dt_world_free (world);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/domain/checkin/valid", test_valid);
  g_test_add_func ("/domain/checkin/already-admitted", test_already_admitted);
  g_test_add_func ("/domain/checkin/exit-and-reentry", test_exit_and_reentry);
  g_test_add_func ("/domain/checkin/cancelled-order", test_cancelled_order);
  g_test_add_func ("/domain/checkin/undo-admission", test_undo_admission);
  g_test_add_func ("/domain/checkin/undo-exit", test_undo_exit);
  g_test_add_func ("/domain/checkin/unknown-ticket", test_unknown_ticket);
  g_test_add_func ("/domain/checkin/wrong-conference", test_wrong_conference);

  return g_test_run ();
}
