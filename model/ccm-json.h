/* ccm-json.h — type-checked access to JSON objects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Each getter fails with CCM_DOMAIN_ERROR_INVALID naming the member when it
 * has the wrong type, or is missing while required. A JSON null counts as
 * missing. An optional member that is missing leaves *out untouched. */
gboolean     ccm_json_get_string         (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          const char **out,
                                          GError     **error);
gboolean     ccm_json_get_int            (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          gint64      *out,
                                          GError     **error);
gboolean     ccm_json_get_bool           (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          gboolean    *out,
                                          GError     **error);
gboolean     ccm_json_get_object         (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          JsonObject **out,
                                          GError     **error);
gboolean     ccm_json_get_array          (JsonObject  *object,
                                          const char  *member,
                                          gboolean     required,
                                          JsonArray  **out,
                                          GError     **error);

/* Unchecked readers for data the program wrote itself (event payloads). */
const char  *ccm_json_string             (JsonObject  *object,
                                          const char  *member);
gint64       ccm_json_int                (JsonObject  *object,
                                          const char  *member,
                                          gint64       fallback);
gboolean     ccm_json_bool               (JsonObject  *object,
                                          const char  *member);

void         ccm_json_set_string_or_null (JsonObject  *object,
                                          const char  *member,
                                          const char  *value);
char        *ccm_json_to_string          (JsonObject  *object);
/* The same text written member by member into `out`, between '{' and '}'
 * the caller appends, for texts the store writes on every command, where
 * building a JsonObject first costs more than the text. */
void         ccm_json_append_string        (GString     *out,
                                            const char  *value_or_null);
void         ccm_json_append_string_member (GString     *out,
                                            const char  *member,
                                            const char  *value_or_null);
void         ccm_json_append_int_member    (GString     *out,
                                            const char  *member,
                                            gint64       value);
void         ccm_json_append_bool_member   (GString     *out,
                                            const char  *member,
                                            gboolean     value);
void         ccm_json_append_object_member (GString     *out,
                                            const char  *member,
                                            JsonObject  *value_or_empty);
/* A \u escape json-glib 1.6 reads wrongly:
 *   NUL: "\u0000", after which it keeps the string only up to it (the rest
 *     of the text would be lost without a word);
 *   NOT_HEX: "\u" without four hexadecimal digits, which it decodes as
 *     some other character;
 *   BROKEN_PAIR: the first half of a surrogate pair followed by an escape
 *     that is not its second half, on which it fails and leaks.
 * (A lone half of a pair it decodes into text that is not UTF-8, which
 * ccm_json_check_values refuses, naming the member.) */
typedef enum
{
  CCM_JSON_ESCAPE_NUL,
  CCM_JSON_ESCAPE_NOT_HEX,
  CCM_JSON_ESCAPE_BROKEN_PAIR,
  CCM_JSON_ESCAPE_COMMENT,      /* a '/' outside a string */
  CCM_JSON_ESCAPE_SINGLE_QUOTE, /* a '\'' outside a string */
} CcmJsonEscapeFault;

/* What json-glib 1.6 gets wrong, found in one pass over text (length -1:
 * up to its NUL) before it reads it. Returns FALSE when the text is not
 * one object: json-glib takes "{}{}" (several top-level values) for the
 * last and leaks the others. (A syntax error json-glib reports itself
 * passes.) *bad_escape is the byte offset of the first bad \u escape
 * inside a string, or of a '/' outside one, *fault which it is, or -1:
 * json-glib 1.6 reads a comment from any '/' to the next, so the strings
 * it sees after one are not the ones this pass saw. JSON has no comments. */
gboolean     ccm_json_precheck            (const char          *text,
                                           gssize               length,
                                           gssize              *bad_escape,
                                           CcmJsonEscapeFault  *fault);
/* What is wrong there, as a clause: "a \u escape at byte 7 has no four
 * hexadecimal digits after it" (bytes counted from 1). */
char        *ccm_json_describe_bad_escape (CcmJsonEscapeFault   fault,
                                           gssize               offset);
/* The same clause as a JSON_PARSER_ERROR. */
void         ccm_json_set_escape_error    (GError             **error,
                                           CcmJsonEscapeFault   fault,
                                           gssize               offset);
/* What json-glib 1.6 reads but no JSON can hold: a string or member name
 * that is not UTF-8 once its escapes are decoded (a lone surrogate such as
 * "\udc00"; or bytes a C string brought in) and a number too large for a
 * double (1e999 reads as infinity). Either would be written out as text
 * that cannot be read again. FALSE and a CCM_DOMAIN_ERROR_INVALID naming
 * the member for the first one found. */
gboolean     ccm_json_check_values       (JsonNode    *node,
                                          GError     **error);
gboolean     ccm_json_check_object       (JsonObject  *object,
                                          GError     **error);
JsonObject  *ccm_json_from_string        (const char  *text,
                                          gssize       length,
                                          GError     **error);
JsonObject  *ccm_json_copy               (JsonObject  *object);

G_END_DECLS
