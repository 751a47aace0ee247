/* test-store-failure: when the store cannot take a response, the respondent
 * is told calmly, the response waits out of sight and is stored exactly once
 * when the store is back; staff can see what went wrong. */
#define G_LOG_DOMAIN "test-store-failure"

#include <string.h>

#include "sayso-db-private.h"
#include "sayso-store-private.h"
#include "sayso-strings.h"
#include "sayso-submit-queue-private.h"
#include "sayso-test-vfs.h"
#include "sayso-text-pair.h"
#include "ui-test-utils.h"

#define CANARY "Wombat canary"
#define PIN "555555"

/* Every line logged (G_MESSAGES_DEBUG=all), by our own domains: journald
 * would stamp each with the time it was written. */
static GString *sayso_lines;

static GLogWriterOutput
keep_log (GLogLevelFlags   level,
          const GLogField *fields,
          gsize            n_fields,
          gpointer         user_data)
{
  const char *domain = NULL;
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = fields[i].value;
      else if (g_str_equal (fields[i].key, "MESSAGE"))
        message = fields[i].value;
    }
  if (domain != NULL && g_str_has_prefix (domain, "sayso"))
    g_string_append_printf (sayso_lines, "%s: %s\n", domain, message ? message : "");
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO | G_LOG_LEVEL_MESSAGE))
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean store_is_full;
static guint attempts;

static gboolean
flaky_submit (SaysoStore     *store,
              SaysoResponse  *response,
              SaysoMode       mode,
              GError        **error)
{
  attempts++;
  if (store_is_full)
    {
      g_set_error_literal (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_FULL, "database or disk is full");
      return FALSE;
    }
  return sayso_store_submit (store, response, mode, error);
}

static gboolean
tried_three_times (gpointer data)
{
  return attempts >= 3;
}

static gboolean
queue_empty (gpointer data)
{
  return sayso_submit_queue_get_n_pending (data) == 0;
}

static void
answer_and_send (SaysoWindow *window)
{
  GtkWidget *root = GTK_WIDGET (window);

  ui_press (root, "language:en");
  ui_press (root, "next");
  ui_answer (window, "contact_officer", "agree");
  while (g_strcmp0 (ui_current_question (window), "anything_else") != 0)
    ui_press (root, "next");
  ui_type (window, CANARY);
  while (sayso_window_get_page (window) == SAYSO_PAGE_QUESTION)
    ui_press (root, "next");
  ui_press (root, "send");
  g_assert_cmpint (sayso_window_get_page (window), ==, SAYSO_PAGE_THANKS);
}

static gboolean
shows_text (GtkWidget  *widget,
            const char *text)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (SAYSO_IS_TEXT_PAIR (widget) && g_strcmp0 (sayso_text_pair_get_primary (SAYSO_TEXT_PAIR (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    if (shows_text (c, text))
      return TRUE;
  return FALSE;
}

static gint64
stored_count (KioskFixture *fixture)
{
  gint64 total = -1;

  g_assert_true (sayso_store_count (fixture->store.store, &total, NULL, NULL));
  return total;
}

static void
assert_stored_once (KioskFixture *fixture)
{
  g_autoptr(GPtrArray) records = ui_open_records (fixture);
  g_autofree char *answers = NULL;

  g_assert_cmpuint (records->len, ==, 1);
  answers = test_answers_to_string (g_ptr_array_index (records, 0));
  g_assert_cmpstr (answers, ==, "{\"contact_officer\":\"agree\",\"anything_else\":\"" CANARY "\"}");
}

static void
test_disk_full (KioskFixture  *fixture,
                gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  SaysoSubmitQueue *queue = _sayso_window_get_queue (window);

  store_is_full = TRUE;
  attempts = 0;
  _sayso_submit_queue_set_submit_func (queue, flaky_submit);
  sayso_submit_queue_set_retry_interval (queue, 100);

  answer_and_send (window);

  /* The respondent is told calmly; staff see a marker and the reason. */
  g_assert_true (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_PENDING_BODY, "en")));
  g_assert_cmpstr (sayso_window_get_last_error (window), ==, "database or disk is full");
  {
    g_autofree char *prop = NULL;
    g_object_get (window, "last-error", &prop, NULL);
    g_assert_cmpstr (prop, ==, "database or disk is full");
  }
  g_assert_nonnull (ui_find (GTK_WIDGET (window), "status-marker"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (ui_find (GTK_WIDGET (window), "status-marker")), ==,
                   "database or disk is full");
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 1);
  g_assert_cmpint (stored_count (fixture), ==, 0);

  /* The answers are in the queue, not on the screen for the next person. */
  ui_thanks_timeout (window);
  ui_assert_nothing_left (window, CANARY);

  /* It keeps trying, and nothing is stored while the disk is full. */
  g_assert_true (ui_wait_for (tried_three_times, NULL, 60000));
  g_assert_cmpint (stored_count (fixture), ==, 0);

  store_is_full = FALSE;
  ui_wait_for (queue_empty, queue, 60000);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 0);
  g_assert_null (sayso_window_get_last_error (window));
  g_assert_null (ui_find (GTK_WIDGET (window), "status-marker"));

  /* Exactly once, even after more time for (no) retries. */
  ui_wait (300);
  assert_stored_once (fixture);
}

/* A real failure: another process holds the store's write lock. */
static void
test_store_busy (KioskFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SaysoWindow *window;
  SaysoSubmitQueue *queue;
  SaysoDb *blocker;

  window = kiosk_fixture_open (fixture, FALSE);
  queue = _sayso_window_get_queue (window);
  sayso_submit_queue_set_retry_interval (queue, 100);
  sayso_db_set_busy_timeout (_sayso_store_get_db (fixture->store.store), 20);

  blocker = sayso_db_open (fixture->store.path, SAYSO_DB_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_db_begin (blocker, &error));
  g_assert_no_error (error);

  answer_and_send (window);
  g_assert_true (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_PENDING_BODY, "en")));
  g_assert_nonnull (sayso_window_get_last_error (window));
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 1);

  ui_thanks_timeout (window);
  ui_assert_nothing_left (window, CANARY);

  sayso_db_rollback (blocker);
  sayso_db_close (blocker);

  ui_wait_for (queue_empty, queue, 60000);
  g_assert_null (sayso_window_get_last_error (window));
  assert_stored_once (fixture);
}

static gboolean
refusing_submit (SaysoStore     *store,
                 SaysoResponse  *response,
                 SaysoMode       mode,
                 GError        **error)
{
  g_set_error_literal (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID, "question \"x\": refused");
  return FALSE;
}

/* A response the store can never take does not hold up the ones after it. */
static void
test_refused_for_good (KioskFixture  *fixture,
                       gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  SaysoSubmitQueue *queue = _sayso_window_get_queue (window);

  _sayso_submit_queue_set_submit_func (queue, refusing_submit);
  answer_and_send (window);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 0);
  g_assert_nonnull (strstr (sayso_window_get_last_error (window), "discarded"));
  /* Not the thank-you of answers that were kept: the respondent is told. */
  g_assert_true (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_REFUSED_BODY, "en")));
  g_assert_false (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_THANKS_BODY, "en")));
  g_assert_false (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_PENDING_BODY, "en")));
  g_assert_cmpuint (sayso_submit_queue_get_n_refused (queue), ==, 1);
  ui_thanks_timeout (window);

  _sayso_submit_queue_set_submit_func (queue, NULL);
  answer_and_send (window);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 0);
  g_assert_null (sayso_window_get_last_error (window));
  /* The control: answers that were stored get the thank-you the checks above look for. */
  g_assert_true (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_THANKS_BODY, "en")));
  g_assert_false (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_REFUSED_BODY, "en")));
  assert_stored_once (fixture);
}

/* A kiosk whose store is on a disk that fills up (see sayso-test-vfs.h). */
static TestFullDisk *disk;

static void
full_disk_setup (KioskFixture  *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  kiosk_fixture_setup (fixture, data);
  g_clear_object (&fixture->store.store);
  disk = test_full_disk_new (8 * 1024 * 1024);
  g_free (fixture->store.path);
  fixture->store.path = g_build_filename (test_full_disk_get_dir (disk), "store.db", NULL);
  fixture->store.store = sayso_store_create (fixture->store.path, "Full site", fixture->store.pk, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_store_set_pin (fixture->store.store, PIN, &error));
  g_string_truncate (sayso_lines, 0);
}

static void
full_disk_teardown (KioskFixture  *fixture,
                    gconstpointer  data)
{
  kiosk_fixture_teardown (fixture, data);
  g_clear_pointer (&disk, test_full_disk_free);
}

static void
staff_do (SaysoWindow *window,
          const char  *action,
          const char  *digit)
{
  GtkWidget *view = GTK_WIDGET (ui_staff_view (window));

  g_assert_true (gtk_widget_activate_action (view, action, digit ? "s" : NULL, digit));
  ui_iterate ();
}

static const char *
staff_counts (SaysoWindow *window)
{
  return gtk_label_get_label (GTK_LABEL (ui_find (GTK_WIDGET (window), "staff-counts")));
}

static void
unlock_staff (SaysoWindow *window)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.staff", NULL));
  ui_iterate ();
  for (const char *c = PIN; *c; c++)
    {
      char digit[2] = { *c, 0 };
      staff_do (window, "staff.digit", digit);
    }
  staff_do (window, "staff.enter", NULL);
  g_assert_cmpstr (sayso_staff_view_get_page (ui_staff_view (window)), ==, "menu");
}

/* As many records as respondents sent, each with its answers: one stored
 * twice, or one lost, changes the count. */
static void
assert_stored_each_once (KioskFixture *fixture,
                         guint         n)
{
  g_autoptr(GPtrArray) records = ui_open_records (fixture);

  for (guint i = 0; i < records->len; i++)
    {
      g_autofree char *answers = test_answers_to_string (g_ptr_array_index (records, i));
      g_assert_cmpstr (answers, ==, "{\"contact_officer\":\"agree\",\"anything_else\":\"" CANARY "\"}");
    }
  g_assert_cmpuint (records->len, ==, n);
}

/* A real full disk, through the widgets: what the respondent reads is true
 * at every moment, staff see what waits and can try again, everything is
 * stored once there is room, without a restart, none twice, and nothing of
 * it reaches the log. */
static void
test_real_full_disk (KioskFixture  *fixture,
                     gconstpointer  data)
{
  SaysoWindow *window = kiosk_fixture_open (fixture, FALSE);
  SaysoSubmitQueue *queue = _sayso_window_get_queue (window);
  const char *locked = sayso_string (SAYSO_STR_THANKS_BODY, "en");
  const char *waiting = sayso_string (SAYSO_STR_PENDING_BODY, "en");

  sayso_submit_queue_set_retry_interval (queue, 100);

  /* Stored at once: "locked", which the checks below would see if it were
   * shown for answers that only wait. */
  answer_and_send (window);
  g_assert_true (shows_text (GTK_WIDGET (window), locked));
  g_assert_false (shows_text (GTK_WIDGET (window), waiting));
  ui_thanks_timeout (window);

  test_full_disk_fill (disk);
  answer_and_send (window);
  g_assert_true (shows_text (GTK_WIDGET (window), waiting));
  g_assert_false (shows_text (GTK_WIDGET (window), locked));
  g_assert_nonnull (strstr (sayso_window_get_last_error (window), ": the disk is full; nothing was stored"));
  ui_thanks_timeout (window);
  ui_assert_nothing_left (window, CANARY);

  /* The next one waits behind it, and is told so too. */
  answer_and_send (window);
  g_assert_true (shows_text (GTK_WIDGET (window), waiting));
  g_assert_false (shows_text (GTK_WIDGET (window), locked));
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 2);
  ui_wait (500);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 2);
  g_assert_false (sayso_store_needs_reopen (fixture->store.store));

  /* Room again: the queue's own retry stores both, and the thank-you still
   * on the screen now says the answers are locked. */
  test_full_disk_make_room (disk);
  g_assert_true (ui_wait_for (queue_empty, queue, 60000));
  ui_iterate ();
  g_assert_true (shows_text (GTK_WIDGET (window), locked));
  g_assert_false (shows_text (GTK_WIDGET (window), waiting));
  g_assert_null (sayso_window_get_last_error (window));
  ui_thanks_timeout (window);
  assert_stored_each_once (fixture, 3);

  /* Full again: staff mode counts what waits in memory and tries again.
   * Only staff's press retries here: the queue's own 100 ms retry could
   * otherwise store it between the room coming back and the press (seen on a
   * loaded machine). */
  sayso_submit_queue_set_retry_interval (queue, 600 * 1000);
  test_full_disk_fill (disk);
  answer_and_send (window);
  ui_thanks_timeout (window);
  unlock_staff (window);
  g_assert_nonnull (strstr (staff_counts (window), "1 answer sheet is waiting to be saved: do not restart"));
  g_assert_nonnull (ui_find (GTK_WIDGET (window), "staff-retry"));
  ui_press (GTK_WIDGET (window), "staff-retry");
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 1);
  g_assert_nonnull (strstr (sayso_staff_view_get_message (ui_staff_view (window)), "the disk is full"));

  test_full_disk_make_room (disk);
  ui_press (GTK_WIDGET (window), "staff-retry");
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 0);
  g_assert_null (strstr (staff_counts (window), "waiting to be saved"));
  ui_iterate ();
  g_assert_null (ui_find (GTK_WIDGET (window), "staff-retry"));
  g_assert_cmpstr (sayso_staff_view_get_message (ui_staff_view (window)), ==, "");
  staff_do (window, "staff.close", NULL);
  assert_stored_each_once (fixture, 4);

  /* Not one line per response, nor per failed try (journald dates each). */
  g_assert_cmpstr (sayso_lines->str, ==, "");
}

/* Answer sheets refused for good are counted for staff, not logged. */
static void
test_staff_count_refused (KioskFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SaysoWindow *window;

  g_assert_true (sayso_store_set_pin (fixture->store.store, PIN, &error));
  g_string_truncate (sayso_lines, 0);
  window = kiosk_fixture_open (fixture, FALSE);
  _sayso_submit_queue_set_submit_func (_sayso_window_get_queue (window), refusing_submit);
  answer_and_send (window);
  ui_thanks_timeout (window);

  unlock_staff (window);
  g_assert_nonnull (strstr (staff_counts (window), "1 answer sheet could not be saved and was deleted"));
  g_assert_null (strstr (staff_counts (window), "waiting to be saved"));
  g_assert_null (ui_find (GTK_WIDGET (window), "staff-retry"));
  g_assert_cmpstr (sayso_lines->str, ==, "");
}

/* The negative control of the log check: a line logged per response is seen. */
static void
test_log_check_sees_a_line (void)
{
  g_string_truncate (sayso_lines, 0);
  g_log_structured ("sayso-submit-queue", G_LOG_LEVEL_MESSAGE, "MESSAGE", "Could not store a response, will retry");
  g_assert_nonnull (strstr (sayso_lines->str, "Could not store a response"));
  g_string_truncate (sayso_lines, 0);
}

/* A failed write (not a full disk) stops the store's handle for good: the
 * queue opens the store again on its next retry instead of retrying the
 * dead handle, and the response is stored once. */
static void
test_write_fault_reopens (KioskFixture  *fixture,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  SaysoWindow *window;
  SaysoSubmitQueue *queue;

  g_clear_object (&fixture->store.store);
  test_vfs_install ();
  fixture->store.store = sayso_store_open (fixture->store.path, &error);
  g_assert_no_error (error);
  g_string_truncate (sayso_lines, 0);

  window = kiosk_fixture_open (fixture, FALSE);
  queue = _sayso_window_get_queue (window);
  /* No retry by the timer while the screen is checked: the one below is
   * asked for, and runs the timer's code. */
  sayso_submit_queue_set_retry_interval (queue, 600000);

  test_vfs_set_fault (TEST_VFS_FAULT_WRITE, 1);
  answer_and_send (window);
  test_vfs_set_fault (TEST_VFS_FAULT_NONE, 0);
  g_assert_true (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_PENDING_BODY, "en")));
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 1);

  /* The control: the handle the queue holds refuses every write now, so a
   * queue that retried it would never store the response. */
  g_assert_true (sayso_store_needs_reopen (fixture->store.store));
  {
    g_autoptr(SaysoResponse) probe = sayso_response_new (fixture->questionnaire, "en");
    g_assert_false (sayso_store_submit (fixture->store.store, probe, SAYSO_MODE_SELF, &error));
    g_assert_nonnull (strstr (error->message, "until Sayso is restarted"));
    g_clear_error (&error);
  }

  g_assert_true (sayso_submit_queue_retry_now (queue));
  g_assert_true (queue_empty (queue));
  g_assert_false (sayso_store_needs_reopen (fixture->store.store));
  ui_iterate ();
  g_assert_true (shows_text (GTK_WIDGET (window), sayso_string (SAYSO_STR_THANKS_BODY, "en")));
  g_assert_null (sayso_window_get_last_error (window));
  ui_thanks_timeout (window);
  assert_stored_once (fixture);
  g_assert_cmpstr (sayso_lines->str, ==, "");

  kiosk_fixture_teardown (fixture, data);
  test_vfs_uninstall ();
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  /* Everything logged, kept rather than printed (it would garble the TAP). */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  sayso_lines = g_string_new (NULL);
  g_log_set_writer_func (keep_log, NULL, NULL);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/store-failure/disk-full", KioskFixture, NULL, kiosk_fixture_setup, test_disk_full, kiosk_fixture_teardown);
  g_test_add ("/kiosk/store-failure/refused-for-good", KioskFixture, NULL, kiosk_fixture_setup, test_refused_for_good, kiosk_fixture_teardown);
  g_test_add ("/kiosk/store-failure/busy", KioskFixture, NULL, kiosk_fixture_setup, test_store_busy, kiosk_fixture_teardown);
  g_test_add ("/kiosk/store-failure/real-full-disk", KioskFixture, NULL, full_disk_setup, test_real_full_disk, full_disk_teardown);
  g_test_add ("/kiosk/store-failure/write-fault-reopens", KioskFixture, NULL, kiosk_fixture_setup, test_write_fault_reopens, kiosk_fixture_teardown);
  g_test_add ("/kiosk/store-failure/staff-count-refused", KioskFixture, NULL, kiosk_fixture_setup, test_staff_count_refused, kiosk_fixture_teardown);
  g_test_add_func ("/kiosk/store-failure/log-check-sees-a-line", test_log_check_sees_a_line);

  return g_test_run ();
}
