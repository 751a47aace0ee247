/* sayso-speech-parts.c: what each speaker control of a question says.
 *
 * Part of SaysoSpeech. Every part is built from the questionnaire's texts
 * and the kiosk's own words, with the recorded clip the questionnaire names
 * for that text in that language (if it was found when it was loaded), so
 * nothing a respondent typed can ever be among them.
 */
#define G_LOG_DOMAIN "sayso-speech"

#include <string.h>

#include "sayso-speech.h"
#include "sayso-strings.h"

/* A pause after each thing read in a row, unless it has its own stop. */
static char *
as_sentence (const char *text)
{
  static const char * const stops[] = { ".", "?", "!", ":", ";", "…" };

  for (guint i = 0; i < G_N_ELEMENTS (stops); i++)
    if (g_str_has_suffix (text, stops[i]))
      return g_strdup (text);
  return g_strconcat (text, ".", NULL);
}

/**
 * sayso_speech_parts_add_string:
 *
 * The kiosk's own word @id in @language, as a sentence, with the clip the
 * questionnaire names for it ("kiosk.NAME") if that was found; eSpeak NG
 * says it otherwise, and always a word without a name.
 */
void
sayso_speech_parts_add_string (GPtrArray          *parts,
                               SaysoQuestionnaire *questionnaire,
                               SaysoStringId       id,
                               const char         *language)
{
  g_autofree char *sentence = NULL;

  g_return_if_fail (parts != NULL);
  g_return_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire));
  g_return_if_fail (id < SAYSO_N_STRINGS);

  sentence = as_sentence (sayso_string (id, language));
  sayso_speech_parts_add (parts, sentence,
                          sayso_questionnaire_get_kiosk_audio (questionnaire, sayso_string_get_kiosk_text (id), language));
}

void
sayso_speech_parts_add_question_text (GPtrArray          *parts,
                                      SaysoQuestionnaire *questionnaire,
                                      SaysoQuestion      *question,
                                      const char         *language)
{
  g_return_if_fail (parts != NULL);
  g_return_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire));
  g_return_if_fail (SAYSO_IS_QUESTION (question));

  sayso_speech_parts_add (parts, sayso_question_get_text (question, language),
                          sayso_questionnaire_get_question_audio (questionnaire, question, "text", 0, language));
}

/* The help line, or for a text question without one the kiosk's own
 * "no names" line that stands in its place on the screen. */
void
sayso_speech_parts_add_help (GPtrArray          *parts,
                             SaysoQuestionnaire *questionnaire,
                             SaysoQuestion      *question,
                             const char         *language)
{
  const char *help;

  g_return_if_fail (parts != NULL);
  g_return_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire));
  g_return_if_fail (SAYSO_IS_QUESTION (question));

  if ((help = sayso_question_get_help (question, language)))
    sayso_speech_parts_add (parts, help,
                            sayso_questionnaire_get_question_audio (questionnaire, question, "help", 0, language));
  else if (sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT)
    sayso_speech_parts_add_string (parts, questionnaire, SAYSO_STR_TEXT_NO_NAMES, language);
}

/* Exactly the option's label, as its speaker control says it. */
void
sayso_speech_parts_add_option (GPtrArray          *parts,
                               SaysoQuestionnaire *questionnaire,
                               SaysoQuestion      *question,
                               guint               index,
                               const char         *language)
{
  g_return_if_fail (parts != NULL);
  g_return_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire));
  g_return_if_fail (SAYSO_IS_QUESTION (question));
  g_return_if_fail (index < sayso_question_get_n_options (question));

  sayso_speech_parts_add (parts, sayso_question_get_option_label (question, index, language),
                          sayso_questionnaire_get_question_audio (questionnaire, question, "options", index, language));
}

/**
 * sayso_speech_parts_add_question:
 *
 * What "Read aloud" says of a question: its text, its help, then its
 * options in order, numbered ("1. Appointments. 2. Travel."). The numbers
 * are digits, which eSpeak NG says in the language's own words.
 */
void
sayso_speech_parts_add_question (GPtrArray          *parts,
                                 SaysoQuestionnaire *questionnaire,
                                 SaysoQuestion      *question,
                                 const char         *language)
{
  guint first;

  g_return_if_fail (parts != NULL);
  g_return_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire));
  g_return_if_fail (SAYSO_IS_QUESTION (question));

  first = parts->len;
  sayso_speech_parts_add_question_text (parts, questionnaire, question, language);
  sayso_speech_parts_add_help (parts, questionnaire, question, language);
  for (guint i = first; i < parts->len; i++)
    {
      SaysoSpeechPart *part = g_ptr_array_index (parts, i);
      char *sentence = as_sentence (part->text);

      g_free (part->text);
      part->text = sentence;
    }

  for (guint i = 0; i < sayso_question_get_n_options (question); i++)
    {
      g_autofree char *number = g_strdup_printf ("%u.", i + 1);
      SaysoSpeechPart *part;
      char *sentence;

      sayso_speech_parts_add (parts, number, NULL);
      sayso_speech_parts_add_option (parts, questionnaire, question, i, language);
      part = g_ptr_array_index (parts, parts->len - 1);
      sentence = as_sentence (part->text);
      g_free (part->text);
      part->text = sentence;
    }
}
