/* ccm-order-list-model.c — a GListModel of a conference's orders that
 * fetches rows page by page as the view asks for them
 *
 * Only the count is known up front. In the usual order (newest first,
 * every order or one state) pages come from ccm_order_views_list by
 * offset and limit; a search or another sort key first finds the matching
 * ids (one query over an index that holds every key it reads), then
 * fetches each page's orders when the view reaches it. Pages are cached; a
 * change in the store or in the filter drops the cache.
 *
 * The items are places in the list, not orders: a row object stays at its
 * position, and when the list changes under it (a search typed, a sort
 * chosen, an order placed elsewhere) it is given the order now at that
 * place and emits "changed". The view is told only that the list grew or
 * shrank at its end. A list view told that the rows it tracks (focus,
 * selection, rows on screen) were replaced looks for them among every
 * added row and builds new widgets for the rows on screen; on a 100 000-
 * order list the first means reading every order and the second costs more
 * than the search itself.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-ui"

#include "ccm-clock.h"
#include "ccm-json.h"
#include "ccm-order-list-model.h"
#include "ccm-order-views.h"
#include "ccm-ui-util.h"

/* The row */

struct _CcmOrderRow
{
  GObject  parent_instance;

  char    *order_id;
  char    *access_code;
  char    *status;
  char    *registrant;
  char    *email;
  char    *currency;
  gint64   total;
  gint64   seats;
  gint64   placed_at;
};

G_DEFINE_FINAL_TYPE (CcmOrderRow, ccm_order_row, G_TYPE_OBJECT)

enum { ROW_CHANGED, N_ROW_SIGNALS };
static guint row_signals[N_ROW_SIGNALS];

static void
row_clear (CcmOrderRow *self)
{
  g_clear_pointer (&self->order_id, g_free);
  g_clear_pointer (&self->access_code, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->registrant, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->currency, g_free);
  self->total = self->seats = self->placed_at = 0;
}

static void
ccm_order_row_finalize (GObject *object)
{
  row_clear (CCM_ORDER_ROW (object));
  G_OBJECT_CLASS (ccm_order_row_parent_class)->finalize (object);
}

static void
ccm_order_row_class_init (CcmOrderRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ccm_order_row_finalize;

  /* The row now shows another order, or the same one changed. */
  row_signals[ROW_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 0);
}

static void
ccm_order_row_init (CcmOrderRow *self)
{
}

static gint64
time_member (JsonObject *o,
             const char *member)
{
  const char *text = ccm_json_string (o, member);
  gint64 t = 0;

  if (text != NULL && ccm_time_parse (text, &t))
    return t;
  return ccm_json_int (o, member, 0);
}

/* Accepts both shapes: a list summary and a full order. */
static void
row_set_from_json (CcmOrderRow *self,
                   JsonObject  *o)
{
  JsonNode *registrant = json_object_get_member (o, "registrant");

  row_clear (self);

  self->order_id = g_strdup (ccm_json_string (o, "order_id"));
  self->access_code = g_strdup (ccm_json_string (o, "access_code"));
  self->status = g_strdup (ccm_json_string (o, "status"));
  self->currency = g_strdup (ccm_json_string (o, "currency"));
  self->total = ccm_json_int (o, "total", 0);
  self->placed_at = time_member (o, "placed_at");
  self->email = g_strdup (ccm_json_string (o, "email"));

  if (registrant != NULL && JSON_NODE_HOLDS_OBJECT (registrant))
    {
      JsonObject *r = json_node_get_object (registrant);

      self->registrant = ccm_ui_full_name (ccm_json_string (r, "first_name"),
                                           ccm_json_string (r, "last_name"));
      if (self->email == NULL)
        self->email = g_strdup (ccm_json_string (r, "email"));
    }
  else
    self->registrant = g_strdup (ccm_json_string (o, "registrant"));

  if (json_object_has_member (o, "seats"))
    self->seats = ccm_json_int (o, "seats", 0);
  else if (json_object_has_member (o, "lines"))
    {
      JsonArray *lines = json_object_get_array_member (o, "lines");

      for (guint i = 0; i < json_array_get_length (lines); i++)
        self->seats += ccm_json_int (json_array_get_object_element (lines, i), "quantity", 0);
    }
}

CcmOrderRow *
ccm_order_row_new_from_json (JsonObject *o)
{
  CcmOrderRow *self = g_object_new (CCM_TYPE_ORDER_ROW, NULL);

  row_set_from_json (self, o);
  return self;
}

const char *ccm_order_row_get_order_id (CcmOrderRow *self) { return self->order_id; }
const char *ccm_order_row_get_access_code (CcmOrderRow *self) { return self->access_code; }
const char *ccm_order_row_get_status (CcmOrderRow *self) { return self->status; }
const char *ccm_order_row_get_registrant (CcmOrderRow *self) { return self->registrant; }
const char *ccm_order_row_get_email (CcmOrderRow *self) { return self->email; }
const char *ccm_order_row_get_currency (CcmOrderRow *self) { return self->currency; }
gint64 ccm_order_row_get_total (CcmOrderRow *self) { return self->total; }
gint64 ccm_order_row_get_seats (CcmOrderRow *self) { return self->seats; }
gint64 ccm_order_row_get_placed_at (CcmOrderRow *self) { return self->placed_at; }

/* The model */

/* Pages kept at once; scrolling far drops the oldest ones. */
#define MAX_CACHED_PAGES 64

struct _CcmOrderListModel
{
  GObject       parent_instance;

  CcmStore     *store;
  char         *slug;
  char         *status;
  char         *search;
  CcmOrderSort  sort;
  gboolean      descending;

  guint         n_items;
  GPtrArray    *ids;       /* NULL in the usual order */
  GHashTable   *pages;     /* page number → GPtrArray of CcmOrderRow */
  GQueue        lru;       /* page numbers, most recent first */
  GHashTable   *places;    /* position → CcmOrderRow still alive (not owned) */
  guint         n_fetches;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CcmOrderListModel, ccm_order_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GQuark position_quark;

static GType
ccm_order_list_model_get_item_type (GListModel *model)
{
  return CCM_TYPE_ORDER_ROW;
}

static guint
ccm_order_list_model_get_n_items (GListModel *model)
{
  return CCM_ORDER_LIST_MODEL (model)->n_items;
}

/* The orders of one page, as summaries; fewer than a page at the end or
 * when the store lost rows since the count. */
static JsonArray *
fetch_page (CcmOrderListModel *self,
            guint              page)
{
  g_autoptr(GError) error = NULL;
  JsonArray *list = NULL;
  guint first = page * CCM_ORDER_LIST_PAGE_SIZE;

  self->n_fetches++;
  if (self->slug == NULL)
    return json_array_new ();
  if (self->ids == NULL)
    list = ccm_order_views_list (self->store, self->slug, self->status,
                                 first, CCM_ORDER_LIST_PAGE_SIZE, &error);
  else if (first < self->ids->len)
    list = ccm_order_views_summaries (self->store, (const char *const *) self->ids->pdata + first,
                                      MIN (CCM_ORDER_LIST_PAGE_SIZE, self->ids->len - first),
                                      &error);
  if (error != NULL)
    g_debug ("Fetching orders %u…: %s", first, error->message);
  return list != NULL ? list : json_array_new ();
}

static void
place_gone_cb (gpointer  data,
               GObject  *row)
{
  CcmOrderListModel *self = data;
  gpointer position = g_object_get_qdata (row, position_quark);

  if (g_hash_table_lookup (self->places, position) == row)
    g_hash_table_remove (self->places, position);
}

static void
fill_row (CcmOrderRow *row,
          JsonArray   *list,
          guint        index)
{
  if (index < json_array_get_length (list))
    row_set_from_json (row, json_array_get_object_element (list, index));
  else
    {
      /* The store lost rows since the count: never hand out NULL inside
       * the range the view was told about. */
      row_clear (row);
    }
}

/* The rows of a page: the ones still alive at their places, given the
 * orders now there, and new ones for the rest. */
static GPtrArray *
load_page (CcmOrderListModel *self,
           guint              page,
           gboolean           notify)
{
  g_autoptr(JsonArray) list = fetch_page (self, page);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint first = page * CCM_ORDER_LIST_PAGE_SIZE;
  guint end = MIN (first + CCM_ORDER_LIST_PAGE_SIZE, self->n_items);

  for (guint position = first; position < end; position++)
    {
      CcmOrderRow *row = g_hash_table_lookup (self->places, GUINT_TO_POINTER (position));

      if (row != NULL)
        {
          fill_row (row, list, position - first);
          g_ptr_array_add (rows, g_object_ref (row));
          if (notify)
            g_signal_emit (row, row_signals[ROW_CHANGED], 0);
          continue;
        }
      row = g_object_new (CCM_TYPE_ORDER_ROW, NULL);
      fill_row (row, list, position - first);
      g_object_set_qdata (G_OBJECT (row), position_quark, GUINT_TO_POINTER (position));
      g_object_weak_ref (G_OBJECT (row), place_gone_cb, self);
      g_hash_table_insert (self->places, GUINT_TO_POINTER (position), row);
      g_ptr_array_add (rows, row);
    }
  return rows;
}

static void
cache_page (CcmOrderListModel *self,
            guint              page,
            GPtrArray         *rows)
{
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), rows);
  g_queue_push_head (&self->lru, GUINT_TO_POINTER (page));
  while (self->lru.length > MAX_CACHED_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_tail (&self->lru));
}

static gpointer
ccm_order_list_model_get_item (GListModel *model,
                               guint       position)
{
  CcmOrderListModel *self = CCM_ORDER_LIST_MODEL (model);
  guint page = position / CCM_ORDER_LIST_PAGE_SIZE;
  GPtrArray *rows;

  if (position >= self->n_items)
    return NULL;

  rows = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (rows == NULL)
    {
      rows = load_page (self, page, FALSE);
      cache_page (self, page, rows);
    }
  return g_object_ref (g_ptr_array_index (rows, position % CCM_ORDER_LIST_PAGE_SIZE));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = ccm_order_list_model_get_item_type;
  iface->get_n_items = ccm_order_list_model_get_n_items;
  iface->get_item = ccm_order_list_model_get_item;
}

static void
ccm_order_list_model_dispose (GObject *object)
{
  CcmOrderListModel *self = CCM_ORDER_LIST_MODEL (object);
  GHashTableIter iter;
  gpointer row;

  /* Rows the view still holds outlive the model. */
  g_hash_table_iter_init (&iter, self->places);
  while (g_hash_table_iter_next (&iter, NULL, &row))
    g_object_weak_unref (row, place_gone_cb, self);
  g_hash_table_remove_all (self->places);
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
  G_OBJECT_CLASS (ccm_order_list_model_parent_class)->dispose (object);
}

static void
ccm_order_list_model_finalize (GObject *object)
{
  CcmOrderListModel *self = CCM_ORDER_LIST_MODEL (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->slug, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->search, g_free);
  g_clear_pointer (&self->ids, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_hash_table_unref);
  g_clear_pointer (&self->places, g_hash_table_unref);
  G_OBJECT_CLASS (ccm_order_list_model_parent_class)->finalize (object);
}

static void
ccm_order_list_model_class_init (CcmOrderListModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ccm_order_list_model_dispose;
  G_OBJECT_CLASS (klass)->finalize = ccm_order_list_model_finalize;
  position_quark = g_quark_from_static_string ("ccm-order-list-position");
}

static void
ccm_order_list_model_init (CcmOrderListModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  self->places = g_hash_table_new (NULL, NULL);
  self->sort = CCM_ORDER_SORT_PLACED;
  self->descending = TRUE;
  g_queue_init (&self->lru);
}

CcmOrderListModel *
ccm_order_list_model_new (CcmStore *store)
{
  CcmOrderListModel *self;

  g_return_val_if_fail (CCM_IS_STORE (store), NULL);

  self = g_object_new (CCM_TYPE_ORDER_LIST_MODEL, NULL);
  self->store = g_object_ref (store);
  return self;
}

/* Counts, or finds, the orders again; the rows still alive get the orders
 * now at their places, and the view hears that the list grew or shrank at
 * its end. */
void
ccm_order_list_model_reload (CcmOrderListModel *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) live = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key;
  guint old = self->n_items, n = 0;
  gboolean usual;

  g_return_if_fail (CCM_IS_ORDER_LIST_MODEL (self));

  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->lru);
  g_clear_pointer (&self->ids, g_ptr_array_unref);

  usual = (self->search == NULL || *self->search == '\0') &&
          self->sort == CCM_ORDER_SORT_PLACED && self->descending;
  if (self->slug != NULL && usual)
    {
      gint64 count = ccm_ui_query_count_orders (self->store, self->slug, self->status, &error);

      n = count > 0 ? (guint) count : 0;
    }
  else if (self->slug != NULL)
    {
      self->ids = ccm_ui_query_order_ids (self->store, self->slug, self->status, self->search,
                                          self->sort, self->descending, &error);
      n = self->ids != NULL ? self->ids->len : 0;
    }
  if (error != NULL)
    g_debug ("Counting orders: %s", error->message);

  /* Shrink first, so no row past the end is refilled. */
  if (n < old)
    {
      self->n_items = n;
      g_list_model_items_changed (G_LIST_MODEL (self), n, old - n, 0);
    }

  /* The pages the view holds rows of, filled again. */
  g_hash_table_iter_init (&iter, self->places);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) < n)
      g_hash_table_add (live, GUINT_TO_POINTER (GPOINTER_TO_UINT (key) / CCM_ORDER_LIST_PAGE_SIZE));
  self->n_items = MIN (old, n);
  g_hash_table_iter_init (&iter, live);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    cache_page (self, GPOINTER_TO_UINT (key), load_page (self, GPOINTER_TO_UINT (key), TRUE));

  if (n > old)
    {
      /* Pages that end at the old count are short: read them again. */
      if (old % CCM_ORDER_LIST_PAGE_SIZE != 0)
        g_hash_table_remove (self->pages, GUINT_TO_POINTER (old / CCM_ORDER_LIST_PAGE_SIZE));
      self->n_items = n;
      g_list_model_items_changed (G_LIST_MODEL (self), old, 0, n - old);
    }
}

/* The place of an order in the list as it stands, or -1 when the search or
 * the state leaves it out. */
gint64
ccm_order_list_model_find (CcmOrderListModel *self,
                           const char        *order_id)
{
  g_autoptr(GError) error = NULL;
  gint64 position;

  g_return_val_if_fail (CCM_IS_ORDER_LIST_MODEL (self), -1);

  if (self->slug == NULL || order_id == NULL)
    return -1;
  if (self->ids != NULL)
    {
      for (guint i = 0; i < self->ids->len; i++)
        if (g_strcmp0 (g_ptr_array_index (self->ids, i), order_id) == 0)
          return i;
      return -1;
    }
  position = ccm_ui_query_order_position (self->store, self->slug, self->status, order_id, &error);
  if (error != NULL)
    g_debug ("Finding an order: %s", error->message);
  return position < self->n_items ? position : -1;
}

static gboolean
set_string (char       **field,
            const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
ccm_order_list_model_set_conference (CcmOrderListModel *self,
                                     const char        *slug)
{
  g_return_if_fail (CCM_IS_ORDER_LIST_MODEL (self));
  if (set_string (&self->slug, slug))
    ccm_order_list_model_reload (self);
}

void
ccm_order_list_model_set_status (CcmOrderListModel *self,
                                 const char        *status)
{
  g_return_if_fail (CCM_IS_ORDER_LIST_MODEL (self));
  if (set_string (&self->status, status))
    ccm_order_list_model_reload (self);
}

void
ccm_order_list_model_set_search (CcmOrderListModel *self,
                                 const char        *search)
{
  g_autofree char *stripped = g_strstrip (g_strdup (search != NULL ? search : ""));

  g_return_if_fail (CCM_IS_ORDER_LIST_MODEL (self));
  if (set_string (&self->search, stripped))
    ccm_order_list_model_reload (self);
}

void
ccm_order_list_model_set_sort (CcmOrderListModel *self,
                               CcmOrderSort       sort,
                               gboolean           descending)
{
  g_return_if_fail (CCM_IS_ORDER_LIST_MODEL (self));
  if (self->sort == sort && self->descending == !!descending)
    return;
  self->sort = sort;
  self->descending = !!descending;
  ccm_order_list_model_reload (self);
}

guint
ccm_order_list_model_get_n_fetches (CcmOrderListModel *self)
{
  g_return_val_if_fail (CCM_IS_ORDER_LIST_MODEL (self), 0);
  return self->n_fetches;
}
