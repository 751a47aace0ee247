/* Staff mode's line about the kiosk's own sending, read from its real
 * widgets under Xvfb: a store given an upload address, exports made with
 * the export page's own button, the real `sayso-collect serve` on
 * 127.0.0.1 (first not there, then there), and "Send now". */
#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <signal.h>
#include <string.h>

#include "sayso-outbox.h"
#include "sayso-process.h"
#include "sayso-questionnaire.h"
#include "sayso-staff-view.h"
#include "sayso-test-utils.h"
#include "sayso-ui-resources.h"
#include "ui-test-utils.h"

#define PIN "864208"

typedef struct
{
  TestStore       base;
  GtkWindow      *window;
  SaysoStaffView *view;
  SaysoOutbox    *outbox;
  char           *folder;
  char           *db;
  char           *service_pub;
  char           *url;
  char           *listen;
  GSubprocess    *server;
  GSocket        *reservation;
} Fixture;

/* The outbox's retries after a failure wait their real 30 s and more:
 * never within a test, so that only "Send now" sends again. */
static guint64
wait_long (guint     failures,
           guint64   planned_usec,
           gpointer  user_data)
{
  return planned_usec;
}

static void
start_server (Fixture *f)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;

  f->server = g_subprocess_launcher_spawn (launcher, &error, test_collect_binary (), "serve", "--db", f->db,
                                           "--listen", f->listen, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  first = g_data_input_stream_read_line_utf8 (lines, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, f->url);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *kiosk_pub = NULL;
  g_autoptr(GError) error = NULL;
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint16 port = test_free_port (&f->reservation);

  test_store_setup (&f->base, data);
  g_assert_true (sayso_store_set_pin (f->base.store, PIN, &error));
  f->folder = g_build_filename (f->base.dir, "stick", NULL);
  g_assert_cmpint (g_mkdir (f->folder, 0700), ==, 0);

  /* The collection service, and this kiosk enrolled there. */
  f->db = g_build_filename (f->base.dir, "collect.db", NULL);
  f->service_pub = g_build_filename (f->base.dir, "service.pub", NULL);
  kiosk_pub = g_build_filename (f->base.dir, "kiosk.pub", NULL);
  g_assert_cmpint (test_run_collect (&out, NULL, "init", "--db", f->db, NULL), ==, 0);
  g_assert_true (g_file_set_contents (f->service_pub, strstr (out, "# Sayso collection service"), -1, NULL));
  g_assert_true (sayso_key_read_file (SAYSO_KEY_SERVICE_PUBLIC, f->service_pub, service_pk, &error));
  g_assert_true (sayso_key_write_file (SAYSO_KEY_KIOSK_PUBLIC, sayso_store_get_kiosk_key (f->base.store), kiosk_pub, &error));
  g_assert_no_error (error);
  g_assert_cmpint (test_run_collect (NULL, NULL, "enroll", "--db", f->db, "--site", "Test site", kiosk_pub, NULL), ==, 0);

  f->listen = g_strdup_printf ("127.0.0.1:%u", port);
  f->url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  if (data == NULL)
    g_assert_true (sayso_store_set_upload (f->base.store, f->url, service_pk, &error));
  g_assert_no_error (error);

  /* The staff view, as the kiosk's window makes it. */
  f->outbox = sayso_outbox_new (f->base.store, NULL);
  sayso_outbox_set_wait_func (f->outbox, wait_long, NULL);
  sayso_outbox_start (f->outbox);
  f->view = sayso_staff_view_new ();
  sayso_staff_view_set_store (f->view, f->base.store);
  sayso_staff_view_set_outbox (f->view, f->outbox);
  sayso_staff_view_set_export_folder (f->view, f->folder);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1024, 768);
  gtk_window_set_child (f->window, GTK_WIDGET (f->view));
  gtk_window_present (f->window);
  ui_iterate ();
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  gtk_window_destroy (f->window);
  ui_iterate ();
  if (f->server)
    {
      g_subprocess_send_signal (f->server, SIGTERM);
      g_subprocess_wait (f->server, NULL, NULL);
      g_clear_object (&f->server);
    }
  g_clear_object (&f->reservation);
  g_clear_object (&f->outbox);
  g_free (f->folder);
  g_free (f->db);
  g_free (f->service_pub);
  g_free (f->url);
  g_free (f->listen);
  test_store_teardown (&f->base, data);
}

static void
press (Fixture    *f,
       const char *action,
       const char *target)
{
  if (target)
    gtk_widget_activate_action (GTK_WIDGET (f->view), action, "s", target);
  else
    gtk_widget_activate_action (GTK_WIDGET (f->view), action, NULL);
  ui_iterate ();
}

static void
unlock (Fixture *f)
{
  sayso_staff_view_open (f->view);
  for (const char *c = PIN; *c; c++)
    {
      char digit[2] = { *c, 0 };
      press (f, "staff.digit", digit);
    }
  press (f, "staff.enter", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
}

static void
submit (Fixture *f)
{
  g_autoptr(SaysoQuestionnaire) questionnaire = sayso_questionnaire_new_default ();
  const char *json = "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"how_often\": \"weekly\"}}";
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoResponse) response = sayso_response_new_from_text (questionnaire, json, strlen (json), "test", 0, &error);

  g_assert_no_error (error);
  g_assert_true (sayso_store_submit (f->base.store, response, SAYSO_MODE_SELF, &error));
  g_assert_no_error (error);
}

static const char *
label_of (Fixture    *f,
          const char *name)
{
  GtkWidget *widget = ui_find (GTK_WIDGET (f->view), name);

  if (widget == NULL)
    return NULL;
  g_assert_true (GTK_IS_LABEL (widget));
  return gtk_label_get_label (GTK_LABEL (widget));
}

typedef struct
{
  Fixture    *f;
  const char *name;
  const char *words;
} Says;

static gboolean
says (gpointer data)
{
  Says *s = data;
  const char *text = label_of (s->f, s->name);

  return text != NULL && strstr (text, s->words) != NULL;
}

static void
assert_shows (Fixture    *f,
              const char *name,
              const char *words)
{
  Says s = { f, name, words };

  if (!ui_wait_for (says, &s, 60000))
    g_error ("“%s” says “%s”, not “%s”", name, label_of (f, name), words);
}

/* Exports with the export page's own button, then back to the menu. */
static void
export_now (Fixture *f)
{
  submit (f);
  press (f, "staff.show-export", NULL);
  press (f, "staff.export-to", f->folder);
  assert_shows (f, "export-message", "checked");
  assert_shows (f, "export-upload-status", "Waiting to send: ");
}

/* The service not there: "Waiting to send" with the words for it, on the
 * menu and on the export page; two exports, two bundles. Then the service
 * there and "Send now": "Sent to the inspection team" with today's receipt,
 * and the waiting words gone (so the check above could fail). */
static void
test_waiting_then_sent (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *today = sayso_today ();
  g_autofree char *receipt_day = NULL;

  unlock (f);
  export_now (f);
  assert_shows (f, "export-upload-status", "Waiting to send: 1 bundle\nThe collection service did not answer");
  press (f, "staff.show-menu", NULL);
  assert_shows (f, "staff-outbox-status", "Waiting to send: 1 bundle");
  assert_shows (f, "staff-outbox-detail", "The collection service did not answer");

  export_now (f);
  press (f, "staff.show-menu", NULL);
  assert_shows (f, "staff-outbox-status", "Waiting to send: 2 bundles");
  assert_shows (f, "staff-outbox-detail", "The collection service did not answer");

  start_server (f);
  ui_press (GTK_WIDGET (f->view), "staff-send-now");
  assert_shows (f, "staff-outbox-status", "Sent to the inspection team");
  assert_shows (f, "staff-outbox-detail", "Last receipt on ");
  /* Today's, or tomorrow's if the test crossed midnight. */
  receipt_day = g_strndup (strstr (label_of (f, "staff-outbox-detail"), "Last receipt on ") + strlen ("Last receipt on "), 10);
  test_assert_day_since (today, receipt_day);
  g_assert_null (strstr (label_of (f, "staff-outbox-status"), "Waiting"));
}

/* The settings page shows the address, editable, and the service key's
 * fingerprint; an address cleared there turns sending off, and the menu's
 * line goes. */
static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *url = NULL;
  GtkWidget *entry;

  g_assert_true (sayso_key_read_file (SAYSO_KEY_SERVICE_PUBLIC, f->service_pub, service_pk, &error));
  fingerprint = sayso_key_fingerprint (service_pk);
  unlock (f);
  g_assert_true (gtk_widget_get_visible (ui_find (GTK_WIDGET (f->view), "staff-outbox")));
  press (f, "staff.show-settings", NULL);
  entry = ui_find (GTK_WIDGET (f->view), "setting-upload-url");
  g_assert_nonnull (entry);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, f->url);
  g_assert_cmpstr (label_of (f, "setting-service-key"), ==, fingerprint);

  /* A wrong address is refused on the page, naming what is wrong. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "ftp://collect.example.org/");
  press (f, "staff.save-settings", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "settings");
  g_assert_nonnull (strstr (label_of (f, "settings-message"), "starts with “ftp:”"));

  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  press (f, "staff.save-settings", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (f->view), ==, "menu");
  g_assert_true (sayso_store_get_upload (f->base.store, &url, service_pk, &error));
  g_assert_null (url);
  g_assert_null (ui_find (GTK_WIDGET (f->view), "staff-outbox"));
}

/* With no upload address the menu has no such line, and an export is
 * only the stick's. */
static void
test_off (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *dir = sayso_outbox_dir_for_store (f->base.store);

  unlock (f);
  g_assert_null (ui_find (GTK_WIDGET (f->view), "staff-outbox"));
  submit (f);
  press (f, "staff.show-export", NULL);
  press (f, "staff.export-to", f->folder);
  assert_shows (f, "export-message", "checked");
  g_assert_null (ui_find (GTK_WIDGET (f->view), "export-upload-status"));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  ui_test_init (&argc, &argv);

  g_test_add ("/staff-outbox/waiting-then-sent", Fixture, NULL, setup, test_waiting_then_sent, teardown);
  g_test_add ("/staff-outbox/settings", Fixture, NULL, setup, test_settings, teardown);
  g_test_add ("/staff-outbox/off", Fixture, "off", setup, test_off, teardown);

  return g_test_run ();
}
