/* routes.c — every URL the web face answers: the tables of each section, walked in order.
 * Each entry is method, pattern, handler, the least role that may use it, and whether it is
 * exempt from the CSRF check (only where a secret in the URL or a bearer token authorises). */
#include "web/web.h"

#include "web/assets.h"
#include "web/auth.h"
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

/* The analytics: read-only pages and their JSON (pages_analytics.c). */
static const struct web_route analytics_routes[] = {
    {M_GET, "/compare", pages_compare, A_VIEWER, 0},
    {M_GET, "/overserved", pages_overserved, A_VIEWER, 0},
    {M_GET, "/alignment", pages_alignment, A_VIEWER, 0},
    {M_GET, "/api/v1/compare", api_compare, A_VIEWER, 0},
    {M_GET, "/api/v1/overserved", api_overserved, A_VIEWER, 0},
    {M_GET, "/api/v1/alignment", api_alignment, A_VIEWER, 0},
    {0, NULL, NULL, 0, 0},
};

const struct web_route *const web_route_tables[] = {
    web_auth_routes, web_page_routes, web_admin_routes, web_api_routes, web_download_routes,
    analytics_routes,
    NULL,
};

void web_print_routes(FILE *out)
{
    static const char *const methods[M_COUNT] = {"GET", "HEAD", "POST", "PUT", "PATCH",
                                                 "DELETE", "OTHER"};
    static const char *const access[] = {"public", "viewer", "manager", "admin"};
    fputs("method,pattern,access,csrf_exempt\n", out);
    for (size_t t = 0; web_route_tables[t]; t++)
        for (const struct web_route *r = web_route_tables[t]; r->pattern; r++)
            fprintf(out, "%s,%s,%s,%d\n", methods[r->method], r->pattern, access[r->access],
                    r->csrf_exempt);
}
