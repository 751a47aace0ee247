/* sayso-staff-view.h: staff mode, behind the PIN. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-outbox.h"
#include "sayso-pin-gate.h"
#include "sayso-store.h"
#include "sayso-submit-queue.h"

G_BEGIN_DECLS

#define SAYSO_STAFF_IDLE_SECONDS 120

#define SAYSO_TYPE_STAFF_VIEW (sayso_staff_view_get_type ())

G_DECLARE_FINAL_TYPE (SaysoStaffView, sayso_staff_view, SAYSO, STAFF_VIEW, GtkWidget)

SaysoStaffView *sayso_staff_view_new                (void);
void            sayso_staff_view_set_store          (SaysoStaffView *self,
                                                     SaysoStore     *store);
void            sayso_staff_view_set_queue          (SaysoStaffView   *self,
                                                     SaysoSubmitQueue *queue);
void            sayso_staff_view_set_outbox         (SaysoStaffView *self,
                                                     SaysoOutbox    *outbox);
void            sayso_staff_view_set_settings_file  (SaysoStaffView *self,
                                                     const char     *path);
void            sayso_staff_view_set_export_folder  (SaysoStaffView *self,
                                                     const char     *path);
void            sayso_staff_view_set_submitted_today (SaysoStaffView *self,
                                                      guint           count);
void            sayso_staff_view_set_last_error     (SaysoStaffView *self,
                                                     const char     *message);
void            sayso_staff_view_set_idle_seconds   (SaysoStaffView *self,
                                                     guint           seconds);
/* Whether a store without a PIN lets the first person here choose one:
 * only in a window (development, a demo), never on a kiosk. */
void            sayso_staff_view_set_may_set_first_pin (SaysoStaffView *self,
                                                        gboolean        may);
void            sayso_staff_view_set_clock          (SaysoStaffView *self,
                                                     SaysoClockFunc  clock);
void            sayso_staff_view_open               (SaysoStaffView *self);
void            sayso_staff_view_close              (SaysoStaffView *self);
const char     *sayso_staff_view_get_page           (SaysoStaffView *self);
const char     *sayso_staff_view_get_message        (SaysoStaffView *self);

G_END_DECLS
