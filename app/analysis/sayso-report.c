/* sayso-report.c: figures, charts and the HTML, PDF and CSV reports.
 *
 * The report is computed once into a list of blocks (headings, headline
 * figures, charts with their table alternative, quotes), then written out as
 * HTML or PDF; the CSV is a row-per-response dump with a codebook.
 *
 * Definitions, as printed in the report's notes:
 *  - N is the number of respondents who answered the question (the seeds'
 *    "(7/78)"); a question left unanswered or not shown is not in N.
 *  - "Prefer not to say" is an answer: it counts in N. So the share who agree
 *    with a statement is (strongly agree + agree) / everyone who answered the
 *    statement, "prefer not to say" included.
 *  - Percentages are rounded half up to a whole number (7/78 = 8.97 → 9%,
 *    40/64 = 62.5 → 63%), computed in integers.
 *  - Demographic cells (the "about you" section) with fewer than small_number
 *    respondents show as "<3" with no bar; demographic charts print counts
 *    only, never N or a percentage, so that a hidden cell cannot be worked out
 *    from its neighbours.
 *  - With --site, every headline figure has the same figure over all sites in
 *    the database for the same days beside it: the reports' "national average".
 *
 * No answer is ever logged: free text goes to the output file only.
 */
#define G_LOG_DOMAIN "sayso-report"

#include <cairo-pdf.h>
#include <errno.h>
#include <json-glib/json-glib.h>
#include <pango/pangocairo.h>
#include <string.h>

#include "sayso-chart.h"
#include "sayso-json-limits.h"
#include "sayso-record.h"
#include "sayso-report.h"

G_DEFINE_QUARK (sayso-report-error-quark, sayso_report_error)

/* The HTML and PDF list this many free-text answers per question at most;
 * the CSV always has them all. */
#define MAX_QUOTES 1000

#define DEMOGRAPHIC_SECTION "about_you"

/* A single-choice question with this many options or more is a list of
 * categories, ranked by count; one with fewer is a scale, kept in order. */
#define RANK_MIN_OPTIONS 8

static const char * const mode_ids[3] = { "self", "staff", "paper" };
static const char * const mode_labels[3] = {
  "self-completed on the kiosk",
  "completed with a member of staff",
  "on paper, entered by staff",
};

/* Figures */

gint64
sayso_report_percent (gint64 n,
                      gint64 of)
{
  if (of <= 0 || n < 0)
    return 0;
  /* floor (100 n / of + 1/2), in integers */
  return (200 * n + of) / (2 * of);
}

char *
sayso_report_format_share (gint64 n,
                           gint64 of)
{
  if (of <= 0)
    return g_strdup_printf ("–%% (%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ")", n, of);
  return g_strdup_printf ("%" G_GINT64_FORMAT "%% (%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT ")",
                          sayso_report_percent (n, of), n, of);
}

static char *
format_percent (gint64 n,
                gint64 of)
{
  if (of <= 0)
    return g_strdup ("–%");
  return g_strdup_printf ("%" G_GINT64_FORMAT "%%", sayso_report_percent (n, of));
}

static char *
national_note (gint64 n,
               gint64 of)
{
  g_autofree char *pct = format_percent (n, of);
  return g_strdup_printf ("national average %s", pct);
}

char *
sayso_report_codebook_path (const char *out)
{
  g_autofree char *dir = g_path_get_dirname (out);
  g_autofree char *base = g_path_get_basename (out);
  g_autofree char *name = NULL;
  char *dot = strrchr (base, '.');

  if (dot != NULL && dot != base)
    *dot = '\0';
  name = g_strconcat (base, "-codebook.csv", NULL);
  if (strchr (out, G_DIR_SEPARATOR) == NULL)
    return g_steal_pointer (&name);
  return g_build_filename (dir, name, NULL);
}

static gint64
count_of (GHashTable *counts,
          const char *value)
{
  gint64 *n = counts ? g_hash_table_lookup (counts, value) : NULL;
  return n ? *n : 0;
}

/* The data */

typedef struct
{
  SaysoQuestion *question;
  gboolean       demographic;
  GHashTable    *counts;
  gint64         answered;
  GHashTable    *all_counts;     /* NULL unless the report is for one site */
  gint64         all_answered;
} Stat;

typedef struct
{
  char *site;
  char *text;
} Quote;

typedef struct
{
  SaysoQuestion *question;
  GPtrArray     *quotes;         /* Quote, at most MAX_QUOTES */
  gint64         total;
} TextAnswers;

typedef struct
{
  SaysoAnalysisDb          *db;
  SaysoQuestionnaire       *questionnaire;
  const SaysoReportOptions *options;
  const char               *language;
  guint                     small;
  gboolean                  compare;
  SaysoAnalysisFilter       filter;
  SaysoAnalysisFilter       all_filter;
  gint64                    total;
  gint64                    by_mode[3];
  gint64                    all_total;
  gint64                    all_by_mode[3];
  GPtrArray                *stats;      /* Stat */
  GPtrArray                *texts;      /* TextAnswers */
  GPtrArray                *blocks;     /* Block */
  guint                     n_charts;
} Report;

static void
stat_free (Stat *stat)
{
  g_clear_pointer (&stat->counts, g_hash_table_unref);
  g_clear_pointer (&stat->all_counts, g_hash_table_unref);
  g_free (stat);
}

static void
quote_free (Quote *quote)
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
text_answers_free (TextAnswers *answers)
{
  g_ptr_array_unref (answers->quotes);
  g_free (answers);
}

static gboolean
is_demographic (SaysoQuestion *question)
{
  return g_strcmp0 (sayso_question_get_section (question), DEMOGRAPHIC_SECTION) == 0;
}

static gboolean
collect_quote (const char *site,
               const char *text,
               gpointer    user_data)
{
  TextAnswers *answers = user_data;

  if (text == NULL || *text == '\0')
    return TRUE;
  answers->total++;
  if (answers->quotes->len < MAX_QUOTES)
    {
      Quote *quote = g_new0 (Quote, 1);
      quote->site = g_strdup (site);
      quote->text = g_strdup (text);
      g_ptr_array_add (answers->quotes, quote);
    }
  return TRUE;
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
gather (Report  *report,
        GError **error)
{
  guint n = sayso_questionnaire_get_n_questions (report->questionnaire);

  if (!sayso_analysis_db_count_responses (report->db, &report->filter, &report->total, report->by_mode, error))
    return FALSE;
  if (report->compare &&
      !sayso_analysis_db_count_responses (report->db, &report->all_filter, &report->all_total, report->all_by_mode, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (report->questionnaire, i);
      const char *id = sayso_question_get_id (question);

      if (sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT)
        {
          TextAnswers *answers = g_new0 (TextAnswers, 1);

          answers->question = question;
          answers->quotes = g_ptr_array_new_with_free_func ((GDestroyNotify) quote_free);
          g_ptr_array_add (report->texts, answers);
          if (!sayso_analysis_db_foreach_text (report->db, &report->filter, id, collect_quote, answers, error))
            return FALSE;
        }
      else
        {
          Stat *stat = g_new0 (Stat, 1);
          /* One value per respondent: N is the sum of the counts, and the
           * database need not count distinct respondents (its slow part). */
          gboolean single = sayso_question_get_kind (question) != SAYSO_QUESTION_MULTIPLE;

          stat->question = question;
          stat->demographic = is_demographic (question);
          g_ptr_array_add (report->stats, stat);
          if (!sayso_analysis_db_count_answers (report->db, &report->filter, id, &stat->counts,
                                                single ? NULL : &stat->answered, error))
            return FALSE;
          if (single)
            stat->answered = sum_counts (stat->counts);
          if (report->compare && !stat->demographic)
            {
              if (!sayso_analysis_db_count_answers (report->db, &report->all_filter, id, &stat->all_counts,
                                                    single ? NULL : &stat->all_answered, error))
                return FALSE;
              if (single)
                stat->all_answered = sum_counts (stat->all_counts);
            }
        }
    }
  return TRUE;
}

/* Blocks: what both the HTML and the PDF show, in order. */

typedef enum
{
  BLOCK_TITLE,
  BLOCK_SUBTITLE,
  BLOCK_H2,
  BLOCK_H3,
  BLOCK_HEADLINE,   /* strong: the figure; text: the words after it; note: national average */
  BLOCK_NOTE,
  BLOCK_CHART,
  BLOCK_QUOTE,
} BlockKind;

typedef struct
{
  BlockKind   kind;
  char       *strong;
  char       *text;
  char       *note;
  char       *attrs;     /* HTML attributes, already escaped, e.g. data-q="x" */
  SaysoChart *chart;
  char       *title;     /* chart: <title>, and the table's caption */
  char       *desc;      /* chart: <desc> */
  GPtrArray  *table;     /* chart: rows of GStrv; row 0 is the header */
  GPtrArray  *row_attrs; /* chart: HTML attributes per row (row 0: none) */
} Block;

static void
block_free (Block *block)
{
  g_free (block->strong);
  if (block->kind == BLOCK_QUOTE && block->text)
    memset (block->text, 0, strlen (block->text));
  g_free (block->text);
  g_free (block->note);
  g_free (block->attrs);
  g_clear_pointer (&block->chart, sayso_chart_free);
  g_free (block->title);
  g_free (block->desc);
  g_clear_pointer (&block->table, g_ptr_array_unref);
  g_clear_pointer (&block->row_attrs, g_ptr_array_unref);
  g_free (block);
}

static Block *
add_block (Report     *report,
           BlockKind   kind,
           const char *text)
{
  Block *block = g_new0 (Block, 1);

  block->kind = kind;
  block->text = g_strdup (text);
  g_ptr_array_add (report->blocks, block);
  return block;
}

static Block *
add_chart (Report     *report,
           SaysoChart *chart,
           const char *title,
           const char *desc)
{
  Block *block = add_block (report, BLOCK_CHART, NULL);

  block->chart = chart;
  block->title = g_strdup (title);
  block->desc = g_strdup (desc);
  block->table = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  block->row_attrs = g_ptr_array_new_with_free_func (g_free);
  return block;
}

static void
table_row (Block      *block,
           const char *attrs,
           ...) G_GNUC_NULL_TERMINATED;

static void
table_row (Block      *block,
           const char *attrs,
           ...)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *cell;
  va_list args;

  va_start (args, attrs);
  while ((cell = va_arg (args, const char *)))
    g_strv_builder_add (builder, cell);
  va_end (args);
  g_ptr_array_add (block->table, g_strv_builder_end (builder));
  g_ptr_array_add (block->row_attrs, g_strdup (attrs ? attrs : ""));
}

static char *
data_attrs (const char *question,
            const char *value)
{
  g_autofree char *q = g_markup_escape_text (question, -1);
  g_autofree char *v = value ? g_markup_escape_text (value, -1) : NULL;

  if (v)
    return g_strdup_printf ("data-q=\"%s\" data-v=\"%s\"", q, v);
  return g_strdup_printf ("data-q=\"%s\"", q);
}

static const char *
question_text (Report        *report,
               SaysoQuestion *question)
{
  const char *text = sayso_question_get_text (question, report->language);
  return text ? text : sayso_question_get_id (question);
}

static const char *
option_label (Report        *report,
              SaysoQuestion *question,
              guint          index)
{
  const char *label = sayso_question_get_option_label (question, index, report->language);
  return label ? label : sayso_question_get_option_id (question, index);
}

static const char *
where_name (Report *report)
{
  return report->options->site ? report->options->site : "all sites";
}

/* A question nobody answered gets a line, not a chart of zeros. */
static gboolean
build_unanswered (Report     *report,
                  Stat       *stat,
                  const char *title)
{
  Block *block;

  if (stat->answered > 0)
    return FALSE;
  add_block (report, BLOCK_H3, title);
  block = add_block (report, BLOCK_NOTE, "No one answered this question.");
  block->attrs = data_attrs (sayso_question_get_id (stat->question), NULL);
  return TRUE;
}

/* How many had their say, by mode. */
static void
build_had_their_say (Report *report)
{
  g_autofree char *heading = g_strdup_printf ("%" G_GINT64_FORMAT " %s had their say",
                                              report->total, report->total == 1 ? "person" : "people");
  Block *block = add_block (report, BLOCK_H2, heading);
  SaysoChart *chart = sayso_chart_new_bars ();
  gint64 max = MAX (MAX (report->by_mode[0], report->by_mode[1]), MAX (report->by_mode[2], 1));
  g_autoptr(GString) desc = g_string_new (NULL);

  block->attrs = g_strdup_printf ("data-total=\"%" G_GINT64_FORMAT "\"", report->total);
  block = add_chart (report, chart, "How people had their say", NULL);
  table_row (block, NULL, "How", "People", "Share", NULL);
  for (guint m = 0; m < 3; m++)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, report->by_mode[m]);
      g_autofree char *pct = format_percent (report->by_mode[m], report->total);
      g_autofree char *value = g_strdup_printf ("%s (%s)", count, pct);
      g_autofree char *label = g_strdup (mode_labels[m]);
      g_autofree char *attrs = g_strdup_printf ("data-mode=\"%s\"", mode_ids[m]);

      label[0] = g_ascii_toupper (label[0]);
      sayso_chart_add_bar (chart, label, (double) report->by_mode[m] / (double) max, value, NULL, -1, FALSE);
      table_row (block, attrs, label, count, pct, NULL);
      g_string_append_printf (desc, "%s%s: %s", m ? "; " : "", label, value);
    }
  block->desc = g_string_free (g_steal_pointer (&desc), FALSE);
}

/* A demographic question: counts in option order, small cells hidden. */
static void
build_demographic (Report *report,
                   Stat   *stat)
{
  SaysoQuestion *question = stat->question;
  const char *qid = sayso_question_get_id (question);
  guint n = sayso_question_get_n_options (question);
  SaysoChart *chart = sayso_chart_new_bars ();
  g_autoptr(GString) desc = g_string_new (NULL);
  gint64 max = 1;
  Block *block;

  if (build_unanswered (report, stat, question_text (report, question)))
    {
      sayso_chart_free (chart);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      gint64 c = count_of (stat->counts, sayso_question_get_option_id (question, i));
      if (report->small == 0 || c >= report->small)
        max = MAX (max, c);
    }

  add_block (report, BLOCK_H3, question_text (report, question));
  block = add_chart (report, chart, question_text (report, question), NULL);
  table_row (block, NULL, "Answer", "People", NULL);
  for (guint i = 0; i < n; i++)
    {
      const char *oid = sayso_question_get_option_id (question, i);
      const char *label = option_label (report, question, i);
      gint64 c = count_of (stat->counts, oid);
      gboolean hidden = report->small > 0 && c > 0 && c < report->small;
      g_autofree char *value = hidden ? g_strdup_printf ("<%u", report->small)
                                      : g_strdup_printf ("%" G_GINT64_FORMAT, c);
      g_autofree char *attrs = data_attrs (qid, oid);

      sayso_chart_add_bar (chart, label, hidden ? 0 : (double) c / (double) max, value, NULL, -1, hidden);
      table_row (block, attrs, label, value, NULL);
      g_string_append_printf (desc, "%s%s: %s", i ? "; " : "", label, value);
    }
  if (report->small > 0)
    g_string_append_printf (desc, ". Fewer than %u people show as <%u.", report->small, report->small);
  block->desc = g_string_free (g_steal_pointer (&desc), FALSE);
}

/* A Likert statement: the share who agree, the stacked bar over the points. */
static void
build_likert (Report *report,
              Stat   *stat)
{
  SaysoQuestion *question = stat->question;
  const char *qid = sayso_question_get_id (question);
  guint n = MIN (sayso_question_get_n_options (question), SAYSO_CHART_MAX_SEGMENTS);
  const char *labels[SAYSO_CHART_MAX_SEGMENTS];
  gint64 counts[SAYSO_CHART_MAX_SEGMENTS] = { 0 }, all_counts[SAYSO_CHART_MAX_SEGMENTS] = { 0 };
  gint64 agree = 0, all_agree = 0;
  g_autofree char *share = NULL;
  g_autofree char *value = NULL;
  g_autofree char *title = g_strdup_printf ("Q: %s", question_text (report, question));
  g_autoptr(GString) desc = g_string_new (NULL);
  SaysoChart *chart;
  Block *block;

  if (build_unanswered (report, stat, title))
    return;
  for (guint i = 0; i < n; i++)
    {
      const char *oid = sayso_question_get_option_id (question, i);
      labels[i] = option_label (report, question, i);
      counts[i] = count_of (stat->counts, oid);
      all_counts[i] = count_of (stat->all_counts, oid);
      if (g_str_equal (oid, "strongly_agree") || g_str_equal (oid, "agree"))
        {
          agree += counts[i];
          all_agree += all_counts[i];
        }
    }

  share = sayso_report_format_share (agree, stat->answered);
  add_block (report, BLOCK_H3, title);
  block = add_block (report, BLOCK_HEADLINE, " agree or strongly agree");
  block->strong = g_strdup (share);
  block->attrs = data_attrs (qid, NULL);
  if (report->compare)
    block->note = national_note (all_agree, stat->all_answered);

  chart = sayso_chart_new_stacked (labels, n);
  value = g_strdup_printf ("%s agree", share);
  sayso_chart_add_stack (chart, report->options->site ? report->options->site : "All sites", counts, value);
  if (report->compare)
    {
      g_autofree char *all_value = NULL;
      g_autofree char *all_share = sayso_report_format_share (all_agree, stat->all_answered);
      all_value = g_strdup_printf ("%s agree", all_share);
      sayso_chart_add_stack (chart, "National average", all_counts, all_value);
    }

  block = add_chart (report, chart, title, NULL);
  if (report->compare)
    table_row (block, NULL, "Answer", where_name (report), "National average", NULL);
  else
    table_row (block, NULL, "Answer", where_name (report), NULL);
  g_string_append_printf (desc, "%s agree or strongly agree. ", share);
  for (guint i = 0; i < n; i++)
    {
      const char *oid = sayso_question_get_option_id (question, i);
      g_autofree char *cell = sayso_report_format_share (counts[i], stat->answered);
      g_autofree char *attrs = data_attrs (qid, oid);

      if (report->compare)
        {
          g_autofree char *all_cell = sayso_report_format_share (all_counts[i], stat->all_answered);
          table_row (block, attrs, labels[i], cell, all_cell, NULL);
        }
      else
        table_row (block, attrs, labels[i], cell, NULL);
      g_string_append_printf (desc, "%s%s: %s", i ? "; " : "", labels[i], cell);
    }
  block->desc = g_string_free (g_steal_pointer (&desc), FALSE);
}

typedef struct
{
  guint  index;
  gint64 count;
} Ranked;

static int
compare_ranked (gconstpointer a,
                gconstpointer b)
{
  const Ranked *x = a, *y = b;

  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  return (int) x->index - (int) y->index;
}

/* A choice question: every option as "N% (n/N)", categories ranked by count,
 * with the most common answer as the headline. */
static void
build_choice (Report *report,
              Stat   *stat)
{
  SaysoQuestion *question = stat->question;
  const char *qid = sayso_question_get_id (question);
  guint n = sayso_question_get_n_options (question);
  g_autofree Ranked *ranked = g_new0 (Ranked, MAX (n, 1));
  g_autofree char *title = g_strdup_printf ("Q: %s", question_text (report, question));
  g_autoptr(GString) desc = g_string_new (NULL);
  SaysoChart *chart = sayso_chart_new_bars ();
  double scale = 0;
  Block *block;

  if (build_unanswered (report, stat, title))
    {
      sayso_chart_free (chart);
      return;
    }
  for (guint i = 0; i < n; i++)
    {
      const char *oid = sayso_question_get_option_id (question, i);
      ranked[i].index = i;
      ranked[i].count = count_of (stat->counts, oid);
      if (stat->answered > 0)
        scale = MAX (scale, (double) ranked[i].count / (double) stat->answered);
      if (report->compare && stat->all_answered > 0)
        scale = MAX (scale, (double) count_of (stat->all_counts, oid) / (double) stat->all_answered);
    }
  /* Categories (what has been good, the biggest issue: many options, or
   * several answers) are ranked by count, as the reports rank them; short
   * scales (how often, yes/no, face to face or remote) keep their order. */
  if (sayso_question_get_kind (question) == SAYSO_QUESTION_MULTIPLE || n >= RANK_MIN_OPTIONS)
    qsort (ranked, n, sizeof (Ranked), compare_ranked);
  /* Bars run to the next 10% above the largest share, so small shares show. */
  scale = MIN (1.0, ((int) (scale * 10.0) + 1) / 10.0);

  add_block (report, BLOCK_H3, title);
  if (n > 0 && stat->answered > 0)
    {
      Ranked top = ranked[0];
      g_autofree char *share = NULL;
      g_autofree char *words = NULL;

      for (guint r = 1; r < n; r++)
        if (compare_ranked (&ranked[r], &top) < 0)
          top = ranked[r];
      share = sayso_report_format_share (top.count, stat->answered);
      words = g_strdup_printf (" answered “%s”, the most common answer", option_label (report, question, top.index));
      block = add_block (report, BLOCK_HEADLINE, words);
      block->strong = g_strdup (share);
      block->attrs = data_attrs (qid, sayso_question_get_option_id (question, top.index));
      if (report->compare)
        block->note = national_note (count_of (stat->all_counts, sayso_question_get_option_id (question, top.index)),
                                     stat->all_answered);
    }
  if (sayso_question_get_kind (question) == SAYSO_QUESTION_MULTIPLE)
    add_block (report, BLOCK_NOTE, "People could pick more than one answer, so the shares add up to more than 100%.");

  block = add_chart (report, chart, title, NULL);
  if (report->compare)
    table_row (block, NULL, "Answer", where_name (report), "National average", NULL);
  else
    table_row (block, NULL, "Answer", where_name (report), NULL);
  for (guint r = 0; r < n; r++)
    {
      guint i = ranked[r].index;
      const char *oid = sayso_question_get_option_id (question, i);
      const char *label = option_label (report, question, i);
      g_autofree char *share = sayso_report_format_share (ranked[r].count, stat->answered);
      g_autofree char *attrs = data_attrs (qid, oid);
      double fraction = stat->answered > 0 && scale > 0 ? (double) ranked[r].count / (double) stat->answered / scale : 0;

      if (report->compare)
        {
          gint64 all = count_of (stat->all_counts, oid);
          g_autofree char *note = national_note (all, stat->all_answered);
          g_autofree char *all_share = sayso_report_format_share (all, stat->all_answered);
          double compare = stat->all_answered > 0 && scale > 0 ? (double) all / (double) stat->all_answered / scale : -1;

          sayso_chart_add_bar (chart, label, fraction, share, note, compare, FALSE);
          table_row (block, attrs, label, share, all_share, NULL);
          g_string_append_printf (desc, "%s%s: %s, %s", r ? "; " : "", label, share, note);
        }
      else
        {
          sayso_chart_add_bar (chart, label, fraction, share, NULL, -1, FALSE);
          table_row (block, attrs, label, share, NULL);
          g_string_append_printf (desc, "%s%s: %s", r ? "; " : "", label, share);
        }
    }
  block->desc = g_string_free (g_steal_pointer (&desc), FALSE);
}

static void
build_quotes (Report      *report,
              TextAnswers *answers)
{
  const char *qid = sayso_question_get_id (answers->question);
  g_autofree char *title = g_strdup_printf ("Q: %s", question_text (report, answers->question));
  g_autofree char *count = NULL;
  Block *block;

  block = add_block (report, BLOCK_H3, title);
  block->attrs = data_attrs (qid, NULL);
  if (answers->total > answers->quotes->len)
    count = g_strdup_printf ("%" G_GINT64_FORMAT " answers; the first %u are listed here, all of them are in the CSV export.",
                             answers->total, answers->quotes->len);
  else
    count = g_strdup_printf ("%" G_GINT64_FORMAT " %s.", answers->total, answers->total == 1 ? "answer" : "answers");
  add_block (report, BLOCK_NOTE, count);

  for (guint i = 0; i < answers->quotes->len; i++)
    {
      Quote *quote = g_ptr_array_index (answers->quotes, i);
      block = add_block (report, BLOCK_QUOTE, quote->text);
      if (report->options->site == NULL && quote->site)
        block->note = g_strdup (quote->site);
    }
}

static void
build (Report *report)
{
  g_autofree char *title = g_strdup_printf ("Capturing the voice of people on probation: %s",
                                            report->options->site ? report->options->site : "all sites");
  g_autofree char *period = NULL;
  const char *survey = sayso_questionnaire_get_title (report->questionnaire, report->language);
  g_autofree char *today = sayso_today ();   /* as the PDF's date, and SAYSO_TODAY for tests */
  g_autofree char *subtitle = NULL;
  guint n_sections = sayso_questionnaire_get_n_sections (report->questionnaire);

  if (report->options->from && report->options->to)
    period = g_strdup_printf ("Responses from %s to %s", report->options->from, report->options->to);
  else if (report->options->from)
    period = g_strdup_printf ("Responses from %s on", report->options->from);
  else if (report->options->to)
    period = g_strdup_printf ("Responses up to %s", report->options->to);
  else
    period = g_strdup ("All responses in the database");
  subtitle = g_strdup_printf ("%s (survey “%s”, %s version %" G_GINT64_FORMAT "). %s. Made by Sayso on %s.",
                              period, survey ? survey : "", sayso_questionnaire_get_id (report->questionnaire),
                              sayso_questionnaire_get_version (report->questionnaire),
                              report->options->site ? "Each figure is beside the national average: all sites in the database over the same days"
                                                    : "Figures over all sites in the database",
                              today);

  add_block (report, BLOCK_TITLE, title);
  add_block (report, BLOCK_SUBTITLE, subtitle);
  add_block (report, BLOCK_NOTE,
             "How to read the figures: “9% (7/78)” means 7 of the 78 people who answered the question. "
             "People who skipped a question, or were not asked it, are not counted in it; “Prefer not to say” is "
             "an answer and is counted. The share who agree with a statement is those who agreed or strongly agreed "
             "out of everyone who answered it, “Prefer not to say” included. Percentages are rounded half up to a "
             "whole number. Bars within a chart are drawn to the same scale.");

  build_had_their_say (report);

  /* About the people: the demographic charts, first as in the reports. */
  {
    gboolean heading = FALSE;

    for (guint s = 0; s < report->stats->len; s++)
      {
        Stat *stat = g_ptr_array_index (report->stats, s);

        if (!stat->demographic)
          continue;
        if (!heading)
          {
            g_autofree char *note = NULL;

            add_block (report, BLOCK_H2, "About the people who had their say");
            if (report->small > 0)
              note = g_strdup_printf ("These charts give numbers of people, not percentages. So that no chart can "
                                      "single out one person, a group of fewer than %u shows as “<%u”, with no bar.",
                                      report->small, report->small);
            else
              note = g_strdup ("These charts give numbers of people. Small numbers are not hidden in this report.");
            add_block (report, BLOCK_NOTE, note);
            heading = TRUE;
          }
        build_demographic (report, stat);
      }
  }

  /* The statements and choices, section by section. */
  for (guint sec = 0; sec < n_sections; sec++)
    {
      const char *section = sayso_questionnaire_get_section_id (report->questionnaire, sec);
      gboolean heading = FALSE;

      if (g_strcmp0 (section, DEMOGRAPHIC_SECTION) == 0)
        continue;
      for (guint s = 0; s < report->stats->len; s++)
        {
          Stat *stat = g_ptr_array_index (report->stats, s);

          if (stat->demographic || g_strcmp0 (sayso_question_get_section (stat->question), section) != 0)
            continue;
          if (!heading)
            {
              const char *section_title = sayso_questionnaire_get_section_title (report->questionnaire, section, report->language);
              add_block (report, BLOCK_H2, section_title ? section_title : section);
              heading = TRUE;
            }
          if (sayso_question_get_kind (stat->question) == SAYSO_QUESTION_LIKERT)
            build_likert (report, stat);
          else
            build_choice (report, stat);
        }
    }

  if (report->texts->len > 0)
    {
      add_block (report, BLOCK_H2, "In their own words");
      add_block (report, BLOCK_NOTE,
                 "The free-text answers, grouped by question, for choosing quotes. For the analysts only: "
                 "check a quote for names, case numbers or anything else that could identify someone before "
                 "it is published.");
      for (guint t = 0; t < report->texts->len; t++)
        build_quotes (report, g_ptr_array_index (report->texts, t));
    }
}

/* Writing files */

static gboolean
write_atomically (const char  *path,
                  const char  *data,
                  gsize        len,
                  GError     **error)
{
  /* A temporary file in the same folder, fsynced and renamed over the target:
   * a reader sees the old report or the new one, never half of one. The
   * report holds free-text answers, so it is made readable by its owner only. */
  return g_file_set_contents_full (path, data, len,
                                   G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                   0600, error);
}

/* HTML */

static const char html_style[] =
  "body{font-family:\"DejaVu Sans\",Verdana,Arial,sans-serif;line-height:1.5;color:#000;background:#fff;"
  "max-width:52rem;margin:0 auto;padding:1rem 1.5rem 3rem}\n"
  "h1{font-size:1.7rem;margin:1.5rem 0 .3rem}h2{font-size:1.35rem;margin:2.2rem 0 .6rem;padding-top:.6rem;"
  "border-top:3px solid #000}h3{font-size:1.05rem;margin:1.6rem 0 .4rem}\n"
  ".subtitle{color:#333}.note{color:#333;font-size:.9rem}.headline{font-size:1.05rem}"
  ".headline strong{font-size:1.2rem}.national{color:#333;margin-left:.4rem}\n"
  "svg.chart{display:block;width:100%;height:auto;margin:.4rem 0}\n"
  "details{margin:.2rem 0 1rem}summary{cursor:pointer;color:#000;text-decoration:underline}\n"
  "table{border-collapse:collapse;margin:.5rem 0;font-size:.95rem}th,td{border:1px solid #666;padding:.2rem .6rem;"
  "text-align:left;vertical-align:top}td+td,th+th{text-align:right}caption{text-align:left;font-weight:bold}\n"
  "blockquote{margin:.5rem 0 .5rem 0;padding:.3rem .8rem;border-left:4px solid #666}"
  "blockquote cite{display:block;font-size:.85rem;color:#333;font-style:normal}\n"
  "@media print{h2{break-before:auto}figure,blockquote{break-inside:avoid}details{display:block}}\n";

static void
html_escaped (GString    *out,
              const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text ? text : "", -1);
  g_string_append (out, escaped);
}

static gboolean
write_html (Report  *report,
            GError **error)
{
  g_autoptr(GString) out = g_string_sized_new (256 * 1024);
  g_autofree char *lang = g_markup_escape_text (report->language, -1);
  gboolean ok;

  g_string_append_printf (out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<meta name=\"generator\" content=\"Sayso %s\">\n<title>", lang, PACKAGE_VERSION);
  html_escaped (out, ((Block *) g_ptr_array_index (report->blocks, 0))->text);
  g_string_append_printf (out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<main>\n", html_style);

  for (guint b = 0; b < report->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (report->blocks, b);
      const char *attrs = block->attrs ? block->attrs : "";
      const char *space = block->attrs ? " " : "";

      switch (block->kind)
        {
        case BLOCK_TITLE:
          g_string_append (out, "<h1>");
          html_escaped (out, block->text);
          g_string_append (out, "</h1>\n");
          break;
        case BLOCK_SUBTITLE:
          g_string_append (out, "<p class=\"subtitle\">");
          html_escaped (out, block->text);
          g_string_append (out, "</p>\n");
          break;
        case BLOCK_H2:
        case BLOCK_H3:
          g_string_append_printf (out, "<h%d%s%s>", block->kind == BLOCK_H2 ? 2 : 3, space, attrs);
          html_escaped (out, block->text);
          g_string_append_printf (out, "</h%d>\n", block->kind == BLOCK_H2 ? 2 : 3);
          break;
        case BLOCK_NOTE:
          g_string_append_printf (out, "<p class=\"note\"%s%s>", space, attrs);
          html_escaped (out, block->text);
          g_string_append (out, "</p>\n");
          break;
        case BLOCK_HEADLINE:
          g_string_append_printf (out, "<p class=\"headline\"%s%s><strong class=\"share\">", space, attrs);
          html_escaped (out, block->strong);
          g_string_append (out, "</strong>");
          html_escaped (out, block->text);
          if (block->note)
            {
              g_string_append (out, "<span class=\"national\">(");
              html_escaped (out, block->note);
              g_string_append (out, ")</span>");
            }
          g_string_append (out, "</p>\n");
          break;
        case BLOCK_CHART:
          {
            g_autofree char *prefix = g_strdup_printf ("c%u", ++report->n_charts);
            g_autofree char *svg = sayso_chart_to_svg (block->chart, 480, prefix, block->title, block->desc, error);

            if (svg == NULL)
              {
                memset (out->str, 0, out->len);   /* quotes may be in it already */
                return FALSE;
              }
            g_string_append (out, "<figure>\n");
            g_string_append (out, svg);
            g_string_append (out, "\n<details><summary>The figures as a table</summary>\n<table>\n<caption>");
            html_escaped (out, block->title);
            g_string_append (out, "</caption>\n");
            for (guint r = 0; r < block->table->len; r++)
              {
                GStrv cells = g_ptr_array_index (block->table, r);
                const char *row_attrs = g_ptr_array_index (block->row_attrs, r);

                g_string_append_printf (out, "<tr%s%s>", *row_attrs ? " " : "", row_attrs);
                for (guint c = 0; cells[c]; c++)
                  {
                    const char *tag = r == 0 ? "th scope=\"col\"" : c == 0 ? "th scope=\"row\"" : "td";
                    g_string_append_printf (out, "<%s>", tag);
                    html_escaped (out, cells[c]);
                    g_string_append_printf (out, "</%s>", r == 0 || c == 0 ? "th" : "td");
                  }
                g_string_append (out, "</tr>\n");
              }
            g_string_append (out, "</table>\n</details>\n</figure>\n");
          }
          break;
        case BLOCK_QUOTE:
          g_string_append (out, "<blockquote><p>");
          html_escaped (out, block->text);
          g_string_append (out, "</p>");
          if (block->note)
            {
              g_string_append (out, "<cite>");
              html_escaped (out, block->note);
              g_string_append (out, "</cite>");
            }
          g_string_append (out, "</blockquote>\n");
          break;
        }
    }
  g_string_append (out, "</main>\n</body>\n</html>\n");

  ok = write_atomically (report->options->out, out->str, out->len, error);
  memset (out->str, 0, out->len);
  return ok;
}

/* PDF */

#define PAGE_WIDTH  595.276
#define PAGE_HEIGHT 841.890
#define MARGIN      50.0
#define CONTENT     (PAGE_WIDTH - 2 * MARGIN)
#define BOTTOM      (PAGE_HEIGHT - MARGIN - 14)

typedef struct
{
  cairo_t    *cr;
  double      y;
  guint       page;
  const char *footer;
} Pdf;

static PangoLayout *
pdf_layout (Pdf        *pdf,
            const char *markup,
            double      size,
            double      width)
{
  PangoLayout *layout = pango_cairo_create_layout (pdf->cr);
  PangoContext *context = pango_layout_get_context (layout);
  cairo_font_options_t *options = cairo_font_options_create ();
  PangoFontDescription *font = pango_font_description_from_string ("DejaVu Sans, Sans");

  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (context, options);
  pango_cairo_context_set_resolution (context, 72.0);
  pango_layout_context_changed (layout);
  cairo_font_options_destroy (options);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_markup (layout, markup, -1);
  return layout;
}

static void
pdf_footer (Pdf *pdf)
{
  g_autofree char *text = g_strdup_printf ("%s · page %u", pdf->footer, pdf->page);
  g_autofree char *markup = g_markup_escape_text (text, -1);
  PangoLayout *layout = pdf_layout (pdf, markup, 7.5, CONTENT);

  cairo_set_source_rgb (pdf->cr, 0.25, 0.25, 0.25);
  cairo_move_to (pdf->cr, MARGIN, PAGE_HEIGHT - MARGIN + 4);
  pango_cairo_show_layout (pdf->cr, layout);
  g_object_unref (layout);
}

static void
pdf_new_page (Pdf *pdf)
{
  pdf_footer (pdf);
  cairo_show_page (pdf->cr);
  pdf->page++;
  pdf->y = MARGIN;
}

static void
pdf_need (Pdf    *pdf,
          double  height)
{
  if (pdf->y + height > BOTTOM && pdf->y > MARGIN)
    pdf_new_page (pdf);
}

/* Lays out markup; if keep_with > 0, keeps that much room below it on the same page. */
static void
pdf_text (Pdf        *pdf,
          const char *markup,
          double      size,
          double      indent,
          double      space_before,
          double      space_after,
          double      keep_with,
          double      grey)
{
  PangoLayout *layout = pdf_layout (pdf, markup, size, CONTENT - indent);
  int w, h;

  pango_layout_get_size (layout, &w, &h);
  pdf->y += space_before;
  pdf_need (pdf, (double) h / PANGO_SCALE + keep_with);
  cairo_set_source_rgb (pdf->cr, grey, grey, grey);
  cairo_move_to (pdf->cr, MARGIN + indent, pdf->y);
  pango_cairo_show_layout (pdf->cr, layout);
  pdf->y += (double) h / PANGO_SCALE + space_after;
  g_object_unref (layout);
}

/* The room a heading needs below it so that it is not left alone at the foot
 * of a page: its headline, notes and first chart. */
static double
pdf_keep_with (Report *report,
               guint   heading)
{
  double room = 0;

  for (guint b = heading + 1; b < report->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (report->blocks, b);

      if (block->kind == BLOCK_CHART)
        return MIN (room + sayso_chart_measure (block->chart, CONTENT), BOTTOM - MARGIN - 80);
      if (block->kind == BLOCK_HEADLINE || block->kind == BLOCK_NOTE)
        room += 30;
      else if (block->kind == BLOCK_H3 && room == 0)
        room += 30;
      else
        return room + 40;
    }
  return room;
}

static cairo_status_t
append_to_bytes (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
write_pdf (Report  *report,
           GError **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_sized_new (512 * 1024);
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (append_to_bytes, bytes, PAGE_WIDTH, PAGE_HEIGHT);
  g_autofree char *footer = g_strdup_printf ("Sayso report: %s · for analysts only, contains free-text answers", where_name (report));
  Pdf pdf = { cairo_create (surface), MARGIN, 1, footer };
  cairo_status_t status;
  gboolean ok;

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE,
                                  ((Block *) g_ptr_array_index (report->blocks, 0))->text);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Sayso " PACKAGE_VERSION);
  {
    /* Cairo would stamp the time of day; Sayso keeps to the day. */
    g_autofree char *today = sayso_today ();
    g_autofree char *stamp = g_strdup_printf ("%sT00:00:00Z", today);
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, stamp);
  }

  for (guint b = 0; b < report->blocks->len; b++)
    {
      Block *block = g_ptr_array_index (report->blocks, b);
      g_autofree char *text = g_markup_escape_text (block->text ? block->text : "", -1);
      g_autofree char *markup = NULL;
      double keep;

      switch (block->kind)
        {
        case BLOCK_TITLE:
          markup = g_strdup_printf ("<b>%s</b>", text);
          pdf_text (&pdf, markup, 20, 0, 0, 6, 0, 0);
          break;
        case BLOCK_SUBTITLE:
          pdf_text (&pdf, text, 9.5, 0, 0, 8, 0, 0.2);
          break;
        case BLOCK_H2:
          keep = pdf_keep_with (report, b);
          pdf_need (&pdf, 40 + keep);
          if (pdf.y > MARGIN + 1)
            pdf.y += 12;
          cairo_set_source_rgb (pdf.cr, 0, 0, 0);
          cairo_rectangle (pdf.cr, MARGIN, pdf.y, CONTENT, 2);
          cairo_fill (pdf.cr);
          pdf.y += 6;
          markup = g_strdup_printf ("<b>%s</b>", text);
          pdf_text (&pdf, markup, 14.5, 0, 0, 6, keep, 0);
          break;
        case BLOCK_H3:
          markup = g_strdup_printf ("<b>%s</b>", text);
          pdf_text (&pdf, markup, 10.5, 0, 8, 4, pdf_keep_with (report, b), 0);
          break;
        case BLOCK_NOTE:
          pdf_text (&pdf, text, 8.5, 0, 0, 5, 0, 0.2);
          break;
        case BLOCK_HEADLINE:
          {
            g_autofree char *strong = g_markup_escape_text (block->strong, -1);
            g_autofree char *note = block->note ? g_markup_escape_text (block->note, -1) : NULL;
            markup = g_strdup_printf ("<b><span size=\"larger\">%s</span></b>%s%s%s%s", strong, text,
                                      note ? "  <span foreground=\"#333333\">(" : "", note ? note : "", note ? ")</span>" : "");
            pdf_text (&pdf, markup, 10, 0, 0, 4, 40, 0);
          }
          break;
        case BLOCK_CHART:
          {
            double h = sayso_chart_measure (block->chart, CONTENT);
            pdf_need (&pdf, h);
            sayso_chart_draw (block->chart, pdf.cr, MARGIN, pdf.y, CONTENT);
            pdf.y += h + 6;
          }
          break;
        case BLOCK_QUOTE:
          if (block->note)
            {
              g_autofree char *cite = g_markup_escape_text (block->note, -1);
              markup = g_strdup_printf ("“%s”  <span size=\"smaller\" foreground=\"#333333\">(%s)</span>", text, cite);
            }
          else
            markup = g_strdup_printf ("“%s”", text);
          pdf_text (&pdf, markup, 9, 12, 0, 5, 0, 0);
          memset (markup, 0, strlen (markup));
          break;
        }
      if (block->kind == BLOCK_QUOTE)
        memset (text, 0, strlen (text));
    }
  pdf_footer (&pdf);
  cairo_show_page (pdf.cr);
  cairo_destroy (pdf.cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID,
                   "cannot make the PDF: %s", cairo_status_to_string (status));
      return FALSE;
    }
  ok = write_atomically (report->options->out, (const char *) bytes->data, bytes->len, error);
  /* It holds the quotes, as the HTML and CSV buffers do. */
  memset (bytes->data, 0, bytes->len);
  return ok;
}

/* CSV (RFC 4180, UTF-8 with a byte order mark for Excel, CRLF line ends) */

static void
csv_field (GString    *out,
           const char *value,
           gboolean    guard)
{
  const char *p;
  gboolean quote = FALSE;

  if (value == NULL)
    return;
  for (p = value; *p; p++)
    if (*p == '"' || *p == ',' || *p == '\n' || *p == '\r')
      {
        quote = TRUE;
        break;
      }
  /* A free-text answer that starts like a formula would run as one in a
   * spreadsheet: it gets a leading apostrophe, as the codebook says. */
  guard = guard && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                    value[0] == '\t' || value[0] == '\r');
  if (guard)
    quote = TRUE;
  if (!quote)
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  if (guard)
    g_string_append_c (out, '\'');
  for (p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

typedef struct
{
  Report     *report;
  GString    *out;
  JsonParser *parser;
  GString    *joined;   /* a multiple choice's values, reused row after row */
  GError     *error;
} CsvWriter;

static gboolean
csv_row (const char *response_id_hex,
         const char *day,
         const char *mode,
         const char *site,
         const char *language,
         const char *questionnaire,
         gint64      version,
         const char *answers_json,
         gpointer    user_data)
{
  CsvWriter *writer = user_data;
  SaysoQuestionnaire *survey = writer->report->questionnaire;
  guint n = sayso_questionnaire_get_n_questions (survey);
  JsonObject *answers = NULL;
  GString *out = writer->out;

  if (answers_json && *answers_json)
    {
      const SaysoJsonLimits limits = { "a record", SAYSO_JSON_RECORD_MAX_BYTES, SAYSO_JSON_RECORD_DEPTH };
      g_autofree char *origin = g_strdup_printf ("the analysis database, response %s", response_id_hex);
      JsonNode *root;

      /* Written by the import, which checked it; but the database is a file
       * anyone with the analysts' machine could edit. */
      if (!sayso_json_check_limits (answers_json, strlen (answers_json), &limits, origin, 0, &writer->error))
        return FALSE;
      if (!json_parser_load_from_data (writer->parser, answers_json, -1, &writer->error))
        return FALSE;
      root = json_parser_get_root (writer->parser);
      if (root && JSON_NODE_HOLDS_OBJECT (root))
        answers = json_node_get_object (root);
    }

  csv_field (out, response_id_hex, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, day, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, mode, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, site, TRUE);
  g_string_append_c (out, ',');
  csv_field (out, language, FALSE);
  for (guint i = 0; i < n; i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (survey, i);
      JsonNode *node = answers ? json_object_get_member (answers, sayso_question_get_id (question)) : NULL;

      g_string_append_c (out, ',');
      if (node == NULL)
        continue;
      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *array = json_node_get_array (node);
          GString *joined = g_string_truncate (writer->joined, 0);

          for (guint k = 0; k < json_array_get_length (array); k++)
            {
              const char *value = json_node_get_string (json_array_get_element (array, k));
              if (value == NULL)
                continue;
              if (joined->len)
                g_string_append_c (joined, ';');
              g_string_append (joined, value);
            }
          csv_field (out, joined->str, FALSE);
        }
      else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        csv_field (out, json_node_get_string (node),
                   sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT);
    }
  g_string_append (out, "\r\n");
  return TRUE;
}

static void
codebook_row (GString    *out,
              const char *question,
              const char *kind,
              const char *text,
              const char *value,
              const char *label)
{
  csv_field (out, question, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, kind, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, text, TRUE);
  g_string_append_c (out, ',');
  csv_field (out, value, FALSE);
  g_string_append_c (out, ',');
  csv_field (out, label, TRUE);
  g_string_append (out, "\r\n");
}

static GString *
make_codebook (Report *report)
{
  SaysoQuestionnaire *survey = report->questionnaire;
  guint n = sayso_questionnaire_get_n_questions (survey);
  GString *out = g_string_new ("\xEF\xBB\xBF" "question_id,kind,question,value,label\r\n");

  codebook_row (out, "response_id", "id", "The response's id (32 hex digits), drawn at random when it was imported: not the kiosk's record id, and it says nothing about who or when", "", "");
  codebook_row (out, "day", "day", "The day the response was given, YYYY-MM-DD (never a time)", "", "");
  codebook_row (out, "mode", "single", "How the response was given", "self", "Self-completed on the kiosk");
  codebook_row (out, "mode", "single", "How the response was given", "staff", "Completed with a member of staff");
  codebook_row (out, "mode", "single", "How the response was given", "paper", "On paper, entered by staff");
  codebook_row (out, "site", "text", "The site (probation office) of the kiosk", "", "");
  for (const char * const *lang = sayso_questionnaire_get_languages (survey); lang && *lang; lang++)
    codebook_row (out, "language", "single", "The language the survey was answered in", *lang,
                  g_str_equal (*lang, "en") ? "English" : g_str_equal (*lang, "cy") ? "Welsh (Cymraeg)" : *lang);

  for (guint i = 0; i < n; i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (survey, i);
      SaysoQuestionKind kind = sayso_question_get_kind (question);
      const char *id = sayso_question_get_id (question);
      const char *text = question_text (report, question);
      const char *kind_name = sayso_question_kind_to_string (kind);

      if (kind == SAYSO_QUESTION_TEXT)
        {
          codebook_row (out, id, kind_name, text, "",
                        "Free text in the respondent's words. A text that begins with =, +, - or @ has an apostrophe "
                        "put in front so that a spreadsheet does not run it as a formula.");
          continue;
        }
      if (kind == SAYSO_QUESTION_MULTIPLE)
        codebook_row (out, id, kind_name, text, "",
                      "Several answers may be chosen: the cell holds the option ids joined by \";\" (e.g. travel;reception).");
      for (guint k = 0; k < sayso_question_get_n_options (question); k++)
        codebook_row (out, id, kind_name, text, sayso_question_get_option_id (question, k),
                      option_label (report, question, k));
    }
  codebook_row (out, "(any question)", "", "An empty cell", "", "Not answered: skipped, or not asked because of an earlier answer");
  return out;
}

static gboolean
write_csv (Report  *report,
           GError **error)
{
  SaysoQuestionnaire *survey = report->questionnaire;
  guint n = sayso_questionnaire_get_n_questions (survey);
  g_autoptr(GString) out = g_string_sized_new (4 * 1024 * 1024);
  g_autoptr(GString) codebook = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *codebook_path = sayso_report_codebook_path (report->options->out);
  g_autoptr(GString) joined = g_string_new (NULL);
  CsvWriter writer = { report, out, parser, joined, NULL };
  gboolean ok;

  g_string_append (out, "\xEF\xBB\xBF" "response_id,day,mode,site,language");
  for (guint i = 0; i < n; i++)
    {
      g_string_append_c (out, ',');
      csv_field (out, sayso_question_get_id (sayso_questionnaire_get_question (survey, i)), FALSE);
    }
  g_string_append (out, "\r\n");

  if (!sayso_analysis_db_foreach_response (report->db, &report->filter, csv_row, &writer, error))
    {
      memset (out->str, 0, out->len);
      g_clear_error (&writer.error);
      return FALSE;
    }
  if (writer.error)
    {
      g_propagate_prefixed_error (error, writer.error, "a response's answers in the database cannot be read: ");
      memset (out->str, 0, out->len);
      return FALSE;
    }

  codebook = make_codebook (report);
  ok = write_atomically (codebook_path, codebook->str, codebook->len, error) &&
       write_atomically (report->options->out, out->str, out->len, error);
  memset (out->str, 0, out->len);
  return ok;
}

/* Options */

static gboolean
valid_day (const char *day)
{
  guint y, m, d;

  if (day == NULL || strlen (day) != 10 || day[4] != '-' || day[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (day[i]))
      return FALSE;
  y = (guint) g_ascii_strtoull (day, NULL, 10);
  m = (guint) g_ascii_strtoull (day + 5, NULL, 10);
  d = (guint) g_ascii_strtoull (day + 8, NULL, 10);
  return g_date_valid_dmy (d, m, y);
}

static gboolean
check_options (SaysoAnalysisDb          *db,
               SaysoQuestionnaire       *questionnaire,
               const SaysoReportOptions *options,
               const char               *language,
               GError                  **error)
{
  if (options->out == NULL || *options->out == '\0')
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID, "no output file (--out FILE)");
      return FALSE;
    }
  if (options->format != SAYSO_REPORT_HTML && options->format != SAYSO_REPORT_PDF && options->format != SAYSO_REPORT_CSV)
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID, "the format must be html, pdf or csv");
      return FALSE;
    }
  if ((options->from && !valid_day (options->from)) || (options->to && !valid_day (options->to)))
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID,
                   "“%s” is not a day: write days as YYYY-MM-DD", options->from && !valid_day (options->from) ? options->from : options->to);
      return FALSE;
    }
  if (options->from && options->to && strcmp (options->from, options->to) > 0)
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID,
                   "--from %s is after --to %s", options->from, options->to);
      return FALSE;
    }
  if (!sayso_questionnaire_has_language (questionnaire, language))
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID,
                   "the survey has no “%s” text", language);
      return FALSE;
    }
  if (options->site)
    {
      g_auto(GStrv) sites = NULL;
      g_autofree char *known = NULL;

      if (!sayso_analysis_db_list_sites (db, &sites, error))
        return FALSE;
      if (sites && g_strv_contains ((const char * const *) sites, options->site))
        return TRUE;
      known = sites && sites[0] ? g_strjoinv ("”, “", sites) : NULL;
      if (known)
        g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_UNKNOWN_SITE,
                     "no responses from a site “%s” in the database; its sites are “%s”", options->site, known);
      else
        g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_UNKNOWN_SITE,
                     "no responses from a site “%s”: the database has no responses yet", options->site);
      return FALSE;
    }
  return TRUE;
}

gboolean
sayso_report_write (SaysoAnalysisDb          *db,
                    SaysoQuestionnaire       *questionnaire,
                    const SaysoReportOptions *options,
                    GError                  **error)
{
  Report report = { 0 };
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  report.db = db;
  report.questionnaire = questionnaire;
  report.options = options;
  report.language = options->language ? options->language : "en";
  report.small = options->small_number;
  report.compare = options->site != NULL;
  report.filter = (SaysoAnalysisFilter) { options->site, options->from, options->to };
  report.all_filter = (SaysoAnalysisFilter) { NULL, options->from, options->to };

  if (!check_options (db, questionnaire, options, report.language, error))
    return FALSE;

  if (options->format == SAYSO_REPORT_CSV)
    return write_csv (&report, error);

  report.stats = g_ptr_array_new_with_free_func ((GDestroyNotify) stat_free);
  report.texts = g_ptr_array_new_with_free_func ((GDestroyNotify) text_answers_free);
  report.blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);

  ok = gather (&report, error);
  if (ok)
    {
      build (&report);
      ok = options->format == SAYSO_REPORT_HTML ? write_html (&report, error) : write_pdf (&report, error);
    }

  g_ptr_array_unref (report.blocks);
  g_ptr_array_unref (report.texts);
  g_ptr_array_unref (report.stats);
  return ok;
}
