/* libFuzzer: the questionnaire definition parser, which reads files a site
 * may be given by anyone. */
#include "sayso-questionnaire.h"
#include "sayso-process.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoQuestionnaire) q = NULL;

  q = sayso_questionnaire_new_from_bytes (bytes, "fuzz", &error);
  /* Exactly one of the two, always. */
  g_assert ((q == NULL) != (error == NULL));
  if (q != NULL)
    g_assert_cmpuint (sayso_questionnaire_get_record_size (q) % 4096, ==, 0);
  return 0;
}
