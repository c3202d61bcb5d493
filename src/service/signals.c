/* signals.c — load a portfolio's signals for a date and pick out one account's. */
#include "service/signals.h"

#include "io/util.h"
#include "core/mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIGNAL_ACCOUNTS_MAX 5000000u

struct defs {
    struct cvom_signal_ctx *ctx;
    int over;
};

static int def_cb(void *p, const struct cvom_signal *g)
{
    struct defs *d = p;
    if (d->ctx->n == CVOM_SIGNALS_MAX) {
        d->over = 1;
        return 1;
    }
    struct cvom_signal_column *c = &d->ctx->col[d->ctx->n++];
    memset(c, 0, sizeof *c);
    c->sig = *g;
    return 0;
}

struct fill {
    struct cvom_signal_column *c;
    int32_t as_of;
    int oom;
};

static int add_entry(struct fill *f, struct cvom_signal_entry e)
{
    struct cvom_signal_column *c = f->c;
    void *g = cvom__grow(c->v, &c->cap, c->n + 1, sizeof *c->v, SIGNAL_ACCOUNTS_MAX);
    if (!g) {
        f->oom = 1;
        return 1;
    }
    c->v = g;
    c->v[c->n++] = e;
    return 0;
}

static int value_cb(void *p, const struct cvom_signal_value *v)
{
    return add_entry(p, (struct cvom_signal_entry){v->account_id, v->value, v->date, 0});
}

static int mean_cb(void *p, int64_t account_id, double mean, int count)
{
    struct fill *f = p;
    return add_entry(f, (struct cvom_signal_entry){account_id, mean, f->as_of, count});
}

static int by_value(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

enum cvom_status cvom__signals_load(struct cvom_store *st, int32_t as_of, int64_t only,
                                    struct cvom_signal_ctx *ctx, struct cvom_error *err)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->as_of = as_of;
    ctx->only = only;
    struct defs d = {ctx, 0};
    enum cvom_status s = st->ops->signal_list(st, def_cb, &d, err);
    if (!s && d.over)
        s = cvom_error_set(err, CVOM_ELIMIT, "more than %d signals are defined", CVOM_SIGNALS_MAX);
    for (size_t i = 0; !s && i < ctx->n; i++) {
        struct cvom_signal_column *c = &ctx->col[i];
        struct fill f = {c, as_of, 0};
        int percentile = c->sig.def.norm == CVOM_NORM_PERCENTILE;
        if (c->sig.source == CVOM_SIGNAL_LEDGER)
            /* The ledger is small next to the portfolio; its means are read whole. */
            s = st->ops->network_means(st, as_of - (CVOM_LEDGER_DAYS - 1), as_of, mean_cb, &f, err);
        else
            s = st->ops->signal_latest(st, c->sig.id, as_of, percentile ? 0 : only, value_cb, &f,
                                       err);
        if (!s && f.oom)
            s = cvom_error_set(err, CVOM_ENOMEM, "out of memory reading signal %s",
                               c->sig.def.name);
        if (!s && percentile && c->n) {
            c->sorted = malloc(c->n * sizeof *c->sorted);
            if (!c->sorted)
                s = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
            else {
                for (size_t k = 0; k < c->n; k++)
                    c->sorted[k] = c->v[k].raw;
                cvom__sort(c->sorted, c->n, sizeof *c->sorted, by_value);
            }
        }
    }
    return s;
}

void cvom__signals_cleanup(struct cvom_signal_ctx *ctx)
{
    for (size_t i = 0; i < ctx->n; i++) {
        struct cvom_signal_column *c = &ctx->col[i];
        free(c->v);
        free(c->sorted);
    }
    ctx->n = 0;
}

/* Index of account_id in the column, or -1. */
static long find(const struct cvom_signal_column *c, int64_t account_id)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->v[mid].account < account_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n && c->v[lo].account == account_id ? (long)lo : -1;
}

size_t cvom__signals_of(const struct cvom_signal_ctx *ctx, int64_t account_id,
                        struct cvom_signal_input in[CVOM_SIGNALS_MAX], size_t col[CVOM_SIGNALS_MAX],
                        struct cvom_signals_shown *shown)
{
    size_t n = 0;
    for (size_t i = 0; i < ctx->n; i++) {
        const struct cvom_signal_column *c = &ctx->col[i];
        long at = find(c, account_id);
        if (at < 0)
            continue;
        const struct cvom_signal_entry *e = &c->v[at];
        double score = cvom_signal_normalise(&c->sig.def, e->raw, c->sorted, c->n);
        if (isnan(score))
            continue;
        in[n].axis = c->sig.def.axis;
        in[n].score = score;
        in[n].weight = c->sig.def.weight;
        if (col)
            col[n] = i;
        if (shown) {
            struct cvom_signal_shown *v = &shown->v[n];
            v->sig = c->sig;
            v->raw = e->raw;
            v->date = e->date;
            v->count = e->count;
            v->score = score;
        }
        n++;
    }
    if (shown)
        shown->n = n;
    return n;
}

void cvom__signals_summarise(const struct cvom_signal_ctx *ctx, double survey_weight,
                             const int64_t *ids, const struct cvom_score *const *scores, size_t n,
                             struct cvom_signal_summary *out)
{
    double sum_score[CVOM_SIGNALS_MAX] = {0}, sum_points[CVOM_SIGNALS_MAX] = {0};
    for (size_t j = 0; j < ctx->n; j++) {
        out[j].sig = ctx->col[j].sig;
        out[j].accounts = 0;
    }
    for (size_t a = 0; a < n; a++) {
        struct cvom_signal_input in[CVOM_SIGNALS_MAX];
        size_t col[CVOM_SIGNALS_MAX];
        size_t k = cvom__signals_of(ctx, ids[a], in, col, NULL);
        double total[CVOM_DIM_COUNT] = {survey_weight, survey_weight};
        for (size_t i = 0; i < k; i++)
            total[in[i].axis] += in[i].weight;
        for (size_t i = 0; i < k; i++) {
            if (isnan(scores[a]->value[in[i].axis]))
                continue; /* no survey score on that axis: the signal did not enter it */
            out[col[i]].accounts++;
            sum_score[col[i]] += in[i].score;
            sum_points[col[i]] += in[i].weight / total[in[i].axis] * in[i].score;
        }
    }
    for (size_t j = 0; j < ctx->n; j++) {
        double m = (double)out[j].accounts;
        out[j].mean_score = m > 0 ? sum_score[j] / m : NAN;
        out[j].mean_points = m > 0 ? sum_points[j] / m : NAN;
    }
}

static enum cvom_status field_error(struct cvom_error *err, const char *field, const char *msg)
{
    cvom_error_set(err, CVOM_EINVAL, "%s", msg);
    cvom__copy_str(err->field, sizeof err->field, field);
    return CVOM_EINVAL;
}

static int number_field(const char *s, double *out)
{
    return !s || !s[0] || cvom__parse_double(s, out) || !isfinite(*out);
}

enum cvom_status cvom__signal_from_fields(const struct cvom_signal_fields *in,
                                          struct cvom_signal_def *out, struct cvom_error *err)
{
    struct cvom_signal_def d;
    memset(&d, 0, sizeof d);
    if (!in->name || cvom__copy_str(d.name, sizeof d.name, in->name))
        return field_error(err, "name", "The name is 1 to 31 letters, digits, '_', '.' or '-'.");
    if (in->label && cvom__copy_str(d.label, sizeof d.label, in->label))
        return field_error(err, "label", "The label is longer than 127 bytes.");
    if (in->axis && strcmp(in->axis, "intellectual") == 0)
        d.axis = CVOM_DIM_INTELLECTUAL;
    else if (in->axis && strcmp(in->axis, "emotional") == 0)
        d.axis = CVOM_DIM_EMOTIONAL;
    else
        return field_error(err, "axis", "The axis is intellectual or emotional.");
    d.direction = in->direction && strcmp(in->direction, "+") == 0   ? 1
                  : in->direction && strcmp(in->direction, "-") == 0 ? -1
                                                                     : 0;
    if (!d.direction)
        return field_error(err, "direction", "The direction is + or -.");
    int norm = in->norm ? cvom_norm_parse(in->norm) : -1;
    if (norm < 0)
        return field_error(err, "norm", "The normalisation is fixed, percentile or logistic.");
    d.norm = (enum cvom_norm)norm;
    if (d.norm != CVOM_NORM_PERCENTILE && number_field(in->p1, &d.p1))
        return field_error(err, "p1",
                           d.norm == CVOM_NORM_FIXED
                               ? "Give the value that scores 0."
                               : "Give the midpoint, the value that scores 50.");
    if (d.norm != CVOM_NORM_PERCENTILE && number_field(in->p2, &d.p2))
        return field_error(err, "p2",
                           d.norm == CVOM_NORM_FIXED ? "Give the value that scores 100."
                                                     : "Give the scale, a number above 0.");
    if (number_field(in->weight, &d.weight))
        return field_error(err, "weight", "The weight is a number above 0, at most 100.");
    enum cvom_status s = cvom_signal_def_validate(&d, err); /* it names the field */
    if (s)
        return s;
    *out = d;
    return CVOM_OK;
}
