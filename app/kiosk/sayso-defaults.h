/* sayso-defaults.h: where the kiosk's store lives by default, and the demo set-up. */
#pragma once

#include "sayso-store.h"

G_BEGIN_DECLS

#define SAYSO_DEMO_SITE "Demo site"

char       *sayso_default_store_path       (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean    sayso_demo_recipient_key       (guint8       pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
SaysoStore *sayso_store_open_default       (const char  *path,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
