/* cmd_onepager.c — `cvom render account ACCOUNT`: the account one-pager as PDF or PNG. This
 * file gathers the account, its explanation and its stakeholders; render/onepager.c lays
 * out the page. */
#include "cli/cli.h"

#include "io/util.h"
#include "render/onepager.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STAKEHOLDERS_MAX 10000u /* far beyond any decision-making unit */

struct people {
    size_t n, cap;
    struct cvom_stakeholder *v;
    int overflow;
};

static int collect(void *ctx, const struct cvom_stakeholder *s)
{
    struct people *p = ctx;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        struct cvom_stakeholder *g = cap <= STAKEHOLDERS_MAX ? realloc(p->v, cap * sizeof *g) : NULL;
        if (!g) {
            p->overflow = 1;
            return 1;
        }
        p->v = g;
        p->cap = cap;
    }
    p->v[p->n++] = *s;
    return 0;
}

/* Each stakeholder with the axis scores of their own counted assessment; the explanation
 * labels a customer respondent with the stakeholder's name. */
static struct cvom_onepager_stakeholder *rows(const struct people *p,
                                              const struct cvom_explanation *ex)
{
    struct cvom_onepager_stakeholder *v = calloc(p->n ? p->n : 1, sizeof *v);
    for (size_t i = 0; v && i < p->n; i++) {
        const struct cvom_stakeholder *s = &p->v[i];
        v[i] = (struct cvom_onepager_stakeholder){.name = s->name, .role = s->role,
                                                  .influence = s->influence,
                                                  .stance = cvom_stance_name(s->stance),
                                                  .score = {NAN, NAN}};
        for (size_t k = 0; k < ex->n_respondents; k++) {
            const struct cvom_explain_respondent *r = &ex->respondents[k];
            if (r->kind == CVOM_RESP_CUSTOMER && strcmp(r->label, s->name) == 0) {
                v[i].score[0] = r->score[0];
                v[i].score[1] = r->score[1];
                break;
            }
        }
    }
    return v;
}

static enum cvom_status draw(struct cli *c, const struct cvom_account *a, int32_t as_of,
                             enum cvom_onepager_format fmt, double dpi, const char *out)
{
    struct cvom_config cfg;
    struct cvom_explanation ex;
    struct cvom_instrument ins;
    struct cvom_evidence ev;
    struct people people = {0};
    cvom_instrument_init(&ins);
    enum cvom_status st = cvom_config_load(c->store, &cfg, &c->err);
    if (st)
        return st;
    if ((st = cvom_account_explain(c->store, &cfg, a->id, as_of, &ex, &ins, &ev, &c->err)))
        return st;
    st = c->store->ops->stakeholder_list(c->store, a->id, collect, &people, &c->err);
    if (!st && people.overflow)
        st = cvom_error_set(&c->err, CVOM_ELIMIT, "too many stakeholders to draw");
    struct cvom_onepager_stakeholder *sh = st ? NULL : rows(&people, &ex);
    if (!st && !sh)
        st = cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
    if (!st) {
        struct cvom_onepager p = {
            .name = a->name, .external_id = a->external_id, .owner = a->owner,
            .industry = a->industry, .region = a->region, .currency = a->currency,
            .revenue = a->revenue, .potential = a->potential, .as_of = as_of,
            .threshold = {cfg.threshold[0], cfg.threshold[1]}, .confidence = cfg.confidence,
            .ex = &ex, .ins = &ins, .assessments = ev.assessments,
            .customer_assessments = ev.customer, .newest = ev.newest,
            .stale = ev.stale, .stakeholders = sh, .n_stakeholders = people.n};
        st = cvom_onepager_write_file(out, fmt, dpi, &p, &c->err);
    }
    free(sh);
    free(people.v);
    cvom_explanation_cleanup(&ex);
    cvom_instrument_cleanup(&ins);
    return st;
}

/* --format, or else the file name's extension, or else PDF. */
static int pick_format(struct cli *c, const char *fv, const char *out)
{
    if (fv) {
        int f = cvom_onepager_format_parse(fv);
        return f >= 0 ? f : -cli_usage_error(c, "--format must be pdf or png, not '%s'", fv);
    }
    const char *dot = strrchr(out, '.');
    if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".PNG") == 0))
        return CVOM_ONEPAGER_PNG;
    return CVOM_ONEPAGER_PDF;
}

int cli_render_account(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT",
         .help = "pdf or png (default: from the file name, else pdf)"},
        {.name = "out", .kind = 's', .arg = "FILE", .help = "the file to write (required)"},
        {.name = "dpi", .kind = 's', .arg = "N", .help = "PNG resolution, 36–600 (default 150)"},
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "as of this date (default today)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    int32_t as_of;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT --out FILE [--format pdf|png] [--as-of DATE]",
                  "Draw an account's one-pager on an A4 page: its facts, its place on the "
                  "matrix among its stakeholders, its scores with their intervals, the "
                  "stakeholders, and what drives and what would move its position. A PNG at "
                  "150 dpi is 1240 × 1754 pixels.",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    const char *out = cli_val(opts, "out");
    if (!out || !out[0])
        return cli_usage_error(c, "name the file to write with --out FILE");
    int fmt = pick_format(c, cli_val(opts, "format"), out);
    if (fmt < 0)
        return -fmt;
    long dpi = 150;
    if (cli_val(opts, "dpi") && cvom_parse_long(cli_val(opts, "dpi"), 36, 600, &dpi))
        return cli_usage_error(c, "--dpi takes a whole number from 36 to 600");
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    enum cvom_status st = draw(c, &a, as_of, (enum cvom_onepager_format)fmt, (double)dpi, out);
    if (st)
        return cli_fail(c, st, &c->err);
    if (fmt == CVOM_ONEPAGER_PNG) {
        int w, h;
        cvom_onepager_png_size((double)dpi, &w, &h);
        fprintf(stderr, "%s: wrote %s (PNG, %d \u00d7 %d pixels)\n", c->prog, out, w, h);
    } else {
        fprintf(stderr, "%s: wrote %s (PDF, one A4 page)\n", c->prog, out);
    }
    return 0;
}
