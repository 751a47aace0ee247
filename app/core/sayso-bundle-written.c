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
#include <sys/stat.h>
#include <unistd.h>

#include "sayso-bundle-private.h"

#define COMPARE_BLOCK (1024 * 1024)
#define COMPARE_AHEAD 4   /* blocks asked of the drive before they are needed */

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
