/* ccm-money.h — amounts of money as text
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How an amount is written.
 * PLAIN: "120818.50", whatever the locale: what scripts, CSV files and
 *   price entries read back.
 * LOCALIZED: the digits grouped and the decimal mark as the locale's
 *   numbers have them (LC_NUMERIC): "120,818.50" in en_US, "120.818,50" in
 *   de_DE, "120818.50" in C. For people reading a window or a message. */
typedef enum
{
  CCM_MONEY_PLAIN,
  CCM_MONEY_LOCALIZED,
} CcmMoneyStyle;

/* Integer cents as text, never through floating point (DESIGN §3); the
 * currency code, when not NULL, follows after a space. */
char *ccm_money_format (gint64         cents,
                        const char    *currency,
                        CcmMoneyStyle  style);

G_END_DECLS
