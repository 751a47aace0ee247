/* sayso-db-error.h: the errors of every database (the kiosk's store, the
 * analysts' database, the collection service's); sayso-sqlite.c maps
 * SQLite's codes to them. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SAYSO_DB_ERROR (sayso_db_error_quark ())

typedef enum
{
  SAYSO_DB_ERROR_FAILED,
  SAYSO_DB_ERROR_BUSY,       /* another process holds the database longer than we wait */
  SAYSO_DB_ERROR_FULL,       /* the disk is full */
  SAYSO_DB_ERROR_CORRUPT,    /* not a Sayso database, or damaged */
  SAYSO_DB_ERROR_TOO_NEW,    /* written by a newer Sayso */
  SAYSO_DB_ERROR_NOT_FOUND,
  SAYSO_DB_ERROR_EXISTS,
  SAYSO_DB_ERROR_IO,
} SaysoDbError;

GQuark    sayso_db_error_quark          (void);

G_END_DECLS
