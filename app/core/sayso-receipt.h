/* sayso-receipt.h: the collection service's signed receipt for a bundle.
 *
 * The service answers an upload with a receipt that names the bundle (the
 * BLAKE2b-256 of its bytes), its kiosk, sequence number and record count,
 * signed with the service's Ed25519 key. A sender marks a bundle uploaded
 * only on a receipt that verifies under the service key it was given and
 * names the bundle it sent: a captive portal or an impostor cannot make
 * one. The bytes are in docs/format.md.
 */
#pragma once

#include <glib.h>

#include "sayso-crypto.h"

G_BEGIN_DECLS

#define SAYSO_RECEIPT_ERROR (sayso_receipt_error_quark ())

typedef enum
{
  SAYSO_RECEIPT_ERROR_BAD_SIGNATURE,
  SAYSO_RECEIPT_ERROR_MALFORMED,
  SAYSO_RECEIPT_ERROR_WRONG_SERVICE,
} SaysoReceiptError;

#define SAYSO_RECEIPT_FORMAT     1
#define SAYSO_RECEIPT_HASH_SIZE  32
/* A receipt is a few hundred bytes; anything larger is not one. */
#define SAYSO_RECEIPT_MAX_BYTES  4096

typedef struct
{
  guint8  service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  guint8  kiosk_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  char   *site;
  gint64  sequence;
  gint64  record_count;
  guint8  bundle_hash[SAYSO_RECEIPT_HASH_SIZE];
} SaysoReceipt;

GQuark    sayso_receipt_error_quark  (void);

/* BLAKE2b-256 of a whole bundle file, as a receipt names it. */
gboolean  sayso_receipt_hash_file    (const char          *path,
                                      guint8               hash[SAYSO_RECEIPT_HASH_SIZE],
                                      GError             **error) G_GNUC_WARN_UNUSED_RESULT;

/* The receipt's text, the bytes that are signed. */
char     *sayso_receipt_to_text      (const SaysoReceipt  *receipt) G_GNUC_WARN_UNUSED_RESULT;
/* The detached Ed25519 signature of @text, in base64. */
char     *sayso_receipt_sign         (const char          *text,
                                      const guint8         service_sk[SAYSO_SIGN_SECRET_KEY_SIZE]) G_GNUC_WARN_UNUSED_RESULT;
/* Checks @signature over @text with @service_pk before it parses a byte of
 * it, then that the receipt names that service, and fills @out. */
gboolean  sayso_receipt_verify       (const char          *text,
                                      gsize                len,
                                      const char          *signature,
                                      const guint8         service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                                      SaysoReceipt        *out,
                                      GError             **error) G_GNUC_WARN_UNUSED_RESULT;
void      sayso_receipt_clear        (SaysoReceipt        *receipt);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SaysoReceipt, sayso_receipt_clear)

G_END_DECLS
