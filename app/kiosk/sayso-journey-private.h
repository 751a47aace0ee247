/* sayso-journey-private.h: what the files of SaysoJourney share.
 *
 * SaysoJourney is one unit over two files: sayso-journey.c (the pages, the
 * questions shown, moving, the GObject) and sayso-journey-idle.c (the idle
 * countdown on its clock); this is their struct and the helpers both call.
 */
#pragma once

#include "sayso-journey.h"

G_BEGIN_DECLS

struct _SaysoJourney
{
  GObject             parent_instance;

  SaysoQuestionnaire *questionnaire;
  SaysoResponse      *response;
  SaysoKioskConfig   *config;
  /* The screen's settings staff saved while someone was in a survey: they
   * wait for that person to leave. */
  SaysoKioskConfig   *pending_config;
  SaysoClockFunc      clock;

  SaysoPage           page;
  int                 question_index;
  char               *language;
  SaysoMode           mode;
  SaysoSubmitOutcome  outcome;        /* what the thank-you says became of the answers */

  gint64              last_activity;  /* µs on the clock */
  gint64              thanks_since;   /* µs on the clock */
  guint               source;
  guint               seconds_left;
  gboolean            watching;       /* the idle clock runs (a survey, no staff) */
  gboolean            still_there;

  char               *sent_day;       /* sent_today counts for this day; kept in memory only */
  guint               sent_today;
};

/* sayso-journey.c */
void _sayso_journey_set_still_there (SaysoJourney *self,
                                     gboolean      still_there,
                                     guint         seconds_left);
void _sayso_journey_go_home         (SaysoJourney *self);

/* sayso-journey-idle.c */
void _sayso_journey_watch_idleness  (SaysoJourney *self,
                                     gboolean      watch);

G_END_DECLS
