/* test-spawn.h — child processes of the tests: servers and desks that die
 * with the test program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A launcher whose children get SIGKILL when the test program ends, even by
 * a crash: a server or desk left behind would hold the test's output open. */
GSubprocessLauncher *test_launcher_new   (GSubprocessFlags      flags);

/* Spawns `contoso-server serve …` (argv, NULL-terminated, the binary first)
 * through a launcher made by test_launcher_new with
 * G_SUBPROCESS_FLAGS_STDOUT_PIPE, and waits for its "listening on URL"
 * line. Returns the server with *url set, or NULL and an error naming what
 * the server said instead. */
GSubprocess         *test_server_spawnv  (GSubprocessLauncher  *launcher,
                                          const char *const    *argv,
                                          char                **url,
                                          GError              **error);

/* Compiles the locale NAME (say en_US.UTF-8) from the system's locale
 * sources (the package locales) into DIR, where LOCPATH makes setlocale
 * look; the test fails if it cannot. */
void                 test_compile_locale (const char           *dir,
                                          const char           *name);

G_END_DECLS
