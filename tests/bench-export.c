/* Benchmark: exporting 10,000 records beside a verified copy of as many
 * bytes to the same disk. Run with `meson test --benchmark`.
 *
 * A shared disk is noisy from one run to the next, so each figure is the
 * median of several rounds (SAYSO_BENCH_ROUNDS, 5 by default), and every
 * round starts from a synced disk so that no timing pays for the writeback
 * of what came before it. Each round re-exports the same records (the
 * staff's "export again"), which is the same work as the first export.
 *
 * The export reads back and checks every byte it wrote, so the fair floor
 * is a copy that does the same: the round's bundle (first copied, untimed,
 * beside the store) copied to the stick with read() and write() through a
 * 128 KiB buffer, fsynced, dropped from the page cache (so the read-back
 * comes from the drive, as the export's does), read back and compared with
 * the source. A plain copy, as cp does, checks nothing; it and writing as
 * many bytes from memory are printed too, for reference.
 *
 * "Written from memory" is slower than the verified copy because it writes
 * 12,336-byte pieces (a record's size): since Linux 6.16 ext4 keeps a file
 * in the page cache in large folios when writes come in large aligned
 * pieces, and writes at places that are not a multiple of 4 KiB get small
 * ones, which cost about three times as much to write and more to flush
 * (measured here: 125 MB in 12,336-byte writes 380 ms and fsync 440-760 ms,
 * in 128 KiB writes 80-110 ms and 250 ms). The export therefore writes
 * chunks of exactly 2 MiB, and where it can straight to the drive
 * (O_DIRECT) from the copy it keeps for its read-back.
 *
 * On this workplace's machine (a VM) fresh memory is dear: the kernel's
 * zeroing of the 125 MB the export keeps for its comparison, and the host
 * behind it, cost the thread reading the store a third of its time, so
 * the export does that in its writing thread; and the figures move with
 * the load the other work on the machine puts on it (say `uptime` beside
 * them): the export needs the CPU (reading the store, hashing every
 * record), the verified copy mostly waits on the disk.
 *
 * SAYSO_BENCH_STICK=DIR exports and copies to DIR instead of a folder beside
 * the store: a mounted USB stick, to measure what a kiosk will see. */
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "sayso-export.h"
#include "sayso-process.h"
#include "sayso-test-utils.h"

#define COPY_BUFFER (128 * 1024)

static gint64
write_with_fsync (const char *path,
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

static gint64
copy_with_fsync (const char *from,
                 const char *to,
                 guint64     bytes)
{
  g_autofree guint8 *buffer = g_malloc (COPY_BUFFER);
  gint64 start = g_get_monotonic_time ();
  int in = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  int out = g_open (to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  guint64 done = 0;
  gssize n;

  g_assert_cmpint (in, >=, 0);
  g_assert_cmpint (out, >=, 0);
  while ((n = read (in, buffer, COPY_BUFFER)) > 0)
    {
      g_assert_cmpint (write (out, buffer, n), ==, n);
      done += n;
    }
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpuint (done, ==, bytes);
  g_assert_cmpint (fsync (out), ==, 0);
  close (out);
  close (in);
  return g_get_monotonic_time () - start;
}

/* The copy above, then the check the export makes: the written file read
 * back from the drive and compared, block by block, with what was copied. */
static gint64
verified_copy (const char *from,
               const char *to,
               guint64     bytes)
{
  g_autofree guint8 *want = g_malloc (COPY_BUFFER);
  g_autofree guint8 *got = g_malloc (COPY_BUFFER);
  gint64 start = g_get_monotonic_time ();
  int in, out;
  guint64 done = 0;
  gssize n;

  copy_with_fsync (from, to, bytes);
  in = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  out = g_open (to, O_RDONLY | O_CLOEXEC, 0);
  g_assert_cmpint (in, >=, 0);
  g_assert_cmpint (out, >=, 0);
  g_assert_cmpint (posix_fadvise (out, 0, 0, POSIX_FADV_DONTNEED), ==, 0);
  while ((n = read (in, want, COPY_BUFFER)) > 0)
    {
      gssize have = 0;

      while (have < n)
        {
          gssize m = read (out, got + have, n - have);
          g_assert_cmpint (m, >, 0);
          have += m;
        }
      g_assert_cmpmem (want, n, got, n);
      done += n;
    }
  g_assert_cmpint (n, ==, 0);
  g_assert_cmpuint (done, ==, bytes);
  close (out);
  close (in);
  return g_get_monotonic_time () - start;
}

static int
compare_gint64 (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

/* The median, in thousandths: microseconds to ms, or ratios kept in thousandths. */
static double
median_thousandths (gint64 *us,
           guint   n)
{
  qsort (us, n, sizeof *us, compare_gint64);
  return (n % 2 ? us[n / 2] : (us[n / 2 - 1] + us[n / 2]) / 2) / 1000.0;
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
  const char *env_n = g_getenv ("SAYSO_BENCH_N");
  const char *env_rounds = g_getenv ("SAYSO_BENCH_ROUNDS");
  guint n = env_n ? (guint) atoi (env_n) : 10000;
  guint rounds = env_rounds ? (guint) CLAMP (atoi (env_rounds), 1, 50) : 5;
  g_autofree gint64 *export_us = g_new0 (gint64, rounds);
  g_autofree gint64 *copy_us = g_new0 (gint64, rounds);
  g_autofree gint64 *verified_us = g_new0 (gint64, rounds);
  g_autofree gint64 *write_us = g_new0 (gint64, rounds);
  g_autofree double *ratios = g_new0 (double, rounds);
  gint64 records = 0;
  guint64 bytes = 0;
  guint8 pk[32], sk[32];

  sayso_init ();
  survey = sayso_questionnaire_new_default ();
  if (g_mkdtemp (dir) == NULL)
    g_error ("cannot make %s", dir);
  store_path = g_build_filename (dir, "store.db", NULL);
  if (g_getenv ("SAYSO_BENCH_STICK"))
    {
      g_autofree char *template = g_build_filename (g_getenv ("SAYSO_BENCH_STICK"), "bench-export-XXXXXX", NULL);

      if (!(stick = g_mkdtemp (g_steal_pointer (&template))))
        g_error ("cannot make a folder in %s", g_getenv ("SAYSO_BENCH_STICK"));
    }
  else
    {
      stick = g_build_filename (dir, "stick", NULL);
      g_mkdir (stick, 0700);
    }

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

  for (guint round = 0; round < rounds; round++)
    {
      g_autofree char *source_path = g_build_filename (dir, "source.bin", NULL);
      g_autofree char *copy_path = g_build_filename (stick, "copy.bin", NULL);
      g_autofree char *verified_path = g_build_filename (stick, "verified.bin", NULL);
      g_autofree char *write_path = g_build_filename (stick, "write.bin", NULL);
      g_auto(SaysoExportResult) result = { 0 };
      gint64 start;

      sync ();
      start = g_get_monotonic_time ();
      if (!sayso_store_export (store, stick, round == 0 ? SAYSO_EXPORT_DEFAULT : SAYSO_EXPORT_AGAIN,
                               &result, &error))
        g_error ("%s", error->message);
      export_us[round] = g_get_monotonic_time () - start;
      records = result.records;
      bytes = result.bytes;
      g_assert_cmpint (records, ==, n);

      copy_with_fsync (result.path, source_path, result.bytes);
      sync ();
      verified_us[round] = verified_copy (source_path, verified_path, result.bytes);
      sync ();
      copy_us[round] = copy_with_fsync (source_path, copy_path, result.bytes);
      sync ();
      write_us[round] = write_with_fsync (write_path, result.bytes);
      ratios[round] = (double) export_us[round] / (double) verified_us[round];

      printf ("  round %u: export %6.1f ms (write %.0f, flush %.0f, read back and check %.0f, mark %.0f), "
              "verified copy %6.1f ms (%.2fx), copy %6.1f ms, write %6.1f ms\n", round + 1,
              export_us[round] / 1000.0, result.write_usec / 1000.0, result.flush_usec / 1000.0,
              result.check_usec / 1000.0, result.mark_usec / 1000.0,
              verified_us[round] / 1000.0, ratios[round], copy_us[round] / 1000.0, write_us[round] / 1000.0);

      g_unlink (result.path);
      g_unlink (source_path);
      g_unlink (copy_path);
      g_unlink (verified_path);
      g_unlink (write_path);
    }

  {
    gint64 ratio_per_mille[50];

    for (guint i = 0; i < rounds; i++)
      ratio_per_mille[i] = (gint64) (ratios[i] * 1000.0);
    printf ("export: %" G_GINT64_FORMAT " records, %" G_GUINT64_FORMAT " bytes to %s; medians of %u rounds:\n",
            records, bytes, stick, rounds);
    printf ("  sayso export (write, fsync, read back, verify, mark)  %8.1f ms\n", median_thousandths (export_us, rounds));
    printf ("  verified copy (read, write, fsync, drop cache, read back, compare)  %8.1f ms\n",
            median_thousandths (verified_us, rounds));
    printf ("  ratio to the verified copy %.2fx (median of the rounds' ratios; target: within 1.3x)\n",
            median_thousandths (ratio_per_mille, rounds));
    printf ("  for reference: a copy that checks nothing, as cp does  %8.1f ms\n", median_thousandths (copy_us, rounds));
    printf ("  for reference: as many bytes written from memory, with fsync  %8.1f ms\n", median_thousandths (write_us, rounds));
  }

  g_clear_object (&store);
  test_remove_tree (stick);
  test_remove_tree (dir);
  return 0;
}
