/* sayso-application.h: the sayso-kiosk program. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SAYSO_TYPE_APPLICATION (sayso_application_get_type ())

G_DECLARE_FINAL_TYPE (SaysoApplication, sayso_application, SAYSO, APPLICATION, GtkApplication)

#define SAYSO_KIOSK_APP_ID "org.sayso.Kiosk"

void              sayso_kiosk_init        (void);
void              sayso_kiosk_load_style  (GdkDisplay *display);
SaysoApplication *sayso_application_new   (void);

G_END_DECLS
