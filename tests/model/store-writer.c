/* store-writer.c — runs a stream of commands against a store and prints
 * "ack ID" after each one returns, so a test can kill it at any point and
 * check that every acknowledged command survived.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>

#include "test-registry.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CcmRegistry) registry = NULL;
  g_autoptr(CcmClock) clock = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gint64 count, remind_after;

  if (argc < 3)
    {
      fprintf (stderr, "usage: store-writer STORE COUNT [REMIND_AFTER_S]\n");
      return 2;
    }
  count = g_ascii_strtoll (argv[2], NULL, 10);
  remind_after = argc > 3 ? g_ascii_strtoll (argv[3], NULL, 10) : 0;

  registry = test_registry_new ();
  clock = ccm_clock_new_system ();
  store = ccm_store_open (argv[1], registry, clock, &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 3;
    }

  for (gint64 i = 0; i < count; i++)
    {
      g_autofree char *id = g_strdup_printf ("cmd-%" G_GINT64_FORMAT, i);
      g_autoptr(CcmCommand) command = test_increment_new (id, i % 2 ? "odd" : "even", i + 1, 3);
      g_autoptr(CcmOutcome) outcome = NULL;

      if (remind_after > 0)
        json_object_set_int_member (command->args, "remind_after_s", remind_after);

      outcome = ccm_store_execute (store, command, &error);
      if (outcome == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 3;
        }
      printf ("ack %s\n", id);
      fflush (stdout);
    }

  return 0;
}
