#define G_LOG_DOMAIN "sayso-question"

#include "sayso-question-private.h"

G_DEFINE_FINAL_TYPE (SaysoQuestion, sayso_question, G_TYPE_OBJECT)

static void
sayso_question_finalize (GObject *object)
{
  SaysoQuestion *self = (SaysoQuestion *)object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->section, g_free);
  g_clear_pointer (&self->text, g_hash_table_unref);
  g_clear_pointer (&self->help, g_hash_table_unref);
  g_clear_pointer (&self->options, g_ptr_array_unref);
  g_clear_pointer (&self->condition_question, g_free);
  g_clear_pointer (&self->condition_values, g_strfreev);
  g_clear_pointer (&self->fallback_language, g_free);

  G_OBJECT_CLASS (sayso_question_parent_class)->finalize (object);
}

static void
sayso_question_class_init (SaysoQuestionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sayso_question_finalize;
}

static void
sayso_question_init (SaysoQuestion *self)
{
  self->options = g_ptr_array_new_with_free_func ((GDestroyNotify) _sayso_option_free);
}

SaysoQuestion *
_sayso_question_new (void)
{
  return g_object_new (SAYSO_TYPE_QUESTION, NULL);
}

SaysoOption *
_sayso_option_new (void)
{
  SaysoOption *option = g_new0 (SaysoOption, 1);
  option->label = _sayso_localized_new ();
  return option;
}

void
_sayso_option_free (SaysoOption *option)
{
  if (option == NULL)
    return;
  g_free (option->id);
  g_clear_pointer (&option->label, g_hash_table_unref);
  g_free (option->picture);
  g_free (option->picture_high_contrast);
  g_free (option);
}

GHashTable *
_sayso_localized_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

const char *
_sayso_localized_get (GHashTable *table,
                      const char *language,
                      const char *fallback)
{
  const char *text;

  if (table == NULL)
    return NULL;
  if (language != NULL && (text = g_hash_table_lookup (table, language)))
    return text;
  if (fallback != NULL)
    return g_hash_table_lookup (table, fallback);
  return NULL;
}

const char *
sayso_question_kind_to_string (SaysoQuestionKind kind)
{
  switch (kind)
    {
    case SAYSO_QUESTION_LIKERT: return "likert";
    case SAYSO_QUESTION_SINGLE: return "single";
    case SAYSO_QUESTION_MULTIPLE: return "multiple";
    case SAYSO_QUESTION_TEXT: return "text";
    default: return NULL;
    }
}

const char *
sayso_question_get_id (SaysoQuestion *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), NULL);
  return self->id;
}

const char *
sayso_question_get_section (SaysoQuestion *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), NULL);
  return self->section;
}

SaysoQuestionKind
sayso_question_get_kind (SaysoQuestion *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), 0);
  return self->kind;
}

const char *
sayso_question_get_text (SaysoQuestion *self,
                         const char    *language)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), NULL);
  return _sayso_localized_get (self->text, language, self->fallback_language);
}

const char *
sayso_question_get_help (SaysoQuestion *self,
                         const char    *language)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), NULL);
  return _sayso_localized_get (self->help, language, self->fallback_language);
}

guint
sayso_question_get_max_length (SaysoQuestion *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), 0);
  return self->max_length;
}

guint
sayso_question_get_n_options (SaysoQuestion *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), 0);
  return self->options->len;
}

static SaysoOption *
get_option (SaysoQuestion *self,
            guint          index)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), NULL);
  g_return_val_if_fail (index < self->options->len, NULL);
  return g_ptr_array_index (self->options, index);
}

const char *
sayso_question_get_option_id (SaysoQuestion *self,
                              guint          index)
{
  SaysoOption *option = get_option (self, index);
  return option ? option->id : NULL;
}

const char *
sayso_question_get_option_label (SaysoQuestion *self,
                                 guint          index,
                                 const char    *language)
{
  SaysoOption *option = get_option (self, index);
  return option ? _sayso_localized_get (option->label, language, self->fallback_language) : NULL;
}

gboolean
sayso_question_get_option_exclusive (SaysoQuestion *self,
                                     guint          index)
{
  SaysoOption *option = get_option (self, index);
  return option ? option->exclusive : FALSE;
}

/**
 * sayso_question_get_option_picture:
 * @high_contrast: whether the picture is for the high-contrast look
 *
 * Returns: (nullable): the URI (`file://` or `resource://`) of the option's
 * picture, checked when the questionnaire was loaded; in high contrast its
 * variant if it has one. %NULL if the option names no picture.
 */
const char *
sayso_question_get_option_picture (SaysoQuestion *self,
                                   guint          index,
                                   gboolean       high_contrast)
{
  SaysoOption *option = get_option (self, index);

  if (option == NULL)
    return NULL;
  return high_contrast ? option->picture_high_contrast : option->picture;
}

int
sayso_question_find_option (SaysoQuestion *self,
                            const char    *option_id)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), -1);
  g_return_val_if_fail (option_id != NULL, -1);

  for (guint i = 0; i < self->options->len; i++)
    {
      SaysoOption *option = g_ptr_array_index (self->options, i);
      if (g_str_equal (option->id, option_id))
        return (int) i;
    }

  return -1;
}

const char *
sayso_question_get_condition_question (SaysoQuestion *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), NULL);
  return self->condition_question;
}

const char * const *
sayso_question_get_condition_values (SaysoQuestion *self)
{
  g_return_val_if_fail (SAYSO_IS_QUESTION (self), NULL);
  return (const char * const *) self->condition_values;
}
