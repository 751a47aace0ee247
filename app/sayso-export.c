/* sayso-export.c: exporting a store to a USB stick without ever losing a record.
 *
 * The order is what makes it safe: reserve a sequence number (committed), write
 * the bundle under a new unique name, fsync it, rename it to its final name
 * (never over an existing file: that is not crash-safe on FAT), fsync the
 * folder, read it back from the device and verify it, and only then mark its
 * records exported, in one transaction. Any failure before that leaves every
 * record awaiting export. A crash after the rename leaves a good bundle and
 * records still awaiting: they are exported again, and import counts each
 * record once by its id.
 */
#define G_LOG_DOMAIN "sayso-export"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sayso-export-private.h"
#include "sayso-store-private.h"

static SaysoExportFault fault = SAYSO_EXPORT_FAULT_NONE;
static guint64 fault_after;

/* The power-cut seam: what the drive would still hold. */
static guint power_cut_at;
static guint power_cut_ops;
static struct
{
  const char *tmp_path;
  const char *final_path;
  gboolean    data_synced;
  gboolean    renamed;
} power;

void
_sayso_export_set_power_cut (guint after_ops)
{
  power_cut_at = after_ops;
  power_cut_ops = 0;
}

static void
power_cut_point (void)
{
  if (power_cut_at == 0 || ++power_cut_ops < power_cut_at)
    return;

  if (!power.data_synced)
    g_unlink (power.tmp_path);               /* neither its data nor its name were durable */
  else if (power.renamed)
    g_rename (power.final_path, power.tmp_path);  /* the new name was not durable yet */
  _exit (0);
}

void
_sayso_export_set_fault (SaysoExportFault what,
                         guint64          after_bytes)
{
  fault = what;
  fault_after = after_bytes;
}

void
sayso_export_result_clear (SaysoExportResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->path, g_free);
  memset (result, 0, sizeof *result);
}

char *
sayso_bundle_file_name (const char   *site,
                        const guint8 *kiosk_pk,
                        const char   *day,
                        gint64        sequence)
{
  g_autoptr(GString) slug = g_string_new (NULL);
  g_autofree char *ascii = g_str_to_ascii (site, "C");
  g_autofree char *kiosk = sayso_hex (kiosk_pk, 4);

  /* Safe on FAT and in every shell: lower-case letters, digits and dashes. */
  for (const char *c = ascii; *c && slug->len < 40; c++)
    {
      if (g_ascii_isalnum (*c))
        g_string_append_c (slug, g_ascii_tolower (*c));
      else if (slug->len > 0 && slug->str[slug->len - 1] != '-')
        g_string_append_c (slug, '-');
    }
  while (slug->len > 0 && slug->str[slug->len - 1] == '-')
    g_string_truncate (slug, slug->len - 1);
  if (slug->len == 0)
    g_string_append (slug, "site");

  return g_strdup_printf ("sayso-%s-%s-%s-%04" G_GINT64_FORMAT ".sayso", slug->str, kiosk, day, sequence);
}

#define WRITE_CHUNK (1024 * 1024)

typedef struct
{
  int         fd;
  guint64     written;
  char       *path;
  GByteArray *pending;   /* written in large chunks: USB sticks like them */
} Target;

static gboolean
io_error (GError     **error,
          int          errnum,
          const char  *path,
          const char  *doing)
{
  if (errnum == ENOSPC || errnum == EDQUOT)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                 "%s: the drive is full", path);
  else if (errnum == EIO || errnum == ENODEV || errnum == ENXIO || errnum == ENOENT)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 "%s: the drive went away while %s (was the stick pulled out?): %s",
                 path, doing, g_strerror (errnum));
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errnum),
                 "%s: %s failed: %s", path, doing, g_strerror (errnum));
  return FALSE;
}

static gboolean
target_flush (Target  *target,
              GError **error)
{
  const guint8 *data = target->pending->data;
  gsize len = target->pending->len;
  gsize done = 0;

  while (done < len)
    {
      gsize want = len - done;
      gssize n;

      /* The seam: the drive fills up, or goes away, after fault_after bytes. */
      if (fault == SAYSO_EXPORT_FAULT_NO_SPACE || fault == SAYSO_EXPORT_FAULT_REMOVED)
        {
          if (target->written + done >= fault_after)
            return io_error (error, fault == SAYSO_EXPORT_FAULT_NO_SPACE ? ENOSPC : EIO, target->path, "writing");
          want = MIN (want, fault_after - (target->written + done));
        }

      power_cut_point ();
      n = write (target->fd, data + done, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return io_error (error, errno, target->path, "writing");
      done += n;
    }

  target->written += len;
  g_byte_array_set_size (target->pending, 0);
  return TRUE;
}

static gboolean
target_write (gconstpointer   data,
              gsize           len,
              gpointer        user_data,
              GError        **error)
{
  Target *target = user_data;

  g_byte_array_append (target->pending, data, len);
  if (target->pending->len >= WRITE_CHUNK)
    return target_flush (target, error);
  return TRUE;
}

typedef struct
{
  SaysoBundleWriter *writer;
  SaysoExportFlags   flags;
  GPtrArray         *ids;
  GError            *error;
} Collect;

static gboolean
add_record (const guint8 *id,
            const char   *questionnaire,
            gint64        version,
            SaysoDbState  state,
            GBytes       *sealed,
            gpointer      user_data)
{
  Collect *collect = user_data;

  if (state == SAYSO_DB_STATE_EXPORTED && !(collect->flags & SAYSO_EXPORT_AGAIN))
    return TRUE;

  if (!sayso_bundle_writer_add (collect->writer, id, questionnaire, version, sealed, &collect->error))
    return FALSE;

  g_ptr_array_add (collect->ids, g_bytes_new (id, SAYSO_DB_RECORD_ID_SIZE));
  return TRUE;
}

static gboolean
fsync_dir (const char  *dir,
           GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved;

  if (fd < 0)
    return io_error (error, errno, dir, "opening the folder");
  if (fsync (fd) != 0 && errno != EINVAL)
    {
      saved = errno;
      close (fd);
      return io_error (error, saved, dir, "flushing the folder");
    }
  close (fd);
  return TRUE;
}

static gboolean
check_written (const char    *path,
               const guint8  *kiosk_pk,
               GPtrArray     *ids,
               GError       **error)
{
  g_autoptr(SaysoBundle) bundle = sayso_bundle_open (path, kiosk_pk, error);

  if (bundle == NULL)
    return FALSE;

  if (bundle->entries->len != ids->len)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%s: read back %u records, wrote %u", path, bundle->entries->len, ids->len);
      return FALSE;
    }
  for (guint i = 0; i < ids->len; i++)
    if (memcmp (((SaysoBundleEntry *) g_ptr_array_index (bundle->entries, i))->id,
                g_bytes_get_data (g_ptr_array_index (ids, i), NULL), SAYSO_DB_RECORD_ID_SIZE) != 0)
      {
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: read back a different record %u", path, i + 1);
        return FALSE;
      }

  return TRUE;
}

static gboolean
count_to_export (SaysoStore        *store,
                 SaysoExportFlags   flags,
                 gint64            *n,
                 GError           **error)
{
  gint64 total = 0, awaiting = 0;

  if (!sayso_store_count (store, &total, &awaiting, error))
    return FALSE;
  *n = (flags & SAYSO_EXPORT_AGAIN) ? total : awaiting;
  return TRUE;
}

gboolean
sayso_store_export (SaysoStore         *store,
                    const char         *dir,
                    SaysoExportFlags    flags,
                    SaysoExportResult  *result,
                    GError            **error)
{
  SaysoDb *db;
  SaysoDbKiosk kiosk = { 0 };
  g_autofree char *day = NULL;
  g_autofree char *name = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *tmp_path = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) local_error = NULL;
  Target target = { -1, 0, NULL, NULL };
  Collect collect = { 0 };
  gboolean renamed = FALSE, read_all;
  gint64 n = 0, sequence = 0;

  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);
  db = _sayso_store_get_db (store);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such folder (is the stick in?)", dir);
      return FALSE;
    }

  if (!count_to_export (store, flags, &n, error))
    return FALSE;
  if (n == 0)
    return sayso_store_purge_exported (store, &result->purged, error);

  if (!sayso_db_get_kiosk (db, &kiosk, error) ||
      !sayso_db_reserve_export_seq (db, &sequence, error))
    {
      sayso_db_kiosk_clear (&kiosk);
      return FALSE;
    }

  day = sayso_today ();
  name = sayso_bundle_file_name (kiosk.site, kiosk.sign_pk, day, sequence);
  final_path = g_build_filename (dir, name, NULL);
  tmp_path = g_strdup_printf ("%s/.%s.part-XXXXXX", dir, name);

  /* A new, unique name: never open or write over an existing file. */
  target.fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0644);
  target.path = final_path;
  target.pending = g_byte_array_sized_new (WRITE_CHUNK + 16384);
  power.tmp_path = tmp_path;
  power.final_path = final_path;
  power.data_synced = FALSE;
  power.renamed = FALSE;
  if (target.fd < 0)
    {
      io_error (&local_error, errno, dir, "creating the bundle");
      goto failed;
    }

  ids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  collect.flags = flags;
  collect.ids = ids;
  collect.writer = sayso_bundle_writer_new (target_write, &target, kiosk.sign_pk, kiosk.sign_sk,
                                            kiosk.site, sequence, day, &local_error);
  if (collect.writer == NULL)
    goto failed;

  sayso_db_set_bulk_reads (db, TRUE);
  read_all = sayso_db_foreach_response (db, add_record, &collect, &local_error);
  sayso_db_set_bulk_reads (db, FALSE);
  if (!read_all)
    goto failed;
  if (collect.error != NULL)
    {
      g_propagate_error (&local_error, g_steal_pointer (&collect.error));
      goto failed;
    }
  if (!sayso_bundle_writer_finish (collect.writer, &local_error) ||
      !target_flush (&target, &local_error))
    goto failed;

  power_cut_point ();
  if (fault == SAYSO_EXPORT_FAULT_FSYNC || fsync (target.fd) != 0)
    {
      io_error (&local_error, fault == SAYSO_EXPORT_FAULT_FSYNC ? EIO : errno, final_path, "flushing the bundle");
      goto failed;
    }
  /* Drop our cached copy, so that the read-back below comes from the drive. */
  posix_fadvise (target.fd, 0, 0, POSIX_FADV_DONTNEED);
  close (target.fd);
  target.fd = -1;

  if (g_file_test (final_path, G_FILE_TEST_EXISTS))
    {
      g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   "%s: already exists; Sayso never writes over a bundle", final_path);
      goto failed;
    }
  power.data_synced = TRUE;
  power_cut_point ();
  if (fault == SAYSO_EXPORT_FAULT_RENAME || g_rename (tmp_path, final_path) != 0)
    {
      io_error (&local_error, fault == SAYSO_EXPORT_FAULT_RENAME ? EIO : errno, final_path, "naming the bundle");
      goto failed;
    }
  renamed = TRUE;
  power.renamed = TRUE;
  power_cut_point ();

  if (!fsync_dir (dir, &local_error))
    goto failed;
  power.renamed = FALSE;   /* the name is durable now */
  power_cut_point ();
  if (!check_written (final_path, kiosk.sign_pk, ids, &local_error))
    goto failed;

  if (!sayso_db_mark_exported (db, ids, day, &local_error))
    {
      g_prefix_error (&local_error, "%s was written and checked, but the store could not record it, so its "
                      "records stay awaiting export and will go in the next bundle too (import counts each once): ",
                      final_path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      sayso_bundle_writer_free (collect.writer);
      sayso_db_kiosk_clear (&kiosk);
      g_byte_array_unref (target.pending);
      return FALSE;
    }

  result->path = g_steal_pointer (&final_path);
  result->records = ids->len;
  result->sequence = sequence;
  result->bytes = target.written;

  sayso_bundle_writer_free (collect.writer);
  sayso_db_kiosk_clear (&kiosk);
  g_byte_array_unref (target.pending);

  /* Deleting old records is housekeeping: a failure here loses nothing. */
  if (!sayso_store_purge_exported (store, &result->purged, &local_error))
    g_warning ("Could not delete old exported records: %s", local_error->message);

  return TRUE;

failed:
  if (target.fd >= 0)
    close (target.fd);
  g_clear_pointer (&target.pending, g_byte_array_unref);
  g_unlink (renamed ? final_path : tmp_path);
  g_clear_error (&collect.error);
  sayso_bundle_writer_free (collect.writer);
  sayso_db_kiosk_clear (&kiosk);
  g_prefix_error (&local_error, "Export failed, every record is still awaiting export: ");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

gboolean
sayso_store_get_keep_days (SaysoStore  *store,
                           gint64      *days,
                           GError     **error)
{
  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);
  return sayso_db_get_int_setting (_sayso_store_get_db (store), "keep_days", days, error);
}

gboolean
sayso_store_set_keep_days (SaysoStore  *store,
                           gint64       days,
                           GError     **error)
{
  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);

  if (days < 1 || days > 365)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the keep period must be 1 to 365 days, not %" G_GINT64_FORMAT, days);
      return FALSE;
    }
  return sayso_db_set_int_setting (_sayso_store_get_db (store), "keep_days", days, error);
}

gboolean
sayso_store_purge_exported (SaysoStore  *store,
                            gint64      *n_deleted,
                            GError     **error)
{
  g_autofree char *today = sayso_today ();
  g_autoptr(GDate) cutoff = NULL;
  char last[16];
  gint64 keep = SAYSO_DEFAULT_KEEP_DAYS;

  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);

  if (!sayso_store_get_keep_days (store, &keep, error))
    return FALSE;

  int y = 0, m = 0, d = 0;

  cutoff = g_date_new ();
  if (sscanf (today, "%4d-%2d-%2d", &y, &m, &d) == 3 && g_date_valid_dmy (d, m, y))
    g_date_set_dmy (cutoff, d, m, y);
  if (!g_date_valid (cutoff))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot read today's date “%s”", today);
      return FALSE;
    }

  /* Exported on day D, kept through D + keep - 1, deleted from D + keep on. */
  g_date_subtract_days (cutoff, (guint) keep);
  g_snprintf (last, sizeof last, "%04d-%02d-%02d",
              g_date_get_year (cutoff), g_date_get_month (cutoff), g_date_get_day (cutoff));

  return sayso_db_purge_exported (_sayso_store_get_db (store), last, n_deleted, error);
}
