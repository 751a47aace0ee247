/* sayso-journey-idle.c: the idle countdown of a respondent's journey.
 *
 * Part of SaysoJourney (sayso-journey.c): the clock a survey is measured
 * on, the timer that says when to look at it, "still there?" and its
 * countdown, the walk-away when it ends, the thank-you's end, and staff
 * mode holding the clock. Apart because it is the journey's one part that
 * runs on time rather than on what the respondent touches.
 */
#define G_LOG_DOMAIN "sayso-journey"

#include "sayso-journey-private.h"

static void schedule (SaysoJourney *self);

void
_sayso_journey_watch_idleness (SaysoJourney *self,
                               gboolean      watch)
{
  if (watch && !self->watching)
    sayso_journey_note_activity (self);
  self->watching = watch;
  if (!watch)
    _sayso_journey_set_still_there (self, FALSE, self->seconds_left);
  schedule (self);
}

static gboolean
timer_cb (gpointer user_data)
{
  SaysoJourney *self = user_data;

  self->source = 0;
  sayso_journey_tick (self);
  return G_SOURCE_REMOVE;
}

/* The timer only says when to look at the clock: every second in a survey,
 * and when the thank-you should be over. */
static void
schedule (SaysoJourney *self)
{
  g_clear_handle_id (&self->source, g_source_remove);

  if (self->watching)
    self->source = g_timeout_add_seconds (1, timer_cb, self);
  else if (self->page == SAYSO_PAGE_THANKS)
    {
      /* To the millisecond: a whole-second timer may fire a little early,
       * and the thank-you would then stay a second more. */
      gint64 left = (gint64) SAYSO_JOURNEY_THANKS_SECONDS * G_USEC_PER_SEC - (self->clock () - self->thanks_since);

      self->source = g_timeout_add ((guint) MAX (1, (left + 999) / 1000), timer_cb, self);
    }
}

/**
 * sayso_journey_set_clock:
 * @clock: (nullable): µs, monotonic; %NULL for g_get_monotonic_time()
 *
 * For tests: idleness and the thank-you's end are measured on @clock.
 * sayso_journey_tick() looks at it at once.
 */
void
sayso_journey_set_clock (SaysoJourney   *self,
                         SaysoClockFunc  clock)
{
  SaysoClockFunc old;

  g_return_if_fail (SAYSO_IS_JOURNEY (self));

  old = self->clock;
  self->clock = clock ? clock : g_get_monotonic_time;
  /* What was measured keeps its age on the new clock. */
  self->last_activity = self->last_activity - old () + self->clock ();
  self->thanks_since = self->thanks_since - old () + self->clock ();
}

gboolean
sayso_journey_get_still_there (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), FALSE);
  return self->still_there;
}

guint
sayso_journey_get_seconds_left (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), 0);
  return self->seconds_left;
}

/* "Yes, I am still here." */
void
sayso_journey_still_here (SaysoJourney *self)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));

  sayso_journey_note_activity (self);
  _sayso_journey_set_still_there (self, FALSE, self->seconds_left);
}

/* Someone touched the screen. */
void
sayso_journey_note_activity (SaysoJourney *self)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  self->last_activity = self->clock ();
}

/**
 * sayso_journey_tick:
 *
 * Looks at the clock now, as the journey's timer does: asks "still there?"
 * after the idle timeout, walks away when its countdown ends, and ends the
 * thank-you after %SAYSO_JOURNEY_THANKS_SECONDS.
 */
void
sayso_journey_tick (SaysoJourney *self)
{
  gint64 idle_s, limit;

  g_return_if_fail (SAYSO_IS_JOURNEY (self));

  if (self->page == SAYSO_PAGE_THANKS)
    {
      if (self->clock () - self->thanks_since >= (gint64) SAYSO_JOURNEY_THANKS_SECONDS * G_USEC_PER_SEC)
        _sayso_journey_go_home (self);
      else
        schedule (self);
      return;
    }
  if (!self->watching)
    return;

  idle_s = (self->clock () - self->last_activity) / G_USEC_PER_SEC;
  limit = (gint64) self->config->idle_timeout + self->config->countdown;
  if (idle_s < self->config->idle_timeout)
    _sayso_journey_set_still_there (self, FALSE, self->seconds_left);
  else if (idle_s >= limit)
    {
      sayso_journey_walk_away (self);
      return;
    }
  else
    _sayso_journey_set_still_there (self, TRUE, limit - idle_s);
  schedule (self);
}

/**
 * sayso_journey_hold:
 *
 * Staff mode is open and has its own close: the respondent's clock stops,
 * and "still there?" goes.
 */
void
sayso_journey_hold (SaysoJourney *self)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  _sayso_journey_watch_idleness (self, FALSE);
}

/* Staff mode closed: the clock runs again, from now, if someone is answering. */
void
sayso_journey_resume (SaysoJourney *self)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  _sayso_journey_watch_idleness (self, sayso_journey_in_survey (self));
}
