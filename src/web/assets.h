/* assets.h — the stylesheet, script and icon, embedded in the binary so that a server needs
 * no files beside it. */
#ifndef CVOM_WEB_ASSETS_H
#define CVOM_WEB_ASSETS_H

#include "web/web.h"

/* GET /static/{name}: the asset with a long cache lifetime, or 404. */
int web_static(struct web_req *r);
/* GET /healthz: "ok" when the database answers. */
int web_health(struct web_req *r);

#endif
