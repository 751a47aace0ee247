/* sayso-staff-private.h: what the parts of staff mode share. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A message line shows only when it has something to say, so that an empty
 * one takes no room on the page. */
static inline void
_sayso_staff_show_message (GtkLabel   *label,
                           const char *message)
{
  gtk_label_set_label (label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (label), message != NULL && *message);
}

G_END_DECLS
