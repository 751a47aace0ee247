#pragma once

#include "sayso-outbox.h"

G_BEGIN_DECLS

/* A seam for the crash test: the process ends by SIGKILL right after the
 * service's receipt was verified and before the store marks the bundle
 * sent, as a kiosk losing its power there would. */
void _sayso_outbox_set_kill_after_receipt (gboolean kill);

G_END_DECLS
