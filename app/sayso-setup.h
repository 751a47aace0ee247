/* sayso-setup.h: where things live by default, and the demo set-up. */
#pragma once

#include "sayso-store.h"

G_BEGIN_DECLS

#define SAYSO_DEMO_SITE "Demo site"

void        sayso_init                     (void);
void        sayso_disable_core_dumps       (void);

char       *sayso_default_store_path       (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean    sayso_demo_recipient_key       (guint8       pk[SAYSO_BOX_PUBLIC_KEY_SIZE],
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
SaysoStore *sayso_store_open_default       (const char  *path,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean    sayso_ensure_private_dir       (const char  *dir,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
