/* sayso-bundle.h: the signed export bundle, written and verified.
 *
 * A bundle is one file: the sealed records, then a manifest listing each
 * record's id and BLAKE2b hash, signed by the kiosk's Ed25519 key. See
 * docs/format.md for the bytes.
 */
#pragma once

#include <glib.h>

#include "sayso-crypto.h"

G_BEGIN_DECLS

#define SAYSO_BUNDLE_ERROR (sayso_bundle_error_quark ())

typedef enum
{
  SAYSO_BUNDLE_ERROR_NOT_A_BUNDLE,
  SAYSO_BUNDLE_ERROR_TRUNCATED,
  SAYSO_BUNDLE_ERROR_MALFORMED,
  SAYSO_BUNDLE_ERROR_BAD_SIGNATURE,
  SAYSO_BUNDLE_ERROR_WRONG_KIOSK,
  SAYSO_BUNDLE_ERROR_RECORD_ALTERED,
  SAYSO_BUNDLE_ERROR_REPLAYED,
  SAYSO_BUNDLE_ERROR_IO,
} SaysoBundleError;

#define SAYSO_BUNDLE_FORMAT     1
#define SAYSO_BUNDLE_HASH_SIZE  32

typedef struct
{
  guint8  id[16];
  char   *questionnaire;
  gint64  version;
  guint64 offset;
  guint64 size;
  guint8  hash[SAYSO_BUNDLE_HASH_SIZE];
} SaysoBundleEntry;

typedef struct
{
  char      *path;
  guint8     kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  char      *site;
  gint64     sequence;
  char      *day;
  GPtrArray *entries;   /* of SaysoBundleEntry */
  guint64    size;
  int        fd;        /* kept open for reading records */
} SaysoBundle;

typedef gboolean (*SaysoBundleWriteFunc) (gconstpointer   data,
                                          gsize           len,
                                          gpointer        user_data,
                                          GError        **error);

typedef struct _SaysoBundleWriter SaysoBundleWriter;

GQuark              sayso_bundle_error_quark    (void);

SaysoBundleWriter  *sayso_bundle_writer_new     (SaysoBundleWriteFunc  write_func,
                                                 gpointer              user_data,
                                                 const guint8          kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                                                 const guint8          kiosk_sk[SAYSO_SIGN_SECRET_KEY_SIZE],
                                                 const char           *site,
                                                 gint64                sequence,
                                                 const char           *day,
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            sayso_bundle_writer_add     (SaysoBundleWriter    *writer,
                                                 const guint8          id[16],
                                                 const char           *questionnaire,
                                                 gint64                version,
                                                 const guint8         *sealed,
                                                 gsize                 len,
                                                 const guint8         *hash,
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean            sayso_bundle_writer_finish  (SaysoBundleWriter    *writer,
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
guint64             sayso_bundle_writer_get_size (SaysoBundleWriter   *writer);
gboolean            sayso_bundle_writer_check   (SaysoBundleWriter    *writer,
                                                 const char           *path,
                                                 guint                *bad_record,
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same check, for a writer whose every byte was kept by its write
 * function (@chunks: GBytes, in order) and whose records were checked
 * against their hashes as they were written: the file compared with the bytes. */
gboolean            sayso_bundle_writer_compare (SaysoBundleWriter    *writer,
                                                 const char           *path,
                                                 GPtrArray            *chunks,
                                                 guint                *bad_record,
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void                sayso_bundle_writer_free    (SaysoBundleWriter    *writer);
/* Memory for a bundle's bytes in large blocks (the export's chunks, the
 * read-back's), freed with g_free(). */
gpointer            sayso_bundle_block_new      (gsize                 size) G_GNUC_WARN_UNUSED_RESULT;

gboolean            sayso_bundle_read_kiosk     (const char           *path,
                                                 guint8                kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
SaysoBundle        *sayso_bundle_open           (const char           *path,
                                                 const guint8         *expected_kiosk_pk,
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
/* Checks the structure and the signature only; each record's hash is then
 * checked by sayso_bundle_read_record(), for a reader that goes through them all. */
SaysoBundle        *sayso_bundle_open_signed    (const char           *path,
                                                 const guint8         *expected_kiosk_pk,
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same, refusing before reading it a manifest longer than
 * @max_manifest bytes: for a reader that owes a stranger little. */
SaysoBundle        *sayso_bundle_open_signed_within (const char       *path,
                                                     const guint8     *expected_kiosk_pk,
                                                     guint32           max_manifest,
                                                     GError          **error) G_GNUC_WARN_UNUSED_RESULT;
/* Thread-safe: reads with pread() on the bundle's descriptor. */
GBytes             *sayso_bundle_read_record    (SaysoBundle          *bundle,
                                                 guint                 index,
                                                 GError              **error) G_GNUC_WARN_UNUSED_RESULT;
void                sayso_bundle_free           (SaysoBundle          *bundle);

/* A record's hash as the manifest lists it: BLAKE2b-256 of the sealed bytes. */
void                sayso_bundle_record_hash    (const guint8         *sealed,
                                                 gsize                 len,
                                                 guint8                hash[SAYSO_BUNDLE_HASH_SIZE]);

char               *sayso_hex                   (const guint8         *data,
                                                 gsize                 len) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoBundleWriter, sayso_bundle_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoBundle, sayso_bundle_free)

G_END_DECLS
