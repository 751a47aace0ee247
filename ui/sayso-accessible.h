/* sayso-accessible.h: what assistive technologies are told, where GTK 4.8
 * does not tell them by itself. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void sayso_accessible_follow_stack (GtkStack *stack);

G_END_DECLS
