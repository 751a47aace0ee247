/* sayso-collect-status.c: GET /status, bundles and responses per kiosk for
 * a token holder, and how long each kiosk has been silent (which the
 * inspection page shows too).
 *
 * Apart because the days are counted here once, for the JSON and the page.
 */
#define G_LOG_DOMAIN "sayso-collect"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

#include "sayso-collect-service-private.h"

/* Whole days from @day (YYYY-MM-DD) to @today; -1 if it is not a day. */
static gint64
days_since (const char  *day,
            const GDate *today)
{
  GDate then;

  if (day == NULL)
    return -1;
  g_date_clear (&then, 1);
  g_date_set_parse (&then, day);
  if (!g_date_valid (&then) || strlen (day) != 10)
    return -1;
  return (gint64) g_date_get_julian (today) - (gint64) g_date_get_julian (&then);
}

/* "3 December", with the year when it is not this one, as GOV.UK writes a
 * day; NULL if @day (YYYY-MM-DD) is not a day. */
char *
_sayso_collect_service_day_in_words (const char *day)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = NULL;
  int y, m, d;

  if (day == NULL || strlen (day) != 10 || sscanf (day, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
      !(then = g_date_time_new_local (y, m, d, 12, 0, 0)))
    return NULL;
  return g_date_time_format (then, y == g_date_time_get_year (now) ? "%-d %B" : "%-d %B %Y");
}

void
_sayso_collect_service_today_date (GDate *today)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  g_date_clear (today, 1);
  g_date_set_dmy (today, (GDateDay) g_date_time_get_day_of_month (now), (GDateMonth) g_date_time_get_month (now),
                  (GDateYear) g_date_time_get_year (now));
}

/* Days since the kiosk's last bundle came, or since it was enrolled if none
 * has: a kiosk that never sent one falls silent too. */
gint64
_sayso_collect_service_days_silent (const SaysoCollectKioskRow *row,
                                    const GDate                *today)
{
  return MAX (days_since (row->last_received ? row->last_received : row->enrolled, today), 0);
}

void
_sayso_collect_service_status_handler (SoupServer        *server,
                                       SoupServerMessage *msg,
                                       const char        *path,
                                       GHashTable        *query,
                                       gpointer           user_data)
{
  SaysoCollectService *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) kiosks = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  GDate today;

  if (strcmp (soup_server_message_get_method (msg), "GET") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET");
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "Ask for the status with GET.");
      return;
    }
  if (!_sayso_collect_service_authorize_json (self, msg))
    return;

  if (!(kiosks = sayso_collect_db_list_kiosks (self->db, &error)))
    {
      g_warning ("%s", error->message);
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, _sayso_collect_service_database_unreadable_text);
      return;
    }

  _sayso_collect_service_today_date (&today);
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "silent_after_days");
  json_builder_add_int_value (builder, self->silent_days);
  json_builder_set_member_name (builder, "kiosks");
  json_builder_begin_array (builder);
  for (guint i = 0; i < kiosks->len; i++)
    {
      SaysoCollectKioskRow *row = g_ptr_array_index (kiosks, i);
      g_autofree char *key = g_base64_encode (row->kiosk_pk, sizeof row->kiosk_pk);
      g_autofree char *fingerprint = _sayso_collect_service_kiosk_fingerprint (row->kiosk_pk);
      g_autofree char *name = _sayso_collect_service_kiosk_name (row->site, row->number);
      gint64 silent = _sayso_collect_service_days_silent (row, &today);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "site");
      json_builder_add_string_value (builder, row->site);
      json_builder_set_member_name (builder, "kiosk");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "number");
      json_builder_add_int_value (builder, row->number);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, name);
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_add_string_value (builder, fingerprint);
      json_builder_set_member_name (builder, "bundles");
      json_builder_add_int_value (builder, row->bundles);
      json_builder_set_member_name (builder, "responses");
      json_builder_add_int_value (builder, row->responses);
      json_builder_set_member_name (builder, "last_received");
      if (row->last_received)
        json_builder_add_string_value (builder, row->last_received);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "conflicts");
      json_builder_add_int_value (builder, row->conflicts);
      json_builder_set_member_name (builder, "missing");
      json_builder_begin_array (builder);
      for (guint k = 0; k < row->missing->len; k++)
        json_builder_add_int_value (builder, g_array_index (row->missing, gint64, k));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "days_silent");
      json_builder_add_int_value (builder, silent);
      json_builder_set_member_name (builder, "silent");
      json_builder_add_boolean_value (builder, silent > (gint64) self->silent_days);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  _sayso_collect_service_respond_json (msg, SOUP_STATUS_OK, body);
}
