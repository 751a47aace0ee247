/* sayso-kiosk-texts.h: the kiosk's own words that it says aloud, by the
 * names a questionnaire gives them recorded clips under.
 *
 * "kiosk.NAME" in a questionnaire's "audio" (docs/format.md "Recorded
 * voices"). The parser checks those keys here, so this is the one list of
 * the names; the kiosk's strings (app/kiosk/sayso-strings.c) say which of
 * its words is which. A name is part of the format: it never changes, and
 * a word that is no longer said keeps its name unused rather than lending
 * it to another.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  SAYSO_KIOSK_TEXT_NONE,              /* a word the kiosk does not say aloud on its own */
  SAYSO_KIOSK_TEXT_WELCOME_TITLE,
  SAYSO_KIOSK_TEXT_WELCOME_PRIVATE,
  SAYSO_KIOSK_TEXT_WELCOME_INVITE,
  SAYSO_KIOSK_TEXT_PROMISE_TITLE,
  SAYSO_KIOSK_TEXT_PROMISE_INDEPENDENT,
  SAYSO_KIOSK_TEXT_PROMISE_ANONYMOUS,
  SAYSO_KIOSK_TEXT_PROMISE_OFFICER,
  SAYSO_KIOSK_TEXT_PROMISE_NOBODY,
  SAYSO_KIOSK_TEXT_PROMISE_SKIP,
  SAYSO_KIOSK_TEXT_PROMISE_TIME,
  SAYSO_KIOSK_TEXT_TEXT_NO_NAMES,
  SAYSO_KIOSK_TEXT_SUBMIT_TITLE,
  SAYSO_KIOSK_TEXT_SUBMIT_BODY,
  SAYSO_KIOSK_TEXT_THANKS_TITLE,
  SAYSO_KIOSK_TEXT_THANKS_BODY,
  SAYSO_KIOSK_TEXT_THANKS_RETURN,
  SAYSO_KIOSK_TEXT_PENDING_TITLE,
  SAYSO_KIOSK_TEXT_PENDING_BODY,
  SAYSO_KIOSK_TEXT_REFUSED_TITLE,
  SAYSO_KIOSK_TEXT_REFUSED_BODY,
  SAYSO_KIOSK_TEXT_STILL_THERE_TITLE,
  SAYSO_KIOSK_TEXT_STILL_THERE_YES,
  SAYSO_N_KIOSK_TEXTS
} SaysoKioskText;

const char     *sayso_kiosk_text_get_name (SaysoKioskText  text);
SaysoKioskText  sayso_kiosk_text_lookup   (const char     *name);
char           *sayso_kiosk_text_dup_names (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
