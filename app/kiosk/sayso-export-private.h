#pragma once

#include "sayso-export.h"

G_BEGIN_DECLS

/* A seam for tests: make the export's file calls fail as a full drive or a
 * pulled stick would, after so many bytes. */
typedef enum
{
  SAYSO_EXPORT_FAULT_NONE,
  SAYSO_EXPORT_FAULT_NO_SPACE,   /* write() fails with ENOSPC */
  SAYSO_EXPORT_FAULT_REMOVED,    /* write() fails with EIO, as when the stick is pulled */
  SAYSO_EXPORT_FAULT_FSYNC,      /* fsync() fails with EIO */
  SAYSO_EXPORT_FAULT_RENAME,     /* rename() fails with EIO */
  SAYSO_EXPORT_FAULT_READ_BACK,  /* the drive gives back the byte at after_bytes (or its last) changed */
} SaysoExportFault;

void _sayso_export_set_fault (SaysoExportFault fault,
                              guint64          after_bytes);

/* A seam for the power-cut test: at the Nth file operation of an export (a
 * write, the fsync, the rename, the folder's fsync), the drive keeps only
 * what was made durable (data after the file's fsync, the name after the
 * folder's fsync) and the process ends at once. 0: never. */
void _sayso_export_set_power_cut (guint after_ops);

/* A seam for tests: keep at most this many written bytes for the read-back
 * to compare with (0: none, so the read-back hashes what it reads, as a
 * larger export's does); G_MAXUINT64: the default. */
void _sayso_export_set_keep_limit (guint64 bytes);

G_END_DECLS
