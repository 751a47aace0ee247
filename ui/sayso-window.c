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

#include "sayso-window-private.h"

typedef struct
{
  SaysoTextPair *pair;
  SaysoStringId  id;
  GtkWidget     *button;   /* named by this text for assistive technology, or NULL */
} Text;

G_DEFINE_FINAL_TYPE (SaysoWindow, sayso_window, ADW_TYPE_APPLICATION_WINDOW)

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
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
  one = g_strdup_printf (sayso_string (id, first_language (self)), a, b);
  if (second)
    two = g_strdup_printf (sayso_string (id, second), a, b);
#pragma GCC diagnostic pop

  sayso_text_pair_set (pair, one, two);
}

static SaysoTextPair *
add_text (SaysoWindow    *self,
          GtkOrientation  orientation,
          const char     *css_class,
          SaysoStringId   id)
{
  GtkWidget *pair = sayso_text_pair_new (orientation, css_class);
  Text text = { SAYSO_TEXT_PAIR (pair), id, NULL };

  g_array_append_val (self->texts, text);
  return text.pair;
}

void
_sayso_window_set_accessible_label (GtkWidget     *widget,
                                    SaysoWindow   *self,
                                    SaysoStringId  id)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  sayso_string (id, sayso_journey_get_language (self->journey)), -1);
}

/* --- Pages built in code ------------------------------------------------ */

static void
name_button_by_text (SaysoWindow *self,
                     GtkWidget   *button)
{
  g_array_index (self->texts, Text, self->texts->len - 1).button = button;
}

static GtkWidget *
big_button_new (SaysoWindow   *self,
                const char    *name,
                const char    *action,
                GVariant      *target,
                SaysoStringId  id,
                const char    *css_class)
{
  GtkWidget *button = gtk_button_new ();
  SaysoTextPair *label = add_text (self, GTK_ORIENTATION_VERTICAL, NULL, id);

  gtk_widget_set_name (button, name);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  if (target)
    gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  gtk_button_set_child (GTK_BUTTON (button), GTK_WIDGET (label));
  name_button_by_text (self, button);
  if (css_class)
    gtk_widget_add_css_class (button, css_class);
  return button;
}

static GtkWidget *
language_button (SaysoWindow *self,
                 const char  *language)
{
  g_autofree char *name = g_strconcat ("language:", language, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->languages_box)); child;
       child = gtk_widget_get_next_sibling (child))
    if (g_str_equal (gtk_widget_get_name (child), name))
      return child;
  return NULL;
}

/* The kiosk's own language (Welsh when bilingual) first, then the
 * questionnaire's order. */
static void
order_language_buttons (SaysoWindow *self)
{
  const char * const *languages = sayso_questionnaire_get_languages (self->questionnaire);
  const SaysoKioskConfig *config = sayso_journey_get_config (self->journey);
  GtkWidget *button, *after = NULL;

  for (guint i = 0; languages[i]; i++)
    if ((button = language_button (self, languages[i])))
      {
        gtk_box_reorder_child_after (self->languages_box, button, after);
        after = button;
      }
  if ((button = language_button (self, config->bilingual ? "cy" : config->default_language)))
    gtk_box_reorder_child_after (self->languages_box, button, NULL);
  self->first_language_button = gtk_widget_get_first_child (GTK_WIDGET (self->languages_box));
}

static void
build_welcome (SaysoWindow *self)
{
  const char * const *languages = sayso_questionnaire_get_languages (self->questionnaire);
  GtkWidget *languages_box;
  GtkWidget *settings;
  GtkWidget *sizes;
  GtkWidget *toggle;
  SaysoTextPair *pair;

  pair = add_text (self, GTK_ORIENTATION_HORIZONTAL, "welcome-title", SAYSO_STR_WELCOME_TITLE);
  gtk_box_append (self->welcome_page, GTK_WIDGET (pair));
  pair = add_text (self, GTK_ORIENTATION_HORIZONTAL, "welcome-private", SAYSO_STR_WELCOME_PRIVATE);
  gtk_box_append (self->welcome_page, GTK_WIDGET (pair));
  pair = add_text (self, GTK_ORIENTATION_HORIZONTAL, "welcome-invite", SAYSO_STR_WELCOME_INVITE);
  gtk_box_append (self->welcome_page, GTK_WIDGET (pair));

  /* Each language's button is written in that language; order_language_buttons()
   * puts the kiosk's own first. */
  languages_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 32);
  self->languages_box = GTK_BOX (languages_box);
  gtk_widget_set_halign (languages_box, GTK_ALIGN_CENTER);
  gtk_box_set_homogeneous (GTK_BOX (languages_box), TRUE);
  for (guint i = 0; languages[i]; i++)
    {
      const char *lang = languages[i];
      g_autofree char *name = g_strconcat ("language:", lang, NULL);
      GtkWidget *button;
      GtkWidget *label;

      button = gtk_button_new ();
      label = gtk_label_new (sayso_string (SAYSO_STR_LANGUAGE_NAME, lang));
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_set_name (button, name);
      gtk_widget_add_css_class (button, "language-button");
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.choose-language");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", lang);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      sayso_string (SAYSO_STR_LANGUAGE_NAME, lang), -1);
      gtk_box_append (GTK_BOX (languages_box), button);
    }
  order_language_buttons (self);
  gtk_box_append (self->welcome_page, languages_box);

  /* Settings for whoever needs them, quiet and at the bottom. */
  settings = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 24);
  gtk_widget_set_halign (settings, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (settings, "settings");

  /* A grid, not a box: GTK 4.8's box lines up the differently sized "A"s
   * on their baselines when measuring for a width, and not otherwise. */
  sizes = gtk_grid_new ();
  gtk_grid_set_column_spacing (GTK_GRID (sizes), 8);
  gtk_widget_add_css_class (sizes, "text-sizes");
  pair = add_text (self, GTK_ORIENTATION_VERTICAL, "setting-label", SAYSO_STR_TEXT_SIZE);
  gtk_widget_set_valign (GTK_WIDGET (pair), GTK_ALIGN_CENTER);
  gtk_grid_attach (GTK_GRID (sizes), GTK_WIDGET (pair), 0, 0, 1, 1);
  for (guint i = 0; i < 3; i++)
    {
      static const char * const names[] = { "text-size:0", "text-size:1", "text-size:2" };
      static const char * const css[] = { "size-0", "size-1", "size-2" };
      GtkWidget *button = gtk_button_new_with_label ("A");

      gtk_widget_set_name (button, names[i]);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "text-size-button");
      gtk_widget_add_css_class (button, css[i]);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.text-size");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "u", i);
      self->text_size_buttons[i] = button;
      gtk_grid_attach (GTK_GRID (sizes), button, i + 1, 0, 1, 1);
    }
  gtk_box_append (GTK_BOX (settings), sizes);

  toggle = gtk_toggle_button_new ();
  gtk_widget_set_name (toggle, "high-contrast");
  gtk_widget_add_css_class (toggle, "setting-toggle");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (toggle), "win.high-contrast");
  gtk_button_set_child (GTK_BUTTON (toggle), GTK_WIDGET (add_text (self, GTK_ORIENTATION_VERTICAL, NULL,
                                                                   SAYSO_STR_HIGH_CONTRAST)));
  name_button_by_text (self, toggle);
  gtk_box_append (GTK_BOX (settings), toggle);

  toggle = gtk_toggle_button_new ();
  gtk_widget_set_name (toggle, "read-aloud");
  gtk_widget_add_css_class (toggle, "setting-toggle");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (toggle), "win.read-aloud");
  gtk_button_set_child (GTK_BUTTON (toggle), GTK_WIDGET (add_text (self, GTK_ORIENTATION_VERTICAL, NULL,
                                                                   SAYSO_STR_READ_ALOUD_ALWAYS)));
  name_button_by_text (self, toggle);
  gtk_box_append (GTK_BOX (settings), toggle);

  gtk_widget_set_margin_top (settings, 32);
  gtk_box_append (self->welcome_page, settings);
}

static void
build_promise (SaysoWindow *self)
{
  static const SaysoStringId promises[] = {
    SAYSO_STR_PROMISE_INDEPENDENT,
    SAYSO_STR_PROMISE_ANONYMOUS,
    SAYSO_STR_PROMISE_OFFICER,
    SAYSO_STR_PROMISE_NOBODY,
    SAYSO_STR_PROMISE_SKIP,
    SAYSO_STR_PROMISE_TIME,
  };
  GtkWidget *list = gtk_grid_new ();

  gtk_box_append (self->promise_page,
                  GTK_WIDGET (add_text (self, GTK_ORIENTATION_HORIZONTAL, "page-title", SAYSO_STR_PROMISE_TITLE)));
  gtk_grid_set_row_spacing (GTK_GRID (list), 16);
  gtk_grid_set_column_spacing (GTK_GRID (list), 20);
  gtk_widget_set_halign (list, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (list, "promises");
  for (guint i = 0; i < G_N_ELEMENTS (promises); i++)
    {
      GtkWidget *tick = gtk_image_new_from_icon_name ("object-select-symbolic");
      SaysoTextPair *pair = add_text (self, GTK_ORIENTATION_HORIZONTAL, "promise", promises[i]);

      gtk_widget_add_css_class (tick, "tick");
      gtk_widget_set_valign (tick, GTK_ALIGN_START);
      gtk_widget_set_hexpand (GTK_WIDGET (pair), TRUE);
      sayso_text_pair_set_xalign (pair, 0.0);
      gtk_grid_attach (GTK_GRID (list), tick, 0, i, 1, 1);
      gtk_grid_attach (GTK_GRID (list), GTK_WIDGET (pair), 1, i, 1, 1);
    }
  gtk_box_append (self->promise_page, list);
}

static void
build_submit (SaysoWindow *self)
{
  GtkWidget *send;

  gtk_box_append (self->submit_page,
                  GTK_WIDGET (add_text (self, GTK_ORIENTATION_HORIZONTAL, "page-title", SAYSO_STR_SUBMIT_TITLE)));
  gtk_box_append (self->submit_page,
                  GTK_WIDGET (add_text (self, GTK_ORIENTATION_HORIZONTAL, "page-body", SAYSO_STR_SUBMIT_BODY)));
  send = big_button_new (self, "send", "win.submit", NULL, SAYSO_STR_SUBMIT_SEND, "send-button");
  gtk_widget_add_css_class (send, "suggested-action");
  gtk_widget_set_halign (send, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (send, 24);
  gtk_box_append (self->submit_page, send);
}

/* "Locked" only once the store has the answers; never the normal thank-you
 * for answers that are gone. */
static SaysoStringId
thanks_title_id (SaysoWindow *self)
{
  switch (sayso_journey_get_outcome (self->journey))
    {
    case SAYSO_SUBMIT_WAITING:
      return SAYSO_STR_PENDING_TITLE;
    case SAYSO_SUBMIT_REFUSED:
      return SAYSO_STR_REFUSED_TITLE;
    case SAYSO_SUBMIT_STORED:
    default:
      return SAYSO_STR_THANKS_TITLE;
    }
}

static SaysoStringId
thanks_body_id (SaysoWindow *self)
{
  switch (sayso_journey_get_outcome (self->journey))
    {
    case SAYSO_SUBMIT_WAITING:
      return SAYSO_STR_PENDING_BODY;
    case SAYSO_SUBMIT_REFUSED:
      return SAYSO_STR_REFUSED_BODY;
    case SAYSO_SUBMIT_STORED:
    default:
      return SAYSO_STR_THANKS_BODY;
    }
}

/* A tick says done: only for answers the store has; a warning for answers
 * that are gone. */
static void
set_thanks_icon (SaysoWindow *self)
{
  SaysoSubmitOutcome outcome = sayso_journey_get_outcome (self->journey);

  gtk_image_set_from_icon_name (self->thanks_icon, outcome == SAYSO_SUBMIT_REFUSED
                                                   ? "dialog-warning-symbolic" : "object-select-symbolic");
  gtk_widget_set_visible (GTK_WIDGET (self->thanks_icon), outcome != SAYSO_SUBMIT_WAITING);
}

static void
build_thanks (SaysoWindow *self)
{
  GtkWidget *image = gtk_image_new_from_icon_name ("object-select-symbolic");

  self->thanks_icon = GTK_IMAGE (image);
  gtk_widget_add_css_class (image, "thanks-icon");
  gtk_box_append (self->thanks_page, image);
  self->thanks_title = add_text (self, GTK_ORIENTATION_HORIZONTAL, "welcome-title", SAYSO_STR_THANKS_TITLE);
  gtk_box_append (self->thanks_page, GTK_WIDGET (self->thanks_title));
  self->thanks_body = add_text (self, GTK_ORIENTATION_HORIZONTAL, "page-body", SAYSO_STR_THANKS_BODY);
  gtk_box_append (self->thanks_page, GTK_WIDGET (self->thanks_body));
  self->thanks_return = add_text (self, GTK_ORIENTATION_HORIZONTAL, "page-body", SAYSO_STR_THANKS_RETURN);
  gtk_box_append (self->thanks_page, GTK_WIDGET (self->thanks_return));
}

/* --- Looking after the screen ------------------------------------------- */

static void
update_texts (SaysoWindow *self)
{
  for (guint i = 0; i < self->texts->len; i++)
    {
      Text *text = &g_array_index (self->texts, Text, i);
      _sayso_window_set_pair (self, text->pair, text->id);
      if (text->button)
        _sayso_window_set_accessible_label (text->button, self, text->id);
    }

  _sayso_window_set_pair (self, self->start_again_label, SAYSO_STR_START_AGAIN);
  _sayso_window_set_pair (self, self->speak_label, SAYSO_STR_READ_ALOUD);
  _sayso_window_set_pair (self, self->back_label, SAYSO_STR_BACK);
  _sayso_window_set_pair (self, self->still_there_title, SAYSO_STR_STILL_THERE_TITLE);
  _sayso_window_set_pair (self, self->still_here_label, SAYSO_STR_STILL_THERE_YES);
  _sayso_window_set_pair (self, self->confirm_title, SAYSO_STR_START_AGAIN_TITLE);
  _sayso_window_set_pair (self, self->confirm_body, SAYSO_STR_START_AGAIN_BODY);
  _sayso_window_set_pair (self, self->confirm_no_label, SAYSO_STR_START_AGAIN_NO);
  _sayso_window_set_pair (self, self->confirm_yes_label, SAYSO_STR_START_AGAIN_YES);
  _sayso_window_set_pair (self, self->thanks_title, thanks_title_id (self));
  _sayso_window_set_pair (self, self->thanks_body, thanks_body_id (self));
  set_thanks_icon (self);

  _sayso_window_set_accessible_label (self->speak_button, self, SAYSO_STR_READ_ALOUD);
  _sayso_window_set_accessible_label (self->start_again_button, self, SAYSO_STR_START_AGAIN);
  _sayso_window_set_accessible_label (self->back_button, self, SAYSO_STR_BACK);
  _sayso_window_set_accessible_label (self->still_here_button, self, SAYSO_STR_STILL_THERE_YES);
  _sayso_window_set_accessible_label (self->confirm_no_button, self, SAYSO_STR_START_AGAIN_NO);
  _sayso_window_set_accessible_label (self->confirm_yes_button, self, SAYSO_STR_START_AGAIN_YES);
  _sayso_window_set_accessible_label (self->text_size_buttons[0], self, SAYSO_STR_TEXT_SIZE_NORMAL);
  _sayso_window_set_accessible_label (self->text_size_buttons[1], self, SAYSO_STR_TEXT_SIZE_LARGE);
  _sayso_window_set_accessible_label (self->text_size_buttons[2], self, SAYSO_STR_TEXT_SIZE_LARGEST);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->logo_area), GTK_ACCESSIBLE_PROPERTY_LABEL, "Sayso", -1);
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

static char *
dup_speech (SaysoWindow *self)
{
  const char *lang = sayso_journey_get_language (self->journey);
  SaysoQuestion *question = sayso_journey_get_question (self->journey);

  switch (sayso_journey_get_page (self->journey))
    {
    case SAYSO_PAGE_WELCOME:
      return g_strdup_printf ("%s. %s. %s.",
                              sayso_string (SAYSO_STR_WELCOME_TITLE, lang),
                              sayso_string (SAYSO_STR_WELCOME_PRIVATE, lang),
                              sayso_string (SAYSO_STR_WELCOME_INVITE, lang));
    case SAYSO_PAGE_PROMISE:
      return g_strjoin (" ",
                        sayso_string (SAYSO_STR_PROMISE_TITLE, lang),
                        sayso_string (SAYSO_STR_PROMISE_INDEPENDENT, lang),
                        sayso_string (SAYSO_STR_PROMISE_ANONYMOUS, lang),
                        sayso_string (SAYSO_STR_PROMISE_OFFICER, lang),
                        sayso_string (SAYSO_STR_PROMISE_NOBODY, lang),
                        sayso_string (SAYSO_STR_PROMISE_SKIP, lang),
                        sayso_string (SAYSO_STR_PROMISE_TIME, lang),
                        NULL);
    case SAYSO_PAGE_QUESTION:
      {
        g_autofree char *body = sayso_question_view_dup_speech (self->question_view, lang);
        g_autofree char *progress = NULL;

        if (question == NULL)
          return g_strdup ("");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        progress = g_strdup_printf (sayso_string (SAYSO_STR_PROGRESS, lang),
                                    sayso_journey_get_position (self->journey),
                                    sayso_journey_get_count (self->journey));
#pragma GCC diagnostic pop
        return g_strdup_printf ("%s. %s", progress, body);
      }
    case SAYSO_PAGE_SUBMIT:
      return g_strdup_printf ("%s. %s", sayso_string (SAYSO_STR_SUBMIT_TITLE, lang),
                              sayso_string (SAYSO_STR_SUBMIT_BODY, lang));
    case SAYSO_PAGE_THANKS:
      return g_strdup_printf ("%s. %s %s",
                              sayso_string (thanks_title_id (self), lang),
                              sayso_string (thanks_body_id (self), lang),
                              sayso_string (SAYSO_STR_THANKS_RETURN, lang));
    default:
      return g_strdup ("");
    }
}

void
_sayso_window_speak (SaysoWindow *self)
{
  const char *language = sayso_journey_get_language (self->journey);
  g_autofree char *text = dup_speech (self);

  if (sayso_journey_get_still_there (self->journey))
    {
      g_free (text);
      text = g_strdup_printf ("%s %s", sayso_string (SAYSO_STR_STILL_THERE_TITLE, language),
                              sayso_string (SAYSO_STR_STILL_THERE_YES, language));
    }
  sayso_speech_say (self->speech, language, text);
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
  if (self->languages_box)
    order_language_buttons (self);
  /* The texts follow with the page shown next (show_page()). */
}

/* Everything on the screen that could tell the next person about this one
 * goes; the journey has wiped the answers. */
static void
respondent_forgotten (SaysoJourney *journey,
                      SaysoWindow  *self)
{
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
  gtk_stack_set_visible_child_name (self->stack, names[page]);

  if (question)
    sayso_question_view_show (self->question_view, sayso_journey_get_response (journey), question,
                              first_language (self), second_language (self));
  else
    sayso_question_view_clear (self->question_view);

  update_texts (self);
  _sayso_window_actions_update (self);

  switch (page)
    {
    case SAYSO_PAGE_WELCOME:
      if (self->first_language_button)
        gtk_widget_grab_focus (self->first_language_button);
      break;
    case SAYSO_PAGE_PROMISE:
      gtk_widget_grab_focus (self->next_button);
      break;
    case SAYSO_PAGE_QUESTION:
      if (sayso_question_get_kind (question) == SAYSO_QUESTION_TEXT)
        gtk_widget_grab_focus (GTK_WIDGET (sayso_question_view_get_text_view (self->question_view)));
      else if (!gtk_widget_child_focus (GTK_WIDGET (self->question_view), GTK_DIR_TAB_FORWARD))
        gtk_widget_grab_focus (self->next_button);
      break;
    case SAYSO_PAGE_SUBMIT:
    case SAYSO_PAGE_THANKS:
    default:
      gtk_widget_child_focus (GTK_WIDGET (gtk_stack_get_visible_child (self->stack)), GTK_DIR_TAB_FORWARD);
      break;
    }

  if (self->read_aloud && page != SAYSO_PAGE_WELCOME)
    _sayso_window_speak (self);
}

void
_sayso_window_open_staff (SaysoWindow *self)
{
  g_signal_emit (self, signals[STAFF_REQUESTED], 0);
  if (self->staff_view == NULL || gtk_widget_get_visible (GTK_WIDGET (self->staff_view)))
    return;

  /* Staff mode has its own two-minute close; the respondent's clock stops. */
  sayso_journey_hold (self->journey);
  sayso_staff_view_set_submitted_today (self->staff_view, sayso_journey_get_submitted_today (self->journey));
  sayso_staff_view_set_last_error (self->staff_view, sayso_submit_queue_get_last_error (self->queue));
  gtk_widget_set_sensitive (gtk_overlay_get_child (GTK_OVERLAY (self->overlay)), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->staff_view), TRUE);
  sayso_staff_view_open (self->staff_view);
}

static void
staff_closed (SaysoStaffView *view,
              SaysoWindow    *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->staff_view), FALSE);
  gtk_widget_set_sensitive (gtk_overlay_get_child (GTK_OVERLAY (self->overlay)), TRUE);
  sayso_journey_resume (self->journey);
  _sayso_window_actions_update (self);
}

static void
staff_start_survey (SaysoStaffView *view,
                    int             mode,
                    SaysoWindow    *self)
{
  /* Whoever was on the screen before staff came is forgotten first. */
  sayso_journey_start_again (self->journey);
  sayso_journey_set_mode (self->journey, mode);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.choose-language", "s",
                              sayso_journey_get_config (self->journey)->default_language);
}

static void
staff_settings_changed (SaysoStaffView *view,
                        SaysoWindow    *self)
{
  g_autoptr(SaysoKioskConfig) config = NULL;
  g_autoptr(GError) error = NULL;

  if (self->settings_file == NULL)
    return;
  if (!(config = sayso_kiosk_config_load (self->settings_file, &error)))
    {
      g_warning ("%s", error->message);
      return;
    }

  sayso_journey_set_config (self->journey, config);
  if (sayso_journey_get_page (self->journey) == SAYSO_PAGE_WELCOME)
    update_texts (self);
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
  _sayso_window_set_pair (self, self->thanks_title, thanks_title_id (self));
  _sayso_window_set_pair (self, self->thanks_body, thanks_body_id (self));
  set_thanks_icon (self);
}

static void
question_changed (SaysoQuestionView *view,
                  SaysoWindow       *self)
{
  sayso_journey_note_activity (self->journey);
  _sayso_window_actions_update (self);
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
  /* The journey wipes the answers it holds as it goes. */
  g_clear_object (&self->journey);
  if (self->queue)
    g_signal_handlers_disconnect_by_data (self->queue, self);

  gtk_widget_dispose_template (GTK_WIDGET (self), SAYSO_TYPE_WINDOW);

  g_clear_object (&self->queue);
  g_clear_object (&self->store);
  g_clear_object (&self->questionnaire);
  g_clear_object (&self->speech);

  G_OBJECT_CLASS (sayso_window_parent_class)->dispose (object);
}

static void
sayso_window_finalize (GObject *object)
{
  SaysoWindow *self = SAYSO_WINDOW (object);

  g_clear_pointer (&self->texts, g_array_unref);
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
  g_type_ensure (SAYSO_TYPE_QUESTION_VIEW);

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
  gtk_widget_class_bind_template_child (widget_class, SaysoWindow, question_view);
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

  self->texts = g_array_new (FALSE, FALSE, sizeof (Text));
  self->speech = sayso_speech_new ();

  controller = gtk_event_controller_legacy_new ();
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect (controller, "event", G_CALLBACK (on_any_event), self);
  gtk_widget_add_controller (GTK_WIDGET (self), controller);

  _sayso_window_lockdown_init (self);

  g_signal_connect (self->question_view, "changed", G_CALLBACK (question_changed), self);
}

SaysoWindow *
sayso_window_new (GtkApplication         *application,
                  SaysoStore             *store,
                  SaysoQuestionnaire     *questionnaire,
                  const SaysoKioskConfig *config,
                  gboolean                kiosk_mode)
{
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

  build_welcome (self);
  build_promise (self);
  build_submit (self);
  build_thanks (self);

  self->staff_view = sayso_staff_view_new ();
  sayso_staff_view_set_store (self->staff_view, store);
  sayso_staff_view_set_queue (self->staff_view, self->queue);
  sayso_staff_view_set_may_set_first_pin (self->staff_view, !self->kiosk_mode);
  sayso_staff_view_set_export_folder (self->staff_view, sayso_journey_get_config (self->journey)->export_folder);
  gtk_widget_set_visible (GTK_WIDGET (self->staff_view), FALSE);
  gtk_widget_add_css_class (GTK_WIDGET (self->staff_view), "staff-layer");
  gtk_overlay_add_overlay (GTK_OVERLAY (self->overlay), GTK_WIDGET (self->staff_view));
  g_signal_connect (self->staff_view, "closed", G_CALLBACK (staff_closed), self);
  g_signal_connect (self->staff_view, "start-survey", G_CALLBACK (staff_start_survey), self);
  g_signal_connect (self->staff_view, "settings-changed", G_CALLBACK (staff_settings_changed), self);

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
