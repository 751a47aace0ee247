/* sayso-report-layout.c: the figures laid out as the report's blocks.
 *
 * Headings, headline figures, charts with their table alternative, notes and
 * quotes, in the order of the HM Inspectorate of Probation "user voice"
 * reports; the HTML and the PDF both write these blocks, so that they show
 * the same report. The words of the figures are chosen here; the figures
 * themselves come from sayso-figures.c.
 *
 *  - Demographic charts print counts only, never N or a percentage, so that
 *    a hidden cell cannot be worked out from its neighbours.
 *  - With --site, every headline figure has the same figure over all sites in
 *    the database for the same days beside it: the reports' "national average".
 */
#define G_LOG_DOMAIN "sayso-report"

#include <string.h>

#include "sayso-headlines.h"
#include "sayso-record.h"
#include "sayso-report-private.h"

static const char * const mode_ids[3] = { "self", "staff", "paper" };
static const char * const mode_labels[3] = {
  "self-completed on the kiosk",
  "completed with a member of staff",
  "on paper, entered by staff",
};

typedef struct
{
  SaysoFigures             *figures;
  SaysoQuestionnaire       *questionnaire;
  const SaysoReportOptions *options;
  const char               *language;
  guint                     small;
  gboolean                  compare;
  GPtrArray                *blocks;     /* SaysoReportBlock */
  GPtrArray                *headlines;  /* SaysoHeadline */
} Layout;

/* "9% (7/78)", and with --intervals "9% (7/78) [4.4–17.4%]". */
static char *
share_text (Layout *layout,
            gint64  n,
            gint64  of)
{
  g_autofree char *share = sayso_figures_format_share (n, of);
  g_autofree char *interval = NULL;

  if (!layout->options->intervals || of <= 0)
    return g_steal_pointer (&share);
  interval = sayso_figures_format_interval (n, of);
  return g_strdup_printf ("%s [%s]", share, interval);
}

static char *
format_percent (gint64 n,
                gint64 of)
{
  if (of <= 0)
    return g_strdup ("–%");
  return g_strdup_printf ("%" G_GINT64_FORMAT "%%", sayso_figures_percent (n, of));
}

static char *
national_note (gint64 n,
               gint64 of)
{
  g_autofree char *pct = format_percent (n, of);
  return g_strdup_printf ("national average %s", pct);
}

static void
block_free (SaysoReportBlock *block)
{
  g_free (block->strong);
  if (block->kind == SAYSO_REPORT_BLOCK_QUOTE && block->text)
    memset (block->text, 0, strlen (block->text));
  g_free (block->text);
  g_free (block->note);
  g_free (block->attrs);
  g_clear_pointer (&block->chart, sayso_chart_free);
  g_free (block->title);
  g_free (block->desc);
  g_clear_pointer (&block->table, g_ptr_array_unref);
  g_clear_pointer (&block->row_attrs, g_ptr_array_unref);
  g_free (block->name);
  g_free (block);
}

static SaysoReportBlock *
add_block (Layout               *layout,
           SaysoReportBlockKind  kind,
           const char           *text)
{
  SaysoReportBlock *block = g_new0 (SaysoReportBlock, 1);

  block->kind = kind;
  block->text = g_strdup (text);
  g_ptr_array_add (layout->blocks, block);
  return block;
}

static SaysoReportBlock *
add_chart (Layout     *layout,
           SaysoChart *chart,
           const char *title,
           const char *desc)
{
  SaysoReportBlock *block = add_block (layout, SAYSO_REPORT_BLOCK_CHART, NULL);

  block->chart = chart;
  block->title = g_strdup (title);
  block->desc = g_strdup (desc);
  block->table = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  block->row_attrs = g_ptr_array_new_with_free_func (g_free);
  return block;
}

static void
table_row (SaysoReportBlock *block,
           const char       *attrs,
           ...) G_GNUC_NULL_TERMINATED;

static void
table_row (SaysoReportBlock *block,
           const char       *attrs,
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

const char *
_sayso_report_question_text (SaysoQuestion *question,
                             const char    *language)
{
  const char *text = sayso_question_get_text (question, language);
  return text ? text : sayso_question_get_id (question);
}

const char *
_sayso_report_option_label (SaysoQuestion *question,
                            guint          index,
                            const char    *language)
{
  const char *label = sayso_question_get_option_label (question, index, language);
  return label ? label : sayso_question_get_option_id (question, index);
}

guint
_sayso_report_min_n (const SaysoReportOptions *options)
{
  return options->min_n > 0 ? options->min_n : SAYSO_HEADLINES_DEFAULT_MIN_N;
}

const char *
_sayso_report_where_name (const SaysoReportOptions *options)
{
  return options->site ? options->site : "all sites";
}

static const char *
question_text (Layout        *layout,
               SaysoQuestion *question)
{
  return _sayso_report_question_text (question, layout->language);
}

static const char *
option_label (Layout        *layout,
              SaysoQuestion *question,
              guint          index)
{
  return _sayso_report_option_label (question, index, layout->language);
}

/* A question nobody answered gets a line, not a chart of zeros. */
static gboolean
lay_out_unanswered (Layout                     *layout,
                    const SaysoFiguresQuestion *figures,
                    const char                 *title)
{
  SaysoReportBlock *block;

  if (figures->answered > 0)
    return FALSE;
  add_block (layout, SAYSO_REPORT_BLOCK_H3, title);
  block = add_block (layout, SAYSO_REPORT_BLOCK_NOTE, "No one answered this question.");
  block->attrs = data_attrs (sayso_question_get_id (figures->question), NULL);
  return TRUE;
}

/* How many had their say, by mode. */
static void
lay_out_had_their_say (Layout *layout)
{
  gint64 total = sayso_figures_get_total (layout->figures);
  gint64 by_mode[3];
  g_autofree char *heading = g_strdup_printf ("%" G_GINT64_FORMAT " %s had their say",
                                              total, total == 1 ? "person" : "people");
  SaysoReportBlock *block = add_block (layout, SAYSO_REPORT_BLOCK_H2, heading);
  SaysoChart *chart = sayso_chart_new_bars ();
  g_autoptr(GString) desc = g_string_new (NULL);
  gint64 max;

  for (guint m = 0; m < 3; m++)
    by_mode[m] = sayso_figures_get_by_mode (layout->figures, m);
  max = MAX (MAX (by_mode[0], by_mode[1]), MAX (by_mode[2], 1));

  block->attrs = g_strdup_printf ("data-total=\"%" G_GINT64_FORMAT "\"", total);
  block = add_chart (layout, chart, "How people had their say", NULL);
  block->name = g_strdup ("had_their_say");
  table_row (block, NULL, "How", "People", "Share", NULL);
  for (guint m = 0; m < 3; m++)
    {
      g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, by_mode[m]);
      g_autofree char *pct = format_percent (by_mode[m], total);
      g_autofree char *value = g_strdup_printf ("%s (%s)", count, pct);
      g_autofree char *label = g_strdup (mode_labels[m]);
      g_autofree char *attrs = g_strdup_printf ("data-mode=\"%s\"", mode_ids[m]);

      label[0] = g_ascii_toupper (label[0]);
      sayso_chart_add_bar (chart, label, (double) by_mode[m] / (double) max, value, NULL, -1, FALSE);
      table_row (block, attrs, label, count, pct, NULL);
      g_string_append_printf (desc, "%s%s: %s", m ? "; " : "", label, value);
    }
  block->desc = g_string_free (g_steal_pointer (&desc), FALSE);
}

/* A demographic question: counts in option order, small cells hidden. */
static void
lay_out_demographic (Layout                     *layout,
                     const SaysoFiguresQuestion *figures)
{
  SaysoQuestion *question = figures->question;
  const char *qid = sayso_question_get_id (question);
  SaysoChart *chart;
  g_autoptr(GString) desc = NULL;
  gint64 max = 1;
  SaysoReportBlock *block;

  if (lay_out_unanswered (layout, figures, question_text (layout, question)))
    return;
  for (guint i = 0; i < figures->n_options; i++)
    if (!figures->options[i].hidden)
      max = MAX (max, figures->options[i].count);

  chart = sayso_chart_new_bars ();
  desc = g_string_new (NULL);
  add_block (layout, SAYSO_REPORT_BLOCK_H3, question_text (layout, question));
  block = add_chart (layout, chart, question_text (layout, question), NULL);
  block->name = g_strdup_printf ("%s-%s", sayso_question_get_section (question), qid);
  table_row (block, NULL, "Answer", "People", NULL);
  for (guint i = 0; i < figures->n_options; i++)
    {
      const SaysoFiguresOption *option = &figures->options[i];
      const char *label = option_label (layout, question, option->index);
      g_autofree char *value = option->hidden ? g_strdup_printf ("<%u", layout->small)
                                              : g_strdup_printf ("%" G_GINT64_FORMAT, option->count);
      g_autofree char *attrs = data_attrs (qid, option->id);

      sayso_chart_add_bar (chart, label, option->hidden ? 0 : (double) option->count / (double) max, value, NULL, -1,
                           option->hidden);
      table_row (block, attrs, label, value, NULL);
      g_string_append_printf (desc, "%s%s: %s", i ? "; " : "", label, value);
    }
  if (layout->small > 0)
    g_string_append_printf (desc, ". Fewer than %u people show as <%u.", layout->small, layout->small);
  block->desc = g_string_free (g_steal_pointer (&desc), FALSE);
}

/* A Likert statement: the share who agree, the stacked bar over the points. */
static void
lay_out_likert (Layout                     *layout,
                const SaysoFiguresQuestion *figures)
{
  SaysoQuestion *question = figures->question;
  const char *qid = sayso_question_get_id (question);
  guint n = MIN (figures->n_options, SAYSO_CHART_MAX_SEGMENTS);
  const char *labels[SAYSO_CHART_MAX_SEGMENTS];
  gint64 counts[SAYSO_CHART_MAX_SEGMENTS] = { 0 }, all_counts[SAYSO_CHART_MAX_SEGMENTS] = { 0 };
  g_autofree char *share = NULL;
  g_autofree char *value = NULL;
  g_autofree char *title = g_strdup_printf ("Q: %s", question_text (layout, question));
  g_autoptr(GString) desc = g_string_new (NULL);
  SaysoChart *chart;
  SaysoReportBlock *block;

  if (lay_out_unanswered (layout, figures, title))
    return;
  for (guint i = 0; i < n; i++)
    {
      labels[i] = option_label (layout, question, figures->options[i].index);
      counts[i] = figures->options[i].count;
      all_counts[i] = figures->options[i].all_count;
    }

  share = share_text (layout, figures->agree, figures->answered);
  add_block (layout, SAYSO_REPORT_BLOCK_H3, title);
  block = add_block (layout, SAYSO_REPORT_BLOCK_HEADLINE, " agree or strongly agree");
  block->strong = g_strdup (share);
  block->attrs = data_attrs (qid, NULL);
  if (layout->compare)
    block->note = national_note (figures->all_agree, figures->all_answered);

  chart = sayso_chart_new_stacked (labels, n);
  value = g_strdup_printf ("%s agree", share);
  sayso_chart_add_stack (chart, layout->options->site ? layout->options->site : "All sites", counts, value);
  if (layout->compare)
    {
      g_autofree char *all_value = NULL;
      g_autofree char *all_share = share_text (layout, figures->all_agree, figures->all_answered);
      all_value = g_strdup_printf ("%s agree", all_share);
      sayso_chart_add_stack (chart, "National average", all_counts, all_value);
    }

  block = add_chart (layout, chart, title, NULL);
  block->name = g_strdup_printf ("%s-%s", sayso_question_get_section (question), qid);
  if (layout->compare)
    table_row (block, NULL, "Answer", _sayso_report_where_name (layout->options), "National average", NULL);
  else
    table_row (block, NULL, "Answer", _sayso_report_where_name (layout->options), NULL);
  g_string_append_printf (desc, "%s agree or strongly agree. ", share);
  for (guint i = 0; i < n; i++)
    {
      const SaysoFiguresOption *option = &figures->options[i];
      g_autofree char *cell = share_text (layout, option->count, figures->answered);
      g_autofree char *attrs = data_attrs (qid, option->id);

      if (layout->compare)
        {
          g_autofree char *all_cell = share_text (layout, option->all_count, figures->all_answered);
          table_row (block, attrs, labels[i], cell, all_cell, NULL);
        }
      else
        table_row (block, attrs, labels[i], cell, NULL);
      g_string_append_printf (desc, "%s%s: %s", i ? "; " : "", labels[i], cell);
    }
  block->desc = g_string_free (g_steal_pointer (&desc), FALSE);
}

/* A choice question: every option as "N% (n/N)", in the figures' order
 * (categories ranked), with the most common answer as the headline. */
static void
lay_out_choice (Layout                     *layout,
                const SaysoFiguresQuestion *figures)
{
  SaysoQuestion *question = figures->question;
  const char *qid = sayso_question_get_id (question);
  guint n = figures->n_options;
  g_autofree char *title = g_strdup_printf ("Q: %s", question_text (layout, question));
  g_autoptr(GString) desc = NULL;
  SaysoChart *chart;
  double scale = 0;
  SaysoReportBlock *block;

  if (lay_out_unanswered (layout, figures, title))
    return;
  for (guint i = 0; i < n; i++)
    {
      if (figures->answered > 0)
        scale = MAX (scale, (double) figures->options[i].count / (double) figures->answered);
      if (layout->compare && figures->all_answered > 0)
        scale = MAX (scale, (double) figures->options[i].all_count / (double) figures->all_answered);
    }
  /* Bars run to the next 10% above the largest share, so small shares show. */
  scale = MIN (1.0, ((int) (scale * 10.0) + 1) / 10.0);

  chart = sayso_chart_new_bars ();
  desc = g_string_new (NULL);
  add_block (layout, SAYSO_REPORT_BLOCK_H3, title);
  if (figures->top >= 0)
    {
      const SaysoFiguresOption *top = &figures->options[figures->top];
      g_autofree char *share = share_text (layout, top->count, figures->answered);
      g_autofree char *words = g_strdup_printf (" answered “%s”, the most common answer",
                                                option_label (layout, question, top->index));

      block = add_block (layout, SAYSO_REPORT_BLOCK_HEADLINE, words);
      block->strong = g_strdup (share);
      block->attrs = data_attrs (qid, top->id);
      if (layout->compare)
        block->note = national_note (top->all_count, figures->all_answered);
    }
  if (sayso_question_get_kind (question) == SAYSO_QUESTION_MULTIPLE)
    add_block (layout, SAYSO_REPORT_BLOCK_NOTE, "People could pick more than one answer, so the shares add up to more than 100%.");

  block = add_chart (layout, chart, title, NULL);
  block->name = g_strdup_printf ("%s-%s", sayso_question_get_section (question), qid);
  if (layout->compare)
    table_row (block, NULL, "Answer", _sayso_report_where_name (layout->options), "National average", NULL);
  else
    table_row (block, NULL, "Answer", _sayso_report_where_name (layout->options), NULL);
  for (guint r = 0; r < n; r++)
    {
      const SaysoFiguresOption *option = &figures->options[r];
      const char *label = option_label (layout, question, option->index);
      g_autofree char *share = share_text (layout, option->count, figures->answered);
      g_autofree char *attrs = data_attrs (qid, option->id);
      double fraction = figures->answered > 0 && scale > 0 ? (double) option->count / (double) figures->answered / scale : 0;

      if (layout->compare)
        {
          g_autofree char *note = national_note (option->all_count, figures->all_answered);
          g_autofree char *all_share = share_text (layout, option->all_count, figures->all_answered);
          double compare = figures->all_answered > 0 && scale > 0
                           ? (double) option->all_count / (double) figures->all_answered / scale : -1;

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
lay_out_quotes (Layout                     *layout,
                const SaysoFiguresQuestion *figures)
{
  const char *qid = sayso_question_get_id (figures->question);
  g_autofree char *title = g_strdup_printf ("Q: %s", question_text (layout, figures->question));
  g_autofree char *count = NULL;
  SaysoReportBlock *block;

  block = add_block (layout, SAYSO_REPORT_BLOCK_H3, title);
  block->attrs = data_attrs (qid, NULL);
  if (figures->n_texts > figures->quotes->len)
    count = g_strdup_printf ("%" G_GINT64_FORMAT " answers; the first %u are listed here, all of them are in the CSV export.",
                             figures->n_texts, figures->quotes->len);
  else
    count = g_strdup_printf ("%" G_GINT64_FORMAT " %s.", figures->n_texts, figures->n_texts == 1 ? "answer" : "answers");
  add_block (layout, SAYSO_REPORT_BLOCK_NOTE, count);

  for (guint i = 0; i < figures->quotes->len; i++)
    {
      SaysoFiguresQuote *quote = g_ptr_array_index (figures->quotes, i);
      block = add_block (layout, SAYSO_REPORT_BLOCK_QUOTE, quote->text);
      if (layout->options->site == NULL && quote->site)
        block->note = g_strdup (quote->site);
    }
}

static void
lay_out_front (Layout *layout)
{
  const SaysoReportOptions *options = layout->options;
  g_autofree char *title = g_strdup_printf ("Capturing the voice of people on probation: %s",
                                            options->site ? options->site : "all sites");
  g_autofree char *period = NULL;
  const char *survey = sayso_questionnaire_get_title (layout->questionnaire, layout->language);
  g_autofree char *today = sayso_today ();   /* as the PDF's date, and SAYSO_TODAY for tests */
  g_autofree char *subtitle = NULL;

  if (options->from && options->to)
    period = g_strdup_printf ("Responses from %s to %s", options->from, options->to);
  else if (options->from)
    period = g_strdup_printf ("Responses from %s on", options->from);
  else if (options->to)
    period = g_strdup_printf ("Responses up to %s", options->to);
  else
    period = g_strdup ("All responses in the database");
  subtitle = g_strdup_printf ("%s (survey “%s”, %s version %" G_GINT64_FORMAT "). %s. Made by Sayso on %s.",
                              period, survey ? survey : "", sayso_questionnaire_get_id (layout->questionnaire),
                              sayso_questionnaire_get_version (layout->questionnaire),
                              options->site ? "Each figure is beside the national average: all sites in the database over the same days"
                                            : "Figures over all sites in the database",
                              today);

  add_block (layout, SAYSO_REPORT_BLOCK_TITLE, title);
  add_block (layout, SAYSO_REPORT_BLOCK_SUBTITLE, subtitle);
  add_block (layout, SAYSO_REPORT_BLOCK_NOTE,
             "How to read the figures: “9% (7/78)” means 7 of the 78 people who answered the question. "
             "People who skipped a question, or were not asked it, are not counted in it; “Prefer not to say” is "
             "an answer and is counted. The share who agree with a statement is those who agreed or strongly agreed "
             "out of everyone who answered it, “Prefer not to say” included. Percentages are rounded half up to a "
             "whole number. Bars within a chart are drawn to the same scale.");
  if (options->intervals)
    add_block (layout, SAYSO_REPORT_BLOCK_NOTE,
               "The range in square brackets after a figure, as in “9% (7/78) [4.4–17.4%]”, is its Wilson 95% "
               "interval: the shares the answers of this many people are consistent with. The fewer people, the "
               "wider it is.");
  if (layout->compare)
    {
      g_autofree char *method = g_strdup_printf (
        "Headlines: each section opens with the figures of %s that differ from the rest of the country (every "
        "other site in the database over the same days) by a two-proportion z-test at 95%%: “higher than” or "
        "“lower than”. A statement whose share who agree does not differ by that test, and is within %.0f points of "
        "the rest's, is “about the same as” the rest; a choice question gets at most one headline, its answer "
        "that differs most. There is no headline "
        "where %s or the rest has fewer than %u people who answered the question, nor from a group of fewer "
        "than %u people.",
        options->site, SAYSO_HEADLINES_SAME_POINTS, options->site, _sayso_report_min_n (options), MAX (layout->small, 1));
      add_block (layout, SAYSO_REPORT_BLOCK_NOTE, method);
    }
}

/* About the people: the demographic charts, first as in the reports. */
static void
lay_out_demographics (Layout *layout)
{
  guint n = sayso_figures_get_n_questions (layout->figures);
  gboolean heading = FALSE;

  for (guint q = 0; q < n; q++)
    {
      const SaysoFiguresQuestion *figures = sayso_figures_get_question (layout->figures, q);

      if (figures->kind != SAYSO_FIGURES_DEMOGRAPHIC)
        continue;
      if (!heading)
        {
          g_autofree char *note = NULL;

          add_block (layout, SAYSO_REPORT_BLOCK_H2, "About the people who had their say");
          if (layout->small > 0)
            note = g_strdup_printf ("These charts give numbers of people, not percentages. So that no chart can "
                                    "single out one person, a group of fewer than %u shows as “<%u”, with no bar.",
                                    layout->small, layout->small);
          else
            note = g_strdup ("These charts give numbers of people. Small numbers are not hidden in this report.");
          add_block (layout, SAYSO_REPORT_BLOCK_NOTE, note);
          heading = TRUE;
        }
      lay_out_demographic (layout, figures);
    }
}

/* The findings of a section, leading it: differences first, the
 * statements that are about the same after them. */
static void
lay_out_findings (Layout     *layout,
                  const char *section)
{
  for (int pass = 0; pass < 2; pass++)
    for (guint h = 0; h < layout->headlines->len; h++)
      {
        const SaysoHeadline *headline = g_ptr_array_index (layout->headlines, h);
        SaysoQuestion *question = headline->question->question;
        g_autofree char *figures = NULL;
        g_autofree char *attrs = NULL;
        SaysoReportBlock *block;

        if (g_strcmp0 (sayso_question_get_section (question), section) != 0 ||
            (pass == 0) != (headline->direction != SAYSO_HEADLINE_SAME))
          continue;
        block = add_block (layout, SAYSO_REPORT_BLOCK_FINDING, NULL);
        block->strong = sayso_headline_words (headline, layout->options->site, layout->language);
        figures = sayso_headline_figures (headline);
        if (layout->options->intervals)
          {
            g_autofree char *site = sayso_figures_format_interval (headline->n, headline->of);
            g_autofree char *rest = sayso_figures_format_interval (headline->rest_n, headline->rest_of);
            block->text = g_strdup_printf (": %s (95%% intervals %s and %s)", figures, site, rest);
          }
        else
          block->text = g_strdup_printf (": %s", figures);
        attrs = data_attrs (sayso_question_get_id (question), headline->option ? headline->option->id : NULL);
        block->attrs = g_strdup_printf ("%s data-direction=\"%s\"", attrs,
                                        sayso_headline_direction_to_string (headline->direction));
      }
}

/* The quotes the analysts picked for a free-text question, under its
 * section as the reports show them. */
static void
lay_out_picked (Layout                     *layout,
                const SaysoFiguresQuestion *figures)
{
  const char *qid = sayso_question_get_id (figures->question);
  g_autofree char *title = g_strdup_printf ("Q: %s", question_text (layout, figures->question));
  g_autofree char *attrs = data_attrs (qid, NULL);
  SaysoReportBlock *block;

  block = add_block (layout, SAYSO_REPORT_BLOCK_H3, title);
  block->attrs = g_strdup (attrs);
  for (guint i = 0; i < figures->picked->len; i++)
    {
      SaysoFiguresQuote *quote = g_ptr_array_index (figures->picked, i);

      block = add_block (layout, SAYSO_REPORT_BLOCK_QUOTE, quote->text);
      block->attrs = g_strdup_printf ("class=\"picked\" %s", attrs);
      if (layout->options->site == NULL && quote->site)
        block->note = g_strdup (quote->site);
    }
}

static gboolean
in_sections (const SaysoFiguresQuestion *figures)
{
  return figures->kind == SAYSO_FIGURES_LIKERT || figures->kind == SAYSO_FIGURES_CHOICE ||
         (figures->kind == SAYSO_FIGURES_TEXT && figures->picked && figures->picked->len > 0);
}

/* The statements and choices, section by section, each led by its
 * findings, with the quotes picked for it. */
static void
lay_out_sections (Layout *layout)
{
  guint n_sections = sayso_questionnaire_get_n_sections (layout->questionnaire);
  guint n = sayso_figures_get_n_questions (layout->figures);

  for (guint sec = 0; sec < n_sections; sec++)
    {
      const char *section = sayso_questionnaire_get_section_id (layout->questionnaire, sec);
      gboolean heading = FALSE;

      if (g_strcmp0 (section, SAYSO_FIGURES_DEMOGRAPHIC_SECTION) == 0)
        continue;
      for (guint q = 0; q < n; q++)
        {
          const SaysoFiguresQuestion *figures = sayso_figures_get_question (layout->figures, q);

          if (!in_sections (figures) || g_strcmp0 (sayso_question_get_section (figures->question), section) != 0)
            continue;
          if (!heading)
            {
              const char *section_title = sayso_questionnaire_get_section_title (layout->questionnaire, section,
                                                                                 layout->language);
              SaysoReportBlock *block = add_block (layout, SAYSO_REPORT_BLOCK_H2, section_title ? section_title : section);
              g_autofree char *escaped = g_markup_escape_text (section, -1);

              block->attrs = g_strdup_printf ("data-section=\"%s\"", escaped);
              lay_out_findings (layout, section);
              heading = TRUE;
            }
          if (figures->kind == SAYSO_FIGURES_LIKERT)
            lay_out_likert (layout, figures);
          else if (figures->kind == SAYSO_FIGURES_CHOICE)
            lay_out_choice (layout, figures);
          else
            lay_out_picked (layout, figures);
        }
    }
}

static void
lay_out_own_words (Layout *layout)
{
  guint n = sayso_figures_get_n_questions (layout->figures);
  gboolean heading = FALSE;

  for (guint q = 0; q < n; q++)
    {
      const SaysoFiguresQuestion *figures = sayso_figures_get_question (layout->figures, q);

      if (figures->kind != SAYSO_FIGURES_TEXT)
        continue;
      if (!heading)
        {
          add_block (layout, SAYSO_REPORT_BLOCK_H2, "Appendix: in their own words");
          add_block (layout, SAYSO_REPORT_BLOCK_NOTE,
                     "Every free-text answer, grouped by question, for choosing quotes (“sayso quotes” lists them "
                     "with references to pick). For the analysts only: check a quote for names, case numbers or "
                     "anything else that could identify someone before it is published.");
          heading = TRUE;
        }
      lay_out_quotes (layout, figures);
    }
}

GPtrArray *
_sayso_report_layout (SaysoFigures             *figures,
                      const SaysoReportOptions *options,
                      const char               *language)
{
  Layout layout = {
    .figures = figures,
    .questionnaire = sayso_figures_get_questionnaire (figures),
    .options = options,
    .language = language,
    .small = sayso_figures_get_small_number (figures),
    .compare = sayso_figures_get_compared (figures),
    .blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free),
    .headlines = sayso_headlines_find (figures, _sayso_report_min_n (options)),
  };

  lay_out_front (&layout);
  lay_out_had_their_say (&layout);
  lay_out_demographics (&layout);
  lay_out_sections (&layout);
  if (options->all_quotes)
    lay_out_own_words (&layout);
  g_ptr_array_unref (layout.headlines);
  return layout.blocks;
}
