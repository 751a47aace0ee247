/* sayso-process.h: what every Sayso program does first, and its private folders. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void        sayso_init                     (void);
void        sayso_disable_core_dumps       (void);
gboolean    sayso_ensure_private_dir       (const char  *dir,
                                            GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
