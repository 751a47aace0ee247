/* sayso-bundle.c: writing and verifying export bundles.
 *
 * The records come first and the signed manifest last, so that a bundle is
 * written in one streaming pass. The reader checks the end marker, then the
 * signature over the manifest (before it parses a byte of it), then that the
 * manifest accounts for every byte, then every record's hash.
 */
#define G_LOG_DOMAIN "sayso-bundle"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sayso-bundle-private.h"
#include "sayso-json-limits.h"

#define MAX_MANIFEST SAYSO_JSON_MANIFEST_MAX_BYTES
#define CHECK_BLOCK (1024 * 1024)
#define CHECK_AHEAD 4   /* blocks asked of the drive before they are needed: a stick has latency */

G_DEFINE_QUARK (sayso-bundle-error-quark, sayso_bundle_error)


static void entry_free (SaysoBundleEntry *entry);

void
sayso_bundle_record_hash (const guint8 *sealed,
                          gsize         len,
                          guint8        hash[SAYSO_BUNDLE_HASH_SIZE])
{
  g_return_if_fail (sealed != NULL || len == 0);
  g_return_if_fail (hash != NULL);

  crypto_generichash (hash, SAYSO_BUNDLE_HASH_SIZE, sealed, len, NULL, 0);
}

char *
sayso_hex (const guint8 *data,
           gsize         len)
{
  char *hex = g_malloc (len * 2 + 1);
  sodium_bin2hex (hex, len * 2 + 1, data, len);
  return hex;
}

static gboolean
put (SaysoBundleWriter  *writer,
     gconstpointer       data,
     gsize               len,
     GError            **error)
{
  if (!writer->write_func (data, len, writer->user_data, error))
    return FALSE;
  writer->size += len;
  return TRUE;
}

SaysoBundleWriter *
sayso_bundle_writer_new (SaysoBundleWriteFunc   write_func,
                         gpointer               user_data,
                         const guint8           kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                         const guint8           kiosk_sk[SAYSO_SIGN_SECRET_KEY_SIZE],
                         const char            *site,
                         gint64                 sequence,
                         const char            *day,
                         GError               **error)
{
  g_autoptr(SaysoBundleWriter) writer = NULL;

  g_return_val_if_fail (write_func != NULL, NULL);
  g_return_val_if_fail (kiosk_pk != NULL && kiosk_sk != NULL, NULL);
  g_return_val_if_fail (site != NULL && day != NULL, NULL);

  writer = g_new0 (SaysoBundleWriter, 1);
  writer->write_func = write_func;
  writer->user_data = user_data;
  memcpy (writer->kiosk_pk, kiosk_pk, sizeof writer->kiosk_pk);
  writer->kiosk_sk = sodium_malloc (SAYSO_SIGN_SECRET_KEY_SIZE);
  if (writer->kiosk_sk == NULL)
    g_error ("out of memory");
  memcpy (writer->kiosk_sk, kiosk_sk, SAYSO_SIGN_SECRET_KEY_SIZE);
  writer->records = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  writer->site = g_strdup (site);
  writer->sequence = sequence;
  writer->day = g_strdup (day);

  if (!put (writer, HEAD_MAGIC, MAGIC_SIZE, error) ||
      !put (writer, writer->kiosk_pk, sizeof writer->kiosk_pk, error))
    return NULL;

  return g_steal_pointer (&writer);
}

gboolean
sayso_bundle_writer_add (SaysoBundleWriter  *writer,
                         const guint8        id[16],
                         const char         *questionnaire,
                         gint64              version,
                         const guint8       *sealed,
                         gsize               len,
                         const guint8       *hash,
                         GError            **error)
{
  SaysoBundleEntry *entry;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (id != NULL && questionnaire != NULL && sealed != NULL, FALSE);
  g_return_val_if_fail (len > 0, FALSE);

  entry = g_new0 (SaysoBundleEntry, 1);
  memcpy (entry->id, id, sizeof entry->id);
  entry->questionnaire = g_strdup (questionnaire);
  entry->version = version;
  entry->offset = writer->size;
  entry->size = len;
  g_ptr_array_add (writer->records, entry);

  if (!put (writer, sealed, len, error))
    return FALSE;

  /* The store hashes each record as it saves it; only a record saved
   * before it did (schema 4) is hashed here. */
  if (hash != NULL)
    memcpy (entry->hash, hash, sizeof entry->hash);
  else
    sayso_bundle_record_hash (sealed, len, entry->hash);
  return TRUE;
}

/* A JSON string, quoted and escaped as json-glib writes it. */
static void
append_json_string (GString    *out,
                    const char *value)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), value);
  g_autofree char *text = json_to_string (node, FALSE);

  g_string_append (out, text);
}

/* The manifest is written as text rather than built as a JSON tree: for ten
 * thousand records the tree and its generator cost more than writing every
 * record's bytes. Strings still go through json-glib's escaping, and a test
 * checks that json-glib writes the same bytes from the parsed manifest. */
static char *
manifest_text (SaysoBundleWriter *writer,
               gsize             *len)
{
  GString *out = g_string_sized_new (256 + writer->records->len * 200);
  g_autofree char *kiosk_b64 = g_base64_encode (writer->kiosk_pk, sizeof writer->kiosk_pk);
  g_autoptr(GString) questionnaire = g_string_new (NULL);
  const char *last_questionnaire = NULL;

  g_string_append_printf (out, "{\"sayso_bundle\":%d,\"kiosk\":\"%s\",\"site\":", SAYSO_BUNDLE_FORMAT, kiosk_b64);
  append_json_string (out, writer->site);
  g_string_append_printf (out, ",\"sequence\":%" G_GINT64_FORMAT ",\"day\":", writer->sequence);
  append_json_string (out, writer->day);
  g_string_append_printf (out, ",\"record_count\":%u,\"records\":[", writer->records->len);

  for (guint i = 0; i < writer->records->len; i++)
    {
      SaysoBundleEntry *record = g_ptr_array_index (writer->records, i);
      char id_hex[sizeof record->id * 2 + 1];
      char hash_hex[sizeof record->hash * 2 + 1];

      /* A bundle's records nearly all share one questionnaire: escaped once. */
      if (last_questionnaire == NULL || strcmp (last_questionnaire, record->questionnaire) != 0)
        {
          g_string_truncate (questionnaire, 0);
          append_json_string (questionnaire, record->questionnaire);
          last_questionnaire = record->questionnaire;
        }
      sodium_bin2hex (id_hex, sizeof id_hex, record->id, sizeof record->id);
      sodium_bin2hex (hash_hex, sizeof hash_hex, record->hash, sizeof record->hash);
      g_string_append_printf (out, "%s{\"id\":\"%s\",\"questionnaire\":%s,\"version\":%" G_GINT64_FORMAT
                              ",\"size\":%" G_GUINT64_FORMAT ",\"blake2b\":\"%s\"}",
                              i == 0 ? "" : ",", id_hex, questionnaire->str, record->version,
                              record->size, hash_hex);
    }
  g_string_append (out, "]}");

  *len = out->len;
  return g_string_free (out, FALSE);
}

gboolean
sayso_bundle_writer_finish (SaysoBundleWriter  *writer,
                            GError            **error)
{
  g_autofree char *text = NULL;
  g_autofree guint8 *signed_part = NULL;
  guint8 signature[crypto_sign_BYTES];
  guint8 length[4];
  gsize text_len;

  g_return_val_if_fail (writer != NULL, FALSE);

  text = manifest_text (writer, &text_len);
  /* The reader's bound, kept here: the read-back compares bytes, not limits. */
  if (text_len > MAX_MANIFEST)
    {
      g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_MALFORMED,
                   "the manifest of %u records would take %" G_GSIZE_FORMAT " bytes, more than a reader accepts",
                   writer->records->len, text_len);
      return FALSE;
    }

  /* The signature binds the manifest to the key in the header. */
  signed_part = g_malloc (SAYSO_SIGN_PUBLIC_KEY_SIZE + text_len);
  memcpy (signed_part, writer->kiosk_pk, SAYSO_SIGN_PUBLIC_KEY_SIZE);
  memcpy (signed_part + SAYSO_SIGN_PUBLIC_KEY_SIZE, text, text_len);
  crypto_sign_detached (signature, NULL, signed_part, SAYSO_SIGN_PUBLIC_KEY_SIZE + text_len, writer->kiosk_sk);

  length[0] = text_len & 0xff;
  length[1] = (text_len >> 8) & 0xff;
  length[2] = (text_len >> 16) & 0xff;
  length[3] = (text_len >> 24) & 0xff;

  g_clear_pointer (&writer->trailer, g_byte_array_unref);
  writer->trailer = g_byte_array_sized_new (text_len + TAIL_SIZE);
  g_byte_array_append (writer->trailer, (const guint8 *) text, text_len);
  g_byte_array_append (writer->trailer, signature, sizeof signature);
  g_byte_array_append (writer->trailer, length, sizeof length);
  g_byte_array_append (writer->trailer, (const guint8 *) TAIL_MAGIC, MAGIC_SIZE);

  return put (writer, writer->trailer->data, writer->trailer->len, error);
}

guint64
sayso_bundle_writer_get_size (SaysoBundleWriter *writer)
{
  g_return_val_if_fail (writer != NULL, 0);
  return writer->size;
}

void
sayso_bundle_writer_free (SaysoBundleWriter *writer)
{
  if (writer == NULL)
    return;

  sodium_free (writer->kiosk_sk);
  g_clear_pointer (&writer->records, g_ptr_array_unref);
  g_clear_pointer (&writer->trailer, g_byte_array_unref);
  g_free (writer->site);
  g_free (writer->day);
  g_free (writer);
}

/* Reading. */

void
sayso_bundle_free (SaysoBundle *bundle)
{
  if (bundle == NULL)
    return;

  if (bundle->fd >= 0)
    close (bundle->fd);
  g_free (bundle->path);
  g_free (bundle->site);
  g_free (bundle->day);
  g_clear_pointer (&bundle->entries, g_ptr_array_unref);
  g_free (bundle);
}

static void
entry_free (SaysoBundleEntry *entry)
{
  g_free (entry->questionnaire);
  g_free (entry);
}

gboolean
_sayso_bundle_read_at (int          fd,
                       guint64      offset,
                       gpointer     buf,
                       gsize        len,
                       const char  *path,
                       GError     **error)
{
  gsize done = 0;

  while (done < len)
    {
      gssize n = pread (fd, (char *) buf + done, len - done, (off_t) (offset + done));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_IO,
                       "%s: cannot read: %s", path, n < 0 ? g_strerror (errno) : "unexpected end of file");
          return FALSE;
        }
      done += n;
    }
  return TRUE;
}

gboolean
_sayso_bundle_bad (GError           **error,
                   SaysoBundleError   code,
                   const char        *path,
                   const char        *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, SAYSO_BUNDLE_ERROR, code, "%s: %s", path, message);
  return FALSE;
}

static gboolean
hex_to_bin (const char *hex,
            guint8     *out,
            gsize       len)
{
  gsize bin_len = 0;

  return hex != NULL && strlen (hex) == len * 2 &&
         sodium_hex2bin (out, len, hex, len * 2, NULL, &bin_len, NULL) == 0 && bin_len == len;
}

static const char *
manifest_string (JsonObject *object,
                 const char *key)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
manifest_int (JsonObject *object,
              const char *key,
              gint64     *out)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

static gboolean
parse_manifest (SaysoBundle  *bundle,
                const char   *text,
                gsize         len,
                guint64       records_size,
                GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  const SaysoJsonLimits limits = { "a manifest", SAYSO_JSON_MANIFEST_MAX_BYTES, SAYSO_JSON_MANIFEST_DEPTH };
  g_autofree guint8 *kiosk = NULL;
  JsonObject *root;
  JsonArray *records;
  const char *s;
  gint64 format = 0, count = -1;
  guint64 offset = HEAD_SIZE;
  gsize kiosk_len = 0;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);

  if (!sayso_json_check_limits (text, len, &limits, "the manifest", 0, &local_error))
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "%s", local_error->message);
  if (!json_parser_load_from_data (parser, text, len, NULL) ||
      json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "the manifest is not a JSON object");
  root = json_node_get_object (json_parser_get_root (parser));

  if (!manifest_int (root, "sayso_bundle", &format) || format != SAYSO_BUNDLE_FORMAT)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "not a bundle of format %d", SAYSO_BUNDLE_FORMAT);

  s = manifest_string (root, "kiosk");
  if (s == NULL || (kiosk = g_base64_decode (s, &kiosk_len)) == NULL || kiosk_len != sizeof bundle->kiosk_pk ||
      memcmp (kiosk, bundle->kiosk_pk, kiosk_len) != 0)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "the manifest names another kiosk than the header");

  if (!(s = manifest_string (root, "site")))
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "the manifest has no site");
  bundle->site = g_strdup (s);
  if (!(s = manifest_string (root, "day")))
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "the manifest has no day");
  bundle->day = g_strdup (s);
  if (!manifest_int (root, "sequence", &bundle->sequence) || bundle->sequence < 1)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "the manifest has no sequence number");

  if (!json_object_has_member (root, "records") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "records")) ||
      !manifest_int (root, "record_count", &count))
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "the manifest has no record list");
  records = json_object_get_array_member (root, "records");
  if ((gint64) json_array_get_length (records) != count)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path,
                "the manifest says %" G_GINT64_FORMAT " records but lists %u", count, json_array_get_length (records));

  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonNode *node = json_array_get_element (records, i);
      SaysoBundleEntry *entry;
      JsonObject *object;
      gint64 size = 0;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "manifest record %u is not an object", i + 1);
      object = json_node_get_object (node);

      entry = g_new0 (SaysoBundleEntry, 1);
      g_ptr_array_add (bundle->entries, entry);
      entry->offset = offset;
      if (!hex_to_bin (manifest_string (object, "id"), entry->id, sizeof entry->id) ||
          !hex_to_bin (manifest_string (object, "blake2b"), entry->hash, sizeof entry->hash) ||
          !(s = manifest_string (object, "questionnaire")) ||
          !manifest_int (object, "version", &entry->version) ||
          !manifest_int (object, "size", &size) || size <= 0)
        return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "manifest record %u is incomplete", i + 1);
      entry->questionnaire = g_strdup (s);
      entry->size = (guint64) size;
      /* Checked as it goes: a signed manifest of sizes that wrap around
       * would otherwise add up, and a reader would allocate one of them. */
      if (entry->size > records_size - (offset - HEAD_SIZE))
        return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_TRUNCATED, bundle->path,
                    "the records take %" G_GUINT64_FORMAT " bytes but the manifest accounts for more (from record %u on)",
                    records_size, i + 1);
      offset += entry->size;

      if (!g_hash_table_add (seen, g_bytes_new (entry->id, sizeof entry->id)))
        return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, bundle->path, "manifest record %u repeats an earlier record", i + 1);
    }

  if (offset - HEAD_SIZE != records_size)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_TRUNCATED, bundle->path,
                "the records take %" G_GUINT64_FORMAT " bytes but the manifest accounts for %" G_GUINT64_FORMAT,
                records_size, offset - HEAD_SIZE);

  return TRUE;
}

static gboolean
hash_matches (SaysoBundle   *bundle,
              guint          index,
              const guint8   hash[SAYSO_BUNDLE_HASH_SIZE],
              GError       **error)
{
  SaysoBundleEntry *entry = g_ptr_array_index (bundle->entries, index);

  if (sodium_memcmp (hash, entry->hash, SAYSO_BUNDLE_HASH_SIZE) != 0)
    {
      g_autofree char *id = sayso_hex (entry->id, 16);
      return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_RECORD_ALTERED, bundle->path,
                  "record %u of %u (id %s) does not match the signed manifest: "
                  "it was altered, or swapped in from another bundle",
                  index + 1, bundle->entries->len, id);
    }
  return TRUE;
}

static gboolean
check_record (SaysoBundle  *bundle,
              int           fd,
              guint         index,
              GBytes      **out,
              GError      **error)
{
  SaysoBundleEntry *entry = g_ptr_array_index (bundle->entries, index);
  g_autofree guint8 *data = g_malloc (entry->size);

  guint8 hash[SAYSO_BUNDLE_HASH_SIZE];

  if (!_sayso_bundle_read_at (fd, entry->offset, data, entry->size, bundle->path, error))
    return FALSE;
  crypto_generichash (hash, sizeof hash, data, entry->size, NULL, 0);
  if (!hash_matches (bundle, index, hash, error))
    return FALSE;

  if (out)
    *out = g_bytes_new_take (g_steal_pointer (&data), entry->size);
  return TRUE;
}

/* Checking every record is reading and hashing the whole file: split into
 * one contiguous run of records per core, each read in order a mebibyte at a
 * time and hashed in parallel. The first fault in file order is the one
 * reported, whichever thread found it. */
typedef struct
{
  SaysoBundle *bundle;
  int          fd;
  guint        first;
  guint        last;
  GError      *error;       /* the run's first fault: it stops there */
  guint        bad_record;  /* the record that did not match, or G_MAXUINT */
} CheckRun;

static void
check_run (CheckRun *run)
{
  g_autofree guint8 *buffer = NULL;
  crypto_generichash_state state;
  SaysoBundleEntry *last;
  guint64 pos, end, left;
  guint i = run->first;

  if (run->first >= run->last)
    return;

  /* Records lie end to end (parse_manifest() saw to it): the run's bytes are
   * read a block at a time and hashed record by record as they pass. */
  buffer = g_malloc (CHECK_BLOCK);
  last = g_ptr_array_index (run->bundle->entries, run->last - 1);
  pos = ((SaysoBundleEntry *) g_ptr_array_index (run->bundle->entries, i))->offset;
  end = last->offset + last->size;
  left = ((SaysoBundleEntry *) g_ptr_array_index (run->bundle->entries, i))->size;
  crypto_generichash_init (&state, NULL, 0, SAYSO_BUNDLE_HASH_SIZE);
  /* The drive reads a few blocks ahead while this thread hashes. */
  posix_fadvise (run->fd, (off_t) pos, (off_t) MIN ((guint64) CHECK_BLOCK * CHECK_AHEAD, end - pos),
                 POSIX_FADV_WILLNEED);
  while (pos < end)
    {
      gsize n = (gsize) MIN ((guint64) CHECK_BLOCK, end - pos);
      guint64 ahead = pos + (guint64) CHECK_BLOCK * CHECK_AHEAD;

      if (ahead < end)
        posix_fadvise (run->fd, (off_t) ahead, (off_t) MIN ((guint64) CHECK_BLOCK, end - ahead), POSIX_FADV_WILLNEED);

      if (!_sayso_bundle_read_at (run->fd, pos, buffer, n, run->bundle->path, &run->error))
        return;
      for (gsize at = 0; at < n; )
        {
          gsize take = (gsize) MIN (left, (guint64) (n - at));

          crypto_generichash_update (&state, buffer + at, take);
          at += take;
          left -= take;
          if (left == 0)
            {
              guint8 hash[SAYSO_BUNDLE_HASH_SIZE];

              crypto_generichash_final (&state, hash, sizeof hash);
              if (!hash_matches (run->bundle, i, hash, &run->error))
                {
                  run->bad_record = i;
                  return;
                }
              if (++i < run->last)
                {
                  left = ((SaysoBundleEntry *) g_ptr_array_index (run->bundle->entries, i))->size;
                  crypto_generichash_init (&state, NULL, 0, SAYSO_BUNDLE_HASH_SIZE);
                }
            }
        }
      pos += n;
    }
}

static gpointer
check_run_thread (gpointer data)
{
  check_run (data);
  return NULL;
}

static gboolean
check_records (SaysoBundle  *bundle,
               int           fd,
               guint        *bad_record,
               GError      **error)
{
  guint n = bundle->entries->len;
  guint n_runs = CLAMP (g_get_num_processors (), 1, 8);
  g_autofree CheckRun *runs = NULL;
  g_autofree GThread **threads = NULL;
  CheckRun *first_fault = NULL;

  /* Not worth a thread for a few records. */
  if (n < 64 || n_runs == 1)
    n_runs = 1;
  runs = g_new0 (CheckRun, n_runs);
  for (guint r = 0; r < n_runs; r++)
    {
      runs[r].bundle = bundle;
      runs[r].fd = fd;
      runs[r].first = (guint) ((guint64) n * r / n_runs);
      runs[r].last = (guint) ((guint64) n * (r + 1) / n_runs);
      runs[r].bad_record = G_MAXUINT;
    }

  /* Plain threads, not a GThreadPool: GLib 2.74 starts pool threads from a
   * spawner thread of the first process that used one, which a process
   * forked after that (the power-cut tests' children) does not have. */
  threads = g_new0 (GThread *, n_runs);
  for (guint r = 1; r < n_runs; r++)
    threads[r] = g_thread_try_new ("sayso-check", check_run_thread, &runs[r], NULL);
  check_run (&runs[0]);
  for (guint r = 1; r < n_runs; r++)
    {
      if (threads[r])
        g_thread_join (threads[r]);
      else
        check_run (&runs[r]);   /* no thread to be had: in this one */
    }

  for (guint r = 0; r < n_runs; r++)
    {
      if (runs[r].error && first_fault == NULL)
        first_fault = &runs[r];
      else
        g_clear_error (&runs[r].error);
    }
  if (first_fault)
    {
      if (bad_record)
        *bad_record = first_fault->bad_record;
      g_propagate_error (error, g_steal_pointer (&first_fault->error));
      return FALSE;
    }
  return TRUE;
}

static SaysoBundle *
bundle_open (const char    *path,
             const guint8  *expected_kiosk_pk,
             gboolean       check_all,
             guint32        max_manifest,
             GError       **error)
{
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autofree guint8 *signed_part = NULL;
  guint8 head[HEAD_SIZE];
  guint8 tail[TAIL_SIZE];
  struct stat st;
  guint32 manifest_len;
  guint64 records_size;
  int fd;
  gboolean ok = FALSE;

  bundle = g_new0 (SaysoBundle, 1);
  bundle->fd = -1;
  bundle->path = g_strdup (path);
  bundle->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_IO, "%s: cannot open: %s", path, g_strerror (saved));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_IO, "%s: %s", path, g_strerror (errno));
      goto out;
    }
  bundle->size = st.st_size;

  if (bundle->size < MAGIC_SIZE || !_sayso_bundle_read_at (fd, 0, head, MAGIC_SIZE, path, NULL) ||
      memcmp (head, HEAD_MAGIC, MAGIC_SIZE) != 0)
    {
      _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE, path, "not a Sayso bundle");
      goto out;
    }

  if (bundle->size < HEAD_SIZE + TAIL_SIZE ||
      !_sayso_bundle_read_at (fd, bundle->size - TAIL_SIZE, tail, TAIL_SIZE, path, error) ||
      memcmp (tail + crypto_sign_BYTES + 4, TAIL_MAGIC, MAGIC_SIZE) != 0)
    {
      g_clear_error (error);
      _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_TRUNCATED, path,
           "truncated: the end marker is missing (the copy was cut short)");
      goto out;
    }

  if (!_sayso_bundle_read_at (fd, MAGIC_SIZE, bundle->kiosk_pk, sizeof bundle->kiosk_pk, path, error))
    goto out;

  manifest_len = tail[crypto_sign_BYTES] | (tail[crypto_sign_BYTES + 1] << 8) |
                 (tail[crypto_sign_BYTES + 2] << 16) | ((guint32) tail[crypto_sign_BYTES + 3] << 24);
  if (manifest_len > max_manifest && manifest_len <= MAX_MANIFEST)
    {
      /* Before a byte of it is read: the caller reads no more than this. */
      _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, path,
                         "its manifest (%u bytes) is longer than the %u bytes read here", manifest_len, max_manifest);
      goto out;
    }
  if (manifest_len > MAX_MANIFEST || (guint64) manifest_len > bundle->size - HEAD_SIZE - TAIL_SIZE)
    {
      _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_TRUNCATED, path, "the manifest length does not fit the file: truncated or damaged");
      goto out;
    }
  records_size = bundle->size - HEAD_SIZE - TAIL_SIZE - manifest_len;

  signed_part = g_malloc (SAYSO_SIGN_PUBLIC_KEY_SIZE + manifest_len + 1);
  memcpy (signed_part, bundle->kiosk_pk, SAYSO_SIGN_PUBLIC_KEY_SIZE);
  if (!_sayso_bundle_read_at (fd, HEAD_SIZE + records_size, signed_part + SAYSO_SIGN_PUBLIC_KEY_SIZE, manifest_len, path, error))
    goto out;

  if (expected_kiosk_pk != NULL && sodium_memcmp (expected_kiosk_pk, bundle->kiosk_pk, SAYSO_SIGN_PUBLIC_KEY_SIZE) != 0)
    {
      g_autofree char *b64 = g_base64_encode (bundle->kiosk_pk, SAYSO_SIGN_PUBLIC_KEY_SIZE);
      _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_WRONG_KIOSK, path, "made by kiosk %s, not the kiosk whose key was given", b64);
      goto out;
    }

  /* Nothing of the manifest is parsed until its signature holds. */
  if (crypto_sign_verify_detached (tail, signed_part, SAYSO_SIGN_PUBLIC_KEY_SIZE + manifest_len, bundle->kiosk_pk) != 0)
    {
      _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_BAD_SIGNATURE, path,
           "the signature does not match: the manifest was altered, or the bundle was not made by the kiosk it names");
      goto out;
    }

  if (!parse_manifest (bundle, (const char *) signed_part + SAYSO_SIGN_PUBLIC_KEY_SIZE, manifest_len, records_size, error))
    goto out;

  if (check_all && !check_records (bundle, fd, NULL, error))
    goto out;

  ok = TRUE;
  bundle->fd = fd;
  fd = -1;

out:
  if (fd >= 0)
    close (fd);
  return ok ? g_steal_pointer (&bundle) : NULL;
}

/**
 * sayso_bundle_read_kiosk:
 * @kiosk_pk: (out): the key in the bundle's header
 *
 * Reads only the header: a reader can ask whether it knows the kiosk
 * before it reads, checks or parses anything the kiosk wrote after it.
 */
gboolean
sayso_bundle_read_kiosk (const char  *path,
                         guint8       kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                         GError     **error)
{
  guint8 head[HEAD_SIZE];
  struct stat st;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL && kiosk_pk != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_IO, "%s: cannot open: %s", path, g_strerror (saved));
      return FALSE;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, SAYSO_BUNDLE_ERROR, SAYSO_BUNDLE_ERROR_IO, "%s: %s", path, g_strerror (saved));
      return FALSE;
    }

  ok = (guint64) st.st_size >= MAGIC_SIZE && _sayso_bundle_read_at (fd, 0, head, MIN ((guint64) HEAD_SIZE, (guint64) st.st_size), path, NULL) &&
       memcmp (head, HEAD_MAGIC, MAGIC_SIZE) == 0;
  close (fd);
  if (!ok)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE, path, "not a Sayso bundle");
  /* As sayso_bundle_open() says of a copy cut short. */
  if ((guint64) st.st_size < HEAD_SIZE + TAIL_SIZE)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_TRUNCATED, path, "truncated: the end marker is missing (the copy was cut short)");

  memcpy (kiosk_pk, head + MAGIC_SIZE, SAYSO_SIGN_PUBLIC_KEY_SIZE);
  return TRUE;
}

SaysoBundle *
sayso_bundle_open (const char    *path,
                   const guint8  *expected_kiosk_pk,
                   GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return bundle_open (path, expected_kiosk_pk, TRUE, MAX_MANIFEST, error);
}

SaysoBundle *
sayso_bundle_open_signed (const char    *path,
                          const guint8  *expected_kiosk_pk,
                          GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return bundle_open (path, expected_kiosk_pk, FALSE, MAX_MANIFEST, error);
}

SaysoBundle *
sayso_bundle_open_signed_within (const char    *path,
                                 const guint8  *expected_kiosk_pk,
                                 guint32        max_manifest,
                                 GError       **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  return bundle_open (path, expected_kiosk_pk, FALSE, MIN (max_manifest, (guint32) MAX_MANIFEST), error);
}

/**
 * sayso_bundle_writer_check:
 * @bad_record: (out) (optional): the index of a record that read back
 *   different, or %G_MAXUINT if the fault was elsewhere
 *
 * Reads the finished bundle at @path back and checks it is the one this
 * writer wrote: its size, its header, its manifest and signature byte for
 * byte (and the signature again, as a reader will), and every record against
 * the hash the manifest lists for it. It needs no parse of the manifest: what
 * it compares against is what was signed.
 */
gboolean
sayso_bundle_writer_check (SaysoBundleWriter  *writer,
                           const char         *path,
                           guint              *bad_record,
                           GError            **error)
{
  g_autoptr(SaysoBundle) bundle = NULL;
  g_autofree guint8 *trailer = NULL;
  g_autofree guint8 *signed_part = NULL;
  guint8 head[HEAD_SIZE];
  gsize trailer_len, text_len;
  struct stat st;

  g_return_val_if_fail (writer != NULL, FALSE);
  g_return_val_if_fail (writer->trailer != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (bad_record)
    *bad_record = G_MAXUINT;

  bundle = g_new0 (SaysoBundle, 1);
  bundle->path = g_strdup (path);
  bundle->entries = g_ptr_array_ref (writer->records);
  bundle->fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (bundle->fd < 0)
    {
      int saved = errno;
      return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_IO, path, "cannot open it again to read it back: %s", g_strerror (saved));
    }
  if (fstat (bundle->fd, &st) != 0)
    {
      int saved = errno;
      return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_IO, path, "%s", g_strerror (saved));
    }
  if ((guint64) st.st_size != writer->size)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_TRUNCATED, path,
                "read back %" G_GUINT64_FORMAT " bytes, but %" G_GUINT64_FORMAT " were written",
                (guint64) st.st_size, writer->size);

  trailer_len = writer->trailer->len;
  text_len = trailer_len - TAIL_SIZE;
  trailer = g_malloc (trailer_len);
  if (!_sayso_bundle_read_at (bundle->fd, 0, head, sizeof head, path, error) ||
      !_sayso_bundle_read_at (bundle->fd, writer->size - trailer_len, trailer, trailer_len, path, error))
    return FALSE;
  if (memcmp (head, HEAD_MAGIC, MAGIC_SIZE) != 0 || memcmp (head + MAGIC_SIZE, writer->kiosk_pk, sizeof writer->kiosk_pk) != 0)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE, path, "its header read back different from what was written");
  if (memcmp (trailer, writer->trailer->data, trailer_len) != 0)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_MALFORMED, path, "its manifest read back different from what was written");

  signed_part = g_malloc (SAYSO_SIGN_PUBLIC_KEY_SIZE + text_len);
  memcpy (signed_part, writer->kiosk_pk, SAYSO_SIGN_PUBLIC_KEY_SIZE);
  memcpy (signed_part + SAYSO_SIGN_PUBLIC_KEY_SIZE, trailer, text_len);
  if (crypto_sign_verify_detached (trailer + text_len, signed_part, SAYSO_SIGN_PUBLIC_KEY_SIZE + text_len,
                                   writer->kiosk_pk) != 0)
    return _sayso_bundle_bad (error, SAYSO_BUNDLE_ERROR_BAD_SIGNATURE, path, "its signature does not hold");

  return check_records (bundle, bundle->fd, bad_record, error);
}

GBytes *
sayso_bundle_read_record (SaysoBundle  *bundle,
                          guint         index,
                          GError      **error)
{
  GBytes *out = NULL;

  g_return_val_if_fail (bundle != NULL, NULL);
  g_return_val_if_fail (index < bundle->entries->len, NULL);
  g_return_val_if_fail (bundle->fd >= 0, NULL);

  /* Checked again: the file may have changed since it was verified. */
  check_record (bundle, bundle->fd, index, &out, error);
  return out;
}
