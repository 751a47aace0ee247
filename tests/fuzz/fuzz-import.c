/* libFuzzer: the import path past the signature. The input is the plaintext
 * of a record; the harness seals it to a known key and wraps it in a bundle
 * signed by an enrolled kiosk, so that the fuzzer reaches what a genuine but
 * buggy (or stolen) kiosk could send: record decoding, checking against the
 * questionnaire and storing. */
#include <glib/gstdio.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-import.h"
#include "sayso-process.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static gboolean
write_to (gconstpointer data, gsize len, gpointer user_data, GError **error)
{
  g_byte_array_append (user_data, data, len);
  return TRUE;
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static guint8 recipient_pk[32], recipient_sk[32], kiosk_pk[32], kiosk_sk[64];
  static GPtrArray *questionnaires;
  static char *dir;
  g_autofree char *bundle_path = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(SaysoBundleWriter) writer = NULL;
  g_autoptr(SaysoAnalysisDb) db = NULL;
  g_autoptr(GBytes) plain = g_bytes_new_static (data, size);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GError) error = NULL;
  SaysoImportResult result = { 0 };
  guint8 id[16] = { 1, 2, 3 };

  if (dir == NULL)
    {
      sayso_init ();
      sayso_recipient_keypair_new (recipient_pk, recipient_sk);
      sayso_sign_keypair_new (kiosk_pk, kiosk_sk);
      questionnaires = g_ptr_array_new ();
      g_ptr_array_add (questionnaires, sayso_questionnaire_new_default ());
      dir = g_dir_make_tmp ("sayso-fuzz-import-XXXXXX", NULL);
    }

  /* Padded to fit whatever the input is, so that deep nesting, which takes
   * length, reaches the record's parser. */
  if (!(sealed = sayso_seal (recipient_pk, plain, (size / 4096 + 1) * 4096, NULL)))
    return 0;

  writer = sayso_bundle_writer_new (write_to, out, kiosk_pk, kiosk_sk, "Fuzz", 1, "2026-11-23", &error);
  g_assert_true (sayso_bundle_writer_add (writer, id, "hmip-user-voice", 1, g_bytes_get_data (sealed, NULL),
                                          g_bytes_get_size (sealed), NULL, &error));
  g_assert_true (sayso_bundle_writer_finish (writer, &error));

  bundle_path = g_build_filename (dir, "b.sayso", NULL);
  db_path = g_build_filename (dir, "a.db", NULL);
  g_assert_true (g_file_set_contents (bundle_path, (const char *) out->data, out->len, NULL));

  db = sayso_analysis_db_open (db_path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (sayso_analysis_db_enroll (db, kiosk_pk, "Fuzz", &error));

  if (sayso_import_bundle (db, bundle_path, recipient_sk, questionnaires, FALSE, &result, &error))
    {
      gint64 total = -1, quarantined = -1;
      /* Imported, or kept in quarantine and not counted: one or the other. */
      g_assert_cmpint (result.added + result.quarantined, ==, 1);
      g_assert_true (sayso_analysis_db_count_responses (db, NULL, &total, NULL, NULL));
      g_assert_true (sayso_analysis_db_count_set_aside (db, &quarantined, NULL, NULL));
      g_assert_cmpint (total, ==, result.added);
      g_assert_cmpint (quarantined, ==, result.quarantined);
    }
  else
    {
      gint64 total = -1;
      /* Refused: then nothing of it was stored. */
      g_assert_nonnull (error);
      g_assert_true (sayso_analysis_db_count_responses (db, NULL, &total, NULL, NULL));
      g_assert_cmpint (total, ==, 0);
    }

  sayso_import_result_clear (&result);
  g_clear_pointer (&db, sayso_analysis_db_close);
  g_unlink (bundle_path);
  g_unlink (db_path);
  {
    g_autofree char *wal = g_strconcat (db_path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db_path, "-shm", NULL);
    g_unlink (wal);
    g_unlink (shm);
  }
  return 0;
}
