/* sayso-figures.c: the figures of a report, from the analysis database.
 *
 * The database keeps counters per question, answer, site and day (see
 * sayso-analysis-db.c); a figure is a sum of them over the report's days,
 * for its site and, beside it, for all sites. Nothing here draws or writes.
 */
#define G_LOG_DOMAIN "sayso-figures"

#include <math.h>
#include <string.h>

#include "sayso-figures.h"

struct _SaysoFigures
{
  SaysoQuestionnaire *questionnaire;
  char               *site;
  guint               small;
  gboolean            compare;
  gint64              total;
  gint64              by_mode[3];
  gint64              all_total;
  gint64              all_by_mode[3];
  GPtrArray          *questions;   /* SaysoFiguresQuestion, in the questionnaire's order */
};

gint64
sayso_figures_percent (gint64 n,
                       gint64 of)
{
  if (of <= 0 || n < 0)
    return 0;
  /* floor (100 n / of + 1/2), in integers */
  return (200 * n + of) / (2 * of);
}

char *
sayso_figures_format_share (gint64 n,
                            gint64 of)
{
  if (of <= 0)
    return g_strdup_printf ("–%% (%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ")", n, of);
  return g_strdup_printf ("%" G_GINT64_FORMAT "%% (%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ")",
                          sayso_figures_percent (n, of), n, of);
}

void
sayso_figures_wilson (gint64  n,
                      gint64  of,
                      double *low,
                      double *high)
{
  const double z = SAYSO_FIGURES_Z_95, z2 = z * z;
  double p, denominator, centre, half;

  g_return_if_fail (low != NULL && high != NULL);

  if (of <= 0 || n < 0 || n > of)
    {
      *low = 0;
      *high = 1;
      return;
    }
  p = (double) n / (double) of;
  denominator = 1 + z2 / (double) of;
  centre = (p + z2 / (2.0 * (double) of)) / denominator;
  half = z * sqrt (p * (1 - p) / (double) of + z2 / (4.0 * (double) of * (double) of)) / denominator;
  /* At 0/n and n/n the bound is exactly 0 or 1; rounding must not put it a
   * hair outside, nor a hair inside. */
  *low = n == 0 ? 0 : CLAMP (centre - half, 0, 1);
  *high = n == of ? 1 : CLAMP (centre + half, 0, 1);
}

char *
sayso_figures_format_interval (gint64 n,
                               gint64 of)
{
  double low, high;
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  sayso_figures_wilson (n, of, &low, &high);
  /* The C locale's point, whatever the analyst's locale. */
  g_ascii_formatd (a, sizeof a, "%.1f", 100 * low);
  g_ascii_formatd (b, sizeof b, "%.1f", 100 * high);
  return g_strdup_printf ("%s–%s%%", a, b);
}

double
sayso_figures_two_proportion_z (gint64 n1,
                                gint64 of1,
                                gint64 n2,
                                gint64 of2)
{
  double p1, p2, pooled, se;

  if (of1 <= 0 || of2 <= 0 || n1 < 0 || n2 < 0 || n1 > of1 || n2 > of2)
    return 0;
  p1 = (double) n1 / (double) of1;
  p2 = (double) n2 / (double) of2;
  pooled = (double) (n1 + n2) / (double) (of1 + of2);
  se = sqrt (pooled * (1 - pooled) * (1.0 / (double) of1 + 1.0 / (double) of2));
  if (se <= 0)
    return 0;
  return (p1 - p2) / se;
}

static void
quote_free (SaysoFiguresQuote *quote)
{
  g_free (quote->site);
  if (quote->text)
    {
      memset (quote->text, 0, strlen (quote->text));
      g_free (quote->text);
    }
  g_free (quote);
}

static void
question_free (SaysoFiguresQuestion *figures)
{
  g_free (figures->options);
  g_clear_pointer (&figures->quotes, g_ptr_array_unref);
  g_clear_pointer (&figures->picked, g_ptr_array_unref);
  g_free (figures);
}

void
sayso_figures_free (SaysoFigures *figures)
{
  if (figures == NULL)
    return;
  g_clear_object (&figures->questionnaire);
  g_free (figures->site);
  g_clear_pointer (&figures->questions, g_ptr_array_unref);
  g_free (figures);
}

static gint64
count_of (GHashTable *counts,
          const char *value)
{
  gint64 *n = counts ? g_hash_table_lookup (counts, value) : NULL;
  return n ? *n : 0;
}

static gint64
sum_counts (GHashTable *counts)
{
  GHashTableIter iter;
  gpointer value;
  gint64 sum = 0;

  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    sum += *(gint64 *) value;
  return sum;
}

static gboolean
collect_quote (const char *site,
               const char *text,
               gpointer    user_data)
{
  SaysoFiguresQuestion *figures = user_data;

  if (text == NULL || *text == '\0')
    return TRUE;
  figures->n_texts++;
  if (figures->quotes->len < SAYSO_FIGURES_MAX_QUOTES)
    {
      SaysoFiguresQuote *quote = g_new0 (SaysoFiguresQuote, 1);
      quote->site = g_strdup (site);
      quote->text = g_strdup (text);
      g_ptr_array_add (figures->quotes, quote);
    }
  return TRUE;
}

static gboolean
collect_picked (const guint8 *kiosk,
                const guint8 *id,
                const char   *site,
                const char   *text,
                gboolean      picked,
                gpointer      user_data)
{
  SaysoFiguresQuestion *figures = user_data;
  SaysoFiguresQuote *quote = g_new0 (SaysoFiguresQuote, 1);

  quote->site = g_strdup (site);
  quote->text = g_strdup (text);
  g_ptr_array_add (figures->picked, quote);
  return TRUE;
}

/* Most common first; a tie keeps the questionnaire's order. */
static int
compare_options (gconstpointer a,
                 gconstpointer b)
{
  const SaysoFiguresOption *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return (int) x->index - (int) y->index;
}

/* Counts into the figures of one choice, Likert or demographic question. */
static void
fill_options (SaysoFigures         *self,
              SaysoFiguresQuestion *figures,
              GHashTable           *counts,
              GHashTable           *all_counts)
{
  SaysoQuestion *question = figures->question;
  SaysoQuestionKind kind = sayso_question_get_kind (question);
  guint n = sayso_question_get_n_options (question);

  figures->n_options = n;
  figures->options = g_new0 (SaysoFiguresOption, MAX (n, 1));
  figures->top = -1;
  for (guint i = 0; i < n; i++)
    {
      SaysoFiguresOption *option = &figures->options[i];

      option->index = i;
      option->id = sayso_question_get_option_id (question, i);
      option->count = count_of (counts, option->id);
      option->percent = sayso_figures_percent (option->count, figures->answered);
      option->all_count = count_of (all_counts, option->id);
      option->all_percent = sayso_figures_percent (option->all_count, figures->all_answered);
      option->hidden = figures->kind == SAYSO_FIGURES_DEMOGRAPHIC &&
                       self->small > 0 && option->count > 0 && option->count < self->small;
    }

  switch (figures->kind)
    {
    case SAYSO_FIGURES_LIKERT:
      for (guint i = 0; i < n; i++)
        if (g_str_equal (figures->options[i].id, "strongly_agree") || g_str_equal (figures->options[i].id, "agree"))
          {
            figures->agree += figures->options[i].count;
            figures->all_agree += figures->options[i].all_count;
          }
      figures->agree_percent = sayso_figures_percent (figures->agree, figures->answered);
      figures->all_agree_percent = sayso_figures_percent (figures->all_agree, figures->all_answered);
      break;
    case SAYSO_FIGURES_CHOICE:
      /* Categories (what has been good, the biggest issue: many options, or
       * several answers) are ranked by count, as the reports rank them; short
       * scales (how often, yes/no, face to face or remote) keep their order. */
      figures->ranked = kind == SAYSO_QUESTION_MULTIPLE || n >= SAYSO_FIGURES_RANK_MIN_OPTIONS;
      if (figures->ranked)
        qsort (figures->options, n, sizeof (SaysoFiguresOption), compare_options);
      if (n > 0 && figures->answered > 0)
        {
          figures->top = 0;
          for (guint r = 1; r < n; r++)
            if (compare_options (&figures->options[r], &figures->options[figures->top]) < 0)
              figures->top = (int) r;
        }
      break;
    case SAYSO_FIGURES_DEMOGRAPHIC:
    case SAYSO_FIGURES_TEXT:
      break;
    }
}

static gboolean
compute_question (SaysoFigures               *self,
                  SaysoAnalysisDb            *db,
                  const SaysoAnalysisFilter  *filter,
                  const SaysoAnalysisFilter  *all_filter,
                  SaysoFiguresQuestion       *figures,
                  GError                    **error)
{
  SaysoQuestion *question = figures->question;
  const char *id = sayso_question_get_id (question);
  /* One value per respondent: N is the sum of the counts, and the database
   * need not count distinct respondents (its slow part). */
  gboolean single = sayso_question_get_kind (question) != SAYSO_QUESTION_MULTIPLE;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GHashTable) all_counts = NULL;

  if (figures->kind == SAYSO_FIGURES_TEXT)
    {
      figures->quotes = g_ptr_array_new_with_free_func ((GDestroyNotify) quote_free);
      figures->picked = g_ptr_array_new_with_free_func ((GDestroyNotify) quote_free);
      return sayso_analysis_db_foreach_text (db, filter, id, collect_quote, figures, error) &&
             sayso_analysis_db_foreach_quote (db, filter, id, TRUE, collect_picked, figures, error);
    }

  if (!sayso_analysis_db_count_answers (db, filter, id, &counts, single ? NULL : &figures->answered, error))
    return FALSE;
  if (single)
    figures->answered = sum_counts (counts);
  if (self->compare && figures->kind != SAYSO_FIGURES_DEMOGRAPHIC)
    {
      if (!sayso_analysis_db_count_answers (db, all_filter, id, &all_counts,
                                            single ? NULL : &figures->all_answered, error))
        return FALSE;
      if (single)
        figures->all_answered = sum_counts (all_counts);
    }
  fill_options (self, figures, counts, all_counts);
  return TRUE;
}

static SaysoFiguresKind
kind_of (SaysoQuestion *question)
{
  SaysoQuestionKind kind = sayso_question_get_kind (question);

  if (kind == SAYSO_QUESTION_TEXT)
    return SAYSO_FIGURES_TEXT;
  if (g_strcmp0 (sayso_question_get_section (question), SAYSO_FIGURES_DEMOGRAPHIC_SECTION) == 0)
    return SAYSO_FIGURES_DEMOGRAPHIC;
  return kind == SAYSO_QUESTION_LIKERT ? SAYSO_FIGURES_LIKERT : SAYSO_FIGURES_CHOICE;
}

SaysoFigures *
sayso_figures_compute (SaysoAnalysisDb           *db,
                       SaysoQuestionnaire        *questionnaire,
                       const SaysoAnalysisFilter *filter,
                       guint                      small_number,
                       GError                   **error)
{
  g_autoptr(SaysoFigures) self = NULL;
  SaysoAnalysisFilter all_filter;
  guint n;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);
  g_return_val_if_fail (filter != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_new0 (SaysoFigures, 1);
  self->questionnaire = g_object_ref (questionnaire);
  self->site = g_strdup (filter->site);
  self->small = small_number;
  self->compare = filter->site != NULL;
  self->questions = g_ptr_array_new_with_free_func ((GDestroyNotify) question_free);
  all_filter = (SaysoAnalysisFilter) { NULL, filter->from, filter->to };

  if (!sayso_analysis_db_count_responses (db, filter, &self->total, self->by_mode, error))
    return NULL;
  if (self->compare &&
      !sayso_analysis_db_count_responses (db, &all_filter, &self->all_total, self->all_by_mode, error))
    return NULL;

  n = sayso_questionnaire_get_n_questions (questionnaire);
  for (guint i = 0; i < n; i++)
    {
      SaysoFiguresQuestion *figures = g_new0 (SaysoFiguresQuestion, 1);

      figures->question = sayso_questionnaire_get_question (questionnaire, i);
      figures->kind = kind_of (figures->question);
      figures->top = -1;
      g_ptr_array_add (self->questions, figures);
      if (!compute_question (self, db, filter, &all_filter, figures, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

SaysoQuestionnaire *
sayso_figures_get_questionnaire (SaysoFigures *figures)
{
  g_return_val_if_fail (figures != NULL, NULL);
  return figures->questionnaire;
}

const char *
sayso_figures_get_site (SaysoFigures *figures)
{
  g_return_val_if_fail (figures != NULL, NULL);
  return figures->site;
}

gboolean
sayso_figures_get_compared (SaysoFigures *figures)
{
  g_return_val_if_fail (figures != NULL, FALSE);
  return figures->compare;
}

guint
sayso_figures_get_small_number (SaysoFigures *figures)
{
  g_return_val_if_fail (figures != NULL, 0);
  return figures->small;
}

gint64
sayso_figures_get_total (SaysoFigures *figures)
{
  g_return_val_if_fail (figures != NULL, 0);
  return figures->total;
}

gint64
sayso_figures_get_by_mode (SaysoFigures *figures,
                           guint         mode)
{
  g_return_val_if_fail (figures != NULL, 0);
  g_return_val_if_fail (mode < G_N_ELEMENTS (figures->by_mode), 0);
  return figures->by_mode[mode];
}

gint64
sayso_figures_get_all_total (SaysoFigures *figures)
{
  g_return_val_if_fail (figures != NULL, 0);
  return figures->all_total;
}

gint64
sayso_figures_get_all_by_mode (SaysoFigures *figures,
                               guint         mode)
{
  g_return_val_if_fail (figures != NULL, 0);
  g_return_val_if_fail (mode < G_N_ELEMENTS (figures->all_by_mode), 0);
  return figures->all_by_mode[mode];
}

guint
sayso_figures_get_n_questions (SaysoFigures *figures)
{
  g_return_val_if_fail (figures != NULL, 0);
  return figures->questions->len;
}

const SaysoFiguresQuestion *
sayso_figures_get_question (SaysoFigures *figures,
                            guint         index)
{
  g_return_val_if_fail (figures != NULL, NULL);
  g_return_val_if_fail (index < figures->questions->len, NULL);
  return g_ptr_array_index (figures->questions, index);
}

const SaysoFiguresQuestion *
sayso_figures_lookup (SaysoFigures *figures,
                      const char   *question_id)
{
  g_return_val_if_fail (figures != NULL, NULL);
  g_return_val_if_fail (question_id != NULL, NULL);

  for (guint i = 0; i < figures->questions->len; i++)
    {
      const SaysoFiguresQuestion *question = g_ptr_array_index (figures->questions, i);
      if (g_str_equal (sayso_question_get_id (question->question), question_id))
        return question;
    }
  return NULL;
}

const SaysoFiguresOption *
sayso_figures_question_lookup_option (const SaysoFiguresQuestion *question,
                                      const char                 *option_id)
{
  g_return_val_if_fail (question != NULL, NULL);
  g_return_val_if_fail (option_id != NULL, NULL);

  for (guint i = 0; i < question->n_options; i++)
    if (g_str_equal (question->options[i].id, option_id))
      return &question->options[i];
  return NULL;
}
