/* sayso-lazy-lib-private.h: the loader's seams, for its tests. */
#pragma once

#include "sayso-lazy-lib.h"

G_BEGIN_DECLS

/* One function a table holds: its name and its place in the table. */
typedef struct
{
  const char *name;
  gsize       offset;
} SaysoLazySymbol;

/* Opens @soname and fills @table (the struct the offsets are of) with
 * @symbols; @what names the library for a person ("eSpeak NG"). The
 * library is kept open once every symbol was found, closed otherwise. */
gboolean _sayso_lazy_lib_open         (const char            *what,
                                       const char            *soname,
                                       const SaysoLazySymbol *symbols,
                                       gsize                  n_symbols,
                                       gpointer               table,
                                       GError               **error) G_GNUC_WARN_UNUSED_RESULT;

/* Another SONAME to open, as a machine without the library would fail to:
 * before the first sayso_lazy_espeak() or sayso_lazy_soup() only. */
void     _sayso_lazy_espeak_set_soname (const char           *soname);
void     _sayso_lazy_soup_set_soname   (const char           *soname);

G_END_DECLS
