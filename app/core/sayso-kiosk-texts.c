/* sayso-kiosk-texts.c: the names of the kiosk's own words that it says
 * aloud, for their recorded clips ("kiosk.NAME"). */
#define G_LOG_DOMAIN "sayso-kiosk-texts"

#include <string.h>

#include "sayso-kiosk-texts.h"

static const char * const names[SAYSO_N_KIOSK_TEXTS] = {
  [SAYSO_KIOSK_TEXT_NONE] = NULL,
  [SAYSO_KIOSK_TEXT_WELCOME_TITLE] = "welcome_title",
  [SAYSO_KIOSK_TEXT_WELCOME_PRIVATE] = "welcome_private",
  [SAYSO_KIOSK_TEXT_WELCOME_INVITE] = "welcome_invite",
  [SAYSO_KIOSK_TEXT_PROMISE_TITLE] = "promise_title",
  [SAYSO_KIOSK_TEXT_PROMISE_INDEPENDENT] = "promise_independent",
  [SAYSO_KIOSK_TEXT_PROMISE_ANONYMOUS] = "promise_anonymous",
  [SAYSO_KIOSK_TEXT_PROMISE_OFFICER] = "promise_officer",
  [SAYSO_KIOSK_TEXT_PROMISE_NOBODY] = "promise_nobody",
  [SAYSO_KIOSK_TEXT_PROMISE_SKIP] = "promise_skip",
  [SAYSO_KIOSK_TEXT_PROMISE_TIME] = "promise_time",
  [SAYSO_KIOSK_TEXT_TEXT_NO_NAMES] = "text_no_names",
  [SAYSO_KIOSK_TEXT_SUBMIT_TITLE] = "submit_title",
  [SAYSO_KIOSK_TEXT_SUBMIT_BODY] = "submit_body",
  [SAYSO_KIOSK_TEXT_THANKS_TITLE] = "thanks_title",
  [SAYSO_KIOSK_TEXT_THANKS_BODY] = "thanks_body",
  [SAYSO_KIOSK_TEXT_THANKS_RETURN] = "thanks_return",
  [SAYSO_KIOSK_TEXT_PENDING_TITLE] = "pending_title",
  [SAYSO_KIOSK_TEXT_PENDING_BODY] = "pending_body",
  [SAYSO_KIOSK_TEXT_REFUSED_TITLE] = "refused_title",
  [SAYSO_KIOSK_TEXT_REFUSED_BODY] = "refused_body",
  [SAYSO_KIOSK_TEXT_STILL_THERE_TITLE] = "still_there_title",
  [SAYSO_KIOSK_TEXT_STILL_THERE_YES] = "still_there_yes",
};

/**
 * sayso_kiosk_text_get_name:
 *
 * Returns: (nullable): @text's name, "welcome_title" for
 *   %SAYSO_KIOSK_TEXT_WELCOME_TITLE; %NULL for %SAYSO_KIOSK_TEXT_NONE.
 */
const char *
sayso_kiosk_text_get_name (SaysoKioskText text)
{
  g_return_val_if_fail (text < SAYSO_N_KIOSK_TEXTS, NULL);
  return names[text];
}

/**
 * sayso_kiosk_text_lookup:
 *
 * Returns: the kiosk text named @name, or %SAYSO_KIOSK_TEXT_NONE if no
 *   word of the kiosk's has that name.
 */
SaysoKioskText
sayso_kiosk_text_lookup (const char *name)
{
  g_return_val_if_fail (name != NULL, SAYSO_KIOSK_TEXT_NONE);

  for (guint i = SAYSO_KIOSK_TEXT_NONE + 1; i < SAYSO_N_KIOSK_TEXTS; i++)
    if (strcmp (names[i], name) == 0)
      return i;
  return SAYSO_KIOSK_TEXT_NONE;
}

/* Every name, "welcome_title, welcome_private, …", for a message that
 * tells what a questionnaire could have written. */
char *
sayso_kiosk_text_dup_names (void)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = SAYSO_KIOSK_TEXT_NONE + 1; i < SAYSO_N_KIOSK_TEXTS; i++)
    g_string_append_printf (list, "%s%s", list->len ? ", " : "", names[i]);
  return g_string_free (g_steal_pointer (&list), FALSE);
}
