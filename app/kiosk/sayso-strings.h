/* sayso-strings.h: the kiosk's own words, in every language at once.
 *
 * The bilingual kiosk shows two languages side by side, so a string is
 * looked up per language, in that language's gettext catalog, rather than
 * through the process locale.
 */
#pragma once

#include <glib.h>

#include "sayso-kiosk-texts.h"

G_BEGIN_DECLS

typedef enum
{
  SAYSO_STR_WELCOME_TITLE,
  SAYSO_STR_WELCOME_INVITE,
  SAYSO_STR_WELCOME_PRIVATE,
  SAYSO_STR_LANGUAGE_NAME,     /* the language's name, in itself */
  SAYSO_STR_TEXT_SIZE,
  SAYSO_STR_TEXT_SIZE_NORMAL,
  SAYSO_STR_TEXT_SIZE_LARGE,
  SAYSO_STR_TEXT_SIZE_LARGEST,
  SAYSO_STR_HIGH_CONTRAST,
  SAYSO_STR_READ_ALOUD_ALWAYS,
  SAYSO_STR_READ_ALOUD,
  SAYSO_STR_PROMISE_TITLE,
  SAYSO_STR_PROMISE_INDEPENDENT,
  SAYSO_STR_PROMISE_ANONYMOUS,
  SAYSO_STR_PROMISE_OFFICER,
  SAYSO_STR_PROMISE_NOBODY,
  SAYSO_STR_PROMISE_SKIP,
  SAYSO_STR_PROMISE_TIME,
  SAYSO_STR_PROMISE_START,
  SAYSO_STR_BACK,
  SAYSO_STR_NEXT,
  SAYSO_STR_SKIP,
  SAYSO_STR_PROGRESS,          /* %u of %u */
  SAYSO_STR_START_AGAIN,
  SAYSO_STR_START_AGAIN_TITLE,
  SAYSO_STR_START_AGAIN_BODY,
  SAYSO_STR_START_AGAIN_YES,
  SAYSO_STR_START_AGAIN_NO,
  SAYSO_STR_STILL_THERE_TITLE,
  SAYSO_STR_STILL_THERE_BODY,  /* %u seconds: sayso_string_plural() */
  SAYSO_STR_STILL_THERE_YES,
  SAYSO_STR_TEXT_COUNT,        /* %u of %u letters: sayso_string_plural() by the second */
  SAYSO_STR_TEXT_FULL,
  SAYSO_STR_TEXT_NO_NAMES,
  SAYSO_STR_SUBMIT_TITLE,
  SAYSO_STR_SUBMIT_BODY,
  SAYSO_STR_SUBMIT_SEND,
  SAYSO_STR_THANKS_TITLE,
  SAYSO_STR_THANKS_BODY,
  SAYSO_STR_THANKS_RETURN,
  SAYSO_STR_PENDING_TITLE,
  SAYSO_STR_PENDING_BODY,
  SAYSO_STR_REFUSED_TITLE,
  SAYSO_STR_REFUSED_BODY,
  SAYSO_STR_KEY_SHIFT,
  SAYSO_STR_KEY_BACKSPACE,
  SAYSO_STR_KEY_SPACE,
  SAYSO_STR_KEY_NUMBERS,
  SAYSO_STR_KEY_LETTERS,
  SAYSO_STR_KEY_ACCENTS,
  SAYSO_STR_KEY_NEW_LINE,
  SAYSO_STR_ANSWER_BOX,
  SAYSO_STR_STORE_PROBLEM,
  SAYSO_STR_HEAR,              /* "Hear: %s", a speaker control's name */
  SAYSO_STR_VOLUME_DOWN,
  SAYSO_STR_VOLUME_UP,
  SAYSO_N_STRINGS
} SaysoStringId;

typedef enum
{
  SAYSO_DIRECTION_NEUTRAL,
  SAYSO_DIRECTION_LTR,
  SAYSO_DIRECTION_RTL,
} SaysoDirection;

const char *sayso_string                (SaysoStringId  id,
                                         const char    *language);
const char *sayso_string_plural         (SaysoStringId  id,
                                         const char    *language,
                                         gulong         n);
SaysoKioskText sayso_string_get_kiosk_text (SaysoStringId id);
gboolean    sayso_strings_has_language  (const char    *language);
GStrv       sayso_strings_dup_languages (void) G_GNUC_WARN_UNUSED_RESULT;
const char *sayso_strings_get_review    (const char    *language);
gboolean    sayso_language_is_rtl       (const char    *language);
SaysoDirection sayso_text_direction     (const char    *text);

G_END_DECLS
