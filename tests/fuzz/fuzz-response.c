/* libFuzzer: submitted answers (sayso submit's input), checked against the
 * built-in survey, then encoded and decoded as a record. */
#include <json-glib/json-glib.h>

#include "sayso-record.h"
#include "sayso-setup.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static SaysoQuestionnaire *survey;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(SaysoResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  if (survey == NULL)
    {
      sayso_init ();
      survey = sayso_questionnaire_new_default ();
    }

  if (!json_parser_load_from_data (parser, (const char *) data, size, NULL) ||
      json_parser_get_root (parser) == NULL)
    return 0;

  response = sayso_response_new_from_json (survey, json_parser_get_root (parser), &error);
  g_assert ((response == NULL) != (error == NULL));
  if (response != NULL)
    {
      g_autoptr(GBytes) plain = sayso_record_encode (response, "2026-11-23", SAYSO_MODE_SELF, "Fuzz site");
      g_autoptr(SaysoRecord) record = NULL;

      g_assert_true (sayso_response_validate (response, &error));
      /* What is encoded always decodes, and always fits the record size. */
      g_assert_cmpuint (g_bytes_get_size (plain), <, sayso_questionnaire_get_record_size (survey));
      record = sayso_record_decode (plain, &error);
      g_assert_no_error (error);
    }
  return 0;
}
