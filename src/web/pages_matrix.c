/* pages_matrix.c — the portfolio on the matrix (GET /) and the list of accounts
 * (GET /accounts). Both score every visible account, which takes a while on a large
 * portfolio, so the body of each page is cached by store revision, query, the user's scope
 * and the date; a repeated request costs a copy, and the one query that finds its session,
 * user and the revision together (web_auth_identify). */
#include "web/pages_analytics.h"
#include "web/pages_util.h"

#include "io/keymap.h"
#include "io/util.h"
#include "render/chart.h"
#include "render/layout.h"
#include "service/accounts.h"
#include "web/auth.h"
#include "web/cache.h"
#include "web/page.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PAGE_ROWS 100    /* table rows per page */
#define OPTIONS_MAX 400  /* values offered in one filter list */
#define UNPLACED_MAX 200 /* accounts listed under "not enough evidence" */
#define BUBBLES_MAX 400  /* accounts drawn as bubbles; the rest of a portfolio as dots */

static struct web_cache body_cache = WEB_CACHE_INIT(32, 64u << 20);

/* ---- the query --------------------------------------------------------------------------- */

enum col { C_NAME, C_OWNER, C_INDUSTRY, C_REVENUE, C_INT, C_EMO, C_QUADRANT, C_LAST, C_COUNT };

struct mx_query {
    char owner[CVOM_FIELD_MAX], tag[CVOM_FIELD_MAX], industry[CVOM_FIELD_MAX];
    char name[CVOM_FIELD_MAX]; /* /accounts?q= */
    int quadrant;              /* -1: any */
    int32_t as_of;
    int as_of_given;
    enum col sort;
    int desc;
    long page;
    char problem[256]; /* why a filter was ignored, shown as a notice */
};

/* Every query parameter the two pages read; the cache key is made of exactly these. */
static const char *const query_keys[] = {"owner", "tag", "industry", "quadrant", "as-of",
                                         "sort",  "dir", "page",     "q",        NULL};

static const struct {
    const char *key, *label;
    int numeric; /* numbers sort high first on the first click */
} cols[C_COUNT] = {
    [C_NAME] = {"name", "Account", 0},
    [C_OWNER] = {"owner", "Owner", 0},
    [C_INDUSTRY] = {"industry", "Industry", 0},
    [C_REVENUE] = {"revenue", "Revenue", 1},
    [C_INT] = {"intellectual", "Intellectual", 1},
    [C_EMO] = {"emotional", "Emotional", 1},
    [C_QUADRANT] = {"quadrant", "Position", 0},
    [C_LAST] = {"last", "Assessed", 1},
};

/* A count with thousands separators, written into out. */
static const char *count(char out[32], size_t n)
{
    struct buf b;
    buf_init(&b, 31);
    pages_thousands(&b, (double)n);
    snprintf(out, 32, "%s", b.failed || !b.p ? "?" : b.p);
    buf_free(&b);
    return out;
}

static int is_manager(const struct web_req *r)
{
    return r->user.role == CVOM_ROLE_MANAGER;
}

static void read_query(struct web_req *r, struct mx_query *q)
{
    memset(q, 0, sizeof *q);
    q->sort = C_REVENUE;
    q->desc = 1;
    q->page = 1;
    struct pages_filters pf;
    pages_filters_read(r, &pf);
    memcpy(q->owner, pf.owner, sizeof q->owner);
    memcpy(q->tag, pf.tag, sizeof q->tag);
    memcpy(q->industry, pf.industry, sizeof q->industry);
    q->quadrant = pf.quadrant;
    q->as_of = pf.as_of;
    q->as_of_given = pf.as_of_given;
    memcpy(q->problem, pf.problem, sizeof q->problem);
    const char *v;
    if ((v = web_query(r, "q")))
        cvom__copy_str(q->name, sizeof q->name, v);
    cvom__trim(q->name);
    if ((v = web_query(r, "sort")))
        for (int c = 0; c < C_COUNT; c++)
            if (strcmp(v, cols[c].key) == 0) {
                q->sort = (enum col)c;
                q->desc = cols[c].numeric;
            }
    if ((v = web_query(r, "dir")))
        q->desc = strcmp(v, "desc") == 0 ? 1 : strcmp(v, "asc") == 0 ? 0 : q->desc;
    if ((v = web_query(r, "page")) && cvom__parse_long(v, 1, 1000000, &q->page))
        q->page = 1;
}

/* The cache key: which page, whose view (all, or one manager's accounts), the date that
 * "today" resolves to, and the raw value of every parameter the page reads. */
static void cache_key(struct web_req *r, const struct mx_query *q, const char *page, struct buf *k)
{
    buf_puts(k, page);
    buf_add(k, "", 1);
    if (is_manager(r)) {
        buf_puts(k, "manager:");
        buf_puts(k, r->user.display);
    } else {
        buf_puts(k, "all");
    }
    buf_add(k, "", 1);
    buf_printf(k, "%ld", (long)q->as_of); /* today's date unless the query gives one */
    for (int i = 0; query_keys[i]; i++) {
        const char *v = web_query(r, query_keys[i]);
        buf_add(k, "", 1);
        buf_puts(k, v ? v : "");
    }
}

/* The link to the matrix with q's filters, a sort and a page (quadrant < -1: q's). */
static void matrix_href(struct buf *out, const struct mx_query *q, enum col sort, int desc,
                        long page, int quadrant)
{
    struct buf u;
    buf_init(&u, 4 * WEB_URI_MAX);
    buf_puts(&u, "/?");
    const char *sep = "";
    const struct {
        const char *key, *value;
    } text[] = {{"owner", q->owner}, {"tag", q->tag}, {"industry", q->industry}};
    for (size_t i = 0; i < sizeof text / sizeof *text; i++) {
        if (!text[i].value[0])
            continue;
        buf_printf(&u, "%s%s=", sep, text[i].key);
        buf_url(&u, text[i].value);
        sep = "&";
    }
    if (quadrant < -1)
        quadrant = q->quadrant;
    if (quadrant >= 0) {
        buf_printf(&u, "%squadrant=%s", sep, cvom_quadrant_name((enum cvom_quadrant)quadrant));
        sep = "&";
    }
    if (q->as_of_given) {
        char d[11];
        cvom_date_format(q->as_of, d);
        buf_printf(&u, "%sas-of=%s", sep, d);
        sep = "&";
    }
    if (sort != C_REVENUE || !desc) {
        buf_printf(&u, "%ssort=%s&dir=%s", sep, cols[sort].key, desc ? "desc" : "asc");
        sep = "&";
    }
    if (page > 1)
        buf_printf(&u, "%spage=%ld", sep, page);
    if (u.len == 2)
        u.len = 1; /* just "/" */
    buf_add(&u, "", 0);
    buf_html(out, u.failed ? "/" : u.p);
    buf_free(&u);
}

/* ---- scanning ---------------------------------------------------------------------------- */

/* The store filter for what this user may see, narrowed by q. */
static void scope_filter(struct web_req *r, const struct mx_query *q, struct cvom_account_filter *f)
{
    pages_scope_filter(r, q ? q->owner : NULL, q ? q->tag : NULL, q ? q->industry : NULL, f);
}

/* Whether this user can see anything at all: a manager without a display name owns
 * nothing (an empty owner filter would mean every account). */
static int sees_any(const struct web_req *r)
{
    return !is_manager(r) || r->user.display[0];
}

/* A sorted set of strings, for the values offered by the filters. Every value seen is
 * remembered, so that a portfolio of 100,000 accounts and 50 owners adds 50 owners, not
 * 100,000 copies to be sorted and thinned again and again; a value once thinned out stays
 * out, as the first OPTIONS_MAX in collation order can only move earlier. */
struct strset {
    char **s;
    size_t n, cap;
    struct cvom_keymap seen;
    int oom;
};

static void strset_add(struct strset *set, const char *v, size_t len)
{
    char key[CVOM_TAGS_MAX + CVOM_FIELD_MAX + 1];
    if (!len || set->oom || len >= sizeof key)
        return;
    memcpy(key, v, len);
    key[len] = '\0';
    int added = 0;
    if (!cvom__keymap_put(&set->seen, key, (struct cvom_keymap_value){0}, &added))
        set->oom = 1;
    if (!added || set->oom)
        return;
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 64;
        char **g = realloc(set->s, cap * sizeof *g);
        if (!g) {
            set->oom = 1;
            return;
        }
        set->s = g;
        set->cap = cap;
    }
    char *copy = malloc(len + 1);
    if (!copy) {
        set->oom = 1;
        return;
    }
    memcpy(copy, v, len);
    copy[len] = '\0';
    set->s[set->n++] = copy;
}

static int by_text(const void *x, const void *y)
{
    return strcoll(*(char *const *)x, *(char *const *)y);
}

static void strset_finish(struct strset *set)
{
    if (!set->n)
        return;
    cvom__sort(set->s, set->n, sizeof *set->s, by_text);
    size_t k = 1;
    for (size_t i = 1; i < set->n; i++) {
        if (strcmp(set->s[i], set->s[k - 1]) == 0)
            free(set->s[i]);
        else
            set->s[k++] = set->s[i];
    }
    set->n = k;
    while (set->n > OPTIONS_MAX)
        free(set->s[--set->n]);
}

static void strset_free(struct strset *set)
{
    cvom__keymap_cleanup(&set->seen);
    for (size_t i = 0; i < set->n; i++)
        free(set->s[i]);
    free(set->s);
    memset(set, 0, sizeof *set);
}

struct options {
    struct strset owners, industries, tags;
    size_t seen;
};

static void options_add(struct options *o, const char *owner, const char *industry,
                        const char *tags)
{
    strset_add(&o->owners, owner, strlen(owner));
    strset_add(&o->industries, industry, strlen(industry));
    for (const char *t = tags; *t;) {
        size_t len = strcspn(t, ",");
        strset_add(&o->tags, t, len);
        t += len + (t[len] == ',');
    }
    /* Keep the lists from growing without bound on a huge portfolio. */
    if (o->owners.n > 8 * OPTIONS_MAX)
        strset_finish(&o->owners);
    if (o->industries.n > 8 * OPTIONS_MAX)
        strset_finish(&o->industries);
    if (o->tags.n > 8 * OPTIONS_MAX)
        strset_finish(&o->tags);
    o->seen++;
}

static int options_cb(void *ctx, const struct cvom_account *a)
{
    options_add(ctx, a->owner, a->industry, a->tags);
    return 0;
}

static void options_free(struct options *o)
{
    strset_free(&o->owners);
    strset_free(&o->industries);
    strset_free(&o->tags);
}

/* ---- sorting ----------------------------------------------------------------------------- */

static int cmp_double(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) - isnan(b);
    return (a > b) - (a < b);
}

static int cmp_col(const struct cvom_scored *a, const struct cvom_scored *b, enum col c)
{
    switch (c) {
    case C_NAME: return strcoll(a->account.name, b->account.name);
    case C_OWNER: return strcoll(a->account.owner, b->account.owner);
    case C_INDUSTRY: return strcoll(a->account.industry, b->account.industry);
    case C_REVENUE: return cmp_double(a->account.revenue, b->account.revenue);
    case C_INT: return cmp_double(a->score.value[0], b->score.value[0]);
    case C_EMO: return cmp_double(a->score.value[1], b->score.value[1]);
    case C_QUADRANT:
        return (a->score.quadrant > b->score.quadrant) - (a->score.quadrant < b->score.quadrant);
    case C_LAST:
        return (a->evidence.newest > b->evidence.newest) -
               (a->evidence.newest < b->evidence.newest);
    case C_COUNT: break;
    }
    return 0;
}

/* qsort takes no context; each worker thread sorts with its own. */
static _Thread_local enum col sort_col;
static _Thread_local int sort_desc;

static int by_sort(const void *x, const void *y)
{
    const struct cvom_scored *a = *(const struct cvom_scored *const *)x;
    const struct cvom_scored *b = *(const struct cvom_scored *const *)y;
    int c = cmp_col(a, b, sort_col);
    if (sort_desc)
        c = -c;
    if (!c)
        c = strcoll(a->account.name, b->account.name);
    if (!c)
        c = (a->account.id > b->account.id) - (a->account.id < b->account.id);
    return c;
}

/* Sort v for the table: at least its first k rows. */
static void sort_rows(const struct cvom_scored **v, size_t n, size_t k, enum col c, int desc)
{
    sort_col = c;
    sort_desc = desc;
    cvom__sort_first(v, n, k, sizeof *v, by_sort);
}

/* ---- pieces of the page ------------------------------------------------------------------ */

static void select_field(struct buf *b, const char *name, const char *label, const char *any,
                         const struct strset *values, const char *current)
{
    buf_printf(b,
               "<div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" "
               "name=\"%s\"><option value=\"\">%s</option>",
               name, label, name, name, any);
    int found = 0;
    for (size_t i = 0; i < values->n; i++) {
        int sel = strcmp(values->s[i], current) == 0;
        found |= sel;
        buf_puts(b, "<option");
        if (sel)
            buf_puts(b, " selected");
        buf_puts(b, ">");
        buf_html(b, values->s[i]);
        buf_puts(b, "</option>");
    }
    if (current[0] && !found) { /* keep a value typed into the address visible */
        buf_puts(b, "<option selected>");
        buf_html(b, current);
        buf_puts(b, "</option>");
    }
    buf_puts(b, "</select></div>");
}

static void filters_form(struct web_req *r, const struct mx_query *q, const struct options *o)
{
    struct buf *b = &r->out;
    buf_puts(b, "<form class=\"filters\" method=\"get\" action=\"/\" data-autosubmit "
                "aria-label=\"Filters\">");
    if (!is_manager(r))
        select_field(b, "owner", "Owner", "All owners", &o->owners, q->owner);
    select_field(b, "industry", "Industry", "All industries", &o->industries, q->industry);
    select_field(b, "tag", "Tag", "All tags", &o->tags, q->tag);
    buf_puts(b, "<div class=\"field\"><label for=\"f-quadrant\">Quadrant</label>"
                "<select id=\"f-quadrant\" name=\"quadrant\"><option value=\"\">All "
                "quadrants</option>");
    static const enum cvom_quadrant order[] = {CVOM_Q_PARTNERSHIP, CVOM_Q_INTELLECTUAL,
                                               CVOM_Q_EMOTIONAL, CVOM_Q_TRANSACTIONAL};
    for (int i = 0; i < CVOM_Q_COUNT; i++)
        buf_printf(b, "<option value=\"%s\"%s>%s</option>", cvom_quadrant_name(order[i]),
                   q->quadrant == (int)order[i] ? " selected" : "", cvom_quadrant_title(order[i]));
    char d[11] = "";
    if (q->as_of_given)
        cvom_date_format(q->as_of, d);
    buf_printf(b,
               "</select></div><div class=\"field\"><label for=\"f-asof\">As of</label>"
               "<input type=\"date\" id=\"f-asof\" name=\"as-of\" value=\"%s\"></div>",
               d);
    if (q->sort != C_REVENUE || !q->desc)
        buf_printf(b,
                   "<input type=\"hidden\" name=\"sort\" value=\"%s\"><input type=\"hidden\" "
                   "name=\"dir\" value=\"%s\">",
                   cols[q->sort].key, q->desc ? "desc" : "asc");
    buf_puts(b, "<div class=\"field actions\"><button type=\"submit\">Apply</button> "
                "<a href=\"/\" class=\"button secondary\">Reset</a></div></form>");
}

/* Geometry of the plot, in viewBox units. */
#define VB_W 640
#define VB_H 620
#define PL 64.0  /* left edge of the plot */
#define PT 16.0  /* top edge */
#define PS 540.0 /* side of the square */

static double px(double v)
{
    return PL + (v < 0 ? 0 : v > 100 ? 100 : v) * PS / 100;
}

static double py(double v)
{
    return PT + PS - (v < 0 ? 0 : v > 100 ? 100 : v) * PS / 100;
}

struct tally {
    size_t n[CVOM_Q_COUNT];
    double revenue[CVOM_Q_COUNT];
    double total;
    size_t placed, borderline, stale, unplaced;
    char currency[8]; /* shared by every account, else empty */
    int mixed;
};

static void tally_add(struct tally *t, const struct cvom_scored *s)
{
    const struct cvom_account_line *a = &s->account;
    if (!t->mixed && a->currency[0]) {
        if (!t->currency[0])
            memcpy(t->currency, a->currency, sizeof t->currency);
        else if (strcmp(t->currency, a->currency) != 0)
            t->mixed = 1, t->currency[0] = '\0';
    }
    if (s->score.state == CVOM_STATE_INSUFFICIENT || !s->evidence.assessments) {
        t->unplaced++;
        return;
    }
    t->placed++;
    t->n[s->score.quadrant]++;
    t->revenue[s->score.quadrant] += a->revenue;
    t->total += a->revenue;
    t->borderline += s->score.state == CVOM_STATE_BORDERLINE;
    t->stale += s->evidence.stale;
}

static void plot_background(struct buf *b, const struct cvom_config *cfg, const struct tally *t)
{
    double tx = px(cfg->threshold[0]), ty = py(cfg->threshold[1]);
    buf_printf(b,
               "<svg class=\"plot-bg\" viewBox=\"0 0 %d %d\" role=\"img\" "
               "aria-labelledby=\"mx-title mx-desc\"><title id=\"mx-title\">Customer Value "
               "Orientation Matrix</title><desc id=\"mx-desc\">",
               VB_W, VB_H);
    buf_printf(b,
               "%zu accounts placed by intellectual value (across) and emotional value "
               "(up), with thresholds at %g and %g: %zu partnership, %zu intellectual, %zu "
               "emotional, %zu transactional; %zu borderline. The table below lists the "
               "same accounts.</desc>",
               t->placed, cfg->threshold[0], cfg->threshold[1], t->n[CVOM_Q_PARTNERSHIP],
               t->n[CVOM_Q_INTELLECTUAL], t->n[CVOM_Q_EMOTIONAL], t->n[CVOM_Q_TRANSACTIONAL],
               t->borderline);
    const struct {
        enum cvom_quadrant q;
        double x, y, w, h;
    } rects[] = {
        {CVOM_Q_EMOTIONAL, PL, PT, tx - PL, ty - PT},
        {CVOM_Q_PARTNERSHIP, tx, PT, PL + PS - tx, ty - PT},
        {CVOM_Q_TRANSACTIONAL, PL, ty, tx - PL, PT + PS - ty},
        {CVOM_Q_INTELLECTUAL, tx, ty, PL + PS - tx, PT + PS - ty},
    };
    for (size_t i = 0; i < 4; i++)
        buf_printf(b,
                   "<rect class=\"qb %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\"/>",
                   pages_quadrant_class(rects[i].q), rects[i].x, rects[i].y, rects[i].w,
                   rects[i].h);
    buf_puts(b, "<path class=\"grid\" d=\"");
    for (int v = 0; v <= 100; v += 25)
        buf_printf(b, "M%.1f %.1fV%.1fM%.1f %.1fH%.1f", px(v), PT, PT + PS, PL, py(v), PL + PS);
    buf_puts(b, "\"/>");
    for (int v = 0; v <= 100; v += 25)
        buf_printf(b,
                   "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d"
                   "</text><text class=\"tick\" x=\"%.1f\" y=\"%.1f\" "
                   "text-anchor=\"end\">%d</text>",
                   px(v), PT + PS + 20, v, PL - 8, py(v) + 5, v);
    buf_printf(b,
               "<line class=\"thr\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
               "<line class=\"thr\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
               tx, PT, tx, PT + PS, PL, ty, PL + PS, ty);
    buf_printf(b,
               "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
               "Intellectual value \xE2\x86\x92 expertise, insight, advice, whom we know"
               "</text>",
               PL + PS / 2, VB_H - 6);
    buf_printf(b,
               "<text class=\"axis\" transform=\"translate(20 %.1f) rotate(-90)\" "
               "text-anchor=\"middle\">Emotional value \xE2\x86\x92 trust, loyalty, "
               "relationships, identity</text></svg>",
               PT + PS / 2);
}

/* The quadrant names, drawn over the bubbles (with a halo) so that none can hide them;
 * the figure's description already says the same to screen readers. */
static void quadrant_labels(struct buf *b, const struct tally *t)
{
    buf_puts(b, "<g class=\"labels\" aria-hidden=\"true\">");
    const struct {
        enum cvom_quadrant q;
        double x, y;
        const char *anchor;
    } labels[] = {
        {CVOM_Q_EMOTIONAL, PL + 12, PT + 26, "start"},
        {CVOM_Q_PARTNERSHIP, PL + PS - 12, PT + 26, "end"},
        {CVOM_Q_TRANSACTIONAL, PL + 12, PT + PS - 30, "start"},
        {CVOM_Q_INTELLECTUAL, PL + PS - 12, PT + PS - 30, "end"},
    };
    char n[32];
    for (size_t i = 0; i < 4; i++) {
        buf_printf(b,
                   "<text class=\"ql %s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s"
                   "</text><text class=\"qn %s\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">"
                   "%s account%s</text>",
                   pages_quadrant_class(labels[i].q), labels[i].x, labels[i].y, labels[i].anchor,
                   cvom_quadrant_title(labels[i].q), pages_quadrant_class(labels[i].q), labels[i].x,
                   labels[i].y + 18, labels[i].anchor, count(n, t->n[labels[i].q]),
                   t->n[labels[i].q] == 1 ? "" : "s");
    }
    buf_puts(b, "</g>");
}

static int by_revenue_desc(const void *x, const void *y)
{
    const struct cvom_scored *a = *(const struct cvom_scored *const *)x;
    const struct cvom_scored *b = *(const struct cvom_scored *const *)y;
    int c = cmp_double(b->account.revenue, a->account.revenue);
    return c ? c : (a->account.id > b->account.id) - (a->account.id < b->account.id);
}

/* The accounts beyond the bubbles of a large portfolio, as dots: one path per quadrant in
 * which every dot is a zero-length segment with a round cap, about ten bytes an account. */
static void plot_dots(struct buf *b, const struct cvom_scored **v, size_t from, size_t n)
{
    /* One pass over the accounts, each dot written into its quadrant's path: on a large
     * portfolio every account read is a cache miss, and a pass per quadrant made four. The
     * numbers are what printf's %.0f writes, without printf (cvom__fixed_format). */
    struct buf path[CVOM_Q_COUNT];
    for (int q = 0; q < CVOM_Q_COUNT; q++)
        buf_init(&path[q], b->max);
    for (size_t i = from; i < n; i++) {
        const struct cvom_score *sc = &v[i]->score;
        int q = (int)sc->quadrant;
        if (q < 0 || q >= CVOM_Q_COUNT)
            continue;
        char dot[80];
        size_t k = 0;
        dot[k++] = 'M';
        k += (size_t)cvom__fixed_format(dot + k, 32, px(sc->value[0]), 0);
        dot[k++] = ' ';
        k += (size_t)cvom__fixed_format(dot + k, 32, py(sc->value[1]), 0);
        dot[k++] = 'h';
        dot[k++] = '0';
        buf_add(&path[q], dot, k);
    }
    for (int q = 0; q < CVOM_Q_COUNT; q++) {
        if (path[q].len) {
            buf_printf(b, "<path class=\"dots %s\" d=\"",
                       pages_quadrant_class((enum cvom_quadrant)q));
            buf_add(b, path[q].p, path[q].len);
            buf_puts(b, "\"/>");
        }
        if (path[q].failed && !b->failed)
            b->failed = path[q].failed;
        buf_free(&path[q]);
    }
}

/* Account labels as the pictures place them (render/layout.c): the largest accounts, as
 * many as the PNG labels by default, each beside its bubble or further out with a leader
 * line, never over another label, a bubble or a quadrant's name. The browser measures no
 * text here, so a label's width is estimated from its characters at 12px. */
#define LABEL_PX 12.0
#define LABEL_CHARS 26 /* longer names are shortened with "…", as the PNG does */
#define LABEL_PAD 2.0

/* The label of s cut to LABEL_CHARS characters; its width estimate in *w. */
static void label_of(const struct cvom_scored *s, char *out, size_t cap, double *w)
{
    char full[CVOM_FIELD_MAX * 2 + 32];
    cvom__account_label(&s->account, s->namesake, full, sizeof full);
    size_t chars = 0, i = 0, cut = 0;
    for (; full[i]; i++) {
        if (((unsigned char)full[i] & 0xC0) == 0x80)
            continue;
        if (chars == LABEL_CHARS - 1)
            cut = i;
        chars++;
    }
    if (chars > LABEL_CHARS) {
        snprintf(out, cap, "%.*s\xE2\x80\xA6", (int)cut, full);
        chars = LABEL_CHARS;
    } else {
        snprintf(out, cap, "%s", full);
    }
    *w = (double)chars * LABEL_PX * 0.56 + 2 * LABEL_PAD;
}

/* The corner names (quadrant_labels) as obstacles: two rows of small circles under each. */
#define CORNER_OBSTACLES (4 * 2 * 7)
static size_t corner_obstacles(struct cvom_layout_item *it)
{
    static const struct {
        double x, y, dir;
    } corners[] = {{PL + 12, PT + 26, 1},
                   {PL + PS - 12, PT + 26, -1},
                   {PL + 12, PT + PS - 30, 1},
                   {PL + PS - 12, PT + PS - 30, -1}};
    size_t n = 0;
    for (size_t c = 0; c < sizeof corners / sizeof *corners; c++)
        for (int row = 0; row < 2; row++)
            for (int k = 0; k < 7; k++)
                it[n++] =
                    (struct cvom_layout_item){.cx = corners[c].x + corners[c].dir * (10 + 20 * k),
                                              .cy = corners[c].y - 6 + 18 * row,
                                              .r = 11};
    return n;
}

static void account_labels(struct buf *b, const struct cvom_scored **v, size_t n, const double *rad)
{
    struct cvom_chart_opts co;
    cvom__chart_opts_init(&co);
    size_t m = n + CORNER_OBSTACLES;
    struct cvom_layout_item *it = calloc(m, sizeof *it);
    struct cvom_layout_result *res = calloc(m, sizeof *res);
    char(*text)[CVOM_FIELD_MAX * 2 + 32] = calloc(n ? n : 1, sizeof *text);
    if (!it || !res || !text)
        goto done;
    for (size_t i = 0; i < n; i++) {
        const struct cvom_score *sc = &v[i]->score;
        it[i] = (struct cvom_layout_item){.cx = px(sc->value[0]),
                                          .cy = py(sc->value[1]),
                                          .r = rad[i] + 1,
                                          .priority = v[i]->account.revenue};
        if (i < co.label_max) {
            label_of(v[i], text[i], sizeof text[i], &it[i].label_w);
            it[i].label_h = LABEL_PX + 3 + 2 * LABEL_PAD;
        }
    }
    corner_obstacles(it + n);
    struct cvom_rect bounds = {PL + 2, PT + 2, PS - 4, PS - 4};
    if (cvom__layout_labels(it, m, bounds, res) != CVOM_OK)
        goto done;
    buf_puts(b, "<g class=\"labels acc\" aria-hidden=\"true\">");
    for (size_t i = 0; i < n; i++) {
        if (!res[i].placed)
            continue;
        if (res[i].leader) {
            double dx = res[i].lx - it[i].cx, dy = res[i].ly - it[i].cy, len = hypot(dx, dy);
            if (len > 0)
                buf_printf(b,
                           "<line class=\"ld\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                           "y2=\"%.1f\"/>",
                           it[i].cx + dx / len * rad[i], it[i].cy + dy / len * rad[i], res[i].lx,
                           res[i].ly);
        }
        buf_printf(b, "<text class=\"al\" x=\"%.1f\" y=\"%.1f\">", res[i].box.x + LABEL_PAD,
                   res[i].box.y + LABEL_PAD + LABEL_PX);
        buf_html(b, text[i]);
        buf_puts(b, "</text>");
    }
    buf_puts(b, "</g>");
done:
    free(it);
    free(res);
    free(text);
}

/* One link per account, the largest first so that small ones stay on top and clickable. A
 * large portfolio gets links for its BUBBLES_MAX largest accounts and dots for the rest:
 * thousands of overlapping bubbles could not be read, and would make the page megabytes. */
static void plot_points(struct buf *b, const struct cvom_scored **v, size_t n,
                        const struct tally *t)
{
    size_t nb = n < BUBBLES_MAX ? n : BUBBLES_MAX;
    double *rads = calloc(nb ? nb : 1, sizeof *rads);
    buf_printf(b,
               "<svg class=\"plot-pts\" viewBox=\"0 0 %d %d\" role=\"group\" "
               "aria-label=\"Accounts on the matrix: each opens its page\">",
               VB_W, VB_H);
    plot_dots(b, v, nb, n);
    double maxrev = 0;
    for (size_t i = 0; i < nb; i++)
        if (v[i]->account.revenue > maxrev)
            maxrev = v[i]->account.revenue;
    double rmax = nb <= 40 ? 24 : fmax(5, 24 * sqrt(40.0 / (double)nb));
    for (size_t i = 0; i < nb; i++) {
        const struct cvom_scored *s = v[i];
        const struct cvom_score *sc = &s->score;
        double rad = maxrev > 0 ? rmax * sqrt(s->account.revenue / maxrev) : rmax / 2;
        if (!(rad >= 3))
            rad = 3;
        if (rads)
            rads[i] = rad;
        buf_printf(b,
                   "<a href=\"/accounts/%lld\"><circle class=\"b %s%s%s\" cx=\"%.1f\" "
                   "cy=\"%.1f\" r=\"%.1f\"/><title>",
                   (long long)s->account.id, pages_quadrant_class(sc->quadrant),
                   sc->state == CVOM_STATE_BORDERLINE ? " bl" : "", s->evidence.stale ? " st" : "",
                   px(sc->value[0]), py(sc->value[1]), rad);
        char label[CVOM_FIELD_MAX * 2 + 32];
        cvom__account_label(&s->account, s->namesake, label, sizeof label);
        buf_html(b, label);
        buf_printf(b, "\nIntellectual %.1f \xC2\xB7 Emotional %.1f\n%s%s%s", sc->value[0],
                   sc->value[1], cvom_quadrant_title(sc->quadrant),
                   sc->state == CVOM_STATE_BORDERLINE ? ", borderline" : "",
                   s->evidence.stale ? ", stale" : "");
        if (s->account.owner[0]) {
            buf_puts(b, "\n");
            buf_html(b, s->account.owner);
        }
        buf_puts(b, "</title></a>");
    }
    if (rads)
        account_labels(b, v, nb, rads);
    free(rads);
    quadrant_labels(b, t);
    buf_puts(b, "</svg>");
}

static void legend(struct buf *b, const struct cvom_config *cfg, size_t placed)
{
    if (placed > BUBBLES_MAX)
        buf_printf(b,
                   "<p class=\"hint\">The %d accounts with the most revenue are bubbles you "
                   "can open; the other %zu are dots. Narrow the filters to see every "
                   "account as a bubble, or use the table.</p>",
                   BUBBLES_MAX, placed - BUBBLES_MAX);
    buf_printf(b,
               "<ul class=\"legend\"><li><span class=\"sw area\"></span>Area: revenue</li>"
               "<li><span class=\"sw bl\"></span>Dashed ring: borderline (an interval "
               "crosses a threshold)</li><li><span class=\"sw st\"></span>Faded: stale "
               "(assessed more than %d days ago)</li><li><span class=\"sw thr\"></span>"
               "Thresholds at %g and %g</li></ul>",
               cfg->validity_days, cfg->threshold[0], cfg->threshold[1]);
}

static void summary(struct buf *b, const struct mx_query *q, const struct tally *t)
{
    char n[4][32];
    buf_puts(b, "<aside class=\"summary\" aria-labelledby=\"sum-h\"><h2 id=\"sum-h\">"
                "Summary</h2><div class=\"quads\">");
    static const enum cvom_quadrant order[] = {CVOM_Q_EMOTIONAL, CVOM_Q_PARTNERSHIP,
                                               CVOM_Q_TRANSACTIONAL, CVOM_Q_INTELLECTUAL};
    for (int i = 0; i < CVOM_Q_COUNT; i++) {
        enum cvom_quadrant qd = order[i];
        buf_printf(b, "<a class=\"quad %s\" href=\"", pages_quadrant_class(qd));
        matrix_href(b, q, q->sort, q->desc, 1, (int)qd);
        buf_printf(b,
                   "\"%s><span class=\"qt\">%s</span><span class=\"qc\">%s</span>"
                   "<span class=\"qr\">",
                   q->quadrant == (int)qd ? " aria-current=\"true\"" : "", cvom_quadrant_title(qd),
                   count(n[0], t->n[qd]));
        pages_money_short(b, t->revenue[qd], t->currency);
        buf_puts(b, "</span>");
        if (t->total > 0)
            buf_printf(b, "<span class=\"qr\">%.0f\xC2\xA0%% of revenue</span>",
                       100 * t->revenue[qd] / t->total);
        buf_puts(b, "</a>");
    }
    buf_printf(b,
               "</div><dl class=\"facts\"><div><dt>Placed</dt><dd>%s</dd></div>"
               "<div><dt>Borderline</dt><dd>%s</dd></div><div><dt>Stale</dt><dd>%s</dd>"
               "</div><div><dt>Not placed</dt><dd>%s</dd></div><div><dt>Revenue placed"
               "</dt><dd>",
               count(n[0], t->placed), count(n[1], t->borderline), count(n[2], t->stale),
               count(n[3], t->unplaced));
    pages_money_short(b, t->total, t->currency);
    buf_puts(b, "</dd></div></dl>");
    if (t->mixed)
        buf_puts(b, "<p class=\"hint\">Revenue is summed across several currencies.</p>");
    buf_puts(b, "</aside>");
}

static void pager(struct buf *b, const struct mx_query *q, long pages, int matrix)
{
    if (pages <= 1)
        return;
    buf_puts(b, "<nav class=\"pager\" aria-label=\"Pages\">");
    for (int dir = -1; dir <= 1; dir += 2) {
        long to = q->page + dir;
        if (dir > 0)
            buf_printf(b, "<span>Page %ld of %ld</span>", q->page, pages);
        if (to < 1 || to > pages)
            continue;
        buf_puts(b, "<a href=\"");
        if (matrix) {
            matrix_href(b, q, q->sort, q->desc, to, -2);
        } else {
            buf_printf(b, "/accounts?page=%ld", to);
            if (q->name[0]) {
                struct buf u;
                buf_init(&u, 4 * WEB_URI_MAX);
                buf_puts(&u, "&q=");
                buf_url(&u, q->name);
                buf_add(&u, "", 0);
                buf_html(b, u.failed ? "" : u.p);
                buf_free(&u);
            }
        }
        buf_printf(b, "\" rel=\"%s\">%s</a>", dir < 0 ? "prev" : "next",
                   dir < 0 ? "\xE2\x86\x90 Previous" : "Next \xE2\x86\x92");
    }
    buf_puts(b, "</nav>");
}

static void score_cell(struct buf *b, const struct cvom_score *s, int d)
{
    buf_puts(b, "<td class=\"num\">");
    buf_num(b, s->value[d], 1);
    if (!isnan(s->lo[d])) {
        buf_puts(b, " <small>");
        buf_num(b, s->lo[d], 0);
        buf_puts(b, "\xE2\x80\x93");
        buf_num(b, s->hi[d], 0);
        buf_puts(b, "</small>");
    }
    buf_puts(b, "</td>");
}

/* An account's name as a link; one whose name another account of the page has carries
 * its external id or id, so that the two are told apart. */
static void account_link(struct buf *b, const struct cvom_scored *s)
{
    char label[CVOM_FIELD_MAX * 2 + 32];
    cvom__account_label(&s->account, s->namesake, label, sizeof label);
    buf_printf(b, "<a href=\"/accounts/%lld\">", (long long)s->account.id);
    buf_html(b, label);
    buf_puts(b, "</a>");
}

static void matrix_table(struct buf *b, const struct mx_query *q, const struct cvom_scored **v,
                         size_t n, const struct tally *t)
{
    buf_puts(b, "<section class=\"block\" aria-labelledby=\"tbl-h\"><h2 id=\"tbl-h\">Accounts "
                "on the matrix</h2>");
    if (!n) {
        buf_puts(b, "<p>No account matches these filters.</p></section>");
        return;
    }
    long pages = (long)((n + PAGE_ROWS - 1) / PAGE_ROWS);
    struct mx_query pq = *q;
    if (pq.page > pages)
        pq.page = pages;
    buf_printf(b,
               "<div class=\"table-wrap\"><table class=\"data\"><caption class=\"sr\">"
               "Sorted by %s, %s</caption><thead><tr>",
               cols[q->sort].label, q->desc ? "descending" : "ascending");
    for (int c = 0; c < C_COUNT; c++) {
        int here = q->sort == (enum col)c;
        int next_desc = here ? !q->desc : cols[c].numeric;
        buf_printf(b, "<th scope=\"col\"%s%s><a href=\"", cols[c].numeric ? " class=\"num\"" : "",
                   here ? (q->desc ? " aria-sort=\"descending\"" : " aria-sort=\"ascending\"")
                        : "");
        matrix_href(b, q, (enum col)c, next_desc, 1, -2);
        buf_printf(b, "\">%s", cols[c].label);
        if (c == C_REVENUE && t->currency[0])
            buf_printf(b, " <small>(%s)</small>", t->currency);
        buf_printf(b, "<span class=\"arrow\" aria-hidden=\"true\">%s</span></a></th>",
                   here ? (q->desc ? "\xE2\x96\xBC" : "\xE2\x96\xB2") : "");
    }
    buf_puts(b, "</tr></thead><tbody>");
    size_t from = (size_t)(pq.page - 1) * PAGE_ROWS;
    for (size_t i = from; i < n && i < from + PAGE_ROWS; i++) {
        const struct cvom_scored *s = v[i];
        buf_puts(b, "<tr><th scope=\"row\">");
        account_link(b, s);
        buf_puts(b, "</th><td class=\"nowrap\">");
        buf_html(b, s->account.owner);
        buf_puts(b, "</td><td>");
        buf_html(b, s->account.industry);
        buf_puts(b, "</td><td class=\"num\">");
        pages_thousands(b, s->account.revenue);
        buf_puts(b, "</td>");
        score_cell(b, &s->score, 0);
        score_cell(b, &s->score, 1);
        buf_puts(b, "<td class=\"nowrap\">");
        pages_badges(b, &s->score, s->evidence.stale);
        buf_puts(b, "</td><td class=\"num\">");
        pages_date(b, s->evidence.newest);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div>");
    pager(b, &pq, pages, 1);
    buf_puts(b, "</section>");
}

static const char *missing_what(const struct cvom_scored *s, const struct cvom_config *cfg)
{
    if (!s->evidence.assessments)
        return "Not assessed yet";
    if (!s->evidence.customer && !cfg->include_self)
        return "Only our own view so far: no customer has answered";
    return "Too few answers on an axis";
}

static void unplaced_table(struct buf *b, const struct cvom_scored **v, size_t n,
                           const struct cvom_config *cfg)
{
    if (!n)
        return;
    buf_printf(b,
               "<section class=\"block\" aria-labelledby=\"np-h\"><h2 id=\"np-h\">Not "
               "enough evidence to place (%zu)</h2><p class=\"hint\">Listed, not placed: "
               "no score is better than a made-up one. Record an assessment or send a "
               "survey link to place them.</p><div class=\"table-wrap\"><table "
               "class=\"data\"><thead><tr><th scope=\"col\">Account</th><th scope=\"col\">"
               "Owner</th><th scope=\"col\" class=\"num\">Assessments</th><th "
               "scope=\"col\" class=\"num\">Newest</th><th scope=\"col\">What is missing"
               "</th></tr></thead><tbody>",
               n);
    for (size_t i = 0; i < n && i < UNPLACED_MAX; i++) {
        buf_puts(b, "<tr><th scope=\"row\">");
        account_link(b, v[i]);
        buf_puts(b, "</th><td>");
        buf_html(b, v[i]->account.owner);
        buf_printf(b, "</td><td class=\"num\">%d</td><td class=\"num\">",
                   v[i]->evidence.assessments);
        pages_date(b, v[i]->evidence.newest);
        buf_printf(b, "</td><td>%s</td></tr>", missing_what(v[i], cfg));
    }
    buf_puts(b, "</tbody></table></div>");
    if (n > UNPLACED_MAX)
        buf_printf(b,
                   "<p class=\"hint\">And %zu more: see <a href=\"/accounts\">all "
                   "accounts</a>.</p>",
                   n - UNPLACED_MAX);
    buf_puts(b, "</section>");
}

/* ---- GET / ------------------------------------------------------------------------------- */

static enum cvom_status matrix_body(struct web_req *r, const struct mx_query *q)
{
    struct buf *b = &r->out;
    struct cvom_config cfg;
    struct options o = {0};
    struct cvom_scored *v = NULL;
    const struct cvom_scored **placed = NULL, **unplaced = NULL;
    size_t n = 0, np = 0, nu = 0;
    struct cvom_account_filter f;
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st && sees_any(r)) {
        /* The filters offer the values of every account in view: read apart when a filter
         * narrows the scan, else taken from the scan itself (one pass over the accounts
         * fewer, and the same state of the database). */
        int narrowed = q->owner[0] || q->tag[0] || q->industry[0];
        scope_filter(r, NULL, &f);
        if (narrowed)
            st = r->store->ops->account_list(r->store, &f, options_cb, &o, &r->err);
        scope_filter(r, q, &f);
        if (!st)
            st = cvom__portfolio_scan(r->store, &cfg, &f, q->as_of, &v, &n, NULL, NULL, &r->err);
        for (size_t i = 0; !st && !narrowed && i < n; i++)
            options_add(&o, v[i].account.owner, v[i].account.industry, v[i].account.tags);
        if (!st && (o.owners.oom || o.industries.oom || o.tags.oom))
            st = cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    }
    if (!st) {
        placed = malloc((n ? n : 1) * sizeof *placed);
        unplaced = malloc((n ? n : 1) * sizeof *unplaced);
        if (!placed || !unplaced)
            st = cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    }
    if (st)
        goto done;
    strset_finish(&o.owners);
    strset_finish(&o.industries);
    strset_finish(&o.tags);

    struct tally t = {0};
    for (size_t i = 0; i < n; i++) {
        const struct cvom_scored *s = &v[i];
        int is_placed = s->evidence.assessments && s->score.state != CVOM_STATE_INSUFFICIENT;
        if (q->quadrant >= 0 && (!is_placed || (int)s->score.quadrant != q->quadrant))
            continue;
        tally_add(&t, s);
        if (is_placed)
            placed[np++] = s;
        else
            unplaced[nu++] = s;
    }

    char date[11], total[32];
    cvom_date_format(q->as_of, date);
    buf_printf(b,
               "<div class=\"page-head\"><h1>Portfolio</h1><p class=\"sub\">As of %s \xC2\xB7 "
               "%s account%s",
               date, count(total, np + nu), np + nu == 1 ? "" : "s");
    if (is_manager(r)) {
        buf_puts(b, " owned by ");
        buf_html(b, r->user.display);
    }
    buf_puts(b, "</p></div>");
    if (q->problem[0])
        page_notice(r, "info", q->problem);
    filters_form(r, q, &o);
    pages_download_links(r);
    if (!o.seen)
        page_notice(r, "info",
                    is_manager(r) ? "No account carries your name as its owner yet."
                                  : "There are no accounts yet: they come in through Import "
                                    "or the command line (cvom import accounts).");

    buf_puts(b, "<div class=\"matrix-layout\"><figure class=\"matrix\"><a class=\"skip-plot\" "
                "href=\"#tbl-h\">Skip the matrix to the table</a><div class=\"plot\">");
    plot_background(b, &cfg, &t);
    cvom__sort_first(placed, np, BUBBLES_MAX, sizeof *placed, by_revenue_desc);
    plot_points(b, placed, np, &t);
    buf_puts(b, "</div><figcaption>");
    legend(b, &cfg, np);
    buf_puts(b, "</figcaption></figure>");
    summary(b, q, &t);
    buf_puts(b, "</div>");
    if (o.seen)
        pages_alerts_panel(r, &f, q->as_of, n);

    size_t pages = (np + PAGE_ROWS - 1) / PAGE_ROWS;
    size_t shown = q->page < 1 ? 1 : (size_t)q->page > pages ? pages : (size_t)q->page;
    sort_rows(placed, np, shown * PAGE_ROWS, q->sort, q->desc);
    matrix_table(b, q, placed, np, &t);
    unplaced_table(b, unplaced, nu, &cfg);
done:
    free(placed);
    free(unplaced);
    free(v);
    options_free(&o);
    return st;
}

/* Serve the page body from the cache, or render it and keep it. */
static int cached_page(struct web_req *r, const char *title, const char *nav, const char *id,
                       enum cvom_status (*render)(struct web_req *, const struct mx_query *))
{
    struct mx_query q;
    read_query(r, &q);
    int64_t rev;
    enum cvom_status st = web_revision(r, &rev);
    if (st)
        return web_fail(r, st, &r->err);
    struct buf key;
    buf_init(&key, 16 * WEB_URI_MAX);
    cache_key(r, &q, id, &key);
    page_begin(r, title, nav);
    if (key.failed || !web_cache_get(&body_cache, rev, key.p, key.len, &r->out)) {
        size_t start = r->out.len;
        if ((st = render(r, &q)) != CVOM_OK) {
            buf_free(&key);
            return web_fail(r, st, &r->err);
        }
        if (!key.failed && !r->out.failed)
            web_cache_put(&body_cache, rev, key.p, key.len, r->out.p + start, r->out.len - start);
    }
    buf_free(&key);
    page_end(r);
    return 200;
}

int pages_matrix(struct web_req *r)
{
    return cached_page(r, "Portfolio", "matrix", "matrix", matrix_body);
}

/* ---- GET /accounts ----------------------------------------------------------------------- */

/* Whether name contains needle, ignoring the case of ASCII letters. */
static int contains(const char *name, const char *needle)
{
    size_t n = strlen(needle);
    for (const char *p = name; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            return 1;
    return n == 0;
}

static enum cvom_status accounts_body(struct web_req *r, const struct mx_query *q)
{
    struct buf *b = &r->out;
    struct cvom_config cfg;
    struct cvom_scored *v = NULL;
    size_t n = 0, k = 0;
    struct cvom_account_filter f;
    scope_filter(r, NULL, &f);
    enum cvom_status st = cvom__config_load(r->store, &cfg, &r->err);
    if (!st && sees_any(r))
        st = cvom__portfolio_scan(r->store, &cfg, &f, q->as_of, &v, &n, NULL, NULL, &r->err);
    if (st)
        return st;
    for (size_t i = 0; i < n; i++)
        if (contains(v[i].account.name, q->name))
            v[k++] = v[i];
    buf_puts(b, "<div class=\"page-head\"><h1>Accounts</h1><p class=\"sub\">");
    char total[32];
    buf_printf(b, "%s account%s", count(total, k), k == 1 ? "" : "s");
    if (q->name[0]) {
        buf_puts(b, " whose name contains \xE2\x80\x9C");
        buf_html(b, q->name);
        buf_puts(b, "\xE2\x80\x9D");
    }
    if (is_manager(r)) {
        buf_puts(b, " owned by ");
        buf_html(b, r->user.display);
    }
    buf_puts(b, "</p>");
    if (r->user.role != CVOM_ROLE_VIEWER)
        buf_puts(b, "<p class=\"actions\"><a class=\"button\" href=\"/accounts/new\">New "
                    "account</a></p>");
    buf_puts(b, "</div>");
    if (web_query(r, "removed"))
        page_notice(r, "ok", "Account removed.");
    buf_puts(b, "<form class=\"search\" role=\"search\" method=\"get\" "
                "action=\"/accounts\"><label for=\"q\">Find an account by name</label>"
                "<div class=\"inline\"><input type=\"search\" id=\"q\" name=\"q\" "
                "maxlength=\"127\" value=\"");
    buf_html(b, q->name);
    buf_puts(b, "\"><button type=\"submit\">Search</button>");
    if (q->name[0])
        buf_puts(b, " <a class=\"button secondary\" href=\"/accounts\">Show all</a>");
    buf_puts(b, "</div></form>");
    if (!k) {
        buf_puts(b, "<p>No account matches.</p>");
        free(v);
        return CVOM_OK;
    }
    long pages = (long)((k + PAGE_ROWS - 1) / PAGE_ROWS);
    struct mx_query pq = *q;
    if (pq.page > pages)
        pq.page = pages;
    buf_puts(b, "<div class=\"table-wrap\"><table class=\"data\"><thead><tr><th scope=\"col\">"
                "Account</th><th scope=\"col\">Owner</th><th scope=\"col\">Industry</th>"
                "<th scope=\"col\">Region</th><th scope=\"col\" class=\"num\">Revenue</th>"
                "<th scope=\"col\">Tags</th><th scope=\"col\">Position</th><th scope=\"col\" "
                "class=\"num\">Last assessed</th></tr></thead><tbody>");
    size_t from = (size_t)(pq.page - 1) * PAGE_ROWS;
    for (size_t i = from; i < k && i < from + PAGE_ROWS; i++) {
        const struct cvom_account_line *a = &v[i].account;
        buf_puts(b, "<tr><th scope=\"row\">");
        account_link(b, &v[i]);
        buf_puts(b, "</th><td>");
        buf_html(b, a->owner);
        buf_puts(b, "</td><td>");
        buf_html(b, a->industry);
        buf_puts(b, "</td><td>");
        buf_html(b, a->region);
        buf_puts(b, "</td><td class=\"num\">");
        if (a->currency[0]) {
            buf_html(b, a->currency);
            buf_puts(b, " ");
        }
        pages_thousands(b, a->revenue);
        buf_puts(b, "</td><td>");
        for (const char *t = a->tags; *t;) {
            size_t len = strcspn(t, ",");
            char tag[CVOM_TAGS_MAX];
            snprintf(tag, sizeof tag, "%.*s", (int)len, t);
            buf_puts(b, "<span class=\"tag\">");
            buf_html(b, tag);
            buf_puts(b, "</span> ");
            t += len + (t[len] == ',');
        }
        buf_puts(b, "</td><td>");
        if (!v[i].evidence.assessments)
            buf_puts(b, "<span class=\"badge q-none\">Not assessed</span>");
        else
            pages_badges(b, &v[i].score, v[i].evidence.stale);
        buf_puts(b, "</td><td class=\"num\">");
        pages_date(b, v[i].evidence.newest);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div>");
    pager(b, &pq, pages, 0);
    free(v);
    return CVOM_OK;
}

int pages_accounts(struct web_req *r)
{
    return cached_page(r, "Accounts", "accounts", "accounts", accounts_body);
}
