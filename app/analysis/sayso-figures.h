/* sayso-figures.h: the figures of a report, computed from the analysis
 * database, with nothing drawn or written.
 *
 * For each question of the questionnaire: how many answered it (N), each
 * answer's count and share, the same over all sites when the report is for
 * one site (the inspection reports' "national average"), which demographic
 * cells are too small to show, and the free-text answers listed for quotes.
 * The HTML and PDF reports render these figures (sayso-report-layout.c); the
 * tests read them here rather than out of a rendered page.
 *
 * Definitions, as the report's notes print them:
 *  - N is the number of respondents who answered the question (the seeds'
 *    "(7/78)"); a question left unanswered or not shown is not in N.
 *  - "Prefer not to say" is an answer: it counts in N. So the share who agree
 *    with a statement is (strongly agree + agree) / everyone who answered the
 *    statement, "prefer not to say" included.
 *  - A multiple choice's N is the number of respondents who picked anything,
 *    so its shares add up to more than 100%.
 *  - Percentages are rounded half up to a whole number (7/78 = 8.97 → 9%,
 *    40/64 = 62.5 → 63%), computed in integers.
 *  - Demographic cells (the "about you" section) with fewer than the small
 *    number of respondents, but not none, are hidden.
 *
 * The figures hold free-text answers: they are wiped when the figures are
 * freed, and never logged.
 */
#pragma once

#include "sayso-analysis-db.h"
#include "sayso-questionnaire.h"

G_BEGIN_DECLS

/* The section whose questions are the demographics ("about you"). */
#define SAYSO_FIGURES_DEMOGRAPHIC_SECTION "about_you"

/* The HTML and PDF list this many free-text answers per question at most;
 * the CSV always has them all. */
#define SAYSO_FIGURES_MAX_QUOTES 1000

/* A single-choice question with this many options or more is a list of
 * categories, ranked by count; one with fewer is a scale, kept in order. */
#define SAYSO_FIGURES_RANK_MIN_OPTIONS 8

typedef enum
{
  SAYSO_FIGURES_DEMOGRAPHIC,   /* a question of the "about you" section: counts only */
  SAYSO_FIGURES_LIKERT,        /* a statement: the share who agree */
  SAYSO_FIGURES_CHOICE,        /* single or multiple choice: every option's share */
  SAYSO_FIGURES_TEXT,          /* free text: the answers, for quotes */
} SaysoFiguresKind;

/* One answer of a choice question. */
typedef struct
{
  guint       index;        /* in the questionnaire's order */
  const char *id;           /* the option's id, borrowed from the questionnaire */
  gint64      count;        /* respondents who gave this answer */
  gint64      percent;      /* of N, rounded as the tables round */
  gint64      all_count;    /* the same over all sites, when compared; else 0 */
  gint64      all_percent;  /* of all_answered */
  gboolean    hidden;       /* a demographic cell below the small number: shown as "<N" */
} SaysoFiguresOption;

/* A free-text answer listed for choosing quotes. */
typedef struct
{
  char *site;
  char *text;
} SaysoFiguresQuote;

/* One question's figures. Read-only: the figures own them. */
typedef struct
{
  SaysoQuestion      *question;      /* borrowed from the questionnaire */
  SaysoFiguresKind    kind;
  gint64              answered;      /* N */
  gint64              all_answered;  /* N over all sites, when compared (not for demographics); else 0 */

  /* Choice, Likert and demographic questions: every option, in the order a
   * report shows them: categories ranked by count (then questionnaire
   * order), scales, statements and demographics in questionnaire order. */
  guint               n_options;
  SaysoFiguresOption *options;
  gboolean            ranked;
  /* Choice: the most common answer (an index into options), -1 if no one
   * answered. */
  int                 top;
  /* Likert: strongly agree + agree, and its share of N; the same over all
   * sites when compared. */
  gint64              agree;
  gint64              agree_percent;
  gint64              all_agree;
  gint64              all_agree_percent;

  /* Text: how many gave an answer, and the first SAYSO_FIGURES_MAX_QUOTES of
   * them (SaysoFiguresQuote). */
  gint64              n_texts;
  GPtrArray          *quotes;
  /* Text: the answers the analysts picked (sayso quotes --pick), of these
   * responses, all of them (SaysoFiguresQuote). */
  GPtrArray          *picked;
} SaysoFiguresQuestion;

typedef struct _SaysoFigures SaysoFigures;

/* The whole percent, rounded half up (0 when of is 0). */
gint64        sayso_figures_percent         (gint64                     n,
                                             gint64                     of);
/* The figure as the seeds print it: "9% (7/78)"; of == 0 gives "–% (0/0)". */
char         *sayso_figures_format_share    (gint64                     n,
                                             gint64                     of) G_GNUC_WARN_UNUSED_RESULT;

/* The Wilson score interval of n/of at 95% (z = 1.96), as fractions in
 * [0, 1]: 7/78 gives 0.044 to 0.174. It stays inside [0, 1] and is not
 * empty at 0/n or n/n, where the plain "p ± 1.96 SE" interval collapses to a
 * point. of == 0 gives 0 to 1: nothing is known. */
void          sayso_figures_wilson          (gint64                     n,
                                             gint64                     of,
                                             double                    *low,
                                             double                    *high);
/* The interval as the tables print it, to one decimal: "4.4–17.4%". */
char         *sayso_figures_format_interval (gint64                     n,
                                             gint64                     of) G_GNUC_WARN_UNUSED_RESULT;

/* The two-proportion z-test of n1/of1 against n2/of2, pooled: z > 0 when
 * the first share is the higher. 0 when either group is empty or both
 * shares are 0 or 1. |z| >= SAYSO_FIGURES_Z_95 is a difference at 95%. */
#define SAYSO_FIGURES_Z_95 1.959963984540054
double        sayso_figures_two_proportion_z (gint64                    n1,
                                              gint64                    of1,
                                              gint64                    n2,
                                              gint64                    of2);

/* filter->site set: every figure also over all sites for the same days.
 * small_number: demographic cells below it are hidden (0: none are). */
SaysoFigures *sayso_figures_compute         (SaysoAnalysisDb           *db,
                                             SaysoQuestionnaire        *questionnaire,
                                             const SaysoAnalysisFilter *filter,
                                             guint                      small_number,
                                             GError                   **error) G_GNUC_WARN_UNUSED_RESULT;
void          sayso_figures_free            (SaysoFigures              *figures);

SaysoQuestionnaire *sayso_figures_get_questionnaire (SaysoFigures *figures);
/* The site reported on, or NULL for all sites. */
const char   *sayso_figures_get_site        (SaysoFigures              *figures);
/* TRUE when the figures are for one site, beside all sites. */
gboolean      sayso_figures_get_compared    (SaysoFigures              *figures);
guint         sayso_figures_get_small_number (SaysoFigures             *figures);

/* Respondents, and by mode (SaysoMode: self, staff, paper); all_*: over all
 * sites, when compared. */
gint64        sayso_figures_get_total       (SaysoFigures              *figures);
gint64        sayso_figures_get_by_mode     (SaysoFigures              *figures,
                                             guint                      mode);
gint64        sayso_figures_get_all_total   (SaysoFigures              *figures);
gint64        sayso_figures_get_all_by_mode (SaysoFigures              *figures,
                                             guint                      mode);

/* Every question, in the questionnaire's order. */
guint         sayso_figures_get_n_questions (SaysoFigures              *figures);
const SaysoFiguresQuestion *sayso_figures_get_question (SaysoFigures   *figures,
                                                        guint           index);
const SaysoFiguresQuestion *sayso_figures_lookup       (SaysoFigures   *figures,
                                                        const char     *question_id);
/* The option of a question's figures by its id, NULL if it has none. */
const SaysoFiguresOption   *sayso_figures_question_lookup_option (const SaysoFiguresQuestion *question,
                                                                  const char                 *option_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoFigures, sayso_figures_free)

G_END_DECLS
