/* sayso-accessible.c: what assistive technologies are told, where GTK 4.8
 * does not tell them by itself.
 *
 * GTK 4.8's GtkStack keeps every page in the accessibility tree, visible and
 * with a size, and sends no "showing" state: a screen reader on a question
 * would still find the welcome screen's buttons. A stack followed here shows
 * assistive technologies its visible page only.
 */
#define G_LOG_DOMAIN "sayso-accessible"

#include "sayso-accessible.h"

static void
visible_child_changed (GtkStack   *stack,
                       GParamSpec *pspec,
                       gpointer    data)
{
  GtkWidget *shown = gtk_stack_get_visible_child (stack);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gboolean hidden = child != shown;

      gtk_accessible_update_state (GTK_ACCESSIBLE (gtk_stack_get_page (stack, child)),
                                   GTK_ACCESSIBLE_STATE_HIDDEN, hidden, -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_STATE_HIDDEN, hidden, -1);
    }
}

/**
 * sayso_accessible_follow_stack:
 *
 * From now on, only @stack's visible page is exposed to assistive
 * technologies; the others are hidden from them as they are from the eye.
 */
void
sayso_accessible_follow_stack (GtkStack *stack)
{
  g_return_if_fail (GTK_IS_STACK (stack));

  g_signal_connect (stack, "notify::visible-child", G_CALLBACK (visible_child_changed), NULL);
  visible_child_changed (stack, NULL, NULL);
}
