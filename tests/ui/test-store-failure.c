/* test-store-failure: when the store cannot take a response, the respondent
 * is told calmly, the response waits out of sight and is stored exactly once
 * when the store is back; staff can see what went wrong. */
#define G_LOG_DOMAIN "test-store-failure"

#include <string.h>

#include "sayso-store-private.h"
#include "sayso-strings.h"
#include "sayso-submit-queue-private.h"
#include "sayso-text-pair.h"
#include "ui-test-utils.h"

#define CANARY "Wombat canary"

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
  gint64 deadline;

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
  _sayso_window_thanks_timeout (window);
  ui_assert_nothing_left (window, CANARY);

  /* It keeps trying, and nothing is stored while the disk is full. */
  g_assert_true (ui_wait_for (tried_three_times, NULL, 5000));
  g_assert_cmpint (stored_count (fixture), ==, 0);

  store_is_full = FALSE;
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (sayso_submit_queue_get_n_pending (queue) > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
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
  gint64 deadline;

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

  _sayso_window_thanks_timeout (window);
  ui_assert_nothing_left (window, CANARY);

  sayso_db_rollback (blocker);
  sayso_db_close (blocker);

  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (sayso_submit_queue_get_n_pending (queue) > 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
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
  _sayso_window_thanks_timeout (window);

  _sayso_submit_queue_set_submit_func (queue, NULL);
  answer_and_send (window);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (queue), ==, 0);
  g_assert_null (sayso_window_get_last_error (window));
  assert_stored_once (fixture);
}

int
main (int    argc,
      char **argv)
{
  g_setenv ("SAYSO_SPEECH", "none", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add ("/kiosk/store-failure/disk-full", KioskFixture, NULL, kiosk_fixture_setup, test_disk_full, kiosk_fixture_teardown);
  g_test_add ("/kiosk/store-failure/refused-for-good", KioskFixture, NULL, kiosk_fixture_setup, test_refused_for_good, kiosk_fixture_teardown);
  g_test_add ("/kiosk/store-failure/busy", KioskFixture, NULL, kiosk_fixture_setup, test_store_busy, kiosk_fixture_teardown);

  return g_test_run ();
}
