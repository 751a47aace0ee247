/* sayso-json-limits.c: refusing JSON nested too deep or too large.
 *
 * One pass over the bytes, before json-glib, which recurses once per level.
 * Brackets inside strings do not count, and a backslash escapes the byte
 * after it, so an answer may hold any brackets it likes. Nothing else is
 * checked here: what remains is json-glib's to refuse, with its own message.
 * Messages name the place and never quote the input, which may be an answer.
 */
#define G_LOG_DOMAIN "sayso-json"

#include "sayso-json-limits.h"

G_DEFINE_QUARK (sayso-json-error-quark, sayso_json_error)

/**
 * sayso_json_check_limits:
 * @data: the JSON text, not necessarily NUL-terminated
 * @len: its length in bytes
 * @limits: the door's limits
 * @origin: the file it came from, for messages
 * @line: the line of @origin that @data starts on, for JSON Lines; 0 if
 *   @data is the whole of @origin
 *
 * Returns: %FALSE, with an error naming @origin and the line and column
 * (in characters) of the first bracket too deep, if @data is nested deeper
 * than @limits->max_depth or is larger than @limits->max_bytes.
 */
gboolean
sayso_json_check_limits (const char             *data,
                         gsize                   len,
                         const SaysoJsonLimits  *limits,
                         const char             *origin,
                         guint                   line,
                         GError                **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;
  guint at_line = MAX (line, 1);
  gsize column = 0;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (limits != NULL && limits->what != NULL, FALSE);
  g_return_val_if_fail (origin != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len > limits->max_bytes)
    {
      g_autofree char *where = line > 0 ? g_strdup_printf ("%s:%u", origin, line) : g_strdup (origin);

      g_set_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_TOO_LARGE,
                   "%s: %" G_GSIZE_FORMAT " bytes, more than the %" G_GSIZE_FORMAT " %s may take; not read",
                   where, len, limits->max_bytes, limits->what);
      return FALSE;
    }

  for (gsize i = 0; i < len; i++)
    {
      guchar c = data[i];

      /* Columns count characters: continuation bytes do not start one. */
      if ((c & 0xC0) != 0x80)
        column++;

      if (c == '\n')
        {
          at_line++;
          column = 0;
        }
      else if (in_string)
        {
          if (c == '\\' && i + 1 < len)
            {
              i++;
              if (((guchar) data[i] & 0xC0) != 0x80)
                column++;
              if (data[i] == '\n')
                {
                  at_line++;
                  column = 0;
                }
            }
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      /* json-glib also reads comments and single-quoted strings, which JSON
       * has not: a '"' hidden in one would end this scan's idea of where
       * strings are, and the brackets after it would go uncounted while
       * json-glib still nests them. No door's format has either. */
      else if (c == '/' || c == '\'')
        {
          g_set_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_NOT_JSON,
                       "%s:%u:%" G_GSIZE_FORMAT ": %s outside a string is not JSON; not read",
                       origin, at_line, column, c == '/' ? "a “/” (a comment?)" : "a single quote");
          return FALSE;
        }
      else if (c == '[' || c == '{')
        {
          if (++depth > limits->max_depth)
            {
              g_set_error (error, SAYSO_JSON_ERROR, SAYSO_JSON_ERROR_TOO_DEEP,
                           "%s:%u:%" G_GSIZE_FORMAT ": nested deeper than the %u levels %s may have; not read",
                           origin, at_line, column, limits->max_depth, limits->what);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        depth--;
    }

  return TRUE;
}

/* A response to a questionnaire whose records are @record_size bytes. That
 * size already allows every free-text answer at its longest in 4-byte
 * characters; written as JSON escapes (a surrogate pair of \uXXXX is 12
 * bytes) that is 3 times as many, and the rest is room for spacing. */
SaysoJsonLimits
sayso_json_response_limits (gsize record_size)
{
  SaysoJsonLimits limits = { "a response", SAYSO_JSON_RESPONSE_MIN_BYTES, SAYSO_JSON_RESPONSE_DEPTH };

  if (record_size > G_MAXSIZE / 4)
    limits.max_bytes = G_MAXSIZE;
  else
    limits.max_bytes = MAX (limits.max_bytes, record_size * 4);
  return limits;
}
