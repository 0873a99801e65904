/* ccm-server-store.c — the sync server's own tables beside the event store
 *
 * Secrets, tokens and enrollment codes are stored hashed: a stolen copy of
 * the file (or a backup) lets nobody sync as a device. Secrets, which live
 * for a device's lifetime, get a per-device salt and an HMAC; tokens and
 * codes are random, short-lived and single-use, so a plain SHA-256 suffices.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-server-store"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "ccm-attention.h"
#include "ccm-checkin.h"
#include "ccm-domain.h"
#include "ccm-errors.h"
#include "ccm-id.h"
#include "ccm-json.h"
#include "ccm-order-views.h"
#include "ccm-server-store.h"

#define CODE_LENGTH  12
#define SECRET_BYTES 32
#define SALT_BYTES   16
#define TOKEN_BYTES  32

struct _CcmServerStore
{
  GObject parent_instance;

  CcmStore *store;
  char *epoch;
};

G_DEFINE_FINAL_TYPE (CcmServerStore, ccm_server_store, G_TYPE_OBJECT)

static const char *const server_schema_v1 =
  "CREATE TABLE sync_devices ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  role TEXT NOT NULL,"
  "  secret_salt TEXT NOT NULL,"
  "  secret_hash TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  revoked_at INTEGER,"
  "  last_seq INTEGER NOT NULL DEFAULT 0,"
  "  last_seen_at INTEGER) WITHOUT ROWID;"
  "CREATE TABLE sync_device_conferences ("
  "  device_id TEXT NOT NULL REFERENCES sync_devices (id),"
  "  conference TEXT NOT NULL,"
  "  PRIMARY KEY (device_id, conference)) WITHOUT ROWID;"
  "CREATE TABLE sync_enrollment_codes ("
  "  code_hash TEXT PRIMARY KEY,"
  "  role TEXT NOT NULL,"
  "  conferences TEXT NOT NULL,"
  "  name TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  used_at INTEGER,"
  "  device_id TEXT) WITHOUT ROWID;"
  "CREATE TABLE sync_tokens ("
  "  token_hash TEXT PRIMARY KEY,"
  "  device_id TEXT NOT NULL REFERENCES sync_devices (id),"
  "  issued_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
  "CREATE INDEX sync_tokens_expiry ON sync_tokens (expires_at);"
  "CREATE TABLE sync_device_commands ("
  "  device_id TEXT NOT NULL REFERENCES sync_devices (id),"
  "  seq INTEGER NOT NULL,"
  "  command_id TEXT NOT NULL,"
  "  type TEXT NOT NULL,"
  "  digest TEXT NOT NULL,"
  "  outcome TEXT NOT NULL,"
  "  recorded_at INTEGER NOT NULL,"
  "  PRIMARY KEY (device_id, seq)) WITHOUT ROWID;"
  "CREATE TABLE sync_conflicts ("
  "  id INTEGER PRIMARY KEY,"
  "  device_id TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  command_id TEXT NOT NULL,"
  "  type TEXT NOT NULL,"
  "  conference TEXT,"
  "  error TEXT NOT NULL,"
  "  field TEXT,"
  "  message TEXT NOT NULL,"
  "  recorded_at INTEGER NOT NULL);";

/* A desk renamed after it enrolled: the log's last position then, so that
 * every desk's next pull from there carries the new name (add_desk_names). */
static const char *const server_schema_v2 =
  "ALTER TABLE sync_devices ADD COLUMN renamed_at_position INTEGER;";

/* Each entry brings the server's tables from version i to i + 1. */
static const char *const *const server_migrations[] = {
  &server_schema_v1,
  &server_schema_v2,
};

G_STATIC_ASSERT (G_N_ELEMENTS (server_migrations) == CCM_SERVER_SCHEMA_VERSION);

/* Devices */

void
ccm_device_free (CcmDevice *device)
{
  g_free (device->id);
  g_free (device->name);
  g_strfreev (device->conferences);
  g_free (device);
}

gboolean
ccm_device_covers (const CcmDevice *device,
                   const char      *conference)
{
  g_return_val_if_fail (device != NULL, FALSE);

  if (device->conferences == NULL || device->conferences[0] == NULL)
    return TRUE;
  return conference != NULL && g_strv_contains ((const char *const *) device->conferences,
                                                conference);
}

static gboolean
device_is_scoped (const CcmDevice *device)
{
  return device->conferences != NULL && device->conferences[0] != NULL;
}

static void
set_time_or_null (JsonObject *o,
                  const char *member,
                  gint64      time_us)
{
  g_autofree char *text = time_us != 0 ? ccm_time_format (time_us) : NULL;

  ccm_json_set_string_or_null (o, member, text);
}

JsonObject *
ccm_device_to_json (const CcmDevice *device)
{
  JsonObject *o = json_object_new ();
  JsonArray *conferences = json_array_new ();

  for (guint i = 0; device->conferences != NULL && device->conferences[i] != NULL; i++)
    json_array_add_string_element (conferences, device->conferences[i]);

  json_object_set_string_member (o, "device_id", device->id);
  json_object_set_string_member (o, "name", device->name);
  json_object_set_string_member (o, "role", ccm_role_to_string (device->role));
  json_object_set_array_member (o, "conferences", conferences);
  set_time_or_null (o, "created_at", device->created_at);
  json_object_set_boolean_member (o, "revoked", device->revoked_at != 0);
  set_time_or_null (o, "revoked_at", device->revoked_at);
  json_object_set_int_member (o, "last_seq", device->last_seq);
  set_time_or_null (o, "last_seen_at", device->last_seen_at);
  return o;
}

/* Hashing */

static char *
random_hex (guint n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  GString *text = g_string_sized_new (n_bytes * 2);

  ccm_random_bytes (bytes, n_bytes);
  for (guint i = 0; i < n_bytes; i++)
    g_string_append_printf (text, "%02x", bytes[i]);
  return g_string_free (text, FALSE);
}

static char *
sha256 (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

static char *
secret_hash (const char *salt,
             const char *secret)
{
  return g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) salt, strlen (salt),
                                    secret, -1);
}

/* Compares without stopping at the first difference. */
static gboolean
equal_in_constant_time (const char *a,
                        const char *b)
{
  gsize length = strlen (a);
  guint8 diff = 0;

  if (length != strlen (b))
    return FALSE;
  for (gsize i = 0; i < length; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i];
  return diff == 0;
}

/* "abcd-EFGH jkmn" → "ABCDEFGHJKMN": codes are typed by people. */
static char *
normalize_code (const char *code)
{
  GString *text = g_string_new (NULL);

  for (const char *p = code; *p != '\0'; p++)
    if (*p != '-' && !g_ascii_isspace (*p))
      g_string_append_c (text, g_ascii_toupper (*p));
  return g_string_free (text, FALSE);
}

/* The object */

static void
ccm_server_store_finalize (GObject *object)
{
  CcmServerStore *self = (CcmServerStore *)object;

  g_clear_object (&self->store);
  g_free (self->epoch);

  G_OBJECT_CLASS (ccm_server_store_parent_class)->finalize (object);
}

static void
ccm_server_store_class_init (CcmServerStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ccm_server_store_finalize;
}

static void
ccm_server_store_init (CcmServerStore *self)
{
}

/* The conference projection: which conference each event concerns. */

static char *
stream_conference (CcmStore   *store,
                   const char *stream_id)
{
  static const char *const prefixes[] = { "conference/", "seats/", "attention/" };
  sqlite3_stmt *stmt;
  char *conference = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (stream_id, prefixes[i]))
      return g_strdup (stream_id + strlen (prefixes[i]));

  if (g_str_has_prefix (stream_id, "order-code/"))
    {
      const char *slug = stream_id + strlen ("order-code/");
      const char *slash = strchr (slug, '/');

      return slash != NULL ? g_strndup (slug, slash - slug) : g_strdup (slug);
    }

  stmt = ccm_store_prepare (store, "SELECT conference FROM sync_stream_conference "
                                   "WHERE stream_id = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, stream_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    conference = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return conference;
}

static gboolean
conference_projection_apply (CcmStore        *store,
                             const CcmEvent  *event,
                             GError         **error)
{
  g_autofree char *conference = NULL;
  const char *from_payload;
  sqlite3_stmt *stmt;

  from_payload = ccm_json_string (event->payload, "conference");
  if (g_str_has_prefix (event->stream_id, "conference/") ||
      g_str_has_prefix (event->stream_id, "seats/") ||
      g_str_has_prefix (event->stream_id, "attention/") ||
      g_str_has_prefix (event->stream_id, "order-code/") ||
      from_payload == NULL)
    conference = stream_conference (store, event->stream_id);
  else
    conference = g_strdup (from_payload);

  if (conference == NULL)
    return TRUE;

  stmt = ccm_store_prepare (store, "INSERT INTO sync_event_conference (position, conference) "
                                   "VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, event->position);
  sqlite3_bind_text (stmt, 2, conference, -1, SQLITE_STATIC);
  if (!ccm_store_step_done (store, stmt, error))
    return FALSE;

  stmt = ccm_store_prepare (store, "INSERT OR IGNORE INTO sync_stream_conference "
                                   "(stream_id, conference) VALUES (?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, event->stream_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, conference, -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static const char *const conference_projection_tables[] = {
  "sync_event_conference", "sync_stream_conference", NULL
};

static const CcmProjection conference_projection = {
  .name = "sync-conference",
  .version = 1,
  .schema =
    "CREATE TABLE sync_event_conference ("
    "  position INTEGER PRIMARY KEY,"
    "  conference TEXT NOT NULL);"
    "CREATE INDEX sync_event_conference_by_conference "
    "  ON sync_event_conference (conference, position);"
    "CREATE TABLE sync_stream_conference ("
    "  stream_id TEXT PRIMARY KEY,"
    "  conference TEXT NOT NULL) WITHOUT ROWID;",
  .tables = conference_projection_tables,
  .apply = conference_projection_apply,
};

CcmRegistry *
ccm_server_registry_new (void)
{
  CcmRegistry *registry = ccm_domain_registry_new ();

  ccm_registry_add_projection (registry, &conference_projection);
  return registry;
}

char *
ccm_server_store_path (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_build_filename (data_dir, "server.db", NULL);
}

/* Schema */

static char *
meta_get (CcmStore   *store,
          const char *key)
{
  sqlite3_stmt *stmt = ccm_store_prepare (store, "SELECT value FROM meta WHERE key = ?", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

static gboolean
meta_delete (CcmStore    *store,
             const char  *key,
             GError     **error)
{
  sqlite3_stmt *stmt = ccm_store_prepare (store, "DELETE FROM meta WHERE key = ?", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
meta_set (CcmStore    *store,
          const char  *key,
          const char  *value,
          GError     **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (store, "INSERT INTO meta (key, value) VALUES (?, ?) "
                                   "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return ccm_store_step_done (store, stmt, error);
}

static gboolean
migrate (CcmServerStore  *self,
         GError         **error)
{
  g_autofree char *text = NULL;
  g_autofree char *version_text = NULL;
  g_autofree char *renew = NULL;
  guint64 version = 0;

  if (!ccm_store_begin (self->store, error))
    return FALSE;

  text = meta_get (self->store, "sync_schema_version");
  if (text != NULL && !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT, &version, NULL))
    version = G_MAXINT;
  if (version > CCM_SERVER_SCHEMA_VERSION)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_NEWER_SCHEMA,
                   _("The server store %s was written by a newer contoso-server (server "
                     "schema %s; this version knows up to %d). Update the program; the "
                     "file was left untouched."),
                   ccm_store_get_path (self->store), text, CCM_SERVER_SCHEMA_VERSION);
      goto fail;
    }

  for (; version < CCM_SERVER_SCHEMA_VERSION; version++)
    if (!ccm_store_exec (self->store, *server_migrations[version], error))
      goto fail;

  version_text = g_strdup_printf ("%d", CCM_SERVER_SCHEMA_VERSION);
  if (!meta_set (self->store, "sync_schema_version", version_text, error))
    goto fail;

  /* A backup is marked to start a new epoch when a server opens it: every
   * time it is put in place, so restoring the same backup twice still
   * tells the devices that synced with the first copy to start over. */
  self->epoch = meta_get (self->store, "sync_epoch");
  renew = meta_get (self->store, "sync_epoch_renew");
  if (renew != NULL)
    {
      g_clear_pointer (&self->epoch, g_free);
      if (!meta_delete (self->store, "sync_epoch_renew", error))
        goto fail;
    }
  if (self->epoch == NULL)
    {
      self->epoch = ccm_id_new (ccm_clock_now (ccm_store_get_clock (self->store)));
      if (!meta_set (self->store, "sync_epoch", self->epoch, error))
        goto fail;
    }

  return ccm_store_commit (self->store, error);

fail:
  ccm_store_rollback (self->store);
  return FALSE;
}

/* store must have been opened with ccm_server_registry_new(). */
CcmServerStore *
ccm_server_store_new (CcmStore  *store,
                      GError   **error)
{
  g_autoptr(CcmServerStore) self = NULL;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  self = g_object_new (CCM_TYPE_SERVER_STORE, NULL);
  self->store = g_object_ref (store);
  /* Its timers decide for every desk; none of them is a device's to push. */
  ccm_store_set_authority (store, TRUE);
  if (!migrate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

CcmServerStore *
ccm_server_store_open (const char  *data_dir,
                       CcmClock    *clock,
                       GError     **error)
{
  g_autoptr(CcmRegistry) registry = ccm_server_registry_new ();
  g_autoptr(CcmStore) store = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);
  g_return_val_if_fail (CCM_IS_CLOCK (clock), NULL);

  path = ccm_server_store_path (data_dir);
  store = ccm_store_open (path, registry, clock, error);
  if (store == NULL)
    return NULL;
  return ccm_server_store_new (store, error);
}

CcmStore *
ccm_server_store_get_store (CcmServerStore *self)
{
  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  return self->store;
}

const char *
ccm_server_store_get_epoch (CcmServerStore *self)
{
  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  return self->epoch;
}

const char *
ccm_server_store_get_server_id (CcmServerStore *self)
{
  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  return ccm_store_get_device_id (self->store);
}

gint64
ccm_server_store_now (CcmServerStore *self)
{
  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), 0);
  return ccm_clock_now (ccm_store_get_clock (self->store));
}

static gboolean
step_row (CcmServerStore  *self,
          sqlite3_stmt    *stmt,
          gboolean        *row,
          GError         **error)
{
  int rc = sqlite3_step (stmt);

  *row = rc == SQLITE_ROW;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      sqlite3_reset (stmt);
      ccm_store_set_sqlite_error (self->store, error, rc, "reading the server tables");
      return FALSE;
    }
  return TRUE;
}

/* Enrollment */

char *
ccm_server_store_create_code (CcmServerStore     *self,
                              CcmRole             role,
                              const char *const  *conferences,
                              const char         *name,
                              gint64              expires_in_us,
                              GError            **error)
{
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *raw = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *conferences_text = NULL;
  gint64 now;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  g_return_val_if_fail (expires_in_us > 0, NULL);

  for (guint i = 0; conferences != NULL && conferences[i] != NULL; i++)
    json_array_add_string_element (array, conferences[i]);
  node = json_node_init_array (json_node_alloc (), array);
  json_generator_set_root (generator, node);
  conferences_text = json_generator_to_data (generator, NULL);

  raw = ccm_random_code (CCM_ACCESS_CODE_ALPHABET, CODE_LENGTH);
  hash = sha256 (raw);
  now = ccm_server_store_now (self);

  stmt = ccm_store_prepare (self->store,
                            "INSERT INTO sync_enrollment_codes (code_hash, role, conferences, "
                            "name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ccm_role_to_string (role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, conferences_text, -1, SQLITE_STATIC);
  if (name != NULL)
    sqlite3_bind_text (stmt, 4, name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, now);
  sqlite3_bind_int64 (stmt, 6, now + expires_in_us);
  if (!ccm_store_step_done (self->store, stmt, error))
    return NULL;

  /* Shown in groups of four: it is read aloud and typed. */
  return g_strdup_printf ("%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
}

static gboolean
load_conferences (CcmServerStore  *self,
                  CcmDevice       *device,
                  GError         **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  stmt = ccm_store_prepare (self->store,
                            "SELECT conference FROM sync_device_conferences "
                            "WHERE device_id = ? ORDER BY conference", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device->id, -1, SQLITE_STATIC);
  while (step_row (self, stmt, &row, error) && row)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (error != NULL && *error != NULL)
    return FALSE;
  device->conferences = g_strv_builder_end (builder);
  return TRUE;
}

/* With the secret's salt and hash when asked for. */
static CcmDevice *
load_device (CcmServerStore  *self,
             const char      *device_id,
             char           **salt,
             char           **hash,
             GError         **error)
{
  g_autoptr(CcmDevice) device = NULL;
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  stmt = ccm_store_prepare (self->store,
                            "SELECT id, name, role, created_at, revoked_at, last_seq, "
                            "last_seen_at, secret_salt, secret_hash FROM sync_devices "
                            "WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (!row)
    {
      sqlite3_reset (stmt);
      ccm_sync_error_set (error, CCM_SYNC_ERROR_NOT_FOUND, "device_id",
                          _("There is no device %s."), device_id);
      return NULL;
    }

  device = g_new0 (CcmDevice, 1);
  device->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  device->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  if (!ccm_role_from_string ((const char *) sqlite3_column_text (stmt, 2), &device->role))
    device->role = CCM_ROLE_VIEWER;
  device->created_at = sqlite3_column_int64 (stmt, 3);
  device->revoked_at = sqlite3_column_int64 (stmt, 4);
  device->last_seq = sqlite3_column_int64 (stmt, 5);
  device->last_seen_at = sqlite3_column_int64 (stmt, 6);
  if (salt != NULL)
    *salt = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  if (hash != NULL)
    *hash = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  sqlite3_reset (stmt);

  if (!load_conferences (self, device, error))
    return NULL;
  return g_steal_pointer (&device);
}

CcmDevice *
ccm_server_store_get_device (CcmServerStore  *self,
                             const char      *device_id,
                             GError         **error)
{
  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  return load_device (self, device_id, NULL, NULL, error);
}

static void
refuse_code (GError **error)
{
  /* One answer for unknown, spent and expired codes: it tells a guesser nothing. */
  ccm_sync_error_set (error, CCM_SYNC_ERROR_UNAUTHORIZED, "code",
                      _("The enrollment code is unknown, already used or expired; ask the "
                        "administrator for a new one (contoso-server enroll-code)."));
}

static gboolean
insert_device (CcmServerStore    *self,
               const CcmDevice   *device,
               const char        *secret,
               GError           **error)
{
  g_autofree char *salt = random_hex (SALT_BYTES);
  g_autofree char *hash = secret_hash (salt, secret);
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (self->store,
                            "INSERT INTO sync_devices (id, name, role, secret_salt, secret_hash, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, device->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ccm_role_to_string (device->role), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, salt, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, hash, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 6, device->created_at);
  if (!ccm_store_step_done (self->store, stmt, error))
    return FALSE;

  for (guint i = 0; device->conferences[i] != NULL; i++)
    {
      stmt = ccm_store_prepare (self->store,
                                "INSERT OR IGNORE INTO sync_device_conferences "
                                "(device_id, conference) VALUES (?, ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, device->id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, device->conferences[i], -1, SQLITE_STATIC);
      if (!ccm_store_step_done (self->store, stmt, error))
        return FALSE;
    }
  return TRUE;
}

CcmDevice *
ccm_server_store_enroll (CcmServerStore  *self,
                         const char      *code,
                         const char      *name,
                         char           **secret_out,
                         GError         **error)
{
  g_autoptr(CcmDevice) device = NULL;
  g_autoptr(JsonObject) wrapper = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *conferences_json = NULL;
  g_autofree char *code_name = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array = NULL;
  sqlite3_stmt *stmt;
  gboolean row = FALSE;
  gint64 now, expires_at = 0, used_at = 0;
  CcmRole role = CCM_ROLE_VIEWER;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (secret_out != NULL, NULL);

  normalized = normalize_code (code);
  hash = sha256 (normalized);
  now = ccm_server_store_now (self);

  if (!ccm_store_begin (self->store, error))
    return NULL;

  stmt = ccm_store_prepare (self->store,
                            "SELECT role, conferences, name, expires_at, used_at "
                            "FROM sync_enrollment_codes WHERE code_hash = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  if (!step_row (self, stmt, &row, error))
    goto fail;
  if (row)
    {
      ccm_role_from_string ((const char *) sqlite3_column_text (stmt, 0), &role);
      conferences_json = g_strdup_printf ("{\"c\":%s}", sqlite3_column_text (stmt, 1));
      code_name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      expires_at = sqlite3_column_int64 (stmt, 3);
      used_at = sqlite3_column_int64 (stmt, 4);
    }
  sqlite3_reset (stmt);

  if (!row || used_at != 0 || expires_at <= now)
    {
      refuse_code (error);
      goto fail;
    }

  wrapper = ccm_json_from_string (conferences_json, -1, NULL);
  if (wrapper != NULL && ccm_json_get_array (wrapper, "c", FALSE, &array, NULL) && array != NULL)
    for (guint i = 0; i < json_array_get_length (array); i++)
      g_strv_builder_add (builder, json_array_get_string_element (array, i));

  device = g_new0 (CcmDevice, 1);
  device->id = ccm_id_new (now);
  device->name = ccm_desk_name_clean (name);
  if (*device->name == '\0')
    {
      g_free (device->name);
      device->name = g_strdup (code_name != NULL ? code_name : _("Unnamed device"));
    }
  device->role = role;
  device->conferences = g_strv_builder_end (builder);
  device->created_at = now;
  secret = random_hex (SECRET_BYTES);

  if (!insert_device (self, device, secret, error))
    goto fail;

  stmt = ccm_store_prepare (self->store,
                            "UPDATE sync_enrollment_codes SET used_at = ?, device_id = ? "
                            "WHERE code_hash = ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, device->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, hash, -1, SQLITE_STATIC);
  if (!ccm_store_step_done (self->store, stmt, error) ||
      !ccm_store_commit (self->store, error))
    goto fail_committed;

  g_info ("Enrolled device %s (%s, %s)", device->id, device->name,
          ccm_role_to_string (device->role));
  *secret_out = g_steal_pointer (&secret);
  return g_steal_pointer (&device);

fail:
  ccm_store_rollback (self->store);
fail_committed:
  return NULL;
}

/* When a device last reached the server, as `devices list` shows it: any
 * authenticated request counts (a check-in desk that only pulls, a window
 * waiting for news), written at most once a minute per device so that
 * pulls do not each wait for the disk. */
#define SEEN_EVERY_US (60 * G_USEC_PER_SEC)

static gboolean
set_last_seen (CcmServerStore  *self,
               const char      *device_id,
               gint64           now,
               GError         **error)
{
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (self->store, "UPDATE sync_devices SET last_seen_at = "
                            "max(coalesce(last_seen_at, 0), ?1) WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, now);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_STATIC);
  return ccm_store_step_done (self->store, stmt, error);
}

void
ccm_server_store_note_seen (CcmServerStore *self,
                            CcmDevice      *device)
{
  g_autoptr(GError) error = NULL;
  gint64 now;

  g_return_if_fail (CCM_IS_SERVER_STORE (self));
  g_return_if_fail (device != NULL);

  now = ccm_server_store_now (self);

  if (now - device->last_seen_at < SEEN_EVERY_US)
    return;
  if (!ccm_store_begin (self->store, &error))
    goto fail;
  if (!set_last_seen (self, device->id, now, &error))
    {
      ccm_store_rollback (self->store);
      goto fail;
    }
  if (!ccm_store_commit (self->store, &error))
    goto fail;
  device->last_seen_at = now;
  return;

fail:
  /* The request goes on: only the time shown is late. */
  g_warning ("Noting when device %s was last seen failed: %s", device->id, error->message);
}

char *
ccm_server_store_issue_token (CcmServerStore  *self,
                              const char      *device_id,
                              const char      *secret,
                              const char      *name,
                              gint64          *expires_at,
                              GError         **error)
{
  g_autofree char *new_name = ccm_desk_name_clean (name);
  g_autoptr(CcmDevice) device = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *stored_hash = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;
  sqlite3_stmt *stmt;
  gint64 now;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  g_return_val_if_fail (device_id != NULL && secret != NULL, NULL);

  device = load_device (self, device_id, &salt, &stored_hash, &local_error);
  if (device == NULL && !g_error_matches (local_error, CCM_SYNC_ERROR, CCM_SYNC_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (device != NULL)
    hash = secret_hash (salt, secret);
  if (device == NULL || !equal_in_constant_time (hash, stored_hash))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_UNAUTHORIZED, "secret",
                          _("The device id or its secret is wrong; enroll the device again."));
      return NULL;
    }
  if (device->revoked_at != 0)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_REVOKED, NULL,
                          _("The device %s was revoked by the administrator; its commands "
                            "are kept on the device, but it can no longer sync."), device_id);
      return NULL;
    }

  now = ccm_server_store_now (self);
  token = random_hex (TOKEN_BYTES);
  token_hash = sha256 (token);

  if (!ccm_store_begin (self->store, error))
    return NULL;
  stmt = ccm_store_prepare (self->store, "DELETE FROM sync_tokens WHERE expires_at <= ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, now);
  if (!ccm_store_step_done (self->store, stmt, error))
    goto fail;
  stmt = ccm_store_prepare (self->store,
                            "INSERT INTO sync_tokens (token_hash, device_id, issued_at, "
                            "expires_at) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, token_hash, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, now + CCM_PROTOCOL_TOKEN_TTL);
  if (!ccm_store_step_done (self->store, stmt, error) ||
      !set_last_seen (self, device_id, now, error))
    goto fail;
  if (*new_name != '\0' && g_strcmp0 (new_name, device->name) != 0)
    {
      stmt = ccm_store_prepare (self->store, "UPDATE sync_devices SET name = ?, "
                                "renamed_at_position = ? WHERE id = ?", error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, new_name, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, ccm_store_get_last_position (self->store));
      sqlite3_bind_text (stmt, 3, device_id, -1, SQLITE_STATIC);
      if (!ccm_store_step_done (self->store, stmt, error))
        goto fail;
      g_message ("Device %s is now called “%s” (was “%s”)", device_id, new_name, device->name);
    }
  if (!ccm_store_commit (self->store, error))
    return NULL;

  *expires_at = now + CCM_PROTOCOL_TOKEN_TTL;
  return g_steal_pointer (&token);

fail:
  ccm_store_rollback (self->store);
  return NULL;
}

CcmDevice *
ccm_server_store_authenticate (CcmServerStore  *self,
                               const char      *token,
                               GError         **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *device_id = NULL;
  g_autoptr(CcmDevice) device = NULL;
  sqlite3_stmt *stmt;
  gboolean row = FALSE;
  gint64 expires_at = 0;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);

  if (token == NULL || *token == '\0')
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_UNAUTHORIZED, "Authorization",
                          _("The request has no bearer token; get one from /v1/token."));
      return NULL;
    }

  hash = sha256 (token);
  stmt = ccm_store_prepare (self->store,
                            "SELECT device_id, expires_at FROM sync_tokens WHERE token_hash = ?",
                            error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_STATIC);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    {
      device_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      expires_at = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_reset (stmt);

  if (device_id == NULL)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_UNAUTHORIZED, "Authorization",
                          _("The bearer token is not valid; get a new one from /v1/token."));
      return NULL;
    }
  if (expires_at <= ccm_server_store_now (self))
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_TOKEN_EXPIRED, "Authorization",
                          _("The bearer token has expired; get a new one from /v1/token."));
      return NULL;
    }

  device = load_device (self, device_id, NULL, NULL, error);
  if (device == NULL)
    return NULL;
  if (device->revoked_at != 0)
    {
      ccm_sync_error_set (error, CCM_SYNC_ERROR_REVOKED, NULL,
                          _("The device %s was revoked by the administrator; it can no "
                            "longer sync."), device_id);
      return NULL;
    }
  return g_steal_pointer (&device);
}

GPtrArray *
ccm_server_store_list_devices (CcmServerStore  *self,
                               GError         **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) ccm_device_free);
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);

  stmt = ccm_store_prepare (self->store, "SELECT id FROM sync_devices ORDER BY created_at, id",
                            error);
  if (stmt == NULL)
    return NULL;
  while (step_row (self, stmt, &row, error) && row)
    g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_reset (stmt);
  if (error != NULL && *error != NULL)
    return NULL;

  for (guint i = 0; i < ids->len; i++)
    {
      CcmDevice *device = load_device (self, g_ptr_array_index (ids, i), NULL, NULL, error);

      if (device == NULL)
        return NULL;
      g_ptr_array_add (devices, device);
    }
  return g_steal_pointer (&devices);
}

gboolean
ccm_server_store_revoke_device (CcmServerStore  *self,
                                const char      *device_id,
                                GError         **error)
{
  g_autoptr(CcmDevice) device = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  if (!ccm_store_begin (self->store, error))
    return FALSE;

  device = load_device (self, device_id, NULL, NULL, error);
  if (device == NULL)
    goto fail;

  stmt = ccm_store_prepare (self->store,
                            "UPDATE sync_devices SET revoked_at = ? "
                            "WHERE id = ? AND revoked_at IS NULL", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, ccm_server_store_now (self));
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_STATIC);
  if (!ccm_store_step_done (self->store, stmt, error))
    goto fail;

  /* Its tokens stay until they expire: they then answer 403 (revoked), so
   * the device can tell the user why, rather than 401 (try again). */
  return ccm_store_commit (self->store, error);

fail:
  ccm_store_rollback (self->store);
  return FALSE;
}

/* Push */

typedef struct
{
  char *command_id;
  char *digest;
  JsonObject *outcome;
} StoredOutcome;

static void
stored_outcome_free (StoredOutcome *stored)
{
  g_free (stored->command_id);
  g_free (stored->digest);
  g_clear_pointer (&stored->outcome, json_object_unref);
  g_free (stored);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StoredOutcome, stored_outcome_free)

static StoredOutcome *
lookup_stored (CcmServerStore  *self,
               const char      *device_id,
               gint64           seq,
               GError         **error)
{
  StoredOutcome *stored = NULL;
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  stmt = ccm_store_prepare (self->store,
                            "SELECT command_id, digest, outcome FROM sync_device_commands "
                            "WHERE device_id = ? AND seq = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, seq);
  if (!step_row (self, stmt, &row, error))
    return NULL;
  if (row)
    {
      stored = g_new0 (StoredOutcome, 1);
      stored->command_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      stored->digest = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      stored->outcome = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 2),
                                              sqlite3_column_bytes (stmt, 2), NULL);
      if (stored->outcome == NULL)
        stored->outcome = json_object_new ();
    }
  sqlite3_reset (stmt);
  return stored;
}

static gint64
device_last_seq (CcmServerStore  *self,
                 const char      *device_id,
                 GError         **error)
{
  sqlite3_stmt *stmt;
  gboolean row = FALSE;
  gint64 seq = 0;

  stmt = ccm_store_prepare (self->store, "SELECT last_seq FROM sync_devices WHERE id = ?", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  if (!step_row (self, stmt, &row, error))
    return -1;
  if (row)
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return seq;
}

/* The conference a command concerns, as far as the server knows it before
 * running it: its target stream's, else the one its args name. */
static char *
command_conference (CcmServerStore *self,
                    CcmCommand     *command)
{
  const CcmCommandHandler *handler;
  g_autofree char *stream_id = NULL;
  const char *conference = NULL, *order_id = NULL;
  char *found;

  handler = ccm_registry_lookup_command (ccm_store_get_registry (self->store), command->type);
  if (handler != NULL && (stream_id = handler->stream_for (command, NULL)) != NULL &&
      (found = stream_conference (self->store, stream_id)) != NULL)
    return found;

  if (ccm_json_get_string (command->args, "conference", FALSE, &conference, NULL) &&
      conference != NULL)
    return g_strdup (conference);

  if (ccm_json_get_string (command->args, "order_id", FALSE, &order_id, NULL) &&
      order_id != NULL)
    {
      g_autofree char *order_stream = g_strconcat ("order/", order_id, NULL);

      return stream_conference (self->store, order_stream);
    }
  return NULL;
}

/* Whether all events between the positions belong to the device's
 * conferences: the last word on scope, whatever the command's args said. */
static gboolean
events_in_scope (CcmServerStore   *self,
                 const CcmDevice  *device,
                 gint64            first,
                 gint64            last,
                 gboolean         *in_scope,
                 GError          **error)
{
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  stmt = ccm_store_prepare (self->store,
                            "SELECT 1 FROM events e "
                            "LEFT JOIN sync_event_conference c ON c.position = e.position "
                            "WHERE e.position BETWEEN ?1 AND ?2 AND (c.conference IS NULL OR "
                            "c.conference NOT IN (SELECT conference FROM sync_device_conferences "
                            "WHERE device_id = ?3)) LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, first);
  sqlite3_bind_int64 (stmt, 2, last);
  sqlite3_bind_text (stmt, 3, device->id, -1, SQLITE_STATIC);
  if (!step_row (self, stmt, &row, error))
    return FALSE;
  sqlite3_reset (stmt);
  *in_scope = !row;
  return TRUE;
}

static JsonObject *
outcome_json (const CcmPushCommand *push,
              const char           *status,
              const CcmOutcome     *outcome,
              const GError         *rejection)
{
  JsonObject *o = json_object_new ();

  json_object_set_int_member (o, "seq", push->seq);
  json_object_set_string_member (o, "command_id", push->command_id);
  json_object_set_string_member (o, "status", status);
  if (rejection != NULL)
    {
      json_object_set_string_member (o, "error", ccm_sync_error_name (rejection));
      json_object_set_string_member (o, "message", rejection->message);
      ccm_json_set_string_or_null (o, "field", ccm_sync_error_get_field (rejection));
    }
  json_object_set_int_member (o, "first_position", outcome != NULL ? outcome->first_position : 0);
  json_object_set_int_member (o, "last_position", outcome != NULL ? outcome->last_position : 0);
  json_object_set_int_member (o, "events", outcome != NULL ? outcome->n_events : 0);
  json_object_set_object_member (o, "result",
                                 outcome != NULL && outcome->result != NULL
                                 ? json_object_ref (outcome->result) : json_object_new ());
  return o;
}

static void
set_forbidden (GError         **error,
               const char      *field,
               const char      *format,
               ...) G_GNUC_PRINTF (3, 4);

static void
set_forbidden (GError     **error,
               const char  *field,
               const char  *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_FORBIDDEN, field, "%s", message);
}

/* Runs one command inside the caller's transaction. Returns the outcome
 * object; a refusal by role, scope or the domain is an outcome too. Only a
 * failure of the store itself is an error. */
static JsonObject *
run_command (CcmServerStore       *self,
             const CcmDevice      *device,
             const CcmPushCommand *push,
             char                **conference_out,
             GError              **rejection,
             GError              **error)
{
  g_autoptr(CcmCommand) command = ccm_push_command_to_command (push, device->id);
  g_autoptr(CcmOutcome) outcome = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *conference = command_conference (self, command);
  gboolean in_scope = TRUE;

  *conference_out = g_strdup (conference);

  if (!ccm_role_allows (device->role, push->type))
    {
      set_forbidden (rejection, "type", _("A device with the role %s may not run %s."),
                     ccm_role_to_string (device->role), push->type);
      return outcome_json (push, "rejected", NULL, *rejection);
    }
  if (device_is_scoped (device) && conference != NULL && !ccm_device_covers (device, conference))
    {
      set_forbidden (rejection, "conference",
                     _("This device is enrolled for other conferences than “%s”."), conference);
      return outcome_json (push, "rejected", NULL, *rejection);
    }

  if (!ccm_store_begin (self->store, error))
    return NULL;

  outcome = ccm_store_execute (self->store, command, &local_error);
  if (outcome == NULL)
    {
      ccm_store_rollback (self->store);
      if (local_error->domain != CCM_DOMAIN_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_propagate_error (rejection, g_steal_pointer (&local_error));
      return outcome_json (push, "rejected", NULL, *rejection);
    }

  if (device_is_scoped (device) && outcome->n_events > 0 &&
      !events_in_scope (self, device, outcome->first_position, outcome->last_position,
                        &in_scope, error))
    {
      ccm_store_rollback (self->store);
      return NULL;
    }
  if (!in_scope)
    {
      ccm_store_rollback (self->store);
      set_forbidden (rejection, "conference",
                     _("%s would change a conference this device is not enrolled for."),
                     push->type);
      return outcome_json (push, "rejected", NULL, *rejection);
    }

  if (!ccm_store_commit (self->store, error))
    return NULL;
  return outcome_json (push, outcome->duplicate ? "duplicate" : "applied", outcome, NULL);
}

static gboolean
record_command (CcmServerStore        *self,
                const CcmDevice       *device,
                const CcmPushCommand  *push,
                JsonObject            *outcome,
                const char            *conference,
                const GError          *rejection,
                GError               **error)
{
  g_autofree char *text = ccm_json_to_string (outcome);
  gint64 now = ccm_server_store_now (self);
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (self->store,
                            "INSERT INTO sync_device_commands (device_id, seq, command_id, type, "
                            "digest, outcome, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, push->seq);
  sqlite3_bind_text (stmt, 3, push->command_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, push->type, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, push->digest, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, text, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, now);
  if (!ccm_store_step_done (self->store, stmt, error))
    return FALSE;

  stmt = ccm_store_prepare (self->store,
                            "UPDATE sync_devices SET last_seq = ?, last_seen_at = ? WHERE id = ?",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, push->seq);
  sqlite3_bind_int64 (stmt, 2, now);
  sqlite3_bind_text (stmt, 3, device->id, -1, SQLITE_STATIC);
  if (!ccm_store_step_done (self->store, stmt, error))
    return FALSE;

  if (rejection == NULL)
    return TRUE;

  /* DESIGN §5.1.5: every rejection is on the server's conflict list too. */
  stmt = ccm_store_prepare (self->store,
                            "INSERT INTO sync_conflicts (device_id, seq, command_id, type, "
                            "conference, error, field, message, recorded_at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device->id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, push->seq);
  sqlite3_bind_text (stmt, 3, push->command_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, push->type, -1, SQLITE_STATIC);
  if (conference != NULL)
    sqlite3_bind_text (stmt, 5, conference, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, ccm_sync_error_name (rejection), -1, SQLITE_STATIC);
  if (ccm_sync_error_get_field (rejection) != NULL)
    sqlite3_bind_text (stmt, 7, ccm_sync_error_get_field (rejection), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, rejection->message, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 9, now);
  return ccm_store_step_done (self->store, stmt, error);
}

/* One transaction: the command's effects, its outcome and the device's
 * sequence number, so a crash keeps all or none of them. */
static JsonObject *
apply_command (CcmServerStore        *self,
               const CcmDevice       *device,
               const CcmPushCommand  *push,
               GError               **error)
{
  g_autoptr(JsonObject) outcome = NULL;
  g_autoptr(GError) rejection = NULL;
  g_autofree char *conference = NULL;

  if (!ccm_store_begin (self->store, error))
    return NULL;

  outcome = run_command (self, device, push, &conference, &rejection, error);
  if (outcome == NULL ||
      !record_command (self, device, push, outcome, conference, rejection, error))
    {
      ccm_store_rollback (self->store);
      return NULL;
    }
  if (!ccm_store_commit (self->store, error))
    return NULL;

  if (rejection != NULL)
    g_info ("Device %s: %s (seq %" G_GINT64_FORMAT ") was rejected: %s",
            device->id, push->type, push->seq, rejection->message);
  return g_steal_pointer (&outcome);
}

/* What a command set off (process managers: the order's seats reserved,
 * a paid order confirmed, a quota cut's seats taken out of the pool…) runs
 * right after it, before the next command of the batch, as it did on the
 * desk that issued them offline: a desk that placed, paid and named the
 * seats of an order between two syncs had each step accepted because the
 * one before had its effects, and a quota cut followed by an allotment
 * grant in one batch let the grant take seats the cut had removed. Each
 * command sent is a savepoint of its own; one that fails stays in the
 * outbox for the next dispatch. */
static void
dispatch_reactions (CcmServerStore *self)
{
  g_autoptr(GError) error = NULL;

  if (!ccm_store_dispatch_outbox (self->store, &error))
    g_warning ("Dispatching the outbox failed: %s", error->message);
}

/* Checks the whole batch against the device's sequence before anything
 * runs, so a refused batch writes nothing. */
static gboolean
check_sequence (CcmServerStore   *self,
                const CcmDevice  *device,
                GPtrArray        *commands,
                gint64            last_seq,
                gint64           *expected_seq,
                GError          **error)
{
  for (guint i = 0; i < commands->len; i++)
    {
      CcmPushCommand *push = g_ptr_array_index (commands, i);
      g_autoptr(StoredOutcome) stored = NULL;
      g_autoptr(GError) local_error = NULL;

      /* push->seq is 1 or more: push->seq - 1 cannot overflow */
      if (push->seq - 1 > last_seq)
        {
          *expected_seq = last_seq + 1;
          ccm_sync_error_set (error, CCM_SYNC_ERROR_SEQ_GAP, "seq",
                              _("Command %lld came before command %lld; push from %lld on."),
                              (long long) push->seq, (long long) last_seq + 1,
                              (long long) last_seq + 1);
          return FALSE;
        }
      if (push->seq - 1 == last_seq)
        return TRUE;   /* seqs of a batch follow each other: the rest are new */

      stored = lookup_stored (self, device->id, push->seq, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (stored == NULL || !g_str_equal (stored->command_id, push->command_id) ||
          !g_str_equal (stored->digest, push->digest))
        {
          ccm_sync_error_set (error, CCM_SYNC_ERROR_SEQ_CONFLICT, "seq",
                              _("Sequence number %lld was already used by this device for "
                                "another command; a device numbers each command once."),
                              (long long) push->seq);
          return FALSE;
        }
    }
  return TRUE;
}

JsonObject *
ccm_server_store_push (CcmServerStore   *self,
                       const CcmDevice  *device,
                       GPtrArray        *commands,
                       gint64           *expected_seq,
                       GError          **error)
{
  g_autoptr(JsonObject) response = json_object_new ();
  JsonArray *results = json_array_new ();
  gint64 last_seq;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  g_return_val_if_fail (device != NULL && commands != NULL, NULL);

  json_object_set_array_member (response, "results", results);

  last_seq = device_last_seq (self, device->id, error);
  if (last_seq < 0 ||
      !check_sequence (self, device, commands, last_seq, expected_seq, error))
    return NULL;

  /* The batch commits once (each command is a savepoint in it), with what
   * the commands set off: a commit waits for the disk, and one per command
   * made that the server's limit. The answer leaves after the commit, so
   * nothing answered is lost. */
  if (!ccm_store_begin (self->store, error))
    return NULL;

  for (guint i = 0; i < commands->len; i++)
    {
      CcmPushCommand *push = g_ptr_array_index (commands, i);
      JsonObject *outcome;

      if (push->seq <= last_seq)
        {
          g_autoptr(StoredOutcome) stored = lookup_stored (self, device->id, push->seq, error);

          if (stored == NULL)
            break;
          outcome = json_object_ref (stored->outcome);
          json_object_set_string_member (outcome, "original_status",
                                         ccm_json_string (outcome, "status"));
          json_object_set_string_member (outcome, "status", "duplicate");
        }
      else
        {
          outcome = apply_command (self, device, push, error);
          if (outcome == NULL)
            break;
          dispatch_reactions (self);
        }
      json_array_add_object_element (results, outcome);
    }

  /* What ran before a failure stays, as when each command committed alone;
   * a command whose process managers' commands failed to run keeps them in
   * the outbox, for the next dispatch. */
  if (!ccm_store_commit (self->store, error != NULL && *error != NULL ? NULL : error))
    return NULL;

  if (error != NULL && *error != NULL)
    return NULL;

  json_object_set_int_member (response, "last_seq", device_last_seq (self, device->id, NULL));
  return g_steal_pointer (&response);
}

/* Pull */

static JsonObject *
event_json_from_row (CcmServerStore  *self,
                     sqlite3_stmt    *stmt,
                     GError         **error)
{
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(CcmEvent) event = NULL;
  g_autoptr(GError) local_error = NULL;

  payload = ccm_json_from_string ((const char *) sqlite3_column_text (stmt, 5),
                                  sqlite3_column_bytes (stmt, 5), &local_error);
  if (payload == NULL)
    {
      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_CORRUPT,
                   _("The event at position %lld has an unreadable payload: %s."),
                   (long long) sqlite3_column_int64 (stmt, 0), local_error->message);
      return NULL;
    }

  event = ccm_event_new ((const char *) sqlite3_column_text (stmt, 3),
                         sqlite3_column_int (stmt, 4), g_steal_pointer (&payload));
  event->position = sqlite3_column_int64 (stmt, 0);
  event->stream_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  event->stream_version = sqlite3_column_int64 (stmt, 2);
  event->command_id = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  event->correlation_id = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  event->device_id = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
  event->recorded_at = sqlite3_column_int64 (stmt, 9);
  ccm_registry_upcast (ccm_store_get_registry (self->store), event);
  return ccm_event_to_json (event);
}

static void
set_server_time (CcmServerStore *self,
                 JsonObject     *o)
{
  gint64 now = ccm_server_store_now (self);
  g_autofree char *text = ccm_time_format (now);

  json_object_set_string_member (o, "server_time", text);
  json_object_set_int_member (o, "server_time_us", now);
}

/* The names of the desks whose events a pull page holds, as they enrolled:
 * {"devices": {id: name}}, so that a desk shows "desk “North door”" rather
 * than the end of an id. Events the server recorded itself name no desk.
 * With them, the desks renamed since the puller's position (that it may
 * know by their old names) and that work for a conference it sees. */
static gboolean
add_desk_names (CcmServerStore   *self,
                const CcmDevice  *device,
                gint64            position,
                JsonObject       *response,
                JsonArray        *events,
                GError          **error)
{
  g_autoptr(JsonObject) names = json_object_new ();
  sqlite3_stmt *stmt = NULL;
  guint n = json_array_get_length (events);
  gboolean row = FALSE;

  stmt = ccm_store_prepare (self->store,
                            "SELECT d.id, d.name FROM sync_devices d "
                            "WHERE d.renamed_at_position >= ?1 AND d.id != ?2 AND (?3 = 0 "
                            "OR NOT EXISTS (SELECT 1 FROM sync_device_conferences x "
                            "WHERE x.device_id = d.id) "
                            "OR EXISTS (SELECT 1 FROM sync_device_conferences x "
                            "JOIN sync_device_conferences y ON y.conference = x.conference "
                            "WHERE x.device_id = d.id AND y.device_id = ?2))", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, position);
  sqlite3_bind_text (stmt, 2, device->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, device_is_scoped (device));
  while (step_row (self, stmt, &row, error) && row)
    json_object_set_string_member (names, (const char *) sqlite3_column_text (stmt, 0),
                                   (const char *) sqlite3_column_text (stmt, 1));
  sqlite3_reset (stmt);
  if (error != NULL && *error != NULL)
    return FALSE;
  stmt = NULL;

  for (guint i = 0; i < n; i++)
    {
      const char *device_id = ccm_json_string (json_array_get_object_element (events, i),
                                               "device_id");

      if (device_id == NULL || json_object_has_member (names, device_id))
        continue;
      if (stmt == NULL &&
          (stmt = ccm_store_prepare (self->store, "SELECT name FROM sync_devices WHERE id = ?",
                                     error)) == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
      if (!step_row (self, stmt, &row, error))
        return FALSE;
      if (row)
        json_object_set_string_member (names, device_id,
                                       (const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  if (json_object_get_size (names) > 0)
    json_object_set_object_member (response, "devices", g_steal_pointer (&names));
  return TRUE;
}

JsonObject *
ccm_server_store_pull (CcmServerStore   *self,
                       const CcmDevice  *device,
                       const char       *epoch,
                       gint64            position,
                       gint64            limit,
                       GError          **error)
{
  g_autoptr(JsonObject) response = json_object_new ();
  g_autofree char *cookie = NULL;
  JsonArray *events;
  sqlite3_stmt *stmt;
  gint64 last, last_sent = position;
  gint64 count = 0;
  gboolean row = FALSE, has_more = FALSE;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);
  g_return_val_if_fail (device != NULL, NULL);
  g_return_val_if_fail (limit > 0, NULL);

  last = ccm_store_get_last_position (self->store);
  set_server_time (self, response);

  /* Another history (a restored backup, a new server) or a position this
   * log never reached: the device must start over. */
  if ((epoch != NULL && !g_str_equal (epoch, self->epoch)) || position > last)
    {
      cookie = ccm_protocol_cookie_format (self->epoch, 0);
      json_object_set_boolean_member (response, "reset", TRUE);
      json_object_set_string_member (response, "epoch", self->epoch);
      json_object_set_string_member (response, "cookie", cookie);
      /* What this server has of the device: a restored one may lack its
       * latest commands, which the device then pushes again. */
      json_object_set_int_member (response, "last_seq", device->last_seq);
      return g_steal_pointer (&response);
    }

  if (device_is_scoped (device))
    {
      stmt = ccm_store_prepare (self->store,
                                "SELECT e.position, e.stream_id, e.stream_version, e.type, "
                                "e.schema_version, e.payload, e.command_id, e.correlation_id, "
                                "e.device_id, e.recorded_at FROM sync_event_conference c "
                                "JOIN events e ON e.position = c.position "
                                "WHERE c.position > ?1 AND c.conference IN (SELECT conference "
                                "FROM sync_device_conferences WHERE device_id = ?3) "
                                "ORDER BY c.position LIMIT ?2", error);
      if (stmt != NULL)
        sqlite3_bind_text (stmt, 3, device->id, -1, SQLITE_TRANSIENT);
    }
  else
    stmt = ccm_store_prepare (self->store,
                              "SELECT position, stream_id, stream_version, type, schema_version, "
                              "payload, command_id, correlation_id, device_id, recorded_at "
                              "FROM events WHERE position > ?1 ORDER BY position LIMIT ?2", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, position);
  sqlite3_bind_int64 (stmt, 2, limit + 1);

  events = json_array_new ();
  json_object_set_array_member (response, "events", events);
  while (step_row (self, stmt, &row, error) && row)
    {
      JsonObject *event;

      if (count == limit)
        {
          has_more = TRUE;
          break;
        }
      event = event_json_from_row (self, stmt, error);
      if (event == NULL)
        break;
      last_sent = sqlite3_column_int64 (stmt, 0);
      json_array_add_object_element (events, event);
      count++;
    }
  sqlite3_reset (stmt);
  if (error != NULL && *error != NULL)
    return NULL;
  if (!add_desk_names (self, device, position, response, events, error))
    return NULL;

  /* Past the last event sent when there is more; else past everything
   * looked at, including what the filter left out. */
  cookie = ccm_protocol_cookie_format (self->epoch, has_more ? last_sent : last);
  json_object_set_string_member (response, "cookie", cookie);
  json_object_set_boolean_member (response, "has_more", has_more);
  return g_steal_pointer (&response);
}

gboolean
ccm_server_store_has_news (CcmServerStore  *self,
                           const CcmDevice *device,
                           gint64           position)
{
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), FALSE);

  if (!device_is_scoped (device))
    return ccm_store_get_last_position (self->store) > position;

  stmt = ccm_store_prepare (self->store,
                            "SELECT 1 FROM sync_event_conference WHERE position > ? AND "
                            "conference IN (SELECT conference FROM sync_device_conferences "
                            "WHERE device_id = ?) LIMIT 1", NULL);
  if (stmt == NULL)
    return TRUE;
  sqlite3_bind_int64 (stmt, 1, position);
  sqlite3_bind_text (stmt, 2, device->id, -1, SQLITE_STATIC);
  row = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return row;
}

/* Conflicts */

static void
set_text_or_null (JsonObject   *o,
                  const char   *member,
                  sqlite3_stmt *stmt,
                  int           column)
{
  ccm_json_set_string_or_null (o, member, (const char *) sqlite3_column_text (stmt, column));
}

/* Whether someone marked the conflict resolved, as the attention list
 * has it (a desk's mark reaches the server as an AttentionResolved event):
 * resolved, and if so resolved_at, resolution_note, resolved_by. */
static void
copy_resolution (JsonObject *o,
                 JsonObject *item)
{
  static const char *const members[] = { "resolved_at", "resolution_note", "resolved_by" };
  gboolean resolved = ccm_json_bool (item, "resolved");

  json_object_set_boolean_member (o, "resolved", resolved);
  for (guint i = 0; resolved && i < G_N_ELEMENTS (members); i++)
    ccm_json_set_string_or_null (o, members[i], ccm_json_string (item, members[i]));
}

/* Conflicts the domain resolved and recorded (DESIGN §5.3): concurrent edits
 * of one conference field, double admissions, admissions of cancelled
 * orders; and a desk's paid provisional sale that found its seats sold out
 * when it reached the server (DESIGN §5.2: the refund due). They sit on the
 * attention list that every store keeps. */
static gboolean
is_recorded_conflict (const char *kind,
                      JsonObject *detail)
{
  static const char *const kinds[] = {
    "field_conflict", CCM_CHECKIN_FLAG_ALREADY_ADMITTED, CCM_CHECKIN_FLAG_CANCELLED_ORDER, NULL
  };

  if (g_strv_contains (kinds, kind))
    return TRUE;
  return g_str_equal (kind, "refund_due") &&
         g_strcmp0 (ccm_json_string (detail, "reason"), "sold_out") == 0;
}

/* The device a conflict is about: the one its detail names (a field's
 * second writer, a scan's desk) or, for an order's refund, the desk that
 * placed the order (the RefundDue itself is the server's). NULL: unknown. */
static gboolean
conflict_device (CcmServerStore  *self,
                 JsonObject      *item,
                 char           **device_id,
                 GError         **error)
{
  JsonObject *detail = json_object_get_object_member (item, "detail");
  const char *order_id = ccm_json_string (item, "order_id");
  g_autofree char *stream_id = NULL;
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  *device_id = g_strdup (ccm_json_string (detail, "device_id"));
  if (*device_id != NULL || order_id == NULL)
    return TRUE;

  stream_id = g_strconcat ("order/", order_id, NULL);
  stmt = ccm_store_prepare (self->store, "SELECT device_id FROM events WHERE stream_id = ? "
                                         "ORDER BY stream_version LIMIT 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, stream_id, -1, SQLITE_STATIC);
  if (!step_row (self, stmt, &row, error))
    return FALSE;
  if (row)
    *device_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return TRUE;
}

static gboolean
add_recorded_conflicts (CcmServerStore  *self,
                        GPtrArray       *conflicts,
                        GError         **error)
{
  g_autoptr(JsonArray) items = ccm_attention_views_list (self->store, NULL, error);

  if (items == NULL)
    return FALSE;

  /* The attention list is newest first; this list is oldest first. */
  for (guint i = json_array_get_length (items); i > 0; i--)
    {
      JsonObject *item = json_array_get_object_element (items, i - 1);
      JsonObject *detail = json_object_get_object_member (item, "detail");
      const char *kind = ccm_json_string (item, "kind");
      g_autofree char *device_id = NULL;
      JsonObject *o;

      if (!is_recorded_conflict (kind, detail))
        continue;
      if (!conflict_device (self, item, &device_id, error))
        return FALSE;
      o = json_object_new ();
      json_object_set_int_member (o, "id", ccm_json_int (item, "id", 0));
      ccm_json_set_string_or_null (o, "device_id", device_id);
      json_object_set_int_member (o, "seq", 0);
      json_object_set_null_member (o, "command_id");
      json_object_set_string_member (o, "type", kind);
      ccm_json_set_string_or_null (o, "conference", ccm_json_string (item, "conference"));
      json_object_set_string_member (o, "error", "conflict");
      ccm_json_set_string_or_null (o, "field", ccm_json_string (detail, "field"));
      ccm_json_set_string_or_null (o, "message", ccm_json_string (item, "message"));
      ccm_json_set_string_or_null (o, "recorded_at", ccm_json_string (item, "recorded_at"));
      copy_resolution (o, item);
      g_ptr_array_add (conflicts, o);
    }
  return TRUE;
}

/* Each conflict's device, and the device that resolved it, also by the name
 * the administrator gave it (a device since deleted, or the server itself,
 * has none). */
static gboolean
add_device_names (CcmServerStore  *self,
                  GPtrArray       *conflicts,
                  GError         **error)
{
  static const char *const members[][2] = {
    { "device_id", "device_name" },
    { "resolved_by", "resolved_by_name" },
  };
  sqlite3_stmt *stmt;

  stmt = ccm_store_prepare (self->store, "SELECT name FROM sync_devices WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < conflicts->len; i++)
    {
      JsonObject *o = g_ptr_array_index (conflicts, i);

      for (guint k = 0; k < G_N_ELEMENTS (members); k++)
        {
          const char *id = ccm_json_string (o, members[k][0]);
          gboolean row = FALSE;

          if (id == NULL)
            {
              /* Every conflict has the member, as it has device_id. */
              if (k == 0)
                json_object_set_null_member (o, members[k][1]);
              continue;
            }
          sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
          if (!step_row (self, stmt, &row, error))
            return FALSE;
          ccm_json_set_string_or_null (o, members[k][1],
                                       row ? (const char *) sqlite3_column_text (stmt, 0) : NULL);
          sqlite3_reset (stmt);
        }
    }
  return TRUE;
}

GPtrArray *
ccm_server_store_list_conflicts (CcmServerStore  *self,
                                 GError         **error)
{
  g_autoptr(GPtrArray) conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  sqlite3_stmt *stmt;
  gboolean row = FALSE;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), NULL);

  /* A refused command is the device's attention item "command#<id>". */
  stmt = ccm_store_prepare (self->store,
                            "SELECT c.id, c.device_id, c.seq, c.command_id, c.type, c.conference, "
                            "c.error, c.field, c.message, c.recorded_at, r.resolved_at, r.note, "
                            "r.device_id FROM sync_conflicts c LEFT JOIN attention_resolutions r "
                            "ON r.item = ?1 || c.command_id ORDER BY c.id", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, CCM_ATTENTION_COMMAND_PREFIX, -1, SQLITE_STATIC);
  while (step_row (self, stmt, &row, error) && row)
    {
      JsonObject *o = json_object_new ();
      g_autofree char *time = ccm_time_format (sqlite3_column_int64 (stmt, 9));

      json_object_set_int_member (o, "id", sqlite3_column_int64 (stmt, 0));
      set_text_or_null (o, "device_id", stmt, 1);
      json_object_set_int_member (o, "seq", sqlite3_column_int64 (stmt, 2));
      set_text_or_null (o, "command_id", stmt, 3);
      set_text_or_null (o, "type", stmt, 4);
      set_text_or_null (o, "conference", stmt, 5);
      set_text_or_null (o, "error", stmt, 6);
      set_text_or_null (o, "field", stmt, 7);
      set_text_or_null (o, "message", stmt, 8);
      json_object_set_string_member (o, "recorded_at", time);
      ccm_attention_views_set_resolution (o, stmt, 10);
      g_ptr_array_add (conflicts, o);
    }
  sqlite3_reset (stmt);
  if (error != NULL && *error != NULL)
    return NULL;
  if (!add_recorded_conflicts (self, conflicts, error) ||
      !add_device_names (self, conflicts, error))
    return NULL;
  return g_steal_pointer (&conflicts);
}

/* Backup */

gboolean
ccm_server_store_backup (CcmServerStore  *self,
                         const char      *path,
                         GError         **error)
{
  g_autoptr(CcmServerStore) copy = NULL;
  g_autoptr(CcmStore) copy_store = NULL;
  g_autofree char *epoch = NULL;
  sqlite3_stmt *stmt;
  int fd, rc;

  g_return_val_if_fail (CCM_IS_SERVER_STORE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  /* Created empty and private first: VACUUM INTO fills an empty file, and
   * never overwrites another one. */
  fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, CCM_STORE_ERROR, CCM_STORE_ERROR_IO,
                   _("The backup file %s cannot be created: %s."), path, g_strerror (saved));
      return FALSE;
    }
  close (fd);

  stmt = ccm_store_prepare (self->store, "VACUUM INTO ?", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, path, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      ccm_store_set_sqlite_error (self->store, error, rc, "copying to the backup");
      goto fail;
    }

  /* Prove the copy opens as a store, give it an epoch of its own, and mark
   * it to take a new one each time a server opens it (each restore). */
  copy_store = ccm_store_open (path, ccm_store_get_registry (self->store),
                               ccm_store_get_clock (self->store), error);
  if (copy_store == NULL)
    goto fail;
  copy = ccm_server_store_new (copy_store, error);
  if (copy == NULL)
    goto fail;
  epoch = ccm_id_new (ccm_server_store_now (self));
  if (!meta_set (copy_store, "sync_epoch", epoch, error) ||
      !meta_set (copy_store, "sync_epoch_renew", "1", error))
    goto fail;
  return TRUE;

fail:
  g_clear_object (&copy);
  g_clear_object (&copy_store);
  g_unlink (path);
  return FALSE;
}
