/* sayso-report-private.h: what the report's units share, and no one else.
 *
 * sayso-report.c checks the options and chooses; sayso-figures.c computes;
 * sayso-report-layout.c lays the figures out as blocks, the same for HTML
 * (sayso-report-html.c) and PDF (sayso-report-pdf.c); sayso-report-csv.c
 * dumps the responses themselves, sayso-report-readstat.c as SPSS and Stata
 * files.
 */
#pragma once

#include "sayso-chart.h"
#include "sayso-figures.h"
#include "sayso-report.h"

G_BEGIN_DECLS

typedef enum
{
  SAYSO_REPORT_BLOCK_TITLE,
  SAYSO_REPORT_BLOCK_SUBTITLE,
  SAYSO_REPORT_BLOCK_H2,
  SAYSO_REPORT_BLOCK_H3,
  SAYSO_REPORT_BLOCK_HEADLINE,   /* strong: the figure; text: the words after it; note: national average */
  SAYSO_REPORT_BLOCK_NOTE,
  SAYSO_REPORT_BLOCK_CHART,
  SAYSO_REPORT_BLOCK_QUOTE,
  SAYSO_REPORT_BLOCK_FINDING,    /* strong: the finding in capitals; text: its figures */
} SaysoReportBlockKind;

/* One thing the HTML and the PDF both show, in order. */
typedef struct
{
  SaysoReportBlockKind  kind;
  char                 *strong;
  char                 *text;
  char                 *note;
  char                 *attrs;     /* HTML attributes, already escaped, e.g. data-q="x" */
  SaysoChart           *chart;
  char                 *title;     /* chart: <title>, and the table's caption */
  char                 *desc;      /* chart: <desc> */
  GPtrArray            *table;     /* chart: rows of GStrv; row 0 is the header */
  GPtrArray            *row_attrs; /* chart: HTML attributes per row (row 0: none) */
  char                 *name;      /* chart: its file name alone (--charts), without extension */
} SaysoReportBlock;

/* The blocks of a report (SaysoReportBlock, the first its title). A quote's
 * text is wiped when the array is freed. */
GPtrArray *_sayso_report_layout        (SaysoFigures              *figures,
                                        const SaysoReportOptions  *options,
                                        const char                *language) G_GNUC_WARN_UNUSED_RESULT;
/* "Liverpool North", or "all sites". */
const char *_sayso_report_where_name   (const SaysoReportOptions  *options);
/* In the report's language, or the id where the questionnaire has none. */
const char *_sayso_report_question_text (SaysoQuestion            *question,
                                         const char               *language);
const char *_sayso_report_option_label  (SaysoQuestion            *question,
                                         guint                     index,
                                         const char               *language);

gboolean   _sayso_report_write_html    (GPtrArray                 *blocks,
                                        const char                *language,
                                        const char                *out,
                                        GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean   _sayso_report_write_pdf     (GPtrArray                 *blocks,
                                        const char                *where,
                                        const char                *out,
                                        GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean   _sayso_report_write_csv     (SaysoAnalysisDb           *db,
                                        SaysoQuestionnaire        *questionnaire,
                                        const SaysoAnalysisFilter *filter,
                                        const char                *language,
                                        const char                *out,
                                        GError                   **error) G_GNUC_WARN_UNUSED_RESULT;

/* SPSS (SAYSO_REPORT_SAV) or Stata (SAYSO_REPORT_DTA), through libreadstat. */
gboolean   _sayso_report_write_readstat (SaysoAnalysisDb          *db,
                                         SaysoQuestionnaire       *questionnaire,
                                         const SaysoAnalysisFilter *filter,
                                         const char               *language,
                                         SaysoReportFormat         format,
                                         const char               *out,
                                         guint                    *n_cut,
                                         GError                  **error) G_GNUC_WARN_UNUSED_RESULT;
/* Each chart of blocks as NAME.svg and NAME.png in dir. */
gboolean   _sayso_report_write_charts  (GPtrArray                 *blocks,
                                        const char                *dir,
                                        GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
/* OUT minus its extension + "-figures.csv": every share, its interval and
 * the headlines, one row each. */
gboolean   _sayso_report_write_figures_csv (SaysoFigures          *figures,
                                            const SaysoReportOptions *options,
                                            const char            *language,
                                            GError               **error) G_GNUC_WARN_UNUSED_RESULT;
guint      _sayso_report_min_n         (const SaysoReportOptions  *options);

/* One RFC 4180 field; guard: a free-text value that starts like a formula
 * gets a leading apostrophe. */
void       _sayso_report_csv_field     (GString                   *out,
                                        const char                *value,
                                        gboolean                   guard);

/* Readable by its owner only, replaced whole or not at all. */
gboolean   _sayso_report_write_atomically (const char             *path,
                                           const char             *data,
                                           gsize                   len,
                                           GError                **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
