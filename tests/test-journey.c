/* The respondent's journey without a screen: conditions, progress, back,
 * idleness on a fake clock, forgetting, and sending once. */
#include <string.h>

#include "sayso-journey.h"
#include "sayso-process.h"

#define CANARY "CANARY-7f3a"

static SaysoQuestionnaire *survey;
static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

static void
pass (guint seconds)
{
  fake_now += (gint64) seconds * G_USEC_PER_SEC;
}

typedef struct
{
  SaysoKioskConfig *config;
  SaysoJourney     *journey;
  GPtrArray        *sent;       /* of SaysoResponse, as "send" handed them on */
  SaysoSubmitOutcome outcome;   /* what the "send" handler answers */
  guint             forgotten;
  guint             moved;
} Fixture;

static int
on_send (SaysoJourney  *journey,
         SaysoResponse *response,
         int            mode,
         Fixture       *fixture)
{
  g_ptr_array_add (fixture->sent, g_object_ref (response));
  return fixture->outcome;
}

static void
on_forgotten (SaysoJourney *journey,
              Fixture      *fixture)
{
  fixture->forgotten++;
}

static void
on_moved (SaysoJourney *journey,
          Fixture      *fixture)
{
  fixture->moved++;
}

static void
open_journey (Fixture *fixture)
{
  g_clear_object (&fixture->journey);
  fixture->journey = sayso_journey_new (survey, fixture->config);
  sayso_journey_set_clock (fixture->journey, fake_clock);
  g_signal_connect (fixture->journey, "send", G_CALLBACK (on_send), fixture);
  g_signal_connect (fixture->journey, "forgotten", G_CALLBACK (on_forgotten), fixture);
  g_signal_connect (fixture->journey, "moved", G_CALLBACK (on_moved), fixture);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fake_now = 1000 * G_USEC_PER_SEC;
  fixture->config = sayso_kiosk_config_new ();
  fixture->config->idle_timeout = 60;
  fixture->config->countdown = 20;
  fixture->sent = g_ptr_array_new_with_free_func (g_object_unref);
  fixture->outcome = SAYSO_SUBMIT_STORED;
  open_journey (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->journey);
  g_clear_pointer (&fixture->sent, g_ptr_array_unref);
  g_clear_pointer (&fixture->config, sayso_kiosk_config_free);
}

static const char *
current (Fixture *fixture)
{
  SaysoQuestion *question = sayso_journey_get_question (fixture->journey);

  return question ? sayso_question_get_id (question) : NULL;
}

static void
answer (Fixture    *fixture,
        const char *question_id,
        const char *option_id)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_response_set_choice (sayso_journey_get_response (fixture->journey),
                                            question_id, option_id, &error));
  g_assert_no_error (error);
}

/* To needed_services, the fifth question, with the first four answered and
 * a free-text answer given too. */
static void
to_needed_services (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_journey_choose_language (fixture->journey, "en"));
  sayso_journey_next (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "contact_officer");
  answer (fixture, "contact_officer", "agree");
  g_assert_true (sayso_response_set_text (sayso_journey_get_response (fixture->journey), "induction", CANARY, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < 4; i++)
    sayso_journey_next (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "needed_services");
}

/* A question its condition hides is skipped both ways and not counted. */
static void
test_conditions (Fixture       *fixture,
                 gconstpointer  data)
{
  to_needed_services (fixture);
  g_assert_cmpuint (sayso_journey_get_position (fixture->journey), ==, 5);
  g_assert_cmpuint (sayso_journey_get_count (fixture->journey), ==, 21);

  answer (fixture, "needed_services", "no");
  sayso_journey_next (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "asked_views");
  g_assert_cmpuint (sayso_journey_get_position (fixture->journey), ==, 6);
  g_assert_cmpuint (sayso_journey_get_count (fixture->journey), ==, 21);
  sayso_journey_back (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "needed_services");

  /* The control: shown, the same questions are visited and counted. */
  answer (fixture, "needed_services", "yes");
  g_assert_cmpuint (sayso_journey_get_count (fixture->journey), ==, 25);
  sayso_journey_next (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "services_helped");
  g_assert_cmpuint (sayso_journey_get_position (fixture->journey), ==, 6);
  for (guint i = 0; i < 4; i++)
    sayso_journey_next (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "asked_views");
  g_assert_cmpuint (sayso_journey_get_position (fixture->journey), ==, 10);
  sayso_journey_back (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "services_local");
}

/* Position runs 1..count over the shown questions, then the page that sends;
 * back from there is the last question. */
static void
test_progress (Fixture       *fixture,
               gconstpointer  data)
{
  guint position = 0;
  const char *last = NULL;

  g_assert_true (sayso_journey_choose_language (fixture->journey, "cy"));
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_PROMISE);
  g_assert_cmpuint (sayso_journey_get_position (fixture->journey), ==, 0);
  sayso_journey_next (fixture->journey);
  while (sayso_journey_get_page (fixture->journey) == SAYSO_PAGE_QUESTION)
    {
      position++;
      g_assert_cmpuint (sayso_journey_get_position (fixture->journey), ==, position);
      g_assert_cmpuint (sayso_journey_get_count (fixture->journey), ==, 21);
      last = current (fixture);
      sayso_journey_next (fixture->journey);
    }
  g_assert_cmpuint (position, ==, 21);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_SUBMIT);
  g_assert_null (sayso_journey_get_question (fixture->journey));
  g_assert_cmpuint (sayso_journey_get_position (fixture->journey), ==, 0);

  sayso_journey_back (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, last);
  g_assert_cmpstr (last, ==, "time_on_probation");
  g_assert_cmpuint (sayso_journey_get_position (fixture->journey), ==, 21);
}

/* Back at the first question is the promise; back at the promise, the
 * choice of language, with the respondent's language forgotten. */
static void
test_back_at_first (Fixture       *fixture,
                    gconstpointer  data)
{
  g_assert_true (sayso_journey_choose_language (fixture->journey, "cy"));
  g_assert_cmpstr (sayso_journey_get_language (fixture->journey), ==, "cy");
  sayso_journey_next (fixture->journey);
  sayso_journey_next (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "appointment_times");

  /* The control: back from the second question is the first. */
  sayso_journey_back (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "contact_officer");
  sayso_journey_back (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_PROMISE);
  g_assert_null (sayso_journey_get_question (fixture->journey));
  g_assert_true (sayso_journey_in_survey (fixture->journey));
  sayso_journey_back (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);
  g_assert_false (sayso_journey_in_survey (fixture->journey));
  g_assert_cmpstr (sayso_journey_get_language (fixture->journey), ==, "en");

  /* A language the questionnaire does not have changes nothing. */
  g_assert_false (sayso_journey_choose_language (fixture->journey, "fr"));
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);
}

/* Idle for the timeout: "still there?"; answered, the survey goes on; not
 * answered for the countdown, the respondent is forgotten. */
static void
test_idle (Fixture       *fixture,
           gconstpointer  data)
{
  SaysoResponse *response;

  /* Nobody there at the welcome: nothing happens. */
  pass (1000);
  sayso_journey_tick (fixture->journey);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);

  to_needed_services (fixture);
  response = sayso_journey_get_response (fixture->journey);
  pass (59);
  sayso_journey_tick (fixture->journey);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));
  pass (2);
  sayso_journey_tick (fixture->journey);
  g_assert_true (sayso_journey_get_still_there (fixture->journey));
  g_assert_cmpuint (sayso_journey_get_seconds_left (fixture->journey), ==, 19);
  pass (5);
  sayso_journey_tick (fixture->journey);
  g_assert_cmpuint (sayso_journey_get_seconds_left (fixture->journey), ==, 14);

  sayso_journey_still_here (fixture->journey);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));
  g_assert_cmpstr (current (fixture), ==, "needed_services");
  g_assert_cmpuint (sayso_response_get_n_answers (response), ==, 2);

  pass (61);
  sayso_journey_tick (fixture->journey);
  g_assert_true (sayso_journey_get_still_there (fixture->journey));
  g_assert_cmpuint (fixture->forgotten, ==, 0);
  pass (20);
  sayso_journey_tick (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));
  g_assert_cmpuint (fixture->forgotten, ==, 1);
  g_assert_true (sayso_journey_get_response (fixture->journey) == response);
  g_assert_cmpuint (sayso_response_get_n_answers (response), ==, 0);
  g_assert_cmpuint (fixture->sent->len, ==, 0);
}

/* A touch starts the idle timeout again. */
static void
test_activity_resets (Fixture       *fixture,
                      gconstpointer  data)
{
  to_needed_services (fixture);
  pass (50);
  sayso_journey_tick (fixture->journey);
  sayso_journey_note_activity (fixture->journey);
  pass (50);
  sayso_journey_tick (fixture->journey);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));

  /* The control: 61 seconds after that touch, the question comes. */
  pass (11);
  sayso_journey_tick (fixture->journey);
  g_assert_true (sayso_journey_get_still_there (fixture->journey));

  /* A step is a touch too. */
  sayso_journey_next (fixture->journey);
  sayso_journey_tick (fixture->journey);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));
}

/* Staff mode stops the respondent's clock; closing it starts it from then. */
static void
test_hold (Fixture       *fixture,
           gconstpointer  data)
{
  to_needed_services (fixture);
  pass (61);
  sayso_journey_tick (fixture->journey);
  g_assert_true (sayso_journey_get_still_there (fixture->journey));
  sayso_journey_hold (fixture->journey);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));
  pass (3600);
  sayso_journey_tick (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "needed_services");

  sayso_journey_resume (fixture->journey);
  pass (59);
  sayso_journey_tick (fixture->journey);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));
  /* The control: running again, the clock walks away as ever. */
  pass (30);
  sayso_journey_tick (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);
}

/* Walking away, or starting again, forgets everything: the answers, the
 * question, the language and a staff-assisted mode. */
static void
test_walk_away_forgets (Fixture       *fixture,
                        gconstpointer  data)
{
  SaysoResponse *response;

  sayso_journey_set_mode (fixture->journey, SAYSO_MODE_STAFF);
  g_assert_true (sayso_journey_choose_language (fixture->journey, "cy"));
  sayso_journey_next (fixture->journey);
  sayso_journey_next (fixture->journey);
  answer (fixture, "contact_officer", "agree");
  response = sayso_journey_get_response (fixture->journey);
  g_assert_cmpuint (sayso_response_get_n_answers (response), ==, 1);
  g_assert_cmpstr (current (fixture), ==, "appointment_times");

  sayso_journey_walk_away (fixture->journey);
  g_assert_cmpuint (fixture->forgotten, ==, 1);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);
  g_assert_null (sayso_journey_get_question (fixture->journey));
  g_assert_cmpstr (sayso_journey_get_language (fixture->journey), ==, "en");
  g_assert_cmpint (sayso_journey_get_mode (fixture->journey), ==, SAYSO_MODE_SELF);
  g_assert_cmpuint (sayso_response_get_n_answers (sayso_journey_get_response (fixture->journey)), ==, 0);
  g_assert_null (sayso_response_get_text (sayso_journey_get_response (fixture->journey), "induction"));
  g_assert_cmpuint (fixture->sent->len, ==, 0);

  /* Next time the journey starts at the first question. */
  g_assert_true (sayso_journey_choose_language (fixture->journey, "en"));
  sayso_journey_next (fixture->journey);
  g_assert_cmpstr (current (fixture), ==, "contact_officer");

  /* Start again does the same. */
  answer (fixture, "contact_officer", "agree");
  sayso_journey_start_again (fixture->journey);
  g_assert_cmpuint (fixture->forgotten, ==, 2);
  g_assert_cmpuint (sayso_response_get_n_answers (sayso_journey_get_response (fixture->journey)), ==, 0);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);
}

/* The control: a kiosk that keeps partial answers sends them, once, on
 * walking away, and not after starting again. */
static void
test_walk_away_keep_partial (Fixture       *fixture,
                             gconstpointer  data)
{
  SaysoResponse *sent;

  fixture->config->keep_partial = TRUE;
  open_journey (fixture);
  to_needed_services (fixture);
  pass (81);
  sayso_journey_tick (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);
  g_assert_cmpuint (fixture->sent->len, ==, 1);
  sent = g_ptr_array_index (fixture->sent, 0);
  g_assert_cmpstr (sayso_response_get_text (sent, "induction"), ==, CANARY);
  g_assert_true (sent != sayso_journey_get_response (fixture->journey));
  g_assert_cmpuint (sayso_response_get_n_answers (sayso_journey_get_response (fixture->journey)), ==, 0);

  to_needed_services (fixture);
  sayso_journey_start_again (fixture->journey);
  g_assert_cmpuint (fixture->sent->len, ==, 1);
}

static void
to_submit (Fixture *fixture)
{
  to_needed_services (fixture);
  while (sayso_journey_get_page (fixture->journey) == SAYSO_PAGE_QUESTION)
    sayso_journey_next (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_SUBMIT);
}

/* Sending hands the response on exactly once, with its mode; the journey
 * keeps a fresh, empty one, and the thank-you ends by itself. */
static void
test_submit_once (Fixture       *fixture,
                  gconstpointer  data)
{
  SaysoResponse *sent;

  fixture->outcome = SAYSO_SUBMIT_WAITING;
  sayso_journey_set_mode (fixture->journey, SAYSO_MODE_PAPER);
  to_submit (fixture);
  sayso_journey_submit (fixture->journey);

  g_assert_cmpuint (fixture->sent->len, ==, 1);
  sent = g_ptr_array_index (fixture->sent, 0);
  g_assert_cmpstr (sayso_response_get_text (sent, "induction"), ==, CANARY);
  g_assert_cmpstr (sayso_response_get_choice (sent, "contact_officer"), ==, "agree");
  g_assert_true (sent != sayso_journey_get_response (fixture->journey));
  g_assert_cmpuint (sayso_response_get_n_answers (sayso_journey_get_response (fixture->journey)), ==, 0);
  g_assert_cmpuint (sayso_journey_get_submitted_today (fixture->journey), ==, 1);

  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_THANKS);
  g_assert_cmpint (sayso_journey_get_outcome (fixture->journey), ==, SAYSO_SUBMIT_WAITING);
  g_assert_cmpstr (sayso_journey_get_language (fixture->journey), ==, "en");
  g_assert_cmpuint (fixture->forgotten, ==, 1);
  sayso_journey_settle_outcome (fixture->journey, SAYSO_SUBMIT_STORED);
  g_assert_cmpint (sayso_journey_get_outcome (fixture->journey), ==, SAYSO_SUBMIT_STORED);

  pass (SAYSO_JOURNEY_THANKS_SECONDS - 1);
  sayso_journey_tick (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_THANKS);
  pass (1);
  sayso_journey_tick (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_WELCOME);
  g_assert_cmpuint (fixture->sent->len, ==, 1);
  g_assert_cmpuint (fixture->forgotten, ==, 2);
  g_assert_cmpint (sayso_journey_get_mode (fixture->journey), ==, SAYSO_MODE_SELF);

  /* A second respondent's answers are theirs alone. */
  to_submit (fixture);
  sayso_journey_submit (fixture->journey);
  g_assert_cmpuint (fixture->sent->len, ==, 2);
  g_assert_true (g_ptr_array_index (fixture->sent, 1) != sent);
  g_assert_cmpuint (sayso_journey_get_submitted_today (fixture->journey), ==, 2);
}

static int
record_mode (SaysoJourney  *journey,
             SaysoResponse *response,
             int            mode,
             gpointer       user_data)
{
  *(int *) user_data = mode;
  return SAYSO_SUBMIT_REFUSED;
}

/* What the "send" handler says is what the thank-you says; with nobody to
 * take the answers they are gone, and never "stored". */
static void
test_submit_outcome (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(SaysoJourney) alone = sayso_journey_new (survey, fixture->config);
  int mode = -1;

  g_signal_handlers_disconnect_by_func (fixture->journey, on_send, fixture);
  g_signal_connect (fixture->journey, "send", G_CALLBACK (record_mode), &mode);
  to_needed_services (fixture);
  sayso_journey_set_mode (fixture->journey, SAYSO_MODE_STAFF);
  while (sayso_journey_get_page (fixture->journey) == SAYSO_PAGE_QUESTION)
    sayso_journey_next (fixture->journey);
  sayso_journey_submit (fixture->journey);
  g_assert_cmpint (mode, ==, SAYSO_MODE_STAFF);
  g_assert_cmpint (sayso_journey_get_outcome (fixture->journey), ==, SAYSO_SUBMIT_REFUSED);
  /* Refused is final: only waiting answers settle. */
  sayso_journey_settle_outcome (fixture->journey, SAYSO_SUBMIT_STORED);
  g_assert_cmpint (sayso_journey_get_outcome (fixture->journey), ==, SAYSO_SUBMIT_REFUSED);

  g_assert_true (sayso_journey_choose_language (alone, "en"));
  sayso_journey_next (alone);
  while (sayso_journey_get_page (alone) == SAYSO_PAGE_QUESTION)
    sayso_journey_next (alone);
  sayso_journey_submit (alone);
  g_assert_cmpint (sayso_journey_get_outcome (alone), ==, SAYSO_SUBMIT_REFUSED);
}

/* "In a survey" is the promise, a question and the page that sends. */
static void
test_in_survey (Fixture       *fixture,
                gconstpointer  data)
{
  g_assert_false (sayso_journey_in_survey (fixture->journey));
  g_assert_true (sayso_journey_choose_language (fixture->journey, "en"));
  g_assert_true (sayso_journey_in_survey (fixture->journey));
  sayso_journey_next (fixture->journey);
  g_assert_true (sayso_journey_in_survey (fixture->journey));
  while (sayso_journey_get_page (fixture->journey) == SAYSO_PAGE_QUESTION)
    sayso_journey_next (fixture->journey);
  g_assert_true (sayso_journey_in_survey (fixture->journey));
  sayso_journey_submit (fixture->journey);
  g_assert_cmpint (sayso_journey_get_page (fixture->journey), ==, SAYSO_PAGE_THANKS);
  g_assert_false (sayso_journey_in_survey (fixture->journey));
  /* Idle on the thank-you is not idle in a survey. */
  pass (SAYSO_JOURNEY_THANKS_SECONDS - 1);
  sayso_journey_tick (fixture->journey);
  g_assert_false (sayso_journey_get_still_there (fixture->journey));
}

/* Settings staff save change the screen now on the welcome, and only after
 * the respondent on it leaves otherwise; the timeouts at once. */
static void
test_config (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_copy (fixture->config);

  g_assert_false (sayso_journey_get_config (fixture->journey)->bilingual);
  g_assert_cmpstr (sayso_journey_get_first_language (fixture->journey), ==, "en");
  g_assert_null (sayso_journey_get_second_language (fixture->journey));

  to_needed_services (fixture);
  config->bilingual = TRUE;
  config->idle_timeout = 5;
  sayso_journey_set_config (fixture->journey, config);
  g_assert_false (sayso_journey_get_config (fixture->journey)->bilingual);
  pass (6);
  sayso_journey_tick (fixture->journey);
  g_assert_true (sayso_journey_get_still_there (fixture->journey));

  sayso_journey_start_again (fixture->journey);
  g_assert_true (sayso_journey_get_config (fixture->journey)->bilingual);
  g_assert_cmpstr (sayso_journey_get_first_language (fixture->journey), ==, "cy");
  g_assert_cmpstr (sayso_journey_get_second_language (fixture->journey), ==, "en");

  /* On the welcome, at once; a language the questionnaire lacks is not taken. */
  g_free (config->default_language);
  config->default_language = g_strdup ("fr");
  config->bilingual = FALSE;
  sayso_journey_set_config (fixture->journey, config);
  g_assert_false (sayso_journey_get_config (fixture->journey)->bilingual);
  g_assert_cmpstr (sayso_journey_get_config (fixture->journey)->default_language, ==, "en");
}

/* The pair kiosk.ini names stands side by side in its order (English
 * first here); a respondent is offered the languages with texts and words;
 * one without a catalog is refused as a choice, and as half of a pair by
 * name (the warning) with Welsh and English instead. */
static void
test_pair (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(SaysoKioskConfig) config = sayso_kiosk_config_copy (fixture->config);
  g_auto(GStrv) languages = sayso_journey_dup_languages (fixture->journey);
  static const char * const both[] = { "en", "cy", NULL };

  g_assert_true (g_strv_equal ((const char * const *) languages, both));
  config->bilingual = TRUE;
  g_free (config->pair[0]);
  g_free (config->pair[1]);
  config->pair[0] = g_strdup ("en");
  config->pair[1] = g_strdup ("cy");
  sayso_journey_set_config (fixture->journey, config);
  g_assert_cmpstr (sayso_journey_get_first_language (fixture->journey), ==, "en");
  g_assert_cmpstr (sayso_journey_get_second_language (fixture->journey), ==, "cy");

  g_free (config->pair[0]);
  config->pair[0] = g_strdup ("ar");
  g_test_expect_message ("sayso-journey", G_LOG_LEVEL_WARNING,
                         "kiosk.ini: bilingual-pair names \"ar\", which the kiosk has no catalog*");
  sayso_journey_set_config (fixture->journey, config);
  g_test_assert_expected_messages ();
  g_assert_cmpstr (sayso_journey_get_first_language (fixture->journey), ==, "cy");
  g_assert_cmpstr (sayso_journey_get_second_language (fixture->journey), ==, "en");

  g_assert_false (sayso_journey_choose_language (fixture->journey, "ar"));
  g_assert_true (sayso_journey_choose_language (fixture->journey, "cy"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *today = sayso_today ();
  int ret;

  /* The day the run began, all through it: "sent today" counts would start
   * again at midnight, and a run crossing it would count one short. */
  g_setenv ("SAYSO_TODAY", today, TRUE);
  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/journey/conditions", test_conditions);
  ADD ("/journey/progress", test_progress);
  ADD ("/journey/back-at-first", test_back_at_first);
  ADD ("/journey/idle", test_idle);
  ADD ("/journey/activity-resets", test_activity_resets);
  ADD ("/journey/hold", test_hold);
  ADD ("/journey/walk-away-forgets", test_walk_away_forgets);
  ADD ("/journey/walk-away-keep-partial", test_walk_away_keep_partial);
  ADD ("/journey/submit-once", test_submit_once);
  ADD ("/journey/submit-outcome", test_submit_outcome);
  ADD ("/journey/in-survey", test_in_survey);
  ADD ("/journey/config", test_config);
  ADD ("/journey/pair", test_pair);
#undef ADD

  ret = g_test_run ();
  g_clear_object (&survey);
  return ret;
}
