/* Import: every refusal imports nothing of the bundle; nothing counts twice. */
#include <glib/gstdio.h>
#include <string.h>

#include "sayso-export.h"
#include "sayso-import.h"
#include "sayso-setup.h"
#include "sayso-test-utils.h"

static SaysoQuestionnaire *survey;
static SaysoQuestionnaire *tiny;

static const char tiny_json[] =
  "{\"format\":1,\"id\":\"tiny\",\"version\":2,\"languages\":[\"en\"],\"title\":{\"en\":\"T\"},"
  "\"sections\":[{\"id\":\"s\",\"title\":{\"en\":\"S\"}}],"
  "\"questions\":[{\"id\":\"t\",\"section\":\"s\",\"kind\":\"text\",\"max_length\":10,\"text\":{\"en\":\"T\"}}]}";

typedef struct
{
  TestStore        kiosk;
  char            *stick;
  char            *db_path;
  SaysoAnalysisDb *db;
  GPtrArray       *questionnaires;
} Fixture;

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  test_store_setup (&f->kiosk, data);
  f->stick = g_build_filename (f->kiosk.dir, "stick", NULL);
  g_mkdir (f->stick, 0700);
  f->db_path = g_build_filename (f->kiosk.dir, "analysis.db", NULL);
  f->db = sayso_analysis_db_open (f->db_path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_analysis_db_enroll (f->db, sayso_store_get_kiosk_key (f->kiosk.store), "Dorset", &error));
  f->questionnaires = g_ptr_array_new ();
  g_ptr_array_add (f->questionnaires, survey);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->db, sayso_analysis_db_close);
  g_ptr_array_unref (f->questionnaires);
  g_free (f->stick);
  g_free (f->db_path);
  test_store_teardown (&f->kiosk, data);
}

static void
submit (SaysoStore *store,
        const char *how_often)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_response_set_choice (r, "how_often", how_often, &error));
  g_assert_true (sayso_store_submit (store, r, SAYSO_MODE_SELF, &error));
}

static char *
export (Fixture          *f,
        SaysoExportFlags  flags)
{
  g_autoptr(GError) error = NULL;
  SaysoExportResult result = { 0 };
  char *path;

  g_assert_true (sayso_store_export (f->kiosk.store, f->stick, flags, &result, &error));
  g_assert_no_error (error);
  path = g_steal_pointer (&result.path);
  sayso_export_result_clear (&result);
  return path;
}

static gint64
n_responses (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  gint64 total = -1;

  g_assert_true (sayso_analysis_db_count_responses (f->db, NULL, &total, NULL, &error));
  return total;
}

static void
test_import_and_reimport (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autoptr(GHashTable) counts = NULL;
  SaysoImportResult result = { 0 };
  gint64 by_mode[3], answered = 0;

  submit (f->kiosk.store, "monthly");
  submit (f->kiosk.store, "monthly");
  submit (f->kiosk.store, "weekly");
  first = export (f, SAYSO_EXPORT_DEFAULT);
  /* The stick was lost: the same records go out again in a second bundle. */
  again = export (f, SAYSO_EXPORT_AGAIN);

  g_assert_true (sayso_import_bundle (f->db, first, f->kiosk.sk, f->questionnaires, FALSE, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.added, ==, 3);
  g_assert_cmpstr (result.site, ==, "Dorset");
  sayso_import_result_clear (&result);

  g_assert_true (sayso_import_bundle (f->db, first, f->kiosk.sk, f->questionnaires, FALSE, &result, &error));
  g_assert_true (result.already_imported);
  sayso_import_result_clear (&result);

  g_assert_true (sayso_import_bundle (f->db, again, f->kiosk.sk, f->questionnaires, FALSE, &result, &error));
  g_assert_cmpint (result.added, ==, 0);
  g_assert_cmpint (result.duplicates, ==, 3);
  sayso_import_result_clear (&result);

  g_assert_cmpint (n_responses (f), ==, 3);
  g_assert_true (sayso_analysis_db_count_responses (f->db, NULL, NULL, by_mode, &error));
  g_assert_cmpint (by_mode[0], ==, 3);
  g_assert_true (sayso_analysis_db_count_answers (f->db, NULL, "how_often", &counts, &answered, &error));
  g_assert_cmpint (answered, ==, 3);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (counts, "monthly"), ==, 2);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (counts, "weekly"), ==, 1);
}

typedef struct
{
  Fixture           *f;
  const char        *path;
  SaysoImportResult  result;
  gboolean           ok;
} Race;

static gpointer
import_in_thread (gpointer data)
{
  Race *race = data;
  g_autoptr(GError) error = NULL;
  SaysoAnalysisDb *db = sayso_analysis_db_open (race->f->db_path, FALSE, &error);

  g_assert_no_error (error);
  race->ok = sayso_import_bundle (db, race->path, race->f->kiosk.sk, race->f->questionnaires, FALSE,
                                  &race->result, &error);
  g_assert_no_error (error);
  sayso_analysis_db_close (db);
  return NULL;
}

/* Two analysts import the same bundle at the same moment, each with their own
 * connection: one imports it, the other finds it imported. */
static void
test_two_imports_at_once (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = NULL;
  Race races[2] = { { 0 } };
  GThread *threads[2];

  for (guint i = 0; i < 40; i++)
    submit (f->kiosk.store, i % 2 ? "monthly" : "weekly");
  path = export (f, SAYSO_EXPORT_DEFAULT);

  for (guint i = 0; i < 2; i++)
    {
      races[i].f = f;
      races[i].path = path;
      threads[i] = g_thread_new ("import", import_in_thread, &races[i]);
    }
  for (guint i = 0; i < 2; i++)
    g_thread_join (threads[i]);

  g_assert_true (races[0].ok && races[1].ok);
  g_assert_cmpint (races[0].result.already_imported + races[1].result.already_imported, ==, 1);
  g_assert_cmpint (races[0].result.added + races[1].result.added, ==, 40);
  g_assert_cmpint (n_responses (f), ==, 40);
  sayso_import_result_clear (&races[0].result);
  sayso_import_result_clear (&races[1].result);
}

static void
assert_refused (Fixture          *f,
                const char       *path,
                gboolean          trust,
                GQuark            domain,
                int               code,
                const char       *words)
{
  g_autoptr(GError) error = NULL;
  SaysoImportResult result = { 0 };

  g_assert_false (sayso_import_bundle (f->db, path, f->kiosk.sk, f->questionnaires, trust, &result, &error));
  g_assert_error (error, domain, code);
  if (strstr (error->message, words) == NULL)
    g_error ("expected “%s” in “%s”", words, error->message);
  sayso_import_result_clear (&result);
  g_assert_cmpint (n_responses (f), ==, 0);
}

static void
test_wrong_key (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  SaysoImportResult result = { 0 };
  guint8 pk[32], sk[32];

  submit (f->kiosk.store, "monthly");
  path = export (f, SAYSO_EXPORT_DEFAULT);
  sayso_recipient_keypair_new (pk, sk);
  g_assert_false (sayso_import_bundle (f->db, path, sk, f->questionnaires, FALSE, &result, &error));
  g_assert_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_WRONG_KEY);
  g_assert_cmpint (n_responses (f), ==, 0);
}

static void
test_tampered (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  submit (f->kiosk.store, "monthly");
  submit (f->kiosk.store, "weekly");
  path = export (f, SAYSO_EXPORT_DEFAULT);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  contents[40 + 12336 + 7] ^= 0x04;
  g_assert_true (g_file_set_contents (path, contents, len, NULL));
  assert_refused (f, path, FALSE, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, "record 2 of 2");
}

static void
test_unknown_kiosk (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoStore) stranger = NULL;
  g_autofree char *stranger_path = g_build_filename (f->kiosk.dir, "stranger.db", NULL);
  g_autofree char *site = NULL;
  SaysoExportResult exported = { 0 };
  SaysoImportResult result = { 0 };

  stranger = sayso_store_create (stranger_path, "Elsewhere", f->kiosk.pk, &error);
  submit (stranger, "weekly");
  g_assert_true (sayso_store_export (stranger, f->stick, SAYSO_EXPORT_DEFAULT, &exported, &error));

  assert_refused (f, exported.path, FALSE, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_UNKNOWN_KIOSK, "which is not enrolled");

  g_assert_true (sayso_import_bundle (f->db, exported.path, f->kiosk.sk, f->questionnaires, TRUE, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.added, ==, 1);
  g_assert_true (sayso_analysis_db_lookup_kiosk (f->db, sayso_store_get_kiosk_key (stranger), &site, &error));
  g_assert_cmpstr (site, ==, "Elsewhere");
  sayso_import_result_clear (&result);
  sayso_export_result_clear (&exported);
}

/* One record of an unknown questionnaire version: nothing of the bundle. */
static void
test_unknown_questionnaire (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (tiny, "en");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SaysoImportResult result = { 0 };

  submit (f->kiosk.store, "monthly");
  g_assert_true (sayso_response_set_text (r, "t", "hi", &error));
  g_assert_true (sayso_store_submit (f->kiosk.store, r, SAYSO_MODE_PAPER, &error));
  submit (f->kiosk.store, "weekly");
  path = export (f, SAYSO_EXPORT_DEFAULT);

  assert_refused (f, path, FALSE, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_UNKNOWN_QUESTIONNAIRE, "“tiny” version 2");

  g_ptr_array_add (f->questionnaires, tiny);
  g_assert_true (sayso_import_bundle (f->db, path, f->kiosk.sk, f->questionnaires, FALSE, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result.added, ==, 3);
  sayso_import_result_clear (&result);
}

/* A store restored from backup: the same number, other records. */
static void
test_replayed_sequence (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy_path = g_build_filename (f->kiosk.dir, "restored.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *stick2 = g_build_filename (f->kiosk.dir, "stick2", NULL);
  g_autoptr(SaysoStore) restored = NULL;
  g_autofree char *first = NULL;
  SaysoExportResult other = { 0 };
  SaysoImportResult result = { 0 };
  gsize len = 0;

  g_clear_object (&f->kiosk.store);
  g_assert_true (g_file_get_contents (f->kiosk.path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy_path, contents, len, NULL));
  f->kiosk.store = sayso_store_open (f->kiosk.path, &error);
  restored = sayso_store_open (copy_path, &error);
  g_assert_no_error (error);
  g_mkdir (stick2, 0700);

  submit (f->kiosk.store, "monthly");
  submit (restored, "weekly");
  first = export (f, SAYSO_EXPORT_DEFAULT);
  g_assert_true (sayso_store_export (restored, stick2, SAYSO_EXPORT_DEFAULT, &other, &error));

  g_assert_true (sayso_import_bundle (f->db, first, f->kiosk.sk, f->questionnaires, FALSE, &result, &error));
  sayso_import_result_clear (&result);
  g_assert_false (sayso_import_bundle (f->db, other.path, f->kiosk.sk, f->questionnaires, FALSE, &result, &error));
  g_assert_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_REPLAYED);
  g_assert_cmpint (n_responses (f), ==, 1);
  sayso_import_result_clear (&result);
  sayso_export_result_clear (&other);
}

static void
test_protected_key (void)
{
  g_autofree char *dir = test_make_tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "recipient.key", NULL);
  g_autoptr(GError) error = NULL;
  guint8 pk[32], sk[32], back[32];

  sayso_recipient_keypair_new (pk, sk);
  g_assert_false (sayso_secret_key_write_protected (sk, "short", path, &error));
  g_clear_error (&error);
  g_assert_true (sayso_secret_key_write_protected (sk, "correct horse battery", path, &error));
  g_assert_no_error (error);
  g_assert_true (sayso_secret_key_is_protected (path));
  g_assert_false (test_file_contains (path, "sayso-recipient-secret-key "));

  g_assert_false (sayso_secret_key_read (path, NULL, back, &error));
  g_assert_nonnull (strstr (error->message, "none was given"));
  g_clear_error (&error);
  g_assert_false (sayso_secret_key_read (path, "wrong horse battery", back, &error));
  g_assert_nonnull (strstr (error->message, "wrong passphrase"));
  g_clear_error (&error);
  g_assert_true (sayso_secret_key_read (path, "correct horse battery", back, &error));
  g_assert_cmpmem (back, 32, sk, 32);

  test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();
  bytes = g_bytes_new_static (tiny_json, sizeof tiny_json - 1);
  tiny = sayso_questionnaire_new_from_bytes (bytes, "tiny", &error);
  g_assert_no_error (error);

#define ADD(path, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/import/two-imports-at-once", test_two_imports_at_once);
  ADD ("/import/import-and-reimport", test_import_and_reimport);
  ADD ("/import/wrong-key", test_wrong_key);
  ADD ("/import/tampered", test_tampered);
  ADD ("/import/unknown-kiosk", test_unknown_kiosk);
  ADD ("/import/unknown-questionnaire", test_unknown_questionnaire);
  ADD ("/import/replayed-sequence", test_replayed_sequence);
#undef ADD
  g_test_add_func ("/import/protected-key", test_protected_key);

  ret = g_test_run ();
  g_object_unref (survey);
  g_object_unref (tiny);
  return ret;
}
