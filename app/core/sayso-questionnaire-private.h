/* sayso-questionnaire-private.h: what the files of SaysoQuestionnaire share.
 *
 * SaysoQuestionnaire is one unit over two files: sayso-questionnaire.c
 * (loading, the model's accessors) and sayso-questionnaire-parse.c (parsing
 * and validating the JSON); this is their struct and the parser's entry.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "sayso-questionnaire.h"

G_BEGIN_DECLS

struct _SaysoQuestionnaire
{
  GObject     parent_instance;

  char       *id;
  gint64      version;
  GStrv       languages;
  GHashTable *language_review;
  GHashTable *title;
  GPtrArray  *section_ids;
  GHashTable *section_titles;  /* section id → (language → text) */
  GPtrArray  *questions;
  GHashTable *by_id;           /* question id → index + 1 */
  gsize       record_size;
  char       *base_dir;        /* the real folder of the file, or NULL */

  /* Recorded voices (sayso-questionnaire-audio.c) */
  GHashTable *audio;           /* "language:text key" → clip path, as written */
  GHashTable *audio_files;     /* "language:text key" → GFile, the clips found */
  GPtrArray  *audio_problems;  /* what is wrong with the clips, for staff */
};

/* Fills @self from @root_node; every fault, with its place, in @error.
 * Files the questionnaire names are looked for in @self->base_dir. */
gboolean _sayso_questionnaire_parse (SaysoQuestionnaire  *self,
                                     JsonNode            *root_node,
                                     const char          *origin,
                                     GError             **error);

/* Looks for every clip in @folder (a directory or a resource:// folder) and
 * keeps those found; sayso-questionnaire-audio.c. */
void     _sayso_questionnaire_find_audio (SaysoQuestionnaire  *self,
                                          GFile               *folder);

G_END_DECLS
