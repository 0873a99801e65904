/* ccm-export.c — attendees and orders to CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-export"

#include <glib/gi18n-lib.h>

#include "ccm-csv.h"
#include "ccm-export.h"
#include "ccm-json.h"
#include "ccm-money.h"
#include "ccm-order-views.h"

static const char *
text (JsonObject *object,
      const char *member)
{
  const char *value = ccm_json_string (object, member);

  return value != NULL ? value : "";
}

/* What people typed, guarded against spreadsheets running it (see
 * ccm_csv_text_guard); the row owns the guarded copies. */
static const char *
typed (JsonObject *object,
       const char *member,
       GPtrArray  *keep)
{
  char *guarded = ccm_csv_text_guard (ccm_json_string (object, member));

  if (guarded == NULL)
    return text (object, member);
  g_ptr_array_add (keep, guarded);
  return guarded;
}

/* Cents as decimal text: 49900 → "499.00", -5 → "-0.05". */
static char *
amount_text (gint64 cents)
{
  return ccm_money_format (cents, NULL, CCM_MONEY_PLAIN);
}

typedef struct
{
  GString    *out;
  GHashTable *desk_names;   /* device id → the desk's name */
} Export;

static gboolean
attendee_row (JsonObject  *a,
              gpointer     user_data,
              GError     **error)
{
  Export *export = user_data;
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  /* The desk's name, when a sync brought it: admissions per door. A name is
   * typed by a person, so guarded like the others. */
  const char *admitted_by = ccm_json_string (a, "admitted_by");
  const char *desk_name = admitted_by != NULL ? g_hash_table_lookup (export->desk_names,
                                                                     admitted_by)
                                              : NULL;
  char *desk = ccm_csv_text_guard (desk_name);
  const char *row[] = {
    text (a, "ticket_code"), typed (a, "first_name", keep), typed (a, "last_name", keep),
    typed (a, "email", keep), typed (a, "seat_type", keep), text (a, "access_code"),
    text (a, "status"),
    ccm_json_bool (a, "admitted") ? "yes" : "no", text (a, "admitted_at"),
    text (a, "admitted_by"), desk != NULL ? desk : desk_name != NULL ? desk_name : "",
  };

  g_ptr_array_add (keep, desk);
  ccm_csv_append_record (export->out, row, G_N_ELEMENTS (row));
  return TRUE;
}

/* Row by row (ccm_attendee_views_foreach): a conference of a hundred
 * thousand attendees costs the text, not a list of them all. */
char *
ccm_export_attendees_csv (CcmStore    *store,
                          const char  *slug,
                          GError     **error)
{
  static const char *const header[] = {
    "ticket_code", "first_name", "last_name", "email", "seat_type", "access_code",
    "status", "admitted", "admitted_at", "admitted_by", "admitted_desk",
  };
  g_autoptr(GHashTable) desk_names = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  Export export;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (slug != NULL, NULL);

  if ((desk_names = ccm_store_list_desk_names (store, error)) == NULL)
    return NULL;
  export = (Export) { out, desk_names };
  ccm_csv_append_record (out, header, G_N_ELEMENTS (header));
  if (!ccm_attendee_views_foreach (store, slug, attendee_row, &export, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
order_row (JsonObject  *o,
           gpointer     user_data,
           GError     **error)
{
  Export *export = user_data;
  g_autofree char *total = amount_text (ccm_json_int (o, "total", 0));
  g_autofree char *seats = g_strdup_printf ("%" G_GINT64_FORMAT, ccm_json_int (o, "seats", 0));
  g_autofree char *assigned = g_strdup_printf ("%" G_GINT64_FORMAT,
                                               ccm_json_int (o, "attendees", 0));
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func (g_free);
  const char *row[] = {
    text (o, "access_code"), text (o, "status"), total, text (o, "currency"),
    typed (o, "registrant", keep), typed (o, "email", keep), seats, assigned,
    text (o, "placed_at"),
  };

  ccm_csv_append_record (export->out, row, G_N_ELEMENTS (row));
  return TRUE;
}

char *
ccm_export_orders_csv (CcmStore    *store,
                       const char  *slug,
                       GError     **error)
{
  static const char *const header[] = {
    "access_code", "status", "total", "currency", "registrant", "email", "seats",
    "attendees", "placed_at",
  };
  g_autoptr(GString) out = g_string_new (NULL);
  Export export = { out, NULL };

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);
  g_return_val_if_fail (slug != NULL, NULL);

  ccm_csv_append_record (out, header, G_N_ELEMENTS (header));
  if (!ccm_order_views_foreach (store, slug, order_row, &export, error))
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
