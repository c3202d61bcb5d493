/* pages_analytics.h — the handlers of the read-only analytics pages and their API, listed in
 * the route table of routes.c. Internal to the web face. */
#ifndef CVOM_WEB_PAGES_ANALYTICS_H
#define CVOM_WEB_PAGES_ANALYTICS_H

#include "web/web.h"

int pages_compare(struct web_req *r);    /* GET /compare?from=&to= */
int pages_overserved(struct web_req *r); /* GET /overserved */
int pages_alignment(struct web_req *r);  /* GET /alignment */
int api_compare(struct web_req *r);      /* GET /api/v1/compare */
int api_overserved(struct web_req *r);   /* GET /api/v1/overserved */
int api_alignment(struct web_req *r);    /* GET /api/v1/alignment */

#endif
