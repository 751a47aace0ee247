/* sayso-report.c: the analysts' report: checks the options, computes the
 * figures and has them written as HTML or PDF, or writes the CSV.
 *
 * The figures are computed once (sayso-figures.c) and laid out as a list of
 * blocks (sayso-report-layout.c) that the HTML and the PDF writers both
 * write, so that they show the same report; the CSV is a row-per-response
 * dump with a codebook (sayso-report-csv.c), the SPSS and Stata files the
 * same as labelled cases (sayso-report-readstat.c).
 *
 * No answer is ever logged: free text goes to the output file only.
 */
#define G_LOG_DOMAIN "sayso-report"

#include <string.h>

#include "sayso-report-private.h"

G_DEFINE_QUARK (sayso-report-error-quark, sayso_report_error)

gboolean
_sayso_report_write_atomically (const char  *path,
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
  if (options->format != SAYSO_REPORT_HTML && options->format != SAYSO_REPORT_PDF && options->format != SAYSO_REPORT_CSV &&
      options->format != SAYSO_REPORT_SAV && options->format != SAYSO_REPORT_DTA)
    {
      g_set_error (error, SAYSO_REPORT_ERROR, SAYSO_REPORT_ERROR_INVALID, "the format must be html, pdf, csv, sav or dta");
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
  const char *language;
  SaysoAnalysisFilter filter;
  g_autoptr(SaysoFigures) figures = NULL;
  g_autoptr(GPtrArray) blocks = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), FALSE);
  g_return_val_if_fail (options != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  language = options->language ? options->language : "en";
  filter = (SaysoAnalysisFilter) { options->site, options->from, options->to };

  if (!check_options (db, questionnaire, options, language, error))
    return FALSE;

  if (options->format == SAYSO_REPORT_CSV && options->charts_dir == NULL)
    return _sayso_report_write_csv (db, questionnaire, &filter, language, options->out, error) &&
           (figures = sayso_figures_compute (db, questionnaire, &filter, options->small_number, error)) &&
           _sayso_report_write_figures_csv (figures, options, language, error);
  if ((options->format == SAYSO_REPORT_SAV || options->format == SAYSO_REPORT_DTA) && options->charts_dir == NULL)
    return _sayso_report_write_readstat (db, questionnaire, &filter, language, options->format, options->out,
                                         options->n_cut, error);

  if (!(figures = sayso_figures_compute (db, questionnaire, &filter, options->small_number, error)))
    return FALSE;
  blocks = _sayso_report_layout (figures, options, language);
  if (options->charts_dir && !_sayso_report_write_charts (blocks, options->charts_dir, error))
    return FALSE;
  if (options->format == SAYSO_REPORT_CSV)
    return _sayso_report_write_csv (db, questionnaire, &filter, language, options->out, error) &&
           _sayso_report_write_figures_csv (figures, options, language, error);
  if (options->format == SAYSO_REPORT_SAV || options->format == SAYSO_REPORT_DTA)
    return _sayso_report_write_readstat (db, questionnaire, &filter, language, options->format, options->out,
                                         options->n_cut, error);
  if (options->format == SAYSO_REPORT_HTML)
    return _sayso_report_write_html (blocks, language, options->out, error);
  return _sayso_report_write_pdf (blocks, _sayso_report_where_name (options), options->out, error);
}
