/* test-spawn.c — child processes of the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "test-spawn.h"

#define LISTENING "listening on "

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

GSubprocessLauncher *
test_launcher_new (GSubprocessFlags flags)
{
  GSubprocessLauncher *launcher = g_subprocess_launcher_new (flags);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  return launcher;
}

GSubprocess *
test_server_spawnv (GSubprocessLauncher  *launcher,
                    const char *const    *argv,
                    char                **url,
                    GError              **error)
{
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  server = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (server == NULL)
    return NULL;

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, LISTENING))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "%s printed “%s” instead of “" LISTENING "URL”", argv[0],
                     line != NULL ? line : "nothing");
      g_subprocess_force_exit (server);
      return NULL;
    }

  *url = g_strdup (line + strlen (LISTENING));
  return g_steal_pointer (&server);
}

void
test_compile_locale (const char *dir,
                     const char *name)
{
  g_autofree char *input = g_strndup (name, strcspn (name, "."));
  g_autofree char *output = g_build_filename (dir, name, NULL);
  const char *argv[] = { "localedef", "-c", "-i", input, "-f", "UTF-8", output, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;

  /* localedef exits 1 on warnings about the sources it still compiled. */
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, NULL, &error))
    g_error ("localedef could not run (the package locales provides it): %s", error->message);
  if (!g_file_test (output, G_FILE_TEST_IS_DIR))
    g_error ("localedef made no locale %s: %s", name, err);
}
