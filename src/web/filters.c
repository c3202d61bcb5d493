/* filters.c — the matrix page's filters as its query string gives them, and the scope of
 * accounts a user may see. The page and the downloads read them here, so that a picture or
 * a report of the portfolio holds exactly the accounts the page shows. */
#include "web/pages_util.h"

#include "io/util.h"

#include <string.h>

static void problem(struct pages_filters *f, const char *text)
{
    size_t used = strlen(f->problem);
    snprintf(f->problem + used, sizeof f->problem - used, "%s%s", used ? " " : "", text);
}

void pages_filters_read(struct web_req *r, struct pages_filters *f)
{
    memset(f, 0, sizeof *f);
    f->quadrant = -1;
    f->as_of = pages_today();
    const char *v;
    /* A manager's scope is their own accounts whatever the address says. */
    if (r->user.role != CVOM_ROLE_MANAGER && (v = web_query(r, "owner")))
        cvom__copy_str(f->owner, sizeof f->owner, v);
    if ((v = web_query(r, "industry")))
        cvom__copy_str(f->industry, sizeof f->industry, v);
    if ((v = web_query(r, "tag")) && strchr(v, ','))
        problem(f, "Filter by one tag at a time; the tag filter was left out.");
    else if (v)
        cvom__copy_str(f->tag, sizeof f->tag, v);
    if ((v = web_query(r, "quadrant")) && v[0] && (f->quadrant = cvom_quadrant_parse(v)) < 0)
        problem(f, "There is no such quadrant; showing all of them.");
    if ((v = web_query(r, "as-of")) && v[0]) {
        int32_t d;
        if (cvom_date_parse(v, &d))
            problem(f, "The date was not understood (YYYY-MM-DD); showing today.");
        else
            f->as_of = d, f->as_of_given = 1;
    }
}

int pages_scope_filter(const struct web_req *r, const char *owner, const char *tag,
                       const char *industry, struct cvom_account_filter *out)
{
    int manager = r->user.role == CVOM_ROLE_MANAGER;
    memset(out, 0, sizeof *out);
    cvom__copy_str(out->owner, sizeof out->owner, manager ? r->user.display : owner ? owner : "");
    cvom__copy_str(out->tag, sizeof out->tag, tag ? tag : "");
    cvom__copy_str(out->industry, sizeof out->industry, industry ? industry : "");
    /* A manager without a display name owns nothing: an empty owner would mean everyone. */
    return !manager || r->user.display[0];
}

void pages_filters_query(struct buf *b, const struct pages_filters *f)
{
    const char *sep = "";
    const struct {
        const char *key, *value;
    } text[] = {{"owner", f->owner}, {"tag", f->tag}, {"industry", f->industry}};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
        if (!text[i].value[0])
            continue;
        buf_printf(b, "%s%s=", sep, text[i].key);
        buf_url(b, text[i].value);
        sep = "&";
    }
    if (f->quadrant >= 0) {
        buf_printf(b, "%squadrant=%s", sep, cvom_quadrant_name((enum cvom_quadrant)f->quadrant));
        sep = "&";
    }
    if (f->as_of_given) {
        char d[11];
        cvom_date_format(f->as_of, d);
        buf_printf(b, "%sas-of=%s", sep, d);
    }
}
