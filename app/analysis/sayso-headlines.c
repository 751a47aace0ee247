/* sayso-headlines.c: findings that hold, from a site's figures.
 *
 * The rules are in sayso-headlines.h; the report prints them in its method
 * note. The rest of the country is all sites less this one: every
 * respondent is at one site, so the rest's counts are the differences.
 */
#define G_LOG_DOMAIN "sayso-headlines"

#include <math.h>

#include "sayso-headlines.h"

/* A count the report would hide, or that would single someone out. */
static gboolean
small_cell (gint64 count,
            guint  small)
{
  return small > 0 && count > 0 && count < (gint64) small;
}

static gboolean
testable (gint64 n,
          gint64 of,
          gint64 rest_n,
          gint64 rest_of,
          guint  min_n,
          guint  small)
{
  return of >= (gint64) MAX (min_n, 1) && rest_of >= (gint64) MAX (min_n, 1) &&
         !small_cell (n, small) && !small_cell (rest_n, small) &&
         !small_cell (of - n, small) && !small_cell (rest_of - rest_n, small);
}

static SaysoHeadline *
headline_new (const SaysoFiguresQuestion *question,
              const SaysoFiguresOption   *option,
              gint64                      n,
              gint64                      of,
              gint64                      rest_n,
              gint64                      rest_of,
              double                      z)
{
  SaysoHeadline *headline = g_new0 (SaysoHeadline, 1);

  headline->question = question;
  headline->option = option;
  headline->n = n;
  headline->of = of;
  headline->rest_n = rest_n;
  headline->rest_of = rest_of;
  headline->z = z;
  headline->direction = fabs (z) < SAYSO_FIGURES_Z_95 ? SAYSO_HEADLINE_SAME
                        : z > 0 ? SAYSO_HEADLINE_HIGHER : SAYSO_HEADLINE_LOWER;
  return headline;
}

/* Not different at 95%, and close: "about the same" says both. A gap the
 * test cannot confirm but wider than a few points is no finding at all:
 * 56% against 32% among some 35 people each is not "about the same". */
static gboolean
about_the_same (gint64 n,
                gint64 of,
                gint64 rest_n,
                gint64 rest_of,
                double z)
{
  double gap = 100.0 * fabs ((double) n / (double) of - (double) rest_n / (double) rest_of);
  return fabs (z) < SAYSO_FIGURES_Z_95 && gap <= SAYSO_HEADLINES_SAME_POINTS;
}

GPtrArray *
sayso_headlines_find (SaysoFigures *figures,
                      guint         min_n)
{
  GPtrArray *headlines = g_ptr_array_new_with_free_func (g_free);
  guint small;

  g_return_val_if_fail (figures != NULL, headlines);

  if (!sayso_figures_get_compared (figures))
    return headlines;
  small = sayso_figures_get_small_number (figures);

  for (guint q = 0; q < sayso_figures_get_n_questions (figures); q++)
    {
      const SaysoFiguresQuestion *question = sayso_figures_get_question (figures, q);
      gint64 of = question->answered, rest_of = question->all_answered - question->answered;

      if (question->kind == SAYSO_FIGURES_LIKERT)
        {
          gint64 rest_n = question->all_agree - question->agree;

          double z;

          if (!testable (question->agree, of, rest_n, rest_of, min_n, small))
            continue;
          z = sayso_figures_two_proportion_z (question->agree, of, rest_n, rest_of);
          if (fabs (z) >= SAYSO_FIGURES_Z_95 || about_the_same (question->agree, of, rest_n, rest_of, z))
            g_ptr_array_add (headlines, headline_new (question, NULL, question->agree, of, rest_n, rest_of, z));
        }
      else if (question->kind == SAYSO_FIGURES_CHOICE)
        {
          const SaysoFiguresOption *best = NULL;
          double best_z = 0;

          for (guint i = 0; i < question->n_options; i++)
            {
              const SaysoFiguresOption *option = &question->options[i];
              gint64 rest_n = option->all_count - option->count;
              double z;

              /* Fewer saying "prefer not to say" is no finding about probation. */
              if (g_str_equal (option->id, "prefer_not_to_say") ||
                  !testable (option->count, of, rest_n, rest_of, min_n, small))
                continue;
              z = sayso_figures_two_proportion_z (option->count, of, rest_n, rest_of);
              if (fabs (z) >= SAYSO_FIGURES_Z_95 && fabs (z) > fabs (best_z))
                {
                  best = option;
                  best_z = z;
                }
            }
          if (best)
            g_ptr_array_add (headlines, headline_new (question, best, best->count, of,
                                                      best->all_count - best->count, rest_of, best_z));
        }
    }
  return headlines;
}

const char *
sayso_headline_direction_to_string (SaysoHeadlineDirection direction)
{
  switch (direction)
    {
    case SAYSO_HEADLINE_HIGHER:
      return "higher";
    case SAYSO_HEADLINE_LOWER:
      return "lower";
    case SAYSO_HEADLINE_SAME:
    default:
      return "same";
    }
}

char *
sayso_headline_words (const SaysoHeadline *headline,
                      const char          *site,
                      const char          *language)
{
  SaysoQuestion *question;
  const char *text, *comparison;
  g_autofree char *words = NULL;

  g_return_val_if_fail (headline != NULL && site != NULL, NULL);

  question = headline->question->question;
  text = sayso_question_get_text (question, language);
  if (text == NULL)
    text = sayso_question_get_id (question);
  comparison = headline->direction == SAYSO_HEADLINE_HIGHER ? "IS HIGHER THAN"
               : headline->direction == SAYSO_HEADLINE_LOWER ? "IS LOWER THAN" : "IS ABOUT THE SAME AS";
  if (headline->option == NULL)
    words = g_strdup_printf ("The share who agree that “%s” in %s %s the rest of the country",
                             text, site, comparison);
  else
    {
      const char *label = sayso_question_get_option_label (question, headline->option->index, language);
      words = g_strdup_printf ("The share who answered “%s” to “%s” in %s %s the rest of the country",
                               label ? label : headline->option->id, text, site, comparison);
    }
  return g_utf8_strup (words, -1);
}

char *
sayso_headline_figures (const SaysoHeadline *headline)
{
  g_autofree char *site = NULL;
  g_autofree char *rest = NULL;

  g_return_val_if_fail (headline != NULL, NULL);

  site = sayso_figures_format_share (headline->n, headline->of);
  rest = sayso_figures_format_share (headline->rest_n, headline->rest_of);
  return g_strdup_printf ("%s against %s", site, rest);
}
