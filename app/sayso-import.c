/* sayso-import.c: from a bundle on a USB stick to rows in the analysis database.
 *
 * A bundle is verified whole (signature, every record's hash) before anything
 * is opened, must come from an enrolled kiosk, and is imported in one
 * transaction: a wrong key, one tampered record or one record of an unknown
 * questionnaire version imports nothing of the bundle. Responses are keyed by
 * their random id, so a record exported twice is counted once.
 */
#define G_LOG_DOMAIN "sayso-import"

#include <sodium.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-import.h"
#include "sayso-record.h"
#include "sayso-response.h"

G_DEFINE_QUARK (sayso-import-error-quark, sayso_import_error)

void
sayso_import_result_clear (SaysoImportResult *result)
{
  if (result == NULL)
    return;
  g_free (result->site);
  memset (result, 0, sizeof *result);
}

static SaysoQuestionnaire *
find_questionnaire (GPtrArray  *questionnaires,
                    const char *id,
                    gint64      version)
{
  for (guint i = 0; questionnaires && i < questionnaires->len; i++)
    {
      SaysoQuestionnaire *q = g_ptr_array_index (questionnaires, i);
      if (g_str_equal (sayso_questionnaire_get_id (q), id) && sayso_questionnaire_get_version (q) == version)
        return q;
    }
  return NULL;
}

/* The digest names a bundle's content: its sequence and every record hash. */
static void
bundle_digest (SaysoBundle *bundle,
               guint8       digest[32])
{
  crypto_generichash_state state;
  guint8 seq[8];

  for (guint i = 0; i < 8; i++)
    seq[i] = (bundle->sequence >> (8 * i)) & 0xff;
  crypto_generichash_init (&state, NULL, 0, 32);
  crypto_generichash_update (&state, bundle->kiosk_pk, sizeof bundle->kiosk_pk);
  crypto_generichash_update (&state, seq, sizeof seq);
  for (guint i = 0; i < bundle->entries->len; i++)
    {
      SaysoBundleEntry *entry = g_ptr_array_index (bundle->entries, i);
      crypto_generichash_update (&state, entry->id, sizeof entry->id);
      crypto_generichash_update (&state, entry->hash, sizeof entry->hash);
    }
  crypto_generichash_final (&state, digest, 32);
}

/* A record opened and checked, ready to be stored. */
typedef struct
{
  GError      *error;
  SaysoRecord *record;
  char        *answers;
} Opened;

static void
opened_clear (Opened *opened)
{
  g_clear_error (&opened->error);
  g_clear_pointer (&opened->record, sayso_record_free);
  if (opened->answers)
    sodium_memzero (opened->answers, strlen (opened->answers));
  g_clear_pointer (&opened->answers, g_free);
}

static gboolean
open_record (SaysoBundle   *bundle,
             guint          index,
             const guint8  *sk,
             GPtrArray     *questionnaires,
             Opened        *opened,
             GError       **error)
{
  SaysoBundleEntry *entry = g_ptr_array_index (bundle->entries, index);
  g_autoptr(GBytes) sealed = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(SaysoRecord) record = NULL;
  g_autoptr(SaysoResponse) response = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id = sayso_hex (entry->id, 16);
  SaysoQuestionnaire *questionnaire;

  if (!(sealed = sayso_bundle_read_record (bundle, index, error)))
    return FALSE;

  if (!(plain = sayso_unseal (sk, sealed, &local_error)))
    {
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_WRONG_KEY,
                   "%s: record %u (id %s) cannot be opened with this secret key: is it the key these kiosks seal to?",
                   bundle->path, index + 1, id);
      return FALSE;
    }

  if (!(record = sayso_record_decode (plain, &local_error)))
    {
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_INVALID_RECORD,
                   "%s: record %u (id %s): %s", bundle->path, index + 1, id, local_error->message);
      return FALSE;
    }

  /* The clear label and the sealed content must agree. */
  if (g_strcmp0 (record->questionnaire, entry->questionnaire) != 0 || record->version != entry->version)
    {
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_INVALID_RECORD,
                   "%s: record %u (id %s) is labelled %s version %" G_GINT64_FORMAT " but holds %s version %" G_GINT64_FORMAT,
                   bundle->path, index + 1, id, entry->questionnaire, entry->version, record->questionnaire, record->version);
      return FALSE;
    }

  questionnaire = find_questionnaire (questionnaires, record->questionnaire, record->version);
  if (questionnaire == NULL)
    {
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_UNKNOWN_QUESTIONNAIRE,
                   "%s: record %u answers questionnaire “%s” version %" G_GINT64_FORMAT
                   ", which this analysis does not know (give it with --questionnaire FILE)",
                   bundle->path, index + 1, record->questionnaire, record->version);
      return FALSE;
    }

  /* Checked against its questionnaire exactly as a kiosk checks a submission. */
  builder = json_builder_new_immutable ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "questionnaire");
  json_builder_add_string_value (builder, record->questionnaire);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, record->version);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, record->language);
  json_builder_set_member_name (builder, "answers");
  json_builder_add_value (builder, json_node_ref (record->answers));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  if (!(response = sayso_response_new_from_json (questionnaire, node, &local_error)))
    {
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_INVALID_RECORD,
                   "%s: record %u (id %s) does not fit its questionnaire: %s",
                   bundle->path, index + 1, id, local_error->message);
      return FALSE;
    }

  opened->answers = json_to_string (record->answers, FALSE);
  opened->record = g_steal_pointer (&record);
  return TRUE;
}

/* Opening (an X25519 exchange, a hash, JSON) is most of an import's work,
 * and records are independent: it is spread over the machine's cores, a
 * chunk at a time, while storing stays in order on this thread. */
#define CHUNK 2048

typedef struct
{
  SaysoBundle   *bundle;
  const guint8  *sk;
  GPtrArray     *questionnaires;
  Opened        *opened;
  guint          first;
  guint          count;
  guint          n_workers;
} Work;

typedef struct
{
  Work  *work;
  guint  worker;
} Worker;

static gpointer
open_worker (gpointer data)
{
  Worker *worker = data;
  Work *work = worker->work;

  for (guint i = worker->worker; i < work->count; i += work->n_workers)
    {
      Opened *opened = &work->opened[i];
      if (!open_record (work->bundle, work->first + i, work->sk, work->questionnaires, opened, &opened->error))
        break;
    }
  return NULL;
}

static void
open_chunk (Work *work)
{
  g_autofree Worker *workers = g_new0 (Worker, work->n_workers);
  g_autofree GThread **threads = g_new0 (GThread *, work->n_workers);

  for (guint t = 0; t < work->n_workers; t++)
    {
      workers[t].work = work;
      workers[t].worker = t;
      threads[t] = t == 0 ? NULL : g_thread_new ("sayso-import", open_worker, &workers[t]);
    }
  open_worker (&workers[0]);
  for (guint t = 1; t < work->n_workers; t++)
    g_thread_join (threads[t]);
}

gboolean
sayso_import_bundle (SaysoAnalysisDb    *db,
                     const char         *path,
                     const guint8        recipient_sk[32],
                     GPtrArray          *questionnaires,
                     gboolean            trust_unknown_kiosk,
                     SaysoImportResult  *result,
                     GError            **error)
{
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autofree char *site = NULL;
  g_autofree char *base = NULL;
  g_autofree Opened *opened = NULL;
  SaysoAnalysisBundleState state;
  Work work = { 0 };
  guint8 digest[32];

  g_return_val_if_fail (db != NULL && path != NULL && recipient_sk != NULL && result != NULL, FALSE);

  memset (result, 0, sizeof *result);

  /* The signature now, each record's hash as it is opened: one read of the file. */
  if (!(bundle = sayso_bundle_open_signed (path, NULL, error)))
    return FALSE;

  if (!sayso_analysis_db_lookup_kiosk (db, bundle->kiosk_pk, &site, error))
    return FALSE;
  if (site == NULL && !trust_unknown_kiosk)
    {
      g_autofree char *key = g_base64_encode (bundle->kiosk_pk, sizeof bundle->kiosk_pk);
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_UNKNOWN_KIOSK,
                   "%s: made by kiosk %s (site “%s”), which is not enrolled: enrol it with "
                   "“sayso enroll”, or pass --trust-unknown",
                   path, key, bundle->site);
      return FALSE;
    }

  bundle_digest (bundle, digest);
  if (!sayso_analysis_db_bundle_state (db, bundle->kiosk_pk, bundle->sequence, digest, &state, error))
    return FALSE;

  result->site = g_strdup (site ? site : bundle->site);
  result->sequence = bundle->sequence;
  result->records = bundle->entries->len;

  if (state == SAYSO_ANALYSIS_BUNDLE_SAME)
    {
      result->already_imported = TRUE;
      return TRUE;
    }
  if (state == SAYSO_ANALYSIS_BUNDLE_CONFLICT)
    {
      sayso_import_result_clear (result);
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_REPLAYED,
                   "%s: this kiosk's bundle %" G_GINT64_FORMAT " was already imported with other records "
                   "(a replayed sequence number, or a store restored from a backup)", path, bundle->sequence);
      return FALSE;
    }

  if (!sayso_analysis_db_begin (db, error))
    return FALSE;

  if (site == NULL && !sayso_analysis_db_enroll (db, bundle->kiosk_pk, bundle->site, error))
    goto failed;

  opened = g_new0 (Opened, MIN (CHUNK, MAX (1, bundle->entries->len)));
  work.bundle = bundle;
  work.sk = recipient_sk;
  work.questionnaires = questionnaires;
  work.opened = opened;
  work.n_workers = CLAMP (g_get_num_processors (), 1, 8);

  for (guint first = 0; first < bundle->entries->len; first += CHUNK)
    {
      gboolean ok = TRUE;

      work.first = first;
      work.count = MIN (CHUNK, bundle->entries->len - first);
      open_chunk (&work);

      for (guint i = 0; i < work.count && ok; i++)
        {
          Opened *one = &opened[i];
          gboolean added = FALSE;

          if (one->error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&one->error));
              ok = FALSE;
            }
          else if (one->record == NULL)
            {
              /* A worker stopped at an earlier error; that error is reported first. */
              continue;
            }
          else if (!sayso_analysis_db_add_response (db, ((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, first + i))->id,
                                                    bundle->kiosk_pk, bundle->sequence,
                                                    one->record->questionnaire, one->record->version, one->record->day,
                                                    sayso_mode_to_string (one->record->mode), result->site,
                                                    one->record->language, one->answers, &added, error))
            ok = FALSE;
          else if (added)
            result->added++;
          else
            result->duplicates++;
        }

      for (guint i = 0; i < work.count; i++)
        opened_clear (&opened[i]);
      if (!ok)
        goto failed;
    }

  base = g_path_get_basename (path);
  if (!sayso_analysis_db_add_bundle (db, bundle->kiosk_pk, bundle->sequence, digest, base,
                                     bundle->entries->len, error) ||
      !sayso_analysis_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  if (opened != NULL)
    for (guint i = 0; i < MIN (CHUNK, bundle->entries->len); i++)
      opened_clear (&opened[i]);
  sayso_analysis_db_rollback (db);
  /* Nothing of the bundle was imported, and the caller has nothing to free. */
  sayso_import_result_clear (result);
  return FALSE;
}
