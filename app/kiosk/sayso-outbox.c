/* sayso-outbox.c: the kiosk sends its own bundles to the collection service.
 *
 * The bundles in the outbox are the exported files, byte for byte: sealed
 * to the analysts and signed by the kiosk before they got here, so the
 * folder holds nothing a respondent gave in the clear. Only a receipt the
 * uploader verified with the store's service key marks one sent; whatever
 * else answers (a Wi-Fi sign-in page, an impostor) leaves it waiting. The
 * network I/O is asynchronous and the hashing runs in the uploader's
 * thread, so a respondent's submit never waits on it. Nothing per bundle
 * is logged, only counts.
 */
#define G_LOG_DOMAIN "sayso-outbox"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sayso-outbox-private.h"
#include "sayso-part-file.h"
#include "sayso-process.h"
#include "sayso-store-private.h"
#include "sayso-uploader.h"

#define WORDS_NO_NETWORK     "No network"
#define WORDS_NO_ANSWER      "The collection service did not answer"
#define WORDS_BUSY           "The collection service could not take it now"
#define WORDS_NOT_SERVICE    "Answered by something that is not the collection service (a Wi-Fi sign-in page?)"
#define WORDS_NOT_ENROLLED   "Refused: this kiosk is not enrolled at the collection service"
#define WORDS_REFUSED        "Refused by the collection service: "
#define WORDS_MISSING        "The bundle in the outbox cannot be read: export again"
#define WORDS_CANNOT_SEND    "This kiosk cannot send bundles: "

static gboolean kill_after_receipt;

void
_sayso_outbox_set_kill_after_receipt (gboolean kill)
{
  kill_after_receipt = kill;
}

struct _SaysoOutbox
{
  GObject              parent_instance;

  SaysoStore          *store;
  GNetworkMonitor     *monitor;
  gulong               network_handler;
  SaysoUploader       *uploader;
  char                *url;            /* the uploader's address and key, as the store had them */
  guint8               service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  char                *dir;

  SaysoOutboxWaitFunc  wait_func;
  gpointer             wait_data;

  gboolean             started;
  gboolean             sending;
  gboolean             with_refused;   /* this pass tries the refused ones too */
  gint64               current;        /* the sequence being sent */
  guint                failures;       /* failed passes in a row */
  GSource             *timer;
  gint64               due;            /* when the timer fires (monotonic) */
  gint64               last_try_end;   /* when the last failed pass ended (monotonic) */
  gboolean             shortened;      /* this wait was cut short for the network already */
  GCancellable        *cancellable;
  GCancellable        *send_cancellable;  /* the upload in flight's */
  gboolean             resend;         /* the address changed under the upload in flight */
  GList               *waiters;        /* GTasks of sayso_outbox_send_async */
};

G_DEFINE_FINAL_TYPE (SaysoOutbox, sayso_outbox, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void pass_next (SaysoOutbox *self);

/* Upload settings. */

gboolean
sayso_upload_address_check (const char  *url,
                            GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) parse_error = NULL;
  const char *scheme;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, &parse_error);
  if (uri == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a web address (%s): give one such as https://collect.example.org/",
                   url, parse_error->message);
      return FALSE;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” starts with “%s:”: the collection service's address starts with https:// (or http://)",
                   url, scheme);
      return FALSE;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” names no host: give one such as https://collect.example.org/", url);
      return FALSE;
    }
  if (g_uri_get_userinfo (uri) != NULL)
    {
      /* Not echoed: it may hold a password. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "the collection service's address holds a user name or password before the host "
                   "(“…@%s”): give the address without it; the kiosk proves itself by its key",
                   g_uri_get_host (uri));
      return FALSE;
    }
  if (g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” ends in a fragment (“#%s”): give the address without it", url, g_uri_get_fragment (uri));
      return FALSE;
    }
  return TRUE;
}

gboolean
sayso_store_get_upload (SaysoStore  *store,
                        char       **url,
                        guint8       service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE],
                        GError     **error)
{
  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);
  return sayso_db_get_upload (_sayso_store_get_db (store), url, service_pk, error);
}

gboolean
sayso_store_set_upload (SaysoStore    *store,
                        const char    *url,
                        const guint8  *service_pk,
                        GError       **error)
{
  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);
  g_return_val_if_fail ((url == NULL) == (service_pk == NULL), FALSE);

  if (url != NULL && !sayso_upload_address_check (url, error))
    return FALSE;
  return sayso_db_set_upload (_sayso_store_get_db (store), url, service_pk, error);
}

char *
sayso_outbox_dir_for_store (SaysoStore *store)
{
  g_return_val_if_fail (SAYSO_IS_STORE (store), NULL);
  return g_strconcat (sayso_store_get_path (store), ".outbox", NULL);
}

/* Keeping a bundle. */

static gboolean
file_error (GError     **error,
            int          saved_errno,
            const char  *path,
            const char  *doing)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s for the outbox: %s", path, doing, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
sync_dir (const char  *dir,
          GError     **error)
{
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int saved;

  if (fd < 0)
    return file_error (error, errno, dir, "opening the folder");
  if (fsync (fd) != 0 && errno != EINVAL)
    {
      saved = errno;
      close (fd);
      return file_error (error, saved, dir, "flushing the folder");
    }
  close (fd);
  return TRUE;
}

/* Reads up to @size bytes, short only at the end of the file. */
static gssize
read_full (int     fd,
           guint8 *buffer,
           gsize   size)
{
  gsize done = 0;

  while (done < size)
    {
      ssize_t n = read (fd, buffer + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return -1;
      if (n == 0)
        break;
      done += (gsize) n;
    }
  return (gssize) done;
}

/* Whether the ordinary file at @path holds exactly the bytes of @from. A
 * link, a folder or a file that cannot be read is not the bundle. */
static gboolean
same_bytes (const char *from,
            const char *path)
{
  guint8 a[64 * 1024], b[64 * 1024];
  struct stat st_a, st_b;
  gboolean same = FALSE;
  int fa, fb;

  fa = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  if (fa < 0)
    return FALSE;
  fb = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
  if (fb < 0)
    {
      close (fa);
      return FALSE;
    }
  if (fstat (fa, &st_a) == 0 && fstat (fb, &st_b) == 0 && S_ISREG (st_b.st_mode) && st_a.st_size == st_b.st_size)
    {
      for (;;)
        {
          gssize na = read_full (fa, a, sizeof a);
          gssize nb = read_full (fb, b, sizeof b);

          if (na < 0 || nb < 0 || na != nb || memcmp (a, b, (gsize) na) != 0)
            break;
          if (na == 0)
            {
              same = TRUE;
              break;
            }
        }
    }
  close (fa);
  close (fb);
  return same;
}

/* A copy made as the export makes its bundle: a new file of its own (0600),
 * synced, then named, then the folder synced; a crash leaves the whole
 * copy or a hidden part-file, never half a bundle under its name. Read
 * with read(), not mapped: a stick pulled out under a mapping would end
 * the kiosk with SIGBUS. A file already under the bundle's name is kept
 * only if it holds the bundle's bytes exactly (the same export kept
 * before); anything else there is replaced by the bundle, which the export
 * has just read back and checked, so that no other file is ever sent
 * under its name. */
static gboolean
copy_in (const char  *from,
         const char  *dir,
         const char  *name,
         GError     **error)
{
  g_autofree char *final_path = g_build_filename (dir, name, NULL);
  g_autofree char *tmp_path = NULL;
  char buffer[64 * 1024];
  GStatBuf st;
  gboolean replacing = FALSE;
  int in, out, saved;

  if (g_lstat (final_path, &st) == 0)
    {
      if (same_bytes (from, final_path))
        return TRUE;   /* kept before, by the same export */
      replacing = TRUE;
    }

  in = g_open (from, O_RDONLY | O_CLOEXEC, 0);
  if (in < 0)
    return file_error (error, errno, from, "reading the bundle");
  out = sayso_part_file_make (dir, name, 0600, &tmp_path);
  if (out < 0)
    {
      saved = errno;
      close (in);
      return file_error (error, saved, dir, "creating a copy of the bundle");
    }
  for (;;)
    {
      ssize_t n = read (in, buffer, sizeof buffer);
      gsize done = 0;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          saved = errno;
          goto failed;
        }
      if (n == 0)
        break;
      while (done < (gsize) n)
        {
          ssize_t w = write (out, buffer + done, (gsize) n - done);

          if (w < 0 && errno == EINTR)
            continue;
          if (w <= 0)
            {
              saved = w < 0 ? errno : EIO;
              goto failed;
            }
          done += (gsize) w;
        }
    }
  close (in);
  in = -1;
  if (fsync (out) != 0)
    {
      saved = errno;
      goto failed;
    }
  /* Renamed while still locked: a cleaner never sees it unheld. */
  if (g_rename (tmp_path, final_path) != 0)
    {
      saved = errno;
      goto failed;
    }
  close (out);
  out = -1;
  if (replacing)
    g_message ("outbox: a different file had an exported bundle's name in the outbox; "
               "it was replaced by the bundle");
  return sync_dir (dir, error);

failed:
  if (in >= 0)
    close (in);
  if (out >= 0)
    close (out);
  g_unlink (tmp_path);
  return file_error (error, saved, final_path, "writing a copy of the bundle");
}

/* ".NAME.part-XXXXXX" for a bundle's NAME ("sayso-….sayso"), as the
 * export and copy_in() make them: nothing else is ever removed. */
static gboolean
is_part_file_name (const char *name)
{
  const char *part = g_strrstr (name, ".part-");
  gsize len = strlen (name);

  if (!g_str_has_prefix (name, ".sayso-") || part == NULL || (gsize) (part - name) + 6 + 6 != len)
    return FALSE;
  for (const char *p = part + 6; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;
  return part - name > (gssize) strlen (".sayso-.sayso") && strncmp (part - 6, ".sayso", 6) == 0;
}

/* Leftovers of a copy or an export cut off by a crash: ordinary files of
 * ours, of the part-files' pattern, that no writer holds. */
static void
remove_stale_parts (const char *dir)
{
  g_autoptr(GDir) folder = g_dir_open (dir, 0, NULL);
  const char *name;
  guint removed = 0;
  int dir_fd;

  if (folder == NULL)
    return;
  dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd < 0)
    return;
  while ((name = g_dir_read_name (folder)))
    {
      struct stat st, now;
      int fd;

      if (!is_part_file_name (name))
        continue;
      fd = openat (dir_fd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
      if (fd < 0)
        continue;
      if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode) && st.st_uid == geteuid () &&
          flock (fd, LOCK_EX | LOCK_NB) == 0 &&
          fstatat (dir_fd, name, &now, AT_SYMLINK_NOFOLLOW) == 0 &&
          now.st_dev == st.st_dev && now.st_ino == st.st_ino &&
          unlinkat (dir_fd, name, 0) == 0)
        removed++;
      close (fd);
    }
  if (removed > 0)
    {
      if (fsync (dir_fd) != 0 && errno != EINVAL)
        g_warning ("outbox: %s: flushing the folder: %s", dir, g_strerror (errno));
      g_info ("outbox: %u unfinished cop%s removed", removed, removed == 1 ? "y" : "ies");
    }
  close (dir_fd);
}

gboolean
sayso_store_keep_for_upload (SaysoStore               *store,
                             const SaysoExportResult  *result,
                             gboolean                 *kept,
                             GError                  **error)
{
  g_autofree char *url = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *in_dir = NULL;
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);
  g_return_val_if_fail (result != NULL, FALSE);

  if (kept)
    *kept = FALSE;
  if (result->path == NULL)
    return TRUE;
  if (!sayso_store_get_upload (store, &url, service_pk, error))
    return FALSE;
  if (url == NULL)
    return TRUE;

  dir = sayso_outbox_dir_for_store (store);
  name = g_path_get_basename (result->path);
  in_dir = g_path_get_dirname (result->path);
  if (!sayso_ensure_private_dir (dir, error))
    return FALSE;
  /* An export made straight into the outbox is already there, made as
   * every bundle is; only its mode is the outbox's own. */
  if (g_strcmp0 (in_dir, dir) == 0)
    {
      if (g_chmod (result->path, 0600) != 0)
        return file_error (error, errno, result->path, "keeping the bundle private");
    }
  else if (!copy_in (result->path, dir, name, error))
    {
      g_prefix_error (error, "The bundle was exported, but not kept for sending: ");
      return FALSE;
    }
  if (!sayso_db_outbox_add (_sayso_store_get_db (store), result->sequence, name, result->records, error))
    return FALSE;
  if (kept)
    *kept = TRUE;
  return TRUE;
}

/* Status. */

void
sayso_outbox_status_clear (SaysoOutboxStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->last_day);
  g_free (status->error);
  memset (status, 0, sizeof *status);
}

gboolean
sayso_store_get_outbox_status (SaysoStore         *store,
                               SaysoOutboxStatus  *status,
                               GError            **error)
{
  g_autofree char *url = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];
  const char *refused_reason = NULL, *waiting_reason = NULL;

  g_return_val_if_fail (SAYSO_IS_STORE (store), FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  memset (status, 0, sizeof *status);
  if (!sayso_store_get_upload (store, &url, service_pk, error) ||
      !(entries = sayso_db_outbox_list (_sayso_store_get_db (store), error)))
    return FALSE;

  for (guint i = 0; i < entries->len; i++)
    {
      const SaysoDbOutboxEntry *e = g_ptr_array_index (entries, i);

      switch (e->state)
        {
        case SAYSO_DB_OUTBOX_SENT:
          status->sent++;
          if (e->day && g_strcmp0 (e->day, status->last_day) > 0)
            {
              g_free (status->last_day);
              status->last_day = g_strdup (e->day);
            }
          break;
        case SAYSO_DB_OUTBOX_REFUSED:
          status->refused++;
          status->waiting++;
          if (refused_reason == NULL)
            refused_reason = e->reason;
          break;
        case SAYSO_DB_OUTBOX_WAITING:
        default:
          status->waiting++;
          if (waiting_reason == NULL)
            waiting_reason = e->reason;
          break;
        }
    }

  /* A refusal needs a person; a failed try only time. */
  status->error = g_strdup (refused_reason ? refused_reason : waiting_reason);
  if (url == NULL && status->waiting == 0)
    status->state = SAYSO_OUTBOX_OFF;
  else
    status->state = status->waiting > 0 ? SAYSO_OUTBOX_WAITING : SAYSO_OUTBOX_SENT_ALL;
  return TRUE;
}

char *
sayso_outbox_status_title (const SaysoOutboxStatus *status)
{
  g_return_val_if_fail (status != NULL, NULL);

  switch (status->state)
    {
    case SAYSO_OUTBOX_OFF:
      return g_strdup ("Sending from this kiosk is off");
    case SAYSO_OUTBOX_SENT_ALL:
      return g_strdup (status->sent > 0 ? "Sent to the inspection team" : "Nothing to send yet");
    case SAYSO_OUTBOX_WAITING:
    default:
      return g_strdup_printf ("Waiting to send: %u bundle%s", status->waiting, status->waiting == 1 ? "" : "s");
    }
}

char *
sayso_outbox_status_detail (const SaysoOutboxStatus *status)
{
  g_return_val_if_fail (status != NULL, NULL);

  switch (status->state)
    {
    case SAYSO_OUTBOX_OFF:
      return g_strdup ("Bundles go to the inspection team on a USB stick");
    case SAYSO_OUTBOX_SENT_ALL:
      if (status->last_day)
        return g_strdup_printf ("Last receipt on %s", status->last_day);
      return g_strdup ("Bundles are sent after each export");
    case SAYSO_OUTBOX_WAITING:
    default:
      if (status->error)
        return g_strdup (status->error);
      return g_strdup ("Not tried yet");
    }
}

/* The object. */

static void
outbox_changed (SaysoOutbox *self)
{
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
stop_timer (SaysoOutbox *self)
{
  if (self->timer)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}

static void
sayso_outbox_dispose (GObject *object)
{
  SaysoOutbox *self = SAYSO_OUTBOX (object);

  self->started = FALSE;
  stop_timer (self);
  if (self->cancellable)
    g_cancellable_cancel (self->cancellable);
  if (self->send_cancellable)
    g_cancellable_cancel (self->send_cancellable);
  if (self->monitor && self->network_handler)
    g_clear_signal_handler (&self->network_handler, self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (sayso_outbox_parent_class)->dispose (object);
}

static void
sayso_outbox_finalize (GObject *object)
{
  SaysoOutbox *self = SAYSO_OUTBOX (object);

  g_assert (self->waiters == NULL);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->send_cancellable);
  g_clear_object (&self->uploader);
  g_free (self->url);
  g_clear_object (&self->store);
  g_free (self->dir);

  G_OBJECT_CLASS (sayso_outbox_parent_class)->finalize (object);
}

static void
sayso_outbox_class_init (SaysoOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sayso_outbox_dispose;
  object_class->finalize = sayso_outbox_finalize;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sayso_outbox_init (SaysoOutbox *self)
{
  self->current = -1;
}

/* The uploader for the store's address, or NULL when it has none. */
static void
load_uploader (SaysoOutbox *self)
{
  g_autofree char *url = NULL;
  g_autoptr(GError) error = NULL;
  guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  g_clear_object (&self->uploader);
  g_clear_pointer (&self->url, g_free);
  memset (self->service_pk, 0, sizeof self->service_pk);
  if (!sayso_store_get_upload (self->store, &url, service_pk, &error))
    {
      g_warning ("outbox: cannot read the upload address: %s", error->message);
      return;
    }
  if (url == NULL)
    return;
  self->uploader = sayso_uploader_new (url, service_pk, &error);
  if (self->uploader == NULL)
    {
      g_warning ("outbox: %s", error->message);
      return;
    }
  self->url = g_steal_pointer (&url);
  memcpy (self->service_pk, service_pk, sizeof service_pk);
  /* The outbox waits between tries itself, for much longer, and is told
   * when the network comes back: each try is one. */
  sayso_uploader_set_retries (self->uploader, 0);
}

static gboolean timer_done (gpointer user_data);

static void
start_timer (SaysoOutbox *self,
             guint64      wait_usec)
{
  stop_timer (self);
  self->due = g_get_monotonic_time () + (gint64) MIN (wait_usec, (guint64) G_MAXINT64 / 2);
  /* Rounded up: a floor is never met a millisecond early. */
  self->timer = g_timeout_source_new ((guint) MIN (wait_usec / 1000 + (wait_usec % 1000 != 0), (guint64) G_MAXUINT));
  g_source_set_callback (self->timer, timer_done, self, NULL);
  g_source_attach (self->timer, NULL);
}

static void
network_changed (GNetworkMonitor *monitor,
                 gboolean         available,
                 gpointer         user_data)
{
  SaysoOutbox *self = user_data;
  gint64 now, due;

  /* Only a wait for the back-off is cut short, and once: a network that
   * comes and goes every second would otherwise make a try of every
   * change. Even then the next try waits for the network to settle, and
   * never follows the last one by less than the floor. */
  if (!available || !self->started || self->sending || self->timer == NULL || self->shortened)
    return;
  now = g_get_monotonic_time ();
  due = MAX (now + (gint64) SAYSO_OUTBOX_NETWORK_BACK_USEC,
             self->last_try_end + (gint64) SAYSO_OUTBOX_MIN_GAP_USEC);
  if (due >= self->due)
    return;
  self->shortened = TRUE;
  start_timer (self, (guint64) (due - now));
}

SaysoOutbox *
sayso_outbox_new (SaysoStore      *store,
                  GNetworkMonitor *monitor)
{
  SaysoOutbox *self;

  g_return_val_if_fail (SAYSO_IS_STORE (store), NULL);
  g_return_val_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor), NULL);

  self = g_object_new (SAYSO_TYPE_OUTBOX, NULL);
  self->store = g_object_ref (store);
  self->dir = sayso_outbox_dir_for_store (store);
  self->cancellable = g_cancellable_new ();
  remove_stale_parts (self->dir);
  if (monitor)
    {
      self->monitor = g_object_ref (monitor);
      self->network_handler = g_signal_connect (monitor, "network-changed", G_CALLBACK (network_changed), self);
    }
  load_uploader (self);
  return self;
}

void
sayso_outbox_set_wait_func (SaysoOutbox         *self,
                            SaysoOutboxWaitFunc  func,
                            gpointer             user_data)
{
  g_return_if_fail (SAYSO_IS_OUTBOX (self));
  self->wait_func = func;
  self->wait_data = user_data;
}

gboolean
sayso_outbox_is_sending (SaysoOutbox *self)
{
  g_return_val_if_fail (SAYSO_IS_OUTBOX (self), FALSE);
  return self->sending;
}

gboolean
sayso_outbox_get_status (SaysoOutbox        *self,
                         SaysoOutboxStatus  *status,
                         GError            **error)
{
  g_return_val_if_fail (SAYSO_IS_OUTBOX (self), FALSE);
  return sayso_store_get_outbox_status (self->store, status, error);
}

static gboolean
timer_done (gpointer user_data)
{
  SaysoOutbox *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  self->with_refused = FALSE;
  self->sending = TRUE;
  pass_next (self);
  return G_SOURCE_REMOVE;
}

/* After a failed pass: 30 s, 60 s, 120 s … up to an hour, each with up to
 * half again at random. */
static void
schedule_retry (SaysoOutbox *self)
{
  guint64 planned = SAYSO_OUTBOX_FIRST_DELAY_USEC, wait;
  guint shift = MIN (self->failures, 20u);

  for (guint i = 0; i < shift && planned < SAYSO_OUTBOX_MAX_DELAY_USEC; i++)
    planned *= 2;
  planned = MIN (planned, (guint64) SAYSO_OUTBOX_MAX_DELAY_USEC);
  planned += (guint64) g_random_double_range (0, planned / 2.0);
  self->failures++;

  wait = self->wait_func ? self->wait_func (self->failures, planned, self->wait_data) : planned;
  self->last_try_end = g_get_monotonic_time ();
  self->shortened = FALSE;
  start_timer (self, wait);
}

static void
end_pass (SaysoOutbox  *self,
          const char   *trouble)
{
  g_auto(SaysoOutboxStatus) status = { 0 };
  g_autoptr(GError) error = NULL;
  GList *waiters = g_steal_pointer (&self->waiters);
  gboolean all_sent;

  self->sending = FALSE;
  self->current = -1;
  if (!sayso_store_get_outbox_status (self->store, &status, &error))
    {
      g_warning ("outbox: %s", error->message);
      all_sent = FALSE;
    }
  else
    all_sent = status.waiting == 0;

  if (status.waiting > 0)
    g_info ("outbox: %u waiting", status.waiting);
  if (trouble != NULL && self->started)
    schedule_retry (self);
  else if (trouble == NULL)
    self->failures = 0;

  for (GList *l = waiters; l; l = l->next)
    {
      GTask *task = l->data;

      if (all_sent)
        g_task_return_boolean (task, TRUE);
      else
        g_task_return_new_error (task, SAYSO_UPLOAD_ERROR,
                                 status.refused > 0 ? SAYSO_UPLOAD_ERROR_REFUSED : SAYSO_UPLOAD_ERROR_TRY_AGAIN,
                                 "%u bundle%s not sent: %s", status.waiting, status.waiting == 1 ? "" : "s",
                                 status.error ? status.error : trouble ? trouble : "the outbox could not be read");
      g_object_unref (task);
    }
  g_list_free (waiters);
  outbox_changed (self);
}

/* The words for a failed try. */
static char *
words_for (SaysoOutbox        *self,
           SaysoUploadStatus   status,
           const GError       *error)
{
  switch (status)
    {
    case SAYSO_UPLOAD_NOT_THE_SERVICE:
      return g_strdup (WORDS_NOT_SERVICE);
    case SAYSO_UPLOAD_REFUSED:
      {
        const char *reason = error ? strstr (error->message, ": refused: ") : NULL;

        reason = reason ? reason + strlen (": refused: ") : error ? error->message : "";
        if (strstr (reason, "not enrolled"))
          return g_strdup (WORDS_NOT_ENROLLED);
        return g_strconcat (WORDS_REFUSED, reason, NULL);
      }
    case SAYSO_UPLOAD_BAD_FILE:
      return g_strdup (WORDS_MISSING);
    case SAYSO_UPLOAD_TRY_AGAIN:
    default:
      if (g_error_matches (error, SAYSO_UPLOAD_ERROR, SAYSO_UPLOAD_ERROR_CANNOT_SEND))
        {
          const char *why = strstr (error->message, ": not sent: ");

          return g_strconcat (WORDS_CANNOT_SEND, why ? why + strlen (": not sent: ") : error->message, NULL);
        }
      if (self->monitor && !g_network_monitor_get_network_available (self->monitor))
        return g_strdup (WORDS_NO_NETWORK);
      if (error && strstr (error->message, "could not take it now"))
        return g_strdup (WORDS_BUSY);
      return g_strdup (WORDS_NO_ANSWER);
    }
}

static void
sent (GObject      *source,
      GAsyncResult *result,
      gpointer      user_data)
{
  g_autoptr(SaysoOutbox) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) db_error = NULL;
  g_auto(SaysoReceipt) receipt = { 0 };
  SaysoDb *db = _sayso_store_get_db (self->store);
  SaysoUploadStatus status;
  g_autofree char *words = NULL;

  status = sayso_uploader_send_finish (SAYSO_UPLOADER (source), result, &receipt, &error);
  g_clear_object (&self->send_cancellable);
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      end_pass (self, "stopped");
      return;
    }
  if (self->resend)
    {
      /* The address or the key changed while it was on its way: whatever
       * came back was checked against the old key. Sent again, from the
       * oldest, to the store's address now. */
      self->resend = FALSE;
      self->current = -1;
      pass_next (self);
      return;
    }

  if (sayso_upload_status_is_delivered (status))
    {
      g_autofree char *text = sayso_receipt_to_text (&receipt);
      g_autofree char *today = sayso_today ();
      g_autoptr(GPtrArray) entries = NULL;
      g_autofree char *url = NULL;
      guint8 service_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

      /* Another program (sayso set-upload) may have changed the store's
       * service since this upload began: only a receipt under the key the
       * store has now counts, so it goes again to the service the store
       * names. */
      if (!sayso_store_get_upload (self->store, &url, service_pk, &db_error))
        {
          g_warning ("outbox: cannot read the upload address: %s", db_error->message);
          end_pass (self, WORDS_NO_ANSWER);
          return;
        }
      if (g_strcmp0 (url, self->url) != 0 || memcmp (service_pk, self->service_pk, sizeof service_pk) != 0)
        {
          load_uploader (self);
          self->current = -1;
          pass_next (self);
          return;
        }
      if (kill_after_receipt)
        raise (SIGKILL);
      if (!sayso_db_outbox_mark_sent (db, self->current, text, today, &db_error))
        {
          if (g_error_matches (db_error, SAYSO_DB_ERROR, SAYSO_DB_ERROR_NOT_FOUND))
            {
              /* Nothing to send again: the store no longer lists it. */
              g_warning ("outbox: a bundle was received that the store no longer lists: %s", db_error->message);
              outbox_changed (self);
              pass_next (self);
              return;
            }
          g_warning ("outbox: a bundle was received but could not be marked sent (it will be sent again, "
                     "and the service says it has it): %s", db_error->message);
          end_pass (self, WORDS_NO_ANSWER);
          return;
        }
      /* The receipt is kept in the store; the file has done its work. */
      entries = sayso_db_outbox_list (db, NULL);
      for (guint i = 0; entries && i < entries->len; i++)
        {
          const SaysoDbOutboxEntry *e = g_ptr_array_index (entries, i);

          if (e->sequence == self->current)
            {
              g_autofree char *path = g_build_filename (self->dir, e->name, NULL);
              g_unlink (path);
            }
        }
      self->failures = 0;
      outbox_changed (self);
      pass_next (self);
      return;
    }

  words = words_for (self, status, error);
  if (status == SAYSO_UPLOAD_REFUSED || status == SAYSO_UPLOAD_BAD_FILE)
    {
      /* Kept and shown, never tried again by itself. */
      if (!sayso_db_outbox_mark_refused (db, self->current, words, &db_error))
        g_warning ("outbox: %s", db_error->message);
      outbox_changed (self);
      pass_next (self);
      return;
    }

  /* Try again later; the words stay with the bundle for staff to read. */
  if (!sayso_db_outbox_note (db, self->current, words, &db_error))
    g_warning ("outbox: %s", db_error->message);
  end_pass (self, words);
}

/* The next bundle to send after self->current, oldest first. */
static void
pass_next (SaysoOutbox *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  const SaysoDbOutboxEntry *next = NULL;

  g_assert (self->sending);

  if (self->uploader == NULL)
    {
      end_pass (self, NULL);
      return;
    }
  if (!(entries = sayso_db_outbox_list (_sayso_store_get_db (self->store), &error)))
    {
      g_warning ("outbox: %s", error->message);
      end_pass (self, WORDS_MISSING);
      return;
    }
  for (guint i = 0; i < entries->len && next == NULL; i++)
    {
      const SaysoDbOutboxEntry *e = g_ptr_array_index (entries, i);

      if (e->sequence <= self->current)
        continue;
      if (e->state == SAYSO_DB_OUTBOX_WAITING ||
          (e->state == SAYSO_DB_OUTBOX_REFUSED && self->with_refused))
        next = e;
    }
  if (next == NULL)
    {
      end_pass (self, NULL);
      return;
    }

  self->current = next->sequence;
  {
    g_autofree char *path = g_build_filename (self->dir, next->name, NULL);

    g_clear_object (&self->send_cancellable);
    self->send_cancellable = g_cancellable_new ();
    sayso_uploader_send_async (self->uploader, path, self->send_cancellable, sent, g_object_ref (self));
  }
}

static void
begin_pass (SaysoOutbox *self,
            gboolean     with_refused)
{
  if (self->sending)
    return;
  stop_timer (self);
  self->with_refused = with_refused;
  self->sending = TRUE;
  self->current = -1;
  outbox_changed (self);
  pass_next (self);
}

void
sayso_outbox_start (SaysoOutbox *self)
{
  g_return_if_fail (SAYSO_IS_OUTBOX (self));

  self->started = TRUE;
  begin_pass (self, FALSE);
}

void
sayso_outbox_send_now (SaysoOutbox *self)
{
  g_return_if_fail (SAYSO_IS_OUTBOX (self));

  self->failures = 0;
  begin_pass (self, TRUE);
}

void
sayso_outbox_send_async (SaysoOutbox         *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (SAYSO_IS_OUTBOX (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sayso_outbox_send_async);
  self->waiters = g_list_append (self->waiters, task);
  self->failures = 0;
  begin_pass (self, TRUE);
}

gboolean
sayso_outbox_send_finish (SaysoOutbox   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (SAYSO_IS_OUTBOX (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sayso_outbox_reload (SaysoOutbox *self)
{
  g_autofree char *old_url = NULL;
  guint8 old_pk[SAYSO_SIGN_PUBLIC_KEY_SIZE];

  g_return_if_fail (SAYSO_IS_OUTBOX (self));

  old_url = g_strdup (self->url);
  memcpy (old_pk, self->service_pk, sizeof old_pk);
  load_uploader (self);
  /* An upload on its way to the old address would be checked against the
   * old key: it is stopped, and sent again once it has stopped. */
  if (self->send_cancellable &&
      (g_strcmp0 (old_url, self->url) != 0 || memcmp (old_pk, self->service_pk, sizeof old_pk) != 0))
    {
      self->resend = TRUE;
      g_cancellable_cancel (self->send_cancellable);
    }
  outbox_changed (self);
  if (self->started && !self->sending)
    begin_pass (self, FALSE);
}
