/* The answer session: every class of bad answer, and conditions. */
#include <json-glib/json-glib.h>
#include <string.h>

#include "sayso-response.h"
#include "sayso-process.h"

static SaysoQuestionnaire *survey;

static SaysoResponse *
from_json (const char  *json,
           GError     **error)
{
  g_autoptr(GError) parse_error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &parse_error);

  g_assert_no_error (parse_error);
  return sayso_response_new_from_json (survey, node, error);
}

static void
test_good_response (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoResponse) r = from_json (
    "{\"questionnaire\": \"hmip-user-voice\", \"version\": 1, \"language\": \"cy\", \"answers\": {"
    " \"contact_officer\": \"agree\", \"needed_services\": \"yes\", \"services_local\": \"disagree\","
    " \"what_good\": [\"travel\", \"reception\"], \"induction\": \"Fine\\nthanks\", \"biggest_issue\": null}}",
    &error);
  g_autoptr(JsonNode) answers = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (sayso_response_get_language (r), ==, "cy");
  g_assert_cmpuint (sayso_response_get_n_answers (r), ==, 5);
  g_assert_true (sayso_response_validate (r, &error));

  /* Answers come out in the questionnaire's order, multiple choices in option order. */
  answers = sayso_response_answers_to_json (r);
  text = json_to_string (answers, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"contact_officer\":\"agree\",\"needed_services\":\"yes\",\"services_local\":\"disagree\","
                   "\"what_good\":[\"travel\",\"reception\"],\"induction\":\"Fine\\nthanks\"}");
}

typedef struct
{
  const char *name;
  const char *json;
  const char *expected;
} BadAnswer;

static const BadAnswer bad_answers[] = {
  { "not-object", "[1]", "a response must be a JSON object" },
  { "no-questionnaire", "{\"answers\": {}}", "\"questionnaire\" is missing" },
  { "other-questionnaire", "{\"questionnaire\": \"census\", \"answers\": {}}", "this kiosk runs \"hmip-user-voice\", not \"census\"" },
  { "wrong-version", "{\"questionnaire\": \"hmip-user-voice\", \"version\": 9, \"answers\": {}}", "\"version\": this kiosk runs version 1" },
  { "bad-language", "{\"questionnaire\": \"hmip-user-voice\", \"language\": \"fr\", \"answers\": {}}", "\"language\" must be one of en, cy" },
  { "unknown-key", "{\"questionnaire\": \"hmip-user-voice\", \"when\": \"now\", \"answers\": {}}", "unknown key \"when\"" },
  { "no-answers", "{\"questionnaire\": \"hmip-user-voice\"}", "\"answers\" is missing" },
  { "unknown-question", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"shoe_size\": \"9\"}}", "question \"shoe_size\": there is no such question" },
  { "bad-option", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"contact_officer\": \"maybe\"}}", "question \"contact_officer\": the answer is not one of its options (strongly_agree, agree," },
  { "number-for-choice", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"contact_officer\": 4}}", "question \"contact_officer\": takes one option id" },
  { "list-for-single", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"biggest_issue\": [\"travel\"]}}", "question \"biggest_issue\": takes one option id" },
  { "string-for-multiple", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"what_good\": \"travel\"}}", "question \"what_good\": a multiple choice takes a list" },
  { "twice-in-multiple", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"what_good\": [\"travel\", \"travel\"]}}", "question \"what_good\": an option is chosen twice" },
  { "exclusive-with-others", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"what_good\": [\"travel\", \"no_positives\"]}}", "question \"what_good\": an answer that stands alone is chosen with others" },
  { "number-in-multiple", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"what_good\": [1]}}", "question \"what_good\": element 0 must be an option id" },
  { "choice-for-text", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"induction\": [\"x\"]}}", "question \"induction\": a free-text answer must be a string" },
  { "control-character", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"induction\": \"a\\u0007b\"}}", "question \"induction\": the text holds a control character (at byte 1)" },
  { "hidden-question", "{\"questionnaire\": \"hmip-user-voice\", \"answers\": {\"needed_services\": \"no\", \"services_local\": \"agree\"}}", "question \"services_local\": only asked when \"needed_services\" is yes" },
};

static void
test_bad_answer (gconstpointer data)
{
  const BadAnswer *bad = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoResponse) r = from_json (bad->json, &error);

  g_assert_null (r);
  g_assert_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID);
  if (strstr (error->message, bad->expected) == NULL)
    g_error ("expected “%s” in “%s”", bad->expected, error->message);
}

/* A 100,000-character answer is refused with its length, never its content. */
static void
test_huge_text (void)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strnfill (100000, 'x');

  memcpy (text, "CANARY", 6);
  g_assert_false (sayso_response_set_text (r, "solutions", text, &error));
  g_assert_error (error, SAYSO_RESPONSE_ERROR, SAYSO_RESPONSE_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==,
                   "question \"solutions\": the answer is 100000 characters long, at most 500 are allowed");
  g_assert_false (sayso_response_has_answer (r, "solutions"));
}

static void
test_text_counts_characters (void)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "cy");
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  /* 500 Welsh letters are 1,000 bytes but still within a 500-character limit. */
  for (guint i = 0; i < 500; i++)
    g_string_append (text, "ŵ");
  g_assert_true (sayso_response_set_text (r, "solutions", text->str, &error));
  g_assert_no_error (error);

  g_string_append (text, "ŷ");
  g_assert_false (sayso_response_set_text (r, "solutions", text->str, &error));
  g_assert_nonnull (strstr (error->message, "501 characters"));
  g_clear_error (&error);

  g_assert_false (sayso_response_set_text (r, "solutions", "\xc3\x28", &error));
  g_assert_nonnull (strstr (error->message, "not valid UTF-8"));
  g_clear_error (&error);

  /* Blank means skipped. */
  g_assert_true (sayso_response_set_text (r, "solutions", "   \n", &error));
  g_assert_false (sayso_response_has_answer (r, "solutions"));
}

static void
test_toggle_exclusive (void)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;
  const char * const *chosen;

  g_assert_true (sayso_response_toggle_choice (r, "what_good", "travel", &error));
  g_assert_true (sayso_response_toggle_choice (r, "what_good", "appointments", &error));
  chosen = sayso_response_get_choices (r, "what_good");
  g_assert_cmpuint (g_strv_length ((char **) chosen), ==, 2);
  g_assert_cmpstr (chosen[0], ==, "appointments");

  /* “No positives” replaces the others, and the others replace it. */
  g_assert_true (sayso_response_toggle_choice (r, "what_good", "no_positives", &error));
  chosen = sayso_response_get_choices (r, "what_good");
  g_assert_cmpuint (g_strv_length ((char **) chosen), ==, 1);
  g_assert_true (sayso_response_is_chosen (r, "what_good", "no_positives"));

  g_assert_true (sayso_response_toggle_choice (r, "what_good", "reception", &error));
  g_assert_false (sayso_response_is_chosen (r, "what_good", "no_positives"));
  g_assert_true (sayso_response_is_chosen (r, "what_good", "reception"));

  /* Untick the last one: the question is skipped again. */
  g_assert_true (sayso_response_toggle_choice (r, "what_good", "reception", &error));
  g_assert_false (sayso_response_has_answer (r, "what_good"));
  g_assert_no_error (error);
}

static void
test_conditions (void)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answers = NULL;

  g_assert_false (sayso_response_is_shown (r, "services_helped"));
  g_assert_true (sayso_response_set_choice (r, "needed_services", "yes", &error));
  g_assert_true (sayso_response_is_shown (r, "services_helped"));
  g_assert_true (sayso_response_set_choice (r, "services_helped", "agree", &error));

  /* Changing the gate hides the follow-up, and its answer is not recorded. */
  g_assert_true (sayso_response_set_choice (r, "needed_services", "no", &error));
  g_assert_false (sayso_response_is_shown (r, "services_helped"));
  answers = sayso_response_answers_to_json (r);
  g_assert_false (json_object_has_member (json_node_get_object (answers), "services_helped"));
  g_assert_true (json_object_has_member (json_node_get_object (answers), "needed_services"));
  g_assert_no_error (error);
}

static void
test_clear (void)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "cy");
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_response_set_text (r, "induction", "CANARY", &error));
  g_assert_true (sayso_response_set_choice (r, "gender", "prefer_not_to_say", &error));
  sayso_response_clear (r);
  g_assert_cmpuint (sayso_response_get_n_answers (r), ==, 0);
  /* The next respondent starts in the kiosk's default language. */
  g_assert_cmpstr (sayso_response_get_language (r), ==, "en");
}

static void
test_wrong_kind_setters (void)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;

  g_assert_false (sayso_response_set_text (r, "contact_officer", "agree", &error));
  g_assert_nonnull (strstr (error->message, "asks for a choice, not text"));
  g_clear_error (&error);
  g_assert_false (sayso_response_set_choice (r, "induction", "agree", &error));
  g_assert_nonnull (strstr (error->message, "asks for text, not a choice"));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

  g_test_add_func ("/response/good", test_good_response);
  g_test_add_func ("/response/huge-text", test_huge_text);
  g_test_add_func ("/response/text-counts-characters", test_text_counts_characters);
  g_test_add_func ("/response/toggle-exclusive", test_toggle_exclusive);
  g_test_add_func ("/response/conditions", test_conditions);
  g_test_add_func ("/response/clear", test_clear);
  g_test_add_func ("/response/wrong-kind-setters", test_wrong_kind_setters);
  for (guint i = 0; i < G_N_ELEMENTS (bad_answers); i++)
    {
      g_autofree char *path = g_strdup_printf ("/response/bad/%s", bad_answers[i].name);
      g_test_add_data_func (path, &bad_answers[i], test_bad_answer);
    }

  ret = g_test_run ();
  g_object_unref (survey);
  return ret;
}
