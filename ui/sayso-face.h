/* sayso-face.h: a plain drawn face for the agree–disagree scale. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SAYSO_TYPE_FACE (sayso_face_get_type ())

G_DECLARE_FINAL_TYPE (SaysoFace, sayso_face, SAYSO, FACE, GtkWidget)

GtkWidget *sayso_face_new      (int        mood);
int        sayso_face_get_mood (SaysoFace *self);

G_END_DECLS
