/* sayso-bundle-written.c: checking a bundle against the bytes that were
 * written, kept in memory by whoever wrote them.
 *
 * The export's read-back used to hash every record it read back from the
 * stick, which is as much work again as hashing them at all. With the bytes
 * kept, it splits in two: the writer checks each record's bytes against the
 * hash the store took when it saved them, as it writes them (the export does
 * it in its writing thread, app/kiosk/sayso-export.c), and the read-back is
 * then a comparison, byte for byte, with what was written, which costs
 * little beyond the reading itself. Together they prove what the old check
 * did: the file on the drive is the one signed, and every record in it
 * matches the hash the store took when it was saved.
 */
#define G_LOG_DOMAIN "sayso-bundle"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sayso-bundle-private.h"

/* Read straight from the drive (O_DIRECT) in large blocks, which the kernel
 * splits into requests that are in flight together: nothing goes through
 * the page cache, so what is compared cannot be a cached copy, and no
 * thread spends its time filling and copying out of the cache. A thread of
 * its own reads a few blocks ahead while this one compares, so that the
 * drive always has something to do. Where the file system cannot (tmpfs,
 * FUSE), read as before, after the caller has dropped the file from the
 * cache, with readahead. */
#define COMPARE_BLOCK (4 * 1024 * 1024)
#define COMPARE_DEPTH 3   /* blocks read ahead of the comparison */
#define COMPARE_AHEAD 2   /* blocks asked of the drive before they are needed, without O_DIRECT */
#define DIRECT_ALIGN 4096
#define HUGE_PAGE (2 * 1024 * 1024)

static gboolean direct_read = TRUE;

void
_sayso_bundle_set_direct_read (gboolean direct)
{
  direct_read = direct;
}

/**
 * sayso_bundle_block_new:
 * @size: how many bytes
 *
 * Memory for a bundle's bytes, freed with g_free(): aligned to 2 MiB, and
 * asked of the kernel in pages of that size where it gives them (a hint:
 * without them it is ordinary memory). Fresh memory costs a page fault and
 * the kernel's zeroing a page, which in 4 KiB pages was a fault every 4 KiB
 * of a bundle kept for its read-back; and the drive is given a direct read
 * into 4 KiB pages as a request per 1 MiB or so (a request holds 254
 * pieces of memory), into 2 MiB pages as one request per 4 MiB.
 *
 * Returns: (transfer full): the memory, not cleared
 */
gpointer
sayso_bundle_block_new (gsize size)
{
  gpointer block = NULL;

  g_return_val_if_fail (size > 0, NULL);

  if (posix_memalign (&block, HUGE_PAGE, size) != 0)
    g_error ("out of memory for %" G_GSIZE_FORMAT " bytes of a bundle", size);
  madvise (block, size, MADV_HUGEPAGE);
  return block;
}

/* What a difference at @offset means, in words. */
static gboolean
differs_at (SaysoBundleWriter  *writer,
            const char         *path,
            guint64             offset,
            guint              *bad_record,
            GError            **error)
{
  guint lo = 0, hi = writer->records->len;
  SaysoBundleEntry *entry;
  g_autofree char *id = NULL;

  if (offset < HEAD_SIZE)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE, path,
                              "its header read back different from what was written");
  if (offset >= writer->size - writer->trailer->len || hi == 0)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, path,
                              "its manifest read back different from what was written");

  /* The last record that starts at or before @offset. */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (((SaysoBundleEntry *) g_ptr_array_index (writer->records, mid))->offset <= offset)
        lo = mid;
      else
        hi = mid;
    }
  entry = g_ptr_array_index (writer->records, lo);
  id = sayso_hex (entry->id, 16);
  if (bad_record)
    *bad_record = lo;
  return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, path,
                            "record %u of %u (id %s) read back different from what was written",
                            lo + 1, writer->records->len, id);
}

/* Reads @want bytes at @offset (a multiple of DIRECT_ALIGN). With
 * O_DIRECT the request is rounded up to a whole block: the file's last one
 * comes back short. A file system that refuses O_DIRECT at the first read
 * is read through the page cache instead. */
static gboolean
read_block (int          fd,
            gboolean    *direct,
            guint64      offset,
            guint8      *buf,
            gsize        want,
            const char  *path,
            GError     **error)
{
  gsize done = 0;

  while (done < want)
    {
      gsize ask = want - done;
      gssize n;

      if (*direct)
        ask = (ask + DIRECT_ALIGN - 1) / DIRECT_ALIGN * DIRECT_ALIGN;
      n = pread (fd, buf + done, ask, (off_t) (offset + done));
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EINVAL && *direct && offset == 0 && done == 0)
        {
          *direct = FALSE;
          if (fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) & ~O_DIRECT) != 0)
            return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_IO, path, "cannot read it back: %s",
                                      g_strerror (errno));
          continue;
        }
      if (n <= 0)
        return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_IO, path, "cannot read it back: %s",
                                  n < 0 ? g_strerror (errno) : "unexpected end of file");
      done += MIN ((gsize) n, want - done);
    }
  return TRUE;
}

/* The read-back: a thread of its own reads the blocks in turn into a ring
 * of COMPARE_DEPTH, while the caller compares them. */
typedef struct
{
  int          fd;
  gboolean     direct;
  const char  *path;
  guint64      size;
  guint64      n_blocks;
  guint8      *ring;       /* COMPARE_DEPTH blocks of COMPARE_BLOCK bytes */

  GMutex       lock;
  GCond        cond;
  guint64      read;       /* blocks read into the ring */
  guint64      compared;   /* blocks compared, whose place in the ring is free */
  gboolean     stop;       /* the comparison has ended: read no more */
  GError      *error;      /* the reading's: it reads no more after it */
} ReadBack;

static guint8 *
ring_block (ReadBack *rb,
            guint64   b)
{
  return rb->ring + (b % COMPARE_DEPTH) * COMPARE_BLOCK;
}

static gsize
block_len (ReadBack *rb,
           guint64   b)
{
  return (gsize) MIN ((guint64) COMPARE_BLOCK, rb->size - b * COMPARE_BLOCK);
}

static gboolean
read_one (ReadBack  *rb,
          guint64    b,
          GError   **error)
{
  guint64 pos = b * COMPARE_BLOCK;
  guint64 ahead = pos + (guint64) COMPARE_BLOCK * COMPARE_AHEAD;

  if (!rb->direct && b == 0)
    posix_fadvise (rb->fd, 0, (off_t) MIN ((guint64) COMPARE_BLOCK * COMPARE_AHEAD, rb->size), POSIX_FADV_WILLNEED);
  if (!rb->direct && ahead < rb->size)
    posix_fadvise (rb->fd, (off_t) ahead, (off_t) MIN ((guint64) COMPARE_BLOCK, rb->size - ahead),
                   POSIX_FADV_WILLNEED);
  return read_block (rb->fd, &rb->direct, pos, ring_block (rb, b), block_len (rb, b), rb->path, error);
}

static gpointer
reading_thread (gpointer data)
{
  ReadBack *rb = data;

  for (guint64 b = 0; b < rb->n_blocks; b++)
    {
      GError *error = NULL;
      gboolean ok;

      g_mutex_lock (&rb->lock);
      while (b - rb->compared >= COMPARE_DEPTH && !rb->stop)
        g_cond_wait (&rb->cond, &rb->lock);
      if (rb->stop)
        {
          g_mutex_unlock (&rb->lock);
          break;
        }
      g_mutex_unlock (&rb->lock);

      ok = read_one (rb, b, &error);

      g_mutex_lock (&rb->lock);
      if (ok)
        rb->read = b + 1;
      else
        rb->error = error;
      g_cond_broadcast (&rb->cond);
      g_mutex_unlock (&rb->lock);
      if (!ok)
        break;
    }
  return NULL;
}

/* Waits for block @b to be read (or reads it, without a thread). */
static gboolean
wait_for_block (ReadBack  *rb,
                GThread   *thread,
                guint64    b,
                GError   **error)
{
  if (thread == NULL)
    return read_one (rb, b, error);

  g_mutex_lock (&rb->lock);
  while (rb->read <= b && rb->error == NULL)
    g_cond_wait (&rb->cond, &rb->lock);
  if (rb->read <= b)
    {
      g_propagate_error (error, g_steal_pointer (&rb->error));
      g_mutex_unlock (&rb->lock);
      return FALSE;
    }
  g_mutex_unlock (&rb->lock);
  return TRUE;
}

static void
block_compared (ReadBack *rb,
                guint64   b)
{
  g_mutex_lock (&rb->lock);
  rb->compared = b + 1;
  g_cond_broadcast (&rb->cond);
  g_mutex_unlock (&rb->lock);
}

/**
 * sayso_bundle_writer_compare:
 * @chunks: (element-type GBytes): every byte the writer's write
 *   function was given, in order
 * @bad_record: (out) (optional): the index of a record that read back
 *   different, or %G_MAXUINT if the fault was elsewhere
 *
 * Reads the finished bundle at @path back and compares it, byte for byte,
 * with what was written; then checks the signature, as a reader will. With
 * each record's bytes checked against its hash as they were written, it
 * checks what sayso_bundle_writer_check() does, with a comparison where
 * that hashes.
 * The caller drops the file from the page cache first, so that what is
 * compared comes from the drive.
 */
gboolean
sayso_bundle_writer_compare (SaysoBundleWriter  *writer,
                             const char         *path,
                             GPtrArray          *chunks,
                             guint              *bad_record,
                             GError            **error)
{
  g_autofree guint8 *ring = NULL;
  g_autofree guint8 *signed_part = NULL;
  GThread *thread = NULL;
  ReadBack rb = { 0 };
  gsize text_len, at = 0;
  struct stat st;
  guint64 kept = 0;
  guint c = 0;
  int fd;
  gboolean ok = TRUE, direct;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (writer->trailer != NULL, FALSE);
  g_return_val_if_fail (path != NULL && chunks != NULL, FALSE);

  if (bad_record)
    *bad_record = G_MAXUINT;

  direct = direct_read;
  fd = direct ? g_open (path, O_RDONLY | O_CLOEXEC | O_DIRECT, 0) : -1;
  if (fd < 0 && (!direct || errno == EINVAL))
    {
      direct = FALSE;
      fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
    }
  if (fd < 0)
    {
      int saved = errno;
      return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_IO, path, "cannot open it again to read it back: %s",
                                g_strerror (saved));
    }
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      close (fd);
      return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_IO, path, "%s", g_strerror (saved));
    }
  if ((guint64) st.st_size != writer->size)
    {
      close (fd);
      return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_TRUNCATED, path,
                                "read back %" G_GUINT64_FORMAT " bytes, but %" G_GUINT64_FORMAT " were written",
                                (guint64) st.st_size, writer->size);
    }
  for (guint i = 0; i < chunks->len; i++)
    kept += g_bytes_get_size (g_ptr_array_index (chunks, i));
  if (kept != writer->size)
    {
      close (fd);
      return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_IO, path,
                                "%" G_GUINT64_FORMAT " bytes were kept of the %" G_GUINT64_FORMAT " written",
                                kept, writer->size);
    }

  ring = sayso_bundle_block_new ((gsize) COMPARE_BLOCK * COMPARE_DEPTH);
  rb.fd = fd;
  rb.direct = direct;
  rb.path = path;
  rb.size = writer->size;
  rb.n_blocks = (writer->size + COMPARE_BLOCK - 1) / COMPARE_BLOCK;
  rb.ring = ring;
  g_mutex_init (&rb.lock);
  g_cond_init (&rb.cond);
  /* A plain thread (see the bundle check); without one, read in turn here. */
  if (rb.n_blocks > 1 && g_get_num_processors () > 1)
    thread = g_thread_try_new ("sayso-read-back", reading_thread, &rb, NULL);

  for (guint64 b = 0; ok && b < rb.n_blocks; b++)
    {
      const guint8 *buffer = ring_block (&rb, b);
      gsize n = block_len (&rb, b);
      guint64 pos = b * COMPARE_BLOCK;

      if (!wait_for_block (&rb, thread, b, error))
        {
          ok = FALSE;
          break;
        }

      /* The block against the kept chunks it spans. */
      for (gsize off = 0; ok && off < n; )
        {
          gsize chunk_len;
          const guint8 *chunk = g_bytes_get_data (g_ptr_array_index (chunks, c), &chunk_len);
          gsize take = MIN (n - off, chunk_len - at);

          if (memcmp (buffer + off, chunk + at, take) != 0)
            {
              gsize i = 0;

              while (buffer[off + i] == chunk[at + i])
                i++;
              ok = differs_at (writer, path, pos + off + i, bad_record, error);
            }
          off += take;
          at += take;
          if (at == chunk_len)
            {
              c++;
              at = 0;
            }
        }
      block_compared (&rb, b);
    }

  if (thread != NULL)
    {
      g_mutex_lock (&rb.lock);
      rb.stop = TRUE;
      g_cond_broadcast (&rb.cond);
      g_mutex_unlock (&rb.lock);
      g_thread_join (thread);
    }
  g_clear_error (&rb.error);
  g_mutex_clear (&rb.lock);
  g_cond_clear (&rb.cond);
  close (fd);
  if (!ok)
    return FALSE;

  /* The manifest read back is the one in memory now: its signature is
   * checked again as a reader will check it. */
  text_len = writer->trailer->len - TAIL_SIZE;
  signed_part = g_malloc (SAYSO_SIGN_PUBLIC_KEY_SIZE + text_len);
  memcpy (signed_part, writer->kiosk_pk, SAYSO_SIGN_PUBLIC_KEY_SIZE);
  memcpy (signed_part + SAYSO_SIGN_PUBLIC_KEY_SIZE, writer->trailer->data, text_len);
  if (crypto_sign_verify_detached (writer->trailer->data + text_len, signed_part,
                                   SAYSO_SIGN_PUBLIC_KEY_SIZE + text_len, writer->kiosk_pk) != 0)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_BAD_SIGNATURE, path, "its signature does not hold");
  return TRUE;
}
