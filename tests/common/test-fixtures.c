/* test-fixtures.c — the data that benchmarks and harnesses start from
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ccm-id.h"

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
