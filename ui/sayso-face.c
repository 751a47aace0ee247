/* sayso-face.c: a face from very happy (2) to very unhappy (-2).
 *
 * Drawn rather than taken from an emoji font, so that it looks the same on
 * every kiosk (and under Xvfb), and in the label's colour, so that high
 * contrast applies to it too. It is decoration: the button's label says what
 * the answer is.
 */
#define G_LOG_DOMAIN "sayso-face"

#include <math.h>

#include "sayso-face.h"

#define FACE_SIZE 64

struct _SaysoFace
{
  GtkWidget parent_instance;
  int       mood;
};

G_DEFINE_FINAL_TYPE (SaysoFace, sayso_face, GTK_TYPE_WIDGET)

static void
sayso_face_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  *minimum = *natural = FACE_SIZE;
}

static void
sayso_face_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  SaysoFace *self = SAYSO_FACE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double size = MIN (width, height);
  double r = size / 2.0 - 3;
  double cx = width / 2.0, cy = height / 2.0;
  double curve = self->mood * r * 0.22;
  GdkRGBA color;
  cairo_t *cr;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_set_line_width (cr, 3.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  cairo_arc (cr, cx, cy, r, 0, 2 * G_PI);
  cairo_stroke (cr);

  cairo_arc (cr, cx - r * 0.35, cy - r * 0.25, r * 0.09, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_arc (cr, cx + r * 0.35, cy - r * 0.25, r * 0.09, 0, 2 * G_PI);
  cairo_fill (cr);

  /* The mouth: a curve that smiles or frowns, flat in the middle. */
  cairo_move_to (cr, cx - r * 0.45, cy + r * 0.35 - curve / 2);
  cairo_curve_to (cr,
                  cx - r * 0.2, cy + r * 0.35 + curve,
                  cx + r * 0.2, cy + r * 0.35 + curve,
                  cx + r * 0.45, cy + r * 0.35 - curve / 2);
  cairo_stroke (cr);

  cairo_destroy (cr);
}

static void
sayso_face_class_init (SaysoFaceClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->measure = sayso_face_measure;
  widget_class->snapshot = sayso_face_snapshot;
  gtk_widget_class_set_css_name (widget_class, "face");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
sayso_face_init (SaysoFace *self)
{
}

GtkWidget *
sayso_face_new (int mood)
{
  SaysoFace *self = g_object_new (SAYSO_TYPE_FACE, NULL);

  self->mood = CLAMP (mood, -2, 2);
  return GTK_WIDGET (self);
}

int
sayso_face_get_mood (SaysoFace *self)
{
  g_return_val_if_fail (SAYSO_IS_FACE (self), 0);
  return self->mood;
}
