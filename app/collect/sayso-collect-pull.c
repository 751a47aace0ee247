/* sayso-collect-pull.c: the analysts' pull, GET /bundles?after=N (a page of
 * the bundles stored) and GET /bundles/ID (one, streamed from the database).
 *
 * Apart because it only reads: it never meets an upload, and every request
 * has passed the token check before it is here.
 */
#define G_LOG_DOMAIN "sayso-collect"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sayso-bundle.h"
#include "sayso-collect-service-private.h"

/* The pull's listing: a page at a time. */
#define MAX_LISTED 1000
/* Read from the database and written to the client a piece at a time. */
#define SEND_BLOCK (64 * 1024)

void
_sayso_collect_service_list_bundles (SaysoCollectService *self,
                                     SoupServerMessage   *msg,
                                     GHashTable          *query)
{
  const char *after_text = query ? g_hash_table_lookup (query, "after") : NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *body = NULL;
  guint64 after = 0;

  if (after_text != NULL && !g_ascii_string_to_unsigned (after_text, 10, 0, G_MAXINT64, &after, NULL))
    {
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_BAD_REQUEST,
                                            "after= must be the id of a bundle listed before (a whole number), or 0 for the first.");
      return;
    }
  /* One more than a page, to know whether another follows. */
  if (!(rows = sayso_collect_db_list_after (self->db, (gint64) after, MAX_LISTED + 1, &error)) ||
      !(conflicts = sayso_collect_db_list_conflicts (self->db, MAX_LISTED, &error)))
    {
      g_warning ("%s", error->message);
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, _sayso_collect_service_database_unreadable_text);
      return;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bundles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len && i < MAX_LISTED; i++)
    {
      SaysoCollectBundleRow *row = g_ptr_array_index (rows, i);
      g_autofree char *key = g_base64_encode (row->kiosk_pk, sizeof row->kiosk_pk);
      g_autofree char *hash = sayso_hex (row->hash, sizeof row->hash);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, row->id);
      json_builder_set_member_name (builder, "kiosk");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "site");
      json_builder_add_string_value (builder, row->site);
      json_builder_set_member_name (builder, "number");
      json_builder_add_int_value (builder, row->number);
      json_builder_set_member_name (builder, "sequence");
      json_builder_add_int_value (builder, row->sequence);
      json_builder_set_member_name (builder, "day");
      json_builder_add_string_value (builder, row->day);
      json_builder_set_member_name (builder, "records");
      json_builder_add_int_value (builder, row->record_count);
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, hash);
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, row->size);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  /* Never served (a person must choose between them), but named, so that
   * a pull can say that a bundle is missing from it and why. */
  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < conflicts->len; i++)
    {
      SaysoCollectBundleRow *row = g_ptr_array_index (conflicts, i);
      g_autofree char *key = g_base64_encode (row->kiosk_pk, sizeof row->kiosk_pk);
      g_autofree char *hash = sayso_hex (row->hash, sizeof row->hash);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kiosk");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "site");
      json_builder_add_string_value (builder, row->site);
      json_builder_set_member_name (builder, "number");
      json_builder_add_int_value (builder, row->number);
      json_builder_set_member_name (builder, "sequence");
      json_builder_add_int_value (builder, row->sequence);
      json_builder_set_member_name (builder, "day");
      json_builder_add_string_value (builder, row->day);
      json_builder_set_member_name (builder, "hash");
      json_builder_add_string_value (builder, hash);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, rows->len > MAX_LISTED);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  _sayso_collect_service_respond_json (msg, SOUP_STATUS_OK, body);
}

/* A bundle on its way out: the next piece is read once the last is written. */
typedef struct
{
  SaysoCollectService *service;   /* borrowed: outlives every request */
  gint64               id;
  gint64               size;
  gint64               sent;
} Sending;

static gboolean
send_next (SoupServerMessage *msg,
           Sending           *sending)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = NULL;
  gssize n;

  if (sending->sent >= sending->size)
    {
      soup_message_body_complete (body);
      return TRUE;
    }
  buffer = g_malloc (SEND_BLOCK);
  n = sayso_collect_db_read_bundle (sending->service->db, sending->id, sending->sent, buffer, SEND_BLOCK, &error);
  if (n <= 0)
    {
      if (error)
        g_warning ("%s", error->message);
      return FALSE;
    }
  sending->sent += n;
  soup_message_body_append (body, SOUP_MEMORY_TAKE, g_steal_pointer (&buffer), (gsize) n);
  return TRUE;
}

static void
wrote_chunk (SoupServerMessage *msg,
             gpointer           user_data)
{
  Sending *sending = user_data;

  /* The length is already promised: a bundle that cannot be read to its
   * end loses the connection, and the client sees it cut short. */
  if (!send_next (msg, sending))
    {
      GSocket *socket = soup_server_message_get_socket (msg);
      if (socket != NULL)
        g_socket_shutdown (socket, TRUE, TRUE, NULL);
    }
}

void
_sayso_collect_service_send_bundle (SaysoCollectService *self,
                                    SoupServerMessage   *msg,
                                    const char          *id_text)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  g_autoptr(GError) error = NULL;
  SaysoCollectBundleRow *row = NULL;
  Sending *sending;
  guint64 id = 0;

  if (!g_ascii_string_to_unsigned (id_text, 10, 1, G_MAXINT64, &id, NULL))
    {
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is no bundle with this id: ids are whole numbers from 1, as /bundles lists them.");
      return;
    }
  if (!sayso_collect_db_find_bundle (self->db, (gint64) id, &row, &error))
    {
      g_warning ("%s", error->message);
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, _sayso_collect_service_database_unreadable_text);
      return;
    }
  if (row == NULL)
    {
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_NOT_FOUND, "There is no bundle with this id here: list them with GET /bundles.");
      return;
    }

  sending = g_new0 (Sending, 1);
  sending->service = self;
  sending->id = row->id;
  sending->size = row->size;
  {
    g_autofree char *hash = sayso_hex (row->hash, sizeof row->hash);
    soup_message_headers_replace (headers, "X-Sayso-Bundle-Hash", hash);
  }
  sayso_collect_bundle_row_free (row);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_message_headers_set_content_type (headers, "application/octet-stream", NULL);
  soup_message_headers_set_content_length (headers, sending->size);
  /* Never the whole bundle in memory: a piece, then the next once it is written. */
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), "sayso-sending", sending, g_free);
  g_signal_connect (msg, "wrote-chunk", G_CALLBACK (wrote_chunk), sending);
  if (!send_next (msg, sending))
    {
      /* Nothing of it is written yet: the status can still say so. */
      g_signal_handlers_disconnect_by_data (msg, sending);
      soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), TRUE);
      soup_message_headers_remove (headers, "X-Sayso-Bundle-Hash");
      soup_message_headers_remove (headers, "Content-Length");
      _sayso_collect_service_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, _sayso_collect_service_database_unreadable_text);
    }
}
