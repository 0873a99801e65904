/* test-money.c — amounts as text, plain and as the locale writes numbers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <locale.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ccm-money.h"
#include "test-spawn.h"

static void
assert_money (gint64         cents,
              const char    *currency,
              CcmMoneyStyle  style,
              const char    *expected)
{
  g_autofree char *text = ccm_money_format (cents, currency, style);

  g_assert_cmpstr (text, ==, expected);
}

/* Plain text reads back the same in any locale. */
static void
assert_plain (void)
{
  assert_money (0, "USD", CCM_MONEY_PLAIN, "0.00 USD");
  assert_money (5, "USD", CCM_MONEY_PLAIN, "0.05 USD");
  assert_money (-5, "USD", CCM_MONEY_PLAIN, "-0.05 USD");
  assert_money (49900, "EUR", CCM_MONEY_PLAIN, "499.00 EUR");
  assert_money (12081850, NULL, CCM_MONEY_PLAIN, "120818.50");
  assert_money (G_MAXINT64, NULL, CCM_MONEY_PLAIN, "92233720368547758.07");
  assert_money (G_MININT64, NULL, CCM_MONEY_PLAIN, "-92233720368547758.08");
}

static void
test_plain (void)
{
  assert_plain ();
}

/* In C (the tests' locale, and a user's without one) a localized amount
 * is the plain one. */
static void
test_localized_in_c (void)
{
  assert_money (12081850, "USD", CCM_MONEY_LOCALIZED, "120818.50 USD");
  assert_money (-12081850, NULL, CCM_MONEY_LOCALIZED, "-120818.50");
  assert_money (G_MININT64, NULL, CCM_MONEY_LOCALIZED, "-92233720368547758.08");
}

static void
test_localized (void)
{
  /* In the test's own directory, which GLib removes after it. */
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "locales", NULL);
  struct {
    const char *locale;
    gint64 cents;
    const char *expected;
  } cases[] = {
    { "en_US.UTF-8", 12081850, "120,818.50 USD" },
    { "en_US.UTF-8", 99999, "999.99 USD" },
    { "en_US.UTF-8", -123456789, "-1,234,567.89 USD" },
    { "de_DE.UTF-8", 12081850, "120.818,50 USD" },
    { "de_DE.UTF-8", 5, "0,05 USD" },
    /* French groups with a narrow no-break space. */
    { "fr_FR.UTF-8", 12081850, "120\u202f818,50 USD" },
    /* Indian grouping: three digits, then two. */
    { "en_IN.UTF-8", 1234567800, "1,23,45,678.00 USD" },
  };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  test_compile_locale (dir, "en_US.UTF-8");
  test_compile_locale (dir, "de_DE.UTF-8");
  test_compile_locale (dir, "fr_FR.UTF-8");
  test_compile_locale (dir, "en_IN.UTF-8");
  g_setenv ("LOCPATH", dir, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (setlocale (LC_NUMERIC, cases[i].locale) == NULL)
        g_error ("setlocale refused %s, compiled into %s", cases[i].locale, dir);
      assert_money (cases[i].cents, "USD", CCM_MONEY_LOCALIZED, cases[i].expected);
      /* Whatever the locale, plain stays plain. */
      assert_plain ();
    }

  setlocale (LC_NUMERIC, "C.UTF-8");
  g_unsetenv ("LOCPATH");
  assert_money (12081850, "USD", CCM_MONEY_LOCALIZED, "120818.50 USD");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/model/money/plain", test_plain);
  g_test_add_func ("/model/money/localized-in-c", test_localized_in_c);
  g_test_add_func ("/model/money/localized", test_localized);

  return g_test_run ();
}
