/* sayso-text-pair.c: one text in one or two languages.
 *
 * A bilingual kiosk shows Welsh first and English beside it (or, inside a
 * button, under it). With no second language the pair is just one label, so
 * every screen is written once for both cases.
 *
 * Each text has its own direction, from its own letters (a pair may be
 * Urdu and English): one in a right-to-left script is laid out right to
 * left and aligned to the right, whatever the page around it; a text of
 * no direction of its own (digits) follows the pair's.
 */
#define G_LOG_DOMAIN "sayso-text-pair"

#include "sayso-text-pair.h"

struct _SaysoTextPair
{
  GtkWidget       parent_instance;

  GtkLabel       *primary;
  GtkLabel       *secondary;
  GtkOrientation  orientation;
};

G_DEFINE_FINAL_TYPE_WITH_CODE (SaysoTextPair, sayso_text_pair, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_ORIENTABLE, NULL))

enum {
  PROP_0,
  PROP_ORIENTATION,
};

/* Side by side, a grid: GTK 4.8's box layout measures wrapping labels next
 * to each other inconsistently. Stacked (in buttons), a box, centred, with
 * lines that do not wrap. */
static void
set_orientation (SaysoTextPair  *self,
                 GtkOrientation  orientation)
{
  GtkLayoutManager *layout;

  self->orientation = orientation;
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      GtkLayoutChild *second;

      layout = gtk_grid_layout_new ();
      gtk_grid_layout_set_column_homogeneous (GTK_GRID_LAYOUT (layout), TRUE);
      gtk_grid_layout_set_column_spacing (GTK_GRID_LAYOUT (layout), 48);
      gtk_widget_set_layout_manager (GTK_WIDGET (self), layout);
      second = gtk_layout_manager_get_layout_child (layout, GTK_WIDGET (self->secondary));
      gtk_grid_layout_child_set_column (GTK_GRID_LAYOUT_CHILD (second), 1);
      gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_FILL);
    }
  else
    {
      layout = gtk_box_layout_new (GTK_ORIENTATION_VERTICAL);
      gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 2);
      gtk_widget_set_layout_manager (GTK_WIDGET (self), layout);
      gtk_widget_set_valign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
    }
  sayso_text_pair_set_wrap (self, orientation == GTK_ORIENTATION_HORIZONTAL);
}

static void
sayso_text_pair_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SaysoTextPair *self = SAYSO_TEXT_PAIR (object);

  switch (prop_id)
    {
    case PROP_ORIENTATION:
      g_value_set_enum (value, self->orientation);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_text_pair_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SaysoTextPair *self = SAYSO_TEXT_PAIR (object);

  switch (prop_id)
    {
    case PROP_ORIENTATION:
      if (self->orientation != (GtkOrientation) g_value_get_enum (value))
        {
          set_orientation (self, g_value_get_enum (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sayso_text_pair_dispose (GObject *object)
{
  SaysoTextPair *self = SAYSO_TEXT_PAIR (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  self->primary = NULL;
  self->secondary = NULL;

  G_OBJECT_CLASS (sayso_text_pair_parent_class)->dispose (object);
}

static void
update_label_direction (SaysoTextPair *self,
                        GtkLabel      *label)
{
  SaysoDirection base = sayso_text_direction (gtk_label_get_text (label));
  GtkTextDirection direction = base == SAYSO_DIRECTION_RTL ? GTK_TEXT_DIR_RTL
                             : base == SAYSO_DIRECTION_LTR ? GTK_TEXT_DIR_LTR
                             : gtk_widget_get_direction (GTK_WIDGET (self));

  gtk_widget_set_direction (GTK_WIDGET (label), direction);
}

static void
sayso_text_pair_direction_changed (GtkWidget        *widget,
                                   GtkTextDirection  previous)
{
  SaysoTextPair *self = SAYSO_TEXT_PAIR (widget);

  GTK_WIDGET_CLASS (sayso_text_pair_parent_class)->direction_changed (widget, previous);
  update_label_direction (self, self->primary);
  update_label_direction (self, self->secondary);
}

static void
sayso_text_pair_class_init (SaysoTextPairClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sayso_text_pair_dispose;
  object_class->get_property = sayso_text_pair_get_property;
  object_class->set_property = sayso_text_pair_set_property;

  g_object_class_override_property (object_class, PROP_ORIENTATION, "orientation");

  widget_class->direction_changed = sayso_text_pair_direction_changed;
  gtk_widget_class_set_css_name (widget_class, "textpair");
}

static GtkLabel *
label_new (void)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD);
  /* Without this a wrapping label asks for the width of its longest word,
   * and a centred box squeezes it into a tall thin column. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_set_hexpand (label, TRUE);
  return GTK_LABEL (label);
}

static void
sayso_text_pair_init (SaysoTextPair *self)
{
  self->primary = label_new ();
  self->secondary = label_new ();
  gtk_widget_add_css_class (GTK_WIDGET (self->secondary), "secondary-language");
  gtk_widget_set_visible (GTK_WIDGET (self->secondary), FALSE);
  gtk_widget_set_parent (GTK_WIDGET (self->primary), GTK_WIDGET (self));
  gtk_widget_set_parent (GTK_WIDGET (self->secondary), GTK_WIDGET (self));
  set_orientation (self, GTK_ORIENTATION_HORIZONTAL);
}

GtkWidget *
sayso_text_pair_new (GtkOrientation  orientation,
                     const char     *css_class)
{
  SaysoTextPair *self = g_object_new (SAYSO_TYPE_TEXT_PAIR, "orientation", orientation, NULL);

  if (css_class)
    gtk_widget_add_css_class (GTK_WIDGET (self), css_class);
  return GTK_WIDGET (self);
}

void
sayso_text_pair_set_wrap (SaysoTextPair *self,
                          gboolean       wrap)
{
  g_return_if_fail (SAYSO_IS_TEXT_PAIR (self));

  gtk_label_set_wrap (self->primary, wrap);
  gtk_label_set_wrap (self->secondary, wrap);
}

/* How wide each text may ask to be before it wraps: a heading beside a
 * speaker control is given the line it asks for, no more. */
void
sayso_text_pair_set_max_width_chars (SaysoTextPair *self,
                                     int            n_chars)
{
  g_return_if_fail (SAYSO_IS_TEXT_PAIR (self));

  gtk_label_set_max_width_chars (self->primary, n_chars);
  gtk_label_set_max_width_chars (self->secondary, n_chars);
}

/**
 * sayso_text_pair_set:
 * @secondary: (nullable): the same text in the second language, or %NULL for one language
 */
void
sayso_text_pair_set (SaysoTextPair *self,
                     const char    *primary,
                     const char    *secondary)
{
  g_return_if_fail (SAYSO_IS_TEXT_PAIR (self));

  gtk_label_set_text (self->primary, primary ? primary : "");
  gtk_label_set_text (self->secondary, secondary ? secondary : "");
  update_label_direction (self, self->primary);
  update_label_direction (self, self->secondary);
  gtk_widget_set_visible (GTK_WIDGET (self->primary), primary != NULL && *primary);
  gtk_widget_set_visible (GTK_WIDGET (self->secondary), secondary != NULL && *secondary);
  /* Two equal columns only for two texts: the grid keeps the hidden
   * second's column, and one text would be given twice its width, centred
   * away from a speaker control beside the pair. */
  if (self->orientation == GTK_ORIENTATION_HORIZONTAL)
    gtk_grid_layout_set_column_homogeneous (GTK_GRID_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                                            gtk_widget_get_visible (GTK_WIDGET (self->secondary)));

  /* A page's heading takes the focus as the page comes, and is heard by
   * its name: both texts, as the answers' names have them. */
  if (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (self)) == GTK_ACCESSIBLE_ROLE_HEADING)
    {
      g_autofree char *name = secondary && *secondary ? g_strdup_printf ("%s / %s", primary ? primary : "", secondary)
                                                      : g_strdup (primary ? primary : "");

      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    }
}

/**
 * sayso_text_pair_set_string:
 * @second_language: (nullable): the language of the second text, or %NULL for one
 *
 * Shows the kiosk's string @id in @language, and in @second_language beside it.
 */
void
sayso_text_pair_set_string (SaysoTextPair *self,
                            SaysoStringId  id,
                            const char    *language,
                            const char    *second_language)
{
  g_return_if_fail (SAYSO_IS_TEXT_PAIR (self));

  sayso_text_pair_set (self, sayso_string (id, language),
                       second_language ? sayso_string (id, second_language) : NULL);
}

const char *
sayso_text_pair_get_primary (SaysoTextPair *self)
{
  g_return_val_if_fail (SAYSO_IS_TEXT_PAIR (self), NULL);
  return gtk_label_get_text (self->primary);
}

const char *
sayso_text_pair_get_secondary (SaysoTextPair *self)
{
  g_return_val_if_fail (SAYSO_IS_TEXT_PAIR (self), NULL);
  return gtk_label_get_text (self->secondary);
}

void
sayso_text_pair_set_xalign (SaysoTextPair *self,
                            float          xalign)
{
  GtkJustification justify = xalign < 0.25 ? GTK_JUSTIFY_LEFT : xalign > 0.75 ? GTK_JUSTIFY_RIGHT : GTK_JUSTIFY_CENTER;

  g_return_if_fail (SAYSO_IS_TEXT_PAIR (self));

  gtk_label_set_xalign (self->primary, xalign);
  gtk_label_set_xalign (self->secondary, xalign);
  gtk_label_set_justify (self->primary, justify);
  gtk_label_set_justify (self->secondary, justify);
}
