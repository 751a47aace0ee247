/* test-record: the plaintext of a sealed record. What is encoded decodes
 * to the same fields, a day is a real YYYY-MM-DD or the record is refused,
 * and the modes have one name each. */
#define G_LOG_DOMAIN "test-record"

#include <json-glib/json-glib.h>
#include <string.h>

#include "sayso-process.h"
#include "sayso-record.h"
#include "sayso-response.h"

static SaysoQuestionnaire *survey;

/* A record's day is grouped and filtered on as text by the reports: one
 * spelling of a real date, or the record is refused. */
static void
test_record_day (void)
{
  static const char * const bad[] = { "2026-02-30", "26-11-02", "2026-11-2", "2026-11-02x", "2026/11/02",
                                      "2026-13-01", "", "+026-11-02", "2026-11- 2", "2026-00-10" };
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "en");
  g_autoptr(GError) error = NULL;

  g_assert_true (sayso_response_set_choice (r, "contact_officer", "agree", &error));
  {
    g_autoptr(GBytes) plain = sayso_record_encode (r, "2028-02-29", SAYSO_MODE_SELF, "Leeds");
    g_autoptr(SaysoRecord) record = sayso_record_decode (plain, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (record->day, ==, "2028-02-29");
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) plain = sayso_record_encode (r, bad[i], SAYSO_MODE_SELF, "Leeds");
      g_autoptr(SaysoRecord) record = sayso_record_decode (plain, &error);

      g_assert_null (record);
      g_assert_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "\"day\""));
      g_clear_error (&error);
    }
}

/* Every field comes back as it went in, the answers included. */
static void
test_round_trip (void)
{
  g_autoptr(SaysoResponse) r = sayso_response_new (survey, "cy");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(SaysoRecord) record = NULL;
  JsonObject *answers;

  g_assert_true (sayso_response_set_choice (r, "contact_officer", "agree", &error));
  g_assert_no_error (error);
  plain = sayso_record_encode (r, "2026-11-23", SAYSO_MODE_PAPER, "Caerdydd");
  record = sayso_record_decode (plain, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record->questionnaire, ==, sayso_questionnaire_get_id (survey));
  g_assert_cmpint (record->version, ==, sayso_questionnaire_get_version (survey));
  g_assert_cmpstr (record->day, ==, "2026-11-23");
  g_assert_cmpint (record->mode, ==, SAYSO_MODE_PAPER);
  g_assert_cmpstr (record->site, ==, "Caerdydd");
  g_assert_cmpstr (record->language, ==, "cy");
  answers = json_node_get_object (record->answers);
  g_assert_cmpuint (json_object_get_size (answers), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (answers, "contact_officer"), ==, "agree");
}

/* Negative control: bytes that are not a record are refused, not decoded. */
static void
test_not_a_record (void)
{
  g_autoptr(GBytes) plain = g_bytes_new_static ("{\"format\": 1}", 13);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoRecord) record = sayso_record_decode (plain, &error);

  g_assert_null (record);
  g_assert_error (error, SAYSO_RECORD_ERROR, SAYSO_RECORD_ERROR_INVALID);
}

static void
test_modes (void)
{
  static const SaysoMode modes[] = { SAYSO_MODE_SELF, SAYSO_MODE_STAFF, SAYSO_MODE_PAPER };
  SaysoMode mode = SAYSO_MODE_SELF;

  for (gsize i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      const char *name = sayso_mode_to_string (modes[i]);

      g_assert_nonnull (name);
      g_assert_true (sayso_mode_from_string (name, &mode));
      g_assert_cmpint (mode, ==, modes[i]);
      for (gsize j = 0; j < i; j++)
        g_assert_cmpstr (name, !=, sayso_mode_to_string (modes[j]));
    }
  g_assert_false (sayso_mode_from_string ("kiosk", &mode));
  g_assert_false (sayso_mode_from_string ("", &mode));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  sayso_init ();
  survey = sayso_questionnaire_new_default ();

  g_test_add_func ("/record/day", test_record_day);
  g_test_add_func ("/record/round-trip", test_round_trip);
  g_test_add_func ("/record/not-a-record", test_not_a_record);
  g_test_add_func ("/record/modes", test_modes);

  ret = g_test_run ();
  g_object_unref (survey);
  return ret;
}
