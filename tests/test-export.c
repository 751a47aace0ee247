/* The end-of-day export: bundles, their verification, failures mid-write,
 * re-export, the keep period and the staff PIN gate. */
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sodium.h>
#include <string.h>

#include "sayso-export-private.h"
#include "sayso-import.h"
#include "sayso-process.h"
#include "sayso-pin-gate.h"
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

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  _sayso_export_set_fault (SAYSO_EXPORT_FAULT_NONE, 0);
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
};

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

/* Tampering, byte by byte. */

static char *
export_one (Fixture    *f,
            const char *prefix)
{
  g_autoptr(GError) error = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  char *path;

  submit_n (f->base.store, 3, prefix);
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  path = g_steal_pointer (&result.path);
  return path;
}

static void
flip_byte (const char *path,
           goffset     offset)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  if (offset < 0)
    offset += len;
  data[offset] ^= 0x01;
  g_assert_true (g_file_set_contents (path, data, len, NULL));
}

static void
assert_refused (const char       *path,
                const guint8     *kiosk,
                SaysoBundleError  code,
                const char       *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) bundle = sayso_bundle_open (path, kiosk, &error);

  g_assert_null (bundle);
  g_assert_error (error, SAYSO_BUNDLE_ERROR, (int) code);
  if (strstr (error->message, words) == NULL)
    g_error ("expected “%s” in “%s”", words, error->message);
}

static void
test_tamper (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = export_one (f, "tamper");
  g_autofree char *copy = g_build_filename (f->base.dir, "copy.sayso", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoBundle) good = sayso_bundle_open (path, NULL, &error);
  const guint8 *kiosk = sayso_store_get_kiosk_key (f->base.store);
  guint8 other_kiosk[32], other_sk[64];
  gsize len = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (good->entries->len, ==, 3);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));

  /* A flipped byte inside a record. */
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  flip_byte (copy, 40 + 12336 + 500);
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 2 of 3");

  /* A flipped byte in the manifest. */
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  flip_byte (copy, -(12 + 64 + 20));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_BAD_SIGNATURE, "the signature does not match");

  /* A flipped byte in the signature. */
  g_assert_true (g_file_set_contents (copy, contents, len, NULL));
  flip_byte (copy, -(12 + 3));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_BAD_SIGNATURE, "the signature does not match");

  /* Cut short, anywhere. */
  g_assert_true (g_file_set_contents (copy, contents, len - 1, NULL));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_TRUNCATED, "truncated");
  g_assert_true (g_file_set_contents (copy, contents, len / 2, NULL));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_TRUNCATED, "truncated");
  g_assert_true (g_file_set_contents (copy, contents, 5, NULL));
  assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE, "not a Sayso bundle");

  /* A record removed from the middle, manifest untouched. */
  {
    g_autoptr(GString) cut = g_string_new_len (contents, 40 + 12336);
    g_string_append_len (cut, contents + 40 + 2 * 12336, len - 40 - 2 * 12336);
    g_assert_true (g_file_set_contents (copy, cut->str, cut->len, NULL));
    assert_refused (copy, kiosk, SAYSO_BUNDLE_ERROR_TRUNCATED, "the manifest accounts for");
  }

  /* Another kiosk's key expected. */
  sayso_sign_keypair_new (other_kiosk, other_sk);
  assert_refused (path, other_kiosk, SAYSO_BUNDLE_ERROR_WRONG_KIOSK, "not the kiosk whose key was given");

  /* Not a bundle at all. */
  g_assert_true (g_file_set_contents (copy, "hello, this is not a bundle at all", -1, NULL));
  assert_refused (copy, NULL, SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE, "not a Sayso bundle");
}

/* A genuine record from another bundle put in place of one of this bundle's. */
static void
test_record_swapped (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *first = export_one (f, "first");
  g_autofree char *second = export_one (f, "second");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gsize a_len = 0, b_len = 0;

  g_assert_true (g_file_get_contents (first, &a, &a_len, NULL));
  g_assert_true (g_file_get_contents (second, &b, &b_len, NULL));
  memcpy (a + 40 + 12336 * 2, b + 40, 12336);
  g_assert_true (g_file_set_contents (first, a, a_len, NULL));
  assert_refused (first, NULL, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 3 of 3");
}

/* A larger bundle is checked by several threads at once: the fault named is
 * still the first in the file, whichever thread reached its record first. */
static void
test_first_fault_named (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_auto(SaysoExportResult) result = { 0 };
  gsize len = 0;

  submit_n (f->base.store, 200, "many");
  g_assert_true (sayso_store_export (f->base.store, f->stick, SAYSO_EXPORT_DEFAULT, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.records, ==, 200);
  g_assert_true (g_file_get_contents (result.path, &contents, &len, NULL));

  /* Records 190, then 150 and 31 altered: 190, 150 and 31 lie in different runs. */
  contents[40 + 189 * 12336 + 7] ^= 0x10;
  g_assert_true (g_file_set_contents (result.path, contents, len, NULL));
  assert_refused (result.path, NULL, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 190 of 200");
  contents[40 + 149 * 12336 + 7000] ^= 0x10;
  contents[40 + 30 * 12336 + 12335] ^= 0x10;
  g_assert_true (g_file_set_contents (result.path, contents, len, NULL));
  for (guint i = 0; i < 20; i++)
    assert_refused (result.path, NULL, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 31 of 200");
}

static gboolean
append_to (gconstpointer   data,
           gsize           len,
           gpointer        user_data,
           GError        **error)
{
  g_byte_array_append (user_data, data, len);
  return TRUE;
}

/* The manifest is written as text: it must be the very JSON json-glib
 * writes for it, whatever the site and questionnaire names hold. */
static void
test_manifest_as_json_glib_writes_it (Fixture       *f,
                                      gconstpointer  data)
{
  static const char *questionnaires[] = { "hmip-user-voice", "a \"quoted\" \\ id\t\x01", "hmip-user-voice", "ñ—✓" };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *path = g_build_filename (f->stick, "names.sayso", NULL);
  g_autofree char *again = NULL;
  guint8 kiosk_pk[32], kiosk_sk[64];
  SaysoBundleWriter *writer;
  guint32 manifest_len;
  const char *manifest;

  sayso_sign_keypair_new (kiosk_pk, kiosk_sk);
  writer = sayso_bundle_writer_new (append_to, out, kiosk_pk, kiosk_sk, "Caerdydd \"Ganol\" \\ Probation\n\x7f",
                                    12, "2026-11-23", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (questionnaires); i++)
    {
      guint8 id[16], sealed[64];

      sayso_random_bytes (id, sizeof id);
      sayso_random_bytes (sealed, sizeof sealed);
      g_assert_true (sayso_bundle_writer_add (writer, id, questionnaires[i], i + 1, sealed, sizeof sealed, NULL, &error));
    }
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  sayso_bundle_writer_free (writer);

  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  {
    g_autoptr(SaysoBundle) bundle = sayso_bundle_open (path, kiosk_pk, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (bundle->site, ==, "Caerdydd \"Ganol\" \\ Probation\n\x7f");
    for (guint i = 0; i < G_N_ELEMENTS (questionnaires); i++)
      g_assert_cmpstr (((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, i))->questionnaire, ==, questionnaires[i]);
  }

  manifest_len = out->data[out->len - 12] | (out->data[out->len - 11] << 8) |
                 (out->data[out->len - 10] << 16) | ((guint32) out->data[out->len - 9] << 24);
  manifest = (const char *) out->data + out->len - 12 - 64 - manifest_len;
  g_assert_true (json_parser_load_from_data (parser, manifest, manifest_len, &error));
  json_generator_set_root (generator, json_parser_get_root (parser));
  again = json_generator_to_data (generator, NULL);
  g_assert_cmpmem (again, strlen (again), manifest, manifest_len);
}

/* Records of any size are checked, those larger than the block the checker
 * reads at a time among them, and a fault in either kind is named. */
static void
test_records_of_any_size (Fixture       *f,
                          gconstpointer  data)
{
  static const gsize sizes[] = { 100, 1500000, 12336, 12336, 3000000, 7, 12336, 900000, 1048576, 1048577 };
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->stick, "sizes.sayso", NULL);
  guint8 kiosk_pk[32], kiosk_sk[64];
  SaysoBundleWriter *writer;
  guint64 offsets[G_N_ELEMENTS (sizes)];

  sayso_sign_keypair_new (kiosk_pk, kiosk_sk);
  writer = sayso_bundle_writer_new (append_to, out, kiosk_pk, kiosk_sk, "Sizes", 1, "2026-11-23", &error);
  g_assert_no_error (error);
  for (guint r = 0; r < 8; r++)   /* enough records for the checker to use its threads */
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
      {
        g_autofree guint8 *bytes = g_malloc (sizes[i]);
        guint8 id[16], hash[SAYSO_BUNDLE_HASH_SIZE];

        sayso_random_bytes (bytes, sizes[i]);
        sayso_random_bytes (id, sizeof id);
        if (r == 0)
          offsets[i] = out->len;
        /* Half with the hash the store took, half hashed by the writer. */
        sayso_bundle_record_hash (bytes, sizes[i], hash);
        g_assert_true (sayso_bundle_writer_add (writer, id, "any", 1, bytes, sizes[i], r % 2 ? hash : NULL, &error));
        g_assert_no_error (error);
      }
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  sayso_bundle_writer_free (writer);

  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  {
    g_autoptr(SaysoBundle) bundle = sayso_bundle_open (path, kiosk_pk, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (bundle->entries->len, ==, 8 * G_N_ELEMENTS (sizes));
  }

  /* A flipped byte at the end of the 3 MB record, then in the first 100-byte one. */
  out->data[offsets[4] + sizes[4] - 1] ^= 0x80;
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  assert_refused (path, kiosk_pk, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 5 of 80");
  out->data[offsets[0] + 50] ^= 0x80;
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  assert_refused (path, kiosk_pk, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 1 of 80");
}

/* A bundle whose signed manifest gives sizes that add up only by wrapping
 * around 2^64: refused, not a crash allocating one of them. */
static void
test_sizes_that_wrap (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->stick, "wrap.sayso", NULL);
  g_autoptr(GString) manifest = NULL;
  g_autoptr(GByteArray) forged = g_byte_array_new ();
  g_autofree guint8 *signed_part = NULL;
  guint8 kiosk_pk[32], kiosk_sk[64], signature[64], length[4];
  SaysoBundleWriter *writer;
  const char *sizes[] = { "9223372036854775807", "9223372036854775807", "302" };
  guint32 manifest_len;
  gsize at = 0;

  sayso_sign_keypair_new (kiosk_pk, kiosk_sk);
  writer = sayso_bundle_writer_new (append_to, out, kiosk_pk, kiosk_sk, "Wrap", 1, "2026-11-23", &error);
  for (guint i = 0; i < 3; i++)
    {
      guint8 sealed[100] = { 0 };
      guint8 id[16];

      sayso_random_bytes (id, sizeof id);
      g_assert_true (sayso_bundle_writer_add (writer, id, "any", 1, sealed, sizeof sealed, NULL, &error));
    }
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  sayso_bundle_writer_free (writer);

  /* The manifest, its sizes changed, signed again with the kiosk's key. */
  manifest_len = out->data[out->len - 12] | (out->data[out->len - 11] << 8) |
                 (out->data[out->len - 10] << 16) | ((guint32) out->data[out->len - 9] << 24);
  manifest = g_string_new_len ((const char *) out->data + 40 + 300, manifest_len);
  for (guint i = 0; i < 3; i++)
    {
      const char *size = strstr (manifest->str + at, "\"size\":100");
      g_assert_nonnull (size);
      at = size - manifest->str;
      g_string_erase (manifest, at + 7, 3);
      g_string_insert (manifest, at + 7, sizes[i]);
      at += 7;
    }
  signed_part = g_malloc (32 + manifest->len);
  memcpy (signed_part, kiosk_pk, 32);
  memcpy (signed_part + 32, manifest->str, manifest->len);
  crypto_sign_detached (signature, NULL, signed_part, 32 + manifest->len, kiosk_sk);
  for (guint b = 0; b < 4; b++)
    length[b] = (manifest->len >> (8 * b)) & 0xff;
  g_byte_array_append (forged, out->data, 40 + 300);
  g_byte_array_append (forged, (const guint8 *) manifest->str, manifest->len);
  g_byte_array_append (forged, signature, sizeof signature);
  g_byte_array_append (forged, length, sizeof length);
  g_byte_array_append (forged, (const guint8 *) "SAYSOEND", 8);
  g_assert_true (g_file_set_contents (path, (const char *) forged->data, forged->len, &error));

  assert_refused (path, NULL, SAYSO_BUNDLE_ERROR_TRUNCATED, "accounts for more (from record 1 on)");
  {
    g_autoptr(SaysoBundle) signed_only = sayso_bundle_open_signed (path, NULL, &error);
    g_assert_null (signed_only);
    g_assert_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_TRUNCATED);
  }
}

/* The PIN: kept only as Argon2id, wrong ones wait longer, five lock for five minutes. */
static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

static void
test_staff_pin (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SaysoPinGate) gate = sayso_pin_gate_new (f->base.store);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  static const gint64 waits[] = { 1, 2, 4, 8 };

  fake_now = 1000 * G_USEC_PER_SEC;
  sayso_pin_gate_set_clock (gate, fake_clock);

  g_assert_false (sayso_store_has_pin (f->base.store));
  g_assert_cmpint (sayso_pin_gate_try (gate, "1234", &error), ==, SAYSO_PIN_NOT_SET);

  g_assert_false (sayso_store_set_pin (f->base.store, "12", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (sayso_store_set_pin (f->base.store, "12ab", &error));
  g_clear_error (&error);
  g_assert_true (sayso_store_set_pin (f->base.store, "482916", &error));
  g_assert_no_error (error);

  g_assert_true (sayso_db_get_pin_hash (_sayso_store_get_db (f->base.store), &hash, &error));
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_null (strstr (hash, "482916"));

  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_ACCEPTED);

  for (guint i = 0; i < G_N_ELEMENTS (waits); i++)
    {
      g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), ==, SAYSO_PIN_WRONG);
      g_assert_cmpint (sayso_pin_gate_get_wait (gate), ==, waits[i] * G_USEC_PER_SEC);
      /* Too soon: refused without even checking, the right PIN included. */
      g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_WAIT);
      fake_now += waits[i] * G_USEC_PER_SEC;
    }

  g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), ==, SAYSO_PIN_LOCKED);
  g_assert_cmpint (sayso_pin_gate_get_wait (gate), ==, 300 * G_USEC_PER_SEC);
  fake_now += 299 * G_USEC_PER_SEC;
  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_LOCKED);
  fake_now += 1 * G_USEC_PER_SEC;
  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_ACCEPTED);
  g_assert_cmpuint (sayso_pin_gate_get_failures (gate), ==, 0);
  g_assert_no_error (error);
}

static guint
stored_failures (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT pin_failures FROM kiosk", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = (guint) sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Wrong tries, then a restart: the store, not the process, carries the count. */
static void
restart_after_wrong (Fixture *f,
                     guint    wrong)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_store_set_pin (f->base.store, "482916", &error));
  {
    g_autoptr(SaysoPinGate) gate = sayso_pin_gate_new (f->base.store);

    sayso_pin_gate_set_clock (gate, fake_clock);
    for (guint i = 0; i < wrong; i++)
      {
        g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), !=, SAYSO_PIN_ACCEPTED);
        g_assert_no_error (error);
        /* Counted on the disk, by another reader, as each try is made. */
        g_assert_cmpuint (stored_failures (f->base.path), ==, i + 1);
        fake_now += 8 * G_USEC_PER_SEC;
      }
  }
  g_clear_object (&f->base.store);
  f->base.store = sayso_store_open (f->base.path, &error);
  g_assert_no_error (error);
}

static void
test_staff_pin_locked_across_restart (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(SaysoPinGate) gate = NULL;
  g_autoptr(GError) error = NULL;

  fake_now = 1000 * G_USEC_PER_SEC;
  restart_after_wrong (f, SAYSO_PIN_MAX_FAILURES);

  gate = sayso_pin_gate_new (f->base.store);
  sayso_pin_gate_set_clock (gate, fake_clock);
  g_assert_cmpuint (sayso_pin_gate_get_failures (gate), ==, SAYSO_PIN_MAX_FAILURES);
  g_assert_true (sayso_pin_gate_is_locked (gate));
  g_assert_cmpint (sayso_pin_gate_get_wait (gate), ==, (gint64) SAYSO_PIN_LOCKOUT_SECONDS * G_USEC_PER_SEC);
  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_LOCKED);
  fake_now += (gint64) SAYSO_PIN_LOCKOUT_SECONDS * G_USEC_PER_SEC;
  g_assert_cmpint (sayso_pin_gate_try (gate, "482916", &error), ==, SAYSO_PIN_ACCEPTED);
  g_assert_no_error (error);
  g_assert_cmpuint (stored_failures (f->base.path), ==, 0);
}

/* The negative control: four wrong tries and a restart leave one try, after the wait. */
static void
test_staff_pin_four_wrong_not_locked (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(SaysoPinGate) gate = NULL;
  g_autoptr(GError) error = NULL;

  fake_now = 1000 * G_USEC_PER_SEC;
  restart_after_wrong (f, SAYSO_PIN_MAX_FAILURES - 1);

  gate = sayso_pin_gate_new (f->base.store);
  sayso_pin_gate_set_clock (gate, fake_clock);
  g_assert_false (sayso_pin_gate_is_locked (gate));
  g_assert_cmpint (sayso_pin_gate_get_wait (gate), ==, 8 * G_USEC_PER_SEC);
  fake_now += 8 * G_USEC_PER_SEC;
  /* The fifth, after the restart, is the one that locks. */
  g_assert_cmpint (sayso_pin_gate_try (gate, "000000", &error), ==, SAYSO_PIN_LOCKED);
  g_assert_cmpuint (stored_failures (f->base.path), ==, SAYSO_PIN_MAX_FAILURES);
}

/* New PINs have six digits; a 4-digit PIN set before still opens staff mode. */
static void
test_staff_pin_old_short_pin (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SaysoPinGate) gate = sayso_pin_gate_new (f->base.store);
  g_autoptr(GError) error = NULL;
  char hash[crypto_pwhash_STRBYTES];

  g_assert_false (sayso_store_set_pin (f->base.store, "48291", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "6 to 12 digits"));
  g_clear_error (&error);
  g_assert_false (sayso_store_has_pin (f->base.store));

  g_assert_cmpint (crypto_pwhash_str (hash, "4829", 4, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                      crypto_pwhash_MEMLIMIT_INTERACTIVE), ==, 0);
  g_assert_true (sayso_db_set_pin_hash (_sayso_store_get_db (f->base.store), hash, &error));
  g_assert_cmpint (sayso_pin_gate_try (gate, "4829", &error), ==, SAYSO_PIN_ACCEPTED);
  g_assert_no_error (error);
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
  ADD ("/bundle/tamper", test_tamper);
  ADD ("/bundle/record-swapped", test_record_swapped);
  ADD ("/bundle/first-fault-named", test_first_fault_named);
  ADD ("/bundle/records-of-any-size", test_records_of_any_size);
  ADD ("/bundle/manifest-as-json-glib-writes-it", test_manifest_as_json_glib_writes_it);
  ADD ("/bundle/sizes-that-wrap", test_sizes_that_wrap);
  ADD ("/staff/pin", test_staff_pin);
  ADD ("/staff/pin-locked-across-restart", test_staff_pin_locked_across_restart);
  ADD ("/staff/pin-four-wrong-not-locked", test_staff_pin_four_wrong_not_locked);
  ADD ("/staff/pin-old-short-pin", test_staff_pin_old_short_pin);
#undef ADD
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
