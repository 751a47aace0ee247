/* The survey definition: the built-in survey, and every class of fault. */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <unistd.h>

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

/* Pictures: a folder with a questionnaire in it, and a picture beside it. */
typedef struct
{
  char *dir;      /* the questionnaire's folder, inside a folder of its own */
  char *outside;  /* a valid picture just outside it */
} PictureFixture;

static const char svg_text[] =
  "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 64 64\">"
  "<circle cx=\"32\" cy=\"32\" r=\"20\"/></svg>\n";

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
}

static void
picture_fixture_setup (PictureFixture *fixture,
                       gconstpointer   data)
{
  g_autofree char *top = g_dir_make_tmp ("sayso-pictures-XXXXXX", NULL);

  g_assert_nonnull (top);
  fixture->dir = g_build_filename (top, "survey", NULL);
  g_assert_cmpint (g_mkdir (fixture->dir, 0700), ==, 0);
  write_file (top, "outside.svg", svg_text);
  fixture->outside = g_build_filename (top, "outside.svg", NULL);
}

static void
picture_fixture_teardown (PictureFixture *fixture,
                          gconstpointer   data)
{
  g_autofree char *top = g_path_get_dirname (fixture->dir);
  const char * const argv[] = { "rm", "-rf", top, NULL };

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL));
  g_free (fixture->dir);
  g_free (fixture->outside);
}

/* Writes the base questionnaire into the fixture's folder, its first choice's
 * first option ("yes" of "need") naming @picture, and loads it. */
static SaysoQuestionnaire *
load_with_picture (PictureFixture  *fixture,
                   const char      *picture,
                   GError         **error)
{
  g_autoptr(JsonNode) node = base_node ();
  JsonObject *root = json_node_get_object (node);
  JsonArray *options = json_object_get_array_member (question (root, 1), "options");
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "survey.json", NULL);

  json_object_set_string_member (json_array_get_object_element (options, 0), "picture", picture);
  text = json_to_string (node, FALSE);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return sayso_questionnaire_new_from_file (path, error);
}

static char *
file_uri (const char *dir,
          const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  return g_filename_to_uri (path, NULL, NULL);
}

static void
assert_refused (GError     *error,
                const char *expected)
{
  g_assert_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID);
  /* The place, the option, the question and the path, and why. */
  if (!strstr (error->message, "questions[1].options[0].picture:") ||
      !strstr (error->message, "option \"yes\" of question \"need\"") ||
      !strstr (error->message, expected))
    g_error ("Expected a fault naming the option, its question and \"%s\"; got: %s", expected, error->message);
}

/* Every option of the built-in survey has a picture built in, and a
 * high-contrast variant of it; the likert points that have no face of
 * their own (prefer not to say) have one too. */
static void
test_pictures_built_in (void)
{
  g_autoptr(SaysoQuestionnaire) q = sayso_questionnaire_new_default ();
  guint n_options = 0;

  for (guint i = 0; i < sayso_questionnaire_get_n_questions (q); i++)
    {
      SaysoQuestion *question = sayso_questionnaire_get_question (q, i);

      for (guint k = 0; k < sayso_question_get_n_options (question); k++)
        {
          const char *id = sayso_question_get_option_id (question, k);
          const char *picture = sayso_question_get_option_picture (question, k, FALSE);
          const char *variant = sayso_question_get_option_picture (question, k, TRUE);
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(GBytes) variant_bytes = NULL;

          if (sayso_question_get_kind (question) == SAYSO_QUESTION_LIKERT &&
              !g_str_equal (id, "prefer_not_to_say"))
            {
              /* These keep their faces, drawn by the kiosk. */
              g_assert_null (picture);
              continue;
            }
          if (picture == NULL)
            g_error ("Option \"%s\" of \"%s\" has no picture", id, sayso_question_get_id (question));
          g_assert_true (g_str_has_prefix (picture, "resource:///org/sayso/Sayso/pictures/"));
          g_assert_true (g_str_has_suffix (variant, "-high-contrast.svg"));
          g_assert_cmpstr (picture, !=, variant);
          bytes = g_resources_lookup_data (picture + strlen ("resource://"), 0, NULL);
          variant_bytes = g_resources_lookup_data (variant + strlen ("resource://"), 0, NULL);
          g_assert_nonnull (bytes);
          g_assert_nonnull (variant_bytes);
          g_assert_false (g_bytes_equal (bytes, variant_bytes));
          if (sayso_question_get_kind (question) != SAYSO_QUESTION_LIKERT)
            n_options++;
        }
    }
  /* The 73 options of the 11 choice questions. */
  g_assert_cmpuint (n_options, ==, 73);
}

static void
test_picture_beside (PictureFixture *fixture,
                     gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = NULL;
  g_autofree char *uri = file_uri (fixture->dir, "pictures/yes.svg");
  g_autofree char *variant = file_uri (fixture->dir, "pictures/yes-high-contrast.svg");
  SaysoQuestion *need;

  write_file (fixture->dir, "pictures/yes.svg", svg_text);
  q = load_with_picture (fixture, "pictures/yes.svg", &error);
  g_assert_no_error (error);
  need = sayso_questionnaire_lookup_question (q, "need");
  g_assert_cmpstr (sayso_question_get_option_picture (need, 0, FALSE), ==, uri);
  /* Without a variant, the picture itself serves in high contrast. */
  g_assert_cmpstr (sayso_question_get_option_picture (need, 0, TRUE), ==, uri);
  g_assert_null (sayso_question_get_option_picture (need, 1, FALSE));
  g_clear_object (&q);

  /* A variant beside it, by name, is found. */
  write_file (fixture->dir, "pictures/yes-high-contrast.svg", svg_text);
  q = load_with_picture (fixture, "pictures/yes.svg", &error);
  g_assert_no_error (error);
  need = sayso_questionnaire_lookup_question (q, "need");
  g_assert_cmpstr (sayso_question_get_option_picture (need, 0, TRUE), ==, variant);
  g_clear_object (&q);

  /* And a broken variant is as much a fault as a broken picture. */
  write_file (fixture->dir, "pictures/yes-high-contrast.svg", "not a picture");
  q = load_with_picture (fixture, "pictures/yes.svg", &error);
  g_assert_null (q);
  assert_refused (error, "\"pictures/yes-high-contrast.svg\"");
}

/* A picture that is not there stops the questionnaire loading, naming it;
 * the same questionnaire with the file present loads (the control). */
static void
test_picture_missing (PictureFixture *fixture,
                      gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = load_with_picture (fixture, "pictures/yes.svg", &error);

  g_assert_null (q);
  assert_refused (error, "\"pictures/yes.svg\"");
  g_assert_nonnull (strstr (error->message, "No such file"));
  g_clear_error (&error);

  write_file (fixture->dir, "pictures/yes.svg", svg_text);
  q = load_with_picture (fixture, "pictures/yes.svg", &error);
  g_assert_no_error (error);
  g_assert_nonnull (q);
}

/* Out of the folder, by "..", by an absolute path or through a symbolic
 * link, is refused although the file there is a good picture; a link that
 * stays inside is followed (the control). */
static void
test_picture_outside (PictureFixture *fixture,
                      gconstpointer   data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = NULL;
  g_autofree char *link = g_build_filename (fixture->dir, "link.svg", NULL);
  g_autofree char *inner = g_build_filename (fixture->dir, "inner.svg", NULL);

  q = load_with_picture (fixture, "../outside.svg", &error);
  g_assert_null (q);
  assert_refused (error, "\"..\"");
  g_clear_error (&error);

  q = load_with_picture (fixture, "pictures/../../outside.svg", &error);
  g_assert_null (q);
  assert_refused (error, "\"..\"");
  g_clear_error (&error);

  q = load_with_picture (fixture, fixture->outside, &error);
  g_assert_null (q);
  assert_refused (error, "must be a path relative to the questionnaire's folder");
  g_clear_error (&error);

  g_assert_cmpint (symlink (fixture->outside, link), ==, 0);
  q = load_with_picture (fixture, "link.svg", &error);
  g_assert_null (q);
  assert_refused (error, "symbolic link");
  g_clear_error (&error);

  g_assert_cmpint (g_unlink (link), ==, 0);
  write_file (fixture->dir, "inner.svg", svg_text);
  g_assert_cmpint (symlink (inner, link), ==, 0);
  q = load_with_picture (fixture, "link.svg", &error);
  g_assert_no_error (error);
  g_assert_nonnull (q);
}

/* What is not SVG is refused: text, a photograph renamed, XML of another
 * kind, a file not named .svg, a folder; the good one loads. */
static void
test_picture_not_svg (PictureFixture *fixture,
                      gconstpointer   data)
{
  static const char png_start[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  static const struct { const char *name; const char *contents; const char *expected; } cases[] = {
    { "words.svg", "a picture of a bus", "is not an SVG picture" },
    { "html.svg", "<html><body>bus</body></html>", "its first element is <html>, not <svg>" },
    { "cut.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"3\"", "is not an SVG picture" },
    { "empty.svg", "", "Document was empty" },
    { "comment.svg", "<!-- nothing -->", "holds no <svg> element" },
    { "bus.png", "<svg/>", "must be an SVG file, named .svg" },
  };
  g_autofree char *png = g_build_filename (fixture->dir, "photo.svg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      write_file (fixture->dir, cases[i].name, cases[i].contents);
      q = load_with_picture (fixture, cases[i].name, &error);
      g_assert_null (q);
      assert_refused (error, cases[i].expected);
      g_clear_error (&error);
    }

  g_assert_true (g_file_set_contents (png, png_start, sizeof png_start - 1, NULL));
  q = load_with_picture (fixture, "photo.svg", &error);
  g_assert_null (q);
  assert_refused (error, "it is not text");
  g_clear_error (&error);

  write_file (fixture->dir, "folder.svg/x", svg_text);
  q = load_with_picture (fixture, "folder.svg", &error);
  g_assert_null (q);
  assert_refused (error, "is not a file");
  g_clear_error (&error);

  write_file (fixture->dir, "good.svg", svg_text);
  q = load_with_picture (fixture, "good.svg", &error);
  g_assert_no_error (error);
  g_assert_nonnull (q);
}

/* Built-in pictures by resource name; one that Sayso does not have is a
 * fault; a questionnaire that is no file may name no picture file. */
static void
test_picture_resource (void)
{
  g_autoptr(JsonNode) node = base_node ();
  JsonObject *root = json_node_get_object (node);
  JsonObject *yes = json_array_get_object_element (json_object_get_array_member (question (root, 1), "options"), 0);
  JsonObject *pns = json_array_get_object_element (json_object_get_array_member (root, "likert"), 5);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = NULL;
  SaysoQuestion *contact;

  json_object_set_string_member (yes, "picture", "resource:///org/sayso/Sayso/pictures/yes.svg");
  json_object_set_string_member (pns, "picture", "resource:///org/sayso/Sayso/pictures/prefer_not_to_say.svg");
  q = load_node (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sayso_question_get_option_picture (sayso_questionnaire_lookup_question (q, "need"), 0, TRUE), ==,
                   "resource:///org/sayso/Sayso/pictures/yes-high-contrast.svg");
  /* The scale's picture reaches every likert question. */
  contact = sayso_questionnaire_lookup_question (q, "contact");
  g_assert_cmpstr (sayso_question_get_option_picture (contact, 5, FALSE), ==,
                   "resource:///org/sayso/Sayso/pictures/prefer_not_to_say.svg");
  g_assert_null (sayso_question_get_option_picture (contact, 0, FALSE));
  g_clear_object (&q);

  json_object_set_string_member (yes, "picture", "resource:///org/sayso/Sayso/pictures/nope.svg");
  q = load_node (node, &error);
  g_assert_null (q);
  assert_refused (error, "there is no such picture built into Sayso");
  g_clear_error (&error);

  json_object_set_string_member (yes, "picture", "resource:///org/sayso/Sayso/pictures/yes-high-contrast.svg");
  q = load_node (node, &error);
  g_assert_null (q);
  assert_refused (error, "is a high-contrast variant");
  g_clear_error (&error);

  json_object_set_string_member (yes, "picture", "pictures/yes.svg");
  q = load_node (node, &error);
  g_assert_null (q);
  assert_refused (error, "was not read from a file");
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
  g_test_add_func ("/questionnaire/pictures/built-in", test_pictures_built_in);
  g_test_add_func ("/questionnaire/pictures/resource", test_picture_resource);
  g_test_add ("/questionnaire/pictures/beside", PictureFixture, NULL,
              picture_fixture_setup, test_picture_beside, picture_fixture_teardown);
  g_test_add ("/questionnaire/pictures/missing", PictureFixture, NULL,
              picture_fixture_setup, test_picture_missing, picture_fixture_teardown);
  g_test_add ("/questionnaire/pictures/outside", PictureFixture, NULL,
              picture_fixture_setup, test_picture_outside, picture_fixture_teardown);
  g_test_add ("/questionnaire/pictures/not-svg", PictureFixture, NULL,
              picture_fixture_setup, test_picture_not_svg, picture_fixture_teardown);
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/questionnaire/bad/%s", bad_cases[i].name);
      g_test_add_data_func (path, &bad_cases[i], test_bad_case);
    }

  return g_test_run ();
}
