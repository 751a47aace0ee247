/* sayso-text-pair.h: one text in one or two languages. */
#pragma once

#include <gtk/gtk.h>

#include "sayso-strings.h"

G_BEGIN_DECLS

#define SAYSO_TYPE_TEXT_PAIR (sayso_text_pair_get_type ())

G_DECLARE_FINAL_TYPE (SaysoTextPair, sayso_text_pair, SAYSO, TEXT_PAIR, GtkWidget)

GtkWidget  *sayso_text_pair_new           (GtkOrientation  orientation,
                                           const char     *css_class);
void        sayso_text_pair_set           (SaysoTextPair  *self,
                                           const char     *primary,
                                           const char     *secondary);
const char *sayso_text_pair_get_primary   (SaysoTextPair  *self);
const char *sayso_text_pair_get_secondary (SaysoTextPair  *self);
void        sayso_text_pair_set_string    (SaysoTextPair  *self,
                                           SaysoStringId   id,
                                           const char     *language,
                                           const char     *second_language);
void        sayso_text_pair_set_wrap      (SaysoTextPair  *self,
                                           gboolean        wrap);
void        sayso_text_pair_set_max_width_chars (SaysoTextPair *self,
                                                 int            n_chars);
void        sayso_text_pair_set_xalign    (SaysoTextPair  *self,
                                           float           xalign);

G_END_DECLS
