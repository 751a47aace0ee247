/* sayso-config.h: the kiosk's settings, from kiosk.ini. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint     idle_timeout;      /* seconds without a touch before "Are you still there?" */
  guint     countdown;         /* seconds that question waits before forgetting */
  gboolean  bilingual;         /* two languages side by side: */
  char     *pair[2];           /* which, the first above or before the second: Welsh, English */
  char     *default_language;
  gboolean  keep_partial;      /* submit what a walked-away respondent answered */
  char     *export_folder;     /* where staff export besides removable drives, e.g. /run/sayso-usb */
} SaysoKioskConfig;

SaysoKioskConfig *sayso_kiosk_config_new          (void);
SaysoKioskConfig *sayso_kiosk_config_copy         (const SaysoKioskConfig *config);
void              sayso_kiosk_config_free         (SaysoKioskConfig       *config);
char             *sayso_kiosk_config_default_path (void) G_GNUC_WARN_UNUSED_RESULT;
SaysoKioskConfig *sayso_kiosk_config_load         (const char             *path,
                                                   GError                **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean          sayso_kiosk_config_save         (const SaysoKioskConfig *config,
                                                   const char             *path,
                                                   GError                **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean          sayso_kiosk_config_get_welsh_first (const SaysoKioskConfig *config);
void              sayso_kiosk_config_set_welsh_first (SaysoKioskConfig       *config,
                                                      gboolean                welsh_first);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SaysoKioskConfig, sayso_kiosk_config_free)

G_END_DECLS
