/* sayso-quotes.c: references for the free-text answers, and picking them.
 *
 * See sayso-quotes.h for what a reference is and why it is keyed.
 */
#define G_LOG_DOMAIN "sayso-quotes"

#include <sodium.h>
#include <string.h>

#include "sayso-quotes.h"

G_DEFINE_QUARK (sayso-quotes-error-quark, sayso_quotes_error)

static void
quote_free (SaysoQuote *quote)
{
  g_free (quote->ref);
  g_free (quote->site);
  if (quote->text)
    {
      memset (quote->text, 0, strlen (quote->text));
      g_free (quote->text);
    }
  g_free (quote);
}

/* RFC 4648 base32 of 16 bytes: 26 characters, no padding. */
static void
base32 (const guint8 *bytes,
        gsize         n,
        char         *out)
{
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  guint bits = 0, value = 0, o = 0;

  for (gsize i = 0; i < n; i++)
    {
      value = (value << 8) | bytes[i];
      bits += 8;
      while (bits >= 5)
        {
          out[o++] = alphabet[(value >> (bits - 5)) & 31];
          bits -= 5;
        }
    }
  if (bits > 0)
    out[o++] = alphabet[(value << (5 - bits)) & 31];
  out[o] = '\0';
}

typedef struct
{
  SaysoQuestion *question;
  const guint8  *key;
  GPtrArray     *quotes;
} Collect;

static gboolean
collect (const guint8 *kiosk,
         const guint8 *id,
         const char   *site,
         const char   *text,
         gboolean      picked,
         gpointer      user_data)
{
  Collect *c = user_data;
  SaysoQuote *quote = g_new0 (SaysoQuote, 1);
  const char *qid = sayso_question_get_id (c->question);
  crypto_generichash_state state;
  guint8 hash[16];

  quote->question = c->question;
  quote->site = g_strdup (site);
  quote->text = g_strdup (text);
  quote->picked = picked;
  memcpy (quote->kiosk, kiosk, 32);
  memcpy (quote->id, id, 16);
  crypto_generichash_init (&state, c->key, 32, sizeof hash);
  crypto_generichash_update (&state, kiosk, 32);
  crypto_generichash_update (&state, id, 16);
  crypto_generichash_update (&state, (const guint8 *) qid, strlen (qid) + 1);
  crypto_generichash_final (&state, hash, sizeof hash);
  base32 (hash, sizeof hash, quote->full);
  g_ptr_array_add (c->quotes, quote);
  return TRUE;
}

static int
by_full (gconstpointer a,
         gconstpointer b)
{
  return strcmp ((*(SaysoQuote **) a)->full, (*(SaysoQuote **) b)->full);
}

static gsize
common_prefix (const char *a,
               const char *b)
{
  gsize n = 0;
  while (a[n] && a[n] == b[n])
    n++;
  return n;
}

/* Every answer of every free-text question, with its shortest unique ref. */
static GPtrArray *
list_all (SaysoAnalysisDb     *db,
          SaysoQuestionnaire  *questionnaire,
          GError             **error)
{
  g_autoptr(GPtrArray) quotes = g_ptr_array_new_with_free_func ((GDestroyNotify) quote_free);
  guint8 fresh[32], key[32];
  gboolean ok;

  randombytes_buf (fresh, sizeof fresh);
  ok = sayso_analysis_db_quote_key (db, fresh, key, error);
  sodium_memzero (fresh, sizeof fresh);
  if (!ok)
    return NULL;

  for (guint q = 0; q < sayso_questionnaire_get_n_questions (questionnaire); q++)
    {
      Collect c = { sayso_questionnaire_get_question (questionnaire, q), key, quotes };

      if (sayso_question_get_kind (c.question) != SAYSO_QUESTION_TEXT)
        continue;
      if (!sayso_analysis_db_foreach_quote (db, NULL, sayso_question_get_id (c.question), FALSE, collect, &c, error))
        {
          sodium_memzero (key, sizeof key);
          return NULL;
        }
    }
  sodium_memzero (key, sizeof key);

  /* Over the whole database, whatever is listed: a ref does not depend on
   * the question asked for. */
  g_ptr_array_sort (quotes, by_full);
  for (guint i = 0; i < quotes->len; i++)
    {
      SaysoQuote *quote = g_ptr_array_index (quotes, i);
      gsize len = SAYSO_QUOTES_REF_LENGTH;

      if (i > 0)
        len = MAX (len, common_prefix (quote->full, ((SaysoQuote *) g_ptr_array_index (quotes, i - 1))->full) + 1);
      if (i + 1 < quotes->len)
        len = MAX (len, common_prefix (quote->full, ((SaysoQuote *) g_ptr_array_index (quotes, i + 1))->full) + 1);
      quote->ref = g_strndup (quote->full, MIN (len, strlen (quote->full)));
    }
  return g_steal_pointer (&quotes);
}

static int
by_question_then_ref (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  GHashTable *order = user_data;
  const SaysoQuote *x = *(SaysoQuote **) a, *y = *(SaysoQuote **) b;
  guint ox = GPOINTER_TO_UINT (g_hash_table_lookup (order, x->question));
  guint oy = GPOINTER_TO_UINT (g_hash_table_lookup (order, y->question));

  if (ox != oy)
    return ox < oy ? -1 : 1;
  return strcmp (x->ref, y->ref);
}

GPtrArray *
sayso_quotes_list (SaysoAnalysisDb     *db,
                   SaysoQuestionnaire  *questionnaire,
                   const char          *question_id,
                   GError             **error)
{
  g_autoptr(GPtrArray) quotes = NULL;
  g_autoptr(GHashTable) order = NULL;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (question_id)
    {
      SaysoQuestion *question = sayso_questionnaire_lookup_question (questionnaire, question_id);

      if (question == NULL || sayso_question_get_kind (question) != SAYSO_QUESTION_TEXT)
        {
          g_set_error (error, SAYSO_QUOTES_ERROR, SAYSO_QUOTES_ERROR_UNKNOWN_QUESTION,
                       "“%s” is not a free-text question of the survey “%s”", question_id,
                       sayso_questionnaire_get_id (questionnaire));
          return NULL;
        }
    }
  if (!(quotes = list_all (db, questionnaire, error)))
    return NULL;

  order = g_hash_table_new (NULL, NULL);
  for (guint q = 0; q < sayso_questionnaire_get_n_questions (questionnaire); q++)
    g_hash_table_insert (order, sayso_questionnaire_get_question (questionnaire, q), GUINT_TO_POINTER (q));
  g_ptr_array_sort_with_data (quotes, by_question_then_ref, order);

  if (question_id)
    for (guint i = quotes->len; i-- > 0;)
      if (!g_str_equal (sayso_question_get_id (((SaysoQuote *) g_ptr_array_index (quotes, i))->question), question_id))
        g_ptr_array_remove_index (quotes, i);
  return g_steal_pointer (&quotes);
}

gboolean
sayso_quotes_pick (SaysoAnalysisDb     *db,
                   SaysoQuestionnaire  *questionnaire,
                   const char * const  *refs,
                   gboolean             picked,
                   GError             **error)
{
  g_autoptr(GPtrArray) quotes = NULL;
  g_autoptr(GPtrArray) chosen = g_ptr_array_new ();

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), FALSE);
  g_return_val_if_fail (refs != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!(quotes = list_all (db, questionnaire, error)))
    return FALSE;

  /* Every ref is resolved before anything is written: all or nothing. */
  for (guint r = 0; refs[r]; r++)
    {
      g_autofree char *ref = g_ascii_strup (refs[r], -1);
      g_autoptr(GPtrArray) matches = g_ptr_array_new ();

      if (strlen (ref) >= SAYSO_QUOTES_REF_LENGTH)
        for (guint i = 0; i < quotes->len; i++)
          {
            SaysoQuote *quote = g_ptr_array_index (quotes, i);
            if (g_str_has_prefix (quote->full, ref))
              g_ptr_array_add (matches, quote);
          }
      if (matches->len == 0)
        {
          g_set_error (error, SAYSO_QUOTES_ERROR, SAYSO_QUOTES_ERROR_UNKNOWN_REF,
                       "no free-text answer has the reference “%s” (“sayso quotes --db FILE” lists them); nothing %s",
                       refs[r], picked ? "picked" : "unpicked");
          return FALSE;
        }
      if (matches->len > 1)
        {
          g_autoptr(GString) longer = g_string_new (NULL);

          for (guint i = 0; i < matches->len; i++)
            g_string_append_printf (longer, "%s“%s”", i ? ", " : "", ((SaysoQuote *) g_ptr_array_index (matches, i))->ref);
          g_set_error (error, SAYSO_QUOTES_ERROR, SAYSO_QUOTES_ERROR_AMBIGUOUS_REF,
                       "the reference “%s” is shared by %u answers since a later import; give one of %s; nothing %s",
                       refs[r], matches->len, longer->str, picked ? "picked" : "unpicked");
          return FALSE;
        }
      g_ptr_array_add (chosen, g_ptr_array_index (matches, 0));
    }

  if (!sayso_analysis_db_begin (db, error))
    return FALSE;
  for (guint i = 0; i < chosen->len; i++)
    {
      SaysoQuote *quote = g_ptr_array_index (chosen, i);
      if (!sayso_analysis_db_set_picked (db, quote->kiosk, quote->id, sayso_question_get_id (quote->question), picked, error))
        {
          sayso_analysis_db_rollback (db);
          return FALSE;
        }
    }
  return sayso_analysis_db_commit (db, error);
}
