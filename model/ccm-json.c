/* ccm-json.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "ccm-json"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "ccm-json.h"
#include "ccm-errors.h"

static JsonNode *
member_node (JsonObject  *object,
             const char  *member,
             gboolean     required,
             GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node != NULL && JSON_NODE_HOLDS_NULL (node))
    node = NULL;

  if (node == NULL && required)
    ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                          _("The field “%s” is missing."), member);
  return node;
}

static gboolean
wrong_type (const char  *member,
            const char  *expected,
            GError     **error)
{
  ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                        _("The field “%s” must be %s."), member, expected);
  return FALSE;
}

gboolean
ccm_json_get_string (JsonObject  *object,
                     const char  *member,
                     gboolean     required,
                     const char **out,
                     GError     **error)
{
  JsonNode *node = member_node (object, member, required, error);

  if (node == NULL)
    return !required;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (member, "a string", error);

  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
ccm_json_get_int (JsonObject  *object,
                  const char  *member,
                  gboolean     required,
                  gint64      *out,
                  GError     **error)
{
  JsonNode *node = member_node (object, member, required, error);

  if (node == NULL)
    return !required;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return wrong_type (member, "a whole number", error);

  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
ccm_json_get_bool (JsonObject  *object,
                   const char  *member,
                   gboolean     required,
                   gboolean    *out,
                   GError     **error)
{
  JsonNode *node = member_node (object, member, required, error);

  if (node == NULL)
    return !required;
  if (JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return wrong_type (member, "true or false", error);

  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
ccm_json_get_object (JsonObject  *object,
                     const char  *member,
                     gboolean     required,
                     JsonObject **out,
                     GError     **error)
{
  JsonNode *node = member_node (object, member, required, error);

  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return wrong_type (member, "an object", error);

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
ccm_json_get_array (JsonObject  *object,
                    const char  *member,
                    gboolean     required,
                    JsonArray  **out,
                    GError     **error)
{
  JsonNode *node = member_node (object, member, required, error);

  if (node == NULL)
    return !required;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return wrong_type (member, "a list", error);

  *out = json_node_get_array (node);
  return TRUE;
}

const char *
ccm_json_string (JsonObject *object,
                 const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
ccm_json_int (JsonObject *object,
              const char *member,
              gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

gboolean
ccm_json_bool (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  return json_node_get_boolean (node);
}

void
ccm_json_set_string_or_null (JsonObject *object,
                             const char *member,
                             const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

/* The bytes a string's text cannot hold as they are: NUL ends the text,
 * the rest is escaped. One look-up per byte on the way through. */
static const guchar needs_escape[256] = {
  [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1, [0x07] = 1,
  [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1, [0x0e] = 1, [0x0f] = 1,
  [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1, [0x15] = 1, [0x16] = 1, [0x17] = 1,
  [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1, [0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1,
  ['"'] = 1, ['\\'] = 1, [0x7f] = 1,
};

/* Compact JSON text, as json-glib's generator writes it (members in the
 * order they were set, no white space), without a generator object and its
 * properties for every event, outcome and command the store writes. */
static void
append_string (GString    *out,
               const char *text)
{
  const char *run = text, *p = text;

  g_string_append_c (out, '"');
  for (;; p++)
    {
      guchar c;

      while (!needs_escape[(guchar) *p])
        p++;
      c = (guchar) *p;
      if (c == '\0')
        break;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:   g_string_append_printf (out, "\\u%04x", c); break;
        }
    }
  g_string_append_len (out, run, p - run);
  g_string_append_c (out, '"');
}

static void
append_int (GString *out,
            gint64   value)
{
  char digits[24];
  guint64 magnitude = value < 0 ? -(guint64) value : (guint64) value;
  guint n = sizeof digits;

  do
    {
      digits[--n] = '0' + magnitude % 10;
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    digits[--n] = '-';
  g_string_append_len (out, digits + n, sizeof digits - n);
}

static void append_node (GString *out, JsonNode *node);

/* A member's name, after a comma unless it is the object's first. */
static void
append_member_name (GString    *out,
                    const char *member)
{
  if (out->len > 0 && out->str[out->len - 1] != '{')
    g_string_append_c (out, ',');
  append_string (out, member);
  g_string_append_c (out, ':');
}

static void
append_object (GString    *out,
               JsonObject *object)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  g_string_append_c (out, '{');
  json_object_iter_init_ordered (&iter, object);
  while (json_object_iter_next_ordered (&iter, &member, &node))
    {
      append_member_name (out, member);
      append_node (out, node);
    }
  g_string_append_c (out, '}');
}

static void
append_node (GString  *out,
             JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      append_object (out, json_node_get_object (node));
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            append_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          append_int (out, json_node_get_int (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_DOUBLE:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node));
            g_string_append (out, buf);
            /* A double stays a double when read back. */
            if (strpbrk (buf, ".eE") == NULL)
              g_string_append (out, ".0");
          }
          break;
        case G_TYPE_STRING:
          if (json_node_get_string (node) != NULL)
            {
              append_string (out, json_node_get_string (node));
              break;
            }
          G_GNUC_FALLTHROUGH;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

/* A string value alone, as an array's element. */
void
ccm_json_append_string (GString    *out,
                        const char *value_or_null)
{
  if (value_or_null != NULL)
    append_string (out, value_or_null);
  else
    g_string_append (out, "null");
}

void
ccm_json_append_string_member (GString    *out,
                               const char *member,
                               const char *value_or_null)
{
  append_member_name (out, member);
  ccm_json_append_string (out, value_or_null);
}

void
ccm_json_append_int_member (GString    *out,
                            const char *member,
                            gint64      value)
{
  append_member_name (out, member);
  append_int (out, value);
}

void
ccm_json_append_bool_member (GString    *out,
                             const char *member,
                             gboolean    value)
{
  append_member_name (out, member);
  g_string_append (out, value ? "true" : "false");
}

void
ccm_json_append_object_member (GString    *out,
                               const char *member,
                               JsonObject *value_or_empty)
{
  append_member_name (out, member);
  if (value_or_empty != NULL)
    append_object (out, value_or_empty);
  else
    g_string_append (out, "{}");
}

char *
ccm_json_to_string (JsonObject *object)
{
  GString *out = g_string_sized_new (256);

  append_object (out, object);
  return g_string_free (out, FALSE);
}

/* The code unit of the \u escape at text[i] (a backslash), or -1 when it
 * is not "\u" and four hexadecimal digits within length. */
static int
escape_unit (const char *text,
             gsize       length,
             gsize       i)
{
  int unit = 0;

  if (i + 5 >= length || text[i] != '\\' || text[i + 1] != 'u')
    return -1;
  for (gsize k = i + 2; k < i + 6; k++)
    {
      if (!g_ascii_isxdigit (text[k]))
        return -1;
      unit = unit * 16 + g_ascii_xdigit_value (text[k]);
    }
  return unit;
}

/* Which fault the \u escape at text[i] has, or -1. */
static int
escape_fault (const char *text,
              gsize       length,
              gsize       i)
{
  int unit = escape_unit (text, length, i), next;

  if (unit < 0)
    return CCM_JSON_ESCAPE_NOT_HEX;
  if (unit == 0)
    return CCM_JSON_ESCAPE_NUL;
  if (unit < 0xd800 || unit > 0xdfff)
    return -1;
  /* Right after any half of a pair json-glib reads the next character as
   * part of the string: a closing quote there is swallowed, and where the
   * string ends is no longer where it seems to. */
  if (i + 6 < length && text[i + 6] == '"')
    return CCM_JSON_ESCAPE_BROKEN_PAIR;
  /* Any half (a second half too) followed by another escape: json-glib
   * takes that one for the second half, and fails (and leaks) unless the
   * two are a first and a second half. */
  if (i + 7 >= length || text[i + 6] != '\\' || text[i + 7] != 'u')
    return -1;
  next = escape_unit (text, length, i + 6);
  return unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? -1 : CCM_JSON_ESCAPE_BROKEN_PAIR;
}

gboolean
ccm_json_precheck (const char         *text,
                   gssize              length,
                   gssize             *bad_escape,
                   CcmJsonEscapeFault *fault)
{
  gsize n, i = 0;
  guint depth = 0;
  gboolean one_object, in_string = FALSE, ended = FALSE;

  g_return_val_if_fail (bad_escape != NULL && fault != NULL, FALSE);

  *bad_escape = -1;
  if (text == NULL)
    return FALSE;
  n = length < 0 ? strlen (text) : (gsize) length;

  while (i < n && g_ascii_isspace (text[i]))
    i++;
  one_object = i < n && text[i] == '{';

  for (; i < n; i++)
    {
      char c = text[i];
      int fault_here;

      if (!in_string)
        {
          if (ended && !g_ascii_isspace (c))
            one_object = FALSE;
          /* json-glib's scanner reads comments and 'single-quoted'
           * strings, which JSON has not: where a string ends would no
           * longer be where this check sees it end. */
          if ((c == '/' || c == '\'') && *bad_escape < 0)
            {
              *bad_escape = (gssize) i;
              *fault = c == '/' ? CCM_JSON_ESCAPE_COMMENT : CCM_JSON_ESCAPE_SINGLE_QUOTE;
            }
          if (c == '"')
            in_string = TRUE;
          else if (c == '{' || c == '[')
            depth++;
          else if ((c == '}' || c == ']') && depth > 0 && --depth == 0)
            ended = TRUE;
          continue;
        }
      if (c == '"')
        {
          in_string = FALSE;
          continue;
        }
      if (c != '\\')
        continue;
      if (i + 1 < n && text[i + 1] == 'u')
        {
          int unit = escape_unit (text, n, i), next;

          /* A whole pair is read as one: its second half is not the first
           * half of another. */
          if (unit >= 0xd800 && unit <= 0xdbff &&
              (next = escape_unit (text, n, i + 6)) >= 0xdc00 && next <= 0xdfff)
            {
              i += 11;
              continue;
            }
          if (*bad_escape < 0 && (fault_here = escape_fault (text, n, i)) >= 0)
            {
              *bad_escape = (gssize) i;
              *fault = fault_here;
            }
        }
      /* Past the escaped character; a \u's digits are plain characters. */
      i++;
    }
  return one_object;
}

char *
ccm_json_describe_bad_escape (CcmJsonEscapeFault fault,
                              gssize             offset)
{
  long long byte = (long long) offset + 1;

  switch (fault)
    {
    case CCM_JSON_ESCAPE_NUL:
      return g_strdup_printf (_("a string has a NUL character (\\u0000) at byte %lld, "
                                "which text may not contain"), byte);
    case CCM_JSON_ESCAPE_NOT_HEX:
      return g_strdup_printf (_("a \\u escape at byte %lld has no four hexadecimal digits "
                                "after it"), byte);
    case CCM_JSON_ESCAPE_COMMENT:
      return g_strdup_printf (_("a “/” at byte %lld is outside any string; JSON has no "
                                "comments"), byte);
    case CCM_JSON_ESCAPE_SINGLE_QUOTE:
      return g_strdup_printf (_("a “'” at byte %lld is outside any string; JSON strings "
                                "take double quotes"), byte);
    case CCM_JSON_ESCAPE_BROKEN_PAIR:
    default:
      return g_strdup_printf (_("the \\u escape at byte %lld begins a surrogate pair "
                                "that the next escape does not end"), byte);
    }
}

void
ccm_json_set_escape_error (GError             **error,
                           CcmJsonEscapeFault   fault,
                           gssize               offset)
{
  g_autofree char *what = ccm_json_describe_bad_escape (fault, offset);

  g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA, "%s", what);
}

static gboolean check_node (JsonNode    *node,
                            const char  *member,
                            GError     **error);

static gboolean
check_object (JsonObject  *object,
              const char  *member,
              GError     **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *child;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &child))
    {
      if (!g_utf8_validate (name, -1, NULL))
        {
          if (member == NULL)
            ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, NULL,
                                  _("A member name is not UTF-8 text."));
          else
            ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                                  _("A member name inside “%s” is not UTF-8 text."), member);
          return FALSE;
        }
      if (!check_node (child, name, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_node (JsonNode    *node,
            const char  *member,
            GError     **error)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return check_object (json_node_get_object (node), member, error);

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!check_node (json_array_get_element (array, i), member, error))
            return FALSE;
        return TRUE;
      }

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING &&
          !g_utf8_validate (json_node_get_string (node), -1, NULL))
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                                _("The value of “%s” is not UTF-8 text."), member);
          return FALSE;
        }
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE &&
          !isfinite (json_node_get_double (node)))
        {
          ccm_domain_error_set (error, CCM_DOMAIN_ERROR_INVALID, member,
                                _("The value of “%s” is too large a number."), member);
          return FALSE;
        }
      return TRUE;

    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

gboolean
ccm_json_check_values (JsonNode  *node,
                       GError   **error)
{
  g_return_val_if_fail (node != NULL, FALSE);

  return check_node (node, NULL, error);
}

gboolean
ccm_json_check_object (JsonObject  *object,
                       GError     **error)
{
  return object == NULL || check_object (object, NULL, error);
}

JsonObject *
ccm_json_from_string (const char  *text,
                      gssize       length,
                      GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  CcmJsonEscapeFault fault;
  gssize bad;

  if (!ccm_json_precheck (text, length, &bad, &fault))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("The JSON document is not an object."));
      return NULL;
    }
  if (bad >= 0)
    {
      ccm_json_set_escape_error (error, fault, bad);
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text, length, error))
    return NULL;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("The JSON document is not an object."));
      return NULL;
    }
  if (!ccm_json_check_values (root, error))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

/* json_node_copy() shares objects and arrays; states that are changed in
 * place need a copy of their own. */
static JsonNode *
deep_copy_node (JsonNode *node)
{
  JsonNode *copy;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, ccm_json_copy (json_node_get_object (node)));
      return copy;

    case JSON_NODE_ARRAY:
      {
        JsonArray *src = json_node_get_array (node);
        guint n = json_array_get_length (src);
        JsonArray *dst = json_array_sized_new (n);

        for (guint i = 0; i < n; i++)
          json_array_add_element (dst, deep_copy_node (json_array_get_element (src, i)));

        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, dst);
        return copy;
      }

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

JsonObject *
ccm_json_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, object);
  while (json_object_iter_next (&iter, &name, &node))
    json_object_set_member (copy, name, deep_copy_node (node));

  return copy;
}
