/* wipe-store.c — wipes a store's personal data, saying "wiping" before and
 * "wiped" after, so a test can kill it anywhere in between
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>

#include "ccm-domain.h"
#include "ccm-store.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CcmRegistry) registry = NULL;
  g_autoptr(CcmClock) clock = NULL;
  g_autoptr(CcmStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: wipe-store STORE\n");
      return 2;
    }

  registry = ccm_domain_registry_new ();
  clock = ccm_clock_new_system ();
  store = ccm_store_open (argv[1], registry, clock, &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 3;
    }

  printf ("wiping\n");
  fflush (stdout);
  if (!ccm_store_wipe_personal_data (store, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return 3;
    }
  printf ("wiped\n");
  fflush (stdout);
  return 0;
}
