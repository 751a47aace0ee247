/* sayso-catalog.h: one compiled gettext catalog (.mo), read in memory.
 *
 * The kiosk shows two languages at once, so its words are looked up per
 * language, not through the process locale; this reads a catalog made by
 * msgfmt without trusting it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SAYSO_CATALOG_ERROR (sayso_catalog_error_quark ())

typedef enum
{
  SAYSO_CATALOG_ERROR_INVALID,
} SaysoCatalogError;

typedef struct _SaysoCatalog SaysoCatalog;

GQuark        sayso_catalog_error_quark (void);
SaysoCatalog *sayso_catalog_new         (GBytes        *mo,
                                         GError       **error) G_GNUC_WARN_UNUSED_RESULT;
void          sayso_catalog_free        (SaysoCatalog  *catalog);
const char   *sayso_catalog_lookup      (SaysoCatalog  *catalog,
                                         const char    *context,
                                         const char    *msgid);
const char   *sayso_catalog_lookup_plural (SaysoCatalog *catalog,
                                           const char   *msgid,
                                           gulong        n);
const char   *sayso_catalog_get_header  (SaysoCatalog  *catalog,
                                         const char    *field);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoCatalog, sayso_catalog_free)

G_END_DECLS
