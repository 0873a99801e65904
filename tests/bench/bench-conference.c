/* bench-conference.c — a conference for the benchmarks, filled the way a
 * desk fills it: place, pay and name every seat, through the real commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "ccm-assignments.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order.h"
#include "bench-conference.h"
#include "ccm-domain.h"
#include "test-fixtures.h"

#include <glib/gstdio.h>

#define FILL_BATCH 2000   /* orders per outer transaction while filling */

static const char *const first_names[] = {
  "José", "María", "François", "Zoë", "Björn", "Ana", "Łukasz", "Søren", "Chloé",
  "Ángel", "Jürgen", "Inés", "Noël", "Renée", "Ada", "Grace", "Linus", "Ken",
  "Margaret", "Alan", "Barbara", "Edsger", "Frances", "John", "Mary", "Peter",
  "Sophie", "Thomas", "Emma", "Lucas", "Mia", "Noah", "Olivia", "Liam", "Hana",
  "Yuki", "Aarav", "Fatima", "Mohammed", "Wei", "Priya", "Dmitri", "Olga",
  "Kwame", "Amara", "Diego", "Lucía", "Mateo", "Camille", "Hugo",
};

static const char *const last_names[] = {
  "García", "Müller", "Núñez", "O'Brien", "Smith", "Nguyễn", "Dvořák", "Åberg",
  "Lefèvre", "Johansson", "Kowalski", "Rossi", "Dubois", "Schröder", "Fernández",
  "López", "Martínez", "González", "Pérez", "Sánchez", "Novák", "Horváth",
  "Jensen", "Hansen", "Larsen", "Nielsen", "Virtanen", "Korhonen", "Papadopoulos",
  "Yılmaz", "Kaya", "Demir", "Ivanov", "Petrov", "Kim", "Lee", "Park", "Tanaka",
  "Suzuki", "Sato", "Wang", "Li", "Zhang", "Chen", "Singh", "Patel", "Khan",
  "Okafor", "Mensah", "Da Silva", "Santos", "Oliveira", "Costa", "Pereira",
  "Hernández", "Jiménez", "Ruiz", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero",
  "Jean-Baptiste", "Van der Berg", "De Vries", "Bakker", "Visser", "Meijer",
  "Mulder", "Bos", "Vos", "Peters", "Hendriks", "Dekker", "Brouwer", "Wagner",
  "Becker", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
  "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann",
  "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier", "Lehmann", "Köhler",
};

void
bench_must (gboolean  ok,
            GError   *error)
{
  if (!ok)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error != NULL ? error->message : "failed");
      exit (1);
    }
}

JsonObject *
bench_run (Bench      *b,
           const char *type,
           JsonObject *args)
{
  g_autofree char *id = ccm_id_new (ccm_clock_now (b->clock));
  g_autoptr(CcmCommand) command = ccm_command_new (type, id, args);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmOutcome) outcome = ccm_store_execute (b->store, command, &error);

  bench_must (outcome != NULL, error);
  /* Inside an outer transaction the store leaves the sent commands to us. */
  bench_must (ccm_store_dispatch_outbox (b->store, &error), error);
  return json_object_ref (outcome->result);
}

void
bench_run_ok (Bench      *b,
              const char *type,
              JsonObject *args)
{
  json_object_unref (bench_run (b, type, args));
}

void
bench_create_conference (Bench *b)
{
  static const char *const names[] = { "General", "Student", "Workshop" };
  static const gint64 quotas[] = { 100000, 50000, 50000 };
  static const gint64 prices[] = { 19900, 9900, 5000 };
  JsonObject *args;

  bench_run_ok (b, "CreateConference", test_conference_args (SLUG, ccm_clock_now (b->clock)));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      args = json_object_new ();
      b->types[i] = ccm_id_new (ccm_clock_now (b->clock));
      b->prices[i] = prices[i];
      json_object_set_string_member (args, "slug", SLUG);
      json_object_set_string_member (args, "seat_type_id", b->types[i]);
      json_object_set_string_member (args, "name", names[i]);
      json_object_set_int_member (args, "price", prices[i]);
      json_object_set_int_member (args, "quota", quotas[i]);
      bench_run_ok (b, "AddSeatType", args);
    }

  args = json_object_new ();
  json_object_set_string_member (args, "slug", SLUG);
  bench_run_ok (b, "PublishConference", args);
}

char *
bench_ascii_fold (const char *text)
{
  g_autofree char *ascii = g_str_to_ascii (text, "C");
  g_autofree char *lower = g_ascii_strdown (ascii, -1);

  return g_strdelimit (g_strdup (lower), " '", '-');
}

/* One registration as a desk drives it: returns how many seats it had. */
guint
bench_register_one (Bench *b)
{
  JsonObject *args = json_object_new ();
  JsonArray *seats = json_array_new ();
  JsonArray *codes;
  g_autofree char *order_id = ccm_id_new (ccm_clock_now (b->clock));
  g_autofree char *payment_id = ccm_id_new (ccm_clock_now (b->clock));
  g_autofree char *access_code = ccm_access_code_new ();
  guint count = 1 + g_rand_int_range (b->rand, 0, 4);
  guint type = g_rand_int_range (b->rand, 0, 10) < 7 ? 0 : 1 + g_rand_int_range (b->rand, 0, 2);
  JsonObject *q = json_object_new ();

  json_object_set_string_member (q, "seat_type", b->types[type]);
  json_object_set_int_member (q, "quantity", count);
  json_array_add_object_element (seats, q);

  codes = ccm_ticket_codes_new (count);
  for (guint i = 0; i < count; i++)
    g_ptr_array_add (b->codes, g_strdup (json_array_get_string_element (codes, i)));

  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "conference", SLUG);
  json_object_set_string_member (args, "access_code", access_code);
  json_object_set_array_member (args, "seats", seats);
  json_object_set_array_member (args, "ticket_codes", codes);
  json_object_set_string_member (args, "first_name", "Rita");
  json_object_set_string_member (args, "last_name", "Registrant");
  json_object_set_string_member (args, "email", "rita@example.com");
  bench_run_ok (b, "PlaceOrder", args);

  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  json_object_set_string_member (args, "order_id", order_id);
  json_object_set_string_member (args, "method", "card");
  json_object_set_int_member (args, "amount", b->prices[type] * count);
  bench_run_ok (b, "InitiatePayment", args);

  args = json_object_new ();
  json_object_set_string_member (args, "payment_id", payment_id);
  bench_run_ok (b, "CompletePayment", args);

  for (guint i = 0; i < count; i++, b->person++)
    {
      const char *first = first_names[g_rand_int_range (b->rand, 0, G_N_ELEMENTS (first_names))];
      const char *last = last_names[g_rand_int_range (b->rand, 0, G_N_ELEMENTS (last_names))];
      g_autofree char *f = bench_ascii_fold (first);
      g_autofree char *l = bench_ascii_fold (last);
      g_autofree char *email = g_strdup_printf ("%s.%s%u@example.org", f, l, b->person);

      args = json_object_new ();
      json_object_set_string_member (args, "order_id", order_id);
      json_object_set_int_member (args, "position", i);
      json_object_set_string_member (args, "first_name", first);
      json_object_set_string_member (args, "last_name", last);
      json_object_set_string_member (args, "email", email);
      bench_run_ok (b, "AssignSeat", args);
      if (b->person % 97 == 0)
        g_ptr_array_add (b->names, g_strdup_printf ("%s\t%s\t%s", first, last, email));
    }

  ccm_clock_advance (b->clock, 1000);
  return count;
}

void
bench_fill (Bench *b,
            guint  attendees)
{
  g_autoptr(GError) error = NULL;
  guint have = b->person;

  while (b->person - have < attendees)
    {
      bench_must (ccm_store_begin (b->store, &error), error);
      for (guint i = 0; i < FILL_BATCH && b->person - have < attendees; i++)
        bench_register_one (b);
      bench_must (ccm_store_commit (b->store, &error), error);
    }
}

char *
bench_open (Bench      *b,
            const char *prefix,
            const char *base_dir)
{
  g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strconcat (prefix, "-XXXXXX", NULL);
  g_autofree char *store_path = NULL;
  char *dir = g_build_filename (base_dir != NULL ? base_dir : g_get_tmp_dir (), name, NULL);

  if (g_mkdtemp (dir) == NULL)
    {
      g_printerr ("%s: cannot make a folder in %s\n", prefix,
                  base_dir != NULL ? base_dir : g_get_tmp_dir ());
      exit (1);
    }
  store_path = g_build_filename (dir, "store.db", NULL);

  /* The program's clock, moved a millisecond per order: ids stay ordered
   * and no reservation expires while the benchmark runs. */
  b->clock = ccm_clock_new_fixed (g_get_real_time ());
  b->store = ccm_store_open (store_path, registry, b->clock, &error);
  bench_must (b->store != NULL, error);
  b->rand = g_rand_new_with_seed (20270301);
  b->codes = g_ptr_array_new_with_free_func (g_free);
  b->names = g_ptr_array_new_with_free_func (g_free);
  return dir;
}

void
bench_close (Bench      *b,
             const char *dir)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_clear_object (&b->store);
  g_clear_object (&b->clock);
  g_rand_free (b->rand);
  g_ptr_array_unref (b->codes);
  g_ptr_array_unref (b->names);
  for (guint i = 0; i < G_N_ELEMENTS (b->types); i++)
    g_free (b->types[i]);

  d = g_dir_open (dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}
