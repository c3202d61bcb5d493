/* page.h — the frame every HTML page shares: head with the stylesheet and script, a header
 * with the navigation and the signed-in user, and the footer. Content is escaped by the
 * callers with buf_html. */
#ifndef CVOM_WEB_PAGE_H
#define CVOM_WEB_PAGE_H

#include "web/web.h"

/* Start an HTML page titled title (escaped here). `nav` marks the current section: "matrix",
 * "accounts", "import", "admin" or NULL. */
void page_begin(struct web_req *r, const char *title, const char *nav);
/* The same for a page in language lang (the tag of <html lang>), with the text of its link
 * that skips to the content. */
void page_begin_in(struct web_req *r, const char *title, const char *nav, const char *lang,
                   const char *skip);
void page_end(struct web_req *r);
/* <input type="hidden" name="csrf" value="…"> for forms. */
void page_csrf(struct web_req *r);
/* A message box: kind is "error", "ok" or "info". */
void page_notice(struct web_req *r, const char *kind, const char *text);

#endif
