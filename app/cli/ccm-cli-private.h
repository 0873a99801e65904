/* ccm-cli-private.h — what the verb files of `contoso` share
 *
 * Every noun of the command line lives in its own ccm-cli-<noun>.c and
 * exports a verb table (or a single leaf verb); ccm-cli.c lists them.
 * Adding a noun means: a new file, its table declared here, one row in
 * ccm-cli.c and one line in meson.build.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib/gi18n.h>

#include "ccm-cli.h"
#include "ccm-event.h"
#include "ccm-store.h"

G_BEGIN_DECLS

typedef struct _CcmCli CcmCli;
typedef struct _CcmCliVerb CcmCliVerb;

/* A leaf verb gets its own argv: argv[0] is the verb's name, the rest is
 * what followed it. It returns a CcmCliExit. */
typedef int (*CcmCliRunFunc) (CcmCli  *cli,
                              int      argc,
                              char   **argv);

struct _CcmCliVerb
{
  const char       *name;
  const char       *summary;      /* N_(): one line, shown in the parent's list */
  const char       *parameters;   /* N_(): positional arguments, e.g. "SLUG NAME" */
  const char       *description;  /* N_(): extra help text after the options, or NULL */
  CcmCliRunFunc     run;          /* a leaf verb… */
  const CcmCliVerb *children;     /* …or a group of verbs, ended by { NULL } */
};

/* The command line's composition root: global options and the store,
 * opened on first use so `--help` and `--version` never touch a file. */
struct _CcmCli
{
  char             *store_path;
  gboolean          json;
  gboolean          help;
  CcmClock         *clock;
  CcmStore         *store;
  char             *command_path;  /* "contoso conference create", for help and errors */
  const CcmCliVerb *verb;
};

/* Verbs, one file per noun: groups export their table, top-level leaves
 * their run function (their row is in ccm-cli.c). */
int ccm_cli_status_run  (CcmCli *cli, int argc, char **argv);
int ccm_cli_log_run     (CcmCli *cli, int argc, char **argv);
int ccm_cli_rebuild_run (CcmCli *cli, int argc, char **argv);
int ccm_cli_checkin_run (CcmCli *cli, int argc, char **argv);
int ccm_cli_demo_run    (CcmCli *cli, int argc, char **argv);
int ccm_cli_sync_run    (CcmCli *cli, int argc, char **argv);
extern const CcmCliVerb ccm_cli_conference_verbs[];
extern const CcmCliVerb ccm_cli_seat_type_verbs[];
extern const CcmCliVerb ccm_cli_order_verbs[];
extern const CcmCliVerb ccm_cli_attendee_verbs[];
extern const CcmCliVerb ccm_cli_waitlist_verbs[];
extern const CcmCliVerb ccm_cli_attention_verbs[];
extern const CcmCliVerb ccm_cli_device_verbs[];
extern const CcmCliVerb ccm_cli_badge_verbs[];
extern const CcmCliVerb ccm_cli_export_verbs[];
extern const CcmCliVerb ccm_cli_import_verbs[];

/* Parsing. Returns TRUE when the verb should go on, with argv reduced to
 * the verb's name and its positional arguments; otherwise the help was
 * shown or a usage error reported, and *status holds the exit status. */
gboolean    ccm_cli_parse            (CcmCli              *cli,
                                      const GOptionEntry  *entries,
                                      guint                min_args,
                                      guint                max_args,
                                      int                 *argc,
                                      char              ***argv,
                                      int                 *status);
void        ccm_cli_set_usage_error  (GError             **error,
                                      const char          *format,
                                      ...) G_GNUC_PRINTF (2, 3);

/* The store and the command path. */
CcmStore   *ccm_cli_get_store        (CcmCli              *cli,
                                      GError             **error);
char       *ccm_cli_new_id           (CcmCli              *cli);
CcmOutcome *ccm_cli_execute          (CcmCli              *cli,
                                      const char          *type,
                                      JsonObject          *args,
                                      GError             **error);

/* The names of the payload members the outcome's events carry, among
 * fields (all when NULL), as "name, price"; NULL when there are none. */
char       *ccm_cli_changed_fields   (CcmCli              *cli,
                                      CcmOutcome          *outcome,
                                      const char * const  *fields);

/* Output. ccm_cli_fail prints the error and returns its exit status. */
int         ccm_cli_fail             (CcmCli              *cli,
                                      const GError        *error);
void        ccm_cli_print_json       (JsonNode            *node);
void        ccm_cli_print_json_object (JsonObject         *object);

/* With --json: the outcome and the conference as it now is; otherwise
 * the sentence (ccm-cli-conference.c). */
int         ccm_cli_report_conference (CcmCli             *cli,
                                       CcmOutcome         *outcome,
                                       const char         *slug,
                                       const char         *sentence);

/* Values (ccm-cli-format.c). */
gboolean    ccm_cli_parse_amount     (const char          *option,
                                      const char          *text,
                                      gint64              *cents,
                                      GError             **error);
gboolean    ccm_cli_parse_int        (const char          *option,
                                      const char          *text,
                                      gint64               min,
                                      gint64               max,
                                      gint64              *value,
                                      GError             **error);
gboolean    ccm_cli_check_date       (const char          *option,
                                      const char          *text,
                                      GError             **error);

/* Orders (ccm-cli-order.c). "TYPE=QTY" arguments into the seats array of a
 * command, seat types as typed (name or id); and ORDER, an order id or an
 * access code (within --conference SLUG when given), into an order id. */
JsonArray  *ccm_cli_parse_seats      (int                  argc,
                                      char               **argv,
                                      GError             **error);
char       *ccm_cli_resolve_order    (CcmCli              *cli,
                                      const char          *slug,
                                      const char          *order,
                                      GError             **error);
/* The seat type of a conference named by name (any case) or id, as in the
 * conference read model; NULL with a rejection naming seat_type. */
JsonObject *ccm_cli_find_seat_type   (JsonObject          *conference,
                                      const char          *seat_type,
                                      GError             **error);
const char *ccm_cli_order_status_label (const char        *status);
/* FALSE with a rejection naming the slug when there is no such conference. */
gboolean    ccm_cli_check_conference (CcmCli              *cli,
                                      const char          *slug,
                                      GError             **error);

/* Aligned columns for human output (ccm-cli-format.c). */
typedef struct _CcmCliTable CcmCliTable;

CcmCliTable *ccm_cli_table_new        (guint               n_columns);
void         ccm_cli_table_set_header (CcmCliTable        *table,
                                       ...) G_GNUC_NULL_TERMINATED;
void         ccm_cli_table_align_right (CcmCliTable       *table,
                                       guint               column);
void         ccm_cli_table_add_row    (CcmCliTable        *table,
                                       ...) G_GNUC_NULL_TERMINATED;
void         ccm_cli_table_print      (CcmCliTable        *table,
                                       guint               indent);
void         ccm_cli_table_free       (CcmCliTable        *table);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CcmCliTable, ccm_cli_table_free)

G_END_DECLS
