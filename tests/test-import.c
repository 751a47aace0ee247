/* Import: every refusal imports nothing of the bundle; nothing counts twice. */
#include <glib/gstdio.h>
#include <sodium.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-db.h"
#include "sayso-export.h"
#include "sayso-import.h"
#include "sayso-setup.h"
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
  SaysoExportResult other = { 0 };
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
  ADD ("/import/mixed-bundle", test_mixed_bundle);
  ADD ("/import/conflict", test_conflict);
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
