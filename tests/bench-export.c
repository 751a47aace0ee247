/* Benchmark: exporting 10,000 records beside copying as many bytes, with
 * fsync, to the same disk. Run with `meson test --benchmark`. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sayso-export.h"
#include "sayso-setup.h"
#include "sayso-test-utils.h"

static gint64
copy_with_fsync (const char *path,
                 guint64     bytes)
{
  g_autofree guint8 *chunk = g_malloc (12336);
  gint64 start = g_get_monotonic_time ();
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  guint64 done = 0;

  sayso_random_bytes (chunk, 12336);
  g_assert_cmpint (fd, >=, 0);
  while (done < bytes)
    {
      gsize n = MIN (12336, bytes - done);
      g_assert_cmpint (write (fd, chunk, n), ==, (gssize) n);
      done += n;
    }
  g_assert_cmpint (fsync (fd), ==, 0);
  close (fd);
  return g_get_monotonic_time () - start;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SaysoQuestionnaire) survey = NULL;
  g_autoptr(SaysoStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *dir = g_build_filename (cwd, "bench-export-XXXXXX", NULL);
  g_autofree char *store_path = NULL;
  g_autofree char *stick = NULL;
  g_autofree char *copy_path = NULL;
  const char *env_n = g_getenv ("SAYSO_BENCH_N");
  guint n = env_n ? (guint) atoi (env_n) : 10000;
  SaysoExportResult result = { 0 };
  guint8 pk[32], sk[32];
  gint64 start, export_us, copy_us;

  sayso_init ();
  survey = sayso_questionnaire_new_default ();
  if (g_mkdtemp (dir) == NULL)
    g_error ("cannot make %s", dir);
  store_path = g_build_filename (dir, "store.db", NULL);
  stick = g_build_filename (dir, "stick", NULL);
  copy_path = g_build_filename (dir, "copy.bin", NULL);
  g_mkdir (stick, 0700);

  sayso_recipient_keypair_new (pk, sk);
  if (!(store = sayso_store_create (store_path, "Bench site", pk, &error)))
    g_error ("%s", error->message);

  for (guint done = 0; done < n; done += 1000)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = done; i < MIN (n, done + 1000); i++)
        {
          SaysoResponse *r = sayso_response_new (survey, "en");
          if (!sayso_response_set_choice (r, "how_often", i % 2 ? "monthly" : "weekly", &error))
            g_error ("%s", error->message);
          g_ptr_array_add (batch, r);
        }
      if (!sayso_store_submit_all (store, batch, SAYSO_MODE_SELF, &error))
        g_error ("%s", error->message);
    }

  start = g_get_monotonic_time ();
  if (!sayso_store_export (store, stick, SAYSO_EXPORT_DEFAULT, &result, &error))
    g_error ("%s", error->message);
  export_us = g_get_monotonic_time () - start;

  copy_us = copy_with_fsync (copy_path, result.bytes);

  printf ("export: %" G_GINT64_FORMAT " records, %" G_GUINT64_FORMAT " bytes, in %s\n", result.records, result.bytes, dir);
  printf ("  sayso export (write, fsync, read back, verify, mark)  %8.1f ms\n", export_us / 1000.0);
  printf ("  copy of as many bytes with fsync                       %8.1f ms\n", copy_us / 1000.0);
  printf ("  ratio %.2fx (target: within 1.5x)\n", (double) export_us / (double) copy_us);

  sayso_export_result_clear (&result);
  g_clear_object (&store);
  test_remove_tree (dir);
  return 0;
}
