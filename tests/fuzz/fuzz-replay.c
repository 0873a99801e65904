/* fuzz-replay.c — runs a harness on files, without libFuzzer
 *
 * Usage: fuzz-X-replay FILE-OR-FOLDER…  Every file (folders are read one
 * level deep, in name order) is one input; the output is TAP, one result
 * per input. A crash ends the program, which the test counts as a failure.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-common.h"

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
collect (GPtrArray  *files,
         const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_ptr_array_add (files, g_strdup (path));
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (files, g_strdup (names->pdata[i]));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  FILE *tap;

  for (int i = 1; i < argc; i++)
    collect (files, argv[i]);

  /* The harness may silence stdout; TAP goes to a copy of it. */
  tap = fdopen (dup (STDOUT_FILENO), "w");
  g_assert_nonnull (tap);
  LLVMFuzzerInitialize (&argc, &argv);

  fprintf (tap, "1..%u\n", files->len);
  fflush (tap);
  for (guint i = 0; i < files->len; i++)
    {
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize length = 0;

      if (!g_file_get_contents (files->pdata[i], &contents, &length, &error))
        {
          fprintf (tap, "not ok %u %s # %s\n", i + 1, (char *) files->pdata[i], error->message);
          continue;
        }
      /* libFuzzer hands over exactly the bytes, no terminating NUL. */
      {
        g_autofree guint8 *exact = g_memdup2 (contents, length);

        LLVMFuzzerTestOneInput (exact, length);
      }
      fprintf (tap, "ok %u %s\n", i + 1, (char *) files->pdata[i]);
      fflush (tap);
    }
  fclose (tap);
  return 0;
}
