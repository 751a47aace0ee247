/* sayso-window-actions.c: what can be done on the kiosk's screen.
 *
 * Buttons name these actions; each calls the journey or changes the look.
 * _sayso_window_actions_update() alone decides which are enabled, from the
 * journey's page and the dialog on the screen, and what the buttons that
 * move say.
 */
#define G_LOG_DOMAIN "sayso-window"

#include "sayso-window-private.h"

/* The one place that decides what can be done on the screen as it is now. */
void
_sayso_window_actions_update (SaysoWindow *self)
{
  SaysoPage page = sayso_journey_get_page (self->journey);
  gboolean in_survey = sayso_journey_in_survey (self->journey);
  gboolean still_there = sayso_journey_get_still_there (self->journey);
  gboolean dialog = still_there || gtk_widget_get_visible (self->confirm);
  SaysoQuestion *question = sayso_journey_get_question (self->journey);
  SaysoStringId next_id = SAYSO_STR_NEXT;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.choose-language", page == SAYSO_PAGE_WELCOME);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back", in_survey && !dialog);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next",
                                 (page == SAYSO_PAGE_PROMISE || page == SAYSO_PAGE_QUESTION) && !dialog);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.submit", page == SAYSO_PAGE_SUBMIT && !dialog);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-again", in_survey && !dialog);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-again-confirm", gtk_widget_get_visible (self->confirm));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start-again-cancel", gtk_widget_get_visible (self->confirm));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.still-here", still_there);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.text-size", page == SAYSO_PAGE_WELCOME);

  gtk_widget_set_visible (self->nav_bar, in_survey);
  gtk_widget_set_visible (self->next_button, page != SAYSO_PAGE_SUBMIT);
  gtk_widget_set_visible (self->start_again_button, in_survey);

  if (page == SAYSO_PAGE_PROMISE)
    next_id = SAYSO_STR_PROMISE_START;
  else if (question && !sayso_response_has_answer (sayso_journey_get_response (self->journey),
                                                   sayso_question_get_id (question)))
    next_id = SAYSO_STR_SKIP;
  _sayso_window_set_pair (self, self->next_label, next_id);
  _sayso_window_set_accessible_label (self->next_button, self, next_id);

  if (question)
    _sayso_window_set_pair_printf (self, self->progress, SAYSO_STR_PROGRESS,
                     sayso_journey_get_position (self->journey), sayso_journey_get_count (self->journey));
  else
    sayso_text_pair_set (self->progress, NULL, NULL);

  sayso_welcome_page_set_text_size (self->welcome_page, self->text_size);
}

static void
choose_language_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *param)
{
  SaysoWindow *self = SAYSO_WINDOW (widget);

  /* A language the questionnaire lacks changes nothing. */
  (void) sayso_journey_choose_language (self->journey, g_variant_get_string (param, NULL));
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sayso_journey_next (SAYSO_WINDOW (widget)->journey);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  sayso_journey_back (SAYSO_WINDOW (widget)->journey);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  sayso_journey_submit (SAYSO_WINDOW (widget)->journey);
}

static void
speak_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  SaysoWindow *self = SAYSO_WINDOW (widget);

  sayso_journey_note_activity (self->journey);
  _sayso_window_speak (self);
}

/* Louder or quieter by a fifth, for this respondent only (the journey's
 * "forgotten" puts it back). */
static void
volume_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  SaysoWindow *self = SAYSO_WINDOW (widget);
  double step = g_str_equal (action_name, "win.volume-up") ? SAYSO_SPEECH_VOLUME_STEP : -SAYSO_SPEECH_VOLUME_STEP;
  double volume = sayso_speech_get_volume (self->speech) + step;

  sayso_journey_note_activity (self->journey);
  /* Never silent: a fifth is the least. */
  sayso_speech_set_volume (self->speech, CLAMP (volume, SAYSO_SPEECH_VOLUME_STEP, 1.0));
  _sayso_window_update_volume (self);
}

static void
start_again_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  SaysoWindow *self = SAYSO_WINDOW (widget);

  sayso_journey_note_activity (self->journey);
  gtk_widget_set_visible (self->confirm, TRUE);
  _sayso_window_actions_update (self);
  gtk_widget_grab_focus (self->confirm_no_button);
}

static void
start_again_cancel_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *param)
{
  SaysoWindow *self = SAYSO_WINDOW (widget);

  sayso_journey_note_activity (self->journey);
  gtk_widget_set_visible (self->confirm, FALSE);
  _sayso_window_actions_update (self);
  gtk_widget_grab_focus (self->start_again_button);
}

static void
start_again_confirm_action (GtkWidget  *widget,
                            const char *action_name,
                            GVariant   *param)
{
  sayso_journey_start_again (SAYSO_WINDOW (widget)->journey);
}

static void
still_here_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  sayso_journey_still_here (SAYSO_WINDOW (widget)->journey);
}

static void
text_size_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  SaysoWindow *self = SAYSO_WINDOW (widget);

  self->text_size = MIN (g_variant_get_uint32 (param), 2);
  _sayso_window_apply_look (self);
  _sayso_window_actions_update (self);
}

static void
staff_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  _sayso_window_open_staff (SAYSO_WINDOW (widget));
}

void
_sayso_window_class_add_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.choose-language", "s", choose_language_action);
  gtk_widget_class_install_action (widget_class, "win.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "win.speak", NULL, speak_action);
  gtk_widget_class_install_action (widget_class, "win.volume-down", NULL, volume_action);
  gtk_widget_class_install_action (widget_class, "win.volume-up", NULL, volume_action);
  gtk_widget_class_install_action (widget_class, "win.start-again", NULL, start_again_action);
  gtk_widget_class_install_action (widget_class, "win.start-again-confirm", NULL, start_again_confirm_action);
  gtk_widget_class_install_action (widget_class, "win.start-again-cancel", NULL, start_again_cancel_action);
  gtk_widget_class_install_action (widget_class, "win.still-here", NULL, still_here_action);
  gtk_widget_class_install_action (widget_class, "win.text-size", "u", text_size_action);
  gtk_widget_class_install_action (widget_class, "win.staff", NULL, staff_action);
  gtk_widget_class_install_property_action (widget_class, "win.high-contrast", "high-contrast");
  gtk_widget_class_install_property_action (widget_class, "win.read-aloud", "read-aloud");
}
