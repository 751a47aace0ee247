/* sayso-bundle-written.c: checking a bundle against the bytes that were
 * written, kept in memory by whoever wrote them.
 *
 * The export's read-back used to hash every record it read back from the
 * stick, which is as much work again as hashing them at all. With the bytes
 * kept, it splits in two: each record's hash is checked against the
 * manifest in memory, while the drive is still busy with the fsync, and the
 * read-back is then a comparison, byte for byte, with what was written,
 * which costs little beyond the reading itself. Together they prove what
 * the old check did: the file on the drive is the one signed, and every
 * record in it matches the hash the store took when it was saved.
 */
#define G_LOG_DOMAIN "sayso-bundle"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sayso-bundle-private.h"

#define COMPARE_BLOCK (1024 * 1024)
#define COMPARE_AHEAD 4   /* blocks asked of the drive before they are needed */

/* Where each kept chunk starts in the file, to find a record's bytes. */
typedef struct
{
  GPtrArray *chunks;   /* of GByteArray */
  guint64   *starts;
} Kept;

static guint
chunk_at (const Kept *kept,
          guint64     offset)
{
  guint lo = 0, hi = kept->chunks->len;

  /* The last chunk that starts at or before @offset. */
  while (hi - lo > 1)
    {
      guint mid = lo + (hi - lo) / 2;

      if (kept->starts[mid] <= offset)
        lo = mid;
      else
        hi = mid;
    }
  return lo;
}

static void
hash_kept (const Kept             *kept,
           const SaysoBundleEntry *entry,
           guint8                  hash[SAYSO_BUNDLE_HASH_SIZE])
{
  crypto_generichash_state state;
  guint64 pos = entry->offset, left = entry->size;
  guint c = chunk_at (kept, pos);

  crypto_generichash_init (&state, NULL, 0, SAYSO_BUNDLE_HASH_SIZE);
  while (left > 0)
    {
      GByteArray *chunk = g_ptr_array_index (kept->chunks, c);
      guint64 at = pos - kept->starts[c];
      gsize take = (gsize) MIN (left, (guint64) chunk->len - at);

      crypto_generichash_update (&state, chunk->data + at, take);
      pos += take;
      left -= take;
      c++;
    }
  crypto_generichash_final (&state, hash, SAYSO_BUNDLE_HASH_SIZE);
}

typedef struct
{
  SaysoBundleWriter *writer;
  const Kept        *kept;
  guint              first;
  guint              last;
  guint              bad_record;   /* the first that did not match, or G_MAXUINT */
} HashRun;

static gpointer
hash_run (gpointer data)
{
  HashRun *run = data;

  for (guint i = run->first; i < run->last; i++)
    {
      SaysoBundleEntry *entry = g_ptr_array_index (run->writer->records, i);
      guint8 hash[SAYSO_BUNDLE_HASH_SIZE];

      hash_kept (run->kept, entry, hash);
      if (sodium_memcmp (hash, entry->hash, sizeof hash) != 0)
        {
          run->bad_record = i;
          break;
        }
    }
  return NULL;
}

static gboolean
kept_init (Kept               *kept,
           SaysoBundleWriter  *writer,
           GPtrArray          *chunks,
           GError            **error)
{
  guint64 total = 0;

  kept->chunks = chunks;
  kept->starts = g_new (guint64, MAX (chunks->len, 1));
  for (guint c = 0; c < chunks->len; c++)
    {
      kept->starts[c] = total;
      total += ((GByteArray *) g_ptr_array_index (chunks, c))->len;
    }
  if (total != writer->size)
    {
      g_clear_pointer (&kept->starts, g_free);
      g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_IO,
                   "%" G_GUINT64_FORMAT " bytes were kept of the %" G_GUINT64_FORMAT " written",
                   total, writer->size);
      return FALSE;
    }
  return TRUE;
}

/**
 * sayso_bundle_writer_check_written:
 * @chunks: (element-type GByteArray): every byte the writer's write
 *   function was given, in order
 * @bad_record: (out) (optional): the index of the first record that does
 *   not match, or %G_MAXUINT
 *
 * Checks each record in the bytes written against the hash the manifest
 * lists for it: a record whose stored copy changed since the store hashed
 * it is found here. The records are split between the processors.
 */
gboolean
sayso_bundle_writer_check_written (SaysoBundleWriter  *writer,
                                   GPtrArray          *chunks,
                                   guint              *bad_record,
                                   GError            **error)
{
  guint n, n_runs = CLAMP (g_get_num_processors (), 1, 8);
  g_autofree HashRun *runs = NULL;
  g_autofree GThread **threads = NULL;
  Kept kept = { 0 };

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (writer->trailer != NULL, FALSE);
  g_return_val_if_fail (chunks != NULL, FALSE);

  if (bad_record)
    *bad_record = G_MAXUINT;
  if (!kept_init (&kept, writer, chunks, error))
    return FALSE;

  n = writer->records->len;
  if (n < 64)
    n_runs = 1;   /* not worth a thread */
  runs = g_new0 (HashRun, n_runs);
  threads = g_new0 (GThread *, n_runs);
  for (guint r = 0; r < n_runs; r++)
    {
      runs[r].writer = writer;
      runs[r].kept = &kept;
      runs[r].first = (guint) ((guint64) n * r / n_runs);
      runs[r].last = (guint) ((guint64) n * (r + 1) / n_runs);
      runs[r].bad_record = G_MAXUINT;
    }
  /* Plain threads, as the file's check uses (see check_records()). */
  for (guint r = 1; r < n_runs; r++)
    threads[r] = g_thread_try_new ("sayso-check", hash_run, &runs[r], NULL);
  hash_run (&runs[0]);
  for (guint r = 1; r < n_runs; r++)
    {
      if (threads[r])
        g_thread_join (threads[r]);
      else
        hash_run (&runs[r]);
    }
  g_free (kept.starts);

  for (guint r = 0; r < n_runs; r++)
    if (runs[r].bad_record != G_MAXUINT)
      {
        SaysoBundleEntry *entry = g_ptr_array_index (writer->records, runs[r].bad_record);
        g_autofree char *id = sayso_hex (entry->id, 16);

        if (bad_record)
          *bad_record = runs[r].bad_record;
        g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_RECORD_ALTERED,
                     "record %u of %u (id %s) does not match the hash it was saved with",
                     runs[r].bad_record + 1, n, id);
        return FALSE;
      }
  return TRUE;
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

/**
 * sayso_bundle_writer_compare:
 * @chunks: (element-type GByteArray): every byte the writer's write
 *   function was given, in order
 * @bad_record: (out) (optional): the index of a record that read back
 *   different, or %G_MAXUINT if the fault was elsewhere
 *
 * Reads the finished bundle at @path back and compares it, byte for byte,
 * with what was written; then checks the signature, as a reader will. With
 * sayso_bundle_writer_check_written() it checks what
 * sayso_bundle_writer_check() does, with a comparison where that hashes.
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
  g_autofree guint8 *buffer = NULL;
  g_autofree guint8 *signed_part = NULL;
  gsize text_len;
  struct stat st;
  guint64 pos = 0;
  int fd;
  gboolean ok = TRUE;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (writer->trailer != NULL, FALSE);
  g_return_val_if_fail (path != NULL && chunks != NULL, FALSE);

  if (bad_record)
    *bad_record = G_MAXUINT;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
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

  buffer = g_malloc (COMPARE_BLOCK);
  posix_fadvise (fd, 0, (off_t) MIN ((guint64) COMPARE_BLOCK * COMPARE_AHEAD, writer->size), POSIX_FADV_WILLNEED);
  for (guint c = 0; ok && c < chunks->len; c++)
    {
      GByteArray *chunk = g_ptr_array_index (chunks, c);

      for (gsize at = 0; ok && at < chunk->len; )
        {
          gsize n = MIN ((gsize) COMPARE_BLOCK, chunk->len - at);
          guint64 ahead = pos + (guint64) COMPARE_BLOCK * COMPARE_AHEAD;

          if (ahead < writer->size)
            posix_fadvise (fd, (off_t) ahead, (off_t) MIN ((guint64) COMPARE_BLOCK, writer->size - ahead),
                           POSIX_FADV_WILLNEED);
          if (!_sayso_bundle_read_at (fd, pos, buffer, n, path, error))
            ok = FALSE;
          else if (memcmp (buffer, chunk->data + at, n) != 0)
            {
              gsize i = 0;

              while (buffer[i] == chunk->data[at + i])
                i++;
              ok = differs_at (writer, path, pos + i, bad_record, error);
            }
          at += n;
          pos += n;
        }
    }
  close (fd);
  if (!ok)
    return FALSE;
  if (pos != writer->size)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_IO, path,
                              "%" G_GUINT64_FORMAT " bytes were kept of the %" G_GUINT64_FORMAT " written",
                              pos, writer->size);

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
