/* sayso-catalog.c: one compiled gettext catalog (.mo), read in memory.
 *
 * The format is GNU gettext's: a header of seven 32-bit words in the file's
 * own byte order (magic, revision, count, offset of the original strings'
 * table, offset of the translations' table, hash size and offset), then for
 * each table @count pairs of (length, offset) to NUL-terminated strings. A
 * context is "context\004msgid"; a plural entry's original is
 * "msgid\0msgid_plural" and its translation the forms one after another,
 * each ending in NUL. Every length and offset is checked against the file
 * before it is used, and the plural rule in the header is evaluated by a
 * small parser of its own (the C subset gettext allows), so a catalog that
 * is truncated, lies about its offsets or carries a broken rule is refused
 * as a whole rather than read past its end.
 */
#define G_LOG_DOMAIN "sayso-catalog"

#include <string.h>

#include "sayso-catalog.h"

#define MO_MAGIC         0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U
#define MO_HEADER_BYTES  28
#define MAX_PLURALS      6
/* How deep a plural rule may nest: Arabic's, the deepest in use, is 6. */
#define MAX_RULE_DEPTH   32
/* The counts a rule is tried on when the catalog is loaded. */
#define RULE_CHECK_UP_TO 1000

typedef struct
{
  const char *text;
  gsize       length;   /* all forms, with the NULs between them */
} Translation;

struct _SaysoCatalog
{
  GBytes     *mo;
  GHashTable *entries;  /* original (into @mo) -> Translation */
  GHashTable *header;   /* field -> value, both owned */
  char       *plural_rule;
  guint       n_plurals;
};

G_DEFINE_QUARK (sayso-catalog-error-quark, sayso_catalog_error)

/* --- The plural rule -------------------------------------------------------- */

typedef struct
{
  const char *at;
  gulong      n;
  guint       depth;
  gboolean    failed;
} Rule;

static gulong rule_ternary (Rule *r);

static void
rule_skip_space (Rule *r)
{
  while (*r->at == ' ' || *r->at == '\t' || *r->at == '\n')
    r->at++;
}

static gboolean
rule_accept (Rule       *r,
             const char *token)
{
  gsize len = strlen (token);

  rule_skip_space (r);
  if (strncmp (r->at, token, len) != 0)
    return FALSE;
  /* "<" must not take the first half of "<=", nor "!" of "!=". */
  if (len == 1 && (token[0] == '<' || token[0] == '>' || token[0] == '!' || token[0] == '=') && r->at[1] == '=')
    return FALSE;
  r->at += len;
  return TRUE;
}

static gulong
rule_primary (Rule *r)
{
  gulong value = 0;

  rule_skip_space (r);
  if (r->failed)
    return 0;
  if (*r->at == 'n')
    {
      r->at++;
      return r->n;
    }
  if (g_ascii_isdigit (*r->at))
    {
      while (g_ascii_isdigit (*r->at))
        {
          if (value > G_MAXUINT32)
            r->failed = TRUE;
          value = value * 10 + (gulong) (*r->at++ - '0');
        }
      return value;
    }
  if (rule_accept (r, "("))
    {
      value = rule_ternary (r);
      if (!rule_accept (r, ")"))
        r->failed = TRUE;
      return value;
    }
  r->failed = TRUE;
  return 0;
}

static gulong
rule_unary (Rule *r)
{
  gulong value;

  if (++r->depth > MAX_RULE_DEPTH)
    {
      r->failed = TRUE;
      return 0;
    }
  if (rule_accept (r, "!"))
    value = !rule_unary (r);
  else
    value = rule_primary (r);
  r->depth--;
  return value;
}

static gulong
rule_mul (Rule *r)
{
  gulong value = rule_unary (r);

  for (;;)
    {
      if (rule_accept (r, "*"))
        value *= rule_unary (r);
      else if (rule_accept (r, "/") || rule_accept (r, "%"))
        {
          gboolean divide = r->at[-1] == '/';
          gulong by = rule_unary (r);

          if (by == 0)
            {
              r->failed = TRUE;
              return 0;
            }
          value = divide ? value / by : value % by;
        }
      else
        return value;
    }
}

static gulong
rule_add (Rule *r)
{
  gulong value = rule_mul (r);

  for (;;)
    {
      if (rule_accept (r, "+"))
        value += rule_mul (r);
      else if (rule_accept (r, "-"))
        value -= rule_mul (r);
      else
        return value;
    }
}

static gulong
rule_relation (Rule *r)
{
  gulong value = rule_add (r);

  for (;;)
    {
      if (rule_accept (r, "<="))
        value = value <= rule_add (r);
      else if (rule_accept (r, ">="))
        value = value >= rule_add (r);
      else if (rule_accept (r, "<"))
        value = value < rule_add (r);
      else if (rule_accept (r, ">"))
        value = value > rule_add (r);
      else
        return value;
    }
}

static gulong
rule_equality (Rule *r)
{
  gulong value = rule_relation (r);

  for (;;)
    {
      if (rule_accept (r, "=="))
        value = value == rule_relation (r);
      else if (rule_accept (r, "!="))
        value = value != rule_relation (r);
      else
        return value;
    }
}

static gulong
rule_and (Rule *r)
{
  gulong value = rule_equality (r);

  while (rule_accept (r, "&&"))
    value = rule_equality (r) && value;
  return value;
}

static gulong
rule_or (Rule *r)
{
  gulong value = rule_and (r);

  while (rule_accept (r, "||"))
    value = rule_and (r) || value;
  return value;
}

/* Both branches are evaluated (a rule has no side effects), so a fault in
 * either is found at load time, whatever the count. */
static gulong
rule_ternary (Rule *r)
{
  gulong condition, yes, no;

  if (++r->depth > MAX_RULE_DEPTH)
    {
      r->failed = TRUE;
      return 0;
    }
  condition = rule_or (r);
  if (rule_accept (r, "?"))
    {
      yes = rule_ternary (r);
      if (!rule_accept (r, ":"))
        r->failed = TRUE;
      no = rule_ternary (r);
      condition = condition ? yes : no;
    }
  r->depth--;
  return condition;
}

/* The form for @n, or -1 if the rule does not parse to its end. */
static int
rule_evaluate (const char *rule,
               gulong      n)
{
  Rule r = { rule, n, 0, FALSE };
  gulong value = rule_ternary (&r);

  rule_skip_space (&r);
  if (*r.at == ';')
    r.at++;
  rule_skip_space (&r);
  if (r.failed || *r.at != '\0' || value > MAX_PLURALS)
    return -1;
  return (int) value;
}

/* --- The header ------------------------------------------------------------ */

static void
parse_header (SaysoCatalog *self,
              const char   *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i]; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (colon == NULL || colon == lines[i])
        continue;
      *colon = '\0';
      g_hash_table_replace (self->header, g_strstrip (g_strdup (lines[i])), g_strstrip (g_strdup (colon + 1)));
    }
}

/* "nplurals=4; plural=(n==1) ? 0 : ...;" */
static gboolean
parse_plural_forms (SaysoCatalog  *self,
                    GError       **error)
{
  const char *forms = g_hash_table_lookup (self->header, "Plural-Forms");
  const char *nplurals, *plural;
  g_autofree char *number = NULL;
  guint64 count;

  if (forms == NULL)
    {
      /* gettext's own default: English's rule. */
      self->n_plurals = 2;
      self->plural_rule = g_strdup ("n != 1");
      return TRUE;
    }
  nplurals = strstr (forms, "nplurals=");
  plural = strstr (forms, "plural=");
  if (nplurals != NULL)
    number = g_strstrip (g_strndup (nplurals + 9, strcspn (nplurals + 9, ";")));
  if (nplurals == NULL || plural == NULL ||
      !g_ascii_string_to_unsigned (number, 10, 1, MAX_PLURALS, &count, NULL))
    {
      g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                   "its Plural-Forms header is not \"nplurals=N; plural=RULE;\" with N from 1 to %d", MAX_PLURALS);
      return FALSE;
    }
  self->n_plurals = count;
  self->plural_rule = g_strdup (plural + 7);
  for (gulong n = 0; n <= RULE_CHECK_UP_TO; n++)
    {
      int form = rule_evaluate (self->plural_rule, n);

      if (form < 0 || (guint) form >= self->n_plurals)
        {
          /* At most a line of it: a hostile rule may be any length. */
          g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                       "its plural rule \"%.60s%s\" does not give a form from 0 to %u for %lu",
                       self->plural_rule, strlen (self->plural_rule) > 60 ? "…" : "", self->n_plurals - 1, n);
          return FALSE;
        }
    }
  return TRUE;
}

/* --- The file -------------------------------------------------------------- */

static guint32
read_word (const guint8 *data,
           gsize         offset,
           gboolean      swapped)
{
  guint32 word;

  memcpy (&word, data + offset, sizeof word);
  if (G_BYTE_ORDER == G_BIG_ENDIAN)
    word = GUINT32_SWAP_LE_BE (word);
  return swapped ? GUINT32_SWAP_LE_BE (word) : word;
}

/* The string of table @table's entry @i: within the file and NUL-ended. */
static const char *
read_string (const guint8  *data,
             gsize          size,
             guint32        table,
             guint32        i,
             gboolean       swapped,
             gsize         *length,
             GError       **error)
{
  guint64 entry = (guint64) table + (guint64) i * 8;
  guint32 len, offset;

  if (entry + 8 > size)
    {
      g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                   "its table at byte %u runs past its end (%" G_GSIZE_FORMAT " bytes)", table, size);
      return NULL;
    }
  len = read_word (data, entry, swapped);
  offset = read_word (data, entry + 4, swapped);
  if ((guint64) offset + len >= size || data[(gsize) offset + len] != '\0')
    {
      g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                   "string %u (%u bytes at byte %u) is not within its %" G_GSIZE_FORMAT " bytes",
                   i, len, offset, size);
      return NULL;
    }
  *length = len;
  return (const char *) data + offset;
}

/* Each form is UTF-8: the kiosk shows it as it is. */
static gboolean
translation_is_utf8 (const char *text,
                     gsize       length)
{
  for (const char *end = text + length; text <= end; text += strlen (text) + 1)
    if (!g_utf8_validate (text, -1, NULL))
      return FALSE;
  return TRUE;
}

/**
 * sayso_catalog_new:
 * @mo: the whole .mo file; kept, as the catalog points into it
 *
 * Returns: (transfer full): the catalog, or %NULL with @error saying what
 *   is wrong and where, for anything that is not a well-formed catalog.
 */
SaysoCatalog *
sayso_catalog_new (GBytes  *mo,
                   GError **error)
{
  g_autoptr(SaysoCatalog) self = NULL;
  const guint8 *data;
  gsize size;
  guint32 magic, revision, count, originals, translations;
  gboolean swapped;

  g_return_val_if_fail (mo != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (mo, &size);
  if (size < MO_HEADER_BYTES)
    {
      g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                   "%" G_GSIZE_FORMAT " bytes, shorter than a catalog's header", size);
      return NULL;
    }
  magic = read_word (data, 0, FALSE);
  if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
    {
      g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                   "not a compiled gettext catalog (it starts 0x%08x)", magic);
      return NULL;
    }
  swapped = magic == MO_MAGIC_SWAPPED;
  revision = read_word (data, 4, swapped);
  if ((revision >> 16) > 1)
    {
      g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                   "catalog format revision %u.%u, which this kiosk does not read",
                   revision >> 16, revision & 0xffff);
      return NULL;
    }
  count = read_word (data, 8, swapped);
  originals = read_word (data, 12, swapped);
  translations = read_word (data, 16, swapped);

  if ((guint64) originals + (guint64) count * 8 > size || (guint64) translations + (guint64) count * 8 > size)
    {
      g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                   "its tables of %u strings at bytes %u and %u run past its end (%" G_GSIZE_FORMAT " bytes)",
                   count, originals, translations, size);
      return NULL;
    }

  self = g_new0 (SaysoCatalog, 1);
  self->mo = g_bytes_ref (mo);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  self->header = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint32 i = 0; i < count; i++)
    {
      const char *original, *translated;
      gsize original_length, translated_length;
      Translation *t;

      if (!(original = read_string (data, size, originals, i, swapped, &original_length, error)) ||
          !(translated = read_string (data, size, translations, i, swapped, &translated_length, error)))
        return NULL;
      if (!translation_is_utf8 (translated, translated_length))
        {
          g_set_error (error, SAYSO_CATALOG_ERROR, SAYSO_CATALOG_ERROR_INVALID,
                       "the translation of \"%.60s\" is not UTF-8", original);
          return NULL;
        }
      if (*original == '\0')
        parse_header (self, translated);
      t = g_new (Translation, 1);
      t->text = translated;
      t->length = translated_length;
      g_hash_table_insert (self->entries, (gpointer) original, t);
    }

  if (!parse_plural_forms (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
sayso_catalog_free (SaysoCatalog *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_pointer (&self->header, g_hash_table_unref);
  g_clear_pointer (&self->mo, g_bytes_unref);
  g_free (self->plural_rule);
  g_free (self);
}

/* An entry translated as nothing is not translated (msgfmt leaves out
 * untranslated entries; a hand-made catalog might not). */
static const Translation *
find (SaysoCatalog *self,
      const char   *key)
{
  const Translation *t = g_hash_table_lookup (self->entries, key);

  return t != NULL && t->text[0] != '\0' ? t : NULL;
}

/**
 * sayso_catalog_lookup:
 * @context: (nullable): the entry's msgctxt
 *
 * Returns: (nullable): the translation, or %NULL where there is none.
 */
const char *
sayso_catalog_lookup (SaysoCatalog *self,
                      const char   *context,
                      const char   *msgid)
{
  g_autofree char *key = NULL;
  const Translation *t;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (msgid != NULL && *msgid, NULL);

  if (context != NULL)
    key = g_strconcat (context, "\004", msgid, NULL);
  t = find (self, key ? key : msgid);
  return t ? t->text : NULL;
}

/**
 * sayso_catalog_lookup_plural:
 *
 * Returns: (nullable): the form of @msgid's translation for @n by the
 *   catalog's plural rule, or %NULL where there is none.
 */
const char *
sayso_catalog_lookup_plural (SaysoCatalog *self,
                             const char   *msgid,
                             gulong        n)
{
  const Translation *t;
  const char *form, *end;
  int index;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (msgid != NULL && *msgid, NULL);

  if ((t = find (self, msgid)) == NULL)
    return NULL;
  /* Checked for 0 to RULE_CHECK_UP_TO when loaded; a count beyond that a
   * rule might still fail on is given the last form rather than none. */
  index = rule_evaluate (self->plural_rule, n);
  if (index < 0 || (guint) index >= self->n_plurals)
    index = self->n_plurals - 1;
  form = t->text;
  end = t->text + t->length;
  for (; index > 0 && form < end; index--)
    form += strlen (form) + 1;
  return form < end && *form != '\0' ? form : NULL;
}

/* A field of the catalog's header ("Language", "Plural-Forms", ...). */
const char *
sayso_catalog_get_header (SaysoCatalog *self,
                          const char   *field)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);
  return g_hash_table_lookup (self->header, field);
}
