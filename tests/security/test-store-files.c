/* test-store-files.c — store files are private to their owner
 *
 * DESIGN §4: a store holds attendees' names and e-mails, so its file and
 * SQLite's -wal and -shm beside it are mode 0600 whatever the umask.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "ccm-domain.h"
#include "ccm-store.h"

static void
assert_private (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* The command line creates the store; a permissive umask must not show. */
static void
test_cli_creates_private_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("ccm-perm-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "store.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CcmRegistry) registry = ccm_domain_registry_new ();
  g_autoptr(CcmClock) clock = ccm_clock_new_system ();
  g_autoptr(CcmStore) store = NULL;
  const char *argv[] = { g_getenv ("CONTOSO_BIN"), "--store", path, "conference", "create",
                         "permconf", "--name", "Perm", "--start", "2026-02-01", "--end",
                         "2026-02-02", "--owner-name", "A B", "--owner-email", "a@example.com",
                         NULL };
  mode_t old = umask (0);
  int wait_status = 0;

  g_assert_nonnull (argv[0]);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  assert_private (path);

  /* Open, the store has its -wal and -shm: private too. */
  store = ccm_store_open (path, registry, clock, &error);
  g_assert_no_error (error);
  g_assert_true (ccm_store_rebuild (store, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));
  assert_private (path);
  assert_private (wal);
  assert_private (shm);
  g_clear_object (&store);
  umask (old);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  g_test_add_func ("/security/store-files/private", test_cli_creates_private_store);
  return g_test_run ();
}
