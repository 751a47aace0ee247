/* sayso-strings.c: the kiosk's own words.
 *
 * Plain English for a reading age of about nine. The Welsh, like the
 * questionnaire's, is awaiting review by a first-language speaker.
 */
#define G_LOG_DOMAIN "sayso-strings"

#include "sayso-strings.h"

typedef struct
{
  const char *en;
  const char *cy;
} Pair;

static const Pair strings[SAYSO_N_STRINGS] = {
  [SAYSO_STR_WELCOME_TITLE] = { "Your say on probation", "Dweud eich dweud am y gwasanaeth prawf" },
  [SAYSO_STR_WELCOME_INVITE] = { "Tap your language to start", "Tapiwch eich iaith i ddechrau" },
  [SAYSO_STR_WELCOME_PRIVATE] = { "Tell us what you think. It is private.",
                                  "Dywedwch wrthym beth rydych chi'n ei feddwl. Mae'n breifat." },
  [SAYSO_STR_LANGUAGE_NAME] = { "English", "Cymraeg" },
  [SAYSO_STR_TEXT_SIZE] = { "Text size", "Maint y testun" },
  [SAYSO_STR_TEXT_SIZE_NORMAL] = { "Normal text", "Testun arferol" },
  [SAYSO_STR_TEXT_SIZE_LARGE] = { "Large text", "Testun mawr" },
  [SAYSO_STR_TEXT_SIZE_LARGEST] = { "Largest text", "Testun mwyaf" },
  [SAYSO_STR_HIGH_CONTRAST] = { "High contrast", "Cyferbyniad uchel" },
  [SAYSO_STR_READ_ALOUD_ALWAYS] = { "Always read aloud", "Darllen yn uchel bob tro" },
  [SAYSO_STR_READ_ALOUD] = { "Read aloud", "Darllen yn uchel" },
  [SAYSO_STR_PROMISE_TITLE] = { "Before you start", "Cyn i chi ddechrau" },
  [SAYSO_STR_PROMISE_INDEPENDENT] = { "This survey is run by an independent team, not by probation.",
                                      "Tîm annibynnol sy'n cynnal yr arolwg hwn, nid y gwasanaeth prawf." },
  [SAYSO_STR_PROMISE_ANONYMOUS] = { "We do not ask for your name.", "Dydyn ni ddim yn gofyn am eich enw." },
  [SAYSO_STR_PROMISE_OFFICER] = { "Your probation officer will not see your answers.",
                                  "Fydd eich swyddog prawf ddim yn gweld eich atebion." },
  [SAYSO_STR_PROMISE_NOBODY] = { "Your answers are locked. Nobody here can read them.",
                                 "Mae eich atebion wedi'u cloi. Does neb yma'n gallu eu darllen." },
  [SAYSO_STR_PROMISE_SKIP] = { "You can skip any question.", "Gallwch chi hepgor unrhyw gwestiwn." },
  [SAYSO_STR_PROMISE_TIME] = { "It takes about five minutes.", "Mae'n cymryd tua phum munud." },
  [SAYSO_STR_PROMISE_START] = { "Start the questions", "Dechrau'r cwestiynau" },
  [SAYSO_STR_BACK] = { "Back", "Yn ôl" },
  [SAYSO_STR_NEXT] = { "Next", "Nesaf" },
  [SAYSO_STR_SKIP] = { "Skip", "Hepgor" },
  [SAYSO_STR_PROGRESS] = { "Question %u of %u", "Cwestiwn %u o %u" },
  [SAYSO_STR_START_AGAIN] = { "Start again", "Dechrau eto" },
  [SAYSO_STR_START_AGAIN_TITLE] = { "Start again?", "Dechrau eto?" },
  [SAYSO_STR_START_AGAIN_BODY] = { "Your answers will be deleted. Nobody will see them.",
                                   "Bydd eich atebion yn cael eu dileu. Fydd neb yn eu gweld." },
  [SAYSO_STR_START_AGAIN_YES] = { "Yes, delete my answers", "Ie, dileu fy atebion" },
  [SAYSO_STR_START_AGAIN_NO] = { "No, go back", "Na, mynd yn ôl" },
  [SAYSO_STR_STILL_THERE_TITLE] = { "Are you still there?", "Ydych chi dal yna?" },
  [SAYSO_STR_STILL_THERE_BODY] = { "If you do not tap the screen, your answers will be deleted in %u seconds.",
                                   "Os na fyddwch chi'n tapio'r sgrin, bydd eich atebion yn cael eu dileu mewn %u eiliad." },
  [SAYSO_STR_STILL_THERE_YES] = { "I am still here", "Rydw i dal yma" },
  [SAYSO_STR_TEXT_COUNT] = { "%u of %u letters", "%u o %u llythyren" },
  [SAYSO_STR_TEXT_FULL] = { "That is as much as fits. You can tap Next when you are ready.",
                            "Dyna'r cyfan sy'n ffitio. Gallwch chi dapio Nesaf pan fyddwch chi'n barod." },
  [SAYSO_STR_TEXT_NO_NAMES] = { "Please do not write anyone's name or any case numbers.",
                                "Peidiwch ag ysgrifennu enw neb nac unrhyw rifau achos." },
  [SAYSO_STR_SUBMIT_TITLE] = { "You have reached the end", "Rydych chi wedi cyrraedd y diwedd" },
  [SAYSO_STR_SUBMIT_BODY] = { "Tap \"Send my answers\" to finish. You can still go back and change them.",
                              "Tapiwch \"Anfon fy atebion\" i orffen. Gallwch chi fynd yn ôl a'u newid o hyd." },
  [SAYSO_STR_SUBMIT_SEND] = { "Send my answers", "Anfon fy atebion" },
  [SAYSO_STR_THANKS_TITLE] = { "Thank you", "Diolch" },
  [SAYSO_STR_THANKS_BODY] = { "Your answers are locked. Nobody here can read them.",
                              "Mae eich atebion wedi'u cloi. Does neb yma'n gallu eu darllen." },
  [SAYSO_STR_THANKS_RETURN] = { "You can walk away now.", "Gallwch chi gerdded i ffwrdd nawr." },
  [SAYSO_STR_PENDING_TITLE] = { "Thank you", "Diolch" },
  /* Only the store's acknowledgement makes answers "locked": until then they
   * are in the kiosk's memory, and a restart would lose them. */
  [SAYSO_STR_PENDING_BODY] = { "Your answers are waiting to be saved on this kiosk. Staff have been told.",
                               "Mae eich atebion yn aros i gael eu cadw ar y ciosg hwn. Mae'r staff wedi cael gwybod." },
  [SAYSO_STR_REFUSED_TITLE] = { "Sorry", "Mae'n ddrwg gennym ni" },
  [SAYSO_STR_REFUSED_BODY] = { "Your answers could not be saved, and they have been deleted. Please tell a member of staff.",
                               "Doedd dim modd cadw eich atebion, ac maen nhw wedi cael eu dileu. "
                               "Dywedwch wrth aelod o'r staff, os gwelwch yn dda." },
  [SAYSO_STR_KEY_SHIFT] = { "Capital letter", "Priflythyren" },
  [SAYSO_STR_KEY_BACKSPACE] = { "Delete a letter", "Dileu llythyren" },
  [SAYSO_STR_KEY_SPACE] = { "Space", "Bwlch" },
  [SAYSO_STR_KEY_NUMBERS] = { "Numbers", "Rhifau" },
  [SAYSO_STR_KEY_LETTERS] = { "Letters", "Llythrennau" },
  [SAYSO_STR_KEY_ACCENTS] = { "Welsh letters", "Llythrennau Cymraeg" },
  [SAYSO_STR_KEY_NEW_LINE] = { "New line", "Llinell newydd" },
  [SAYSO_STR_ANSWER_BOX] = { "Your answer", "Eich ateb" },
  [SAYSO_STR_STORE_PROBLEM] = { "Answers waiting to be saved", "Atebion yn aros i gael eu cadw" },
  [SAYSO_STR_HEAR] = { "Hear: %s", "Gwrando: %s" },
  [SAYSO_STR_VOLUME_DOWN] = { "Quieter", "Tawelach" },
  [SAYSO_STR_VOLUME_UP] = { "Louder", "Uwch" },
};

const char *
sayso_string (SaysoStringId  id,
              const char    *language)
{
  g_return_val_if_fail (id < SAYSO_N_STRINGS, "");

  if (g_strcmp0 (language, "cy") == 0 && strings[id].cy != NULL)
    return strings[id].cy;
  return strings[id].en;
}
