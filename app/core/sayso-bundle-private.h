/* sayso-bundle-private.h: what the bundle's writer and its checks share. */
#pragma once

#include <sodium.h>

#include "sayso-bundle.h"

G_BEGIN_DECLS

#define HEAD_MAGIC "SAYSOBN1"
#define TAIL_MAGIC "SAYSOEND"
#define MAGIC_SIZE 8
#define HEAD_SIZE (MAGIC_SIZE + SAYSO_SIGN_PUBLIC_KEY_SIZE)
#define TAIL_SIZE (crypto_sign_BYTES + 4 + MAGIC_SIZE)

struct _SaysoBundleWriter
{
  SaysoBundleWriteFunc  write_func;
  gpointer              user_data;
  guint8                kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint8               *kiosk_sk;   /* locked */
  GPtrArray            *records;    /* of SaysoBundleEntry, offsets in the file */
  guint64               size;
  GByteArray           *trailer;    /* manifest, signature, length, end marker: for the read-back */
  char                 *site;
  gint64                sequence;
  char                 *day;
};

gboolean _sayso_bundle_bad     (GError           **error,
                                SaysoBundleError   code,
                                const char        *path,
                                const char        *format,
                                ...) G_GNUC_PRINTF (4, 5);
gboolean _sayso_bundle_read_at (int                fd,
                                guint64            offset,
                                gpointer           buf,
                                gsize              len,
                                const char        *path,
                                GError           **error) G_GNUC_WARN_UNUSED_RESULT;

/* The tests' seam: FALSE reads the export's read-back through the page
 * cache, as on a file system that refuses O_DIRECT. */
void     _sayso_bundle_set_direct_read (gboolean direct);

G_END_DECLS
