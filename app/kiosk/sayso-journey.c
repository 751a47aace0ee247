/* sayso-journey.c: one respondent's way through the kiosk, with no screen.
 *
 * welcome → promise → one question per screen → send → thank you → welcome.
 *
 * The journey holds one SaysoResponse, the answer session of whoever stands
 * in front of the kiosk. Forgetting that person (they finished, walked away
 * or started again) wipes the response and puts the language, the question
 * and the mode back as they were; "forgotten" tells the screen to wipe what
 * it showed. A sent response leaves the journey at once through "send",
 * whose handler (the window: the submit queue) keeps it until the store has
 * it.
 *
 * Idleness is measured on a clock that tests may replace (as the PIN gate's),
 * so that an hour of nobody touching the screen takes no time; the timer only
 * decides when to look at the clock (sayso-journey-idle.c, sharing
 * sayso-journey-private.h with this file). Nothing here logs: a line per
 * respondent in the journal would date them.
 */
#define G_LOG_DOMAIN "sayso-journey"

#include "sayso-journey-private.h"
#include "sayso-strings.h"

G_DEFINE_FINAL_TYPE (SaysoJourney, sayso_journey, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (SaysoPage, sayso_page,
                    G_DEFINE_ENUM_VALUE (SAYSO_PAGE_WELCOME, "welcome"),
                    G_DEFINE_ENUM_VALUE (SAYSO_PAGE_PROMISE, "promise"),
                    G_DEFINE_ENUM_VALUE (SAYSO_PAGE_QUESTION, "question"),
                    G_DEFINE_ENUM_VALUE (SAYSO_PAGE_SUBMIT, "submit"),
                    G_DEFINE_ENUM_VALUE (SAYSO_PAGE_THANKS, "thanks"))

enum {
  PROP_0,
  PROP_PAGE,
  PROP_QUESTION,
  PROP_POSITION,
  PROP_COUNT,
  PROP_LANGUAGE,
  PROP_MODE,
  PROP_STILL_THERE,
  PROP_SECONDS_LEFT,
  PROP_OUTCOME,
  PROP_RESPONSE,
  PROP_BILINGUAL,
  PROP_DEFAULT_LANGUAGE,
  PROP_SUBMITTED_TODAY,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { MOVED, FORGOTTEN, SEND, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- Questions shown ------------------------------------------------------ */

/* Shown questions up to @up_to (all when negative): a question its condition
 * hides is not counted. */
static guint
count_shown (SaysoJourney *self,
             int           up_to)
{
  guint n = 0;

  for (int i = 0; i < (int) sayso_questionnaire_get_n_questions (self->questionnaire); i++)
    {
      SaysoQuestion *q = sayso_questionnaire_get_question (self->questionnaire, i);
      if (up_to >= 0 && i > up_to)
        break;
      if (sayso_response_is_shown (self->response, sayso_question_get_id (q)))
        n++;
    }
  return n;
}

static int
next_shown (SaysoJourney *self,
            int           from,
            int           step)
{
  int n = sayso_questionnaire_get_n_questions (self->questionnaire);

  for (int i = from + step; i >= 0 && i < n; i += step)
    if (sayso_response_is_shown (self->response,
                                 sayso_question_get_id (sayso_questionnaire_get_question (self->questionnaire, i))))
      return i;
  return -1;
}

/* --- The screen's settings ------------------------------------------------ */

/* A language the kiosk can be in: one the questionnaire has texts in and
 * the kiosk has words in (English, or a catalog). */
static gboolean
language_offered (SaysoJourney *self,
                  const char   *language)
{
  return language != NULL && sayso_questionnaire_has_language (self->questionnaire, language) &&
         sayso_strings_has_language (language);
}

/* The pair @config names if the kiosk can be in both, else Welsh and
 * English, said once per setting so that whoever set up the kiosk reads
 * which key and which language were refused. */
static void
choose_pair (SaysoJourney           *self,
             const SaysoKioskConfig *config,
             const char            **first,
             const char            **second)
{
  *first = config->pair[0] ? config->pair[0] : "cy";
  *second = config->pair[1] ? config->pair[1] : "en";
  /* The default pair on a questionnaire without Welsh is simply one
   * language, as it always was. */
  if (g_str_equal (*first, "cy") && g_str_equal (*second, "en"))
    return;
  for (guint i = 0; i < 2; i++)
    if (!language_offered (self, config->pair[i]))
      {
        g_warning ("kiosk.ini: bilingual-pair names \"%s\", which the kiosk %s; showing Welsh and English instead",
                   config->pair[i],
                   !sayso_strings_has_language (config->pair[i]) ? "has no catalog (po/LINGUAS) for"
                                                                : "questionnaire has no texts in");
        *first = "cy";
        *second = "en";
        return;
      }
}

/* The kiosk's language (the one given if it can be in it, else the one it
 * had, else the questionnaire's first) and whether two languages stand side
 * by side, and which (only where the kiosk can be in both). */
static void
set_screen_config (SaysoJourney           *self,
                   const SaysoKioskConfig *config)
{
  const char *language = config->default_language;
  const char *first = NULL, *second = NULL;
  gboolean bilingual;

  if (!language_offered (self, language))
    language = language_offered (self, self->config->default_language)
             ? self->config->default_language : sayso_questionnaire_get_languages (self->questionnaire)[0];
  if (g_strcmp0 (language, self->config->default_language) != 0)
    {
      g_free (self->config->default_language);
      self->config->default_language = g_strdup (language);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_LANGUAGE]);
    }
  if (config->bilingual)
    choose_pair (self, config, &first, &second);
  bilingual = config->bilingual && language_offered (self, first) && language_offered (self, second);
  if (bilingual != self->config->bilingual ||
      (bilingual && (g_strcmp0 (first, self->config->pair[0]) != 0 || g_strcmp0 (second, self->config->pair[1]) != 0)))
    {
      self->config->bilingual = bilingual;
      if (bilingual)
        {
          g_free (self->config->pair[0]);
          g_free (self->config->pair[1]);
          self->config->pair[0] = g_strdup (first);
          self->config->pair[1] = g_strdup (second);
        }
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BILINGUAL]);
    }
}

static void
apply_pending_config (SaysoJourney *self)
{
  g_autoptr(SaysoKioskConfig) config = g_steal_pointer (&self->pending_config);

  if (config != NULL)
    set_screen_config (self, config);
}

static void
set_language (SaysoJourney *self,
              const char   *language)
{
  if (g_strcmp0 (self->language, language) == 0)
    return;
  g_free (self->language);
  self->language = g_strdup (language);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

/* --- Idleness -------------------------------------------------------------- */

void
_sayso_journey_set_still_there (SaysoJourney *self,
                                gboolean      still_there,
                                guint         seconds_left)
{
  if (self->seconds_left != seconds_left)
    {
      self->seconds_left = seconds_left;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECONDS_LEFT]);
    }
  if (self->still_there != still_there)
    {
      self->still_there = still_there;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STILL_THERE]);
    }
}

/* --- Moving ------------------------------------------------------------------ */

static void
show (SaysoJourney *self,
      SaysoPage     page,
      int           question_index)
{
  SaysoQuestion *before = sayso_journey_get_question (self);
  SaysoPage page_before = self->page;

  g_object_freeze_notify (G_OBJECT (self));
  self->page = page;
  self->question_index = question_index;
  if (page_before != page)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAGE]);
  if (before != sayso_journey_get_question (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUESTION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITION]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
  if (page == SAYSO_PAGE_THANKS)
    self->thanks_since = self->clock ();
  _sayso_journey_watch_idleness (self, sayso_journey_in_survey (self));
  sayso_journey_note_activity (self);
  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[MOVED], 0);
}

/* Everything that could tell the next person about this one goes. */
static void
forget_respondent (SaysoJourney *self)
{
  gboolean had_question = sayso_journey_get_question (self) != NULL;

  sayso_response_clear (self->response);
  _sayso_journey_watch_idleness (self, FALSE);
  self->question_index = -1;
  if (had_question)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUESTION]);
  apply_pending_config (self);
  set_language (self, self->config->default_language);
  g_signal_emit (self, signals[FORGOTTEN], 0);
}

void
_sayso_journey_go_home (SaysoJourney *self)
{
  forget_respondent (self);
  if (self->outcome != SAYSO_SUBMIT_STORED)
    {
      self->outcome = SAYSO_SUBMIT_STORED;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
    }
  /* Staff-assisted or paper is for one survey; the next person is on their own. */
  sayso_journey_set_mode (self, SAYSO_MODE_SELF);
  show (self, SAYSO_PAGE_WELCOME, -1);
}

/* Hands the answers on and starts a fresh session. */
static SaysoSubmitOutcome
send_response (SaysoJourney *self)
{
  g_autoptr(SaysoResponse) sent = g_steal_pointer (&self->response);
  g_autofree char *today = sayso_today ();
  int outcome = SAYSO_SUBMIT_REFUSED;

  if (g_strcmp0 (today, self->sent_day) != 0)
    {
      g_free (self->sent_day);
      self->sent_day = g_steal_pointer (&today);
      self->sent_today = 0;
    }
  self->sent_today++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBMITTED_TODAY]);

  self->response = sayso_response_new (self->questionnaire, self->config->default_language);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESPONSE]);

  /* Nobody to take the answers: they are gone, and the thank-you says so. */
  if (g_signal_has_handler_pending (self, signals[SEND], 0, FALSE))
    g_signal_emit (self, signals[SEND], 0, sent, (int) self->mode, &outcome);
  return outcome;
}

/* --- GObject ----------------------------------------------------------------- */

static void
sayso_journey_dispose (GObject *object)
{
  SaysoJourney *self = SAYSO_JOURNEY (object);

  g_clear_handle_id (&self->source, g_source_remove);
  if (self->response)
    sayso_response_clear (self->response);
  g_clear_object (&self->response);
  g_clear_object (&self->questionnaire);

  G_OBJECT_CLASS (sayso_journey_parent_class)->dispose (object);
}

static void
sayso_journey_finalize (GObject *object)
{
  SaysoJourney *self = SAYSO_JOURNEY (object);

  g_clear_pointer (&self->config, sayso_kiosk_config_free);
  g_clear_pointer (&self->pending_config, sayso_kiosk_config_free);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->sent_day, g_free);

  G_OBJECT_CLASS (sayso_journey_parent_class)->finalize (object);
}

static void
sayso_journey_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SaysoJourney *self = SAYSO_JOURNEY (object);

  switch (prop_id)
    {
    case PROP_PAGE:
      g_value_set_enum (value, self->page);
      break;
    case PROP_QUESTION:
      g_value_set_object (value, sayso_journey_get_question (self));
      break;
    case PROP_POSITION:
      g_value_set_uint (value, sayso_journey_get_position (self));
      break;
    case PROP_COUNT:
      g_value_set_uint (value, sayso_journey_get_count (self));
      break;
    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;
    case PROP_MODE:
      g_value_set_int (value, self->mode);
      break;
    case PROP_STILL_THERE:
      g_value_set_boolean (value, self->still_there);
      break;
    case PROP_SECONDS_LEFT:
      g_value_set_uint (value, self->seconds_left);
      break;
    case PROP_OUTCOME:
      g_value_set_int (value, self->outcome);
      break;
    case PROP_RESPONSE:
      g_value_set_object (value, self->response);
      break;
    case PROP_BILINGUAL:
      g_value_set_boolean (value, self->config->bilingual);
      break;
    case PROP_DEFAULT_LANGUAGE:
      g_value_set_string (value, self->config->default_language);
      break;
    case PROP_SUBMITTED_TODAY:
      g_value_set_uint (value, sayso_journey_get_submitted_today (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_journey_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SaysoJourney *self = SAYSO_JOURNEY (object);

  switch (prop_id)
    {
    case PROP_MODE:
      sayso_journey_set_mode (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_journey_class_init (SaysoJourneyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sayso_journey_dispose;
  object_class->finalize = sayso_journey_finalize;
  object_class->get_property = sayso_journey_get_property;
  object_class->set_property = sayso_journey_set_property;

  properties[PROP_PAGE] =
    g_param_spec_enum ("page", NULL, NULL, SAYSO_TYPE_PAGE, SAYSO_PAGE_WELCOME, ro);
  /**
   * SaysoJourney:question:
   *
   * The question on the screen, on the question page only.
   */
  properties[PROP_QUESTION] =
    g_param_spec_object ("question", NULL, NULL, SAYSO_TYPE_QUESTION, ro);
  /**
   * SaysoJourney:position:
   *
   * Which of the shown questions this is, from 1; questions their
   * conditions hide are not counted. Read again as answers change.
   */
  properties[PROP_POSITION] =
    g_param_spec_uint ("position", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * SaysoJourney:count:
   *
   * How many questions are shown, with the answers given so far.
   */
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * SaysoJourney:language:
   *
   * The respondent's language; before they choose, the kiosk's.
   */
  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL, NULL, ro);
  /**
   * SaysoJourney:mode:
   *
   * A #SaysoMode: staff-assisted or paper for the one survey staff start;
   * back to self-completed when it ends.
   */
  properties[PROP_MODE] =
    g_param_spec_int ("mode", NULL, NULL, SAYSO_MODE_SELF, SAYSO_MODE_PAPER, SAYSO_MODE_SELF,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SaysoJourney:still-there:
   *
   * Nobody touched the screen for the idle timeout: "Are you still there?"
   * is asked, and the answers go when #SaysoJourney:seconds-left runs out.
   */
  properties[PROP_STILL_THERE] =
    g_param_spec_boolean ("still-there", NULL, NULL, FALSE, ro);
  properties[PROP_SECONDS_LEFT] =
    g_param_spec_uint ("seconds-left", NULL, NULL, 0, G_MAXUINT, 0, ro);
  /**
   * SaysoJourney:outcome:
   *
   * A #SaysoSubmitOutcome: what became of the answers last sent, for the
   * thank-you.
   */
  properties[PROP_OUTCOME] =
    g_param_spec_int ("outcome", NULL, NULL, SAYSO_SUBMIT_STORED, SAYSO_SUBMIT_REFUSED, SAYSO_SUBMIT_STORED, ro);
  properties[PROP_RESPONSE] =
    g_param_spec_object ("response", NULL, NULL, SAYSO_TYPE_RESPONSE, ro);
  properties[PROP_BILINGUAL] =
    g_param_spec_boolean ("bilingual", NULL, NULL, FALSE, ro);
  properties[PROP_DEFAULT_LANGUAGE] =
    g_param_spec_string ("default-language", NULL, NULL, NULL, ro);
  /**
   * SaysoJourney:submitted-today:
   *
   * Responses sent since midnight, for staff; in memory only.
   */
  properties[PROP_SUBMITTED_TODAY] =
    g_param_spec_uint ("submitted-today", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SaysoJourney::moved:
   *
   * The respondent took a step (or the welcome was put back): the page,
   * the question or both are new, and the screen should show them. One
   * signal for the one step, where #SaysoJourney:page and
   * #SaysoJourney:question would say it twice.
   */
  signals[MOVED] =
    g_signal_new ("moved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SaysoJourney::forgotten:
   *
   * The respondent is forgotten: whatever showed their answers should be
   * wiped.
   */
  signals[FORGOTTEN] =
    g_signal_new ("forgotten", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * SaysoJourney::send:
   * @response: the answers, which the handler refs to keep
   * @mode: the #SaysoMode they were given in
   *
   * The answers leave the journey, once. The first handler's return value,
   * a #SaysoSubmitOutcome, is what the thank-you says.
   */
  signals[SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, g_signal_accumulator_first_wins, NULL, NULL,
                  G_TYPE_INT, 2, SAYSO_TYPE_RESPONSE, G_TYPE_INT);
}

static void
sayso_journey_init (SaysoJourney *self)
{
  self->clock = g_get_monotonic_time;
  self->question_index = -1;
  self->mode = SAYSO_MODE_SELF;
  self->outcome = SAYSO_SUBMIT_STORED;
}

/* --- Public ------------------------------------------------------------------ */

SaysoJourney *
sayso_journey_new (SaysoQuestionnaire     *questionnaire,
                   const SaysoKioskConfig *config)
{
  SaysoJourney *self;

  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (SAYSO_TYPE_JOURNEY, NULL);
  self->questionnaire = g_object_ref (questionnaire);
  self->config = sayso_kiosk_config_copy (config);
  set_screen_config (self, config);
  self->language = g_strdup (self->config->default_language);
  self->response = sayso_response_new (questionnaire, self->language);
  self->last_activity = self->clock ();
  return self;
}

const SaysoKioskConfig *
sayso_journey_get_config (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), NULL);
  return self->config;
}

/**
 * sayso_journey_set_config:
 *
 * Settings staff saved. The timeouts and keeping partial answers take effect
 * with the next look at the clock; the kiosk's language and Welsh and English
 * side by side change the whole screen, so they wait for the respondent in
 * front of it, if any, to leave.
 */
void
sayso_journey_set_config (SaysoJourney           *self,
                          const SaysoKioskConfig *config)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  g_return_if_fail (config != NULL);

  self->config->idle_timeout = config->idle_timeout;
  self->config->countdown = config->countdown;
  self->config->keep_partial = config->keep_partial;

  g_clear_pointer (&self->pending_config, sayso_kiosk_config_free);
  self->pending_config = sayso_kiosk_config_copy (config);
  if (self->page == SAYSO_PAGE_WELCOME)
    {
      apply_pending_config (self);
      set_language (self, self->config->default_language);
    }
}

SaysoPage
sayso_journey_get_page (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), SAYSO_PAGE_WELCOME);
  return self->page;
}

/**
 * sayso_journey_in_survey:
 *
 * Returns: whether someone is answering: the promise, a question or the
 * page that sends. Their answers are at stake, and the idle clock runs.
 */
gboolean
sayso_journey_in_survey (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), FALSE);
  return self->page == SAYSO_PAGE_PROMISE || self->page == SAYSO_PAGE_QUESTION || self->page == SAYSO_PAGE_SUBMIT;
}

SaysoQuestion *
sayso_journey_get_question (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), NULL);

  if (self->page != SAYSO_PAGE_QUESTION || self->question_index < 0)
    return NULL;
  return sayso_questionnaire_get_question (self->questionnaire, self->question_index);
}

guint
sayso_journey_get_position (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), 0);
  return sayso_journey_get_question (self) ? count_shown (self, self->question_index) : 0;
}

guint
sayso_journey_get_count (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), 0);
  return count_shown (self, -1);
}

const char *
sayso_journey_get_language (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), NULL);
  return self->language;
}

/* What the screen is written in: the pair's first (Welsh) when bilingual,
 * else the respondent's language (or, before they choose, the kiosk's). */
const char *
sayso_journey_get_first_language (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), NULL);
  return self->config->bilingual ? self->config->pair[0] : self->language;
}

const char *
sayso_journey_get_second_language (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), NULL);
  return self->config->bilingual ? self->config->pair[1] : NULL;
}

/**
 * sayso_journey_dup_languages:
 *
 * Returns: (transfer full): the languages a respondent may choose, in the
 *   questionnaire's order: those it has texts in that the kiosk has words
 *   in (English, or a catalog).
 */
GStrv
sayso_journey_dup_languages (SaysoJourney *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char * const *languages;

  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), NULL);

  languages = sayso_questionnaire_get_languages (self->questionnaire);
  for (guint i = 0; languages[i]; i++)
    if (sayso_strings_has_language (languages[i]))
      g_strv_builder_add (builder, languages[i]);
  return g_strv_builder_end (builder);
}

SaysoMode
sayso_journey_get_mode (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), SAYSO_MODE_SELF);
  return self->mode;
}

void
sayso_journey_set_mode (SaysoJourney *self,
                        SaysoMode     mode)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  g_return_if_fail (mode >= SAYSO_MODE_SELF && mode <= SAYSO_MODE_PAPER);

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODE]);
}

SaysoSubmitOutcome
sayso_journey_get_outcome (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), SAYSO_SUBMIT_STORED);
  return self->outcome;
}

/**
 * sayso_journey_settle_outcome:
 *
 * The answers the thank-you said were waiting have now been stored (or
 * refused for good): the thank-you, while it is up, says so. Nothing else
 * changes the outcome.
 */
void
sayso_journey_settle_outcome (SaysoJourney       *self,
                              SaysoSubmitOutcome  outcome)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));

  if (self->page != SAYSO_PAGE_THANKS || self->outcome != SAYSO_SUBMIT_WAITING ||
      outcome == SAYSO_SUBMIT_WAITING)
    return;
  self->outcome = outcome;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
}

/**
 * sayso_journey_get_response:
 *
 * Returns: (transfer none): the answers being given; a fresh, empty one
 * after each respondent.
 */
SaysoResponse *
sayso_journey_get_response (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), NULL);
  return self->response;
}

/* Counted afresh from the first response sent on a new day. */
guint
sayso_journey_get_submitted_today (SaysoJourney *self)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), 0);
  return self->sent_today;
}

/**
 * sayso_journey_choose_language:
 *
 * On the welcome: the respondent starts, in @language.
 *
 * Returns: %FALSE, and nothing changes, for a language the questionnaire
 * does not have or the kiosk has no words in
 */
gboolean
sayso_journey_choose_language (SaysoJourney *self,
                               const char   *language)
{
  g_return_val_if_fail (SAYSO_IS_JOURNEY (self), FALSE);
  g_return_val_if_fail (language != NULL, FALSE);

  if (!language_offered (self, language))
    return FALSE;

  set_language (self, language);
  sayso_response_clear (self->response);
  sayso_response_set_language (self->response, language);
  show (self, SAYSO_PAGE_PROMISE, -1);
  return TRUE;
}

/**
 * sayso_journey_next:
 *
 * From the promise or a question to the next question its condition shows,
 * or, after the last, to the page that sends.
 */
void
sayso_journey_next (SaysoJourney *self)
{
  int next;

  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  g_return_if_fail (self->page == SAYSO_PAGE_PROMISE || self->page == SAYSO_PAGE_QUESTION);

  next = next_shown (self, self->page == SAYSO_PAGE_PROMISE ? -1 : self->question_index, 1);
  if (next < 0)
    show (self, SAYSO_PAGE_SUBMIT, -1);
  else
    show (self, SAYSO_PAGE_QUESTION, next);
}

/**
 * sayso_journey_back:
 *
 * To the shown question before, or from the first to the promise; from the
 * promise, where nothing is answered yet, back to the choice of language.
 */
void
sayso_journey_back (SaysoJourney *self)
{
  int from, previous;

  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  g_return_if_fail (sayso_journey_in_survey (self));

  if (self->page == SAYSO_PAGE_PROMISE)
    {
      _sayso_journey_go_home (self);
      return;
    }

  from = self->page == SAYSO_PAGE_SUBMIT ? (int) sayso_questionnaire_get_n_questions (self->questionnaire)
                                         : self->question_index;
  previous = next_shown (self, from, -1);
  if (previous < 0)
    show (self, SAYSO_PAGE_PROMISE, -1);
  else
    show (self, SAYSO_PAGE_QUESTION, previous);
}

/**
 * sayso_journey_submit:
 *
 * The respondent sends their answers: they leave through
 * #SaysoJourney::send, everything else of theirs is forgotten, and the
 * thank-you says, in their language, what became of them.
 */
void
sayso_journey_submit (SaysoJourney *self)
{
  g_autofree char *language = NULL;
  SaysoSubmitOutcome outcome;

  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  g_return_if_fail (self->page == SAYSO_PAGE_SUBMIT);

  language = g_strdup (self->language);
  outcome = send_response (self);
  forget_respondent (self);

  set_language (self, language);
  if (self->outcome != outcome)
    {
      self->outcome = outcome;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
    }
  show (self, SAYSO_PAGE_THANKS, -1);
}

/**
 * sayso_journey_start_again:
 *
 * Forgets the respondent and puts the welcome back.
 */
void
sayso_journey_start_again (SaysoJourney *self)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));
  _sayso_journey_go_home (self);
}

/**
 * sayso_journey_walk_away:
 *
 * The respondent left without sending: their answers are forgotten, or, if
 * the kiosk keeps partial answers, sent as they are.
 */
void
sayso_journey_walk_away (SaysoJourney *self)
{
  g_return_if_fail (SAYSO_IS_JOURNEY (self));

  if (self->config->keep_partial && sayso_response_get_n_answers (self->response) > 0)
    send_response (self);
  _sayso_journey_go_home (self);
}
