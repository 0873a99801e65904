/* fuzz-push.c — the sync server's request parsing
 *
 * The input is a request body as the server receives it. Like the server,
 * the harness parses it once (ccm_protocol_parse_body) and then reads it
 * as every request it could be: push (against the server's registry, and
 * each command turned into a CcmCommand as the store would), pull, enroll
 * and token.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ccm-protocol.h"
#include "ccm-server-store.h"

#include "fuzz-common.h"

static CcmRegistry *registry;

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_setup_glib ();
  registry = ccm_server_registry_new ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(GPtrArray) commands = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *epoch = NULL;
  gint64 position = 0, limit = 0;
  const char *a = NULL, *b = NULL, *c = NULL;

  body = ccm_protocol_parse_body ((const char *) data, size, &error);
  if (body == NULL)
    {
      g_assert (error != NULL);
      return 0;
    }

  commands = ccm_protocol_parse_push (body, registry, NULL);
  for (guint i = 0; commands != NULL && i < commands->len; i++)
    {
      g_autoptr(CcmCommand) command = ccm_push_command_to_command (commands->pdata[i], "device");
      g_autoptr(JsonObject) json = ccm_command_to_json (command);

      g_assert (command != NULL && json != NULL);
    }

  if (ccm_protocol_parse_pull (body, &epoch, &position, &limit, NULL))
    {
      g_autofree char *cookie = NULL;

      g_assert (limit >= 1 && limit <= CCM_PROTOCOL_PULL_MAX);
      g_assert (position >= 0);
      /* A cookie the server hands back must parse again to the same. */
      if (epoch != NULL)
        {
          g_autofree char *again = NULL;
          gint64 again_position = -1;

          cookie = ccm_protocol_cookie_format (epoch, position);
          g_assert (ccm_protocol_cookie_parse (cookie, &again, &again_position, NULL));
          g_assert_cmpstr (again, ==, epoch);
          g_assert_cmpint (again_position, ==, position);
        }
    }
  ccm_protocol_parse_enroll (body, &a, &b, NULL);
  ccm_protocol_parse_token (body, &a, &b, &c, NULL);
  return 0;
}
