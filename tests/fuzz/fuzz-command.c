/* fuzz-command.c — the sync server running what devices push
 *
 * The input is a push body. The harness handles it as the server does: it
 * parses the body, reads it as a batch against the server's registry, and
 * runs the batch with ccm_server_store_push for an enrolled device: the
 * sequence check, the device's role and scope, every decider, the process
 * managers the commands set off, and the projections. A body with
 * "as": "desk" comes from a desk limited to the conference "devcon";
 * anything else comes from an administrator. Each input runs inside a
 * transaction that is rolled back, so each one starts from the same empty
 * server with both devices enrolled. The seed corpus is a day at a desk,
 * cut after its steps (tests/fuzz/corpus/fuzz-command/).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <stdlib.h>

#include "ccm-json.h"
#include "ccm-protocol.h"
#include "ccm-server-store.h"
#include "ccm-store-private.h"

#include "fuzz-common.h"

static CcmServerStore *server;
static CcmRegistry *registry;
static CcmDevice *admin;
static CcmDevice *desk;

static void
remove_dir_at_exit (void)
{
  const char *dir = g_getenv ("CCM_FUZZ_DIR");
  g_autofree char *path = dir != NULL ? ccm_server_store_path (dir) : NULL;

  g_clear_pointer (&admin, ccm_device_free);
  g_clear_pointer (&desk, ccm_device_free);
  g_clear_object (&server);
  g_clear_pointer (&registry, ccm_registry_unref);
  fuzz_remove_store_files (path);
}

static CcmDevice *
enroll (CcmRole            role,
        const char *const *conferences,
        const char        *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *secret = NULL;
  CcmDevice *device;

  code = ccm_server_store_create_code (server, role, conferences, name, G_TIME_SPAN_HOUR, &error);
  g_assert_no_error (error);
  device = ccm_server_store_enroll (server, code, name, &secret, &error);
  g_assert_no_error (error);
  return device;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  static const char *const devcon[] = { "devcon", NULL };
  g_autoptr(CcmClock) clock = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  fuzz_setup_glib ();
  dir = g_dir_make_tmp ("ccm-fuzz-command-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("CCM_FUZZ_DIR", dir, TRUE);
  atexit (remove_dir_at_exit);

  /* 2026-11-26 09:00 UTC: the seed corpus's conference lies ahead. */
  clock = ccm_clock_new_fixed (G_GINT64_CONSTANT (1795683600) * G_USEC_PER_SEC);
  server = ccm_server_store_open (dir, clock, &error);
  g_assert_no_error (error);
  registry = ccm_server_registry_new ();
  admin = enroll (CCM_ROLE_ADMIN, NULL, "Office");
  desk = enroll (CCM_ROLE_DESK, devcon, "Door 2");
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  CcmStore *store = ccm_server_store_get_store (server);
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) response = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(GError) error = NULL;
  const CcmDevice *device = admin;
  const char *as = NULL;
  gint64 expected_seq = -1;

  body = ccm_protocol_parse_body ((const char *) data, size, NULL);
  if (body == NULL)
    return 0;
  commands = ccm_protocol_parse_push (body, registry, NULL);
  if (commands == NULL)
    return 0;
  if (ccm_json_get_string (body, "as", FALSE, &as, NULL) && g_strcmp0 (as, "desk") == 0)
    device = desk;

  g_assert (ccm_store_begin (store, NULL));
  response = ccm_server_store_push (server, device, commands, &expected_seq, &error);
  /* An answer or an error that says what is wrong: never both, never none. */
  g_assert ((response == NULL) != (error == NULL));
  if (response != NULL)
    {
      JsonArray *results = json_object_get_array_member (response, "results");

      g_assert_nonnull (results);
      g_assert_cmpuint (json_array_get_length (results), <=, commands->len);
    }
  else
    g_assert_nonnull (error->message);
  ccm_store_rollback (store);
  ccm_store_forget_states (store);
  return 0;
}
