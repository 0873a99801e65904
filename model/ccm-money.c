/* ccm-money.c — amounts of money as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ccm-money.h"

#include <langinfo.h>
#include <stdio.h>

char *
ccm_money_format (gint64         cents,
                  const char    *currency,
                  CcmMoneyStyle  style)
{
  /* Not -cents: that overflows for the most negative amount. */
  guint64 magnitude = cents < 0 ? -(guint64) cents : (guint64) cents;
  char whole[64];
  const char *mark = ".";

  if (style == CCM_MONEY_LOCALIZED)
    {
      /* The ' flag groups as LC_NUMERIC says (nothing in C). */
      snprintf (whole, sizeof whole, "%'" G_GUINT64_FORMAT, magnitude / 100);
      mark = nl_langinfo (RADIXCHAR);
      if (mark == NULL || *mark == '\0')
        mark = ".";
    }
  else
    snprintf (whole, sizeof whole, "%" G_GUINT64_FORMAT, magnitude / 100);

  return g_strdup_printf ("%s%s%s%02u%s%s", cents < 0 ? "-" : "", whole, mark,
                          (guint) (magnitude % 100),
                          currency != NULL ? " " : "", currency != NULL ? currency : "");
}
