/* pages.c — the routes of the account pages (matrix, accounts, assessments, survey links)
 * and what their handlers share: access to accounts, formats, and the questionnaire form.
 * The handlers themselves live in pages_matrix.c, pages_account.c and pages_assess.c. */
#include "web/pages_util.h"

#include "io/util.h"
#include "web/page.h"

#include <math.h>
#include <limits.h>
#include <string.h>
#include <time.h>

const struct web_route web_page_routes[] = {
    {M_GET, "/", pages_matrix, A_VIEWER, 0},
    {M_GET, "/accounts", pages_accounts, A_VIEWER, 0},
    {M_GET, "/accounts/new", pages_account_new, A_MANAGER, 0},
    {M_POST, "/accounts", pages_account_create, A_MANAGER, 0},
    {M_GET, "/accounts/{id}", pages_account, A_VIEWER, 0},
    {M_POST, "/accounts/{id}/edit", pages_account_edit, A_MANAGER, 0},
    {M_POST, "/accounts/{id}/remove", pages_account_remove, A_MANAGER, 0},
    {M_POST, "/accounts/{id}/stakeholders", pages_stakeholder_add, A_MANAGER, 0},
    {M_POST, "/accounts/{id}/stakeholders/{sid}", pages_stakeholder_edit, A_MANAGER, 0},
    {M_POST, "/accounts/{id}/stakeholders/{sid}/remove", pages_stakeholder_remove, A_MANAGER, 0},
    {M_POST, "/accounts/{id}/notes", pages_notes_post, A_MANAGER, 0},
    {M_GET, "/accounts/{id}/assess", pages_assess_get, A_MANAGER, 0},
    {M_POST, "/accounts/{id}/assess", pages_assess_post, A_MANAGER, 0},
    {M_POST, "/accounts/{id}/survey", pages_survey_create, A_MANAGER, 0},
    /* The secret in the link is what authorises a customer; there is no session. */
    {M_GET, "/survey/{token}", pages_survey_get, A_PUBLIC, 0},
    {M_POST, "/survey/{token}", pages_survey_post, A_PUBLIC, 1},
    /* The answers so far, saved as the customer goes: the same secret, same origin only. */
    {M_POST, "/survey/{token}/draft", pages_survey_draft, A_PUBLIC, 1},
    {0, NULL, NULL, 0, 0},
};

/* ---- access ------------------------------------------------------------------------------ */

int32_t pages_today(void)
{
    return (int32_t)(time(NULL) / 86400);
}

int pages_can_see(const struct web_req *r, const struct cvom_account *a)
{
    if (!r->signed_in)
        return 0;
    /* A manager without a display name owns nothing, not the accounts without owner. */
    if (r->user.role == CVOM_ROLE_MANAGER)
        return r->user.display[0] && strcmp(a->owner, r->user.display) == 0;
    return 1;
}

int pages_can_edit(const struct web_req *r, const struct cvom_account *a)
{
    if (!r->signed_in)
        return 0;
    if (r->user.role == CVOM_ROLE_ADMIN)
        return 1;
    return r->user.role == CVOM_ROLE_MANAGER && r->user.display[0] &&
           strcmp(a->owner, r->user.display) == 0;
}

int pages_load_account(struct web_req *r, struct cvom_account *out)
{
    static const char *const missing = "There is no such account.";
    long id;
    if (r->n_param < 1 || cvom__parse_long(r->param[0], 1, INT32_MAX, &id))
        return web_refuse(r, WEB_NOT_FOUND, NULL, missing);
    enum cvom_status st = r->store->ops->account_get(r->store, id, out, &r->err);
    if (st == CVOM_ENOTFOUND)
        return web_refuse(r, WEB_NOT_FOUND, NULL, missing);
    if (st)
        return web_fail(r, st, &r->err);
    /* Someone else's account is answered exactly like a missing one, so that its
     * existence does not leak. */
    if (!pages_can_see(r, out))
        return web_refuse(r, WEB_NOT_FOUND, NULL, missing);
    return 0;
}

int pages_editable_account(struct web_req *r, struct cvom_account *out)
{
    int http = pages_load_account(r, out);
    if (http)
        return http;
    if (!pages_can_edit(r, out))
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Your role does not allow changing this account.");
    return 0;
}

int pages_form_error(struct web_req *r, const struct cvom_error *err)
{
    return web_error(r, web_http_status(err->status), NULL, err->message,
                     err->field[0] ? err->field : NULL);
}

int pages_form_version(struct web_req *r, int64_t *version)
{
    long seen = 0;
    const char *text = web_field(r, "version");
    if (text && cvom__parse_long(text, 1, LONG_MAX, &seen))
        return web_refuse(r, WEB_INVALID, "version", "The form's version is not a whole number.");
    if (seen)
        *version = seen;
    return 0;
}

enum cvom_status pages_default_instrument(struct cvom_store *st, struct cvom_instrument *ins,
                                          int64_t *id, struct cvom_error *err)
{
    int64_t iid;
    enum cvom_status s = st->ops->instrument_latest(st, "default", &iid, err);
    if (s == CVOM_ENOTFOUND)
        return cvom_error_set(err, s, "there is no default questionnaire in this database");
    if (!s)
        s = st->ops->instrument_get(st, iid, ins, err);
    if (!s)
        *id = iid;
    return s;
}

/* ---- formats ----------------------------------------------------------------------------- */

void pages_thousands(struct buf *b, double v)
{
    char text[560];
    if (isnan(v) || cvom__money_format(text, sizeof text, v, NULL)) {
        buf_puts(b, "\xE2\x80\x94");
        return;
    }
    buf_puts(b, text);
}

void pages_money(struct buf *b, double v, const char *currency)
{
    if (currency && currency[0]) {
        buf_html(b, currency);
        buf_puts(b, " ");
    }
    pages_thousands(b, v);
}

void pages_money_short(struct buf *b, double v, const char *currency)
{
    if (currency && currency[0]) {
        buf_html(b, currency);
        buf_puts(b, " ");
    }
    if (isnan(v))
        buf_puts(b, "\xE2\x80\x94");
    else if (fabs(v) >= 1e9)
        buf_printf(b, "%.1fbn", v / 1e9);
    else if (fabs(v) >= 1e6)
        buf_printf(b, "%.1fM", v / 1e6);
    else if (fabs(v) >= 1e4)
        buf_printf(b, "%.0fk", v / 1e3);
    else
        pages_thousands(b, v);
}

void pages_date(struct buf *b, int32_t days)
{
    char d[11];
    if (!days) {
        buf_puts(b, "never");
        return;
    }
    cvom_date_format(days, d);
    buf_puts(b, d);
}

const char *pages_quadrant_class(enum cvom_quadrant q)
{
    static const char *const names[CVOM_Q_COUNT] = {
        [CVOM_Q_TRANSACTIONAL] = "q-transactional",
        [CVOM_Q_INTELLECTUAL] = "q-intellectual",
        [CVOM_Q_EMOTIONAL] = "q-emotional",
        [CVOM_Q_PARTNERSHIP] = "q-partnership",
    };
    return (unsigned)q < CVOM_Q_COUNT ? names[q] : "q-none";
}

const char *pages_quadrant_meaning(enum cvom_quadrant q)
{
    static const char *const text[CVOM_Q_COUNT] = {
        [CVOM_Q_TRANSACTIONAL] = "Neither our people nor our expertise count: given a minimum "
                                 "quality, the lowest-cost offer wins.",
        [CVOM_Q_INTELLECTUAL] = "The customer pays for our expertise, data, research and "
                                "network on top of product and service.",
        [CVOM_Q_EMOTIONAL] = "The customer prefers us for who we are: trust, loyalty, shared "
                             "identity and personal relationships.",
        [CVOM_Q_PARTNERSHIP] = "Both count: one team at a common planning table, cemented in "
                               "trust.",
    };
    return (unsigned)q < CVOM_Q_COUNT ? text[q] : "";
}

void pages_badges(struct buf *b, const struct cvom_score *s, int stale)
{
    if (s->state == CVOM_STATE_INSUFFICIENT) {
        buf_puts(b, "<span class=\"badge q-none\">Not placed</span>");
    } else {
        buf_printf(b, "<span class=\"badge %s\">%s</span>", pages_quadrant_class(s->quadrant),
                   cvom_quadrant_title(s->quadrant));
    }
    if (s->state == CVOM_STATE_BORDERLINE)
        buf_puts(b, " <span class=\"badge flag\" title=\"An interval crosses a threshold: the "
                    "point is on the line\">Borderline</span>");
    if (stale)
        buf_puts(b, " <span class=\"badge flag\" title=\"The newest assessment is older than "
                    "the validity period\">Stale</span>");
}

/* ---- the questionnaire form -------------------------------------------------------------- */

void pages_answers_init(struct pages_answers *a)
{
    memset(a, 0, sizeof *a);
    for (size_t j = 0; j < CVOM_ITEMS_MAX; j++)
        a->value[j] = NAN;
}

static void field_name(char *out, size_t cap, const struct cvom_item *it)
{
    snprintf(out, cap, "i_%s", it->code);
}

void pages_answers_read(struct web_req *r, const struct cvom_instrument *ins,
                        struct pages_answers *a)
{
    pages_answers_init(a);
    for (size_t j = 0; j < ins->n_items && j < CVOM_ITEMS_MAX; j++) {
        const struct cvom_item *it = &ins->items[j];
        char name[CVOM_CODE_MAX + 4];
        field_name(name, sizeof name, it);
        const char *v = web_field(r, name);
        if (!v || !v[0])
            continue; /* not answered: missing, never zero */
        long x;
        if (cvom__parse_long(v, it->scale_min, it->scale_max, &x)) {
            a->bad[j] = 1;
            a->n_bad++;
            continue;
        }
        a->value[j] = (double)x;
        for (int d = 0; d < CVOM_DIM_COUNT; d++)
            a->on_axis[d] += cvom_item_on_dim(it, (enum cvom_dim)d);
    }
}

int pages_answers_ok(const struct cvom_instrument *ins, const struct pages_answers *a, char *msg,
                     size_t cap)
{
    if (a->n_bad) {
        snprintf(msg, cap,
                 "%zu answer%s %s not a point of %s scale: please choose one of the numbers "
                 "shown (marked below).",
                 a->n_bad, a->n_bad == 1 ? "" : "s", a->n_bad == 1 ? "is" : "are",
                 a->n_bad == 1 ? "its" : "their");
        return 0;
    }
    int need = ins->min_items > 0 ? ins->min_items : 1;
    if (a->on_axis[CVOM_DIM_INTELLECTUAL] < need || a->on_axis[CVOM_DIM_EMOTIONAL] < need) {
        snprintf(msg, cap,
                 "Please answer at least %d statements about expertise and insight and %d "
                 "about trust and the relationship (statements about price count for both). "
                 "So far: %d and %d.",
                 need, need, a->on_axis[CVOM_DIM_INTELLECTUAL], a->on_axis[CVOM_DIM_EMOTIONAL]);
        return 0;
    }
    return 1;
}

enum cvom_status pages_answers_save(struct cvom_store *st, struct cvom_assessment *as,
                                    const struct cvom_instrument *ins,
                                    const struct pages_answers *a, struct cvom_error *err)
{
    as->status = CVOM_ASSESS_COMPLETE;
    enum cvom_status s = st->ops->assessment_add(st, as, err);
    for (size_t j = 0; !s && j < ins->n_items && j < CVOM_ITEMS_MAX; j++) {
        if (isnan(a->value[j]))
            continue;
        struct cvom_response resp = {.assessment_id = as->id, .value = a->value[j]};
        cvom__copy_str(resp.item_code, sizeof resp.item_code, ins->items[j].code);
        s = st->ops->response_put(st, &resp, err);
    }
    return s;
}

/* ---- the small matrix of the account and what-if pages --------------------------------- */

double pages_mini_x(double v)
{
    return 24 + (v < 0 ? 0 : v > 100 ? 100 : v) * 1.9;
}

double pages_mini_y(double v)
{
    return 196 - (v < 0 ? 0 : v > 100 ? 100 : v) * 1.9;
}

/* The quadrants, threshold lines and axis names of a small 220 × 220 matrix. */
void pages_mini_frame(struct buf *b, double t0, double t1)
{
    const struct {
        enum cvom_quadrant q;
        double x, y, w, h;
    } rects[] = {
        {CVOM_Q_EMOTIONAL, pages_mini_x(0), pages_mini_y(100), pages_mini_x(t0) - pages_mini_x(0),
         pages_mini_y(t1) - pages_mini_y(100)},
        {CVOM_Q_PARTNERSHIP, pages_mini_x(t0), pages_mini_y(100),
         pages_mini_x(100) - pages_mini_x(t0), pages_mini_y(t1) - pages_mini_y(100)},
        {CVOM_Q_TRANSACTIONAL, pages_mini_x(0), pages_mini_y(t1),
         pages_mini_x(t0) - pages_mini_x(0), pages_mini_y(0) - pages_mini_y(t1)},
        {CVOM_Q_INTELLECTUAL, pages_mini_x(t0), pages_mini_y(t1),
         pages_mini_x(100) - pages_mini_x(t0), pages_mini_y(0) - pages_mini_y(t1)},
    };
    for (size_t i = 0; i < 4; i++)
        buf_printf(b,
                   "<rect class=\"qb %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                   "height=\"%.1f\"/>",
                   pages_quadrant_class(rects[i].q), rects[i].x, rects[i].y, rects[i].w,
                   rects[i].h);
    buf_printf(b,
               "<line class=\"thr\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
               "<line class=\"thr\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>"
               "<text class=\"axis\" x=\"119\" y=\"214\" text-anchor=\"middle\">"
               "Intellectual \xE2\x86\x92</text><text class=\"axis\" "
               "transform=\"translate(14 101) rotate(-90)\" text-anchor=\"middle\">"
               "Emotional \xE2\x86\x92</text>",
               pages_mini_x(t0), pages_mini_y(100), pages_mini_x(t0), pages_mini_y(0),
               pages_mini_x(0), pages_mini_y(t1), pages_mini_x(100), pages_mini_y(t1));
}
