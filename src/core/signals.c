/* signals.c — CRM and finance measures brought to 0–100 and blended into the axis scores,
 * in the score and in its explanation. */
#include "cvom.h"
#include "core/internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const norm_names[CVOM_NORM_COUNT] = {"fixed", "percentile", "logistic"};

const char *cvom_norm_name(enum cvom_norm n)
{
    return (unsigned)n < CVOM_NORM_COUNT ? norm_names[n] : "?";
}

int cvom_norm_parse(const char *s)
{
    for (int i = 0; i < CVOM_NORM_COUNT; i++)
        if (strcmp(s, norm_names[i]) == 0)
            return i;
    return -1;
}

static int name_ok(const char *s)
{
    size_t n = strnlen(s, CVOM_CODE_MAX);
    if (n == 0 || n == CVOM_CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

/* Name the field a failure is about (err may be NULL); returns st. */
static enum cvom_status named(struct cvom_error *err, const char *field, enum cvom_status st)
{
    if (err)
        snprintf(err->field, sizeof err->field, "%s", field);
    return st;
}

enum cvom_status cvom_signal_def_validate(const struct cvom_signal_def *d, struct cvom_error *err)
{
    if (!name_ok(d->name))
        return named(err, "name",
                     cvom_error_set(err, CVOM_EINVAL,
                                    "a signal's name is 1 to %d letters, digits, '_', '.' or '-'",
                                    CVOM_CODE_MAX - 1));
    if ((unsigned)d->axis >= CVOM_DIM_COUNT)
        return named(err, "axis",
                     cvom_error_set(err, CVOM_EINVAL,
                                    "signal %s: axis must be intellectual or emotional", d->name));
    if (d->direction != 1 && d->direction != -1)
        return named(
            err, "direction",
            cvom_error_set(err, CVOM_EINVAL, "signal %s: direction must be + or -", d->name));
    if (!(d->weight > 0 && d->weight <= CVOM_SIGNAL_WEIGHT_MAX))
        return named(err, "weight",
                     cvom_error_set(err, CVOM_EINVAL, "signal %s: weight must lie in (0, %g]",
                                    d->name, CVOM_SIGNAL_WEIGHT_MAX));
    switch (d->norm) {
    case CVOM_NORM_FIXED:
        if (!isfinite(d->p1) || !isfinite(d->p2) || d->p1 == d->p2)
            return named(err, "p2",
                         cvom_error_set(err, CVOM_EINVAL,
                                        "signal %s: fixed bounds must be two different numbers",
                                        d->name));
        return CVOM_OK;
    case CVOM_NORM_PERCENTILE: return CVOM_OK;
    case CVOM_NORM_LOGISTIC:
        if (!isfinite(d->p1))
            return named(err, "p1",
                         cvom_error_set(err, CVOM_EINVAL,
                                        "signal %s: logistic needs a finite midpoint", d->name));
        if (!(d->p2 > 0) || !isfinite(d->p2))
            return named(err, "p2",
                         cvom_error_set(err, CVOM_EINVAL,
                                        "signal %s: logistic needs a scale above 0", d->name));
        return CVOM_OK;
    default:
        return named(err, "norm",
                     cvom_error_set(err, CVOM_EINVAL, "signal %s: unknown normalisation", d->name));
    }
}

/* First index whose value is not below x (strict: 0), or above x (strict: 1). */
static size_t bound(const double *v, size_t n, double x, int upper)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (upper ? v[mid] <= x : v[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double cvom_percentile_rank(const double *sorted, size_t n, double x)
{
    if (n == 0 || isnan(x))
        return NAN;
    if (n == 1)
        return 50.0;
    size_t below = bound(sorted, n, x, 0), upto = bound(sorted, n, x, 1);
    /* The average of the 1-based ranks below+1 .. upto, less one; a value absent from the
     * list sits between its neighbours. */
    double rank0 = upto > below ? (double)(below + upto - 1) / 2.0 : (double)below - 0.5;
    double p = 100.0 * rank0 / (double)(n - 1);
    return fmin(100.0, fmax(0.0, p));
}

double cvom_signal_normalise(const struct cvom_signal_def *d, double x, const double *sorted,
                             size_t n)
{
    if (!isfinite(x))
        return NAN;
    double s;
    switch (d->norm) {
    case CVOM_NORM_FIXED:
        s = 100.0 * (x - d->p1) / (d->p2 - d->p1);
        s = fmin(100.0, fmax(0.0, s));
        break;
    case CVOM_NORM_PERCENTILE: s = cvom_percentile_rank(sorted, n, x); break;
    case CVOM_NORM_LOGISTIC: s = 100.0 / (1.0 + exp(-(x - d->p1) / d->p2)); break;
    default: return NAN;
    }
    return d->direction < 0 ? 100.0 - s : s;
}

enum cvom_status cvom_blend_signals(const struct cvom_config *cfg,
                                    const struct cvom_signal_input *in, size_t n,
                                    struct cvom_score *score, struct cvom_blend *out)
{
    if (cvom_config_validate(cfg, NULL) || n > CVOM_SIGNALS_MAX || (n && !in))
        return CVOM_EINVAL;
    for (size_t i = 0; i < n; i++)
        if ((unsigned)in[i].axis >= CVOM_DIM_COUNT || !(in[i].score >= 0 && in[i].score <= 100) ||
            !(in[i].weight > 0 && in[i].weight <= CVOM_SIGNAL_WEIGHT_MAX))
            return CVOM_EINVAL;
    struct cvom_blend b;
    memset(&b, 0, sizeof b);
    b.survey_weight = cfg->survey_weight;
    b.n = n;
    for (size_t i = 0; i < n; i++)
        b.axis[i] = in[i].axis;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        double v = score->value[d], total = cfg->survey_weight, sum;
        b.survey[d] = v;
        b.survey_share[d] = 1.0;
        if (isnan(v))
            continue;
        for (size_t i = 0; i < n; i++)
            if (in[i].axis == (enum cvom_dim)d)
                total += in[i].weight;
        double k = cfg->survey_weight / total;
        b.survey_share[d] = k;
        sum = k * v;
        for (size_t i = 0; i < n; i++) {
            if (in[i].axis != (enum cvom_dim)d)
                continue;
            b.counted[i] = 1;
            b.share[i] = in[i].weight / total;
            b.contribution[i] = b.share[i] * in[i].score;
            sum += b.contribution[i];
        }
        if (k == 1.0)
            continue;
        /* The blend is a fixed linear map of the survey mean, so its standard error and
         * interval half-width scale by the survey's share. */
        double value = fmin(100.0, fmax(0.0, sum));
        score->value[d] = value;
        score->se[d] *= k;
        score->half[d] *= k;
        if (!isnan(score->half[d])) {
            score->lo[d] = fmax(0.0, value - score->half[d]);
            score->hi[d] = fmin(100.0, value + score->half[d]);
        }
    }
    cvom__score_settle(cfg, score);
    if (out)
        *out = b;
    return CVOM_OK;
}

enum cvom_status cvom_explain_blend(const struct cvom_config *cfg,
                                    const struct cvom_signal_input *in, size_t n,
                                    struct cvom_explanation *ex)
{
    struct cvom_blend b;
    enum cvom_status s = cvom_blend_signals(cfg, in, n, &ex->score, &b);
    if (s)
        return s;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        double k = b.survey_share[d];
        for (size_t r = 0; r < ex->n_respondents; r++) {
            struct cvom_explain_respondent *er = &ex->respondents[r];
            er->share[d] *= k;
            er->contribution[d] *= k;
            for (size_t a = 0; a < er->n_answers; a++)
                er->answers[a].contribution[d] *= k;
        }
        for (size_t i = 0; i < ex->n_items; i++) {
            ex->items[i].contribution[d] *= k;
            ex->items[i].sensitivity[d] *= k;
            ex->items[i].headroom[d] *= k;
        }
        if (!isnan(ex->score.value[d]))
            ex->distance[d] = cfg->threshold[d] - ex->score.value[d];
    }
    ex->blend = b;
    return CVOM_OK;
}
