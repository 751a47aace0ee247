/* libFuzzer: the kiosk's .mo reader (app/kiosk/sayso-catalog.c), which
 * reads every catalog in its resources at start-up. The input is a whole
 * .mo; what loads is looked up, plural forms included, so that a catalog
 * the reader takes is also read safely. */
#include "sayso-catalog.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) mo = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(SaysoCatalog) catalog = sayso_catalog_new (mo, &error);

  if (catalog == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  (void) sayso_catalog_lookup (catalog, NULL, "Back");
  (void) sayso_catalog_lookup (catalog, "language name", "English");
  for (gulong n = 0; n < 30; n++)
    (void) sayso_catalog_lookup_plural (catalog, "%u of %u letter", n * n * n);
  (void) sayso_catalog_get_header (catalog, "X-Review-Status");
  return 0;
}
