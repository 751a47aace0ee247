/* The survey definition: the built-in survey, and every class of fault. */
#include <json-glib/json-glib.h>

#include "sayso-questionnaire.h"
#include "sayso-process.h"

static const char base_json[] =
  "{"
  " \"format\": 1, \"id\": \"mini\", \"version\": 3,"
  " \"languages\": [\"en\", \"cy\"],"
  " \"title\": {\"en\": \"Mini\", \"cy\": \"Bach\"},"
  " \"likert\": ["
  "   {\"id\": \"strongly_agree\", \"label\": {\"en\": \"SA\", \"cy\": \"CG\"}},"
  "   {\"id\": \"agree\", \"label\": {\"en\": \"A\", \"cy\": \"C\"}},"
  "   {\"id\": \"neither\", \"label\": {\"en\": \"N\", \"cy\": \"N\"}},"
  "   {\"id\": \"disagree\", \"label\": {\"en\": \"D\", \"cy\": \"A\"}},"
  "   {\"id\": \"strongly_disagree\", \"label\": {\"en\": \"SD\", \"cy\": \"AG\"}},"
  "   {\"id\": \"prefer_not_to_say\", \"label\": {\"en\": \"PNS\", \"cy\": \"GB\"}}],"
  " \"sections\": [{\"id\": \"main\", \"title\": {\"en\": \"Main\", \"cy\": \"Prif\"}}],"
  " \"questions\": ["
  "  {\"id\": \"contact\", \"section\": \"main\", \"kind\": \"likert\", \"text\": {\"en\": \"Q0\", \"cy\": \"C0\"}},"
  "  {\"id\": \"need\", \"section\": \"main\", \"kind\": \"single\", \"text\": {\"en\": \"Q1\", \"cy\": \"C1\"},"
  "   \"options\": [{\"id\": \"yes\", \"label\": {\"en\": \"Yes\", \"cy\": \"Ie\"}},"
  "                 {\"id\": \"no\", \"label\": {\"en\": \"No\", \"cy\": \"Na\"}}]},"
  "  {\"id\": \"helped\", \"section\": \"main\", \"kind\": \"likert\", \"text\": {\"en\": \"Q2\", \"cy\": \"C2\"},"
  "   \"show_if\": {\"question\": \"need\", \"any_of\": [\"yes\"]}},"
  "  {\"id\": \"good\", \"section\": \"main\", \"kind\": \"multiple\", \"text\": {\"en\": \"Q3\", \"cy\": \"C3\"},"
  "   \"options\": [{\"id\": \"travel\", \"label\": {\"en\": \"Travel\", \"cy\": \"Teithio\"}},"
  "                 {\"id\": \"reception\", \"label\": {\"en\": \"Reception\", \"cy\": \"Derbynfa\"}},"
  "                 {\"id\": \"none\", \"label\": {\"en\": \"None\", \"cy\": \"Dim\"}, \"exclusive\": true}]},"
  "  {\"id\": \"ideas\", \"section\": \"main\", \"kind\": \"text\", \"max_length\": 40,"
  "   \"text\": {\"en\": \"Q4\", \"cy\": \"C4\"}, \"help\": {\"en\": \"No names\", \"cy\": \"Dim enwau\"}}"
  " ]"
  "}";

static JsonNode *
base_node (void)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (base_json, &error);

  g_assert_no_error (error);
  return node;
}

static JsonObject *
question (JsonObject *root,
          guint       index)
{
  return json_array_get_object_element (json_object_get_array_member (root, "questions"), index);
}

static SaysoQuestionnaire *
load_node (JsonNode  *node,
           GError   **error)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

  return sayso_questionnaire_new_from_bytes (bytes, "test.json", error);
}

static void
test_base_is_valid (void)
{
  g_autoptr(JsonNode) node = base_node ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = load_node (node, &error);
  SaysoQuestion *likert;

  g_assert_no_error (error);
  g_assert_cmpstr (sayso_questionnaire_get_id (q), ==, "mini");
  g_assert_cmpint (sayso_questionnaire_get_version (q), ==, 3);
  g_assert_cmpuint (sayso_questionnaire_get_n_questions (q), ==, 5);
  likert = sayso_questionnaire_lookup_question (q, "contact");
  g_assert_cmpuint (sayso_question_get_n_options (likert), ==, 6);
  g_assert_cmpstr (sayso_question_get_option_label (likert, 5, "cy"), ==, "GB");
  g_assert_cmpstr (sayso_question_get_text (likert, "cy"), ==, "C0");
  /* An unknown language falls back to the first one rather than showing nothing. */
  g_assert_cmpstr (sayso_question_get_text (likert, "fr"), ==, "Q0");
  g_assert_cmpstr (sayso_question_get_condition_question (sayso_questionnaire_get_question (q, 2)), ==, "need");
  g_assert_true (sayso_question_get_option_exclusive (sayso_questionnaire_get_question (q, 3), 2));
  g_assert_cmpuint (sayso_questionnaire_get_record_size (q) % 4096, ==, 0);
}

static void
test_default_survey (void)
{
  g_autoptr(SaysoQuestionnaire) q = sayso_questionnaire_new_default ();
  static const char * const must_have[] = {
    "contact_officer", "appointment_times", "private_conversations", "feel_safe_office",
    "services_helped", "services_relevant", "services_reasonable_time", "services_local",
    "asked_views", "know_complaint", "overall_happy", "biggest_issue", "what_good",
    "how_often", "face_or_remote", "induction", "solutions",
    "age_band", "gender", "ethnicity", "disability", "sentence_type", "time_on_probation",
  };
  static const char * const categories[] = {
    "appointments", "travel", "probation_officer", "reception", "mental_health", "housing",
  };

  g_assert_cmpstr (sayso_questionnaire_get_id (q), ==, "hmip-user-voice");
  g_assert_true (sayso_questionnaire_has_language (q, "en"));
  g_assert_true (sayso_questionnaire_has_language (q, "cy"));
  g_assert_cmpstr (sayso_questionnaire_get_language_review (q, "cy"), ==, "awaiting-review");
  g_assert_null (sayso_questionnaire_get_language_review (q, "en"));

  for (guint i = 0; i < G_N_ELEMENTS (must_have); i++)
    g_assert_nonnull (sayso_questionnaire_lookup_question (q, must_have[i]));

  for (guint i = 0; i < G_N_ELEMENTS (categories); i++)
    {
      g_assert_cmpint (sayso_question_find_option (sayso_questionnaire_lookup_question (q, "biggest_issue"), categories[i]), >=, 0);
      g_assert_cmpint (sayso_question_find_option (sayso_questionnaire_lookup_question (q, "what_good"), categories[i]), >=, 0);
    }

  /* Every choice can be declined, and every free text warns against names. */
  for (guint i = 0; i < sayso_questionnaire_get_n_questions (q); i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (q, i);

      if (sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT)
        {
          g_assert_cmpuint (sayso_question_get_max_length (question), >, 0);
          g_assert_nonnull (sayso_question_get_help (question, "en"));
        }
      else
        g_assert_cmpint (sayso_question_find_option (question, "prefer_not_to_say"), >=, 0);
    }
}

typedef struct
{
  const char *name;
  void      (*mutate) (JsonObject *root);
  const char *expected;
} BadCase;

static void m_no_id (JsonObject *r) { json_object_remove_member (r, "id"); }
static void m_bad_id (JsonObject *r) { json_object_set_string_member (r, "id", "Has Spaces"); }
static void m_version_text (JsonObject *r) { json_object_set_string_member (r, "version", "3"); }
static void m_format (JsonObject *r) { json_object_set_int_member (r, "format", 2); }
static void m_unknown_root (JsonObject *r) { json_object_set_int_member (r, "colour", 1); }
static void m_no_languages (JsonObject *r) { json_object_set_array_member (r, "languages", json_array_new ()); }
static void m_bad_language (JsonObject *r) { json_array_add_string_element (json_object_get_array_member (r, "languages"), "Welsh"); }
static void m_missing_translation (JsonObject *r) { json_object_remove_member (json_object_get_object_member (question (r, 1), "text"), "cy"); }
static void m_empty_text (JsonObject *r) { json_object_set_string_member (json_object_get_object_member (question (r, 0), "text"), "en", "  "); }
static void m_extra_language (JsonObject *r) { json_object_set_string_member (json_object_get_object_member (r, "title"), "fr", "Mini"); }
static void m_option_no_label (JsonObject *r) { json_object_remove_member (json_array_get_object_element (json_object_get_array_member (question (r, 3), "options"), 2), "label"); }
static void m_dup_question (JsonObject *r) { json_object_set_string_member (question (r, 4), "id", "need"); }
static void m_dup_option (JsonObject *r) { json_object_set_string_member (json_array_get_object_element (json_object_get_array_member (question (r, 1), "options"), 1), "id", "yes"); }
static void m_bad_kind (JsonObject *r) { json_object_set_string_member (question (r, 0), "kind", "slider"); }
static void m_one_option (JsonObject *r) { json_array_remove_element (json_object_get_array_member (question (r, 1), "options"), 1); }
static void m_no_options (JsonObject *r) { json_object_remove_member (question (r, 3), "options"); }
static void m_options_on_likert (JsonObject *r) { json_object_set_array_member (question (r, 0), "options", json_array_new ()); }
static void m_no_max_length (JsonObject *r) { json_object_remove_member (question (r, 4), "max_length"); }
static void m_huge_max_length (JsonObject *r) { json_object_set_int_member (question (r, 4), "max_length", 100000); }
static void m_max_length_on_choice (JsonObject *r) { json_object_set_int_member (question (r, 1), "max_length", 10); }
static void m_bad_section (JsonObject *r) { json_object_set_string_member (question (r, 2), "section", "elsewhere"); }
static void m_exclusive_on_single (JsonObject *r) { json_object_set_boolean_member (json_array_get_object_element (json_object_get_array_member (question (r, 1), "options"), 0), "exclusive", TRUE); }
static void m_condition_later (JsonObject *r) { json_object_set_string_member (json_object_get_object_member (question (r, 2), "show_if"), "question", "good"); }
static void m_condition_bad_value (JsonObject *r) { json_array_add_string_element (json_object_get_array_member (json_object_get_object_member (question (r, 2), "show_if"), "any_of"), "maybe"); }
static void m_condition_on_text (JsonObject *r)
{
  JsonObject *condition = json_object_new ();
  JsonArray *values = json_array_new ();
  json_object_set_string_member (condition, "question", "ideas");
  json_array_add_string_element (values, "x");
  json_object_set_array_member (condition, "any_of", values);
  json_object_set_object_member (question (r, 4), "show_if", json_object_ref (condition));
  json_object_remove_member (question (r, 4), "show_if");
  json_array_add_object_element (json_object_get_array_member (r, "questions"), json_object_new ());
  json_object_set_string_member (json_array_get_object_element (json_object_get_array_member (r, "questions"), 5), "id", "later");
  json_object_set_string_member (json_array_get_object_element (json_object_get_array_member (r, "questions"), 5), "section", "main");
  json_object_set_string_member (json_array_get_object_element (json_object_get_array_member (r, "questions"), 5), "kind", "likert");
  json_object_set_object_member (json_array_get_object_element (json_object_get_array_member (r, "questions"), 5), "text",
                                 json_object_ref (json_object_get_object_member (question (r, 0), "text")));
  json_object_set_object_member (json_array_get_object_element (json_object_get_array_member (r, "questions"), 5), "show_if", condition);
}
static void m_likert_order (JsonObject *r) { json_object_set_string_member (json_array_get_object_element (json_object_get_array_member (r, "likert"), 0), "id", "agree"); }
static void m_likert_short (JsonObject *r) { json_array_remove_element (json_object_get_array_member (r, "likert"), 5); }
static void m_no_likert (JsonObject *r) { json_object_remove_member (r, "likert"); }
static void m_question_not_object (JsonObject *r) { json_array_add_string_element (json_object_get_array_member (r, "questions"), "oops"); }
static void m_review_unknown (JsonObject *r)
{
  JsonObject *review = json_object_new ();
  json_object_set_string_member (review, "fr", "awaiting-review");
  json_object_set_object_member (r, "language_review", review);
}

static const BadCase bad_cases[] = {
  { "no-id", m_no_id, "test.json: 1 fault, the questionnaire was not loaded:\n  missing \"id\"" },
  { "bad-id", m_bad_id, "id: \"Has Spaces\" is not a valid id" },
  { "version-text", m_version_text, "version: must be a whole number, not a string" },
  { "format", m_format, "format: this Sayso reads format 1, the file is format 2" },
  { "unknown-root-key", m_unknown_root, "unknown key \"colour\"" },
  { "no-languages", m_no_languages, "languages: must name at least one language" },
  { "bad-language", m_bad_language, "languages[2]: \"Welsh\" is not a language code" },
  { "missing-translation", m_missing_translation, "questions[1].text: missing \"cy\"" },
  { "empty-text", m_empty_text, "questions[0].text.en: must not be empty" },
  { "extra-language", m_extra_language, "title: language \"fr\" is not in \"languages\"" },
  { "option-no-label", m_option_no_label, "questions[3].options[2]: missing \"label\"" },
  { "duplicate-question", m_dup_question, "questions[4]: question id \"need\" is used twice" },
  { "duplicate-option", m_dup_option, "questions[1].options[1]: option id \"yes\" is used twice" },
  { "bad-kind", m_bad_kind, "questions[0].kind: \"slider\" is not one of likert, single, multiple, text" },
  { "one-option", m_one_option, "questions[1].options: a choice needs at least two options" },
  { "no-options", m_no_options, "questions[3]: missing \"options\"" },
  { "options-on-likert", m_options_on_likert, "questions[0]: \"options\" is not allowed for a likert question" },
  { "no-max-length", m_no_max_length, "questions[4]: missing \"max_length\"" },
  { "huge-max-length", m_huge_max_length, "questions[4].max_length: must be between 1 and 5000" },
  { "max-length-on-choice", m_max_length_on_choice, "questions[1]: \"max_length\" is only for free-text questions" },
  { "bad-section", m_bad_section, "questions[2]: section \"elsewhere\" is not in \"sections\"" },
  { "exclusive-on-single", m_exclusive_on_single, "questions[1].options[0]: \"exclusive\" is only for multiple-choice questions" },
  { "condition-on-later", m_condition_later, "questions[2].show_if: question \"good\" does not come before this one" },
  { "condition-bad-value", m_condition_bad_value, "questions[2].show_if.any_of[1]: \"maybe\" is not an option of question \"need\"" },
  { "condition-on-text", m_condition_on_text, "questions[5].show_if: question \"ideas\" is free text" },
  { "likert-order", m_likert_order, "likert[0]: must be \"strongly_agree\"" },
  { "likert-short", m_likert_short, "likert: must have exactly 6 points" },
  { "no-likert", m_no_likert, "questions[0]: a likert question needs the \"likert\" scale" },
  { "question-not-object", m_question_not_object, "questions[5]: must be an object, not a string" },
  { "review-unknown-language", m_review_unknown, "language_review: language \"fr\" is not in \"languages\"" },
};

static void
test_bad_case (gconstpointer data)
{
  const BadCase *bad = data;
  g_autoptr(JsonNode) node = base_node ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = NULL;

  bad->mutate (json_node_get_object (node));
  q = load_node (node, &error);

  /* Refused whole, with the exact place named. */
  g_assert_null (q);
  g_assert_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID);
  if (strstr (error->message, bad->expected) == NULL)
    g_error ("expected “%s” in:\n%s", bad->expected, error->message);
}

static void
test_all_faults_listed (void)
{
  g_autoptr(JsonNode) node = base_node ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = NULL;

  m_option_no_label (json_node_get_object (node));
  m_bad_kind (json_node_get_object (node));
  m_missing_translation (json_node_get_object (node));
  q = load_node (node, &error);
  g_assert_null (q);
  g_assert_nonnull (strstr (error->message, "3 faults"));
  g_assert_nonnull (strstr (error->message, "questions[0].kind"));
  g_assert_nonnull (strstr (error->message, "questions[1].text: missing \"cy\""));
  g_assert_nonnull (strstr (error->message, "questions[3].options[2]: missing \"label\""));
}

static void
test_not_json (void)
{
  static const char * const inputs[] = { "", "{", "[1, 2]", "\"text\"", "{\"id\": }", "\xff\xfe" };

  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (inputs[i], strlen (inputs[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(SaysoQuestionnaire) q = sayso_questionnaire_new_from_bytes (bytes, "broken.json", &error);

      g_assert_null (q);
      g_assert_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID);
      g_assert_true (g_str_has_prefix (error->message, "broken.json: "));
    }
}

static void
test_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = sayso_questionnaire_new_from_file ("/nonexistent/survey.json", &error);

  g_assert_null (q);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  sayso_init ();

  g_test_add_func ("/questionnaire/base-is-valid", test_base_is_valid);
  g_test_add_func ("/questionnaire/default-survey", test_default_survey);
  g_test_add_func ("/questionnaire/all-faults-listed", test_all_faults_listed);
  g_test_add_func ("/questionnaire/not-json", test_not_json);
  g_test_add_func ("/questionnaire/missing-file", test_missing_file);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/questionnaire/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_case);
    }

  return g_test_run ();
}
