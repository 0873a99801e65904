/* test-conference.c — Given/When/Then over the Conference decider
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ccm-conference.h"
#include "domain-test-utils.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DtWorld, dt_world_free)

#define CONF_ID "01955000-0000-7000-8000-0000000000aa"
#define ST_ID   "01955000-0000-7000-8000-0000000000bb"

static JsonObject *
create_args (const char *slug)
{
  return dt_json ("{'conference_id': '%s', 'slug': '%s', 'name': 'Contoso Days', "
                  "'start_date': '2027-03-01', 'end_date': '2027-03-03', "
                  "'owner_name': 'Ada Organizer', 'owner_email': 'ada@example.org', "
                  "'access_code': 'QWERTY12'}", CONF_ID, slug);
}

static void
test_create (void)
{
  g_autoptr(DtWorld) world = NULL;
  JsonObject *p;

  world = dt_world_new ();
  g_assert_true (dt_when (world, "CreateConference", create_args ("days")));
  dt_assert_events (world, "ConferenceCreated", NULL);
  p = dt_payload (world, 0);
  g_assert_cmpstr (ccm_json_string (p, "slug"), ==, "days");
  g_assert_cmpstr (ccm_json_string (p, "currency"), ==, "USD");
  g_assert_cmpint (ccm_json_int (p, "reservation_minutes", 0), ==, 15);

  /* The slug is the stream: a second conference with it is refused. */
  g_assert_false (dt_when (world, "CreateConference", create_args ("days")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "slug");
}

static void
assert_create_refused (const char *member,
                       const char *value,
                       const char *field)
{
  g_autoptr(DtWorld) world = dt_world_new ();
  JsonObject *args = create_args ("days");

  json_object_set_string_member (args, member, value);
  g_assert_false (dt_when (world, "CreateConference", args));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, field);
  g_assert_cmpuint (dt_events (world)->len, ==, 0);
}

static void
test_create_validation (void)
{
  assert_create_refused ("name", "", "name");
  assert_create_refused ("slug", "Bad Slug!", "slug");
  assert_create_refused ("end_date", "2027-02-28", "end_date");
  assert_create_refused ("start_date", "2027-02-30", "start_date");
  assert_create_refused ("start_date", "2027-3-01", "start_date");
  assert_create_refused ("start_date", " 027-03-01", "start_date");
  assert_create_refused ("start_date", "2027-03-01x", "start_date");
  assert_create_refused ("start_date", "2027/03/01", "start_date");
  assert_create_refused ("start_date", "2027-13-01", "start_date");
  assert_create_refused ("start_date", "", "start_date");
  assert_create_refused ("owner_email", "ada-at-example.org", "owner_email");
  assert_create_refused ("currency", "dollars", "currency");
}

/* A message names the field in words a person uses: not its member name,
 * and an empty value is called empty, not quoted back as "". */
static void
test_create_messages (void)
{
  const char *fields[] = { "start_date", "end_date", "owner_email" };
  const char *messages[] = {
    "The start date is empty; enter it in the form YYYY-MM-DD.",
    "The end date is empty; enter it in the form YYYY-MM-DD.",
    "The owner’s e-mail address is empty.",
  };

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autoptr(DtWorld) world = dt_world_new ();
      JsonObject *args = create_args ("days");

      json_object_set_string_member (args, fields[i], "");
      g_assert_false (dt_when (world, "CreateConference", args));
      dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, fields[i]);
      g_assert_cmpstr (dt_error (world)->message, ==, messages[i]);
    }
}

static void
given_conference (DtWorld *world)
{
  dt_given (world, "conference/days", "ConferenceCreated",
            dt_json ("{'conference_id': '%s', 'slug': 'days', 'name': 'Contoso Days', "
                     "'tagline': '', 'description': '', 'location': 'Hall A', "
                     "'start_date': '2027-03-01', 'end_date': '2027-03-03', "
                     "'owner_name': 'Ada Organizer', 'owner_email': 'ada@example.org', "
                     "'access_code': 'QWERTY12', 'currency': 'USD', "
                     "'reservation_minutes': 15}", CONF_ID));
}

static void
test_update_changed_fields_only (void)
{
  g_autoptr(DtWorld) world = dt_world_new ();
  JsonObject *p;

  given_conference (world);
  g_assert_true (dt_when (world, "UpdateConference",
                          dt_json ("{'slug': 'days', 'name': 'Contoso Days', "
                                   "'location': 'Hall B', 'reservation_minutes': 20}")));
  dt_assert_events (world, "ConferenceUpdated", NULL);
  p = dt_payload (world, 0);
  g_assert_false (json_object_has_member (p, "name"));
  g_assert_cmpstr (ccm_json_string (p, "location"), ==, "Hall B");
  g_assert_cmpint (ccm_json_int (p, "reservation_minutes", 0), ==, 20);

  /* Nothing changed: nothing emitted. */
  g_assert_true (dt_when (world, "UpdateConference",
                          dt_json ("{'slug': 'days', 'location': 'Hall B'}")));
  g_assert_cmpuint (dt_events (world)->len, ==, 0);

  /* The result is checked whole: an end before the stored start is refused. */
  g_assert_false (dt_when (world, "UpdateConference",
                           dt_json ("{'slug': 'days', 'end_date': '2027-02-01'}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "end_date");

  g_assert_false (dt_when (world, "UpdateConference", dt_json ("{'slug': 'nope', 'name': 'X'}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_NOT_FOUND, "slug");
}

static void
test_publish_idempotent (void)
{
  g_autoptr(DtWorld) world = dt_world_new ();

  given_conference (world);
  g_assert_true (dt_when (world, "PublishConference", dt_json ("{'slug': 'days'}")));
  dt_assert_events (world, "ConferencePublished", NULL);
  g_assert_true (dt_when (world, "PublishConference", dt_json ("{'slug': 'days'}")));
  g_assert_cmpuint (dt_events (world)->len, ==, 0);
  g_assert_true (dt_when (world, "UnpublishConference", dt_json ("{'slug': 'days'}")));
  dt_assert_events (world, "ConferenceUnpublished", NULL);
  g_assert_true (dt_when (world, "UnpublishConference", dt_json ("{'slug': 'days'}")));
  g_assert_cmpuint (dt_events (world)->len, ==, 0);
}

static void
test_seat_types (void)
{
  g_autoptr(DtWorld) world = dt_world_new ();

  given_conference (world);
  g_assert_true (dt_when (world, "AddSeatType",
                          dt_json ("{'slug': 'days', 'seat_type_id': '%s', 'name': 'Full pass', "
                                   "'price': 19900, 'quota': 300}", ST_ID)));
  dt_assert_events (world, "SeatTypeCreated", NULL);

  /* Names are unique within a conference, whatever their case. */
  g_assert_false (dt_when (world, "AddSeatType",
                           dt_json ("{'slug': 'days', 'seat_type_id': '01955000-0000-7000-8000-0000000000cc', "
                                    "'name': 'FULL PASS', 'price': 100, 'quota': 1}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "name");

  g_assert_false (dt_when (world, "AddSeatType",
                           dt_json ("{'slug': 'days', 'seat_type_id': '01955000-0000-7000-8000-0000000000cc', "
                                    "'name': 'Cheap', 'price': -1, 'quota': 1}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "price");
  g_assert_false (dt_when (world, "AddSeatType",
                           dt_json ("{'slug': 'days', 'seat_type_id': '01955000-0000-7000-8000-0000000000cc', "
                                    "'name': 'Huge', 'price': 1, 'quota': 100001}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "quota");
  g_assert_false (dt_when (world, "AddSeatType",
                           dt_json ("{'slug': 'days', 'seat_type_id': '01955000-0000-7000-8000-0000000000cc', "
                                    "'name': 'X', 'price': 1, 'quota': 1}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_INVALID, "name");

  /* Found by name, any case; only what changed travels. */
  g_assert_true (dt_when (world, "UpdateSeatType",
                          dt_json ("{'slug': 'days', 'seat_type': 'full pass', 'price': 17900, "
                                   "'quota': 300}")));
  dt_assert_events (world, "SeatTypeUpdated", NULL);
  g_assert_cmpint (ccm_json_int (dt_payload (world, 0), "price", 0), ==, 17900);
  g_assert_false (json_object_has_member (dt_payload (world, 0), "quota"));

  /* Removable until the conference is published once. */
  dt_given (world, "conference/days", "ConferencePublished", NULL);
  dt_given (world, "conference/days", "ConferenceUnpublished", NULL);
  g_assert_false (dt_when (world, "RemoveSeatType", dt_json ("{'slug': 'days', 'seat_type': 'Full pass'}")));
  dt_assert_rejected (world, CCM_DOMAIN_ERROR_CONFLICT, "seat_type");
}

static gboolean
update_from (DtWorld    *world,
             const char *device,
             gint64      base_version,
             const char *name)
{
  g_autofree char *id = g_strdup_printf ("update-%s-%s", device, name);
  gboolean accepted;
  CcmCommand *command = ccm_command_new ("UpdateConference", id,
                                         dt_json ("{'slug': 'days', 'name': '%s', "
                                                  "'base_version': %" G_GINT64_FORMAT "}",
                                                  name, base_version));

  command->device_id = g_strdup (device);
  accepted = dt_when_command (world, command);
  ccm_command_unref (command);
  return accepted;
}

/* DESIGN §5.3: two laptops rename the conference from the same base. */
static void
test_concurrent_field_edit (void)
{
  g_autoptr(DtWorld) world = dt_world_new ();
  JsonObject *conflict;

  given_conference (world);   /* version 1 */

  g_assert_true (update_from (world, "laptop-a", 1, "Contoso Days East"));
  dt_assert_events (world, "ConferenceUpdated", NULL);

  /* The later one by server order wins; the other value is kept to offer. */
  g_assert_true (update_from (world, "laptop-b", 1, "Contoso Days West"));
  dt_assert_events (world, "ConferenceUpdated", "ConferenceFieldConflict", NULL);
  g_assert_cmpstr (ccm_json_string (dt_payload (world, 0), "name"), ==, "Contoso Days West");
  conflict = dt_payload (world, 1);
  g_assert_cmpstr (ccm_json_string (conflict, "field"), ==, "name");
  g_assert_cmpstr (ccm_json_string (conflict, "kept"), ==, "Contoso Days West");
  g_assert_cmpstr (ccm_json_string (conflict, "other"), ==, "Contoso Days East");
  g_assert_cmpstr (ccm_json_string (conflict, "other_device"), ==, "laptop-a");

  /* Someone who saw the latest version edits without conflict. */
  g_assert_true (update_from (world, "laptop-a", 3, "Contoso Days"));
  dt_assert_events (world, "ConferenceUpdated", NULL);

  /* Different fields from the same base merge without conflict. */
  {
    CcmCommand *command = ccm_command_new ("UpdateConference", "tagline-1",
                                           dt_json ("{'slug': 'days', 'tagline': 'Hello', "
                                                    "'base_version': 1}"));

    command->device_id = g_strdup ("laptop-b");
    g_assert_true (dt_when_command (world, command));
    dt_assert_events (world, "ConferenceUpdated", NULL);
    ccm_command_unref (command);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/domain/conference/create", test_create);
  g_test_add_func ("/domain/conference/create-validation", test_create_validation);
  g_test_add_func ("/domain/conference/create-messages", test_create_messages);
  g_test_add_func ("/domain/conference/update-changed-fields-only", test_update_changed_fields_only);
  g_test_add_func ("/domain/conference/publish-idempotent", test_publish_idempotent);
  g_test_add_func ("/domain/conference/seat-types", test_seat_types);
  g_test_add_func ("/domain/conference/concurrent-field-edit", test_concurrent_field_edit);

  return g_test_run ();
}
