/* sayso-report.h: the analysts' report, computed from the analysis database.
 *
 * `sayso report --db ANALYSIS.db [--site NAME] [--from DAY --to DAY]
 *  --format html|pdf|csv|sav|dta --out FILE`
 *
 * HTML and PDF carry the figures of the HM Inspectorate of Probation "user
 * voice" reports: how many had their say and how, the demographic charts, each
 * Likert statement with the share who agree, the choice questions as
 * "N% (n/N)" ranked, the site beside all sites in the database (the reports'
 * "national average") and the free-text answers grouped by question, for
 * choosing quotes. CSV is one row per response with a codebook beside it;
 * SAV (SPSS) and DTA (Stata) one labelled case per response, with theirs.
 * The figures themselves, and how they are rounded, are in sayso-figures.h.
 */
#pragma once

#include "sayso-analysis-db.h"
#include "sayso-questionnaire.h"

G_BEGIN_DECLS

#define SAYSO_REPORT_ERROR (sayso_report_error_quark ())

typedef enum
{
  SAYSO_REPORT_ERROR_INVALID,       /* bad options: format, days, language */
  SAYSO_REPORT_ERROR_UNKNOWN_SITE,  /* --site names no site in the database */
} SaysoReportError;

typedef enum
{
  SAYSO_REPORT_HTML,
  SAYSO_REPORT_PDF,
  SAYSO_REPORT_CSV,
  SAYSO_REPORT_SAV,
  SAYSO_REPORT_DTA,
} SaysoReportFormat;

#define SAYSO_REPORT_DEFAULT_SMALL_NUMBER 3

typedef struct
{
  const char        *site;          /* NULL: all sites */
  const char        *from, *to;     /* NULL: unbounded; YYYY-MM-DD inclusive */
  SaysoReportFormat  format;
  const char        *out;           /* file to write; for CSV, SAV, DTA also a codebook (sayso_report_codebook_path_for) */
  guint              small_number;  /* demographic cells below this show as "<N"; default 3; 0 disables */
  const char        *language;      /* labels' language, default "en" */
  guint             *n_cut;         /* sav, dta: if set, how many free-text answers had to be cut to fit the format */
  gboolean           intervals;     /* each share with its Wilson 95% interval (--intervals) */
  guint              min_n;         /* headlines: fewest people in the site and in the rest; 0: SAYSO_HEADLINES_DEFAULT_MIN_N */
  gboolean           all_quotes;    /* every free-text answer in an appendix, not only the picked ones (--all-quotes) */
  const char        *charts_dir;    /* each chart also alone as SVG and PNG here (--charts DIR); NULL: not */
} SaysoReportOptions;

GQuark    sayso_report_error_quark      (void);

gboolean  sayso_report_write            (SaysoAnalysisDb          *db,
                                         SaysoQuestionnaire       *questionnaire,
                                         const SaysoReportOptions *options,
                                         GError                  **error) G_GNUC_WARN_UNUSED_RESULT;

/* OUT minus its extension + "-codebook.csv". */
char     *sayso_report_codebook_path    (const char               *out) G_GNUC_WARN_UNUSED_RESULT;
/* The codebook beside a file of @format: for CSV as above, for SAV and DTA
 * OUT minus its extension + "-sav-codebook.csv" or "-dta-codebook.csv". */
char     *sayso_report_codebook_path_for (const char              *out,
                                          SaysoReportFormat        format) G_GNUC_WARN_UNUSED_RESULT;
/* OUT minus its extension + "-figures.csv": beside a CSV report, every
 * share (with its Wilson 95% interval under --intervals) and headline. */
char     *sayso_report_figures_path     (const char               *out) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
