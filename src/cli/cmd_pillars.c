/* cmd_pillars.c — `cvom pillars [ACCOUNT]`: partnership health, the four pillars' mean
 * gated by trust. Without an account, a table of every account sorted by health; with one,
 * its pillars, trust and items. --since shows how each pillar moved between two dates. */
#include "cli/cli.h"

#include "io/util.h"
#include "service/explain_json.h"
#include "core/mem.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PORTFOLIO_MAX 5000000u

/* What one account's health rests on as of one date. */
struct eval {
    struct cvom_explanation ex;
    struct cvom_instrument ins;
    struct cvom_evidence ev;
    struct cvom_health h;
};

static void eval_cleanup(struct eval *e)
{
    cvom_health_cleanup(&e->h);
    cvom_explanation_cleanup(&e->ex);
    cvom_instrument_cleanup(&e->ins);
}

static enum cvom_status evaluate(struct cli *c, const struct cvom_config *cfg, int64_t id,
                                 int32_t date, struct eval *e)
{
    memset(e, 0, sizeof *e);
    cvom_instrument_init(&e->ins);
    enum cvom_status st =
        cvom__account_explain(c->store, cfg, id, date, &e->ex, &e->ins, &e->ev, &c->err);
    if (st)
        return st;
    st = cvom_partnership_health(cfg, &e->ins, &e->ex, &e->h);
    if (st)
        cvom_error_set(&c->err, st, "scoring the partnership pillars failed");
    return st;
}

/* ---- the portfolio table ---------------------------------------------------------------- */

/* One account of the table: the health without its per-item detail. */
struct row {
    struct cvom_account account;
    struct cvom_score score;
    struct cvom_health now, before; /* arrays freed: summaries only */
    int has_before;
};

static int collect_cb(void *ctx, const struct cvom_account *a)
{
    struct row r;
    memset(&r, 0, sizeof r);
    r.account = *a;
    return cvom__rows_push(ctx, &r);
}

/* The health of one account as of date, kept as a summary. */
static enum cvom_status summarise(struct cli *c, const struct cvom_config *cfg, int64_t id,
                                  int32_t date, struct cvom_health *h, struct cvom_score *score)
{
    struct eval e;
    enum cvom_status st = evaluate(c, cfg, id, date, &e);
    if (!st) {
        if (score)
            *score = e.ex.score;
        cvom_health_cleanup(&e.h); /* the summary fields stay */
        *h = e.h;
    }
    eval_cleanup(&e);
    return st;
}

static int state_rank(const struct row *r)
{
    return r->now.state == CVOM_HEALTH_OK ? 0 : r->now.state == CVOM_HEALTH_PARTIAL ? 1 : 2;
}

/* Healthiest first; accounts without a health after them; then by name. */
static int by_health(const void *x, const void *y)
{
    const struct row *a = x, *b = y;
    int ra = state_rank(a), rb = state_rank(b);
    if (ra != rb)
        return ra - rb;
    if (ra == 0 && a->now.health != b->now.health)
        return a->now.health < b->now.health ? 1 : -1;
    int c = strcmp(a->account.name, b->account.name);
    return c ? c : (a->account.id > b->account.id) - (a->account.id < b->account.id);
}

static const char *quadrant_of(const struct cvom_score *s)
{
    return s->state == CVOM_STATE_INSUFFICIENT ? "" : cvom_quadrant_name(s->quadrant);
}

/* The measures whose trend is t between the two dates, separated by spaces. */
static void trend_list(const struct row *r, enum cvom_pillar_trend t, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; r->has_before && m < CVOM_PILLAR_COUNT; m++) {
        if (cvom_pillar_trend_between(r->before.measure[m].value, r->now.measure[m].value) != t)
            continue;
        int w = snprintf(buf + used, cap - used, "%s%s", used ? " " : "",
                         cvom_pillar_name((enum cvom_pillar)m));
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
}

static double change(double before, double now)
{
    return isnan(before) || isnan(now) ? NAN : now - before;
}

static const char *const list_cols[] = {"account_id",
                                        "external_id",
                                        "name",
                                        "owner",
                                        "quadrant",
                                        "state",
                                        "passion",
                                        "resonance",
                                        "security",
                                        "creativity",
                                        "trust",
                                        "pillars",
                                        "health",
                                        "capped",
                                        "weakest",
                                        "respondents",
                                        "since",
                                        "passion_change",
                                        "resonance_change",
                                        "security_change",
                                        "creativity_change",
                                        "trust_change",
                                        "health_change",
                                        "crumbled",
                                        "rebuilt"};
#define LIST_KINDS "nsssosnnnnnnnssnsnnnnnnss"
_Static_assert(sizeof LIST_KINDS - 1 == sizeof list_cols / sizeof *list_cols,
               "a kind for every column");

static int list_row(struct table *t, const struct row *r, const char *since)
{
    char id[24], num[CVOM_PILLAR_COUNT + 2][16], chg[CVOM_PILLAR_COUNT + 1][16], resp[16];
    char crumbled[80], rebuilt[80];
    const struct cvom_health *h = &r->now;
    fmt_id(id, sizeof id, r->account.id);
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++) {
        fmt_num(num[m], sizeof num[m], h->measure[m].value, 2);
        fmt_num(chg[m], sizeof chg[m],
                r->has_before ? change(r->before.measure[m].value, h->measure[m].value) : NAN, 2);
    }
    fmt_num(num[CVOM_PILLAR_COUNT], sizeof num[0], h->pillars_mean, 2);
    fmt_num(num[CVOM_PILLAR_COUNT + 1], sizeof num[0], h->health, 2);
    fmt_num(chg[CVOM_PILLAR_COUNT], sizeof chg[0],
            r->has_before ? change(r->before.health, h->health) : NAN, 2);
    snprintf(resp, sizeof resp, "%d", h->respondents);
    trend_list(r, CVOM_TREND_CRUMBLED, crumbled, sizeof crumbled);
    trend_list(r, CVOM_TREND_REBUILT, rebuilt, sizeof rebuilt);
    const char *cells[] = {id,
                           r->account.external_id,
                           r->account.name,
                           r->account.owner,
                           quadrant_of(&r->score),
                           cvom_health_state_name(h->state),
                           num[0],
                           num[1],
                           num[2],
                           num[3],
                           num[4],
                           num[5],
                           num[6],
                           isnan(h->health) ? ""
                           : h->capped      ? "yes"
                                            : "no",
                           h->weakest >= 0 ? cvom_pillar_name((enum cvom_pillar)h->weakest) : "",
                           resp,
                           r->has_before ? since : "",
                           chg[0],
                           chg[1],
                           chg[2],
                           chg[3],
                           chg[4],
                           chg[5],
                           crumbled,
                           rebuilt};
    return table_add(t, cells);
}

/* Append "; part" (or just part when buf is empty) within cap. */
static void note_add(char *buf, size_t cap, const char *part)
{
    size_t used = strnlen(buf, cap);
    if (part[0] && used + 1 < cap)
        snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", part);
}

/* The text table's note: what stands out about an account's health. */
static void text_note(const struct row *r, char *note, size_t cap)
{
    const struct cvom_health *h = &r->now;
    char list[80], part[100];
    note[0] = '\0';
    if (h->state == CVOM_HEALTH_NONE)
        note_add(note, cap, "no pillar answers");
    else if (h->state == CVOM_HEALTH_PARTIAL)
        note_add(note, cap, "partial: not every pillar and trust scored");
    else if (h->capped)
        note_add(note, cap, "capped by trust");
    trend_list(r, CVOM_TREND_CRUMBLED, list, sizeof list);
    if (list[0]) {
        snprintf(part, sizeof part, "crumbled: %s", list);
        note_add(note, cap, part);
    }
    trend_list(r, CVOM_TREND_REBUILT, list, sizeof list);
    if (list[0]) {
        snprintf(part, sizeof part, "rebuilt: %s", list);
        note_add(note, cap, part);
    }
}

/* The text table: fewer columns, one decimal, and a note saying what stands out. */
static int text_row(struct table *t, const struct row *r, int with_change)
{
    const struct cvom_health *h = &r->now;
    char num[CVOM_PILLAR_COUNT + 1][16], chg[16] = "", note[240];
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
        fmt_num(num[m], sizeof num[m], h->measure[m].value, 1);
    fmt_num(num[CVOM_PILLAR_COUNT], sizeof num[0], h->health, 1);
    double d = r->has_before ? change(r->before.health, h->health) : NAN;
    if (!isnan(d))
        snprintf(chg, sizeof chg, "%+.1f", d);
    text_note(r, note, sizeof note);
    const char *weakest = h->weakest >= 0 ? cvom_pillar_name((enum cvom_pillar)h->weakest) : "";
    const char *cells[] = {
        r->account.name,
        r->score.state == CVOM_STATE_INSUFFICIENT ? "—" : cvom_quadrant_title(r->score.quadrant),
        num[0],
        num[1],
        num[2],
        num[3],
        num[4],
        num[5],
        with_change ? chg : weakest,
        with_change ? weakest : note,
        note};
    return table_add(t, cells);
}

static int print_list_text(const struct row *v, size_t n, int32_t as_of, const char *since)
{
    static const char *const cols[] = {"account",  "quadrant",   "passion", "resonance",
                                       "security", "creativity", "trust",   "health",
                                       "change",   "weakest",    "note"};
    /* Without --since the change column would be empty: leave it out. */
    static const char *const cols_now[] = {"account",  "quadrant",   "passion", "resonance",
                                           "security", "creativity", "trust",   "health",
                                           "weakest",  "note"};
    struct table *t = since ? table_new(cols, "ssnnnnnnnss") : table_new(cols_now, "ssnnnnnnss");
    size_t none = 0, capped = 0;
    for (size_t i = 0; t && i < n; i++) {
        if (text_row(t, &v[i], since != NULL))
            break;
        none += v[i].now.state == CVOM_HEALTH_NONE;
        capped += v[i].now.state == CVOM_HEALTH_OK && v[i].now.capped;
    }
    if (!t)
        return -1;
    char date[11];
    cvom_date_format(as_of, date);
    printf("Partnership health as of %s%s%s: the mean of the four pillars, never more than "
           "%g points above trust\n\n",
           date, since ? ", change since " : "", since ? since : "", CVOM_HEALTH_TRUST_MARGIN);
    table_print(t, stdout, FMT_TEXT);
    table_free(t);
    printf("\n%zu account%s; %zu capped by weak trust; %zu without pillar answers.\n", n,
           n == 1 ? "" : "s", capped, none);
    return 0;
}

static int print_list(const struct row *v, size_t n, enum cli_format fmt, int32_t as_of,
                      const char *since)
{
    if (fmt == FMT_TEXT)
        return print_list_text(v, n, as_of, since);
    struct table *t = table_new(list_cols, LIST_KINDS);
    for (size_t i = 0; t && i < n; i++)
        if (list_row(t, &v[i], since ? since : "")) {
            table_free(t);
            return -1;
        }
    if (!t)
        return -1;
    table_print(t, stdout, fmt);
    table_free(t);
    return 0;
}

static enum cvom_status gather(struct cli *c, const struct cvom_config *cfg,
                               const struct cvom_account_filter *f, int32_t as_of,
                               const int32_t *since, struct cvom_rows *k)
{
    /* Accounts are collected first: scoring them queries the store again, which must not
     * happen while the listing is still being read. */
    enum cvom_status st = c->store->ops->account_list(c->store, f, collect_cb, k, &c->err);
    char too_many[64];
    snprintf(too_many, sizeof too_many, "more than %u accounts to list", PORTFOLIO_MAX);
    if (!st)
        st = cvom__rows_status(k, too_many, &c->err);
    struct row *rows = k->v;
    for (size_t i = 0; !st && i < k->n; i++) {
        struct row *r = &rows[i];
        st = summarise(c, cfg, r->account.id, as_of, &r->now, &r->score);
        if (!st && since) {
            st = summarise(c, cfg, r->account.id, *since, &r->before, NULL);
            r->has_before = !st;
        }
    }
    return st;
}

static int run_list(struct cli *c, const struct cvom_config *cfg, struct cli_opt *opts,
                    enum cli_format fmt, int32_t as_of, const int32_t *since)
{
    int quadrant = -1;
    if (cli_val(opts, "quadrant") &&
        (quadrant = cvom_quadrant_parse(cli_val(opts, "quadrant"))) < 0)
        return cli_usage_error(c, "--quadrant must be transactional, intellectual, emotional "
                                  "or partnership");
    struct cvom_account_filter f;
    memset(&f, 0, sizeof f);
    cvom__copy_str(f.owner, sizeof f.owner, cli_val(opts, "owner") ? cli_val(opts, "owner") : "");
    struct cvom_rows k;
    cvom__rows_init(&k, sizeof(struct row), PORTFOLIO_MAX);
    enum cvom_status st = gather(c, cfg, &f, as_of, since, &k);
    if (st) {
        cvom__rows_free(&k);
        return cli_fail(c, st, &c->err);
    }
    struct row *v = k.v;
    size_t n = 0;
    for (size_t i = 0; i < k.n; i++)
        if (quadrant < 0 ||
            (v[i].score.state != CVOM_STATE_INSUFFICIENT && (int)v[i].score.quadrant == quadrant))
            v[n++] = v[i];
    if (n)
        cvom__sort(v, n, sizeof *v, by_health);
    char since_text[11] = "";
    if (since)
        cvom_date_format(*since, since_text);
    int rc = print_list(v, n, fmt, as_of, since ? since_text : NULL);
    cvom__rows_free(&k);
    return rc ? cli_fail(c, CVOM_ENOMEM, NULL) : 0;
}

/* ---- one account in detail ------------------------------------------------------------ */

static void print_measures_text(const struct cvom_health *h, const struct cvom_config *cfg)
{
    printf("  %-12s %6s   %-17s %11s  %8s\n", "", "score", "interval", "respondents", "our view");
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++) {
        const struct cvom_pillar_score *s = &h->measure[m];
        char v[16], lo[16], hi[16], self[16], iv[40] = "";
        fmt_num(v, sizeof v, s->value, 1);
        fmt_num(lo, sizeof lo, s->lo, 1);
        fmt_num(hi, sizeof hi, s->hi, 1);
        fmt_num(self, sizeof self, s->self_value, 1);
        if (lo[0])
            snprintf(iv, sizeof iv, "%s–%s", lo, hi);
        printf("  %-12s %6s   %-17s %11d  %8s%s\n", cvom_pillar_title((enum cvom_pillar)m),
               v[0] ? v : "—", iv, s->respondents, self,
               m == h->weakest && h->state == CVOM_HEALTH_OK ? "   weakest pillar" : "");
        if (m == CVOM_PILLAR_CREATIVITY)
            putchar('\n'); /* trust is the ground the four stand on */
    }
    printf("  (intervals at %.0f %%)\n", cfg->confidence * 100);
}

static void print_gate_text(const struct cvom_health *h)
{
    if (h->state == CVOM_HEALTH_PARTIAL) {
        printf("\n  Health is not known: no score yet for");
        for (int m = 0, k = 0; m < CVOM_PILLAR_COUNT; m++)
            if (isnan(h->measure[m].value))
                printf("%s %s", k++ ? "," : "", cvom_pillar_name((enum cvom_pillar)m));
        printf(".\n");
        return;
    }
    printf("\n  Pillars' mean %.1f; trust %.1f + %g = %.1f %s", h->pillars_mean,
           h->measure[CVOM_PILLAR_TRUST].value, CVOM_HEALTH_TRUST_MARGIN, h->cap,
           h->capped ? "is lower, so trust caps it" : "does not hold it back");
    printf(": health %.1f.\n", h->health);
    printf("  Weakest pillar: %s (%.1f).\n", cvom_pillar_name((enum cvom_pillar)h->weakest),
           h->measure[h->weakest].value);
}

static void print_items_text(const struct cvom_health *h, const struct cvom_instrument *ins)
{
    printf("\nItems: the respondents' mean score (0–100) and the points each adds to its "
           "measure\n");
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++) {
        printf("  %s\n", cvom_pillar_title((enum cvom_pillar)m));
        for (size_t k = 0; k < h->n_items; k++) {
            const struct cvom_health_item *it = &h->items[k];
            if (it->measure != m)
                continue;
            char mean[16], add[16];
            fmt_num(mean, sizeof mean, it->mean, 1);
            fmt_num(add, sizeof add, it->contribution, 2);
            printf("    %-8s %-36.36s %5s  adds %6s  (%d answer%s)%s\n", ins->items[k].code,
                   ins->items[k].construct[0] ? ins->items[k].construct : ins->items[k].statement,
                   mean[0] ? mean : "—", it->answered ? add : "—", it->answered,
                   it->answered == 1 ? "" : "s", ins->items[k].reverse ? "  reverse-coded" : "");
        }
    }
}

static void print_since_text(const struct cvom_health *now, const struct cvom_health *before,
                             const char *since)
{
    printf("\nSince %s: each measure then and now\n", since);
    printf("  %-12s %7s %7s %8s\n", "", "then", "now", "change");
    for (int m = 0; m <= CVOM_PILLAR_COUNT; m++) {
        double b = m < CVOM_PILLAR_COUNT ? before->measure[m].value : before->health;
        double n = m < CVOM_PILLAR_COUNT ? now->measure[m].value : now->health;
        char bs[16], ns[16], cs[16];
        fmt_num(bs, sizeof bs, b, 1);
        fmt_num(ns, sizeof ns, n, 1);
        double d = change(b, n);
        if (isnan(d))
            cs[0] = '\0';
        else
            snprintf(cs, sizeof cs, "%+.1f", d);
        const char *trend =
            m < CVOM_PILLAR_COUNT ? cvom_pillar_trend_name(cvom_pillar_trend_between(b, n)) : "";
        printf("  %-12s %7s %7s %8s  %s\n",
               m < CVOM_PILLAR_COUNT ? cvom_pillar_title((enum cvom_pillar)m) : "Health",
               bs[0] ? bs : "—", ns[0] ? ns : "—", cs, trend);
    }
    printf("  (a measure is sound at %g or more: it crumbles when it falls below,\n"
           "  and is rebuilt when it rises back)\n",
           CVOM_PILLAR_SOUND);
}

static void print_detail_text(const struct cvom_account *a, const struct eval *e,
                              const struct eval *b, const struct cvom_config *cfg, int32_t as_of,
                              const char *since)
{
    const struct cvom_health *h = &e->h;
    const struct cvom_score *s = &e->ex.score;
    char date[11], health[48] = "health not known";
    cvom_date_format(as_of, date);
    if (h->state == CVOM_HEALTH_NONE)
        snprintf(health, sizeof health, "no pillar answers");
    else if (h->state == CVOM_HEALTH_OK)
        snprintf(health, sizeof health, "partnership health %.1f%s", h->health,
                 h->capped ? ", capped by trust" : "");
    printf("%s — %s · %s\n", a->name,
           s->state == CVOM_STATE_INSUFFICIENT ? "not placed" : cvom_quadrant_title(s->quadrant),
           health);
    printf("as of %s · %d respondent%s answered partnership items\n\n", date, h->respondents,
           h->respondents == 1 ? "" : "s");
    if (h->state == CVOM_HEALTH_NONE) {
        printf("No %s has answered a pillar or trust item yet. Partnership health\n"
               "needs assessments with an instrument that has them (the default instrument "
               "from version 2).\n",
               cfg->include_self ? "respondent" : "customer respondent");
    } else {
        print_measures_text(h, cfg);
        print_gate_text(h);
        print_items_text(h, &e->ins);
    }
    if (b && (h->state != CVOM_HEALTH_NONE || b->h.state != CVOM_HEALTH_NONE))
        print_since_text(h, &b->h, since);
    else if (b)
        printf("\nNor were there any on %s.\n", since);
}

static const char *const detail_cols[] = {
    "section",     "measure",      "item",   "construct", "score", "lo",  "hi",
    "respondents", "contribution", "before", "change",    "trend", "note"};
#define DETAIL_KINDS "ssssnnnnnnnss"
_Static_assert(sizeof DETAIL_KINDS - 1 == sizeof detail_cols / sizeof *detail_cols,
               "a kind for every column");

static int detail_measure_rows(struct table *t, const struct cvom_health *h,
                               const struct cvom_health *b)
{
    for (int m = 0; m < CVOM_PILLAR_COUNT + 2; m++) {
        int is_m = m < CVOM_PILLAR_COUNT;
        const char *name = is_m                     ? cvom_pillar_name((enum cvom_pillar)m)
                           : m == CVOM_PILLAR_COUNT ? "pillars"
                                                    : "health";
        double v = is_m                     ? h->measure[m].value
                   : m == CVOM_PILLAR_COUNT ? h->pillars_mean
                                            : h->health;
        double bv = !b                       ? NAN
                    : is_m                   ? b->measure[m].value
                    : m == CVOM_PILLAR_COUNT ? b->pillars_mean
                                             : b->health;
        char sv[16], lo[16], hi[16], resp[16] = "", bs[16], cs[16];
        fmt_num(sv, sizeof sv, v, 2);
        fmt_num(lo, sizeof lo, is_m ? h->measure[m].lo : NAN, 2);
        fmt_num(hi, sizeof hi, is_m ? h->measure[m].hi : NAN, 2);
        if (is_m)
            snprintf(resp, sizeof resp, "%d", h->measure[m].respondents);
        fmt_num(bs, sizeof bs, bv, 2);
        fmt_num(cs, sizeof cs, change(bv, v), 2);
        const char *note = is_m && m == h->weakest && h->state == CVOM_HEALTH_OK ? "weakest"
                           : !is_m && m > CVOM_PILLAR_COUNT && h->capped         ? "capped"
                                                                                 : "";
        const char *cells[] = {
            "measure", name,
            "",        "",
            sv,        lo,
            hi,        resp,
            "",        bs,
            cs,        b && is_m ? cvom_pillar_trend_name(cvom_pillar_trend_between(bv, v)) : "",
            note};
        if (table_add(t, cells))
            return -1;
    }
    return 0;
}

static int detail_item_rows(struct table *t, const struct cvom_health *h,
                            const struct cvom_instrument *ins)
{
    for (size_t k = 0; k < h->n_items; k++) {
        const struct cvom_health_item *it = &h->items[k];
        if (it->measure < 0)
            continue;
        char mean[16], add[16], n[16];
        fmt_num(mean, sizeof mean, it->mean, 2);
        fmt_num(add, sizeof add, it->answered ? it->contribution : NAN, 4);
        snprintf(n, sizeof n, "%d", it->answered);
        const char *cells[] = {"item",
                               cvom_pillar_name((enum cvom_pillar)it->measure),
                               ins->items[k].code,
                               ins->items[k].construct,
                               mean,
                               "",
                               "",
                               n,
                               add,
                               "",
                               "",
                               "",
                               ""};
        if (table_add(t, cells))
            return -1;
    }
    return 0;
}

static json_t *num(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

static json_t *detail_json(const struct cvom_account *a, const struct eval *e, const struct eval *b,
                           int32_t as_of, const char *since)
{
    const struct cvom_health *h = &e->h;
    char date[11];
    cvom_date_format(as_of, date);
    json_t *measures = json_object();
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++) {
        const struct cvom_pillar_score *s = &h->measure[m];
        double bv = b ? b->h.measure[m].value : NAN;
        json_object_set_new(
            measures, cvom_pillar_name((enum cvom_pillar)m),
            json_pack("{s:o, s:o, s:o, s:o, s:i, s:o, s:o, s:o, s:s}", "score", num(s->value), "lo",
                      num(s->lo), "hi", num(s->hi), "se", num(s->se), "respondents", s->respondents,
                      "self", num(s->self_value), "before", num(bv), "change",
                      num(change(bv, s->value)), "trend",
                      b ? cvom_pillar_trend_name(cvom_pillar_trend_between(bv, s->value)) : ""));
    }
    json_t *items = json_array();
    for (size_t k = 0; k < h->n_items; k++) {
        const struct cvom_health_item *it = &h->items[k];
        if (it->measure < 0)
            continue;
        json_array_append_new(
            items,
            json_pack("{s:s, s:s, s:s, s:s, s:b, s:i, s:o, s:o}", "item", e->ins.items[k].code,
                      "measure", cvom_pillar_name((enum cvom_pillar)it->measure), "construct",
                      e->ins.items[k].construct, "statement", e->ins.items[k].statement, "reverse",
                      e->ins.items[k].reverse, "answered", it->answered, "mean", num(it->mean),
                      "contribution", num(it->answered ? it->contribution : NAN)));
    }
    const struct cvom_score *s = &e->ex.score;
    double hb = b ? b->h.health : NAN;
    return json_pack(
        "{s:I, s:s, s:s, s:o, s:o, s:s, s:o, s:o, s:o, s:f, s:o, s:o, s:i, s:o, s:o, s:o, s:o}",
        "account_id", (json_int_t)a->id, "name", a->name, "as_of", date, "since",
        since ? json_string(since) : json_null(), "quadrant",
        cvom__quadrant_json(s->state, s->quadrant), "state", cvom_health_state_name(h->state),
        "pillars_mean", num(h->pillars_mean), "cap", num(h->cap), "health", num(h->health),
        "trust_margin", CVOM_HEALTH_TRUST_MARGIN, "capped",
        isnan(h->health) ? json_null() : json_boolean(h->capped), "weakest",
        h->weakest >= 0 ? json_string(cvom_pillar_name((enum cvom_pillar)h->weakest)) : json_null(),
        "respondents", h->respondents, "health_before", num(hb), "health_change",
        num(change(hb, h->health)), "measures", measures, "items", items);
}

static int print_detail(const struct cvom_account *a, const struct eval *e, const struct eval *b,
                        const struct cvom_config *cfg, enum cli_format fmt, int32_t as_of,
                        const char *since)
{
    if (fmt == FMT_TEXT) {
        print_detail_text(a, e, b, cfg, as_of, since);
        return 0;
    }
    if (fmt == FMT_JSON) {
        json_t *o = detail_json(a, e, b, as_of, since);
        if (!o)
            return -1;
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(12));
        putchar('\n');
        json_decref(o);
        return 0;
    }
    struct table *t = table_new(detail_cols, DETAIL_KINDS);
    int rc = !t || detail_measure_rows(t, &e->h, b ? &b->h : NULL) ||
             detail_item_rows(t, &e->h, &e->ins);
    if (!rc)
        table_print(t, stdout, FMT_CSV);
    table_free(t);
    return rc ? -1 : 0;
}

static int run_detail(struct cli *c, const struct cvom_config *cfg, const char *ref,
                      enum cli_format fmt, int32_t as_of, const int32_t *since)
{
    struct cvom_account a;
    int rc = cli_account(c, ref, &a);
    if (rc)
        return rc;
    struct eval now, before;
    int have_before = 0;
    enum cvom_status st = evaluate(c, cfg, a.id, as_of, &now);
    if (!st && since) {
        st = evaluate(c, cfg, a.id, *since, &before);
        have_before = 1;
    }
    char since_text[11] = "";
    if (since)
        cvom_date_format(*since, since_text);
    if (!st)
        rc = print_detail(&a, &now, have_before ? &before : NULL, cfg, fmt, as_of,
                          since ? since_text : NULL)
                 ? cli_fail(c, CVOM_ENOMEM, NULL)
                 : 0;
    else
        rc = cli_fail(c, st, &c->err);
    if (have_before)
        eval_cleanup(&before);
    eval_cleanup(&now);
    return rc;
}

int cmd_pillars(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "as of this date (default today)"},
        {.name = "since",
         .kind = 's',
         .arg = "DATE",
         .help = "also show each pillar's change since this earlier date"},
        {.name = "owner", .kind = 's', .arg = "NAME", .help = "table: only this owner's accounts"},
        {.name = "quadrant",
         .kind = 's',
         .arg = "Q",
         .help = "table: only accounts in this quadrant (e.g. partnership)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    int32_t as_of, since;
    if (cli_parse(c, argc, argv, opts,
                  "[ACCOUNT] [--as-of DATE] [--since DATE] [--owner NAME] [--quadrant Q] "
                  "[--format FMT]",
                  "Partnership health: the four pillars (passion, resonance, security, "
                  "creativity) scored from their items like the value axes, and their mean "
                  "gated by trust — health is never more than 10 points above trust, so weak "
                  "trust caps it whatever the pillars say. Without ACCOUNT, every account "
                  "sorted by health; with one, its pillars, trust and items. A pillar is sound "
                  "at 50 or more; with --since, it crumbled if it fell below that and was "
                  "rebuilt if it rose back.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    const char *sv = cli_val(opts, "since");
    if (sv && cvom_date_parse(sv, &since))
        return cli_usage_error(c, "--since must be a date YYYY-MM-DD, not '%s'", sv);
    if (sv && since >= as_of)
        return cli_usage_error(c, "--since must be earlier than --as-of");
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_config cfg;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    const int32_t *since_p = sv ? &since : NULL;
    return np ? run_detail(c, &cfg, pos[0], fmt, as_of, since_p)
              : run_list(c, &cfg, opts, fmt, as_of, since_p);
}
