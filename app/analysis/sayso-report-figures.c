/* sayso-report-figures.c: what the report writes beside itself: each chart
 * alone as SVG and PNG (--charts DIR), for the people who lay out the
 * published report, and the figures as CSV beside the responses' CSV.
 *
 * The charts are the report's own (sayso-chart.c), drawn once more on a
 * cairo SVG surface and an image surface; they hold labels and figures,
 * never an answer. The figures CSV has one row per share, with its Wilson
 * 95% interval under --intervals, and one row per headline.
 */
#define G_LOG_DOMAIN "sayso-report"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sayso-headlines.h"
#include "sayso-report-private.h"

/* PNGs at twice the SVG's size in points: sharp when printed at 150 dpi. */
#define CHART_WIDTH 480.0
#define PNG_SCALE   2.0

static cairo_status_t
append_to_bytes (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
write_png (SaysoChart  *chart,
           const char  *path,
           GError     **error)
{
  double height = sayso_chart_measure (chart, CHART_WIDTH);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (CHART_WIDTH * PNG_SCALE),
                                                         (int) ceil (height * PNG_SCALE));
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_status_t status;

  cairo_scale (cr, PNG_SCALE, PNG_SCALE);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  sayso_chart_draw (chart, cr, 0, 0, CHART_WIDTH);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  status = cairo_surface_write_to_png_stream (surface, append_to_bytes, bytes);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID, "%s: cannot draw the chart: %s",
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return _sayso_report_write_atomically (path, (const char *) bytes->data, bytes->len, error);
}

gboolean
_sayso_report_write_charts (GPtrArray   *blocks,
                            const char  *dir,
                            GError     **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved), "%s: cannot make the charts' folder: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }

  for (guint b = 0; b < blocks->len; b++)
    {
      SaysoReportBlock *block = g_ptr_array_index (blocks, b);
      g_autofree char *svg_name = NULL;
      g_autofree char *png_name = NULL;
      g_autofree char *svg_path = NULL;
      g_autofree char *png_path = NULL;
      g_autofree char *svg = NULL;
      g_autofree char *file = NULL;

      if (block->kind != SAYSO_REPORT_BLOCK_CHART || block->name == NULL)
        continue;
      svg_name = g_strconcat (block->name, ".svg", NULL);
      png_name = g_strconcat (block->name, ".png", NULL);
      svg_path = g_build_filename (dir, svg_name, NULL);
      png_path = g_build_filename (dir, png_name, NULL);
      if (!(svg = sayso_chart_to_svg (block->chart, CHART_WIDTH, "c", block->title, block->desc, error)))
        return FALSE;
      /* A file of its own: with the XML declaration an editor expects. */
      file = g_strconcat ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", svg, "\n", NULL);
      if (!_sayso_report_write_atomically (svg_path, file, strlen (file), error) ||
          !write_png (block->chart, png_path, error))
        return FALSE;
    }
  return TRUE;
}

char *
sayso_report_figures_path (const char *out)
{
  g_autofree char *codebook = sayso_report_codebook_path (out);

  /* The codebook's name with "figures" for "codebook". */
  g_assert (g_str_has_suffix (codebook, "-codebook.csv"));
  codebook[strlen (codebook) - strlen ("-codebook.csv")] = '\0';
  return g_strconcat (codebook, "-figures.csv", NULL);
}

static void
figures_row (GString                  *out,
             const SaysoReportOptions *options,
             const char               *kind,
             const char               *section,
             const char               *question,
             const char               *option,
             const char               *where,
             gint64                    n,
             gint64                    of,
             const char               *words)
{
  g_autofree char *count = g_strdup_printf ("%" G_GINT64_FORMAT, n);
  g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT, of);
  g_autofree char *percent = of > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, sayso_figures_percent (n, of)) : g_strdup ("");
  char low[G_ASCII_DTOSTR_BUF_SIZE] = "", high[G_ASCII_DTOSTR_BUF_SIZE] = "";

  if (options->intervals && of > 0)
    {
      double l, h;
      sayso_figures_wilson (n, of, &l, &h);
      g_ascii_formatd (low, sizeof low, "%.1f", 100 * l);
      g_ascii_formatd (high, sizeof high, "%.1f", 100 * h);
    }
  _sayso_report_csv_field (out, kind, FALSE);
  g_string_append_c (out, ',');
  _sayso_report_csv_field (out, section, FALSE);
  g_string_append_c (out, ',');
  _sayso_report_csv_field (out, question, FALSE);
  g_string_append_c (out, ',');
  _sayso_report_csv_field (out, option, FALSE);
  g_string_append_c (out, ',');
  _sayso_report_csv_field (out, where, TRUE);
  g_string_append_printf (out, ",%s,%s,%s,%s,%s,", count, total, percent, low, high);
  _sayso_report_csv_field (out, words, TRUE);
  g_string_append (out, "\r\n");
}

gboolean
_sayso_report_write_figures_csv (SaysoFigures             *figures,
                                 const SaysoReportOptions *options,
                                 const char               *language,
                                 GError                  **error)
{
  g_autoptr(GString) out = g_string_new ("\xEF\xBB\xBF" "kind,section,question,option,where,n,of,percent,"
                                         "ci95_low,ci95_high,headline\r\n");
  g_autoptr(GPtrArray) headlines = sayso_headlines_find (figures, _sayso_report_min_n (options));
  g_autofree char *path = sayso_report_figures_path (options->out);
  const char *where = _sayso_report_where_name (options);
  gboolean compare = sayso_figures_get_compared (figures);

  /* Headlines first, as they lead the report's sections. */
  for (guint h = 0; h < headlines->len; h++)
    {
      const SaysoHeadline *headline = g_ptr_array_index (headlines, h);
      SaysoQuestion *question = headline->question->question;
      g_autofree char *words = sayso_headline_words (headline, options->site, language);
      g_autofree char *kind = g_strconcat ("headline_", sayso_headline_direction_to_string (headline->direction), NULL);
      const char *option = headline->option ? headline->option->id : "agree";

      figures_row (out, options, kind, sayso_question_get_section (question), sayso_question_get_id (question),
                   option, where, headline->n, headline->of, words);
      figures_row (out, options, kind, sayso_question_get_section (question), sayso_question_get_id (question),
                   option, "rest of the country", headline->rest_n, headline->rest_of, words);
    }

  for (guint q = 0; q < sayso_figures_get_n_questions (figures); q++)
    {
      const SaysoFiguresQuestion *question = sayso_figures_get_question (figures, q);
      const char *section = sayso_question_get_section (question->question);
      const char *qid = sayso_question_get_id (question->question);

      /* Demographics are counts only in the report, small cells hidden:
       * their shares would undo that, so they are not here. */
      if (question->kind != SAYSO_FIGURES_LIKERT && question->kind != SAYSO_FIGURES_CHOICE)
        continue;
      if (question->kind == SAYSO_FIGURES_LIKERT)
        {
          figures_row (out, options, "agree", section, qid, "agree", where, question->agree, question->answered, NULL);
          if (compare)
            figures_row (out, options, "agree", section, qid, "agree", "all sites", question->all_agree,
                         question->all_answered, NULL);
        }
      for (guint i = 0; i < question->n_options; i++)
        {
          const SaysoFiguresOption *option = &question->options[i];

          figures_row (out, options, "share", section, qid, option->id, where, option->count, question->answered, NULL);
          if (compare)
            figures_row (out, options, "share", section, qid, option->id, "all sites", option->all_count,
                         question->all_answered, NULL);
        }
    }
  return _sayso_report_write_atomically (path, out->str, out->len, error);
}
