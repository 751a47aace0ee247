/* sayso-window-private.h: the window's parts, shared by its files
 * (sayso-window.c, sayso-window-actions.c, sayso-window-lockdown.c), and
 * what the tests and the screenshot tool reach into. */
#pragma once

#include "sayso-journey.h"
#include "sayso-media-voice.h"
#include "sayso-promise-page.h"
#include "sayso-question-view.h"
#include "sayso-speech.h"
#include "sayso-staff-view.h"
#include "sayso-strings.h"
#include "sayso-submit-page.h"
#include "sayso-submit-queue.h"
#include "sayso-text-pair.h"
#include "sayso-thanks-page.h"
#include "sayso-welcome-page.h"
#include "sayso-window.h"

G_BEGIN_DECLS

struct _SaysoWindow
{
  GtkApplicationWindow  parent_instance;

  /* Template widgets */
  GtkWidget            *overlay;
  GtkWidget            *top_bar;
  GtkWidget            *logo_area;
  GtkWidget            *status_marker;
  SaysoTextPair        *progress;
  GtkWidget            *start_again_button;
  SaysoTextPair        *start_again_label;
  GtkWidget            *speak_button;
  SaysoTextPair        *speak_label;
  GtkStack             *stack;
  SaysoWelcomePage     *welcome_page;
  SaysoPromisePage     *promise_page;
  GtkScrolledWindow    *question_scroller;
  SaysoSubmitPage      *submit_page;
  SaysoThanksPage      *thanks_page;
  GtkWidget            *nav_bar;
  GtkWidget            *back_button;
  SaysoTextPair        *back_label;
  GtkWidget            *next_button;
  SaysoTextPair        *next_label;
  GtkWidget            *next_icon;
  GtkWidget            *still_there;
  SaysoTextPair        *still_there_title;
  SaysoTextPair        *still_there_body;
  GtkWidget            *still_here_button;
  SaysoTextPair        *still_here_label;
  GtkWidget            *confirm;
  SaysoTextPair        *confirm_title;
  SaysoTextPair        *confirm_body;
  GtkWidget            *confirm_no_button;
  SaysoTextPair        *confirm_no_label;
  GtkWidget            *confirm_yes_button;
  SaysoTextPair        *confirm_yes_label;

  /* Made in code: quieter and louder, beside "Read aloud" */
  GtkWidget            *volume_box;
  GtkWidget            *volume_down_button;
  GtkWidget            *volume_up_button;

  /* Borrowed, each built when first needed (the welcome screen shows
   * neither) and kept from then on: NULL until then */
  SaysoQuestionView    *question_view;   /* question_scroller's */
  SaysoStaffView       *staff_view;      /* the overlay's */

  /* Owned */
  SaysoStore           *store;
  SaysoSubmitQueue     *queue;
  SaysoOutbox          *outbox;
  SaysoQuestionnaire   *questionnaire;
  SaysoJourney         *journey;
  SaysoSpeech          *speech;
  SaysoMediaVoice      *voice;
  char                 *settings_file;
  guint                 staff_source;

  /* The respondent's look, forgotten with them */
  guint                 text_size;
  gboolean              high_contrast;
  gboolean              read_aloud;
  gboolean              audio_on;      /* the volume buttons show */

  guint                 kiosk_mode : 1;
};

/* sayso-window.c */
void      _sayso_window_set_pair             (SaysoWindow     *self,
                                              SaysoTextPair   *pair,
                                              SaysoStringId    id);
void      _sayso_window_set_pair_printf      (SaysoWindow     *self,
                                              SaysoTextPair   *pair,
                                              SaysoStringId    id,
                                              guint            a,
                                              guint            b);
void      _sayso_window_set_accessible_label (GtkWidget       *widget,
                                              SaysoWindow     *self,
                                              SaysoStringId    id);
void      _sayso_window_update_texts         (SaysoWindow     *self);
void      _sayso_window_apply_look           (SaysoWindow     *self);
void      _sayso_window_speak                (SaysoWindow     *self);
void      _sayso_window_open_staff           (SaysoWindow     *self);
void      _sayso_window_set_audio_on         (SaysoWindow     *self,
                                              gboolean         on);
void      _sayso_window_update_volume        (SaysoWindow     *self);

/* sayso-window-actions.c */
void      _sayso_window_class_add_actions    (GtkWidgetClass  *widget_class);
void      _sayso_window_actions_update       (SaysoWindow     *self);

/* sayso-window-lockdown.c */
void      _sayso_window_class_add_lockdown   (GtkWindowClass  *window_class);
void      _sayso_window_lockdown_init        (SaysoWindow     *self);
void      _sayso_window_lock_down            (SaysoWindow     *self);
SaysoStaffView *_sayso_window_ensure_staff_view (SaysoWindow   *self);

/* For tests: the objects a test must replace or listen to, and the kiosk's
 * key filter. The journey (sayso_window_get_journey()) and the window's
 * actions are how tests drive the window. */
SaysoSubmitQueue *_sayso_window_get_queue    (SaysoWindow     *self);
SaysoSpeech      *_sayso_window_get_speech   (SaysoWindow     *self);
SaysoMediaVoice  *_sayso_window_get_voice    (SaysoWindow     *self);
gboolean          _sayso_window_filter_key   (SaysoWindow     *self,
                                              guint            keyval,
                                              GdkModifierType  state);

G_END_DECLS
