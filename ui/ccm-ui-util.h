/* ccm-ui-util.h — small helpers shared by the pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "ccm-store.h"

G_BEGIN_DECLS

/* A list item holding one JSON object of a read model. */
#define CCM_TYPE_JSON_ITEM (ccm_json_item_get_type ())
G_DECLARE_FINAL_TYPE (CcmJsonItem, ccm_json_item, CCM, JSON_ITEM, GObject)

CcmJsonItem *ccm_json_item_new          (JsonObject   *object);
JsonObject  *ccm_json_item_get_object   (CcmJsonItem  *self);
const char  *ccm_json_item_get_string   (CcmJsonItem  *self,
                                         const char   *member);
gint64       ccm_json_item_get_int      (CcmJsonItem  *self,
                                         const char   *member);

/* As the locale writes numbers: "120,818.50 USD" in en_US. */
char        *ccm_ui_format_money        (gint64        cents,
                                         const char   *currency);
/* A count as the locale groups its digits: "124,392" in en_US, "124.392"
 * in de_DE, "124392" in C. For people reading it, never for an entry to
 * read back. */
char        *ccm_ui_format_count        (gint64        count);
gboolean     ccm_ui_parse_money         (const char   *text,
                                         gint64       *cents);
char        *ccm_ui_format_date_range   (const char   *start_date,
                                         const char   *end_date);
char        *ccm_ui_format_time         (gint64        time_us);
/* "Ada Lovelace" of a first and a last name, either of which may be NULL;
 * NULL when both are missing or blank. */
char        *ccm_ui_full_name           (const char   *first,
                                         const char   *last);
const char  *ccm_ui_status_label        (const char   *status);
const char  *ccm_ui_method_label        (const char   *method);

/* Marks a form row as the one at fault and shows the reason under it. */
void         ccm_ui_row_set_error       (GtkWidget    *row,
                                         GtkLabel     *message_label,
                                         const char   *message);
void         ccm_ui_set_accessible_label (GtkWidget   *widget,
                                         const char   *label);
void         ccm_ui_clear_box           (GtkWidget    *box);
/* The buttons at the end of a list row: side by side, or one above the
 * other in a narrow window, so that the row's text keeps room to be read.
 * Returns a box for the buttons, already the row's suffix. */
GtkWidget   *ccm_ui_row_add_button_box  (AdwActionRow *row,
                                         gboolean      stacked);
/* Stacks (or lines up again) the button boxes of a GtkListBox's rows. */
void         ccm_ui_list_stack_buttons  (GtkListBox   *list,
                                         gboolean      stacked);

G_END_DECLS

G_BEGIN_DECLS
void         ccm_ui_add_toast           (GtkWidget    *widget,
                                         AdwToast     *toast);
void         ccm_ui_show_error          (GtkWidget    *widget,
                                         const GError *error);
G_END_DECLS

G_BEGIN_DECLS
/* Links the GResource into whatever uses the static library; its
 * constructor registers it. Every template class calls it. */
void         ccm_ui_ensure_resources    (void);
G_END_DECLS

G_BEGIN_DECLS
void         ccm_ui_unparent_children   (GtkWidget    *widget);
G_END_DECLS

G_BEGIN_DECLS
/* A page's refresh after the store changed. It runs from the main loop
 * when idle, once for a burst of commits (expiring reservations, a pull).
 * A page that is not on screen refreshes when it is next shown instead:
 * only what a person sees costs time after each commit. */
typedef struct _CcmRefresh CcmRefresh;
typedef void (*CcmRefreshFunc) (gpointer page);

/* Follows the store's "changed" until freed. */
CcmRefresh  *ccm_refresh_new            (GtkWidget      *page,
                                         CcmStore       *store,
                                         CcmRefreshFunc  refresh);
/* Never at once, even on screen: the change may come from a widget the
 * refresh is about to replace. */
void         ccm_refresh_queue          (CcmRefresh   *self);
/* The refresh at once if the page is on screen (another conference chosen),
 * else when it is next shown. */
void         ccm_refresh_now_or_when_shown (CcmRefresh *self);
/* Drops a queued refresh; the page's dispose calls it. */
void         ccm_refresh_free           (CcmRefresh   *self);
/* Refreshes that will run, of every page: tests wait for none. */
guint        ccm_refresh_count_scheduled (void);
G_END_DECLS
