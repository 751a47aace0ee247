/* sayso-export-page.h: staff mode's export to a USB stick. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-store.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_EXPORT_PAGE (sayso_export_page_get_type ())

G_DECLARE_FINAL_TYPE (SaysoExportPage, sayso_export_page, SAYSO, EXPORT_PAGE, GtkWidget)

void        sayso_export_page_set_store         (SaysoExportPage *self,
                                                 SaysoStore      *store);
void        sayso_export_page_set_export_folder (SaysoExportPage *self,
                                                 const char      *path);
void        sayso_export_page_refresh           (SaysoExportPage *self);
void        sayso_export_page_export_to         (SaysoExportPage *self,
                                                 const char      *folder);
gboolean    sayso_export_page_get_busy          (SaysoExportPage *self);
const char *sayso_export_page_get_message       (SaysoExportPage *self);
void        sayso_export_page_set_upload_status (SaysoExportPage *self,
                                                 const char      *text);

G_END_DECLS
