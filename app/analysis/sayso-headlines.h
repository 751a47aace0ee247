/* sayso-headlines.h: the findings a site's report may lead a section with.
 *
 * The inspection reports open a section with a finding: "FEWER ISSUES WITH
 * APPOINTMENTS IN LIVERPOOL NORTH COMPARED TO THE NATIONAL AVERAGE: 9% (7/78)
 * against 20%". Sayso proposes such findings from the figures, and only
 * where they hold:
 *
 *  - the site is compared with the rest of the country: every other site in
 *    the database over the same days (not all sites, which hold the site
 *    itself and would pull the comparison towards it);
 *  - the rule is a pooled two-proportion z-test at 95% (|z| >= 1.96);
 *  - never when the site or the rest has fewer than min_n people who
 *    answered the question: below some 30 per group the test's normal
 *    approximation is poor and one or two people move a share by 5 points;
 *  - never from a cell the report would hide: a count at the site or in the
 *    rest that is more than 0 but below the small number;
 *  - demographic questions are never headlined (the report shows counts
 *    only for them);
 *  - a statement (the share who agree) is "higher than", "lower than" or,
 *    when the test finds no difference and the shares are within
 *    SAYSO_HEADLINES_SAME_POINTS of each other, "about the same as" the
 *    rest (a wider gap the test cannot confirm is no finding at all); a
 *    choice question has at most one finding, its option that differs most
 *    ("prefer not to say" aside), and none when no option differs, so that
 *    the report is not flooded.
 */
#pragma once

#include "sayso-figures.h"

G_BEGIN_DECLS

#define SAYSO_HEADLINES_DEFAULT_MIN_N 30
#define SAYSO_HEADLINES_SAME_POINTS   5.0

typedef enum
{
  SAYSO_HEADLINE_LOWER = -1,
  SAYSO_HEADLINE_SAME = 0,
  SAYSO_HEADLINE_HIGHER = 1,
} SaysoHeadlineDirection;

typedef struct
{
  const SaysoFiguresQuestion *question;   /* borrowed from the figures */
  const SaysoFiguresOption   *option;     /* NULL: a statement's share who agree */
  SaysoHeadlineDirection      direction;
  gint64                      n, of;           /* the site */
  gint64                      rest_n, rest_of; /* the other sites */
  double                      z;
} SaysoHeadline;

/* The findings of figures for one site (sayso_figures_get_compared()), in
 * the questionnaire's order; an empty array for all sites. */
GPtrArray  *sayso_headlines_find      (SaysoFigures        *figures,
                                       guint                min_n) G_GNUC_WARN_UNUSED_RESULT;

/* "THE SHARE WHO AGREE THAT “…” IN LIVERPOOL NORTH IS HIGHER THAN THE REST OF
 * THE COUNTRY", in capitals as the seeds print it; and the figures after it:
 * "9% (7/78) against 20% (32/160)". */
char       *sayso_headline_words      (const SaysoHeadline *headline,
                                       const char          *site,
                                       const char          *language) G_GNUC_WARN_UNUSED_RESULT;
char       *sayso_headline_figures    (const SaysoHeadline *headline) G_GNUC_WARN_UNUSED_RESULT;
const char *sayso_headline_direction_to_string (SaysoHeadlineDirection direction);

G_END_DECLS
