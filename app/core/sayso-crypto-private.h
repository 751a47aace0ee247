/* sayso-crypto-private.h: for tests only. */
#pragma once

#include "sayso-crypto.h"

G_BEGIN_DECLS

/* sayso_secret_key_write_protected() with other Argon2id costs than today's,
 * as a later (or earlier) Sayso might have made the file. */
gboolean  _sayso_secret_key_write_protected_with (const guint8  sk[SAYSO_BOX_SECRET_KEY_SIZE],
                                                  const char   *passphrase,
                                                  const char   *path,
                                                  guint64       opslimit,
                                                  gsize         memlimit,
                                                  GError      **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
