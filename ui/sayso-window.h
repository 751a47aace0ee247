/* sayso-window.h: the kiosk's one window. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-config.h"
#include "sayso-journey.h"
#include "sayso-store.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_WINDOW (sayso_window_get_type ())

G_DECLARE_FINAL_TYPE (SaysoWindow, sayso_window, SAYSO, WINDOW, GtkApplicationWindow)

SaysoWindow *sayso_window_new            (GtkApplication         *application,
                                          SaysoStore             *store,
                                          SaysoQuestionnaire     *questionnaire,
                                          const SaysoKioskConfig *config,
                                          gboolean                kiosk_mode);
gboolean     sayso_window_get_kiosk_mode (SaysoWindow            *self);
SaysoPage    sayso_window_get_page       (SaysoWindow            *self);
SaysoJourney *sayso_window_get_journey   (SaysoWindow            *self);
const char  *sayso_window_get_last_error (SaysoWindow            *self);
void         sayso_window_forget         (SaysoWindow            *self);
void         sayso_window_set_settings_file (SaysoWindow         *self,
                                             const char          *path);
void         sayso_window_shutdown       (SaysoWindow            *self);

G_END_DECLS
