/* sayso-settings-page.h: staff mode's settings for this kiosk. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-store.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_SETTINGS_PAGE (sayso_settings_page_get_type ())

G_DECLARE_FINAL_TYPE (SaysoSettingsPage, sayso_settings_page, SAYSO, SETTINGS_PAGE, GtkWidget)

void        sayso_settings_page_set_store         (SaysoSettingsPage *self,
                                                   SaysoStore        *store);
void        sayso_settings_page_set_settings_file (SaysoSettingsPage *self,
                                                   const char        *path);
void        sayso_settings_page_load              (SaysoSettingsPage *self);
void        sayso_settings_page_save              (SaysoSettingsPage *self);
const char *sayso_settings_page_get_message       (SaysoSettingsPage *self);

G_END_DECLS
