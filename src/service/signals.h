/* signals.h — the signals of a portfolio as of a date, ready to blend: their definitions,
 * each account's newest value, the sorted values a percentile needs, and the network
 * ledger's mean ratings. Knows no SQL and prints nothing. */
#ifndef CVOM_SERVICE_SIGNALS_H
#define CVOM_SERVICE_SIGNALS_H

#include "cvom.h"
#include "store/store.h"

/* One account's value of a signal in force on the date. */
struct cvom_signal_entry {
    int64_t account;
    double raw;   /* the measured value (ledger: the mean rating) */
    int32_t date; /* when it was measured (ledger: the date asked for) */
    int count;    /* ledger: rated entries averaged; 0 for imported signals */
};

/* One signal with the values in force on the date. */
struct cvom_signal_column {
    struct cvom_signal sig;
    size_t n, cap;
    struct cvom_signal_entry *v; /* by account, ascending */
    double *sorted;              /* the values in order, for the percentile; NULL otherwise */
};

struct cvom_signal_ctx {
    int32_t as_of;
    int64_t only; /* the one account loaded, or 0 for the whole portfolio */
    size_t n;
    struct cvom_signal_column col[CVOM_SIGNALS_MAX];
};

/* Load every signal as of a date. With only != 0 the values of that account alone are read,
 * except for percentile signals, which need the portfolio's. Clean up with
 * cvom__signals_cleanup whatever the outcome. */
enum cvom_status cvom__signals_load(struct cvom_store *st, int32_t as_of, int64_t only,
                                    struct cvom_signal_ctx *ctx, struct cvom_error *err);
void cvom__signals_cleanup(struct cvom_signal_ctx *ctx);

/* One signal of one account as it enters the blend. */
struct cvom_signal_shown {
    struct cvom_signal sig;
    double raw; /* the measured value (ledger: the mean rating) */
    int32_t date;
    int count;    /* ledger: rated entries averaged; 0 otherwise */
    double score; /* 0–100 after normalisation and direction */
};

struct cvom_signals_shown {
    size_t n;
    struct cvom_signal_shown v[CVOM_SIGNALS_MAX];
};

/* The account's signals in ctx, in the order of the blend's inputs (by signal name):
 * fills in (for cvom_blend_signals), col (each input's index in ctx->col; may be NULL) and
 * shown (may be NULL). Returns how many. */
size_t cvom__signals_of(const struct cvom_signal_ctx *ctx, int64_t account_id,
                        struct cvom_signal_input in[CVOM_SIGNALS_MAX], size_t col[CVOM_SIGNALS_MAX],
                        struct cvom_signals_shown *shown);

/* A signal definition from text fields (a form, a file): name, label, axis ("intellectual"
 * or "emotional"), direction ("+" or "-"), norm ("fixed", "percentile", "logistic"), p1 and
 * p2 (numbers; ignored for percentile) and weight. NULL or "" label is empty. Validated as
 * cvom_signal_def_validate does; CVOM_EINVAL with err->field naming the bad field. */
struct cvom_signal_fields {
    const char *name, *label, *axis, *direction, *norm, *p1, *p2, *weight;
};
enum cvom_status cvom__signal_from_fields(const struct cvom_signal_fields *in,
                                          struct cvom_signal_def *out, struct cvom_error *err);

/* One signal over a set of accounts. */
struct cvom_signal_summary {
    struct cvom_signal sig;
    size_t accounts;    /* accounts whose score it entered (a value in force, the axis scored) */
    double mean_score;  /* its mean 0–100 score over them; NaN when none */
    double mean_points; /* the mean points it adds to their axis score; NaN when none */
};

/* Summarise every signal of ctx over n accounts: ids[i] and the blended score of that
 * account (an axis with a value had a survey score, so its signals entered it). out has
 * room for ctx->n entries. survey_weight is the configuration's. Pure. */
void cvom__signals_summarise(const struct cvom_signal_ctx *ctx, double survey_weight,
                             const int64_t *ids, const struct cvom_score *const *scores, size_t n,
                             struct cvom_signal_summary *out);

#endif
