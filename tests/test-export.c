/* The end-of-day export: bundles written from the store, failures
 * mid-write, re-export and the keep period. (A bundle's own checks are in
 * test-bundle.c, the staff PIN gate's in test-pin-gate.c.) */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "sayso-bundle-private.h"
#include "sayso-export-private.h"
#include "sayso-import.h"
#include "sayso-process.h"
#include "sayso-store-private.h"
#include "sayso-test-utils.h"

static SaysoQuestionnaire *survey;

typedef struct
{
  TestStore base;
  char     *stick;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  test_store_setup (&f->base, data);
  f->stick = g_build_filename (f->base.dir, "stick", NULL);
  g_assert_cmpint (g_mkdir (f->stick, 0700), ==, 0);
  g_unsetenv ("SAYSO_TODAY");
  _sayso_export_set_fault (SAYSO_EXPORT_FAULT_NONE, 0);
}

/* The same, with no written bytes kept: the read-back hashes every record
 * it reads, as for an export larger than the export keeps in memory. */
static void
fixture_setup_hashing (Fixture       *f,
                       gconstpointer  data)
{
  fixture_setup (f, data);
  _sayso_export_set_keep_limit (0);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  _sayso_export_set_keep_limit (G_MAXUINT64);
  _sayso_export_set_fault (SAYSO_EXPORT_FAULT_NONE, 0);
  _sayso_bundle_set_direct_read (TRUE);
  g_unsetenv ("SAYSO_TODAY");
  g_free (f->stick);
  test_store_teardown (&f->base, data);
}

static void
submit_n (SaysoStore *store,
          guint       n,
          const char *prefix)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
      g_autoptr(GError) error = NULL;
      g_autofree char *text = g_strdup_printf ("%s-%u", prefix, i);

      g_assert_true (sayso_response_set_text (r, "solutions", text, &error));
      g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
      g_assert_no_error (error);
    }
}

/* The same, a hundred to a transaction, for the tests that need megabytes. */
static void
submit_batches (SaysoStore *store,
                guint       n,
                const char *prefix)
{
  for (guint done = 0; done < n; done += 100)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GError) error = NULL;

      for (guint i = done; i < MIN (n, done + 100); i++)
        {
          SaysoResponse *r = sayso_response_new (survey, "en");
          g_autofree char *text = g_strdup_printf ("%s-%u", prefix, i);

          g_assert_true (sayso_response_set_text (r, "solutions", text, &error));
          g_ptr_array_add (batch, r);
        }
      g_assert_true (sayso_store_submit_all (store, batch, SAYSO_MODE_SELF, &error));
      g_assert_no_error (error);
    }
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (g_dir_read_name (d))
    n++;
  return n;
}

static gint64
awaiting (SaysoStore *store)
{
  gint64 total = 0, waiting = 0;
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_store_count (store, &total, &waiting, &error));
  return waiting;
}

/* The texts of the records in a bundle, opened with the analysts' key. */
static GPtrArray *
bundle_texts (const char   *path,
              const guint8 *sk)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) bundle = sayso_bundle_open (path, NULL, &error);
  GPtrArray *texts = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < bundle->entries->len; i++)
    {
      g_autoptr(GBytes) sealed = sayso_bundle_read_record (bundle, i, &error);
      g_autoptr(GBytes) plain = NULL;
      g_autoptr(SaysoRecord) record = NULL;

      g_assert_no_error (error);
      plain = sayso_unseal (sk, sealed, &error);
      g_assert_no_error (error);
      record = sayso_record_decode (plain, &error);
      g_assert_no_error (error);
      g_ptr_array_add (texts, g_strdup (json_object_get_string_member (json_node_get_object (record->answers), "solutions")));
    }
  return texts;
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autofree char *name = NULL;
  g_auto(SaysoExportResult) result = { 0 };

  submit_n (f->base.store, 5, "day-one");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.records, ==, 5);
  g_assert_cmpint (result.sequence, ==, 1);
  g_assert_cmpuint (count_files (f->stick), ==, 1);
  g_assert_cmpint (awaiting (f->base.store), ==, 0);

  /* Named by site, kiosk, day and sequence. */
  name = g_path_get_basename (result.path);
  g_assert_true (g_str_has_prefix (name, "sayso-test-site-"));
  g_assert_true (g_str_has_suffix (name, "-0001.sayso"));

  bundle = sayso_bundle_open (result.path, sayso_store_get_kiosk_key (f->base.store), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (bundle->site, ==, "Test site");
  g_assert_cmpint (bundle->sequence, ==, 1);
  g_assert_cmpuint (bundle->size, ==, result.bytes);

  texts = bundle_texts (result.path, f->base.sk);
  g_assert_cmpuint (texts->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *want = g_strdup_printf ("day-one-%u", i);
      g_assert_true (g_ptr_array_find_with_equal_func (texts, want, g_str_equal, NULL));
    }
}

static void
test_nothing_to_export (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) result = { 0 };

  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_null (result.path);
  g_assert_cmpuint (count_files (f->stick), ==, 0);
}

/* Exporting twice never duplicates or loses a record. */
static void
test_double_export (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) first = { 0 };
  g_auto(SaysoExportResult) second = { 0 };
  g_auto(SaysoExportResult) third = { 0 };
  g_autoptr(GPtrArray) a = NULL;
  g_autoptr(GPtrArray) b = NULL;

  submit_n (f->base.store, 3, "morning");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &first, &error));
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &second, &error));
  g_assert_null (second.path);
  submit_n (f->base.store, 2, "afternoon");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &third, &error));
  g_assert_no_error (error);
  g_assert_cmpint (third.sequence, ==, 2);

  a = bundle_texts (first.path, f->base.sk);
  b = bundle_texts (third.path, f->base.sk);
  g_assert_cmpuint (a->len, ==, 3);
  g_assert_cmpuint (b->len, ==, 2);
  for (guint i = 0; i < b->len; i++)
    g_assert_true (g_str_has_prefix (g_ptr_array_index (b, i), "afternoon-"));
}

/* A lost stick: everything still kept goes out again, under a new number. */
static void
test_export_again (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) lost = { 0 };
  g_auto(SaysoExportResult) again = { 0 };
  g_autoptr(GPtrArray) texts = NULL;

  submit_n (f->base.store, 4, "lost");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &lost, &error));
  g_assert_cmpint (g_unlink (lost.path), ==, 0);

  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_AGAIN, &again, &error));
  g_assert_no_error (error);
  g_assert_cmpint (again.records, ==, 4);
  g_assert_cmpint (again.sequence, ==, 2);
  texts = bundle_texts (again.path, f->base.sk);
  g_assert_cmpuint (texts->len, ==, 4);
}

/* The store's copy of a record changed after it was saved (a bad sector on
 * the kiosk's disk). Exported, it could not be opened, and the analysts'
 * import refuses a bundle holding such a record. The read-back finds it: it
 * is set aside for good (kept, never exported), and the export goes again
 * without it, so the analysts import the other five. */
static void
test_damaged_stored_record (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoAnalysisDb) analysis = NULL;
  g_autofree char *analysis_path = g_build_filename (f->base.dir, "analysis.db", NULL);
  g_autoptr(GPtrArray) questionnaires = g_ptr_array_new ();
  g_auto(SaysoExportResult) result = { 0 };
  SaysoImportResult imported = { 0 };
  gint64 total = 0, damaged = 0;
  char *message = NULL;
  sqlite3 *db;

  submit_n (f->base.store, 6, "damaged");
  g_assert_cmpint (sqlite3_open (f->base.path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, "UPDATE slots SET sealed = randomblob (length (sealed))"
                        " WHERE key = (SELECT min (slot) FROM responses)", NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  g_test_expect_message ("sayso-export", G_LOG_LEVEL_WARNING, "*is damaged*never exported*");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpint (result.records, ==, 5);
  g_assert_cmpint (result.damaged, ==, 1);
  g_assert_cmpint (result.sequence, ==, 2);   /* the first attempt's number is not reused */
  g_assert_cmpuint (count_files (f->stick), ==, 1);
  g_assert_cmpint (awaiting (f->base.store), ==, 0);
  g_assert_true (sayso_store_count (f->base.store, &total, NULL, &error));
  g_assert_true (sayso_store_count_damaged (f->base.store, &damaged, &error));
  g_assert_cmpint (total, ==, 6);
  g_assert_cmpint (damaged, ==, 1);

  /* What the analysts do with it. */
  g_ptr_array_add (questionnaires, survey);
  analysis = sayso_analysis_db_open (analysis_path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_import_bundle (analysis, result.path, f->base.sk, questionnaires, TRUE, &imported, &error));
  g_assert_no_error (error);
  g_assert_cmpint (imported.added, ==, 5);
  sayso_import_result_clear (&imported);
  sayso_export_result_clear (&result);

  /* Set aside for good: a re-export leaves it out without another try. */
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_AGAIN, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.records, ==, 5);
  g_assert_cmpint (result.damaged, ==, 0);
  g_assert_cmpint (result.sequence, ==, 3);
}

/* The bundle goes to the stick in 2 MiB chunks, and a record may lie across
 * the end of one: its stored copy changed, it is found all the same (its
 * hash taken over both pieces), and with nothing changed the same record
 * passes (the control: a hash of one piece alone would set it aside). */
static void
test_damaged_record_across_chunks (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) clean = { 0 };
  g_auto(SaysoExportResult) result = { 0 };
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autofree char *sql = NULL;
  guint8 across_id[16];
  char *message = NULL;
  guint across = G_MAXUINT;
  sqlite3 *db;

  submit_batches (f->base.store, 200, "across");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &clean, &error));
  g_assert_no_error (error);
  g_assert_cmpint (clean.records, ==, 200);
  g_assert_cmpint (clean.damaged, ==, 0);

  bundle = sayso_bundle_open (clean.path, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < bundle->entries->len && across == G_MAXUINT; i++)
    {
      SaysoBundleEntry *entry = g_ptr_array_index (bundle->entries, i);

      if (entry->offset < 2 * 1024 * 1024 && entry->offset + entry->size > 2 * 1024 * 1024)
        {
          across = i;
          memcpy (across_id, entry->id, sizeof across_id);
        }
    }
  g_assert_cmpuint (across, <, 200);

  /* Records lie in slot order: the one across is the slot of that rank. */
  g_assert_cmpint (sqlite3_open (f->base.path, &db), ==, SQLITE_OK);
  sql = g_strdup_printf ("UPDATE slots SET sealed = randomblob (length (sealed))"
                         " WHERE key = (SELECT slot FROM responses ORDER BY slot LIMIT 1 OFFSET %u)", across);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);

  g_test_expect_message ("sayso-export", G_LOG_LEVEL_WARNING, "*is damaged*never exported*");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_AGAIN, &result, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpint (result.records, ==, 199);
  g_assert_cmpint (result.damaged, ==, 1);
  g_clear_pointer (&bundle, sayso_bundle_free);
  bundle = sayso_bundle_open (result.path, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < bundle->entries->len; i++)
    g_assert_false (memcmp (((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, i))->id, across_id, 16) == 0);
}

/* A row whose questionnaire name is not UTF-8 can only be damage, and would
 * make the manifest unreadable to every analyst: it is set aside as it is
 * read, and the bundle holds the others. */
static void
test_unreadable_questionnaire_name (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) bundle = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  char *message = NULL;
  sqlite3 *db;

  submit_n (f->base.store, 3, "name");
  g_assert_cmpint (sqlite3_open (f->base.path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, "UPDATE responses SET questionnaire = CAST (X'686dff70' AS TEXT)"
                        " WHERE slot = (SELECT min (slot) FROM responses)", NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s", message);
  sqlite3_close (db);

  g_test_expect_message ("sayso-export", G_LOG_LEVEL_WARNING, "*questionnaire name is not text*");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_test_assert_expected_messages ();
  g_assert_no_error (error);
  g_assert_cmpint (result.records, ==, 2);
  g_assert_cmpint (result.damaged, ==, 1);
  g_assert_cmpint (result.sequence, ==, 1);
  g_assert_cmpint (awaiting (f->base.store), ==, 0);
  bundle = sayso_bundle_open (result.path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bundle->entries->len, ==, 2);
}

typedef struct
{
  SaysoExportFault fault;
  guint64          after;
  const char      *message;
  guint            records;
} FaultCase;

static const FaultCase fault_cases[] = {
  { SAYSO_EXPORT_FAULT_NO_SPACE, 0, "the drive is full" },
  { SAYSO_EXPORT_FAULT_NO_SPACE, 30000, "the drive is full" },
  { SAYSO_EXPORT_FAULT_REMOVED, 15000, "was the stick pulled out?" },
  /* Past the first mebibyte: the writing thread has chunks queued when it fails. */
  { SAYSO_EXPORT_FAULT_REMOVED, 2500000, "was the stick pulled out?", 220 },
  { SAYSO_EXPORT_FAULT_NO_SPACE, 1048576 + 5, "the drive is full", 220 },
  { SAYSO_EXPORT_FAULT_FSYNC, 0, "flushing the bundle" },
  { SAYSO_EXPORT_FAULT_RENAME, 0, "naming the bundle" },
  /* The stick gives back what it was not given: in the first record, in the manifest's end. */
  { SAYSO_EXPORT_FAULT_READ_BACK, 100, "reading the bundle back: " },
  { SAYSO_EXPORT_FAULT_READ_BACK, G_MAXUINT64, "its manifest read back different" },
  /* In the second of three 4 MiB blocks the read-back reads, and in the
   * first while the reading thread is ahead of the comparison. */
  { SAYSO_EXPORT_FAULT_READ_BACK, 6000000, "reading the bundle back: ", 700 },
  { SAYSO_EXPORT_FAULT_READ_BACK, 100, "reading the bundle back: ", 700 },
};

/* A byte changed by the drive inside the third record is found, and named,
 * by the comparison with what was written (and, with nothing kept, by the
 * hash of what was read back): which check ran shows in the words. The
 * comparison reads straight from the drive (O_DIRECT); READ_BUFFERED, as on
 * a file system that refuses it, reads through the page cache. */
enum { READ_COMPARED, READ_HASHED, READ_BUFFERED };

static void
test_read_back_names_record (Fixture       *f,
                             gconstpointer  data)
{
  gboolean hashing = GPOINTER_TO_INT (data) == READ_HASHED;
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  g_autoptr(SaysoBundle) bundle = NULL;
  guint64 third;

  if (GPOINTER_TO_INT (data) == READ_BUFFERED)
    _sayso_bundle_set_direct_read (FALSE);
  submit_n (f->base.store, 6, "flip");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  bundle = sayso_bundle_open (result.path, NULL, &error);
  g_assert_no_error (error);
  third = ((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, 2))->offset + 700;
  g_clear_pointer (&bundle, sayso_bundle_free);
  sayso_export_result_clear (&result);

  if (hashing)
    _sayso_export_set_keep_limit (0);
  _sayso_export_set_fault (SAYSO_EXPORT_FAULT_READ_BACK, third);
  g_assert_false (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_AGAIN, &result, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "record 3 of 6"));
  g_assert_nonnull (strstr (error->message, hashing ? "does not match the signed manifest"
                                                    : "read back different from what was written"));
  g_assert_cmpuint (count_files (f->stick), ==, 1);   /* the first bundle only */
}

/* A full drive or a pulled stick leaves every record awaiting export, no
 * half-written file behind, and says so plainly; the next export works. */
static void
test_fault (Fixture       *f,
            gconstpointer  data)
{
  const FaultCase *fc = data;
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  gint64 total = 0;
  gint64 n = fc->records ? fc->records : 6;

  if (n > 300)
    submit_batches (f->base.store, n, "fault");
  else
    submit_n (f->base.store, n, "fault");
  _sayso_export_set_fault (fc->fault, fc->after);
  g_assert_false (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_nonnull (error);
  if (strstr (error->message, fc->message) == NULL || strstr (error->message, "every record is still awaiting export") == NULL)
    g_error ("unexpected message: %s", error->message);
  g_clear_error (&error);

  g_assert_null (result.path);
  g_assert_cmpuint (count_files (f->stick), ==, 0);
  g_assert_cmpint (awaiting (f->base.store), ==, n);
  g_assert_true (sayso_store_count (f->base.store, &total, NULL, &error));
  g_assert_cmpint (total, ==, n);
  g_assert_true (sayso_db_integrity_check (_sayso_store_get_db (f->base.store), &error));

  _sayso_export_set_fault (SAYSO_EXPORT_FAULT_NONE, 0);
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.records, ==, n);
  /* The failed attempt's number is never reused. */
  g_assert_cmpint (result.sequence, ==, 2);
  g_assert_cmpint (awaiting (f->base.store), ==, 0);
}

static void
test_missing_folder (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *gone = g_build_filename (f->stick, "not-mounted", NULL);
  g_auto(SaysoExportResult) result = { 0 };

  submit_n (f->base.store, 1, "x");
  g_assert_false (sayso_store_export (f->base.store, gone, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "is the stick in?"));
  g_assert_cmpint (awaiting (f->base.store), ==, 1);
}

/* Exported records are kept 14 days for a re-export, then deleted. */
static void
test_keep_period (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  gint64 total = -1, deleted = -1, keep = 0;

  g_assert_true (sayso_store_get_keep_days (f->base.store, &keep, &error));
  g_assert_cmpint (keep, ==, 14);

  g_setenv ("SAYSO_TODAY", "2026-11-01", TRUE);
  submit_n (f->base.store, 3, "old");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  sayso_export_result_clear (&result);

  g_setenv ("SAYSO_TODAY", "2026-11-14", TRUE);
  submit_n (f->base.store, 2, "new");
  g_assert_true (sayso_store_purge_exported (f->base.store, &deleted, &error));
  g_assert_cmpint (deleted, ==, 0);

  g_setenv ("SAYSO_TODAY", "2026-11-15", TRUE);
  g_assert_true (sayso_store_purge_exported (f->base.store, &deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpint (deleted, ==, 3);
  g_assert_true (sayso_store_count (f->base.store, &total, NULL, &error));
  /* The two awaiting export are never deleted, however old. */
  g_assert_cmpint (total, ==, 2);

  g_assert_true (sayso_store_set_keep_days (f->base.store, 30, &error));
  g_assert_false (sayso_store_set_keep_days (f->base.store, 0, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
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
  ADD ("/export/round-trip", test_round_trip);
  ADD ("/export/nothing-to-export", test_nothing_to_export);
  ADD ("/export/double-export", test_double_export);
  ADD ("/export/again-after-lost-stick", test_export_again);
  ADD ("/export/missing-folder", test_missing_folder);
  ADD ("/export/keep-period", test_keep_period);
  ADD ("/export/damaged-stored-record", test_damaged_stored_record);
  ADD ("/export/unreadable-questionnaire-name", test_unreadable_questionnaire_name);
  ADD ("/export/damaged-record-across-chunks", test_damaged_record_across_chunks);
  g_test_add ("/export/read-back/compared-names-record", Fixture, GINT_TO_POINTER (READ_COMPARED),
              fixture_setup, test_read_back_names_record, fixture_teardown);
  g_test_add ("/export/read-back/hashed-names-record", Fixture, GINT_TO_POINTER (READ_HASHED),
              fixture_setup, test_read_back_names_record, fixture_teardown);
  g_test_add ("/export/read-back/buffered-compared-names-record", Fixture, GINT_TO_POINTER (READ_BUFFERED),
              fixture_setup, test_read_back_names_record, fixture_teardown);
#undef ADD
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup_hashing, func, fixture_teardown)
  ADD ("/export/hashing-read-back/round-trip", test_round_trip);
  ADD ("/export/hashing-read-back/damaged-stored-record", test_damaged_stored_record);
#undef ADD
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      static const char * const names[] = { "", "full-drive", "removed", "fsync", "rename", "read-back" };
      g_autofree char *path = g_strdup_printf ("/export/hashing-read-back/fault/%s-after-%" G_GUINT64_FORMAT "%s",
                                               names[fault_cases[i].fault], fault_cases[i].after,
                                               fault_cases[i].records ? "-of-many" : "");
      g_test_add (path, Fixture, &fault_cases[i], fixture_setup_hashing, test_fault, fixture_teardown);
    }
  for (guint i = 0; i < G_N_ELEMENTS (fault_cases); i++)
    {
      static const char * const names[] = { "", "full-drive", "removed", "fsync", "rename", "read-back" };
      g_autofree char *path = g_strdup_printf ("/export/fault/%s-after-%" G_GUINT64_FORMAT "%s",
                                               names[fault_cases[i].fault], fault_cases[i].after,
                                               fault_cases[i].records ? "-of-many" : "");
      g_test_add (path, Fixture, &fault_cases[i], fixture_setup, test_fault, fixture_teardown);
    }

  ret = g_test_run ();
  g_object_unref (survey);
  return ret;
}
