/* sayso-lazy-lib.h: eSpeak NG and libsoup, loaded the first time they are
 * needed rather than at every start.
 *
 * Linked into the program, the two brought 35 libraries with them (the
 * sound stack, codecs, Kerberos, HTTP/2 ...) that the dynamic loader mapped
 * and relocated before the kiosk drew anything, although speech waits for a
 * respondent to ask for it and libsoup for a bundle to send. Each is opened
 * by its SONAME with GModule, once per process and from any thread, and
 * kept for the process's life (libsoup's types cannot be unregistered).
 * The headers still give the types and declarations: each table's members
 * have the very type of the function they stand for.
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#ifdef HAVE_ESPEAK_NG
# include <espeak-ng/speak_lib.h>
#endif

G_BEGIN_DECLS

#define SAYSO_LAZY_LIB_ERROR (sayso_lazy_lib_error_quark ())

typedef enum
{
  SAYSO_LAZY_LIB_ERROR_NOT_FOUND,   /* the library could not be opened */
  SAYSO_LAZY_LIB_ERROR_NO_SYMBOL,   /* it lacks a function Sayso uses: another version */
  SAYSO_LAZY_LIB_ERROR_NOT_BUILT,   /* this build has no support for it */
} SaysoLazyLibError;

#define SAYSO_ESPEAK_SONAME "libespeak-ng.so.1"
#define SAYSO_SOUP_SONAME   "libsoup-3.0.so.0"

#ifdef HAVE_ESPEAK_NG
typedef struct
{
  __typeof__ (espeak_Initialize)     *Initialize;
  __typeof__ (espeak_Cancel)         *Cancel;
  __typeof__ (espeak_SetParameter)   *SetParameter;
  __typeof__ (espeak_SetVoiceByName) *SetVoiceByName;
  __typeof__ (espeak_Synth)          *Synth;
  __typeof__ (espeak_IsPlaying)      *IsPlaying;
} SaysoEspeak;
#else
typedef struct _SaysoEspeak SaysoEspeak;
#endif

typedef struct
{
  __typeof__ (soup_session_get_type)                 *session_get_type;
  __typeof__ (soup_session_set_timeout)              *session_set_timeout;
  __typeof__ (soup_session_send_async)               *session_send_async;
  __typeof__ (soup_session_send_finish)              *session_send_finish;
  __typeof__ (soup_message_new_from_uri)             *message_new_from_uri;
  __typeof__ (soup_message_add_flags)                *message_add_flags;
  __typeof__ (soup_message_get_request_headers)      *message_get_request_headers;
  __typeof__ (soup_message_headers_set_expectations) *message_headers_set_expectations;
  __typeof__ (soup_message_set_request_body)         *message_set_request_body;
  __typeof__ (soup_message_get_status)               *message_get_status;
  __typeof__ (soup_message_get_reason_phrase)        *message_get_reason_phrase;
  __typeof__ (soup_message_get_uri)                  *message_get_uri;
} SaysoSoup;

GQuark             sayso_lazy_lib_error_quark (void);

/* Loaded at the first call; every later call gives the same table, or the
 * same error (in its own copy). Never NULL without @error set. */
const SaysoEspeak *sayso_lazy_espeak          (GError **error) G_GNUC_WARN_UNUSED_RESULT;
const SaysoSoup   *sayso_lazy_soup            (GError **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
