/* ui-test-utils.h: driving the kiosk's real widgets from tests. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-question-view.h"
#include "sayso-staff-view.h"
#include "sayso-test-utils.h"
#include "sayso-window-private.h"

G_BEGIN_DECLS

/* A kiosk window over a store in a temporary folder, sealed to a key the
 * test holds. */
typedef struct
{
  TestStore            store;
  SaysoKioskConfig    *config;
  SaysoQuestionnaire  *questionnaire;
  SaysoWindow         *window;
} KioskFixture;

void        ui_test_init             (int           *argc,
                                      char        ***argv);
void        kiosk_fixture_setup      (KioskFixture  *fixture,
                                      gconstpointer  data);
void        kiosk_fixture_teardown   (KioskFixture  *fixture,
                                      gconstpointer  data);
SaysoWindow *kiosk_fixture_open      (KioskFixture  *fixture,
                                      gboolean       kiosk_mode);

void        ui_iterate               (void);
void        ui_wait                  (guint          msec);
gboolean    ui_wait_for              (gboolean     (*done) (gpointer data),
                                      gpointer       data,
                                      guint          max_msec);
void        ui_settle                (GtkWidget     *widget);
GtkWidget  *ui_find                  (GtkWidget     *root,
                                      const char    *name);
void        ui_press                 (GtkWidget     *root,
                                      const char    *name);
void        ui_type                  (SaysoWindow   *window,
                                      const char    *text);
void        ui_answer                (SaysoWindow   *window,
                                      const char    *question_id,
                                      const char    *option_id);
const char *ui_current_question      (SaysoWindow   *window);
SaysoResponse     *ui_response       (SaysoWindow   *window);
SaysoQuestionView *ui_question_view  (SaysoWindow   *window);
SaysoStaffView    *ui_staff_view     (SaysoWindow   *window);
gboolean    ui_confirming            (SaysoWindow   *window);
void        ui_pass_time             (SaysoWindow   *window,
                                      guint          seconds);
void        ui_pretend_idle          (SaysoWindow   *window,
                                      guint          seconds);
void        ui_thanks_timeout        (SaysoWindow   *window);
void        ui_assert_nothing_left   (SaysoWindow   *window,
                                      const char    *canary);
GPtrArray  *ui_open_records          (KioskFixture  *fixture);
GdkTexture *ui_draw_window           (SaysoWindow   *window);
guint32    *ui_texture_pixels        (GdkTexture    *texture);
gboolean    ui_colour_near           (guint32        a,
                                      guint32        b);

G_END_DECLS
