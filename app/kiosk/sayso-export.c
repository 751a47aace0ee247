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
#include <sys/mman.h>
#include <unistd.h>

#include <sodium.h>

#include "sayso-export-private.h"
#include "sayso-part-file.h"
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

/* The read-back seam: what a failing or fake-capacity stick does. */
static void
flip_byte (const char *path,
           guint64     offset)
{
  int fd = g_open (path, O_RDWR | O_CLOEXEC, 0);
  guint8 byte = 0;
  gssize n;

  g_assert (fd >= 0);
  n = pread (fd, &byte, 1, (off_t) offset);
  g_assert (n == 1);
  byte ^= 0x01;
  n = pwrite (fd, &byte, 1, (off_t) offset);
  g_assert (n == 1);
  close (fd);
}

void
sayso_export_result_clear (SaysoExportResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->path, g_free);
  memset (result, 0, sizeof *result);
}

void
sayso_export_result_free (SaysoExportResult *result)
{
  if (result == NULL)
    return;
  sayso_export_result_clear (result);
  g_free (result);
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

/* Chunks of exactly this size, so that every write starts at a multiple
 * of it in the file: the page cache then holds the bundle in large pieces
 * (a write at an odd place, as the 1 MiB and a record chunks were, took it
 * in 4 KiB pages, twice the time to write and more to flush), and a chunk
 * is one 2 MiB page of memory (sayso_bundle_block_new). */
#define WRITE_CHUNK (2 * 1024 * 1024)
#define CHUNKS_WAITING 2

/* Where the file system allows, the chunks go straight to the drive
 * (O_DIRECT) from the memory kept for the read-back: no second copy of the
 * bundle in the page cache, which cost the writing thread as much as the
 * copying, and the fsync has only the drive's own cache to empty. What a
 * drive cannot take so (the last bytes, not a whole 4 KiB) goes through the
 * page cache. On FAT, whose O_DIRECT leaves a growing file's writes to the
 * page cache, it is all as before. */
#define DIRECT_ALIGN 4096

/* Up to this many bytes (some 20,000 records of the built-in survey, far
 * more than a kiosk keeps) the written chunks are kept, so that the
 * read-back is a comparison rather than a second hash of every record. A
 * larger export is checked by hashing what is read back, as before. */
#define KEEP_LIMIT (256 * 1024 * 1024)
static guint64 keep_limit = KEEP_LIMIT;

void
_sayso_export_set_keep_limit (guint64 bytes)
{
  keep_limit = bytes == G_MAXUINT64 ? KEEP_LIMIT : bytes;
}

/* A record's bytes in a chunk (all of them, or the part on this side of
 * a chunk's end), with the hash the store took when it was saved. */
typedef struct
{
  gsize    at;
  gsize    len;
  guint    index;   /* among the bundle's records */
  gboolean first;   /* the record starts here */
  gboolean last;    /* and ends here */
  guint8   hash[SAYSO_BUNDLE_HASH_SIZE];
} Span;

/* A chunk of the bundle's bytes, and the records in it. */
typedef struct
{
  guint8 *data;    /* WRITE_CHUNK bytes */
  gsize   len;
  GArray *spans;   /* of Span */
} Chunk;

/* Where the bundle's bytes go: gathered into large chunks (USB sticks like
 * them), which a thread of their own writes while the store is read for the
 * next. Reading the store takes longer than writing the stick, so together
 * they take little more than the reading; the writing thread, otherwise
 * waiting, also checks each record it writes against its stored hash. */
typedef struct
{
  int         fd;
  gboolean    direct;    /* fd is O_DIRECT */
  char       *path;
  Chunk      *pending;   /* being filled */
  gboolean    next_is_record;   /* the next bytes given are a record with next_span's hash */
  Span        next_span;

  GThread    *thread;
  GMutex      lock;
  GCond       cond;
  GQueue      full;      /* of Chunk, to write in order */
  GQueue      spare;     /* of Chunk, written and emptied */
  gboolean    closing;
  guint64     written;   /* by the writing thread; read after it has ended */
  GError     *error;     /* its first error: nothing is written after it */
  GPtrArray  *kept;      /* of GBytes: every chunk written, in order, or NULL past keep_limit */
  guint64     kept_bytes;
  guint       bad_record;   /* the first record that did not match its hash, or G_MAXUINT */
  crypto_generichash_state record_hash;   /* of the record a chunk's end cut in two */
  int         fsync_errno;
} Target;

static Chunk *
chunk_new (void)
{
  Chunk *chunk = g_new0 (Chunk, 1);

  chunk->data = sayso_bundle_block_new (WRITE_CHUNK);
  chunk->spans = g_array_new (FALSE, FALSE, sizeof (Span));
  return chunk;
}

static void
chunk_free (Chunk *chunk)
{
  if (chunk == NULL)
    return;
  g_free (chunk->data);
  g_array_unref (chunk->spans);
  g_free (chunk);
}

/* Each record in a chunk against the hash the store took when it saved it:
 * a record whose stored copy has changed since (a bad sector) is found
 * here, in the bytes that go to the stick, and the read-back then proves
 * that the stick holds those bytes. Only while the bytes are kept for it:
 * without them the read-back hashes every record it reads. */
static void
check_spans (Target *target,
             Chunk  *chunk)
{
  for (guint i = 0; i < chunk->spans->len; i++)
    {
      const Span *span = &g_array_index (chunk->spans, Span, i);
      guint8 hash[SAYSO_BUNDLE_HASH_SIZE];

      if (span->index >= target->bad_record)
        break;
      if (span->first && span->last)
        sayso_bundle_record_hash (chunk->data + span->at, span->len, hash);
      else
        {
          /* Chunks come here in order: the rest of it is in the next one. */
          if (span->first)
            crypto_generichash_init (&target->record_hash, NULL, 0, SAYSO_BUNDLE_HASH_SIZE);
          crypto_generichash_update (&target->record_hash, chunk->data + span->at, span->len);
          if (!span->last)
            continue;
          crypto_generichash_final (&target->record_hash, hash, sizeof hash);
        }
      if (sodium_memcmp (hash, span->hash, sizeof hash) != 0)
        target->bad_record = span->index;
    }
}

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

/* Leaves O_DIRECT: for a piece of a size or at a place the drive cannot
 * take straight (the bundle's last bytes, a short write's rest). */
static void
stop_direct (Target *target)
{
  target->direct = FALSE;
  fcntl (target->fd, F_SETFL, fcntl (target->fd, F_GETFL) & ~O_DIRECT);
}

static gboolean
write_chunk (Target  *target,
             Chunk   *chunk,
             GError **error)
{
  gsize done = 0;

  while (done < chunk->len)
    {
      gsize want = chunk->len - done;
      gssize n;

      /* The seam: the drive fills up, or goes away, after fault_after bytes. */
      if (fault == SAYSO_EXPORT_FAULT_NO_SPACE || fault == SAYSO_EXPORT_FAULT_REMOVED)
        {
          if (target->written + done >= fault_after)
            return io_error (error, fault == SAYSO_EXPORT_FAULT_NO_SPACE ? ENOSPC : EIO, target->path, "writing");
          want = MIN (want, fault_after - (target->written + done));
        }
      if (target->direct && want % DIRECT_ALIGN != 0)
        {
          if (want > DIRECT_ALIGN)
            want -= want % DIRECT_ALIGN;
          else
            stop_direct (target);
        }

      power_cut_point ();
      n = write (target->fd, chunk->data + done, want);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EINVAL && target->direct)
        {
          stop_direct (target);
          continue;
        }
      if (n < 0)
        return io_error (error, errno, target->path, "writing");
      done += n;
    }

  /* Start the drive on this chunk now, while the store is read for the
   * next, so that the fsync at the end has little left to wait for. (Only
   * a start: the fsync is still what makes the bundle durable; and
   * nothing to do for what went straight to the drive.) */
  sync_file_range (target->fd, (off64_t) target->written, (off64_t) chunk->len, SYNC_FILE_RANGE_WRITE);
  target->written += chunk->len;
  return TRUE;
}

/* Keeps a written chunk's bytes for the read-back, while they fit, and
 * checks its records: TRUE if they were taken. Called by whichever thread
 * writes, one at a time. */
static gboolean
keep_chunk (Target *target,
            Chunk  *chunk)
{
  if (target->kept == NULL)
    return FALSE;
  if (target->kept_bytes + chunk->len > keep_limit)
    {
      g_clear_pointer (&target->kept, g_ptr_array_unref);
      return FALSE;
    }
  check_spans (target, chunk);
  target->kept_bytes += chunk->len;
  g_ptr_array_add (target->kept, g_bytes_new_with_free_func (chunk->data, chunk->len, g_free, chunk->data));
  /* Its pages are faulted in here, in the writing thread, which waits on
   * the drive, rather than in the thread that reads the store when it
   * first fills the chunk: the kernel's zeroing of fresh memory cost that
   * thread a third of its time. (A hint: without it, they come as filled.) */
  chunk->data = sayso_bundle_block_new (WRITE_CHUNK);
  madvise (chunk->data, WRITE_CHUNK, MADV_POPULATE_WRITE);
  return TRUE;
}

/* A written chunk, emptied for the next. */
static void
chunk_reset (Chunk *chunk)
{
  chunk->len = 0;
  g_array_set_size (chunk->spans, 0);
}

static gpointer
writing_thread (gpointer data)
{
  Target *target = data;

  g_mutex_lock (&target->lock);
  for (;;)
    {
      Chunk *chunk;
      GError *error = NULL;

      while (g_queue_is_empty (&target->full) && !target->closing)
        g_cond_wait (&target->cond, &target->lock);
      if ((chunk = g_queue_pop_head (&target->full)) == NULL)
        break;   /* closing, and all written */
      g_mutex_unlock (&target->lock);

      if (target->error == NULL)
        write_chunk (target, chunk, &error);
      if (error == NULL)
        keep_chunk (target, chunk);
      chunk_reset (chunk);

      g_mutex_lock (&target->lock);
      if (error != NULL)
        target->error = error;
      g_queue_push_tail (&target->spare, chunk);
      g_cond_broadcast (&target->cond);
    }
  g_mutex_unlock (&target->lock);
  return NULL;
}

static void
target_init (Target     *target,
             int         fd,
             const char *path)
{
  memset (target, 0, sizeof *target);
  target->fd = fd;
  target->direct = fd >= 0 && fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_DIRECT) == 0;
  target->path = g_strdup (path);
  target->pending = chunk_new ();
  target->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  target->bad_record = G_MAXUINT;
  g_mutex_init (&target->lock);
  g_cond_init (&target->cond);
  g_queue_init (&target->full);
  g_queue_init (&target->spare);
  /* A plain thread (see the bundle check); without one, chunks are written in this one. */
  if (fd >= 0 && g_get_num_processors () > 1)
    target->thread = g_thread_try_new ("sayso-write", writing_thread, target, NULL);
}

/* Hands the pending chunk to the writing thread, or writes it here. */
static gboolean
target_hand_off (Target  *target,
                 GError **error)
{
  gboolean ok = TRUE;

  if (target->pending->len == 0)
    return TRUE;

  if (target->thread == NULL)
    {
      ok = write_chunk (target, target->pending, error);
      if (ok)
        keep_chunk (target, target->pending);
      chunk_reset (target->pending);
      return ok;
    }

  g_mutex_lock (&target->lock);
  while (g_queue_get_length (&target->full) >= CHUNKS_WAITING && target->error == NULL)
    g_cond_wait (&target->cond, &target->lock);
  if (target->error != NULL)
    {
      g_propagate_error (error, g_error_copy (target->error));
      ok = FALSE;
    }
  else
    {
      g_queue_push_tail (&target->full, target->pending);
      target->pending = g_queue_pop_head (&target->spare);
      g_cond_broadcast (&target->cond);
    }
  g_mutex_unlock (&target->lock);

  if (target->pending == NULL)
    target->pending = chunk_new ();
  return ok;
}

static gboolean
target_write (gconstpointer   data,
              gsize           len,
              gpointer        user_data,
              GError        **error)
{
  Target *target = user_data;
  const guint8 *bytes = data;
  gboolean record = target->next_is_record;

  /* A record is given in one piece; where a chunk ends inside it, its
   * hash is taken over both (check_spans). */
  target->next_is_record = FALSE;
  for (gsize done = 0; done < len; )
    {
      Chunk *pending = target->pending;
      gsize take = MIN (len - done, WRITE_CHUNK - pending->len);

      if (record)
        {
          Span span = target->next_span;

          span.at = pending->len;
          span.len = take;
          span.first = done == 0;
          span.last = done + take == len;
          g_array_append_val (pending->spans, span);
        }
      memcpy (pending->data + pending->len, bytes + done, take);
      pending->len += take;
      done += take;
      if (pending->len == WRITE_CHUNK && !target_hand_off (target, error))
        return FALSE;
    }
  return TRUE;
}

/* Waits until every chunk is written (or dropped after an error), and ends
 * the writing thread. */
static void
target_stop (Target *target)
{
  if (target->thread == NULL)
    return;
  g_mutex_lock (&target->lock);
  target->closing = TRUE;
  g_cond_broadcast (&target->cond);
  g_mutex_unlock (&target->lock);
  g_thread_join (g_steal_pointer (&target->thread));
}

/* Writes what is left; FALSE with the first write error, if there was one. */
static gboolean
target_finish (Target  *target,
               GError **error)
{
  if (!target_hand_off (target, error))
    {
      target_stop (target);
      return FALSE;
    }
  target_stop (target);
  if (target->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&target->error));
      return FALSE;
    }
  return TRUE;
}

static void
target_clear (Target *target)
{
  target_stop (target);
  if (target->fd >= 0)
    close (target->fd);
  target->fd = -1;
  g_clear_pointer (&target->pending, chunk_free);
  g_queue_clear_full (&target->full, (GDestroyNotify) chunk_free);
  g_queue_clear_full (&target->spare, (GDestroyNotify) chunk_free);
  g_clear_error (&target->error);
  g_clear_pointer (&target->kept, g_ptr_array_unref);
  g_clear_pointer (&target->path, g_free);
  g_mutex_clear (&target->lock);
  g_cond_clear (&target->cond);
}

typedef struct
{
  SaysoBundleWriter *writer;
  Target            *target;
  SaysoExportFlags   flags;
  GPtrArray         *ids;
  GPtrArray         *damaged;  /* of GBytes: ids of rows found unfit to write */
  GError            *error;
} Collect;

static gboolean
add_record (const SaysoDbRecord *record,
            gpointer             user_data)
{
  Collect *collect = user_data;

  if (record->damaged)
    return TRUE;   /* set aside for good */
  if (record->state == SAYSO_DB_STATE_EXPORTED && !(collect->flags & SAYSO_EXPORT_AGAIN))
    return TRUE;

  /* Only a damaged row holds a questionnaire id that is not UTF-8, and it
   * would make the manifest unreadable to every analyst. */
  if (!g_utf8_validate (record->questionnaire, -1, NULL))
    {
      g_ptr_array_add (collect->damaged, g_bytes_new (record->id, SAYSO_DB_RECORD_ID_SIZE));
      return TRUE;
    }

  /* Without a stored hash the writer hashes the store's bytes: they go in as they are. */
  if (record->hash != NULL)
    {
      collect->target->next_is_record = TRUE;
      collect->target->next_span.index = collect->ids->len;
      memcpy (collect->target->next_span.hash, record->hash, SAYSO_BUNDLE_HASH_SIZE);
    }
  if (!sayso_bundle_writer_add (collect->writer, record->id, record->questionnaire, record->version,
                                record->sealed, record->sealed_size, record->hash, &collect->error))
    {
      if (collect->error == NULL)
        g_set_error (&collect->error, G_IO_ERROR, G_IO_ERROR_FAILED, "a stored record could not be added to the bundle");
      return FALSE;
    }

  g_ptr_array_add (collect->ids, g_bytes_new (record->id, SAYSO_DB_RECORD_ID_SIZE));
  return TRUE;
}

/* Sets a record aside for good, and says so in the journal (its random id
 * only: nothing of what it holds). */
static gboolean
set_aside (SaysoDb      *db,
           const guint8 *id,
           const char   *why,
           GError      **error)
{
  g_autofree char *hex = sayso_hex (id, SAYSO_DB_RECORD_ID_SIZE);

  g_warning ("Record %s in the store is damaged (%s): it is kept, but never exported, so that it does not "
             "stop the analysts importing the others", hex, why);
  return sayso_db_mark_damaged (db, id, error);
}

static gboolean
matches_stored_hash (const SaysoDbRecord *record,
                     gpointer             user_data)
{
  gboolean *intact = user_data;
  guint8 hash[SAYSO_BUNDLE_HASH_SIZE];

  /* Without a stored hash the writer hashed the store's bytes: they went in as they are. */
  if (record->hash == NULL)
    return TRUE;
  sayso_bundle_record_hash (record->sealed, record->sealed_size, hash);
  *intact = sodium_memcmp (hash, record->hash, sizeof hash) == 0;
  return TRUE;
}

/* A record that read back different from its listed hash: was it the drive
 * that changed it, or had the store's own copy changed since it was saved? */
static gboolean
stored_record_damaged (SaysoDb      *db,
                       const guint8 *id)
{
  g_autoptr(GError) error = NULL;
  gboolean intact = TRUE;

  if (!sayso_db_get_response (db, id, matches_stored_hash, &intact, &error))
    return FALSE;   /* cannot tell: the export's own message stands */
  return !intact;
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

/* The fsync, after each record in the bytes written was checked against its
 * stored hash as it was written (the read-back then only has to compare).
 * FALSE with target->fsync_errno set if the fsync failed, else with the
 * record that did not match in @bad_record. */
static gboolean
flush_written (Target     *target,
               GPtrArray  *ids,
               guint      *bad_record,
               GError    **error)
{
  if (target->bad_record != G_MAXUINT)
    {
      g_autofree char *id = sayso_hex (g_bytes_get_data (g_ptr_array_index (ids, target->bad_record), NULL),
                                       SAYSO_DB_RECORD_ID_SIZE);

      *bad_record = target->bad_record;
      g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_RECORD_ALTERED,
                   "record %u of %u (id %s) does not match the hash it was saved with",
                   target->bad_record + 1, ids->len, id);
      return FALSE;
    }

  target->fsync_errno = fsync (target->fd) == 0 ? 0 : errno;
  if (target->fsync_errno != 0)
    {
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (target->fsync_errno), "fsync failed");
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
  gint64 total = 0, awaiting = 0, damaged = 0;

  if (!sayso_db_count_responses (_sayso_store_get_db (store), &total, &awaiting, &damaged, error))
    return FALSE;
  *n = (flags & SAYSO_EXPORT_AGAIN) ? total - damaged : awaiting;
  return TRUE;
}

/* One attempt. *damaged is set (and FALSE returned) when the read-back found
 * a record whose copy in the store no longer matches the hash taken when it
 * was saved: the caller sets it aside and tries again. Rows that cannot even
 * be written (result->damaged counts them) are set aside here. */
static gboolean
export_once (SaysoStore         *store,
             const char         *dir,
             SaysoExportFlags    flags,
             SaysoExportResult  *result,
             guint8             *damaged_id,
             gboolean           *damaged,
             GError            **error)
{
  SaysoDb *db = _sayso_store_get_db (store);
  SaysoDbKiosk kiosk = { 0 };
  g_autofree char *day = NULL;
  g_autofree char *name = NULL;
  g_autofree char *final_path = NULL;
  g_autofree char *tmp_path = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) local_error = NULL;
  Target target;
  int fd, saved_errno;
  Collect collect = { 0 };
  gboolean renamed = FALSE, read_all;
  guint bad_record = G_MAXUINT;
  gint64 sequence = 0;
  gint64 started, written, flushed, checked;

  *damaged = FALSE;
  if (!sayso_db_get_kiosk (db, &kiosk, error) ||
      !sayso_db_reserve_export_seq (db, &sequence, error))
    {
      sayso_db_kiosk_clear (&kiosk);
      return FALSE;
    }

  day = sayso_today ();
  name = sayso_bundle_file_name (kiosk.site, kiosk.sign_pk, day, sequence);
  final_path = g_build_filename (dir, name, NULL);
  /* A new, unique name: never open or write over an existing file. */
  fd = sayso_part_file_make (dir, name, 0644, &tmp_path);
  saved_errno = errno;
  target_init (&target, fd, final_path);
  power.tmp_path = tmp_path;
  power.final_path = final_path;
  power.data_synced = FALSE;
  power.renamed = FALSE;
  if (fd < 0)
    {
      io_error (&local_error, saved_errno, dir, "creating the bundle");
      goto failed;
    }

  started = g_get_monotonic_time ();
  ids = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  collect.target = &target;
  collect.flags = flags;
  collect.ids = ids;
  collect.damaged = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  collect.writer = sayso_bundle_writer_new (target_write, &target, kiosk.sign_pk, kiosk.sign_sk,
                                            kiosk.site, sequence, day, &local_error);
  if (collect.writer == NULL)
    goto failed;

  read_all = sayso_db_foreach_response (db, add_record, &collect, &local_error);
  if (!read_all)
    goto failed;
  for (guint i = 0; i < collect.damaged->len; i++)
    {
      if (!set_aside (db, g_bytes_get_data (g_ptr_array_index (collect.damaged, i), NULL),
                      "its questionnaire name is not text", &local_error))
        goto failed;
      result->damaged++;
    }
  if (ids->len == 0 && collect.error == NULL)
    {
      /* Every record there was to export was set aside just now. */
      target_clear (&target);
      g_unlink (tmp_path);
      sayso_bundle_writer_free (collect.writer);
      g_clear_pointer (&collect.damaged, g_ptr_array_unref);
      sayso_db_kiosk_clear (&kiosk);
      return TRUE;
    }
  if (collect.error != NULL)
    {
      g_propagate_error (&local_error, g_steal_pointer (&collect.error));
      goto failed;
    }
  if (!sayso_bundle_writer_finish (collect.writer, &local_error) ||
      !target_finish (&target, &local_error))
    goto failed;
  written = g_get_monotonic_time ();

  power_cut_point ();
  if (fault == SAYSO_EXPORT_FAULT_FSYNC)
    {
      io_error (&local_error, EIO, final_path, "flushing the bundle");
      goto failed;
    }
  if (!flush_written (&target, ids, &bad_record, &local_error))
    {
      if (target.fsync_errno == 0 && bad_record != G_MAXUINT &&
          stored_record_damaged (db, g_bytes_get_data (g_ptr_array_index (ids, bad_record), NULL)))
        {
          memcpy (damaged_id, g_bytes_get_data (g_ptr_array_index (ids, bad_record), NULL), SAYSO_DB_RECORD_ID_SIZE);
          *damaged = TRUE;
        }
      if (target.fsync_errno != 0)
        {
          g_clear_error (&local_error);
          io_error (&local_error, target.fsync_errno, final_path, "flushing the bundle");
        }
      else
        g_prefix_error (&local_error, "%s: checking the records written: ", final_path);
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
  flushed = g_get_monotonic_time ();

  if (fault == SAYSO_EXPORT_FAULT_READ_BACK)
    flip_byte (final_path, MIN (fault_after, target.written - 1));
  if (target.kept != NULL
      ? !sayso_bundle_writer_compare (collect.writer, final_path, target.kept, &bad_record, &local_error)
      : !sayso_bundle_writer_check (collect.writer, final_path, &bad_record, &local_error))
    {
      if (bad_record != G_MAXUINT &&
          stored_record_damaged (db, g_bytes_get_data (g_ptr_array_index (ids, bad_record), NULL)))
        {
          memcpy (damaged_id, g_bytes_get_data (g_ptr_array_index (ids, bad_record), NULL), SAYSO_DB_RECORD_ID_SIZE);
          *damaged = TRUE;
        }
      g_prefix_error (&local_error, "reading the bundle back: ");
      goto failed;
    }
  checked = g_get_monotonic_time ();

  if (!sayso_db_mark_exported (db, ids, day, &local_error))
    {
      g_prefix_error (&local_error, "%s was written and checked, but the store could not record it, so its "
                      "records stay awaiting export and will go in the next bundle too (import counts each once): ",
                      final_path);
      g_propagate_error (error, g_steal_pointer (&local_error));
      sayso_bundle_writer_free (collect.writer);
      g_clear_pointer (&collect.damaged, g_ptr_array_unref);
      sayso_db_kiosk_clear (&kiosk);
      target_clear (&target);
      return FALSE;
    }

  result->write_usec = written - started;
  result->flush_usec = flushed - written;
  result->check_usec = checked - flushed;
  result->mark_usec = g_get_monotonic_time () - checked;
  result->path = g_steal_pointer (&final_path);
  result->records = ids->len;
  result->sequence = sequence;
  result->bytes = target.written;

  sayso_bundle_writer_free (collect.writer);
  g_clear_pointer (&collect.damaged, g_ptr_array_unref);
  sayso_db_kiosk_clear (&kiosk);
  target_clear (&target);
  return TRUE;

failed:
  target_clear (&target);
  if (renamed || tmp_path != NULL)
    g_unlink (renamed ? final_path : tmp_path);
  g_clear_error (&collect.error);
  sayso_bundle_writer_free (collect.writer);
  g_clear_pointer (&collect.damaged, g_ptr_array_unref);
  sayso_db_kiosk_clear (&kiosk);
  g_prefix_error (&local_error, "Export failed, every record is still awaiting export: ");
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

/* How many damaged records one export may set aside before it gives up: a
 * disk that damages more than that needs a person, not retries. */
#define MAX_SET_ASIDE 8

gboolean
sayso_store_export (SaysoStore         *store,
                    const char         *dir,
                    SaysoExportFlags    flags,
                    SaysoExportResult  *result,
                    GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  guint8 damaged_id[SAYSO_DB_RECORD_ID_SIZE];
  gboolean damaged = FALSE;
  gint64 n = 0;

  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  memset (result, 0, sizeof *result);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: no such folder (is the stick in?)", dir);
      return FALSE;
    }

  for (;;)
    {
      if (!count_to_export (store, flags, &n, error))
        return FALSE;
      if (n == 0)
        return sayso_store_purge_exported (store, &result->purged, error);

      g_clear_error (&local_error);
      if (export_once (store, dir, flags, result, damaged_id, &damaged, &local_error))
        break;
      if (!damaged || result->damaged >= MAX_SET_ASIDE)
        {
          /* "Every record is still awaiting" must not hide the ones set aside. */
          if (result->damaged > 0)
            g_prefix_error (&local_error, "%" G_GINT64_FORMAT " damaged record%s set aside for good (see “sayso status”). ",
                            result->damaged, result->damaged == 1 ? " was" : "s were");
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      /* The read-back found a record whose stored copy changed since it was
       * saved. Exported, it could not be opened, and the analysts' import
       * refuses a bundle with such a record in it: it is set aside, and
       * the export goes again without it. */
      if (!set_aside (_sayso_store_get_db (store), damaged_id,
                      "its stored copy no longer matches the hash taken when it was saved", error))
        return FALSE;
      result->damaged++;
    }

  /* Deleting old records is housekeeping: a failure here loses nothing. */
  if (!sayso_store_purge_exported (store, &result->purged, &local_error))
    g_warning ("Could not delete old exported records: %s", local_error->message);

  return TRUE;
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
