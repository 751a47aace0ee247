/* sayso-part-file.h: the hidden file a bundle is written to before it is
 * named, shared by the export and the outbox. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

int sayso_part_file_make (const char  *dir,
                          const char  *name,
                          int          mode,
                          char       **tmp_path) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
