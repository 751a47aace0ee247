/* sayso-keyboard.h: the on-screen keyboard; the kiosk has no other. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SAYSO_TYPE_KEYBOARD (sayso_keyboard_get_type ())

G_DECLARE_FINAL_TYPE (SaysoKeyboard, sayso_keyboard, SAYSO, KEYBOARD, GtkWidget)

typedef enum
{
  SAYSO_KEYBOARD_LETTERS,
  SAYSO_KEYBOARD_NUMBERS,
  SAYSO_KEYBOARD_ACCENTS,
} SaysoKeyboardLayer;

GtkWidget          *sayso_keyboard_new          (void);
void                sayso_keyboard_set_target   (SaysoKeyboard      *self,
                                                 GtkTextView        *target);
GtkTextView        *sayso_keyboard_get_target   (SaysoKeyboard      *self);
void                sayso_keyboard_set_language (SaysoKeyboard      *self,
                                                 const char         *language);
void                sayso_keyboard_set_layer    (SaysoKeyboard      *self,
                                                 SaysoKeyboardLayer  layer);
SaysoKeyboardLayer  sayso_keyboard_get_layer    (SaysoKeyboard      *self);
gboolean            sayso_keyboard_get_shifted  (SaysoKeyboard      *self);
GtkWidget          *sayso_keyboard_find_key     (SaysoKeyboard      *self,
                                                 const char         *name);
void                sayso_keyboard_reset        (SaysoKeyboard      *self);

G_END_DECLS
