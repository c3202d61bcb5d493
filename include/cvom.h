/* cvom.h — the public interface of libcvom, the Customer Value Orientation Matrix core.
 *
 * Everything here is pure computation: no files, sockets, clocks or environment.
 * Callers pass data in and get values out. What is not declared here is internal.
 */
#ifndef CVOM_H
#define CVOM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CVOM_VERSION "0.1.0"

/* ---------------------------------------------------------------------------------------
 * Status and errors
 * ------------------------------------------------------------------------------------- */

/* Every fallible function returns one of these; 0 is success. */
enum cvom_status {
    CVOM_OK = 0,
    CVOM_ENOMEM,    /* out of memory */
    CVOM_EINVAL,    /* invalid input: a value out of range, a malformed field */
    CVOM_ENOTFOUND, /* the record asked for does not exist */
    CVOM_EEXIST,    /* a record with that key already exists */
    CVOM_EPARSE,    /* a file could not be parsed (line and column in the error) */
    CVOM_EIO,       /* reading or writing outside the library failed */
    CVOM_ESTORE,    /* the database reported an error */
    CVOM_ELIMIT,    /* a bound was exceeded: field length, row count, size */
    CVOM_EBUSY,     /* the database stayed locked past the busy timeout */
    CVOM_STATUS_COUNT
};

/* Detail of a failure, filled by the callee when the caller passes one. All strings are
 * NUL-terminated and truncated to fit. line and column are 1-based; 0 means not known. */
struct cvom_error {
    enum cvom_status status;
    char file[256];
    long line;
    long column;
    char field[64];
    char message[256];
};

/* A short English name for a status ("not found"); never NULL. */
const char *cvom_status_str(enum cvom_status st);

/* Fill err (when not NULL) with status st and a printf-style message; returns st so a
 * caller can write `return cvom_error_set(err, CVOM_EINVAL, "...")`. */
enum cvom_status cvom_error_set(struct cvom_error *err, enum cvom_status st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---------------------------------------------------------------------------------------
 * Axes, quadrants, states
 * ------------------------------------------------------------------------------------- */

/* The two value dimensions of the matrix. */
enum cvom_dim {
    CVOM_DIM_INTELLECTUAL = 0,
    CVOM_DIM_EMOTIONAL,
    CVOM_DIM_COUNT
};

/* What an instrument item measures. BOTH items (price primacy) count on both dimensions. */
enum cvom_axis {
    CVOM_AXIS_INTELLECTUAL = 0,
    CVOM_AXIS_EMOTIONAL,
    CVOM_AXIS_BOTH,
    CVOM_AXIS_COUNT
};

enum cvom_quadrant {
    CVOM_Q_TRANSACTIONAL = 0, /* low intellectual, low emotional */
    CVOM_Q_INTELLECTUAL,      /* high intellectual, low emotional */
    CVOM_Q_EMOTIONAL,         /* low intellectual, high emotional */
    CVOM_Q_PARTNERSHIP,       /* high on both */
    CVOM_Q_COUNT
};

enum cvom_state {
    CVOM_STATE_OK = 0,       /* a point on the matrix */
    CVOM_STATE_BORDERLINE,   /* an interval contains a threshold */
    CVOM_STATE_INSUFFICIENT, /* too few respondents or answers: not a point */
    CVOM_STATE_COUNT
};

enum cvom_respondent_kind {
    CVOM_RESP_CUSTOMER = 0, /* a stakeholder at the account: the customer's view */
    CVOM_RESP_SELF,         /* one of our own people: the self-assessment view */
    CVOM_RESP_COUNT
};

/* Lower-case names used in files and output ("intellectual", "partnership", "ok", …) and
 * their parsers, which accept exactly those names and return -1 otherwise. */
const char *cvom_dim_name(enum cvom_dim d);
const char *cvom_axis_name(enum cvom_axis a);
const char *cvom_quadrant_name(enum cvom_quadrant q);
const char *cvom_quadrant_title(enum cvom_quadrant q); /* "Transactional" */
const char *cvom_state_name(enum cvom_state s);
const char *cvom_respondent_kind_name(enum cvom_respondent_kind k);
int cvom_axis_parse(const char *s);
int cvom_quadrant_parse(const char *s);
int cvom_respondent_kind_parse(const char *s);

/* ---------------------------------------------------------------------------------------
 * Instruments
 * ------------------------------------------------------------------------------------- */

#define CVOM_CODE_MAX 32
#define CVOM_NAME_MAX 128
#define CVOM_TEXT_MAX 512
#define CVOM_ITEMS_MAX 256

struct cvom_item {
    char code[CVOM_CODE_MAX];           /* unique within the instrument: [A-Za-z0-9_.-] */
    char statement[CVOM_TEXT_MAX];      /* what the respondent rates */
    char construct[CVOM_NAME_MAX];      /* what it measures, for documentation */
    enum cvom_axis axis;
    int reverse;                        /* 1 when agreement lowers the score */
    double weight;                      /* > 0 */
    int scale_min, scale_max;           /* scale_min < scale_max */
};

struct cvom_instrument {
    char name[CVOM_NAME_MAX];
    int version;     /* >= 1 */
    int min_items;   /* minimum answered items per axis for a respondent to score on it */
    size_t n_items;
    struct cvom_item *items; /* owned; freed by cvom_instrument_cleanup */
};

/* Initialise an empty instrument in caller storage. */
void cvom_instrument_init(struct cvom_instrument *ins);
/* Free the items; the struct may be reused after cvom_instrument_init. */
void cvom_instrument_cleanup(struct cvom_instrument *ins);
/* Append a copy of item. Returns CVOM_EEXIST for a duplicate code, CVOM_EINVAL when the
 * item is invalid (message in err), CVOM_ELIMIT past CVOM_ITEMS_MAX. */
enum cvom_status cvom_instrument_add(struct cvom_instrument *ins, const struct cvom_item *item,
                                     struct cvom_error *err);
/* Check the whole instrument: name, version, min_items, at least min_items items on each
 * dimension. */
enum cvom_status cvom_instrument_validate(const struct cvom_instrument *ins,
                                          struct cvom_error *err);
/* Index of the item with this code, or -1. */
int cvom_instrument_find(const struct cvom_instrument *ins, const char *code);
/* Whether an item counts on dimension d. */
int cvom_item_on_dim(const struct cvom_item *item, enum cvom_dim d);
/* A raw response on the item's scale as a 0–100 score, reverse coding applied. Returns
 * CVOM_EINVAL when raw lies outside the scale. */
enum cvom_status cvom_item_normalise(const struct cvom_item *item, double raw, double *out);

/* ---------------------------------------------------------------------------------------
 * Scoring
 * ------------------------------------------------------------------------------------- */

/* A memo of Student-t quantiles for one confidence, owned by a caller that scores many
 * accounts in a row. Zero-initialise it; it fills itself. */
#define CVOM_TCACHE_DF_MAX 1024
struct cvom_tcache {
    double confidence;
    double t[CVOM_TCACHE_DF_MAX + 1]; /* by whole degrees of freedom; 0 = not yet known */
};

/* cvom_t_quantile, remembered in c for whole df up to CVOM_TCACHE_DF_MAX. c may be NULL. */
double cvom_t_quantile_cached(struct cvom_tcache *c, double confidence, double df);

/* Configuration of scoring and classification. */
struct cvom_config {
    double threshold[CVOM_DIM_COUNT]; /* default 50: at or above is "high" (within 1e-9, so
                                         rounding never moves a point off the line) */
    double confidence;                /* interval coverage, default 0.90 */
    int min_respondents;              /* customer respondents needed on an axis, default 1 */
    int include_self;                 /* 1: self-assessments count as respondents; default 0 */
    int validity_days;                /* age after which an assessment is stale, default 180 */
    struct cvom_tcache *tcache;       /* optional, caller-owned memo; NULL by default */
};

void cvom_config_init(struct cvom_config *cfg);
enum cvom_status cvom_config_validate(const struct cvom_config *cfg, struct cvom_error *err);

/* Running sums for a weighted mean: Σw, Σw·x, Σw·x², Σw², and the count. Mergeable. */
struct cvom_acc {
    double sw, swx, swx2, sw2;
    uint32_t n;
};

static inline void cvom_acc_add(struct cvom_acc *a, double w, double x)
{
    a->sw += w;
    a->swx += w * x;
    a->swx2 += w * x * x;
    a->sw2 += w * w;
    a->n++;
}
void cvom_acc_merge(struct cvom_acc *into, const struct cvom_acc *from);
/* Weighted mean; NaN when empty. */
double cvom_acc_mean(const struct cvom_acc *a);
/* Standard error of the weighted mean: the weighted variance with the effective-sample-size
 * correction n_eff/(n_eff−1), divided by n_eff, where n_eff = (Σw)²/Σw². With equal weights
 * it is the familiar s/√n. NaN when n < 2. *df receives n_eff − 1 when df is not NULL. */
double cvom_acc_se(const struct cvom_acc *a, double *df);

/* One respondent's answers reduced to per-dimension accumulators of item scores (0–100,
 * weighted by item weight). */
struct cvom_respondent {
    enum cvom_respondent_kind kind;
    double influence; /* > 0; 1 when unknown */
    struct cvom_acc dim[CVOM_DIM_COUNT];
};

/* Add one raw answer for item to respondent r (normalised, reverse-coded, weighted).
 * CVOM_EINVAL when raw is outside the item's scale. */
enum cvom_status cvom_respondent_answer(struct cvom_respondent *r, const struct cvom_item *item,
                                        double raw);

/* An account's score on one date. */
struct cvom_score {
    double value[CVOM_DIM_COUNT]; /* 0–100; NaN when there is no score on that axis */
    double se[CVOM_DIM_COUNT];    /* standard error; NaN when not estimable */
    double lo[CVOM_DIM_COUNT];    /* interval, clamped to 0–100 */
    double hi[CVOM_DIM_COUNT];
    int respondents[CVOM_DIM_COUNT]; /* respondents with a score on that axis */
    double self_value[CVOM_DIM_COUNT]; /* self-assessment view, NaN when none */
    enum cvom_quadrant quadrant;    /* meaningful unless state is INSUFFICIENT */
    enum cvom_state state;
};

/* Score an account from its respondents (customers and, separately, self-assessments).
 * Respondents with fewer than ins->min_items answered items on an axis have no score on it.
 * Never fails on valid input; CVOM_EINVAL for a bad configuration. */
enum cvom_status cvom_score_account(const struct cvom_config *cfg, int min_items,
                                    const struct cvom_respondent *r, size_t n,
                                    struct cvom_score *out);

/* Quadrant of a point under cfg's thresholds. */
enum cvom_quadrant cvom_classify(const struct cvom_config *cfg, double intellectual,
                                 double emotional);

/* Two-sided Student-t quantile: the t with P(|T| <= t) = confidence for df degrees of
 * freedom (df > 0, may be fractional). NaN for invalid arguments. */
double cvom_t_quantile(double confidence, double df);

/* ---------------------------------------------------------------------------------------
 * Explanation: why an account sits where it does
 * ------------------------------------------------------------------------------------- */

/* One answered item of one respondent. */
struct cvom_explain_answer {
    size_t item;      /* index into the instrument */
    double raw;       /* the answer on the item's scale */
    double score;     /* 0–100 after reverse coding */
    double contribution[CVOM_DIM_COUNT]; /* points of the account score this answer adds */
};

struct cvom_explain_respondent {
    char label[CVOM_NAME_MAX];      /* caller's label: the stakeholder's name or role */
    enum cvom_respondent_kind kind;
    double influence;
    int counted[CVOM_DIM_COUNT];    /* 1 when it scored on that axis and counts */
    double score[CVOM_DIM_COUNT];   /* its own axis score; NaN when none */
    double share[CVOM_DIM_COUNT];   /* its normalised weight in the account score */
    double contribution[CVOM_DIM_COUNT]; /* share × score */
    size_t n_answers;
    struct cvom_explain_answer *answers; /* owned */
};

/* Per item, summed over respondents. */
struct cvom_explain_item {
    double contribution[CVOM_DIM_COUNT];
    /* Change in the account score per one scale point of agreement by every counted
     * respondent who answered it (negative for reverse-coded items). */
    double sensitivity[CVOM_DIM_COUNT];
    /* Points the account score would gain if every counted respondent who answered the item
     * gave it its best score (full agreement; full disagreement for reverse-coded items).
     * Its contribution is, likewise, the most it could lose. */
    double headroom[CVOM_DIM_COUNT];
    int answered;
};

struct cvom_explanation {
    struct cvom_score score;
    size_t n_respondents;
    struct cvom_explain_respondent *respondents; /* owned */
    size_t n_items;
    struct cvom_explain_item *items;             /* owned, one per instrument item */
    double distance[CVOM_DIM_COUNT]; /* threshold − value: points needed to cross */
};

/* One item's reach in the direction an axis must move: its headroom when the score must
 * rise, its contribution when it must fall. */
struct cvom_lever {
    size_t item;  /* index into the instrument */
    double reach; /* points of the axis score */
};

/* What would carry an account across the threshold of one axis. */
struct cvom_move {
    int rise;            /* 1: the score must rise to cross; 0: it must fall */
    double distance;     /* points between the score and the threshold */
    size_t n;            /* levers, largest reach first (ties by item order) */
    struct cvom_lever levers[CVOM_ITEMS_MAX];
    size_t needed;       /* how many of the first levers together cross; 0 when all of them
                            together do not (it then takes new evidence) */
    double total;        /* the reach of all levers together */
};

/* Read the explanation for axis d. CVOM_EINVAL when the axis has no score. */
enum cvom_status cvom_explain_move(const struct cvom_explanation *ex, enum cvom_dim d,
                                   struct cvom_move *out);
/* The axis whose threshold is nearest to the score, or -1 when neither axis has a score. */
int cvom_explain_nearest(const struct cvom_explanation *ex);

/* Input to an explanation: one respondent's raw answers. */
struct cvom_answer_set {
    const char *label;
    enum cvom_respondent_kind kind;
    double influence;
    size_t n;
    const size_t *items;  /* indices into the instrument */
    const double *raw;    /* answers on each item's scale */
};

/* Score an account from raw answers and explain it: every answer's contribution, each
 * respondent's share, each item's total and sensitivity. The contributions of counted
 * respondents add up to the score on each axis. The explanation's score is identical to
 * cvom_score_account on the same data. Free with cvom_explanation_cleanup. */
enum cvom_status cvom_explain(const struct cvom_config *cfg, const struct cvom_instrument *ins,
                              const struct cvom_answer_set *sets, size_t n,
                              struct cvom_explanation *out, struct cvom_error *err);
void cvom_explanation_cleanup(struct cvom_explanation *ex);

/* ---------------------------------------------------------------------------------------
 * Statistics
 * ------------------------------------------------------------------------------------- */

/* Cronbach's alpha of k items over n complete cases. data is row-major n × k (case i, item
 * j at data[i*k + j]). item_total, when not NULL, receives k corrected item–total
 * correlations (each item against the sum of the others). Returns CVOM_EINVAL when n < 2 or
 * k < 2 or the total has zero variance; *alpha is written only on success. */
enum cvom_status cvom_cronbach_alpha(const double *data, size_t n, size_t k, double *alpha,
                                     double *item_total);

/* Kendall's tau-b between x and y (ties handled). CVOM_EINVAL when n < 2 or either side is
 * constant. */
enum cvom_status cvom_kendall_tau_b(const double *x, const double *y, size_t n, double *tau);

/* Pearson correlation; CVOM_EINVAL when n < 2 or a side is constant. */
enum cvom_status cvom_pearson(const double *x, const double *y, size_t n, double *r);

/* ---------------------------------------------------------------------------------------
 * Dates
 * ------------------------------------------------------------------------------------- */

/* Days since 1970-01-01 of an ISO date "YYYY-MM-DD"; CVOM_EINVAL when malformed or not a
 * real calendar date. */
enum cvom_status cvom_date_parse(const char *s, int32_t *days);
/* Write "YYYY-MM-DD" for days into buf (at least 11 bytes). */
void cvom_date_format(int32_t days, char buf[11]);

#ifdef __cplusplus
}
#endif
#endif
