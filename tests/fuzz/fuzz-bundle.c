/* libFuzzer: the bundle reader, which reads whatever is on a USB stick. */
#include <glib/gstdio.h>
#include <unistd.h>

#include "sayso-bundle.h"
#include "sayso-process.h"

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static char *path;
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    {
      sayso_init ();
      path = g_strdup_printf ("%s/sayso-fuzz-bundle-%d", g_get_tmp_dir (), (int) getpid ());
    }

  g_assert_true (g_file_set_contents (path, (const char *) data, size, NULL));
  bundle = sayso_bundle_open (path, NULL, &error);
  g_assert ((bundle == NULL) != (error == NULL));
  for (guint i = 0; bundle && i < bundle->entries->len; i++)
    {
      g_autoptr(GBytes) record = sayso_bundle_read_record (bundle, i, &error);
      g_assert_no_error (error);
      g_assert_nonnull (record);
    }
  g_unlink (path);
  return 0;
}
