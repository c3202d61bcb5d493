/* pages_util.h — what the page handlers in pages*.c share: who may see and change an
 * account, today's date, number formats, the names and colours of quadrants, and the
 * questionnaire form that both the assessment page and the customer survey link use.
 * Internal to the web face. */
#ifndef CVOM_WEB_PAGES_UTIL_H
#define CVOM_WEB_PAGES_UTIL_H

#include "web/web.h"

/* ---- handlers, listed in the route table of pages.c -------------------------------------- */

int pages_matrix(struct web_req *r);           /* GET / */
int pages_accounts(struct web_req *r);         /* GET /accounts */
int pages_account(struct web_req *r);          /* GET /accounts/{id} */
int pages_notes_post(struct web_req *r);       /* POST /accounts/{id}/notes */
int pages_assess_get(struct web_req *r);       /* GET /accounts/{id}/assess */
int pages_assess_post(struct web_req *r);      /* POST /accounts/{id}/assess */
int pages_survey_create(struct web_req *r);    /* POST /accounts/{id}/survey */
int pages_survey_get(struct web_req *r);       /* GET /survey/{token} */
int pages_survey_post(struct web_req *r);      /* POST /survey/{token} */
int pages_account_new(struct web_req *r);      /* GET /accounts/new */
int pages_account_create(struct web_req *r);   /* POST /accounts */
int pages_account_edit(struct web_req *r);     /* POST /accounts/{id}/edit */
int pages_account_remove(struct web_req *r);   /* POST /accounts/{id}/remove */
int pages_stakeholder_add(struct web_req *r);  /* POST /accounts/{id}/stakeholders */
int pages_stakeholder_edit(struct web_req *r); /* POST /accounts/{id}/stakeholders/{sid} */
/* POST /accounts/{id}/stakeholders/{sid}/remove */
int pages_stakeholder_remove(struct web_req *r);

/* ---- an account's people (pages_people.c) ----------------------------------------------- */

struct cvom_account_map;
/* The relationship map section of the account page: the chart, its legend and the gaps. */
void pages_account_map(struct web_req *r, const struct cvom_account_map *m);
/* A form with the fields of stakeholder s (a new one when s->id is 0) posting to action;
 * p[0..k) are the account's stakeholders, whom s may report to. */
void pages_stakeholder_form(struct web_req *r, const struct cvom_stakeholder *s,
                            const struct cvom_stakeholder *p, size_t k, const char *action);
/* A form with the fields of account a (a new one when a->id is 0) posting to action;
 * parent is the reference shown for its parent account. */
void pages_account_form(struct web_req *r, const struct cvom_account *a, const char *parent,
                        const char *action);
int pages_survey_draft(struct web_req *r); /* POST /survey/{token}/draft */

/* ---- access ------------------------------------------------------------------------------ */

/* Days since 1970-01-01 today (UTC), the same "today" as the command line's. */
int32_t pages_today(void);

/* Whether the signed-in user may see account a: managers only the accounts whose owner is
 * their display name, viewers and admins every account. */
int pages_can_see(const struct web_req *r, const struct cvom_account *a);
/* Whether the user may change a: admins any account, managers their own, viewers none. */
int pages_can_edit(const struct web_req *r, const struct cvom_account *a);

/* Load the account whose id is the route's first capture into *out. Returns 0 when it
 * exists and the user may see it; otherwise the answer (404 for a missing account and for
 * another manager's alike, or the error of the store) is already built and its HTTP status
 * is returned. */
int pages_load_account(struct web_req *r, struct cvom_account *out);
/* The same for a change: 403 when the user may see the account but not change it. */
int pages_editable_account(struct web_req *r, struct cvom_account *out);
/* The answer to a form whose input the record validators refused (err: their status,
 * message and field). Returns the HTTP status. */
int pages_form_error(struct web_req *r, const struct cvom_error *err);
/* The version of the record a form was made from, into *version when the form carries one
 * (an older page may not: *version is then left as read now). 0, or the 422 answer. */
int pages_form_version(struct web_req *r, int64_t *version);

/* The newest version of the default instrument, loaded into ins (initialised by the
 * caller, who cleans it up); *id receives its id. */
enum cvom_status pages_default_instrument(struct cvom_store *st, struct cvom_instrument *ins,
                                          int64_t *id, struct cvom_error *err);

/* ---- formats ----------------------------------------------------------------------------- */

/* A whole number with thousands separators ("1,234,567"), or an em dash for NaN. */
void pages_thousands(struct buf *b, double v);
/* Revenue in short form: "EUR 1.2M", "EUR 350k", "EUR 900"; currency may be empty. */
void pages_money_short(struct buf *b, double v, const char *currency);
/* Money as the account page shows revenue: the currency code (when not empty), a space and
 * the amount with thousands separators ("EUR 152,000"). */
void pages_money(struct buf *b, double v, const char *currency);
/* A date as YYYY-MM-DD, or "never" for 0. */
void pages_date(struct buf *b, int32_t days);
/* The class of a quadrant's colour: "q-transactional" … "q-partnership". */
const char *pages_quadrant_class(enum cvom_quadrant q);
/* One sentence on what a quadrant means for the account team. */
const char *pages_quadrant_meaning(enum cvom_quadrant q);
/* The badges of a score: quadrant (or "Not placed"), borderline, stale. */
void pages_badges(struct buf *b, const struct cvom_score *s, int stale);

/* ---- the small matrix ------------------------------------------------------------------- */

/* A score 0–100 (clamped) as x or y in the 220 × 220 SVG of the account and what-if pages. */
double pages_mini_x(double v);
double pages_mini_y(double v);
/* Its quadrants, threshold lines (t0 intellectual, t1 emotional) and axis names. */
void pages_mini_frame(struct buf *b, double t0, double t1);

/* ---- the questionnaire form -------------------------------------------------------------- */

/* Answers as submitted, one per instrument item. */
struct pages_answers {
    double value[CVOM_ITEMS_MAX]; /* NaN: not answered */
    int bad[CVOM_ITEMS_MAX];      /* 1 when what was sent is not a point of the item's scale */
    size_t n_bad;
    int on_axis[CVOM_DIM_COUNT]; /* answered items that count on each axis */
};

/* Nothing answered. */
void pages_answers_init(struct pages_answers *a);
/* Read the fields "i_CODE" of the request's form for every item of ins. */
void pages_answers_read(struct web_req *r, const struct cvom_instrument *ins,
                        struct pages_answers *a);
/* Whether the answers can be saved; when not, msg receives what to fix and 0 is returned. */
int pages_answers_ok(const struct cvom_instrument *ins, const struct pages_answers *a, char *msg,
                     size_t cap);
/* Store assessment *as (filled by the caller except id) and its answers. Call inside a write
 * transaction; as->id receives the new id. */
enum cvom_status pages_answers_save(struct cvom_store *st, struct cvom_assessment *as,
                                    const struct cvom_instrument *ins,
                                    const struct pages_answers *a, struct cvom_error *err);

/* ---- the matrix page's filters (filters.c) and its downloads (downloads.c) -------------- */

/* The filters of the matrix page as the query string gives them: owner (ignored for a
 * manager, whose scope is their own accounts), one tag, industry, quadrant and as-of. A
 * value that cannot be used is left out and problem says why. */
struct pages_filters {
    char owner[CVOM_FIELD_MAX], tag[CVOM_FIELD_MAX], industry[CVOM_FIELD_MAX];
    int quadrant;  /* -1: any */
    int32_t as_of; /* today unless the query gives a date */
    int as_of_given;
    char problem[256]; /* why a filter was ignored, "" when none was */
};

/* Read the filters from the request's query string into *f. */
void pages_filters_read(struct web_req *r, struct pages_filters *f);

/* The store filter of the accounts the signed-in user may see, narrowed by owner, tag and
 * industry (each may be NULL or ""; owner does not widen a manager's scope). Returns 0 when
 * the user may see no account at all (a manager without a display name), else 1. */
int pages_scope_filter(const struct web_req *r, const char *owner, const char *tag,
                       const char *industry, struct cvom_account_filter *out);

/* The filters of f as a query string without the '?': "owner=…&quadrant=…&as-of=…", each
 * value URL-encoded; nothing for no filter. Escape it with buf_html for an attribute. */
void pages_filters_query(struct buf *b, const struct pages_filters *f);

/* The matrix page's "Download" links: the picture as PNG, PDF and SVG and the report as
 * HTML, XLSX and CSV, each carrying the page's filters; appended to r->out. */
void pages_download_links(struct web_req *r);

/* ---- plans: actions, what-if, offerings, playbooks (listed in routes.c) --------------------- */

int pages_actions(struct web_req *r);         /* GET /actions, with the portfolio what-if */
int pages_action_add(struct web_req *r);      /* POST /accounts/{id}/actions */
int pages_action_status(struct web_req *r);   /* POST /accounts/{id}/actions/{action} */
int pages_whatif(struct web_req *r);          /* GET /accounts/{id}/whatif */
int pages_offerings(struct web_req *r);       /* GET /offerings */
int pages_offering_add(struct web_req *r);    /* POST /offerings */
int pages_offering_remove(struct web_req *r); /* POST /offerings/{offering}/remove */
int pages_rating_post(struct web_req *r);     /* POST /accounts/{id}/ratings */
int admin_playbooks_get(struct web_req *r);   /* GET /admin/playbooks */
int admin_playbooks_post(struct web_req *r);  /* POST /admin/playbooks */

/* The account page's sections (appended to r->out): its action plan, with the forms that
 * add an action and change its status when edit is set; and its rated offerings with their
 * importance–performance quadrants and unvalued cost, with the rating form when edit is set. */
void pages_account_plan(struct web_req *r, const struct cvom_account *a, int edit);
void pages_account_offerings(struct web_req *r, const struct cvom_account *a, int edit);
/* The group section of account a's page as of today, when it has accounts below it
 * (pages_group.c); nothing for an account without. */
void pages_account_group(struct web_req *r, const struct cvom_config *cfg,
                         const struct cvom_account *a, int32_t today);

/* An action's fields as text, as a form or the API gives them; NULL or "" is not given. */
struct pages_action_fields {
    const char *title, *owner, *due, *axis, *effect, *cost, *play;
};
/* A new open action from in, planned today, checked as `cvom action add` checks it: a
 * title, an owner that fits, a due date, an axis (intellectual or emotional), an effect of
 * -100..100 points that needs the axis, a cost of 0 or more, a play of the playbook in use.
 * CVOM_EINVAL with err->field for bad input; *out (account_id left 0) only on success. */
enum cvom_status pages_action_read(struct cvom_store *st, const struct pages_action_fields *in,
                                   int32_t today, struct cvom_action *out, struct cvom_error *err);
/* Mark action a open or done (on day), in its own transaction. CVOM_EINVAL when it is in that
 * status already or would be done before the day it was planned. */
enum cvom_status pages_action_set(struct cvom_store *st, const struct cvom_action *a,
                                  enum cvom_action_status to, int32_t day, struct cvom_error *err);
/* Record account a's rating *rt of the offering with code (or id) offering, in its own
 * transaction; *found (may be NULL) receives the offering. CVOM_EINVAL for a rating out of
 * range, CVOM_ENOTFOUND for no such offering. */
enum cvom_status pages_rating_save(struct cvom_store *st, const struct cvom_account *a,
                                   const char *offering, const struct cvom_offer_rating *rt,
                                   struct cvom_offering *found, struct cvom_error *err);

#endif
