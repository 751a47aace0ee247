/* sayso-import.c: from a bundle on a USB stick to rows in the analysis database.
 *
 * A bundle must come from an enrolled kiosk (asked of its header alone,
 * before anything else of it is read), is verified whole (signature, every
 * record's hash) before anything is opened, and is imported in one
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

/* A record opened and checked, ready to be stored. The thread that opens a
 * record also frees what opening it took (the JSON tree): memory freed by
 * the thread that allocated it goes back to that thread's cache, and the
 * storing thread, which every record waits on, keeps to storing. */
typedef struct
{
  GError      *error;
  SaysoRecord *record;    /* without its answers tree */
  char        *answers;
  char       **pairs;     /* question, value, kind, …: one block, see answer_triples() */
  gsize        pairs_size;
} Opened;

static void
opened_clear (Opened *opened)
{
  g_clear_error (&opened->error);
  g_clear_pointer (&opened->record, sayso_record_free);
  if (opened->answers)
    sodium_memzero (opened->answers, strlen (opened->answers));
  g_clear_pointer (&opened->answers, g_free);
  if (opened->pairs)
    sodium_memzero (opened->pairs, opened->pairs_size);   /* free text is in it too */
  g_clear_pointer (&opened->pairs, g_free);
}

/* The answers as triples question, value, kind (“t” free text, “c” a
 * choice): the rows the analysis database counts. A NULL-terminated array
 * and its strings in one allocation, freed with g_free(). */
static char **
answer_triples (SaysoQuestionnaire *questionnaire,
                JsonNode           *answers,
                gsize              *block_size)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new ();
  JsonObjectIter iter;
  const char *question;
  JsonNode *value;
  gsize size;
  char **pairs;
  char *text;

  json_object_iter_init (&iter, json_node_get_object (answers));
  while (json_object_iter_next (&iter, &question, &value))
    {
      SaysoQuestion *q = sayso_questionnaire_lookup_question (questionnaire, question);
      const char *kind = q && sayso_question_get_kind (q) == SAYSO_QUESTION_TEXT ? "t" : "c";

      if (JSON_NODE_HOLDS_ARRAY (value))
        {
          JsonArray *array = json_node_get_array (value);
          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              g_ptr_array_add (strings, (gpointer) question);
              g_ptr_array_add (strings, (gpointer) json_array_get_string_element (array, i));
              g_ptr_array_add (strings, (gpointer) kind);
            }
        }
      else if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        {
          g_ptr_array_add (strings, (gpointer) question);
          g_ptr_array_add (strings, (gpointer) json_node_get_string (value));
          g_ptr_array_add (strings, (gpointer) kind);
        }
    }

  size = (strings->len + 1) * sizeof (char *);
  for (guint i = 0; i < strings->len; i++)
    size += strlen (g_ptr_array_index (strings, i)) + 1;
  pairs = g_malloc (size);
  text = (char *) (pairs + strings->len + 1);
  for (guint i = 0; i < strings->len; i++)
    {
      gsize len = strlen (g_ptr_array_index (strings, i)) + 1;
      pairs[i] = memcpy (text, g_ptr_array_index (strings, i), len);
      text += len;
    }
  pairs[strings->len] = NULL;
  *block_size = size;
  return pairs;
}

/* "BUNDLE: record N (id HEX)" and @format: the id is written out only for an error. */
static gboolean G_GNUC_PRINTF (5, 6)
record_error (GError      **error,
              int           code,
              SaysoBundle  *bundle,
              guint         index,
              const char   *format,
              ...)
{
  SaysoBundleEntry *entry = g_ptr_array_index (bundle->entries, index);
  g_autofree char *id = sayso_hex (entry->id, 16);
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SAYSO_IMPORT_ERROR, code, "%s: record %u (id %s)%s", bundle->path, index + 1, id, what);
  return FALSE;
}

static gboolean
open_record (SaysoBundle   *bundle,
             guint          index,
             const guint8  *pk,
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
  g_autoptr(GError) local_error = NULL;
  SaysoQuestionnaire *questionnaire;

  if (!(sealed = sayso_bundle_read_record (bundle, index, error)))
    return FALSE;

  if (!(plain = sayso_unseal_with_keypair (pk, sk, sealed, &local_error)))
    return record_error (error, SAYSO_IMPORT_ERROR_WRONG_KEY, bundle, index,
                         " cannot be opened with this secret key: is it the key these kiosks seal to?");

  if (!(record = sayso_record_decode (plain, &local_error)))
    return record_error (error, SAYSO_IMPORT_ERROR_INVALID_RECORD, bundle, index, ": %s",
                         local_error->message);

  /* The clear label and the sealed content must agree. */
  if (g_strcmp0 (record->questionnaire, entry->questionnaire) != 0 || record->version != entry->version)
    return record_error (error, SAYSO_IMPORT_ERROR_INVALID_RECORD, bundle, index,
                         " is labelled %s version %" G_GINT64_FORMAT " but holds %s version %" G_GINT64_FORMAT,
                         entry->questionnaire, entry->version, record->questionnaire, record->version);

  questionnaire = find_questionnaire (questionnaires, record->questionnaire, record->version);
  if (questionnaire == NULL)
    return record_error (error, SAYSO_IMPORT_ERROR_UNKNOWN_QUESTIONNAIRE, bundle, index,
                         " answers questionnaire “%s” version %" G_GINT64_FORMAT
                         ", which this analysis does not know (give it with --questionnaire FILE)",
                         record->questionnaire, record->version);

  /* Checked against its questionnaire exactly as a kiosk checks a submission. */
  if (!(response = sayso_response_new_from_answers (questionnaire, record->language,
                                                    json_node_get_object (record->answers), &local_error)))
    return record_error (error, SAYSO_IMPORT_ERROR_INVALID_RECORD, bundle, index,
                         " does not fit its questionnaire: %s", local_error->message);

  opened->answers = json_to_string (record->answers, FALSE);
  opened->pairs = answer_triples (questionnaire, record->answers, &opened->pairs_size);
  /* Freed here, by the thread that built it (see Opened). */
  g_clear_pointer (&record->answers, json_node_unref);
  opened->record = g_steal_pointer (&record);
  return TRUE;
}

/* Opening a record (an X25519 exchange, a hash, JSON, checking it) is most of
 * an import's work, and records are independent: a pool of threads, one per
 * core, opens chunks of them ahead of this thread, which stores them in order
 * in the one transaction. */
#define CHUNK 512

typedef struct
{
  SaysoBundle   *bundle;
  guint8         pk[32];
  const guint8  *sk;
  GPtrArray     *questionnaires;
  Opened        *opened;     /* one per record of the bundle */
  guint          n_chunks;
  gboolean      *done;       /* per chunk */
  gboolean       cancelled;
  GMutex         mutex;
  GCond          cond;
} Work;

static void
open_chunk (gpointer data,
            gpointer user_data)
{
  Work *work = user_data;
  guint chunk = GPOINTER_TO_UINT (data) - 1;
  guint first = chunk * CHUNK;
  guint last = MIN (first + CHUNK, work->bundle->entries->len);
  gboolean cancelled;

  g_mutex_lock (&work->mutex);
  cancelled = work->cancelled;
  g_mutex_unlock (&work->mutex);

  for (guint i = first; i < last && !cancelled; i++)
    {
      Opened *opened = &work->opened[i];
      if (!open_record (work->bundle, i, work->pk, work->sk, work->questionnaires, opened, &opened->error))
        break;
    }

  g_mutex_lock (&work->mutex);
  work->done[chunk] = TRUE;
  g_cond_broadcast (&work->cond);
  g_mutex_unlock (&work->mutex);
}

static void
wait_for_chunk (Work  *work,
                guint  chunk)
{
  g_mutex_lock (&work->mutex);
  while (!work->done[chunk])
    g_cond_wait (&work->cond, &work->mutex);
  g_mutex_unlock (&work->mutex);
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
  GThreadPool *pool = NULL;
  SaysoAnalysisBundleState state;
  gboolean ok = TRUE;
  Work work = { 0 };
  guint ahead;
  guint8 digest[32];
  guint8 kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  g_return_val_if_fail (db != NULL && path != NULL && recipient_sk != NULL && result != NULL, FALSE);

  memset (result, 0, sizeof *result);

  /* Only the header's key is read before the kiosk is known: a stranger's
   * file gets no further, not even to its signature. */
  if (!sayso_bundle_read_kiosk (path, kiosk_pk, error))
    return FALSE;

  /* Everything below reads and writes inside one transaction, which takes
   * the write lock at once: a second import of the same bundle at the same
   * time waits, then finds it imported, instead of racing to a clash. */
  if (!sayso_analysis_db_begin (db, error))
    return FALSE;

  if (!sayso_analysis_db_lookup_kiosk (db, kiosk_pk, &site, error))
    goto failed;
  if (site == NULL && !trust_unknown_kiosk)
    {
      g_autofree char *key = g_base64_encode (kiosk_pk, sizeof kiosk_pk);
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_UNKNOWN_KIOSK,
                   "%s: made by unknown kiosk %s, which is not enrolled: enrol it with "
                   "“sayso enroll”, or pass --trust-unknown",
                   path, key);
      goto failed;
    }

  /* The signature now, each record's hash as it is opened: one read of the
   * file. The key must still be the one just looked up. */
  if (!(bundle = sayso_bundle_open_signed (path, kiosk_pk, error)))
    goto failed;

  bundle_digest (bundle, digest);
  if (!sayso_analysis_db_bundle_state (db, bundle->kiosk_pk, bundle->sequence, digest, &state, error))
    goto failed;

  result->site = g_strdup (site ? site : bundle->site);
  result->sequence = bundle->sequence;
  result->records = bundle->entries->len;

  if (state == SAYSO_ANALYSIS_BUNDLE_SAME)
    {
      sayso_analysis_db_rollback (db);
      result->already_imported = TRUE;
      return TRUE;
    }
  if (state == SAYSO_ANALYSIS_BUNDLE_CONFLICT)
    {
      g_set_error (error, SAYSO_IMPORT_ERROR, SAYSO_IMPORT_ERROR_REPLAYED,
                   "%s: this kiosk's bundle %" G_GINT64_FORMAT " was already imported with other records "
                   "(a replayed sequence number, or a store restored from a backup)", path, bundle->sequence);
      goto failed;
    }

  if (site == NULL && !sayso_analysis_db_enroll (db, bundle->kiosk_pk, bundle->site, error))
    goto failed;

  work.bundle = bundle;
  work.sk = recipient_sk;
  crypto_scalarmult_base (work.pk, recipient_sk);
  work.questionnaires = questionnaires;
  work.opened = g_new0 (Opened, MAX (1, bundle->entries->len));
  work.n_chunks = (bundle->entries->len + CHUNK - 1) / CHUNK;
  work.done = g_new0 (gboolean, MAX (1, work.n_chunks));
  g_mutex_init (&work.mutex);
  g_cond_init (&work.cond);
  pool = g_thread_pool_new (open_chunk, &work, CLAMP (g_get_num_processors (), 1, 8), FALSE, NULL);
  /* Opened records wait in memory for the storing thread: the workers keep
   * only a few chunks ahead of it, whatever the size of the bundle. */
  ahead = MIN (work.n_chunks, 2 * (guint) g_thread_pool_get_max_threads (pool) + 1);
  for (guint c = 0; c < ahead; c++)
    g_thread_pool_push (pool, GUINT_TO_POINTER (c + 1), NULL);

  for (guint c = 0; c < work.n_chunks && ok; c++)
    {
      guint first = c * CHUNK;
      guint last = MIN (first + CHUNK, bundle->entries->len);

      wait_for_chunk (&work, c);
      if (c + ahead < work.n_chunks)
        g_thread_pool_push (pool, GUINT_TO_POINTER (c + ahead + 1), NULL);
      for (guint i = first; i < last && ok; i++)
        {
          Opened *one = &work.opened[i];
          gboolean added = FALSE;

          if (one->error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&one->error));
              ok = FALSE;
            }
          else if (one->record == NULL)
            continue;  /* a worker stopped at an earlier error, reported first */
          else if (!sayso_analysis_db_add_response (db, ((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, i))->id,
                                                    bundle->kiosk_pk, bundle->sequence,
                                                    one->record->questionnaire, one->record->version, one->record->day,
                                                    sayso_mode_to_string (one->record->mode), result->site,
                                                    one->record->language, one->answers,
                                                    (const char * const *) one->pairs, &added, error))
            ok = FALSE;
          else if (added)
            result->added++;
          else
            result->duplicates++;
          opened_clear (one);
        }
    }

  /* Stop the workers early on an error, and wait for them either way. */
  g_mutex_lock (&work.mutex);
  work.cancelled = TRUE;
  g_mutex_unlock (&work.mutex);
  g_thread_pool_free (g_steal_pointer (&pool), FALSE, TRUE);
  for (guint i = 0; i < bundle->entries->len; i++)
    opened_clear (&work.opened[i]);
  g_clear_pointer (&work.opened, g_free);
  g_clear_pointer (&work.done, g_free);
  g_mutex_clear (&work.mutex);
  g_cond_clear (&work.cond);
  if (!ok)
    goto failed;

  base = g_path_get_basename (path);
  if (!sayso_analysis_db_add_bundle (db, bundle->kiosk_pk, bundle->sequence, digest, base,
                                     bundle->entries->len, error) ||
      !sayso_analysis_db_commit (db, error))
    goto failed;

  return TRUE;

failed:
  sayso_analysis_db_rollback (db);
  /* Nothing of the bundle was imported, and the caller has nothing to free. */
  sayso_import_result_clear (result);
  return FALSE;
}
