/* page.c — the shared frame of HTML pages. */
#include "web/page.h"

#include "web/auth.h"

#include <string.h>

void page_begin(struct web_req *r, const char *title, const char *nav)
{
    page_begin_in(r, title, nav, "en", "Skip to content");
}

void page_begin_in(struct web_req *r, const char *title, const char *nav, const char *lang,
                   const char *skip)
{
    struct buf *b = &r->out;
    r->out_type = "text/html; charset=utf-8";
    buf_puts(b, "<!doctype html>\n<html lang=\"");
    buf_html(b, lang);
    buf_puts(b, "\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                "<title>");
    buf_html(b, title);
    buf_puts(b, " · cvom</title>");
    if (r->signed_in) { /* for scripts that call the API with this session */
        buf_puts(b, "<meta name=\"csrf-token\" content=\"");
        buf_html(b, r->session.csrf);
        buf_puts(b, "\">");
    }
    buf_puts(
        b, "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"/static/cvom.css\">"
           "<script src=\"/static/cvom.js\" defer></script></head><body>"
           "<a class=\"skip\" href=\"#main\">");
    buf_html(b, skip);
    buf_puts(b, "</a><header class=\"top\"><a class=\"brand\" href=\"/\">cvom</a>");
    if (r->signed_in) {
        static const struct {
            const char *key, *href, *label;
            int role;
        } items[] = {
            {"matrix", "/", "Matrix", CVOM_ROLE_VIEWER},
            {"accounts", "/accounts", "Accounts", CVOM_ROLE_VIEWER},
            {"actions", "/actions", "Actions", CVOM_ROLE_VIEWER},
            {"offerings", "/offerings", "Offerings", CVOM_ROLE_VIEWER},
            {"analytics", "/compare", "Analytics", CVOM_ROLE_VIEWER},
            {"campaigns", "/campaigns", "Campaigns", CVOM_ROLE_MANAGER},
            {"import", "/import", "Import", CVOM_ROLE_MANAGER},
            {"admin", "/admin", "Administration", CVOM_ROLE_ADMIN},
        };
        buf_puts(b, "<nav aria-label=\"Main\"><ul>");
        for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
            if ((int)r->user.role < items[i].role)
                continue;
            int here = nav && strcmp(nav, items[i].key) == 0;
            buf_printf(b, "<li><a href=\"%s\"%s>%s</a></li>", items[i].href,
                       here ? " aria-current=\"page\"" : "", items[i].label);
        }
        buf_puts(b, "</ul></nav><form class=\"who\" method=\"post\" action=\"/signout\">"
                    "<span>");
        buf_html(b, r->user.display[0] ? r->user.display : r->user.name);
        buf_printf(b, " <small>%s</small></span>", cvom__role_name(r->user.role));
        page_csrf(r);
        buf_puts(b, "<button type=\"submit\">Sign out</button></form>");
    }
    buf_puts(b, "</header><main id=\"main\">");
}

void page_end(struct web_req *r)
{
    buf_puts(&r->out, "</main><footer class=\"bottom\">cvom · Customer Value Orientation "
                      "Matrix</footer></body></html>\n");
}

void page_csrf(struct web_req *r)
{
    buf_puts(&r->out, "<input type=\"hidden\" name=\"csrf\" value=\"");
    buf_html(&r->out, web_csrf_token(r));
    buf_puts(&r->out, "\">");
}

void page_notice(struct web_req *r, const char *kind, const char *text)
{
    buf_printf(&r->out, "<p class=\"notice %s\" role=\"%s\">", kind,
               strcmp(kind, "error") == 0 ? "alert" : "status");
    buf_html(&r->out, text);
    buf_puts(&r->out, "</p>");
}
