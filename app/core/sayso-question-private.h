#pragma once

#include "sayso-question.h"

G_BEGIN_DECLS

typedef struct
{
  char       *id;
  GHashTable *label;      /* language → text */
  gboolean    exclusive;
  char       *picture;                /* a URI (file:// or resource://), or NULL */
  char       *picture_high_contrast;  /* the same, or its high-contrast variant */
} SaysoOption;

struct _SaysoQuestion
{
  GObject            parent_instance;

  char              *id;
  char              *section;
  SaysoQuestionKind  kind;
  GHashTable        *text;      /* language → text */
  GHashTable        *help;      /* language → text, or NULL */
  GPtrArray         *options;   /* of SaysoOption; likert questions get the scale */
  guint              max_length;
  char              *condition_question;
  GStrv              condition_values;
  char              *fallback_language;
};

SaysoQuestion *_sayso_question_new           (void);
SaysoOption   *_sayso_option_new             (void);
void           _sayso_option_free            (SaysoOption *option);
GHashTable    *_sayso_localized_new          (void);
const char    *_sayso_localized_get          (GHashTable  *table,
                                              const char  *language,
                                              const char  *fallback);

G_END_DECLS
