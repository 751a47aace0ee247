/* libFuzzer: submitted answers (sayso submit's input, through the same
 * door), checked against the built-in survey, then encoded and decoded as a
 * record. */
#include <json-glib/json-glib.h>

#include "sayso-record.h"
#include "sayso-process.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static SaysoQuestionnaire *survey;
  g_autoptr(SaysoResponse) response = NULL;
  g_autoptr(GError) error = NULL;

  if (survey == NULL)
    {
      sayso_init ();
      survey = sayso_questionnaire_new_default ();
    }

  /* The door `sayso submit` reads through: depth and size, then JSON. */
  response = sayso_response_new_from_text (survey, (const char *) data, size, "fuzz", 0, &error);
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
