/* test-badge.c — a badge's QR code reads back as its ticket code
 *
 * The PDF comes from the real `contoso badge pdf` over a demo conference;
 * its first page is rasterised with pdftoppm and the QR code decoded with
 * zbarimg, as a phone or a desk scanner would. The landscape layout is
 * drawn straight onto an image surface. The images stay in the test's
 * folder for a person to look at (G_TEST_OPTION_ISOLATE_DIRS).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/wait.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "ccm-badge.h"

/* Runs argv; returns its stdout, asserting it exited 0. */
static char *
run_ok (const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_test_message ("%s: %s", argv[0], err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  return out;
}

static gboolean
have_tools (void)
{
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");

  if (pdftoppm == NULL || zbarimg == NULL)
    {
      g_test_skip ("pdftoppm (poppler-utils) and zbarimg (zbar-tools) are needed");
      return FALSE;
    }
  return TRUE;
}

/* CCM_TEST_KEEP_DIR names a folder to copy the images to, to look at. */
static void
keep (const char *png)
{
  const char *dir = g_getenv ("CCM_TEST_KEEP_DIR");
  g_autofree char *base = g_path_get_basename (png);
  g_autofree char *target = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (dir == NULL || !g_file_get_contents (png, &contents, &length, NULL))
    return;
  target = g_build_filename (dir, base, NULL);
  g_file_set_contents (target, contents, length, NULL);
}

static char *
decode_qr (const char *png)
{
  const char *const argv[] = { "zbarimg", "--raw", "-q", png, NULL };
  char *out = run_ok (argv);

  return g_strstrip (out);
}

static void
test_pdf_qr_decodes (void)
{
  const char *bin = g_getenv ("CONTOSO_BIN");
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "badges", NULL);
  g_autofree char *store = g_build_filename (dir, "store.db", NULL);
  g_autofree char *pdf = g_build_filename (dir, "badges.pdf", NULL);
  g_autofree char *prefix = g_build_filename (dir, "page", NULL);
  g_autofree char *png = NULL;
  g_autofree char *demo_out = NULL;
  g_autofree char *badge_out = NULL;
  g_autofree char *ppm_out = NULL;
  g_autofree char *decoded = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *report;
  JsonArray *codes;

  if (!have_tools ())
    return;
  g_assert_nonnull (bin);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  {
    const char *const demo[] = { bin, "--store", store, "demo", "--orders", "30", NULL };
    const char *const badge[] = { bin, "--store", store, "--json", "badge", "pdf",
                                  "contoso-demo", "--out", pdf, NULL };

    demo_out = run_ok (demo);
    badge_out = run_ok (badge);
  }

  json_parser_load_from_data (parser, badge_out, -1, &error);
  g_assert_no_error (error);
  report = json_node_get_object (json_parser_get_root (parser));
  codes = json_object_get_array_member (report, "ticket_codes");
  g_assert_cmpuint (json_array_get_length (codes), >, 1);
  g_assert_cmpint (json_object_get_int_member (report, "badges"), ==,
                   json_array_get_length (codes));

  {
    const char *const ppm[] = { "pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile",
                                pdf, prefix, NULL };

    ppm_out = run_ok (ppm);
  }
  png = g_strconcat (prefix, ".png", NULL);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  g_test_message ("first page: %s", png);

  keep (png);
  decoded = decode_qr (png);
  g_assert_cmpstr (decoded, ==, json_array_get_string_element (codes, 0));
}

static JsonObject *
conference (void)
{
  JsonObject *c = json_object_new ();

  json_object_set_string_member (c, "name", "GUADEC 2027");
  json_object_set_string_member (c, "start_date", "2027-07-28");
  json_object_set_string_member (c, "end_date", "2027-08-02");
  json_object_set_string_member (c, "location", "A Coruña");
  return c;
}

static JsonObject *
attendee (const char *code,
          const char *first,
          const char *last)
{
  JsonObject *a = json_object_new ();

  json_object_set_string_member (a, "ticket_code", code);
  json_object_set_string_member (a, "first_name", first);
  json_object_set_string_member (a, "last_name", last);
  json_object_set_string_member (a, "seat_type", "Speaker");
  return a;
}

/* 4 × 3 in at 150 dpi: the landscape layout, drawn straight to pixels. */
static void
test_landscape_qr_decodes (void)
{
  g_autoptr(JsonObject) c = conference ();
  g_autoptr(JsonObject) a = attendee ("Q7RX2MPK9ZHT", "Maximiliana-Josefina",
                                      "van der Oudenaarde-Wolfschläger");
  g_autofree char *png = g_build_filename (g_get_user_data_dir (), "landscape.png", NULL);
  g_autofree char *decoded = NULL;
  cairo_surface_t *surface;
  cairo_t *cr;

  if (!have_tools ())
    return;
  g_assert_cmpint (g_mkdir_with_parents (g_get_user_data_dir (), 0700), ==, 0);

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 600, 450);
  cr = cairo_create (surface);
  cairo_scale (cr, 150.0 / 72.0, 150.0 / 72.0);
  ccm_badge_draw (cr, 4 * 72.0, 3 * 72.0, a, c);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_test_message ("landscape badge: %s", png);

  keep (png);
  decoded = decode_qr (png);
  g_assert_cmpstr (decoded, ==, "Q7RX2MPK9ZHT");
}

static void
test_write_error (void)
{
  g_autoptr(JsonObject) c = conference ();
  g_autoptr(JsonArray) attendees = json_array_new ();
  g_autoptr(GError) error = NULL;

  json_array_add_object_element (attendees, attendee ("Q7RX2MPK9ZHT", "Ada", "Lovelace"));
  g_assert_false (ccm_badge_write_pdf ("/nonexistent-folder/badges.pdf", attendees, c, &error));
  g_assert_error (error, CCM_BADGE_ERROR, CCM_BADGE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "/nonexistent-folder/badges.pdf"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/badge/pdf-qr-decodes", test_pdf_qr_decodes);
  g_test_add_func ("/badge/landscape-qr-decodes", test_landscape_qr_decodes);
  g_test_add_func ("/badge/write-error", test_write_error);

  return g_test_run ();
}
