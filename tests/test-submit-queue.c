/* test-submit-queue: responses on their way into a real store. One the
 * store takes is stored at once; while the store cannot take any (another
 * process holds its write lock), they wait in memory, in order, and are
 * stored in that order once it can; one the store refuses for what it is
 * does not hold up those behind it; quitting stores what can be stored. */
#define G_LOG_DOMAIN "test-submit-queue"

#include <sqlite3.h>
#include <string.h>

#include "sayso-db.h"
#include "sayso-process.h"
#include "sayso-store-private.h"
#include "sayso-submit-queue-private.h"
#include "sayso-test-utils.h"

#define RETRY_MSEC 20

static SaysoQuestionnaire *survey;

/* The texts of the responses the store took, in the order it took them:
 * the store itself keeps no order (that is its promise), so the order is
 * seen here, at the queue's seam, which calls the real store. */
static GPtrArray *stored_texts;

static gboolean
recording_submit (SaysoStore     *store,
                  SaysoResponse  *response,
                  SaysoMode       mode,
                  GError        **error)
{
  if (!sayso_store_submit (store, response, mode, error))
    return FALSE;
  g_ptr_array_add (stored_texts, g_strdup (sayso_response_get_text (response, "solutions")));
  return TRUE;
}

/* And one that the store would refuse for good, as it refuses a response
 * that does not fit its questionnaire. */
static gboolean
refusing_submit (SaysoStore     *store,
                 SaysoResponse  *response,
                 SaysoMode       mode,
                 GError        **error)
{
  if (g_strcmp0 (sayso_response_get_text (response, "solutions"), "refused") == 0)
    {
      g_set_error_literal (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID, "the record is not valid");
      return FALSE;
    }
  return recording_submit (store, response, mode, error);
}

typedef struct
{
  TestStore         base;
  SaysoSubmitQueue *queue;
  sqlite3          *other;      /* another process's connection, holding the lock */
  GArray           *outcomes;   /* last-outcome, each time it is notified */
  guint             n_stored;   /* "stored" signals */
} Fixture;

static void
outcome_notified (SaysoSubmitQueue *queue,
                  GParamSpec       *pspec,
                  Fixture          *f)
{
  SaysoSubmitOutcome outcome = sayso_submit_queue_get_last_outcome (queue);

  g_array_append_val (f->outcomes, outcome);
}

static void
stored (SaysoSubmitQueue *queue,
        Fixture          *f)
{
  f->n_stored++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  test_store_setup (&f->base, data);
  stored_texts = g_ptr_array_new_with_free_func (g_free);
  f->outcomes = g_array_new (FALSE, FALSE, sizeof (SaysoSubmitOutcome));
  f->queue = sayso_submit_queue_new (f->base.store);
  _sayso_submit_queue_set_submit_func (f->queue, recording_submit);
  sayso_submit_queue_set_retry_interval (f->queue, RETRY_MSEC);
  g_signal_connect (f->queue, "notify::last-outcome", G_CALLBACK (outcome_notified), f);
  g_signal_connect (f->queue, "stored", G_CALLBACK (stored), f);
  /* A busy store fails fast, so that a test does not wait seconds per try. */
  sayso_db_set_busy_timeout (_sayso_store_get_db (f->base.store), 20);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->other, sqlite3_close);
  g_clear_object (&f->queue);
  g_clear_pointer (&f->outcomes, g_array_unref);
  g_clear_pointer (&stored_texts, g_ptr_array_unref);
  test_store_teardown (&f->base, data);
}

static SaysoResponse *
response_saying (const char *text)
{
  g_autoptr(GError) error = NULL;
  SaysoResponse *r = sayso_response_new (survey, "en");

  g_assert_true (sayso_response_set_text (r, "solutions", text, &error));
  g_assert_no_error (error);
  return r;
}

static void
exec_sql (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
hold_lock (Fixture *f)
{
  g_assert_cmpint (sqlite3_open (f->base.path, &f->other), ==, SQLITE_OK);
  exec_sql (f->other, "BEGIN IMMEDIATE");
}

static void
release_lock (Fixture *f)
{
  exec_sql (f->other, "ROLLBACK");
  g_clear_pointer (&f->other, sqlite3_close);
}

static gint64
stored_in_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 total = -1;

  g_assert_true (sayso_store_count (f->base.store, &total, NULL, &error));
  g_assert_no_error (error);
  return total;
}

static int
compare_texts (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The texts of the records on the disk, opened with the analysts' key, sorted. */
static char *
texts_on_disk (Fixture *f)
{
  g_autoptr(GPtrArray) records = test_open_all_records (_sayso_store_get_db (f->base.store), f->base.sk);
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  for (guint i = 0; i < records->len; i++)
    {
      SaysoRecord *record = g_ptr_array_index (records, i);

      g_ptr_array_add (texts, (char *) json_object_get_string_member (json_node_get_object (record->answers), "solutions"));
    }
  g_ptr_array_sort (texts, compare_texts);
  g_ptr_array_add (texts, NULL);
  return g_strjoinv (",", (char **) texts->pdata);
}

static char *
joined_stored_texts (void)
{
  g_ptr_array_add (stored_texts, NULL);
  {
    char *joined = g_strjoinv (",", (char **) stored_texts->pdata);

    g_ptr_array_remove_index (stored_texts, stored_texts->len - 1);
    return joined;
  }
}

/* Runs the main loop for msec, or until the queue holds n_pending. */
static void
run_until (Fixture *f,
           guint    n_pending,
           guint    msec)
{
  gint64 end = g_get_monotonic_time () + (gint64) msec * 1000;

  while (g_get_monotonic_time () < end && sayso_submit_queue_get_n_pending (f->queue) != n_pending)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

static void
assert_outcomes (Fixture                  *f,
                 const SaysoSubmitOutcome *expected,
                 guint                     n)
{
  g_assert_cmpmem (f->outcomes->data, f->outcomes->len * sizeof (SaysoSubmitOutcome),
                   expected, n * sizeof (SaysoSubmitOutcome));
}

static void
test_stores (Fixture       *f,
             gconstpointer  data)
{
  static const SaysoSubmitOutcome expected[] = { SAYSO_SUBMIT_WAITING, SAYSO_SUBMIT_STORED };
  g_autofree char *on_disk = NULL;

  g_assert_cmpint (sayso_submit_queue_push (f->queue, response_saying ("first"), SAYSO_MODE_SELF), ==, SAYSO_SUBMIT_STORED);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (f->queue), ==, 0);
  g_assert_null (sayso_submit_queue_get_last_error (f->queue));
  g_assert_cmpuint (f->n_stored, ==, 1);
  assert_outcomes (f, expected, G_N_ELEMENTS (expected));
  g_assert_cmpint (stored_in_store (f), ==, 1);
  on_disk = texts_on_disk (f);
  g_assert_cmpstr (on_disk, ==, "first");
}

/* The store busy: both wait in memory, and are tried again, not lost; once
 * the lock goes they are stored, in the order they came. */
static void
test_failing_store_keeps_and_retries (Fixture       *f,
                                      gconstpointer  data)
{
  static const SaysoSubmitOutcome expected[] = { SAYSO_SUBMIT_WAITING, SAYSO_SUBMIT_WAITING, SAYSO_SUBMIT_STORED };
  g_autofree char *order = NULL;
  g_autofree char *on_disk = NULL;

  hold_lock (f);
  g_assert_cmpint (sayso_submit_queue_push (f->queue, response_saying ("first"), SAYSO_MODE_SELF), ==, SAYSO_SUBMIT_WAITING);
  g_assert_cmpint (sayso_submit_queue_push (f->queue, response_saying ("second"), SAYSO_MODE_STAFF), ==, SAYSO_SUBMIT_WAITING);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (f->queue), ==, 2);
  g_assert_nonnull (strstr (sayso_submit_queue_get_last_error (f->queue), "the store is busy"));
  g_assert_null (strstr (sayso_submit_queue_get_last_error (f->queue), "first"));

  /* Several tries while the lock is held: still waiting, nothing stored. */
  run_until (f, 0, 10 * RETRY_MSEC);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (f->queue), ==, 2);
  g_assert_cmpuint (stored_texts->len, ==, 0);
  g_assert_cmpint (stored_in_store (f), ==, 0);

  release_lock (f);
  run_until (f, 0, 60000);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (f->queue), ==, 0);
  g_assert_null (sayso_submit_queue_get_last_error (f->queue));
  g_assert_cmpint (sayso_submit_queue_get_last_outcome (f->queue), ==, SAYSO_SUBMIT_STORED);
  g_assert_cmpuint (f->n_stored, ==, 2);
  assert_outcomes (f, expected, G_N_ELEMENTS (expected));
  order = joined_stored_texts ();
  g_assert_cmpstr (order, ==, "first,second");
  g_assert_cmpint (stored_in_store (f), ==, 2);
  on_disk = texts_on_disk (f);
  g_assert_cmpstr (on_disk, ==, "first,second");
}

/* Negative control: without the queue, the same busy store simply fails
 * the response, and it is not in the store: what keeps it is the queue. */
static void
test_without_queue_not_kept (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(SaysoResponse) r = response_saying ("first");
  g_autoptr(GError) error = NULL;

  hold_lock (f);
  g_assert_false (sayso_store_submit (f->base.store, r, SAYSO_MODE_SELF, &error));
  g_assert_error (error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_BUSY);
  release_lock (f);
  g_assert_cmpint (stored_in_store (f), ==, 0);
}

/* One the store refuses for what it is is dropped at once, counted and
 * said, and those behind it go on in order. */
static void
test_refused_does_not_hold_up (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *order = NULL;

  _sayso_submit_queue_set_submit_func (f->queue, refusing_submit);
  hold_lock (f);
  sayso_submit_queue_push (f->queue, response_saying ("first"), SAYSO_MODE_SELF);
  sayso_submit_queue_push (f->queue, response_saying ("refused"), SAYSO_MODE_SELF);
  g_assert_cmpint (sayso_submit_queue_push (f->queue, response_saying ("third"), SAYSO_MODE_SELF), ==, SAYSO_SUBMIT_WAITING);
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (f->queue), ==, 3);
  release_lock (f);

  g_assert_true (sayso_submit_queue_retry_now (f->queue));
  g_assert_cmpuint (sayso_submit_queue_get_n_pending (f->queue), ==, 0);
  g_assert_cmpuint (sayso_submit_queue_get_n_refused (f->queue), ==, 1);
  g_assert_nonnull (strstr (sayso_submit_queue_get_last_error (f->queue), "could not be stored and was discarded"));
  g_assert_cmpint (sayso_submit_queue_get_last_outcome (f->queue), ==, SAYSO_SUBMIT_STORED);
  order = joined_stored_texts ();
  g_assert_cmpstr (order, ==, "first,third");
  g_assert_cmpint (stored_in_store (f), ==, 2);
}

/* The kiosk quitting with responses waiting: the queue tries once more. */
static void
test_dispose_stores_what_waits (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *on_disk = NULL;

  hold_lock (f);
  g_assert_cmpint (sayso_submit_queue_push (f->queue, response_saying ("last"), SAYSO_MODE_SELF), ==, SAYSO_SUBMIT_WAITING);
  release_lock (f);
  g_clear_object (&f->queue);
  g_assert_cmpint (stored_in_store (f), ==, 1);
  on_disk = texts_on_disk (f);
  g_assert_cmpstr (on_disk, ==, "last");
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/submit-queue/stores", test_stores);
  ADD ("/submit-queue/failing-store-keeps-and-retries", test_failing_store_keeps_and_retries);
  ADD ("/submit-queue/without-queue-not-kept", test_without_queue_not_kept);
  ADD ("/submit-queue/refused-does-not-hold-up", test_refused_does_not_hold_up);
  ADD ("/submit-queue/dispose-stores-what-waits", test_dispose_stores_what_waits);
#undef ADD

  ret = g_test_run ();
  g_object_unref (survey);
  return ret;
}
