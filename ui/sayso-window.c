/* sayso-window.c: the kiosk's one window, showing the respondent's journey.
 *
 * SaysoJourney decides where the respondent is (welcome → promise → one
 * question per screen → send → thank you → welcome) and when they are
 * forgotten; the window shows it, and its actions call the journey. When the
 * journey forgets someone (they finished, walked away or started again) the
 * window wipes every widget that showed an answer, the clipboards and the
 * speech, and puts the screen back as it was. A sent response leaves the
 * journey at once for the submit queue, which keeps it (out of sight) until
 * the store has it.
 *
 * The actions are in sayso-window-actions.c, the kiosk's lockdown and the
 * staff's way in in sayso-window-lockdown.c. A survey started from staff
 * mode is recorded as staff-assisted or paper, once.
 */
#define G_LOG_DOMAIN "sayso-window"

#include "sayso-accessible.h"
#include "sayso-keyboard.h"
#include "sayso-window-private.h"

G_DEFINE_FINAL_TYPE (SaysoWindow, sayso_window, GTK_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_HIGH_CONTRAST,
  PROP_READ_ALOUD,
  PROP_LAST_ERROR,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { STAFF_REQUESTED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* --- Languages ---------------------------------------------------------- */

static const char *
first_language (SaysoWindow *self)
{
  return sayso_journey_get_first_language (self->journey);
}

static const char *
second_language (SaysoWindow *self)
{
  return sayso_journey_get_second_language (self->journey);
}

void
_sayso_window_set_pair (SaysoWindow   *self,
                        SaysoTextPair *pair,
                        SaysoStringId  id)
{
  const char *second = second_language (self);

  sayso_text_pair_set (pair, sayso_string (id, first_language (self)), second ? sayso_string (id, second) : NULL);
}

void
_sayso_window_set_pair_printf (SaysoWindow   *self,
                               SaysoTextPair *pair,
                               SaysoStringId  id,
                               guint          a,
                               guint          b)
{
  const char *second = second_language (self);
  /* A word with one count takes its plural form by it; one with two
   * ("%u of %u") by the total. */
  gulong count = b != 0 ? b : a;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  one = g_strdup_printf (sayso_string_plural (id, first_language (self), count), a, b);
  if (second)
    two = g_strdup_printf (sayso_string_plural (id, second, count), a, b);
#pragma GCC diagnostic pop

  sayso_text_pair_set (pair, one, two);
}

void
_sayso_window_set_accessible_label (GtkWidget     *widget,
                                    SaysoWindow   *self,
                                    SaysoStringId  id)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  sayso_string (id, sayso_journey_get_language (self->journey)), -1);
}

/* --- Pages ------------------------------------------------------------------ */

/* The kiosk's own language (Welsh when bilingual) first, then the
 * questionnaire's order. */
static void
order_language_buttons (SaysoWindow *self)
{
  const SaysoKioskConfig *config = sayso_journey_get_config (self->journey);
  g_auto(GStrv) languages = sayso_journey_dup_languages (self->journey);

  sayso_welcome_page_order_languages (self->welcome_page, (const char * const *) languages,
                                      config->bilingual ? config->pair[0] : config->default_language);
}

/* --- Looking after the screen ------------------------------------------- */

/* GTK 4.8 gives a widget without a direction of its own the default's, not
 * its parent's, so a page is mirrored widget by widget. A text pair orders
 * its own texts (each by its letters); the keyboard keeps its keys where
 * they are printed. */
static void
set_direction_below (GtkWidget        *widget,
                     GtkTextDirection  direction)
{
  if (SAYSO_IS_KEYBOARD (widget))
    {
      gtk_widget_set_direction (widget, GTK_TEXT_DIR_LTR);
      return;
    }
  if (gtk_widget_get_direction (widget) != direction)
    gtk_widget_set_direction (widget, direction);
  if (SAYSO_IS_TEXT_PAIR (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    set_direction_below (child, direction);
}

/* The pages mirror when the first language is written right to left: Back
 * on the right, Next on the left, text from the right. Staff mode is in
 * English and stays as it is. Again on every page, as each builds widgets
 * (a question's options, the language buttons). */
static void
update_direction (SaysoWindow *self)
{
  GtkTextDirection direction = sayso_language_is_rtl (first_language (self)) ? GTK_TEXT_DIR_RTL : GTK_TEXT_DIR_LTR;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->overlay)); child;
       child = gtk_widget_get_next_sibling (child))
    if (child != GTK_WIDGET (self->staff_view))
      set_direction_below (child, direction);
}

void
_sayso_window_update_texts (SaysoWindow *self)
{
  const char *language = sayso_journey_get_language (self->journey);

  sayso_welcome_page_set_language (self->welcome_page, first_language (self), second_language (self), language);
  sayso_promise_page_set_language (self->promise_page, first_language (self), second_language (self));
  sayso_submit_page_set_language (self->submit_page, first_language (self), second_language (self), language);
  sayso_thanks_page_set_language (self->thanks_page, first_language (self), second_language (self));

  _sayso_window_set_pair (self, self->start_again_label, SAYSO_STR_START_AGAIN);
  _sayso_window_set_pair (self, self->speak_label, SAYSO_STR_READ_ALOUD);
  _sayso_window_set_pair (self, self->back_label, SAYSO_STR_BACK);
  _sayso_window_set_pair (self, self->still_there_title, SAYSO_STR_STILL_THERE_TITLE);
  _sayso_window_set_pair (self, self->still_here_label, SAYSO_STR_STILL_THERE_YES);
  _sayso_window_set_pair (self, self->confirm_title, SAYSO_STR_START_AGAIN_TITLE);
  _sayso_window_set_pair (self, self->confirm_body, SAYSO_STR_START_AGAIN_BODY);
  _sayso_window_set_pair (self, self->confirm_no_label, SAYSO_STR_START_AGAIN_NO);
  _sayso_window_set_pair (self, self->confirm_yes_label, SAYSO_STR_START_AGAIN_YES);

  _sayso_window_set_accessible_label (self->speak_button, self, SAYSO_STR_READ_ALOUD);
  _sayso_window_set_accessible_label (self->volume_down_button, self, SAYSO_STR_VOLUME_DOWN);
  _sayso_window_set_accessible_label (self->volume_up_button, self, SAYSO_STR_VOLUME_UP);
  _sayso_window_set_accessible_label (self->start_again_button, self, SAYSO_STR_START_AGAIN);
  _sayso_window_set_accessible_label (self->back_button, self, SAYSO_STR_BACK);
  _sayso_window_set_accessible_label (self->still_here_button, self, SAYSO_STR_STILL_THERE_YES);
  _sayso_window_set_accessible_label (self->confirm_no_button, self, SAYSO_STR_START_AGAIN_NO);
  _sayso_window_set_accessible_label (self->confirm_yes_button, self, SAYSO_STR_START_AGAIN_YES);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->logo_area), GTK_ACCESSIBLE_PROPERTY_LABEL, "Sayso", -1);
  update_direction (self);
}

void
_sayso_window_apply_look (SaysoWindow *self)
{
  static const char * const sizes[] = { "text-size-0", "text-size-1", "text-size-2" };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      if (i == self->text_size)
        gtk_widget_add_css_class (GTK_WIDGET (self), sizes[i]);
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self), sizes[i]);
    }
  if (self->high_contrast)
    gtk_widget_add_css_class (GTK_WIDGET (self), "high-contrast");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "high-contrast");
}

/* What "Read aloud" says on the page shown: on a question the progress,
 * the question, its help and its options numbered; on the others the
 * page's own words. Each text is played from its recorded clip where the
 * questionnaire has one; the progress, with its numbers, is always eSpeak
 * NG's (docs/format.md "Recorded voices"). */
static GPtrArray *
dup_speech (SaysoWindow *self)
{
  const char *lang = sayso_journey_get_language (self->journey);
  SaysoQuestion *question = sayso_journey_get_question (self->journey);
  GPtrArray *parts = sayso_speech_parts_new ();
  GPtrArray *page_parts = NULL;

  switch (sayso_journey_get_page (self->journey))
    {
    case SAYSO_PAGE_WELCOME:
      page_parts = sayso_welcome_page_dup_speech (self->welcome_page, self->questionnaire, lang);
      break;
    case SAYSO_PAGE_PROMISE:
      page_parts = sayso_promise_page_dup_speech (self->promise_page, self->questionnaire, lang);
      break;
    case SAYSO_PAGE_QUESTION:
      if (question != NULL)
        {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
          g_autofree char *progress = g_strdup_printf (sayso_string (SAYSO_STR_PROGRESS, lang),
                                                       sayso_journey_get_position (self->journey),
                                                       sayso_journey_get_count (self->journey));
#pragma GCC diagnostic pop
          g_autofree char *sentence = g_strconcat (progress, ".", NULL);

          sayso_speech_parts_add (parts, sentence, NULL);
          sayso_speech_parts_add_question (parts, self->questionnaire, question, lang);
        }
      break;
    case SAYSO_PAGE_SUBMIT:
      page_parts = sayso_submit_page_dup_speech (self->submit_page, self->questionnaire, lang);
      break;
    case SAYSO_PAGE_THANKS:
      page_parts = sayso_thanks_page_dup_speech (self->thanks_page, self->questionnaire, lang);
      break;
    default:
      break;
    }
  if (page_parts != NULL)
    g_ptr_array_extend_and_steal (parts, page_parts);
  return parts;
}

void
_sayso_window_speak (SaysoWindow *self)
{
  const char *language = sayso_journey_get_language (self->journey);
  g_autoptr(GPtrArray) parts = NULL;

  if (sayso_journey_get_still_there (self->journey))
    {
      parts = sayso_speech_parts_new ();
      sayso_speech_parts_add_string (parts, self->questionnaire, SAYSO_STR_STILL_THERE_TITLE, language);
      sayso_speech_parts_add_string (parts, self->questionnaire, SAYSO_STR_STILL_THERE_YES, language);
    }
  else
    parts = dup_speech (self);
  if (self->question_view)
    sayso_question_view_set_hearing (self->question_view, NULL);
  _sayso_window_set_audio_on (self, TRUE);
  sayso_speech_say_parts (self->speech, language, parts);
}

/* --- Hearing one thing, and how loud ------------------------------------ */

/* A speaker control on the question: that one text, in the respondent's
 * language (what someone typed has no control, and is in no part). */
static void
question_hear (SaysoQuestionView *view,
               const char        *part,
               int                option,
               SaysoWindow       *self)
{
  const char *language = sayso_journey_get_language (self->journey);
  SaysoQuestion *question = sayso_journey_get_question (self->journey);
  g_autoptr(GPtrArray) parts = sayso_speech_parts_new ();

  if (question == NULL)
    return;
  sayso_journey_note_activity (self->journey);
  if (g_str_equal (part, "text"))
    sayso_speech_parts_add_question_text (parts, self->questionnaire, question, language);
  else if (g_str_equal (part, "help"))
    sayso_speech_parts_add_help (parts, self->questionnaire, question, language);
  else if (option >= 0 && (guint) option < sayso_question_get_n_options (question))
    sayso_speech_parts_add_option (parts, self->questionnaire, question, option, language);
  _sayso_window_set_audio_on (self, TRUE);
  sayso_speech_say_parts (self->speech, language, parts);
}

static void
speech_finished (SaysoSpeech *speech,
                 SaysoWindow *self)
{
  if (self->question_view)
    sayso_question_view_set_hearing (self->question_view, NULL);
}

/* The volume buttons show while this respondent has audio on. */
void
_sayso_window_set_audio_on (SaysoWindow *self,
                            gboolean     on)
{
  self->audio_on = !!on;
  gtk_widget_set_visible (self->volume_box, self->audio_on);
  _sayso_window_update_volume (self);
}

void
_sayso_window_update_volume (SaysoWindow *self)
{
  double volume = sayso_speech_get_volume (self->speech);

  gtk_widget_set_sensitive (self->volume_down_button, volume > SAYSO_SPEECH_VOLUME_STEP + 1e-6);
  gtk_widget_set_sensitive (self->volume_up_button, volume < 1.0 - 1e-6);
}

static GtkWidget *
volume_button_new (const char *name,
                   const char *action,
                   const char *icon,
                   const char *sign)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *label = gtk_label_new (sign);

  gtk_widget_set_halign (box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name (icon));
  gtk_widget_add_css_class (label, "volume-sign");
  gtk_box_append (GTK_BOX (box), label);
  gtk_button_set_child (GTK_BUTTON (button), box);

  gtk_widget_set_name (button, name);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "bar-button");
  gtk_widget_add_css_class (button, "volume");
  return button;
}

/* Quieter and louder, large for a finger: a speaker with a minus or a plus. */
static void
add_volume_buttons (SaysoWindow *self)
{
  self->volume_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 16);
  self->volume_down_button = volume_button_new ("volume-down", "win.volume-down", "audio-volume-low-symbolic", "−");
  self->volume_up_button = volume_button_new ("volume-up", "win.volume-up", "audio-volume-high-symbolic", "+");
  gtk_box_append (GTK_BOX (self->volume_box), self->volume_down_button);
  gtk_box_append (GTK_BOX (self->volume_box), self->volume_up_button);
  gtk_widget_set_visible (self->volume_box, FALSE);
  gtk_widget_set_hexpand (self->volume_box, TRUE);
  gtk_widget_set_halign (self->volume_box, GTK_ALIGN_CENTER);
  /* Between Back and Next, where the top bar has no room to spare. */
  gtk_box_append (GTK_BOX (gtk_center_box_get_center_widget (GTK_CENTER_BOX (self->nav_bar))), self->volume_box);
}

/* Told to staff when the kiosk starts, never to a respondent: the texts
 * whose clips are not there are said by eSpeak NG. */
static void
report_audio_problems (SaysoWindow *self)
{
  GPtrArray *problems = sayso_questionnaire_get_audio_problems (self->questionnaire);

  for (guint i = 0; i < problems->len; i++)
    g_message ("Recorded voice: %s", (const char *) g_ptr_array_index (problems, i));
}

/* --- Idleness ------------------------------------------------------------ */

static void
still_there_seconds_changed (SaysoJourney *journey,
                             GParamSpec   *pspec,
                             SaysoWindow  *self)
{
  _sayso_window_set_pair_printf (self, self->still_there_body, SAYSO_STR_STILL_THERE_BODY,
                   sayso_journey_get_seconds_left (journey), 0);
}

static void
still_there_changed (SaysoJourney *journey,
                     GParamSpec   *pspec,
                     SaysoWindow  *self)
{
  gboolean shown = sayso_journey_get_still_there (journey);

  gtk_widget_set_visible (self->still_there, shown);
  if (shown)
    {
      /* Drawn again each time in this respondent's language: the count may
       * not have changed since the last respondent saw it in theirs. */
      still_there_seconds_changed (journey, NULL, self);
      gtk_widget_set_visible (self->confirm, FALSE);
      gtk_widget_grab_focus (self->still_here_button);
      if (self->read_aloud)
        _sayso_window_speak (self);
    }
  _sayso_window_actions_update (self);
}

static gboolean
on_any_event (GtkEventControllerLegacy *controller,
              GdkEvent                 *event,
              SaysoWindow              *self)
{
  switch ((int) gdk_event_get_event_type (event))
    {
    case GDK_BUTTON_PRESS:
    case GDK_TOUCH_BEGIN:
    case GDK_KEY_PRESS:
    case GDK_SCROLL:
      sayso_journey_note_activity (self->journey);
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

/* --- Forgetting ----------------------------------------------------------- */

static void
clear_clipboards (SaysoWindow *self)
{
  gdk_clipboard_set_content (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL);
  gdk_clipboard_set_content (gtk_widget_get_primary_clipboard (GTK_WIDGET (self)), NULL);
}

static void
reset_look (SaysoWindow *self)
{
  self->text_size = 0;
  if (self->high_contrast)
    {
      self->high_contrast = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIGH_CONTRAST]);
    }
  if (self->read_aloud)
    {
      self->read_aloud = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READ_ALOUD]);
    }
  sayso_speech_set_volume (self->speech, SAYSO_SPEECH_VOLUME_DEFAULT);
  _sayso_window_set_audio_on (self, FALSE);
  _sayso_window_apply_look (self);
}

/* Welsh and English side by side, and the kiosk's own language first among
 * the language buttons: the journey says when they change (at once on the
 * welcome, else when the respondent leaves). */
static void
screen_config_changed (SaysoJourney *journey,
                       GParamSpec   *pspec,
                       SaysoWindow  *self)
{
  if (sayso_journey_get_config (journey)->bilingual)
    gtk_widget_add_css_class (GTK_WIDGET (self), "bilingual");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "bilingual");
  order_language_buttons (self);
  /* The texts follow with the page shown next (show_page()). */
}

/* Everything on the screen that could tell the next person about this one
 * goes; the journey has wiped the answers. */
static void
respondent_forgotten (SaysoJourney *journey,
                      SaysoWindow  *self)
{
  /* Someone who left before the first question was never shown one. */
  if (self->question_view)
    sayso_question_view_clear (self->question_view);
  sayso_speech_stop (self->speech);
  clear_clipboards (self);
  gtk_widget_set_visible (self->confirm, FALSE);
  reset_look (self);
}

/* The answers leave for the queue, which keeps them until the store has them. */
static int
journey_send (SaysoJourney  *journey,
              SaysoResponse *response,
              int            mode,
              SaysoWindow   *self)
{
  return sayso_submit_queue_push (self->queue, g_object_ref (response), mode);
}

/* --- Moving through the journey ----------------------------------------- */

/* Focus moving to a button scrolls its page smoothly (GtkViewport). When a
 * page is hidden mid-scroll, GTK 4.8's gtk_adjustment_enable_animation()
 * disconnects the scroll's frame-clock handler a second time and logs a
 * critical; a quick tap on Next does it. Ending each scroll where it stands
 * before a page is hidden keeps GTK off that path. */
static void
settle_scrolling (GtkWidget *widget)
{
  if (GTK_IS_SCROLLED_WINDOW (widget))
    {
      GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (widget);
      GtkAdjustment *adjustments[] = { gtk_scrolled_window_get_hadjustment (scrolled),
                                       gtk_scrolled_window_get_vadjustment (scrolled) };

      for (guint i = 0; i < G_N_ELEMENTS (adjustments); i++)
        if (adjustments[i])  /* the same value: it only stops the animation */
          gtk_adjustment_set_value (adjustments[i], gtk_adjustment_get_value (adjustments[i]));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    settle_scrolling (child);
}

/* Only the page shown (and, while the crossfade runs, the one leaving) is
 * visible: GTK styles every visible widget of a window as it is first
 * shown, stack pages out of sight included, and looks up each of their
 * icons at the size its style asks for. The question's speaker controls
 * ask for sizes that only the icon theme's SVGs have, which brought
 * librsvg (and libxml2) in for the welcome screen: 8.7 MB of its 50 MB
 * resident, and 60 ms of its first frame. A page is styled when it first
 * comes, as a respondent reaches it. */
static void
hide_pages_out_of_sight (GtkStack *stack)
{
  GtkWidget *shown = gtk_stack_get_visible_child (stack);

  if (gtk_stack_get_transition_running (stack))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child;
       child = gtk_widget_get_next_sibling (child))
    if (child != shown)
      gtk_widget_set_visible (child, FALSE);
}

static void
stack_transition_running_changed (GtkStack   *stack,
                                  GParamSpec *pspec,
                                  gpointer    data)
{
  hide_pages_out_of_sight (stack);
}

static void
question_changed (SaysoQuestionView *view,
                  SaysoWindow       *self)
{
  sayso_journey_note_activity (self->journey);
  _sayso_window_actions_update (self);
}

/* The question page's view, built when the first question is shown: the
 * welcome screen never shows it, and with its on-screen keyboard it was
 * the largest part of the window to build at start. A respondent who
 * leaves before it (the idle reset, Start again) leaves it unbuilt; once
 * built it stays, emptied for each next respondent. */
static SaysoQuestionView *
ensure_question_view (SaysoWindow *self)
{
  if (self->question_view != NULL)
    return self->question_view;

  self->question_view = SAYSO_QUESTION_VIEW (sayso_question_view_new ());
  gtk_widget_add_css_class (GTK_WIDGET (self->question_view), "page");
  g_signal_connect (self->question_view, "changed", G_CALLBACK (question_changed), self);
  g_signal_connect (self->question_view, "hear", G_CALLBACK (question_hear), self);
  gtk_scrolled_window_set_child (self->question_scroller, GTK_WIDGET (self->question_view));
  return self->question_view;
}

/* The journey moved: the page (and question) it is at now. */
static void
show_page (SaysoJourney *journey,
           SaysoWindow  *self)
{
  static const char * const names[] = { "welcome", "promise", "question", "submit", "thanks" };
  SaysoPage page = sayso_journey_get_page (journey);
  SaysoQuestion *question = sayso_journey_get_question (journey);

  if (gtk_stack_get_visible_child (self->stack))   /* the page about to be hidden */
    settle_scrolling (gtk_stack_get_visible_child (self->stack));
  gtk_widget_set_visible (gtk_stack_get_child_by_name (self->stack, names[page]), TRUE);
  gtk_stack_set_visible_child_name (self->stack, names[page]);
  hide_pages_out_of_sight (self->stack);

  if (question)
    sayso_question_view_show (ensure_question_view (self), sayso_journey_get_response (journey), question,
                              first_language (self), second_language (self));
  else if (self->question_view)
    sayso_question_view_clear (self->question_view);

  _sayso_window_update_texts (self);
  _sayso_window_actions_update (self);

  /* Each page takes the focus to its heading (its question, or the answer
   * box named by it) so that a screen reader announces the new page. The
   * same heading shows the next question too: the focus leaves it first, or
   * the move would go unheard. */
  gtk_window_set_focus (GTK_WINDOW (self), NULL);
  switch (page)
    {
    case SAYSO_PAGE_WELCOME:
      if (sayso_welcome_page_get_first_language_button (self->welcome_page))
        gtk_widget_grab_focus (sayso_welcome_page_get_first_language_button (self->welcome_page));
      break;
    case SAYSO_PAGE_QUESTION:
      if (sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT)
        gtk_widget_grab_focus (GTK_WIDGET (sayso_question_view_get_text_view (self->question_view)));
      else if (!sayso_question_view_focus_question (self->question_view))
        gtk_widget_grab_focus (self->next_button);
      break;
    case SAYSO_PAGE_PROMISE:
    case SAYSO_PAGE_SUBMIT:
    case SAYSO_PAGE_THANKS:
    default:
      gtk_widget_child_focus (GTK_WIDGET (gtk_stack_get_visible_child (self->stack)), GTK_DIR_TAB_FORWARD);
      break;
    }

  /* Nothing of the last page goes on being said over this one. */
  sayso_speech_stop (self->speech);
  if (self->read_aloud && page != SAYSO_PAGE_WELCOME)
    _sayso_window_speak (self);
}

void
_sayso_window_open_staff (SaysoWindow *self)
{
  g_signal_emit (self, signals[STAFF_REQUESTED], 0);
  if (gtk_widget_get_visible (GTK_WIDGET (_sayso_window_ensure_staff_view (self))))
    return;

  /* Staff mode has its own two-minute close; the respondent's clock stops. */
  sayso_journey_hold (self->journey);
  sayso_staff_view_set_submitted_today (self->staff_view, sayso_journey_get_submitted_today (self->journey));
  sayso_staff_view_set_last_error (self->staff_view, sayso_submit_queue_get_last_error (self->queue));
  gtk_widget_set_sensitive (gtk_overlay_get_child (GTK_OVERLAY (self->overlay)), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->staff_view), TRUE);
  sayso_staff_view_open (self->staff_view);
}

/* --- GObject ---------------------------------------------------------------- */

static void
queue_error_changed (SaysoSubmitQueue *queue,
                     GParamSpec       *pspec,
                     SaysoWindow      *self)
{
  const char *error = sayso_submit_queue_get_last_error (queue);

  /* For staff: a small marker in the corner, the detail in its tooltip. */
  gtk_widget_set_visible (self->status_marker, error != NULL);
  gtk_widget_set_tooltip_text (self->status_marker, error);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->status_marker), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  sayso_string (SAYSO_STR_STORE_PROBLEM,
                                                sayso_journey_get_config (self->journey)->default_language), -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

/* The answers on the thank-you were waiting and have now been stored (or
 * refused for good): the screen says so while it is still up. */
static void
queue_outcome_changed (SaysoSubmitQueue *queue,
                       GParamSpec       *pspec,
                       SaysoWindow      *self)
{
  sayso_journey_settle_outcome (self->journey, sayso_submit_queue_get_last_outcome (queue));
}

static void
outcome_changed (SaysoJourney *journey,
                 GParamSpec   *pspec,
                 SaysoWindow  *self)
{
  sayso_thanks_page_set_outcome (self->thanks_page, sayso_journey_get_outcome (journey));
}

static void
sayso_window_unmap (GtkWidget *widget)
{
  settle_scrolling (widget);
  GTK_WIDGET_CLASS (sayso_window_parent_class)->unmap (widget);
}

static void
sayso_window_dispose (GObject *object)
{
  SaysoWindow *self = SAYSO_WINDOW (object);

  g_clear_handle_id (&self->staff_source, g_source_remove);
  if (self->journey)
    g_signal_handlers_disconnect_by_data (self->journey, self);
  /* Wiped here as well as by the journey's own dispose: someone else may
   * still hold a reference to the journey. */
  if (self->journey && sayso_journey_get_response (self->journey))
    sayso_response_clear (sayso_journey_get_response (self->journey));
  g_clear_object (&self->journey);
  if (self->queue)
    g_signal_handlers_disconnect_by_data (self->queue, self);

  /* Built in code, they go with the template's widgets they are inside. */
  self->question_view = NULL;
  self->staff_view = NULL;
  /* The window lets go of its child itself, before the template's
   * children are disposed, so that GtkWindow's own dispose does not
   * unparent it a second time. */
  gtk_window_set_child (GTK_WINDOW (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), SAYSO_TYPE_WINDOW);

  g_clear_object (&self->queue);
  g_clear_object (&self->outbox);
  g_clear_object (&self->store);
  g_clear_object (&self->questionnaire);
  if (self->speech)
    g_signal_handlers_disconnect_by_data (self->speech, self);
  g_clear_object (&self->speech);
  g_clear_object (&self->voice);

  G_OBJECT_CLASS (sayso_window_parent_class)->dispose (object);
}

static void
sayso_window_finalize (GObject *object)
{
  SaysoWindow *self = SAYSO_WINDOW (object);

  g_clear_pointer (&self->settings_file, g_free);

  G_OBJECT_CLASS (sayso_window_parent_class)->finalize (object);
}

static void
sayso_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  SaysoWindow *self = SAYSO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HIGH_CONTRAST:
      g_value_set_boolean (value, self->high_contrast);
      break;
    case PROP_READ_ALOUD:
      g_value_set_boolean (value, self->read_aloud);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, sayso_window_get_last_error (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  SaysoWindow *self = SAYSO_WINDOW (object);

  switch (prop_id)
    {
    case PROP_HIGH_CONTRAST:
      if (self->high_contrast != g_value_get_boolean (value))
        {
          self->high_contrast = g_value_get_boolean (value);
          _sayso_window_apply_look (self);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_READ_ALOUD:
      if (self->read_aloud != g_value_get_boolean (value))
        {
          self->read_aloud = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
          if (self->read_aloud)
            _sayso_window_speak (self);
          else
            sayso_speech_stop (self->speech);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_window_class_init (SaysoWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sayso_window_dispose;
  object_class->finalize = sayso_window_finalize;
  object_class->get_property = sayso_window_get_property;
  object_class->set_property = sayso_window_set_property;

  widget_class->unmap = sayso_window_unmap;

  _sayso_window_class_add_lockdown (window_class);

  properties[PROP_HIGH_CONTRAST] =
    g_param_spec_boolean ("high-contrast", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READ_ALOUD] =
    g_param_spec_boolean ("read-aloud", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * SaysoWindow:last-error:
   *
   * Why the store last refused a response, for staff; %NULL once it is stored.
   */
  properties[PROP_LAST_ERROR] =
    g_param_spec_string ("last-error", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * SaysoWindow::staff-requested:
   *
   * Staff held the top-left corner: the PIN screen should open.
   */
  signals[STAFF_REQUESTED] =
    g_signal_new ("staff-requested",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  g_type_ensure (SAYSO_TYPE_TEXT_PAIR);
  g_type_ensure (SAYSO_TYPE_WELCOME_PAGE);
  g_type_ensure (SAYSO_TYPE_PROMISE_PAGE);
  g_type_ensure (SAYSO_TYPE_SUBMIT_PAGE);
  g_type_ensure (SAYSO_TYPE_THANKS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/sayso/Kiosk/sayso-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, overlay);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, top_bar);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, logo_area);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, status_marker);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, start_again_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, start_again_label);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, speak_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, speak_label);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, welcome_page);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, promise_page);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, question_scroller);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, submit_page);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, thanks_page);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, nav_bar);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, back_label);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, next_label);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, next_icon);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, still_there);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, still_there_title);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, still_there_body);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, still_here_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, still_here_label);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, confirm);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, confirm_title);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, confirm_body);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, confirm_no_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, confirm_no_label);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, confirm_yes_button);
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, confirm_yes_label);

  _sayso_window_class_add_actions (widget_class);
}

static void
sayso_window_init (SaysoWindow *self)
{
  GtkEventController *controller;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_add_css_class (GTK_WIDGET (self), "sayso");
  sayso_accessible_follow_stack (self->stack);
  g_signal_connect (self->stack, "notify::transition-running", G_CALLBACK (stack_transition_running_changed), NULL);
  hide_pages_out_of_sight (self->stack);

  self->speech = sayso_speech_new ();
  self->voice = sayso_media_voice_new ();
  sayso_speech_set_voice (self->speech, SAYSO_VOICE (self->voice));
  g_signal_connect (self->speech, "finished", G_CALLBACK (speech_finished), self);
  add_volume_buttons (self);

  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "event", G_CALLBACK (on_any_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  _sayso_window_lockdown_init (self);
}

SaysoWindow *
sayso_window_new (GtkApplication         *application,
                  SaysoStore             *store,
                  SaysoQuestionnaire     *questionnaire,
                  const SaysoKioskConfig *config,
                  gboolean                kiosk_mode)
{
  g_auto(GStrv) languages = NULL;
  SaysoWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (SAYSO_IS_STORE (store), NULL);
  g_return_val_if_fail (SAYSO_IS_QUESTIONNAIRE (questionnaire), NULL);
  g_return_val_if_fail (config != NULL, NULL);

  self = g_object_new (SAYSO_TYPE_WINDOW, "application", application, NULL);
  self->kiosk_mode = !!kiosk_mode;
  self->store = g_object_ref (store);
  self->queue = sayso_submit_queue_new (store);
  self->questionnaire = g_object_ref (questionnaire);
  report_audio_problems (self);
  self->journey = sayso_journey_new (questionnaire, config);
  g_signal_connect (self->journey, "moved", G_CALLBACK (show_page), self);
  g_signal_connect (self->journey, "forgotten", G_CALLBACK (respondent_forgotten), self);
  g_signal_connect (self->journey, "send", G_CALLBACK (journey_send), self);
  g_signal_connect (self->journey, "notify::still-there", G_CALLBACK (still_there_changed), self);
  g_signal_connect (self->journey, "notify::seconds-left", G_CALLBACK (still_there_seconds_changed), self);
  g_signal_connect (self->journey, "notify::outcome", G_CALLBACK (outcome_changed), self);
  g_signal_connect (self->journey, "notify::bilingual", G_CALLBACK (screen_config_changed), self);
  g_signal_connect (self->journey, "notify::default-language", G_CALLBACK (screen_config_changed), self);
  screen_config_changed (self->journey, NULL, self);
  g_signal_connect (self->queue, "notify::last-error", G_CALLBACK (queue_error_changed), self);
  g_signal_connect (self->queue, "notify::last-outcome", G_CALLBACK (queue_outcome_changed), self);
  sayso_store_prepare (store);
  /* Sends what the store's exports left in its outbox, off the main thread's
   * way: a respondent's submit never waits on the network. Without an upload
   * address it sends nothing. */
  self->outbox = sayso_outbox_new (store, g_network_monitor_get_default ());
  sayso_outbox_start (self->outbox);

  languages = sayso_journey_dup_languages (self->journey);
  sayso_welcome_page_set_languages (self->welcome_page, (const char * const *) languages);
  order_language_buttons (self);

  if (kiosk_mode)
    _sayso_window_lock_down (self);
  else
    gtk_window_set_default_size (GTK_WINDOW (self), 1280, 800);

  _sayso_window_apply_look (self);
  show_page (self->journey, self);
  return self;
}

gboolean
sayso_window_get_kiosk_mode (SaysoWindow *self)
{
  g_return_val_if_fail (SAYSO_IS_WINDOW (self), FALSE);
  return self->kiosk_mode;
}

SaysoPage
sayso_window_get_page (SaysoWindow *self)
{
  g_return_val_if_fail (SAYSO_IS_WINDOW (self), SAYSO_PAGE_WELCOME);
  return sayso_journey_get_page (self->journey);
}

/**
 * sayso_window_get_journey:
 *
 * Returns: (transfer none): the respondent's journey the window shows
 */
SaysoJourney *
sayso_window_get_journey (SaysoWindow *self)
{
  g_return_val_if_fail (SAYSO_IS_WINDOW (self), NULL);
  return self->journey;
}

const char *
sayso_window_get_last_error (SaysoWindow *self)
{
  g_return_val_if_fail (SAYSO_IS_WINDOW (self), NULL);
  return self->queue ? sayso_submit_queue_get_last_error (self->queue) : NULL;
}

void
sayso_window_set_settings_file (SaysoWindow *self,
                                const char  *path)
{
  g_return_if_fail (SAYSO_IS_WINDOW (self));

  g_free (self->settings_file);
  self->settings_file = g_strdup (path);
  if (self->staff_view)
    sayso_staff_view_set_settings_file (self->staff_view, path);
}

/**
 * sayso_window_forget:
 *
 * Discards the current respondent's answers and returns to the welcome
 * screen, as "Start again" does.
 */
void
sayso_window_forget (SaysoWindow *self)
{
  g_return_if_fail (SAYSO_IS_WINDOW (self));
  sayso_journey_start_again (self->journey);
}

/**
 * sayso_window_shutdown:
 *
 * The kiosk is stopping: the respondent on the screen is treated as walked
 * away, and whatever waits for the store gets a last try.
 */
void
sayso_window_shutdown (SaysoWindow *self)
{
  g_return_if_fail (SAYSO_IS_WINDOW (self));

  if (sayso_journey_in_survey (self->journey))
    sayso_journey_walk_away (self->journey);
  else
    sayso_journey_start_again (self->journey);
  if (sayso_submit_queue_get_n_pending (self->queue) > 0 && !sayso_submit_queue_retry_now (self->queue))
    g_warning ("%u responses could not be stored before the kiosk stopped",
               sayso_submit_queue_get_n_pending (self->queue));
}

/* --- For tests ------------------------------------------------------------- */

SaysoSubmitQueue *
_sayso_window_get_queue (SaysoWindow *self)
{
  return self->queue;
}

SaysoSpeech *
_sayso_window_get_speech (SaysoWindow *self)
{
  return self->speech;
}

SaysoMediaVoice *
_sayso_window_get_voice (SaysoWindow *self)
{
  return self->voice;
}
