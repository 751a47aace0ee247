/* sayso-lazy-lib.c: eSpeak NG and libsoup, opened when first used.
 *
 * By SONAME, never by path: the dynamic loader looks where it looks for
 * every other library (the SONAME is the ABI the headers describe), and
 * nothing in the working folder or the environment names the file.
 * G_MODULE_BIND_LOCAL keeps their symbols out of the process's global
 * namespace, where they could stand in for another library's.
 */
#define G_LOG_DOMAIN "sayso-lazy-lib"

#include <gmodule.h>
#include <stddef.h>
#include <string.h>

#include "sayso-lazy-lib-private.h"

G_DEFINE_QUARK (sayso-lazy-lib-error-quark, sayso_lazy_lib_error)

/* One library's loading: done once, its table or its error kept. */
typedef struct
{
  gsize       done;
  const char *soname;
  GError     *error;
} Loading;

gboolean
_sayso_lazy_lib_open (const char            *what,
                      const char            *soname,
                      const SaysoLazySymbol *symbols,
                      gsize                  n_symbols,
                      gpointer               table,
                      GError               **error)
{
  GModule *module;

  g_return_val_if_fail (what != NULL && soname != NULL, FALSE);
  g_return_val_if_fail (symbols != NULL && table != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A name with a slash would be a path, read from wherever it points. */
  if (strchr (soname, G_DIR_SEPARATOR) != NULL)
    {
      g_set_error (error, SAYSO_LAZY_LIB_ERROR, SAYSO_LAZY_LIB_ERROR_NOT_FOUND,
                   "%s (%s) could not be loaded: a library is opened by its SONAME, not by a path",
                   what, soname);
      return FALSE;
    }

  module = g_module_open (soname, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (module == NULL)
    {
      g_set_error (error, SAYSO_LAZY_LIB_ERROR, SAYSO_LAZY_LIB_ERROR_NOT_FOUND,
                   "%s (%s) could not be loaded: %s", what, soname, g_module_error ());
      return FALSE;
    }

  for (gsize i = 0; i < n_symbols; i++)
    {
      gpointer address = NULL;

      if (!g_module_symbol (module, symbols[i].name, &address) || address == NULL)
        {
          g_set_error (error, SAYSO_LAZY_LIB_ERROR, SAYSO_LAZY_LIB_ERROR_NO_SYMBOL,
                       "%s (%s) could not be loaded: it has no %s (not the version Sayso was built for): %s",
                       what, soname, symbols[i].name, g_module_error ());
          g_module_close (module);
          return FALSE;
        }
      /* POSIX lets a data pointer hold a function's address (dlsym). */
      memcpy ((char *) table + symbols[i].offset, &address, sizeof address);
    }

  /* Types it registered with GObject, and threads it started (eSpeak NG's
   * player), outlive any handle to it. */
  g_module_make_resident (module);
  return TRUE;
}

/* Runs @open once, whichever thread comes first; later callers get its
 * outcome. */
static gboolean
load_once (Loading   *loading,
           gboolean (*open) (const char *soname, GError **error),
           GError   **error)
{
  if (g_once_init_enter (&loading->done))
    {
      GError *local_error = NULL;

      if (!open (loading->soname, &local_error))
        loading->error = local_error;
      g_once_init_leave (&loading->done, 1);
    }
  if (loading->error != NULL)
    {
      g_propagate_error (error, g_error_copy (loading->error));
      return FALSE;
    }
  return TRUE;
}

static void
set_soname (Loading    *loading,
            const char *soname)
{
  g_return_if_fail (soname != NULL);
  g_return_if_fail (loading->done == 0);

  loading->soname = g_intern_string (soname);
}

/* eSpeak NG */

static Loading espeak_loading = { 0, SAYSO_ESPEAK_SONAME, NULL };

#ifdef HAVE_ESPEAK_NG
#define ESPEAK(name) { "espeak_" #name, offsetof (SaysoEspeak, name) }
static const SaysoLazySymbol espeak_symbols[] = {
  ESPEAK (Initialize),
  ESPEAK (Cancel),
  ESPEAK (SetParameter),
  ESPEAK (SetVoiceByName),
  ESPEAK (Synth),
  ESPEAK (IsPlaying),
};
#undef ESPEAK

static SaysoEspeak espeak_table;

static gboolean
open_espeak (const char  *soname,
             GError     **error)
{
  return _sayso_lazy_lib_open ("eSpeak NG", soname, espeak_symbols, G_N_ELEMENTS (espeak_symbols),
                               &espeak_table, error);
}
#else
static gboolean
open_espeak (const char  *soname,
             GError     **error)
{
  g_set_error (error, SAYSO_LAZY_LIB_ERROR, SAYSO_LAZY_LIB_ERROR_NOT_BUILT,
               "eSpeak NG (%s) could not be loaded: this kiosk was built without it", soname);
  return FALSE;
}
#endif

const SaysoEspeak *
sayso_lazy_espeak (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!load_once (&espeak_loading, open_espeak, error))
    return NULL;
#ifdef HAVE_ESPEAK_NG
  return &espeak_table;
#else
  return NULL;
#endif
}

void
_sayso_lazy_espeak_set_soname (const char *soname)
{
  set_soname (&espeak_loading, soname);
}

/* libsoup */

static Loading soup_loading = { 0, SAYSO_SOUP_SONAME, NULL };

#define SOUP(name) { "soup_" #name, offsetof (SaysoSoup, name) }
static const SaysoLazySymbol soup_symbols[] = {
  SOUP (session_get_type),
  SOUP (session_set_timeout),
  SOUP (session_send_async),
  SOUP (session_send_finish),
  SOUP (message_new_from_uri),
  SOUP (message_add_flags),
  SOUP (message_get_request_headers),
  SOUP (message_headers_set_expectations),
  SOUP (message_set_request_body),
  SOUP (message_get_status),
  SOUP (message_get_reason_phrase),
  SOUP (message_get_uri),
};
#undef SOUP

static SaysoSoup soup_table;

static gboolean
open_soup (const char  *soname,
           GError     **error)
{
  return _sayso_lazy_lib_open ("libsoup", soname, soup_symbols, G_N_ELEMENTS (soup_symbols), &soup_table, error);
}

const SaysoSoup *
sayso_lazy_soup (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!load_once (&soup_loading, open_soup, error))
    return NULL;
  return &soup_table;
}

void
_sayso_lazy_soup_set_soname (const char *soname)
{
  set_soname (&soup_loading, soname);
}
