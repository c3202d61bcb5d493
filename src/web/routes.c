/* routes.c — every URL the web face answers: the tables of each section, walked in order.
 * Each entry is method, pattern, handler, the least role that may use it, and whether it is
 * exempt from the CSRF check (only where a secret in the URL or a bearer token authorises). */
#include "web/web.h"
#include "web/pages_signals.h"

#include "web/api_util.h"
#include "web/assets.h"
#include "web/auth.h"
#include "web/pages_util.h"
#include "web/pages_analytics.h"

const struct web_route web_auth_routes[] = {
    {M_GET, "/signin", web_signin_page, A_PUBLIC, 0},
    {M_POST, "/signin", web_signin_post, A_PUBLIC, 0},
    {M_POST, "/signout", web_signout_post, A_VIEWER, 0},
    {M_GET, "/setup/{token}", web_setup_page, A_PUBLIC, 0},
    {M_POST, "/setup/{token}", web_setup_post, A_PUBLIC, 0},
    {M_GET, "/static/{name}", web_static, A_PUBLIC, 0},
    {M_GET, "/healthz", web_health, A_PUBLIC, 0},
    {0, NULL, NULL, 0, 0},
};

/* Action plans, what-if, offerings and the playbook: pages, then the API. Writes to an
 * account check its ownership in the handler, as the notes do. */
const struct web_route web_plan_routes[] = {
    {M_GET, "/actions", pages_actions, A_VIEWER, 0},
    {M_POST, "/accounts/{id}/actions", pages_action_add, A_MANAGER, 0},
    {M_POST, "/accounts/{id}/actions/{action}", pages_action_status, A_MANAGER, 0},
    {M_GET, "/accounts/{id}/whatif", pages_whatif, A_VIEWER, 0},
    {M_POST, "/accounts/{id}/ratings", pages_rating_post, A_MANAGER, 0},
    {M_GET, "/offerings", pages_offerings, A_VIEWER, 0},
    {M_POST, "/offerings", pages_offering_add, A_MANAGER, 0},
    /* Removing an offering removes every account's rating of it, whoever owns them. */
    {M_POST, "/offerings/{offering}/remove", pages_offering_remove, A_ADMIN, 0},
    {M_GET, "/admin/playbooks", admin_playbooks_get, A_ADMIN, 0},
    {M_POST, "/admin/playbooks", admin_playbooks_post, A_ADMIN, 0},
    {M_GET, "/api/v1/accounts/{id}/actions", api_actions_list, A_VIEWER, 0},
    {M_POST, "/api/v1/accounts/{id}/actions", api_actions_create, A_MANAGER, 0},
    {M_GET, "/api/v1/actions/{id}", api_action_get, A_VIEWER, 0},
    {M_PATCH, "/api/v1/actions/{id}", api_action_status, A_MANAGER, 0},
    {M_POST, "/api/v1/actions/{id}", api_action_status, A_MANAGER, 0}, /* as before PATCH */
    {M_GET, "/api/v1/accounts/{id}/whatif", api_account_whatif, A_VIEWER, 0},
    {M_GET, "/api/v1/offerings", api_offerings_list, A_VIEWER, 0},
    {M_PUT, "/api/v1/accounts/{id}/ratings/{offering}", api_rating_put, A_MANAGER, 0},
    {0, NULL, NULL, 0, 0},
};

/* The analytics: read-only pages and their JSON (pages_analytics.c). */
static const struct web_route analytics_routes[] = {
    {M_GET, "/compare", pages_compare, A_VIEWER, 0},
    {M_GET, "/overserved", pages_overserved, A_VIEWER, 0},
    {M_GET, "/alignment", pages_alignment, A_VIEWER, 0},
    {M_GET, "/alerts", pages_alerts, A_VIEWER, 0},
    {M_GET, "/api/v1/compare", api_compare, A_VIEWER, 0},
    {M_GET, "/api/v1/overserved", api_overserved, A_VIEWER, 0},
    {M_GET, "/api/v1/alignment", api_alignment, A_VIEWER, 0},
    {0, NULL, NULL, 0, 0},
};

const struct web_route *const web_route_tables[] = {
    web_auth_routes, web_page_routes,     web_admin_routes,  web_api_routes,   web_download_routes,
    web_plan_routes, web_campaign_routes, web_signal_routes, analytics_routes, NULL,
};

void web_print_routes(FILE *out)
{
    static const char *const methods[M_COUNT] = {"GET",   "HEAD",   "POST", "PUT",
                                                 "PATCH", "DELETE", "OTHER"};
    static const char *const access[] = {"public", "viewer", "manager", "admin"};
    fputs("method,pattern,access,csrf_exempt\n", out);
    for (size_t t = 0; web_route_tables[t]; t++)
        for (const struct web_route *r = web_route_tables[t]; r->pattern; r++)
            fprintf(out, "%s,%s,%s,%d\n", methods[r->method], r->pattern, access[r->access],
                    r->csrf_exempt);
}
