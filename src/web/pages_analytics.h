/* pages_analytics.h — the handlers of the read-only analytics pages and their API, listed in
 * the route table of routes.c. Internal to the web face. */
#ifndef CVOM_WEB_PAGES_ANALYTICS_H
#define CVOM_WEB_PAGES_ANALYTICS_H

#include "web/web.h"

int pages_compare(struct web_req *r);    /* GET /compare?from=&to= */
int pages_overserved(struct web_req *r); /* GET /overserved */
int pages_alignment(struct web_req *r);  /* GET /alignment */
int pages_alerts(struct web_req *r);     /* GET /alerts */

/* The front page's "Needs attention" panel for the accounts f selects, appended to r->out:
 * the alerts of the first PAGES_ALERTS_PANEL_ACCOUNTS accounts, or past
 * PAGES_ALERTS_PANEL_MAX accounts (the scope's n_accounts) only a link to /alerts, so that
 * a large portfolio's matrix is not held up by them. */
#define PAGES_ALERTS_PANEL_MAX 2000
#define PAGES_ALERTS_PANEL_ACCOUNTS 8
struct cvom_account_filter;
void pages_alerts_panel(struct web_req *r, const struct cvom_account_filter *f, int32_t as_of,
                        size_t n_accounts);
int api_compare(struct web_req *r);    /* GET /api/v1/compare */
int api_overserved(struct web_req *r); /* GET /api/v1/overserved */
int api_alignment(struct web_req *r);  /* GET /api/v1/alignment */

#endif
