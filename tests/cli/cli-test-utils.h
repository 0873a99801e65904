/* cli-test-utils.h — running the built `contoso` binary from the tests
 *
 * Every test gets its own folder (G_TEST_OPTION_ISOLATE_DIRS) and runs the
 * binary named by CONTOSO_BIN against a store in it; tests that move time
 * set CONTOSO_NOW for each run through the fixture.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

typedef struct
{
  char       *store;
  const char *now;   /* CONTOSO_NOW for the runs, or NULL for the real time */
} Fixture;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

void        run_free          (Run               *run);
void        fixture_set_up    (Fixture           *f,
                               gconstpointer      data);
void        fixture_tear_down (Fixture           *f,
                               gconstpointer      data);
Run        *run_argv          (Fixture           *f,
                               const char *const *args);
Run        *run               (Fixture           *f,
                               const char        *first,
                               ...) G_GNUC_NULL_TERMINATED;
void        assert_ok         (Run               *r);
JsonNode   *parse_json        (const char        *text);
JsonObject *parse_object      (const char        *text);
JsonArray  *parse_array       (const char        *text);
JsonObject *run_json          (Fixture           *f,
                               const char        *first,
                               ...) G_GNUC_NULL_TERMINATED;
gint64      event_count       (Fixture           *f);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Run, run_free)
