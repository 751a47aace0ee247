/* Import: every refusal imports nothing of the bundle; nothing counts twice. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-db.h"
#include "sayso-export.h"
#include "sayso-import.h"
#include "sayso-process.h"
#include "sayso-store-private.h"
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
  g_auto(SaysoExportResult) result = { 0 };
  char *path;

  g_assert_true (sayso_store_export (f->kiosk.store, f->stick, flags, &result, &error));
  g_assert_no_error (error);
  path = g_steal_pointer (&result.path);
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
set_aside (Fixture *f,
           gint64  *quarantined,
           gint64  *conflicts)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_analysis_db_count_set_aside (f->db, quarantined, conflicts, &error));
  g_assert_no_error (error);
}

/* A record as the kiosk keeps it, sealed. */
typedef struct
{
  guint8  id[16];
  char   *questionnaire;
  gint64  version;
  GBytes *sealed;
} Sealed;

static void
sealed_free (Sealed *one)
{
  g_free (one->questionnaire);
  g_bytes_unref (one->sealed);
  g_free (one);
}

static Sealed *
sealed_new (const guint8  id[16],
            const char   *questionnaire,
            gint64        version,
            GBytes       *sealed)
{
  Sealed *one = g_new0 (Sealed, 1);

  memcpy (one->id, id, sizeof one->id);
  one->questionnaire = g_strdup (questionnaire);
  one->version = version;
  one->sealed = g_bytes_ref (sealed);
  return one;
}

static gboolean
collect_sealed (const SaysoDbRecord *stored,
                gpointer             user_data)
{
  g_autoptr(GBytes) bytes = g_bytes_new (stored->sealed, stored->sealed_size);

  g_ptr_array_add (user_data, sealed_new (stored->id, stored->questionnaire, stored->version, bytes));
  return TRUE;
}

/* Every record of the kiosk's store, in the store's order. */
static GPtrArray *
stored_records (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) sealed_free);

  g_assert_true (sayso_db_foreach_response (_sayso_store_get_db (f->kiosk.store), collect_sealed, all, &error));
  g_assert_no_error (error);
  return all;
}

static gboolean
append_bytes (gconstpointer   data,
              gsize           len,
              gpointer        user_data,
              GError        **error)
{
  g_byte_array_append (user_data, data, len);
  return TRUE;
}

/* A bundle of these records, signed with the kiosk's own key from its store:
 * what that kiosk, or a copy of its store, could sign. */
static char *
signed_bundle (Fixture    *f,
               const char *name,
               gint64      sequence,
               GPtrArray  *records)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(SaysoBundleWriter) writer = NULL;
  SaysoDbKiosk kiosk = { 0 };
  char *path = g_build_filename (f->stick, name, NULL);

  g_assert_true (sayso_db_get_kiosk (_sayso_store_get_db (f->kiosk.store), &kiosk, &error));
  g_assert_no_error (error);
  writer = sayso_bundle_writer_new (append_bytes, out, kiosk.sign_pk, kiosk.sign_sk, kiosk.site, sequence,
                                    "2026-11-30", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < records->len; i++)
    {
      Sealed *one = g_ptr_array_index (records, i);
      gsize len = 0;
      const guint8 *bytes = g_bytes_get_data (one->sealed, &len);

      g_assert_true (sayso_bundle_writer_add (writer, one->id, one->questionnaire, one->version, bytes, len, NULL, &error));
    }
  g_assert_true (sayso_bundle_writer_finish (writer, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, (const char *) out->data, out->len, &error));
  sayso_db_kiosk_clear (&kiosk);
  return path;
}

static SaysoImportResult
import_ok (Fixture      *f,
           const char   *path,
           const guint8 *sk)
{
  g_autoptr(GError) error = NULL;
  SaysoImportResult result = { 0 };

  g_assert_true (sayso_import_bundle (f->db, path, sk ? sk : f->kiosk.sk, f->questionnaires, FALSE, &result, &error));
  g_assert_no_error (error);
  return result;
}

/* Retries the quarantine; returns how many opened now, and *still how many stay. */
static gint64
retry (Fixture      *f,
       const guint8 *sk,
       gint64       *still)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) results = NULL;
  gint64 released = 0;

  *still = 0;
  g_assert_true (sayso_import_retry_quarantine (f->db, sk, f->questionnaires, &results, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < results->len; i++)
    {
      SaysoImportResult *r = g_ptr_array_index (results, i);
      g_assert_cmpint (r->released, ==, r->added);
      released += r->added;
      *still += r->quarantined;
    }
  return released;
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
  /* Nothing of a refused bundle is kept aside either. */
  {
    gint64 quarantined = -1, conflicts = -1;
    set_aside (f, &quarantined, &conflicts);
    g_assert_cmpint (quarantined, ==, 0);
    g_assert_cmpint (conflicts, ==, 0);
  }
}

/* Records sealed to another key (the analysts rotated their key, and this
 * kiosk seals to the new one) are kept in quarantine, whole, and open once
 * the import is retried with that key. */
static void
test_wrong_key (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = NULL;
  SaysoImportResult result = { 0 };
  gint64 quarantined = 0, still = 0;
  guint8 pk[32], sk[32];

  submit (f->kiosk.store, "monthly");
  submit (f->kiosk.store, "weekly");
  path = export (f, SAYSO_EXPORT_DEFAULT);
  sayso_recipient_keypair_new (pk, sk);
  result = import_ok (f, path, sk);
  g_assert_cmpint (result.added, ==, 0);
  g_assert_cmpint (result.quarantined, ==, 2);
  g_assert_cmpint (result.by_reason[SAYSO_IMPORT_SEALED_TO_ANOTHER_KEY], ==, 2);
  g_assert_cmpint (n_responses (f), ==, 0);
  sayso_import_result_clear (&result);
  set_aside (f, &quarantined, NULL);
  g_assert_cmpint (quarantined, ==, 2);

  /* Imported again with the same wrong key: already imported, and it says
   * that its records still wait in quarantine. */
  result = import_ok (f, path, sk);
  g_assert_true (result.already_imported);
  g_assert_cmpint (result.quarantined, ==, 2);
  sayso_import_result_clear (&result);

  /* Negative control: the wrong key again opens nothing. */
  g_assert_cmpint (retry (f, sk, &still), ==, 0);
  g_assert_cmpint (still, ==, 2);
  g_assert_cmpint (n_responses (f), ==, 0);

  g_assert_cmpint (retry (f, f->kiosk.sk, &still), ==, 2);
  g_assert_cmpint (still, ==, 0);
  g_assert_cmpint (n_responses (f), ==, 2);
  set_aside (f, &quarantined, NULL);
  g_assert_cmpint (quarantined, ==, 0);

  /* The same bundle once more: both counted once. */
  result = import_ok (f, path, NULL);
  g_assert_true (result.already_imported);
  g_assert_cmpint (result.quarantined, ==, 0);
  sayso_import_result_clear (&result);
  g_assert_cmpint (n_responses (f), ==, 2);
}

/* One bundle, some records sealed to this key and one to another, one whose
 * plaintext is no record: the good ones are imported, the others kept. */
static void
test_mixed_bundle (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("{\"not\": \"a record\"}", 20);
  g_autoptr(GBytes) junk = NULL;
  g_autoptr(GBytes) other = NULL;
  g_autofree char *path = NULL;
  SaysoImportResult result = { 0 };
  guint8 pk[32], sk[32], id[16];
  gint64 quarantined = 0, still = 0;

  for (guint i = 0; i < 4; i++)
    submit (f->kiosk.store, i % 2 ? "monthly" : "weekly");
  records = stored_records (f);
  sayso_recipient_keypair_new (pk, sk);
  /* A record of the same kind, sealed to the other key. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) plain = sayso_unseal (f->kiosk.sk, ((Sealed *) g_ptr_array_index (records, 0))->sealed, &error);
    g_assert_no_error (error);
    other = sayso_seal (pk, plain, 12288, &error);
    g_assert_no_error (error);
    junk = sayso_seal (f->kiosk.pk, garbage, 12288, &error);
    g_assert_no_error (error);
  }
  randombytes_buf (id, sizeof id);
  g_ptr_array_add (records, sealed_new (id, "hmip-user-voice", 1, other));
  randombytes_buf (id, sizeof id);
  g_ptr_array_add (records, sealed_new (id, "hmip-user-voice", 1, junk));
  path = signed_bundle (f, "mixed.sayso", 1, records);

  result = import_ok (f, path, NULL);
  g_assert_false (result.already_imported);
  g_assert_cmpint (result.records, ==, 6);
  g_assert_cmpint (result.added, ==, 4);
  g_assert_cmpint (result.quarantined, ==, 2);
  g_assert_cmpint (result.by_reason[SAYSO_IMPORT_SEALED_TO_ANOTHER_KEY], ==, 1);
  g_assert_cmpint (result.by_reason[SAYSO_IMPORT_NOT_A_RECORD], ==, 1);
  g_assert_cmpint (n_responses (f), ==, 4);
  sayso_import_result_clear (&result);

  /* The other key opens its record; the junk stays, now as not a record. */
  g_assert_cmpint (retry (f, sk, &still), ==, 1);
  g_assert_cmpint (still, ==, 1);
  g_assert_cmpint (n_responses (f), ==, 5);
  set_aside (f, &quarantined, NULL);
  g_assert_cmpint (quarantined, ==, 1);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) left = NULL;
    g_assert_true (sayso_analysis_db_list_quarantine (f->db, &left, &error));
    g_assert_cmpuint (left->len, ==, 1);
    g_assert_cmpstr (((SaysoAnalysisQuarantined *) g_ptr_array_index (left, 0))->reason, ==, "not-a-record");
    g_assert_cmpstr (((SaysoAnalysisQuarantined *) g_ptr_array_index (left, 0))->file_name, ==, "mixed.sayso");
  }
}

/* The same kiosk and record id with other bytes: reported and kept aside,
 * never counted, never taken for "already imported". */
static void
test_conflict (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) second = g_ptr_array_new_with_free_func ((GDestroyNotify) sealed_free);
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *path = NULL;
  SaysoImportResult result = { 0 };
  gint64 conflicts = 0, answered = 0;
  Sealed *a = NULL, *c = NULL;

  submit (f->kiosk.store, "monthly");
  submit (f->kiosk.store, "monthly");
  first = export (f, SAYSO_EXPORT_DEFAULT);
  submit (f->kiosk.store, "weekly");
  records = stored_records (f);
  result = import_ok (f, first, NULL);
  g_assert_cmpint (result.added, ==, 2);
  sayso_import_result_clear (&result);

  /* Bundle 2: the record submitted since, and the id of one exported in
   * bundle 1 over the bytes of the new one ("weekly" where it said
   * "monthly"). */
  {
    g_autoptr(SaysoBundle) bundle = sayso_bundle_open (first, NULL, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < records->len; i++)
      {
        Sealed *one = g_ptr_array_index (records, i);
        gboolean exported = FALSE;
        for (guint j = 0; j < bundle->entries->len; j++)
          exported |= memcmp (((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, j))->id, one->id, 16) == 0;
        if (exported)
          a = one;
        else
          c = one;
      }
  }
  g_assert_nonnull (a);
  g_assert_nonnull (c);
  g_ptr_array_add (second, sealed_new (c->id, c->questionnaire, c->version, c->sealed));
  g_ptr_array_add (second, sealed_new (a->id, a->questionnaire, a->version, c->sealed));
  path = signed_bundle (f, "conflict.sayso", 2, second);

  result = import_ok (f, path, NULL);
  g_assert_cmpint (result.added, ==, 1);
  g_assert_cmpint (result.duplicates, ==, 0);
  g_assert_cmpint (result.conflicts, ==, 1);
  sayso_import_result_clear (&result);
  set_aside (f, NULL, &conflicts);
  g_assert_cmpint (conflicts, ==, 1);

  /* Counted as first imported: two "monthly" and the new "weekly". */
  g_assert_cmpint (n_responses (f), ==, 3);
  g_assert_true (sayso_analysis_db_count_answers (f->db, NULL, "how_often", &counts, &answered, &error));
  g_assert_cmpint (answered, ==, 3);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (counts, "monthly"), ==, 2);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (counts, "weekly"), ==, 1);

  /* Negative control: the same bytes under the same id are no conflict. */
  g_ptr_array_set_size (second, 0);
  g_ptr_array_add (second, sealed_new (a->id, a->questionnaire, a->version, a->sealed));
  g_free (path);
  path = signed_bundle (f, "again.sayso", 3, second);
  result = import_ok (f, path, NULL);
  g_assert_cmpint (result.duplicates, ==, 1);
  g_assert_cmpint (result.conflicts, ==, 0);
  sayso_import_result_clear (&result);
  set_aside (f, NULL, &conflicts);
  g_assert_cmpint (conflicts, ==, 1);
  g_assert_cmpint (n_responses (f), ==, 3);
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
  g_auto(SaysoExportResult) exported = { 0 };
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
}

/* `sayso import` as an analyst runs it; its exit status, or -1 if it died of a signal. */
static int
run_import (Fixture     *f,
            char       **out,
            char       **err,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = g_build_filename (f->kiosk.dir, "recipient.key", NULL);
  const char *arg;
  va_list args;

  if (!g_file_test (key, G_FILE_TEST_EXISTS))
    {
      g_assert_true (sayso_key_write_file (SAYSO_KEY_RECIPIENT_SECRET, f->kiosk.sk, key, &error));
      g_assert_no_error (error);
    }
  g_ptr_array_add (argv, g_strdup (test_sayso_binary ()));
  g_ptr_array_add (argv, g_strdup ("import"));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (f->db_path));
  g_ptr_array_add (argv, g_strdup ("--key"));
  g_ptr_array_add (argv, g_strdup (key));
  va_start (args, err);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  proc = g_subprocess_newv ((const char * const *) argv->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, out, err, &error);
  g_assert_no_error (error);
  return g_subprocess_get_if_exited (proc) ? g_subprocess_get_exit_status (proc) : -1;
}

/* A bundle of at most one record, as a kiosk holding @sk would sign it,
 * around any manifest: what an attacker with a kiosk's key, or a kiosk's bug, could make.
 * With @forge the signature is of other bytes. */
static char *
craft_bundle (Fixture      *f,
              const char   *name,
              const guint8  pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
              const guint8  sk[SAYSO_SIGN_SECRET_KEY_SIZE],
              const char   *manifest,
              GBytes       *record,
              gboolean      forge)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  g_autoptr(GByteArray) signed_part = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->stick, name, NULL);
  guint32 len = strlen (manifest);
  guint8 sig[crypto_sign_BYTES];
  guint8 len_le[4] = { len & 0xff, (len >> 8) & 0xff, (len >> 16) & 0xff, len >> 24 };

  g_byte_array_append (signed_part, pk, SAYSO_SIGN_PUBLIC_KEY_SIZE);
  g_byte_array_append (signed_part, (const guint8 *) manifest, len);
  if (forge)
    signed_part->data[signed_part->len - 1] ^= 1;
  crypto_sign_detached (sig, NULL, signed_part->data, signed_part->len, sk);

  g_byte_array_append (bytes, (const guint8 *) "SAYSOBN1", 8);
  g_byte_array_append (bytes, pk, SAYSO_SIGN_PUBLIC_KEY_SIZE);
  if (record)
    g_byte_array_append (bytes, g_bytes_get_data (record, NULL), g_bytes_get_size (record));
  g_byte_array_append (bytes, (const guint8 *) manifest, len);
  g_byte_array_append (bytes, sig, sizeof sig);
  g_byte_array_append (bytes, len_le, sizeof len_le);
  g_byte_array_append (bytes, (const guint8 *) "SAYSOEND", 8);
  g_assert_true (g_file_set_contents (path, (const char *) bytes->data, bytes->len, &error));
  g_assert_no_error (error);
  return path;
}

static char *
manifest_around (const guint8  pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                 const char   *records)
{
  g_autofree char *kiosk = g_base64_encode (pk, SAYSO_SIGN_PUBLIC_KEY_SIZE);

  return g_strdup_printf ("{\"sayso_bundle\":1,\"kiosk\":\"%s\",\"site\":\"Crafted\",\"sequence\":1,"
                          "\"day\":\"2026-11-23\",\"record_count\":%d,\"records\":%s}",
                          kiosk, g_str_has_prefix (records, "[]") ? 0 : 1, records);
}

static char *
brackets (guint levels)
{
  return g_strnfill (levels, '[');
}

/* Issue 11: a stick with a crafted file must not stop the import. A
 * stranger's bundle, its manifest 100,000 brackets deep and its signature
 * false, is refused as from an unknown kiosk (so neither the signature nor
 * the manifest was looked at), and the bundle named after it imports. */
static void
test_unknown_kiosk_deep_manifest (Fixture       *f,
                                  gconstpointer  data)
{
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], sk[SAYSO_SIGN_SECRET_KEY_SIZE];
  g_autofree char *deep = brackets (100000);
  g_autofree char *manifest = NULL;
  g_autofree char *crafted = NULL;
  g_autofree char *signed_crafted = NULL;
  g_autofree char *good = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *refusal = NULL;
  g_autofree char *imported = NULL;

  sayso_sign_keypair_new (pk, sk);
  manifest = manifest_around (pk, deep);
  crafted = craft_bundle (f, "crafted.sayso", pk, sk, manifest, NULL, TRUE);
  signed_crafted = craft_bundle (f, "signed-crafted.sayso", pk, sk, manifest, NULL, FALSE);
  submit (f->kiosk.store, "monthly");
  good = export (f, SAYSO_EXPORT_DEFAULT);

  g_assert_cmpint (run_import (f, &out, &err, crafted, good, NULL), ==, 2);
  refusal = g_strdup_printf ("sayso: REFUSED %s: made by unknown kiosk ", crafted);
  g_assert_nonnull (strstr (err, refusal));
  imported = g_strdup_printf ("%s: 1 new response from “Dorset”", good);
  g_assert_nonnull (strstr (out, imported));
  g_assert_cmpint (n_responses (f), ==, 1);

  /* The controls: trusted, the same file reaches the signature check; with
   * a true signature it reaches the manifest, whose depth is refused. */
  g_assert_cmpint (run_import (f, NULL, &err2, "--trust-unknown", crafted, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "the signature does not match"));
  g_assert_cmpint (run_import (f, NULL, &err3, "--trust-unknown", signed_crafted, NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "nested deeper than the 4 levels a manifest may have"));
  g_assert_cmpint (n_responses (f), ==, 1);
}

/* An enrolled kiosk's correctly signed bundle whose manifest is too deep:
 * refused, naming the bundle and the place in the manifest, by import and
 * by verify. The same bundle with a manifest at the limit reaches the
 * ordinary checks, and one of normal shape imports. */
static void
test_deep_manifest_signed (Fixture       *f,
                           gconstpointer  data)
{
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], sk[SAYSO_SIGN_SECRET_KEY_SIZE];
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = brackets (100000);
  g_autofree char *deep_manifest = NULL;
  g_autofree char *at_limit_manifest = NULL;
  g_autofree char *over_limit_manifest = NULL;
  g_autofree char *empty_manifest = NULL;
  g_autofree char *deep_path = NULL;
  g_autofree char *at_limit = NULL;
  g_autofree char *over_limit = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *err4 = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;
  const char *verify_argv[] = { test_sayso_binary (), "verify", NULL, NULL };
  g_autoptr(GSubprocess) verify = NULL;
  g_autofree char *verify_err = NULL;

  sayso_sign_keypair_new (pk, sk);
  g_assert_true (sayso_analysis_db_enroll (f->db, pk, "Crafted", &error));
  g_assert_no_error (error);
  deep_manifest = manifest_around (pk, deep);
  at_limit_manifest = manifest_around (pk, "[{\"id\":[1]}]");
  over_limit_manifest = manifest_around (pk, "[{\"id\":[[1]]}]");
  empty_manifest = manifest_around (pk, "[]");
  deep_path = craft_bundle (f, "deep.sayso", pk, sk, deep_manifest, NULL, FALSE);
  at_limit = craft_bundle (f, "at-limit.sayso", pk, sk, at_limit_manifest, NULL, FALSE);
  over_limit = craft_bundle (f, "over-limit.sayso", pk, sk, over_limit_manifest, NULL, FALSE);
  empty = craft_bundle (f, "empty.sayso", pk, sk, empty_manifest, NULL, FALSE);

  /* The records list opens at column 150 (the base64 key is 44 characters). */
  expected = g_strdup_printf ("sayso: REFUSED %s: the manifest:1:153: nested deeper than the 4 levels a manifest may have",
                              deep_path);
  g_assert_cmpint (run_import (f, NULL, &err, deep_path, NULL), ==, 2);
  g_assert_nonnull (strstr (err, expected));

  verify_argv[2] = deep_path;
  verify = g_subprocess_newv (verify_argv, G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (verify, NULL, NULL, NULL, &verify_err, &error));
  g_assert_true (g_subprocess_get_if_exited (verify));
  g_assert_cmpint (g_subprocess_get_exit_status (verify), ==, 2);
  g_assert_nonnull (strstr (verify_err, "nested deeper than the 4 levels a manifest may have"));

  g_assert_cmpint (run_import (f, NULL, &err2, at_limit, NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "manifest record 1 is incomplete"));
  g_assert_null (strstr (err2, "nested deeper"));
  g_assert_cmpint (run_import (f, NULL, &err3, over_limit, NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "nested deeper than the 4 levels a manifest may have"));

  g_assert_cmpint (run_import (f, &out, &err4, empty, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "0 new responses from “Crafted”"));
  g_assert_cmpint (n_responses (f), ==, 0);

  /* Cut short after its header, a bundle is still called truncated, though
   * only the header is read before the kiosk is known. */
  {
    g_autofree char *cut = g_build_filename (f->stick, "cut.sayso", NULL);
    g_autofree char *contents = NULL;
    g_autofree char *err5 = NULL;

    g_assert_true (g_file_get_contents (deep_path, &contents, NULL, NULL));
    g_assert_true (g_file_set_contents (cut, contents, 60, NULL));
    g_assert_cmpint (run_import (f, NULL, &err5, cut, NULL), ==, 2);
    g_assert_nonnull (strstr (err5, "truncated: the end marker is missing"));
  }
}

/* A record sealed to the analysts and listed in a signed manifest. */
static char *
craft_record_bundle (Fixture      *f,
                     const char   *name,
                     const guint8  pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                     const guint8  sk[SAYSO_SIGN_SECRET_KEY_SIZE],
                     const char   *plaintext)
{
  g_autoptr(SaysoSealer) sealer = sayso_sealer_new (f->kiosk.pk);
  g_autoptr(GBytes) plain = g_bytes_new (plaintext, strlen (plaintext));
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *hash_hex = NULL;
  g_autofree char *records = NULL;
  g_autofree char *manifest = NULL;
  guint8 raw_id[16];
  guint8 hash[SAYSO_BUNDLE_HASH_SIZE];

  sealed = sayso_sealer_seal (sealer, plain, (strlen (plaintext) / 4096 + 1) * 4096, &error);
  g_assert_no_error (error);
  sayso_random_bytes (raw_id, sizeof raw_id);
  id = sayso_hex (raw_id, sizeof raw_id);
  sayso_bundle_record_hash (g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed), hash);
  hash_hex = sayso_hex (hash, sizeof hash);
  records = g_strdup_printf ("[{\"id\":\"%s\",\"questionnaire\":\"hmip-user-voice\",\"version\":1,"
                             "\"size\":%" G_GSIZE_FORMAT ",\"blake2b\":\"%s\"}]",
                             id, g_bytes_get_size (sealed), hash_hex);
  manifest = manifest_around (pk, records);
  return craft_bundle (f, name, pk, sk, manifest, sealed, FALSE);
}

/* The plaintext of a record is a door at import: one nested 100,000 deep
 * in a bundle with a true signature and hash is not read, and waits in
 * quarantine with the place named; at the limit (4) it reaches the check
 * against its questionnaire. */
static void
test_deep_record (Fixture       *f,
                  gconstpointer  data)
{
  const char *head = "{\"sayso_record\":1,\"questionnaire\":\"hmip-user-voice\",\"version\":1,\"day\":\"2026-11-23\","
                     "\"mode\":\"self\",\"site\":\"Crafted\",\"language\":\"en\",\"answers\":{\"what_good\":";
  guint8 pk[SAYSO_SIGN_PUBLIC_KEY_SIZE], sk[SAYSO_SIGN_SECRET_KEY_SIZE];
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = brackets (100000);
  g_autofree char *deep_text = g_strconcat (head, deep, NULL);
  g_autofree char *at_limit_text = g_strconcat (head, "[[\"travel\"]]}}", NULL);
  g_autofree char *deep_path = NULL;
  g_autofree char *at_limit = NULL;
  g_autofree char *err = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *column = g_strdup_printf ("record:1:%" G_GSIZE_FORMAT ": nested deeper than the 4 levels a record may have",
                                             strlen (head) + 3);

  sayso_sign_keypair_new (pk, sk);
  g_assert_true (sayso_analysis_db_enroll (f->db, pk, "Crafted", &error));
  g_assert_no_error (error);
  deep_path = craft_record_bundle (f, "deep-record.sayso", pk, sk, deep_text);
  at_limit = craft_record_bundle (f, "at-limit-record.sayso", pk, sk, at_limit_text);

  g_assert_cmpint (run_import (f, NULL, &err, deep_path, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "1 record not a readable Sayso record, kept in quarantine"));
  g_assert_cmpint (run_import (f, NULL, &err2, at_limit, NULL), ==, 1);
  g_assert_cmpint (n_responses (f), ==, 0);

  /* Why each waits, as the analysts read it from the database. */
  {
    sqlite3 *db;
    sqlite3_stmt *stmt;
    guint seen = 0;

    g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT file_name, detail FROM quarantine", -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        const char *file = (const char *) sqlite3_column_text (stmt, 0);
        const char *detail = (const char *) sqlite3_column_text (stmt, 1);

        seen++;
        if (strstr (file, "deep-record"))
          g_assert_nonnull (strstr (detail, column));
        else
          {
            g_assert_nonnull (strstr (detail, "does not fit its questionnaire"));
            g_assert_null (strstr (detail, "nested deeper"));
          }
      }
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    g_assert_cmpuint (seen, ==, 2);
  }
}

/* One record of an unknown questionnaire version: the others are imported,
 * it waits in quarantine until the questionnaire is given. */
static void
test_unknown_questionnaire (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (tiny, "en");
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  SaysoImportResult result = { 0 };
  gint64 still = 0;

  submit (f->kiosk.store, "monthly");
  g_assert_true (sayso_response_set_text (r, "t", "hi", &error));
  g_assert_true (sayso_store_submit (f->kiosk.store, r, SAYSO_MODE_PAPER, &error));
  submit (f->kiosk.store, "weekly");
  path = export (f, SAYSO_EXPORT_DEFAULT);

  result = import_ok (f, path, NULL);
  g_assert_cmpint (result.added, ==, 2);
  g_assert_cmpint (result.quarantined, ==, 1);
  g_assert_cmpint (result.by_reason[SAYSO_IMPORT_QUESTIONNAIRE_UNKNOWN], ==, 1);
  g_assert_cmpstr (result.unknown_questionnaires, ==, "“tiny” version 2");
  g_assert_cmpint (n_responses (f), ==, 2);
  sayso_import_result_clear (&result);

  g_ptr_array_add (f->questionnaires, tiny);
  g_assert_cmpint (retry (f, f->kiosk.sk, &still), ==, 1);
  g_assert_cmpint (still, ==, 0);
  g_assert_cmpint (n_responses (f), ==, 3);
}

/* A store restored from a backup: the same number, other records. The
 * records not seen before are imported, those seen before count once; a
 * bundle under that number whose signature fails is still refused. */
static void
test_replayed_sequence (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *copy_path = g_build_filename (f->kiosk.dir, "restored.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *stick2 = g_build_filename (f->kiosk.dir, "stick2", NULL);
  g_autofree char *forged = g_build_filename (f->kiosk.dir, "forged.sayso", NULL);
  g_autoptr(SaysoStore) restored = NULL;
  g_autofree char *first = NULL;
  g_auto(SaysoExportResult) other = { 0 };
  SaysoImportResult result = { 0 };
  gsize len = 0;

  /* Submitted before the backup: in both stores' first bundle. */
  submit (f->kiosk.store, "fortnightly");
  g_clear_object (&f->kiosk.store);
  g_assert_true (g_file_get_contents (f->kiosk.path, &contents, &len, NULL));
  g_assert_true (g_file_set_contents (copy_path, contents, len, NULL));
  g_clear_pointer (&contents, g_free);
  f->kiosk.store = sayso_store_open (f->kiosk.path, &error);
  restored = sayso_store_open (copy_path, &error);
  g_assert_no_error (error);
  g_mkdir (stick2, 0700);

  submit (f->kiosk.store, "monthly");
  submit (restored, "weekly");
  submit (restored, "weekly");
  first = export (f, SAYSO_EXPORT_DEFAULT);
  g_assert_true (sayso_store_export (restored, stick2, SAYSO_EXPORT_DEFAULT, &other, &error));

  result = import_ok (f, first, NULL);
  g_assert_cmpint (result.added, ==, 2);
  g_assert_false (result.restored);
  sayso_import_result_clear (&result);

  /* Negative control: the restored kiosk's bundle with its signature broken. */
  g_assert_true (g_file_get_contents (other.path, &contents, &len, NULL));
  contents[len - 12 - 30] ^= 0x01;
  g_assert_true (g_file_set_contents (forged, contents, len, NULL));
  g_assert_false (sayso_import_bundle (f->db, forged, f->kiosk.sk, f->questionnaires, FALSE, &result, &error));
  g_assert_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_cmpint (n_responses (f), ==, 2);

  result = import_ok (f, other.path, NULL);
  g_assert_true (result.restored);
  g_assert_cmpint (result.sequence, ==, 1);
  g_assert_cmpint (result.added, ==, 2);
  g_assert_cmpint (result.duplicates, ==, 1);
  g_assert_cmpint (result.conflicts, ==, 0);
  sayso_import_result_clear (&result);
  g_assert_cmpint (n_responses (f), ==, 4);

  /* Both bundles 1 are known now: each is "already imported". */
  result = import_ok (f, other.path, NULL);
  g_assert_true (result.already_imported);
  sayso_import_result_clear (&result);
  result = import_ok (f, first, NULL);
  g_assert_true (result.already_imported);
  sayso_import_result_clear (&result);
  g_assert_cmpint (n_responses (f), ==, 4);
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
  ADD ("/import/mixed-bundle", test_mixed_bundle);
  ADD ("/import/conflict", test_conflict);
  ADD ("/import/tampered", test_tampered);
  ADD ("/import/unknown-kiosk", test_unknown_kiosk);
  ADD ("/import/unknown-kiosk-deep-manifest", test_unknown_kiosk_deep_manifest);
  ADD ("/import/deep-manifest-signed", test_deep_manifest_signed);
  ADD ("/import/deep-record", test_deep_record);
  ADD ("/import/unknown-questionnaire", test_unknown_questionnaire);
  ADD ("/import/replayed-sequence", test_replayed_sequence);
#undef ADD
  g_test_add_func ("/import/protected-key", test_protected_key);

  ret = g_test_run ();
  g_object_unref (survey);
  g_object_unref (tiny);
  return ret;
}
