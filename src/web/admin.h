/* admin.h — the import and administration section of the web face. admin.c holds the route
 * table and the administration pages; import_page.c the import pages declared here. */
#ifndef CVOM_WEB_ADMIN_H
#define CVOM_WEB_ADMIN_H

#include "web/web.h"

/* GET /import: the upload form (and the outcome of a commit, from the query). */
int web_import_page(struct web_req *r);
/* POST /import: a dry run of the uploaded CSV, showing the column mapping and the first
 * problem or what would be written, with a form to commit it. */
int web_import_preview(struct web_req *r);
/* POST /import/commit: the same import for real, in one transaction, audited. */
int web_import_commit(struct web_req *r);

#endif
