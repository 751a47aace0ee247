/* sayso-questionnaire-parse.c: parsing and validating a survey definition.
 *
 * Part of SaysoQuestionnaire (sayso-questionnaire.c): the walk over the
 * JSON that builds the model and reports every fault with its place, and
 * the bound on a record's size. Apart because it is the unit's door for
 * untrusted input (the fuzzer's target), and the model's accessors need
 * none of it.
 */
#define G_LOG_DOMAIN "sayso-questionnaire"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>

#include "sayso-kiosk-texts.h"
#include "sayso-question-private.h"
#include "sayso-questionnaire-private.h"

#define MAX_FAULTS 25
#define MAX_TEXT_LENGTH 5000
#define RECORD_BLOCK 4096
#define MAX_PICTURE_BYTES (256 * 1024)
#define HIGH_CONTRAST_SUFFIX "-high-contrast.svg"

static const char * const likert_ids[] = {
  "strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "prefer_not_to_say",
};

/* Parsing state: where we are, and what is wrong so far. */
typedef struct
{
  SaysoQuestionnaire *self;
  GPtrArray          *faults;
  GHashTable         *pictures;  /* a picture's name → its URI, once checked */
} Parser;

static void fault (Parser *p, const char *path, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
fault (Parser     *p,
       const char *path,
       const char *format,
       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (p->faults->len >= MAX_FAULTS)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (p->faults, *path ? g_strdup_printf ("%s: %s", path, message)
                                    : g_steal_pointer (&message));
}

static char *
child_path (const char *path,
            const char *key)
{
  return *path ? g_strdup_printf ("%s.%s", path, key) : g_strdup (key);
}

static char *
index_path (const char *path,
            const char *key,
            guint       index)
{
  return *path ? g_strdup_printf ("%s.%s[%u]", path, key, index) : g_strdup_printf ("%s[%u]", key, index);
}

static const char *
node_type_name (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "a list";
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING: return "a string";
    case G_TYPE_BOOLEAN: return "true or false";
    default: return "a number";
    }
}

static JsonNode *
member (Parser     *p,
        JsonObject *object,
        const char *path,
        const char *key,
        gboolean    required)
{
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL && required)
    fault (p, path, "missing \"%s\"", key);

  return node;
}

static gboolean
is_identifier (const char *s)
{
  gsize len = strlen (s);

  if (len == 0 || len > 64 || !(g_ascii_islower (s[0]) || g_ascii_isdigit (s[0])))
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!g_ascii_islower (*c) && !g_ascii_isdigit (*c) && *c != '_' && *c != '-')
      return FALSE;
  return TRUE;
}

static const char *
get_string (Parser     *p,
            JsonObject *object,
            const char *path,
            const char *key,
            gboolean    required)
{
  JsonNode *node = member (p, object, path, key, required);
  g_autofree char *where = NULL;

  if (node == NULL)
    return NULL;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      where = child_path (path, key);
      fault (p, where, "must be a string, not %s", node_type_name (node));
      return NULL;
    }

  return json_node_get_string (node);
}

static const char *
get_identifier (Parser     *p,
                JsonObject *object,
                const char *path,
                const char *key)
{
  const char *value = get_string (p, object, path, key, TRUE);
  g_autofree char *where = NULL;

  if (value != NULL && !is_identifier (value))
    {
      where = child_path (path, key);
      fault (p, where, "\"%s\" is not a valid id (lower-case letters, digits, _ and -)", value);
      return NULL;
    }

  return value;
}

static gboolean
get_integer (Parser     *p,
             JsonObject *object,
             const char *path,
             const char *key,
             gint64      min,
             gint64      max,
             gint64     *out)
{
  JsonNode *node = member (p, object, path, key, TRUE);
  g_autofree char *where = NULL;

  if (node == NULL)
    return FALSE;

  where = child_path (path, key);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      fault (p, where, "must be a whole number, not %s", node_type_name (node));
      return FALSE;
    }

  *out = json_node_get_int (node);
  if (*out < min || *out > max)
    {
      fault (p, where, "must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT, min, max);
      return FALSE;
    }

  return TRUE;
}

static JsonObject *
get_object (Parser     *p,
            JsonObject *object,
            const char *path,
            const char *key,
            gboolean    required)
{
  JsonNode *node = member (p, object, path, key, required);
  g_autofree char *where = NULL;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      where = child_path (path, key);
      fault (p, where, "must be an object, not %s", node_type_name (node));
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
get_array (Parser     *p,
           JsonObject *object,
           const char *path,
           const char *key,
           gboolean    required)
{
  JsonNode *node = member (p, object, path, key, required);
  g_autofree char *where = NULL;

  if (node == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      where = child_path (path, key);
      fault (p, where, "must be a list, not %s", node_type_name (node));
      return NULL;
    }
  return json_node_get_array (node);
}

static void
check_keys (Parser             *p,
            JsonObject         *object,
            const char         *path,
            const char * const *allowed)
{
  g_autoptr(GList) keys = json_object_get_members (object);

  for (GList *l = keys; l; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      fault (p, path, "unknown key \"%s\"", (const char *) l->data);
}

/* A text in every language of the questionnaire, and in no other. */
static GHashTable *
get_localized (Parser     *p,
               JsonObject *object,
               const char *path,
               const char *key,
               gboolean    required)
{
  g_autoptr(GHashTable) table = NULL;
  g_autofree char *where = NULL;
  JsonObject *texts;
  g_autoptr(GList) keys = NULL;

  if (!(texts = get_object (p, object, path, key, required)))
    return NULL;

  where = child_path (path, key);
  table = _sayso_localized_new ();

  for (guint i = 0; p->self->languages && p->self->languages[i]; i++)
    {
      const char *language = p->self->languages[i];
      const char *text = get_string (p, texts, where, language, TRUE);

      if (text == NULL)
        continue;
      if (strspn (text, " \t\r\n") == strlen (text))
        {
          g_autofree char *at = child_path (where, language);
          fault (p, at, "must not be empty");
          continue;
        }
      g_hash_table_insert (table, g_strdup (language), g_strdup (text));
    }

  keys = json_object_get_members (texts);
  for (GList *l = keys; l; l = l->next)
    if (p->self->languages && !g_strv_contains ((const char * const *) p->self->languages, l->data))
      fault (p, where, "language \"%s\" is not in \"languages\"", (const char *) l->data);

  return g_steal_pointer (&table);
}

static void
svg_start_element (GMarkupParseContext  *context,
                   const char           *element_name,
                   const char          **attribute_names,
                   const char          **attribute_values,
                   gpointer              user_data,
                   GError              **error)
{
  gboolean *seen_root = user_data;

  if (*seen_root)
    return;
  *seen_root = TRUE;
  if (!g_str_equal (element_name, "svg") && !g_str_has_suffix (element_name, ":svg"))
    g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                 "its first element is <%s>, not <svg>", element_name);
}

/* Well-formed XML whose root is <svg>: what the kiosk's loader (librsvg)
 * will draw. The core links no image library, and this is enough to catch
 * the wrong file, a truncated one or a photograph renamed .svg. */
static gboolean
is_svg (const char  *data,
        gsize        len,
        char       **why)
{
  static const GMarkupParser parser = { svg_start_element, NULL, NULL, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) error = NULL;
  gboolean seen_root = FALSE;

  if (!g_utf8_validate (data, (gssize) len, NULL))
    {
      *why = g_strdup ("it is not text (an SVG file is XML)");
      return FALSE;
    }
  context = g_markup_parse_context_new (&parser, G_MARKUP_PREFIX_ERROR_POSITION, &seen_root, NULL);
  if (!g_markup_parse_context_parse (context, data, (gssize) len, &error) ||
      !g_markup_parse_context_end_parse (context, &error))
    {
      *why = g_strdup (error->message);
      return FALSE;
    }
  if (!seen_root)
    {
      *why = g_strdup ("it holds no <svg> element");
      return FALSE;
    }
  return TRUE;
}

/* Reads a picture the questionnaire names, to check it. NULL with a reason
 * in @why (which names no more than the picture's own name). */
static GBytes *
read_picture (Parser      *p,
              const char  *name,
              char       **uri,
              char       **why)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *full = NULL;
  g_autofree char *real = NULL;
  g_autofree char *inside = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  GStatBuf st;

  if (!g_str_has_suffix (name, ".svg"))
    {
      *why = g_strdup ("must be an SVG file, named .svg");
      return NULL;
    }
  if (g_str_has_prefix (name, "resource:///"))
    {
      GBytes *bytes = g_resources_lookup_data (name + strlen ("resource://"), G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);

      if (bytes == NULL)
        *why = g_strdup ("there is no such picture built into Sayso");
      else
        *uri = g_strdup (name);
      return bytes;
    }

  if (p->self->base_dir == NULL)
    {
      *why = g_strdup ("a picture file is looked for beside the questionnaire, and this one was not read from a file");
      return NULL;
    }
  if (g_path_is_absolute (name) || strchr (name, '\\') || strchr (name, ':'))
    {
      *why = g_strdup ("must be a path relative to the questionnaire's folder, such as \"pictures/travel.svg\"");
      return NULL;
    }
  parts = g_strsplit (name, "/", -1);
  for (guint i = 0; parts[i]; i++)
    if (g_str_equal (parts[i], ".."))
      {
        *why = g_strdup ("must not lead out of the questionnaire's folder (\"..\")");
        return NULL;
      }
  full = g_build_filename (p->self->base_dir, name, NULL);
  if (!(real = realpath (full, NULL)))
    {
      *why = g_strdup_printf ("cannot be opened: %s", g_strerror (errno));
      return NULL;
    }
  /* A symbolic link may point anywhere, even at a file the kiosk may read
   * and the questionnaire's author should not: the real file must be in the
   * folder too. */
  inside = g_strconcat (p->self->base_dir, G_DIR_SEPARATOR_S, NULL);
  if (!g_str_has_prefix (real, inside))
    {
      *why = g_strdup ("leads out of the questionnaire's folder (through a symbolic link)");
      return NULL;
    }
  if (g_stat (real, &st) != 0 || !S_ISREG (st.st_mode))
    {
      *why = g_strdup ("is not a file");
      return NULL;
    }
  if (st.st_size > MAX_PICTURE_BYTES)
    {
      *why = g_strdup_printf ("is %" G_GUINT64_FORMAT " bytes, more than the %d a picture may take",
                              (guint64) st.st_size, MAX_PICTURE_BYTES);
      return NULL;
    }
  if (!g_file_get_contents (real, &contents, &len, &error))
    {
      *why = g_strdup_printf ("cannot be read: %s", error->message);
      return NULL;
    }
  if (len > MAX_PICTURE_BYTES)
    {
      *why = g_strdup_printf ("is more than the %d bytes a picture may take", MAX_PICTURE_BYTES);
      return NULL;
    }
  if (!(*uri = g_filename_to_uri (real, NULL, &error)))
    {
      *why = g_strdup (error->message);
      return NULL;
    }
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

/* The URI of a picture once it is read and found to be SVG; NULL after a
 * fault at @where naming @owner (which option of which question). */
static char *
check_picture (Parser     *p,
               const char *where,
               const char *owner,
               const char *name)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *why = NULL;
  const char *known;

  if ((known = g_hash_table_lookup (p->pictures, name)))
    return g_strdup (known);

  if ((bytes = read_picture (p, name, &uri, &why)))
    {
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);

      if (!is_svg (data, len, &why))
        {
          g_autofree char *reason = g_steal_pointer (&why);
          why = g_strdup_printf ("is not an SVG picture: %s", reason);
        }
    }
  if (why != NULL)
    {
      fault (p, where, "the picture \"%s\" of %s %s", name, owner, why);
      return NULL;
    }

  g_hash_table_insert (p->pictures, g_strdup (name), g_strdup (uri));
  return g_steal_pointer (&uri);
}

static gboolean
picture_exists (Parser     *p,
                const char *name)
{
  g_autofree char *full = NULL;

  if (g_str_has_prefix (name, "resource:///"))
    return g_resources_get_info (name + strlen ("resource://"), G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL);
  full = g_build_filename (p->self->base_dir, name, NULL);
  return g_file_test (full, G_FILE_TEST_EXISTS);
}

/* "picture": an SVG beside the questionnaire or built into Sayso. Its
 * high-contrast variant is found by name, "x.svg" → "x-high-contrast.svg"
 * beside it, and checked the same way; without one, the picture itself
 * serves in high contrast. */
static void
parse_picture (Parser      *p,
               JsonObject  *object,
               const char  *path,
               const char  *owner,
               SaysoOption *option)
{
  const char *name = get_string (p, object, path, "picture", FALSE);
  g_autofree char *where = NULL;
  g_autofree char *stem = NULL;
  g_autofree char *variant = NULL;

  if (name == NULL)
    return;

  where = child_path (path, "picture");
  if (!(option->picture = check_picture (p, where, owner, name)))
    return;

  if (g_str_has_suffix (name, HIGH_CONTRAST_SUFFIX))
    {
      fault (p, where, "the picture \"%s\" of %s is a high-contrast variant: name the ordinary picture, "
             "and its variant is found beside it", name, owner);
      return;
    }
  stem = g_strndup (name, strlen (name) - strlen (".svg"));
  variant = g_strconcat (stem, HIGH_CONTRAST_SUFFIX, NULL);
  if (picture_exists (p, variant))
    option->picture_high_contrast = check_picture (p, where, owner, variant);
  else
    option->picture_high_contrast = g_strdup (option->picture);
}

static void
parse_languages (Parser     *p,
                 JsonObject *root)
{
  JsonArray *array = get_array (p, root, "", "languages", TRUE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  JsonObject *review;

  if (array == NULL)
    return;

  if (json_array_get_length (array) == 0)
    fault (p, "languages", "must name at least one language");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *where = index_path ("", "languages", i);
      const char *code;
      gsize len;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          fault (p, where, "must be a language code such as \"en\" or \"cy\"");
          continue;
        }
      code = json_node_get_string (node);
      len = strlen (code);
      if (len < 2 || len > 3 || strspn (code, "abcdefghijklmnopqrstuvwxyz") != len)
        {
          fault (p, where, "\"%s\" is not a language code such as \"en\" or \"cy\"", code);
          continue;
        }
      if (g_ptr_array_find_with_equal_func (seen, code, g_str_equal, NULL))
        {
          fault (p, where, "\"%s\" is listed twice", code);
          continue;
        }
      g_ptr_array_add (seen, (gpointer) code);
      g_strv_builder_add (builder, code);
    }

  p->self->languages = g_strv_builder_end (builder);

  if ((review = get_object (p, root, "", "language_review", FALSE)))
    {
      g_autoptr(GList) keys = json_object_get_members (review);

      for (GList *l = keys; l; l = l->next)
        {
          const char *status = get_string (p, review, "language_review", l->data, TRUE);

          if (!g_strv_contains ((const char * const *) p->self->languages, l->data))
            fault (p, "language_review", "language \"%s\" is not in \"languages\"", (const char *) l->data);
          else if (status != NULL)
            g_hash_table_insert (p->self->language_review, g_strdup (l->data), g_strdup (status));
        }
    }
}

static void
parse_options (Parser        *p,
               SaysoQuestion *question,
               JsonArray     *array,
               const char    *path,
               gboolean       allow_exclusive)
{
  static const char * const option_keys[] = { "id", "label", "exclusive", "picture", NULL };
  guint n = json_array_get_length (array);
  guint n_inclusive = 0;

  if (n < 2)
    fault (p, path, "a choice needs at least two options");

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("%s[%u]", path, i);
      g_autofree char *owner = NULL;
      SaysoOption *option;
      const char *id;
      JsonNode *exclusive;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          fault (p, where, "must be an object, not %s", node_type_name (node));
          continue;
        }

      check_keys (p, json_node_get_object (node), where, option_keys);
      id = get_identifier (p, json_node_get_object (node), where, "id");
      if (id != NULL && sayso_question_find_option (question, id) >= 0)
        {
          fault (p, where, "option id \"%s\" is used twice", id);
          id = NULL;
        }

      option = _sayso_option_new ();
      option->id = g_strdup (id ? id : "");
      g_clear_pointer (&option->label, g_hash_table_unref);
      option->label = get_localized (p, json_node_get_object (node), where, "label", TRUE);
      if (option->label == NULL)
        option->label = _sayso_localized_new ();

      if ((exclusive = json_object_get_member (json_node_get_object (node), "exclusive")))
        {
          if (!allow_exclusive)
            fault (p, where, "\"exclusive\" is only for multiple-choice questions");
          else if (!JSON_NODE_HOLDS_VALUE (exclusive) || json_node_get_value_type (exclusive) != G_TYPE_BOOLEAN)
            fault (p, where, "\"exclusive\" must be true or false");
          else
            option->exclusive = json_node_get_boolean (exclusive);
        }
      if (!option->exclusive)
        n_inclusive++;

      owner = g_strdup_printf ("option \"%s\" of question \"%s\"", option->id, question->id);
      parse_picture (p, json_node_get_object (node), where, owner, option);

      g_ptr_array_add (question->options, option);
    }

  if (allow_exclusive && n >= 2 && n_inclusive == 0)
    fault (p, path, "every option is exclusive, so only one can ever be chosen: use a single choice");
}

static void
parse_likert (Parser     *p,
              JsonObject *root,
              GPtrArray  *scale)
{
  JsonArray *array = get_array (p, root, "", "likert", FALSE);

  if (array == NULL)
    return;

  if (json_array_get_length (array) != G_N_ELEMENTS (likert_ids))
    {
      fault (p, "likert", "must have exactly %u points: %s, %s, %s, %s, %s, %s",
             (guint) G_N_ELEMENTS (likert_ids), likert_ids[0], likert_ids[1], likert_ids[2],
             likert_ids[3], likert_ids[4], likert_ids[5]);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (likert_ids); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *where = index_path ("", "likert", i);
      g_autofree char *owner = NULL;
      SaysoOption *option;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          fault (p, where, "must be an object, not %s", node_type_name (node));
          continue;
        }
      id = get_string (p, json_node_get_object (node), where, "id", TRUE);
      if (id != NULL && !g_str_equal (id, likert_ids[i]))
        fault (p, where, "must be \"%s\" (the points go from strongly agree to prefer not to say)", likert_ids[i]);

      option = _sayso_option_new ();
      option->id = g_strdup (likert_ids[i]);
      g_clear_pointer (&option->label, g_hash_table_unref);
      option->label = get_localized (p, json_node_get_object (node), where, "label", TRUE);
      if (option->label == NULL)
        option->label = _sayso_localized_new ();
      owner = g_strdup_printf ("the likert point \"%s\"", option->id);
      parse_picture (p, json_node_get_object (node), where, owner, option);
      g_ptr_array_add (scale, option);
    }
}

static void
parse_sections (Parser     *p,
                JsonObject *root)
{
  static const char * const section_keys[] = { "id", "title", NULL };
  JsonArray *array = get_array (p, root, "", "sections", TRUE);

  if (array == NULL)
    return;

  if (json_array_get_length (array) == 0)
    fault (p, "sections", "must have at least one section");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *where = index_path ("", "sections", i);
      GHashTable *title;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          fault (p, where, "must be an object, not %s", node_type_name (node));
          continue;
        }
      check_keys (p, json_node_get_object (node), where, section_keys);
      id = get_identifier (p, json_node_get_object (node), where, "id");
      title = get_localized (p, json_node_get_object (node), where, "title", TRUE);
      if (id != NULL && g_hash_table_contains (p->self->section_titles, id))
        fault (p, where, "section id \"%s\" is used twice", id);
      else if (id != NULL)
        {
          g_ptr_array_add (p->self->section_ids, g_strdup (id));
          g_hash_table_insert (p->self->section_titles, g_strdup (id),
                               title ? g_hash_table_ref (title) : _sayso_localized_new ());
        }
      g_clear_pointer (&title, g_hash_table_unref);
    }
}

static void
parse_condition (Parser        *p,
                 SaysoQuestion *question,
                 JsonObject    *object,
                 const char    *path)
{
  static const char * const condition_keys[] = { "question", "any_of", NULL };
  g_autofree char *where = child_path (path, "show_if");
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  JsonObject *condition;
  SaysoQuestion *target = NULL;
  const char *target_id;
  JsonArray *any_of;

  if (!(condition = get_object (p, object, path, "show_if", FALSE)))
    return;

  check_keys (p, condition, where, condition_keys);

  if ((target_id = get_string (p, condition, where, "question", TRUE)))
    {
      target = sayso_questionnaire_lookup_question (p->self, target_id);
      if (target == NULL)
        fault (p, where, "question \"%s\" does not come before this one", target_id);
      else if (target->kind == SAYSO_QUESTION_TEXT)
        fault (p, where, "question \"%s\" is free text; a condition needs a choice", target_id);
    }

  if ((any_of = get_array (p, condition, where, "any_of", TRUE)))
    {
      g_autofree char *list_path = child_path (where, "any_of");

      if (json_array_get_length (any_of) == 0)
        fault (p, list_path, "must name at least one option");

      for (guint i = 0; i < json_array_get_length (any_of); i++)
        {
          JsonNode *node = json_array_get_element (any_of, i);
          g_autofree char *at = g_strdup_printf ("%s[%u]", list_path, i);
          const char *value;

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            {
              fault (p, at, "must be an option id");
              continue;
            }
          value = json_node_get_string (node);
          if (target != NULL && target->kind != SAYSO_QUESTION_TEXT &&
              sayso_question_find_option (target, value) < 0)
            fault (p, at, "\"%s\" is not an option of question \"%s\"", value, target->id);
          g_strv_builder_add (values, value);
        }
    }

  question->condition_question = g_strdup (target_id);
  question->condition_values = g_strv_builder_end (values);
}

static SaysoQuestionKind
parse_kind (Parser     *p,
            JsonObject *object,
            const char *path,
            gboolean   *ok)
{
  const char *kind = get_string (p, object, path, "kind", TRUE);

  *ok = TRUE;
  if (kind == NULL)
    *ok = FALSE;
  else if (g_str_equal (kind, "likert"))
    return SAYSO_QUESTION_LIKERT;
  else if (g_str_equal (kind, "single"))
    return SAYSO_QUESTION_SINGLE;
  else if (g_str_equal (kind, "multiple"))
    return SAYSO_QUESTION_MULTIPLE;
  else if (g_str_equal (kind, "text"))
    return SAYSO_QUESTION_TEXT;
  else
    {
      g_autofree char *where = child_path (path, "kind");
      fault (p, where, "\"%s\" is not one of likert, single, multiple, text", kind);
      *ok = FALSE;
    }

  return SAYSO_QUESTION_SINGLE;
}

static void
parse_questions (Parser     *p,
                 JsonObject *root,
                 GPtrArray  *scale)
{
  static const char * const question_keys[] = {
    "id", "section", "kind", "text", "help", "options", "max_length", "show_if", NULL
  };
  JsonArray *array = get_array (p, root, "", "questions", TRUE);
  gboolean scale_missing_reported = FALSE;

  if (array == NULL)
    return;

  if (json_array_get_length (array) == 0)
    fault (p, "questions", "must have at least one question");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *where = index_path ("", "questions", i);
      g_autoptr(SaysoQuestion) question = NULL;
      JsonObject *object;
      const char *id, *section;
      gboolean kind_ok;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          fault (p, where, "must be an object, not %s", node_type_name (node));
          continue;
        }
      object = json_node_get_object (node);
      check_keys (p, object, where, question_keys);

      question = _sayso_question_new ();
      question->fallback_language = g_strdup (p->self->languages ? p->self->languages[0] : NULL);

      id = get_identifier (p, object, where, "id");
      if (id != NULL && g_hash_table_contains (p->self->by_id, id))
        {
          fault (p, where, "question id \"%s\" is used twice", id);
          id = NULL;
        }
      question->id = g_strdup (id ? id : "");

      if ((section = get_string (p, object, where, "section", TRUE)))
        {
          if (!g_hash_table_contains (p->self->section_titles, section))
            fault (p, where, "section \"%s\" is not in \"sections\"", section);
          question->section = g_strdup (section);
        }

      question->kind = parse_kind (p, object, where, &kind_ok);
      question->text = get_localized (p, object, where, "text", TRUE);
      question->help = get_localized (p, object, where, "help", FALSE);

      if (kind_ok)
        {
          JsonArray *options = NULL;
          gboolean wants_options = question->kind == SAYSO_QUESTION_SINGLE ||
                                   question->kind == SAYSO_QUESTION_MULTIPLE;

          if (wants_options)
            {
              if ((options = get_array (p, object, where, "options", TRUE)))
                {
                  g_autofree char *options_path = child_path (where, "options");
                  parse_options (p, question, options, options_path,
                                 question->kind == SAYSO_QUESTION_MULTIPLE);
                }
            }
          else if (json_object_has_member (object, "options"))
            fault (p, where, "\"options\" is not allowed for a %s question",
                   sayso_question_kind_to_string (question->kind));

          if (question->kind == SAYSO_QUESTION_TEXT)
            {
              gint64 max_length = 0;
              if (get_integer (p, object, where, "max_length", 1, MAX_TEXT_LENGTH, &max_length))
                question->max_length = (guint) max_length;
            }
          else if (json_object_has_member (object, "max_length"))
            fault (p, where, "\"max_length\" is only for free-text questions");

          if (question->kind == SAYSO_QUESTION_LIKERT)
            {
              if (scale->len == 0 && !scale_missing_reported)
                {
                  fault (p, where, "a likert question needs the \"likert\" scale at the top of the file");
                  scale_missing_reported = TRUE;
                }
              for (guint k = 0; k < scale->len; k++)
                {
                  SaysoOption *point = g_ptr_array_index (scale, k);
                  SaysoOption *copy = _sayso_option_new ();

                  copy->id = g_strdup (point->id);
                  g_hash_table_unref (copy->label);
                  copy->label = g_hash_table_ref (point->label);
                  copy->picture = g_strdup (point->picture);
                  copy->picture_high_contrast = g_strdup (point->picture_high_contrast);
                  g_ptr_array_add (question->options, copy);
                }
            }
        }

      parse_condition (p, question, object, where);

      if (id != NULL)
        {
          g_ptr_array_add (p->self->questions, g_object_ref (question));
          g_hash_table_insert (p->self->by_id, g_strdup (id),
                               GUINT_TO_POINTER (p->self->questions->len));
        }
    }
}

/* Does @key name a text of this questionnaire, or one of the kiosk's own
 * words that it says aloud (sayso-kiosk-texts.h)? */
static gboolean
audio_key_names_text (SaysoQuestionnaire *self,
                      const char         *key)
{
  g_auto(GStrv) parts = g_strsplit (key, ".", 0);
  guint n = g_strv_length (parts);
  SaysoQuestion *question;

  if (n == 1)
    return g_str_equal (parts[0], "title");
  if (n == 2 && g_str_equal (parts[0], "kiosk"))
    return sayso_kiosk_text_lookup (parts[1]) != SAYSO_KIOSK_TEXT_NONE;
  if (n == 2 && g_str_equal (parts[0], "likert"))
    return g_strv_contains (likert_ids, parts[1]);
  if (n == 3 && g_str_equal (parts[0], "sections"))
    return g_str_equal (parts[2], "title") && g_hash_table_contains (self->section_titles, parts[1]);
  if (parts[0] == NULL || !g_str_equal (parts[0], "questions") || n < 3 ||
      !(question = sayso_questionnaire_lookup_question (self, parts[1])))
    return FALSE;
  if (n == 3 && g_str_equal (parts[2], "text"))
    return TRUE;
  if (n == 3 && g_str_equal (parts[2], "help"))
    return question->help != NULL;
  if (n == 4 && g_str_equal (parts[2], "options"))
    return sayso_question_find_option (question, parts[3]) >= 0;
  return FALSE;
}

/* A clip's place beside the questionnaire: relative, inside its folder by
 * its very spelling (the files themselves are checked when it is loaded from
 * a file: sayso-questionnaire-audio.c), and a kind GStreamer plays. */
static const char *
audio_path_fault (const char *path)
{
  static const char * const kinds[] = { ".ogg", ".oga", ".opus", ".wav" };
  g_auto(GStrv) components = NULL;
  g_autofree char *lower = NULL;
  gboolean kind_ok = FALSE;

  if (*path == '\0')
    return "is empty";
  if (strlen (path) > 1000)
    return "is longer than 1000 bytes";
  if (!g_utf8_validate (path, -1, NULL) || strchr (path, '\\') || strchr (path, ':'))
    return "must be a plain relative path with / between folders";
  if (g_path_is_absolute (path) || path[0] == '~')
    return "must be relative to the questionnaire's folder, not absolute";
  components = g_strsplit (path, "/", 0);
  for (guint i = 0; components[i]; i++)
    {
      if (g_str_equal (components[i], ".."))
        return "must not leave the questionnaire's folder (\"..\")";
      if (*components[i] == '\0' || g_str_equal (components[i], "."))
        return "must not have empty or \".\" parts";
    }
  lower = g_ascii_strdown (path, -1);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    kind_ok |= g_str_has_suffix (lower, kinds[i]);
  if (!kind_ok)
    return "must be an Ogg (.ogg, .oga, .opus) or WAV (.wav) file";
  return NULL;
}

/* "audio": { LANGUAGE: { TEXT KEY: CLIP PATH } }, after the texts it
 * names; docs/format.md "Recorded voices". */
static void
parse_audio (Parser     *p,
             JsonObject *root)
{
  JsonObject *audio = get_object (p, root, "", "audio", FALSE);
  g_autoptr(GList) languages = NULL;

  if (audio == NULL)
    return;

  languages = json_object_get_members (audio);
  for (GList *l = languages; l; l = l->next)
    {
      const char *language = l->data;
      g_autofree char *where = child_path ("audio", language);
      g_autoptr(GList) keys = NULL;
      JsonObject *clips;

      if (!g_strv_contains ((const char * const *) p->self->languages, language))
        {
          fault (p, "audio", "language \"%s\" is not in \"languages\"", language);
          continue;
        }
      if (!(clips = get_object (p, audio, "audio", language, TRUE)))
        continue;

      keys = json_object_get_members (clips);
      for (GList *k = keys; k; k = k->next)
        {
          const char *key = k->data;
          g_autofree char *at = g_strdup_printf ("%s[\"%s\"]", where, key);
          JsonNode *node = json_object_get_member (clips, key);
          const char *path, *problem;

          if (g_str_has_prefix (key, "kiosk.") && !audio_key_names_text (p->self, key))
            {
              g_autofree char *names = sayso_kiosk_text_dup_names ();

              fault (p, at, "names none of the kiosk's own words said aloud; a kiosk key is \"kiosk.\" "
                            "and one of: %s", names);
              continue;
            }
          if (!audio_key_names_text (p->self, key))
            {
              fault (p, at, "names no text of this questionnaire (such as \"questions.ID.text\", "
                            "\"questions.ID.help\", \"questions.ID.options.ID\", \"likert.ID\" or \"kiosk.NAME\")");
              continue;
            }
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            {
              fault (p, at, "must be a clip's path, not %s", node_type_name (node));
              continue;
            }
          path = json_node_get_string (node);
          if ((problem = audio_path_fault (path)))
            {
              fault (p, at, "\"%s\" %s", path, problem);
              continue;
            }
          g_hash_table_insert (p->self->audio, g_strdup_printf ("%s:%s", language, key), g_strdup (path));
        }
    }
}

/* The largest a record of this questionnaire can be once serialised, so that
 * every record can be padded to the same size. JSON-GLib (1.6) writes UTF-8
 * as is, so a character costs at most 4 bytes; it writes `"` `\\` \b \f \n
 * \r \t as 2, and U+0001 to U+001E (but those five) and DEL, U+007F, as
 * \u00XX: 6. Answers refuse those C0 controls, and a text answer must fit 4
 * bytes a character once written (sayso-response.c), DELs and all. A site
 * name refuses the C0 controls but may hold DEL: 6 bytes a character for it.
 * (tests/test-store.c /store/padding-bound/ measures every character.) */
static gsize
compute_record_size (SaysoQuestionnaire *self)
{
  gsize bound = 512 + strlen (self->id) + 6 * SAYSO_SITE_MAX_CHARS;

  for (guint i = 0; i < self->questions->len; i++)
    {
      SaysoQuestion *question = g_ptr_array_index (self->questions, i);

      bound += strlen (question->id) + 8;
      if (question->kind == SAYSO_QUESTION_TEXT)
        bound += 4 * (gsize) question->max_length;
      else
        for (guint k = 0; k < question->options->len; k++)
          bound += strlen (((SaysoOption *) g_ptr_array_index (question->options, k))->id) + 3;
    }

  return (bound / RECORD_BLOCK + 1) * RECORD_BLOCK;
}

gboolean
_sayso_questionnaire_parse (SaysoQuestionnaire  *self,
                            JsonNode            *root_node,
                            const char          *origin,
                            GError             **error)
{
  static const char * const root_keys[] = {
    "format", "id", "version", "languages", "language_review", "title", "likert",
    "sections", "questions", "audio", NULL
  };
  g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) scale = g_ptr_array_new_with_free_func ((GDestroyNotify) _sayso_option_free);
  g_autoptr(GHashTable) pictures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  Parser p = { self, faults, pictures };
  JsonObject *root;
  const char *id;
  gint64 format = 0;

  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      g_set_error (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID,
                   "%s: a questionnaire must be a JSON object, not %s", origin, node_type_name (root_node));
      return FALSE;
    }
  root = json_node_get_object (root_node);

  check_keys (&p, root, "", root_keys);
  if (get_integer (&p, root, "", "format", 1, G_MAXINT64, &format) && format != 1)
    fault (&p, "format", "this Sayso reads format 1, the file is format %" G_GINT64_FORMAT, format);
  if ((id = get_identifier (&p, root, "", "id")))
    self->id = g_strdup (id);
  get_integer (&p, root, "", "version", 1, G_MAXINT32, &self->version);

  parse_languages (&p, root);
  if (self->languages != NULL)
    {
      GHashTable *title = get_localized (&p, root, "", "title", TRUE);
      if (title != NULL)
        {
          g_hash_table_unref (self->title);
          self->title = title;
        }
      parse_likert (&p, root, scale);
      parse_sections (&p, root);
      parse_questions (&p, root, scale);
      parse_audio (&p, root);
    }

  if (faults->len > 0)
    {
      g_autoptr(GString) message = g_string_new (NULL);

      g_string_append_printf (message, "%s: %u fault%s, the questionnaire was not loaded:",
                              origin, faults->len, faults->len == 1 ? "" : "s");
      for (guint i = 0; i < faults->len; i++)
        g_string_append_printf (message, "\n  %s", (const char *) g_ptr_array_index (faults, i));
      if (faults->len >= MAX_FAULTS)
        g_string_append (message, "\n  (and perhaps more)");

      g_set_error_literal (error, SAYSO_QUESTIONNAIRE_ERROR, SAYSO_QUESTIONNAIRE_ERROR_INVALID, message->str);
      return FALSE;
    }

  self->record_size = compute_record_size (self);
  return TRUE;
}
