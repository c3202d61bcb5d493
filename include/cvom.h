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

/* The version of this header; cvom_version() gives the library's, which a program linked
 * against a shared libcvom may find newer (the same major version keeps the interface). */
#define CVOM_VERSION_MAJOR 0
#define CVOM_VERSION_MINOR 1
#define CVOM_VERSION_PATCH 0
#define CVOM_VERSION "0.1.0"
/* One number to compare: 0x000100 for 0.1.0. */
#define CVOM_VERSION_NUMBER                                                                        \
    ((CVOM_VERSION_MAJOR << 16) | (CVOM_VERSION_MINOR << 8) | CVOM_VERSION_PATCH)

/* The library's version, "MAJOR.MINOR.PATCH". */
const char *cvom_version(void);

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
    CVOM_ECONFLICT, /* the record changed since the version the change was made on */
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
enum cvom_dim { CVOM_DIM_INTELLECTUAL = 0, CVOM_DIM_EMOTIONAL, CVOM_DIM_COUNT };

/* What an instrument item measures. BOTH items (price primacy) count on both dimensions.
 * The partnership axes (the four pillars, then trust, in the order of enum cvom_pillar)
 * count on neither dimension: they feed partnership health only, so adding them to an
 * instrument leaves every intellectual and emotional score as it was. */
enum cvom_axis {
    CVOM_AXIS_INTELLECTUAL = 0,
    CVOM_AXIS_EMOTIONAL,
    CVOM_AXIS_BOTH,
    CVOM_AXIS_PASSION,
    CVOM_AXIS_RESONANCE,
    CVOM_AXIS_SECURITY,
    CVOM_AXIS_CREATIVITY,
    CVOM_AXIS_TRUST,
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
/* Where a customer's person stands towards us. */
enum cvom_stance {
    CVOM_STANCE_UNKNOWN = 0,
    CVOM_STANCE_CHAMPION,
    CVOM_STANCE_SUPPORTER,
    CVOM_STANCE_NEUTRAL,
    CVOM_STANCE_SCEPTIC,
    CVOM_STANCE_OPPONENT,
    CVOM_STANCE_COUNT
};

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
#define CVOM_LANG_MAX 16 /* a language tag such as "de" or "pt-BR", with its NUL */

struct cvom_item {
    char code[CVOM_CODE_MAX];       /* unique within the instrument: [A-Za-z0-9_.-] */
    char statement[CVOM_TEXT_MAX];  /* what is rated, in our words: for explanations */
    char respondent[CVOM_TEXT_MAX]; /* the same in the respondent's own voice, as the
                                       survey shows it; "" shows the statement */
    char construct[CVOM_NAME_MAX];  /* what it measures, for documentation */
    enum cvom_axis axis;
    int reverse;              /* 1 when agreement lowers the score */
    double weight;            /* > 0 */
    int scale_min, scale_max; /* scale_min < scale_max */
};

struct cvom_instrument {
    char name[CVOM_NAME_MAX];
    int version;   /* >= 1 */
    int min_items; /* minimum answered items per axis for a respondent to score on it */
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
#define CVOM_TCACHE_FRACTIONS 4096 /* slots for fractional df (weighted respondents) */
struct cvom_tcache {
    double confidence;
    double t[CVOM_TCACHE_DF_MAX + 1]; /* by whole degrees of freedom; 0 = not yet known */
    struct {
        double df, t;                  /* df 0: empty */
    } fraction[CVOM_TCACHE_FRACTIONS]; /* by a hash of df; a newer df takes the slot over */
};

/* cvom_t_quantile, remembered in c for whole df up to CVOM_TCACHE_DF_MAX and for the
 * fractional df seen last in each slot. c may be NULL. */
double cvom_t_quantile_cached(struct cvom_tcache *c, double confidence, double df);

/* Configuration of scoring and classification. */
struct cvom_config {
    double threshold[CVOM_DIM_COUNT]; /* default 50: at or above is "high" (within 1e-9, so
                                         rounding never moves a point off the line) */
    double confidence;                /* interval coverage, default 0.90 */
    int min_respondents;              /* customer respondents needed on an axis, default 1 */
    int include_self;                 /* 1: self-assessments count as respondents; default 0 */
    int validity_days;                /* age after which an assessment is stale, default 180 */
    double survey_weight;             /* the survey's weight against signals, default 1;
                                         0 < w <= CVOM_SIGNAL_WEIGHT_MAX */
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
    double half[CVOM_DIM_COUNT];       /* half-width of the interval before clamping; NaN when
                                          there is none */
    int respondents[CVOM_DIM_COUNT];   /* respondents with a score on that axis */
    double self_value[CVOM_DIM_COUNT]; /* self-assessment view, NaN when none */
    enum cvom_quadrant quadrant;       /* meaningful unless state is INSUFFICIENT */
    enum cvom_state state;
};

/* Score an account from its respondents (customers and, separately, self-assessments).
 * Respondents with fewer than ins->min_items answered items on an axis have no score on it.
 * Never fails on valid input; CVOM_EINVAL for a bad configuration. */
enum cvom_status cvom_score_account(const struct cvom_config *cfg, int min_items,
                                    const struct cvom_respondent *r, size_t n,
                                    struct cvom_score *out);

/* Scores are means of fractions such as 100/3, so a point that sits exactly on a line can
 * come out a rounding error below it: within this margin of a threshold (or of any fixed
 * line a rule compares with) a value counts as on the line. Every rule uses this one. */
#define CVOM_ON_LINE 1e-9

/* Quadrant of a point under cfg's thresholds: on a line counts as above it. */
enum cvom_quadrant cvom_classify(const struct cvom_config *cfg, double intellectual,
                                 double emotional);

/* The borderline rule: whether the interval [lo, hi] reaches past line on both sides, or
 * has no width and sits on the line (every respondent answered alike, exactly on it: the
 * evidence cannot say on which side the account is). */
int cvom_interval_crosses(double lo, double hi, double line);

/* The axes whose interval crosses its threshold, as bits (1 << CVOM_DIM_INTELLECTUAL,
 * 1 << CVOM_DIM_EMOTIONAL); an account with any is borderline. NaN intervals cross nothing. */
unsigned cvom_borderline_axes(const struct cvom_score *s, const double threshold[CVOM_DIM_COUNT]);

/* Two-sided Student-t quantile: the t with P(|T| <= t) = confidence for df degrees of
 * freedom (df > 0, may be fractional). NaN for invalid arguments. */
double cvom_t_quantile(double confidence, double df);

/* ---------------------------------------------------------------------------------------
 * Explanation: why an account sits where it does
 * ------------------------------------------------------------------------------------- */

#define CVOM_SIGNALS_MAX 32 /* signals on one account */

/* What blending signals into a score did on each axis (see cvom_blend_signals). */
struct cvom_blend {
    double survey_weight;
    double survey[CVOM_DIM_COUNT];         /* the survey's own score (NaN when none) */
    double survey_share[CVOM_DIM_COUNT];   /* its share of the axis score: 1 without signals */
    size_t n;                              /* inputs, in the caller's order */
    enum cvom_dim axis[CVOM_SIGNALS_MAX];  /* the axis each input is on */
    int counted[CVOM_SIGNALS_MAX];         /* 0 when its axis had no survey score */
    double share[CVOM_SIGNALS_MAX];        /* its share of the axis score */
    double contribution[CVOM_SIGNALS_MAX]; /* share × score: points it adds */
};

/* One answered item of one respondent. */
struct cvom_explain_answer {
    size_t item;                         /* index into the instrument */
    double raw;                          /* the answer on the item's scale */
    double score;                        /* 0–100 after reverse coding */
    double contribution[CVOM_DIM_COUNT]; /* points of the account score this answer adds */
};

struct cvom_explain_respondent {
    char label[CVOM_NAME_MAX]; /* caller's label: the stakeholder's name or role */
    enum cvom_respondent_kind kind;
    double influence;
    int counted[CVOM_DIM_COUNT];         /* 1 when it scored on that axis and counts */
    double score[CVOM_DIM_COUNT];        /* its own axis score; NaN when none */
    double share[CVOM_DIM_COUNT];        /* its normalised weight in the account score */
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
    struct cvom_explain_item *items; /* owned, one per instrument item */
    double distance[CVOM_DIM_COUNT]; /* threshold − value: points needed to cross */
    /* Signals blended in by cvom_explain_blend; n is 0 and survey_share 1 until then. */
    struct cvom_blend blend;
};

/* One item's reach in the direction an axis must move: its headroom when the score must
 * rise, its contribution when it must fall. */
struct cvom_lever {
    size_t item;  /* index into the instrument */
    double reach; /* points of the axis score */
};

/* What would carry an account across the threshold of one axis. */
struct cvom_move {
    int rise;        /* 1: the score must rise to cross; 0: it must fall */
    double distance; /* points between the score and the threshold */
    size_t n;        /* levers, largest reach first (ties by item order) */
    struct cvom_lever levers[CVOM_ITEMS_MAX];
    size_t needed; /* how many of the first levers together cross; 0 when all of them
                      together do not (it then takes new evidence) */
    double total;  /* the reach of all levers together */
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
    const size_t *items; /* indices into the instrument */
    const double *raw;   /* answers on each item's scale */
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

/* ---------------------------------------------------------------------------------------
 * Migration over time: quadrant transitions between two dates and their projection
 * ------------------------------------------------------------------------------------- */

/* Between an earlier and a later date, every account of a portfolio is in one of five
 * states: one of the four quadrants, or not placed (not enough evidence on that date, or
 * not in the portfolio then). The transition table counts accounts, and sums revenue, by
 * state at the earlier date (row) and at the later date (column); its 4×4 core holds the
 * accounts placed on both dates. Its rows add up to the portfolio on the earlier date, its
 * columns to the portfolio on the later date, and all 25 cells to the whole portfolio.
 *
 * Movers, the accounts sliding towards Transactional, the stale ones and the projection
 * are defined at the structs below; docs/formats.md says the same for users. */
#define CVOM_MIG_NOT_PLACED CVOM_Q_COUNT /* the fifth row and column */
#define CVOM_MIG_STATES (CVOM_Q_COUNT + 1)
#define CVOM_MIG_PERIODS_DEFAULT 4
#define CVOM_MIG_PERIODS_MAX 40
#define CVOM_MIG_SLIDE_POINTS 10.0 /* default of slide_points */

/* One account on both dates. A score whose state is INSUFFICIENT is not placed on that
 * date; pass such a score for an account that did not exist then. */
struct cvom_migration_account {
    struct cvom_score from; /* as of the earlier date */
    struct cvom_score to;   /* as of the later date */
    double revenue;         /* finite, >= 0; the same figure counts on both dates */
    int stale;              /* 1: its newest assessment is older than the validity period
                               at the later date (the caller decides; it is carried) */
    int32_t last_assessed;  /* newest assessment on or before the later date, days since
                               1970-01-01; 0 when never assessed */
};

struct cvom_migration_options {
    int32_t from, to;    /* the two dates, days since 1970-01-01; from < to */
    int periods;         /* periods to project, 1..CVOM_MIG_PERIODS_MAX (default 4) */
    double slide_points; /* least fall of intellectual + emotional that counts as a
                            slide (default CVOM_MIG_SLIDE_POINTS); finite, >= 0 */
};

/* Defaults for everything but the dates, which are set to 0. */
void cvom_migration_options_init(struct cvom_migration_options *o);

/* An account placed on both dates whose quadrant differs. One that only gained or lost its
 * evidence is not a mover: it is counted in the fifth row or column instead. */
struct cvom_migration_mover {
    size_t index;   /* into the caller's accounts */
    double revenue; /* the account's, copied */
    enum cvom_quadrant from, to;
    double change[CVOM_DIM_COUNT]; /* later score minus earlier score, per axis */
};

/* An account sliding towards Transactional: placed on both dates, and either
 *   - it entered Transactional from another quadrant, or
 *   - its intellectual + emotional score fell by at least slide_points: its city-block
 *     distance from the Transactional corner (0, 0) shrank by that much. Losing on one
 *     axis what it gains on the other is a move sideways, not a slide.
 * The list puts the accounts that entered Transactional first, then the larger falls,
 * then the larger revenue, then the caller's order. */
struct cvom_migration_slide {
    size_t index;
    double revenue;
    int entered; /* 1: moved into Transactional on the later date */
    double fall; /* (I + E) earlier minus (I + E) later; may be < 0
                    for an account that entered while rising */
    enum cvom_quadrant from, to;
    double change[CVOM_DIM_COUNT];
};

/* An account whose assessment is out of date at the later date. */
struct cvom_migration_stale {
    size_t index;
    double revenue;
    int32_t age_days; /* later date minus last_assessed; -1 when never */
};

/* The Markov projection. Transition probabilities P are estimated from the accounts placed
 * on both dates: row i is the share of the accounts (or of the revenue) that started in
 * quadrant i and ended in each quadrant. A quadrant no such account started in (or whose
 * accounts have no revenue) keeps its share: its row is that of the identity, and kept[i]
 * says so. The mix after k periods is start × P^k, where the start is the mix of the
 * accounts placed on the later date and a period is the gap between the two dates. Accounts
 * not placed are outside the projection. */
struct cvom_migration_chain {
    double p[CVOM_Q_COUNT][CVOM_Q_COUNT];
    int kept[CVOM_Q_COUNT];
    int available; /* 0 when nothing is placed on the later date (or it has no revenue):
                      mix is then NaN */
    double mix[CVOM_MIG_PERIODS_MAX + 1][CVOM_Q_COUNT]; /* [0] = start, [k] = after k
                                                            periods; shares 0–1 */
};

struct cvom_migration {
    struct cvom_migration_options options; /* as given */
    size_t n_accounts;
    int32_t period_days; /* to − from */

    /* Transition tables, [state on the earlier date][state on the later date]. */
    size_t count[CVOM_MIG_STATES][CVOM_MIG_STATES];
    double revenue[CVOM_MIG_STATES][CVOM_MIG_STATES];
    size_t count_from[CVOM_MIG_STATES], count_to[CVOM_MIG_STATES]; /* row, column sums */
    double revenue_from[CVOM_MIG_STATES], revenue_to[CVOM_MIG_STATES];
    double total_revenue;
    size_t placed_both; /* accounts behind the chain's estimate */

    struct cvom_migration_chain by_count, by_revenue;

    /* Lists, owned; freed by cvom_migration_cleanup. Movers and stale accounts are ordered
     * by revenue, largest first, then in the caller's order. */
    struct cvom_migration_mover *movers;
    size_t n_movers;
    struct cvom_migration_slide *slides;
    size_t n_slides;
    struct cvom_migration_stale *stale;
    size_t n_stale;
};

/* Work out the transition tables, movers, slides, stale accounts and both projections for
 * n accounts (a may be NULL when n is 0). Pure: no I/O. CVOM_EINVAL (message in err) when
 * the options are out of range or an account has a bad revenue or quadrant; CVOM_ENOMEM
 * when memory runs out. On failure *out holds no lists. Free with
 * cvom_migration_cleanup. */
enum cvom_status cvom_migration_build(const struct cvom_migration_options *o,
                                      const struct cvom_migration_account *a, size_t n,
                                      struct cvom_migration *out, struct cvom_error *err);
/* Free the lists; cleaning up twice, or a zeroed struct, is harmless. */
void cvom_migration_cleanup(struct cvom_migration *m);

/* Row-normalise flows between quadrants into transition probabilities. flow and p are
 * CVOM_Q_COUNT × CVOM_Q_COUNT, row-major (from i to j at [i*CVOM_Q_COUNT + j]); flows are
 * counts or revenue, finite and >= 0. A row without flow becomes the identity's row and
 * kept[i] (when kept is not NULL) is set to 1. CVOM_EINVAL for a negative or non-finite
 * flow; p and kept are then left alone. */
enum cvom_status cvom_markov_estimate(const double *flow, double *p, int *kept);
/* The mix after k steps, start × p^k, for k = 0..periods: mix receives periods + 1 rows of
 * CVOM_Q_COUNT shares, row-major, row 0 a copy of start. p as above. CVOM_EINVAL when
 * periods is outside 0..CVOM_MIG_PERIODS_MAX. */
enum cvom_status cvom_markov_project(const double *p, const double *start, int periods,
                                     double *mix);

/* ---------------------------------------------------------------------------------------
 * Partnership pillars and stakeholder spread
 * ------------------------------------------------------------------------------------- */

/* A partnership stands on four pillars — passion, resonance, security, creativity — laid on
 * trust. Items on the partnership axes (enum cvom_axis) measure them; this enum indexes the
 * five measures in the same order as those axes, the four pillars first and trust last. */
enum cvom_pillar {
    CVOM_PILLAR_PASSION = 0, /* enthusiasm and energy both sides put into the work */
    CVOM_PILLAR_RESONANCE,   /* shared priorities, goals planned together */
    CVOM_PILLAR_SECURITY,    /* confidence that the relationship lasts and can bear conflict */
    CVOM_PILLAR_CREATIVITY,  /* new ideas and experiments made together */
    CVOM_PILLAR_TRUST,       /* the bedrock: not a pillar but the gate on them */
    CVOM_PILLAR_COUNT
};
#define CVOM_PILLARS CVOM_PILLAR_TRUST /* the first four measures are the pillars proper */

/* Health may stand at most this many points above trust (see struct cvom_health). */
#define CVOM_HEALTH_TRUST_MARGIN 10.0
/* A pillar (or trust) at or above this score is sound; below it, weak. */
#define CVOM_PILLAR_SOUND 50.0

/* "passion", "resonance", "security", "creativity", "trust"; "?" out of range. */
const char *cvom_pillar_name(enum cvom_pillar p);
/* "Passion" … "Trust". */
const char *cvom_pillar_title(enum cvom_pillar p);
/* The measure an item axis feeds, or -1 for the intellectual, emotional and both axes. */
int cvom_axis_pillar(enum cvom_axis a);

/* Health = min(pillars' mean, trust + margin): the mean of the four pillar scores, but
 * never more than margin points above trust. Weak trust therefore caps health whatever
 * the pillars say, while trust above the pillars adds nothing. NaN when any input is NaN.
 * *capped (when not NULL) receives 1 when the trust cap is below the pillars' mean. */
double cvom_health_gate(double pillars_mean, double trust, double margin, int *capped);

/* One measure of an account: scored like an axis. A respondent's score is the weighted
 * mean (item weights) of their answered items on it — one answered item is enough, as the
 * pillars have only a few items each — and the account's is the influence-weighted mean
 * over counted respondents (customers; self-assessments too when include_self), with the
 * same interval and minimum number of respondents as the axes. */
struct cvom_pillar_score {
    double value;      /* 0–100; NaN when no counted respondent scored on it */
    double se;         /* NaN when not estimable */
    double lo, hi;     /* interval at cfg->confidence, clamped to 0–100; NaN with se */
    int respondents;   /* counted respondents with a score on it */
    double self_value; /* the self-assessment view; NaN when none */
};

enum cvom_health_state {
    CVOM_HEALTH_OK = 0,  /* all four pillars and trust have a score: health is known */
    CVOM_HEALTH_PARTIAL, /* partnership answers, but a pillar or trust has no score */
    CVOM_HEALTH_NONE,    /* no counted respondent answered a partnership item */
    CVOM_HEALTH_STATE_COUNT
};
/* "ok", "partial", "none". */
const char *cvom_health_state_name(enum cvom_health_state s);

/* One respondent of the explanation, on the partnership measures. */
struct cvom_health_respondent {
    int counted[CVOM_PILLAR_COUNT];        /* 1 when it scored on the measure and counts */
    double score[CVOM_PILLAR_COUNT];       /* its own score; NaN when it answered no item */
    double share[CVOM_PILLAR_COUNT];       /* its normalised weight in the account's score */
    double item_weight[CVOM_PILLAR_COUNT]; /* sum of the weights of its answered items */
};

/* One item of the instrument: what the counted respondents who answered it gave it. */
struct cvom_health_item {
    int measure;         /* enum cvom_pillar, or -1 for an item of the value axes */
    int answered;        /* counted respondents who answered it */
    double mean;         /* influence-weighted mean of their 0–100 scores; NaN if none */
    double contribution; /* points of its measure's score it accounts for: the items of a
                            measure add up to the measure's score */
};

/* Partnership health of one account. */
struct cvom_health {
    enum cvom_health_state state;
    struct cvom_pillar_score measure[CVOM_PILLAR_COUNT]; /* the four pillars, then trust */
    double pillars_mean; /* mean of the four pillars; NaN unless all four have a score */
    double cap;          /* trust + CVOM_HEALTH_TRUST_MARGIN; NaN without trust */
    double health;       /* cvom_health_gate(pillars_mean, trust); NaN unless state OK */
    int capped;          /* 1 when trust holds health below the pillars' mean */
    int weakest;         /* the lowest-scoring pillar (first on ties); -1 when none scored */
    int respondents;     /* counted respondents who answered any partnership item */
    size_t n_respondents;
    struct cvom_health_respondent *respondents_detail; /* owned, parallel to ex->respondents */
    size_t n_items;
    struct cvom_health_item *items; /* owned, one per instrument item */
};

/* Score the pillars and trust of the account explained in ex (made by cvom_explain with
 * ins and cfg) and gate its health. Accounts without partnership answers come out with
 * state NONE, never as an error. Returns CVOM_EINVAL for a bad configuration or when ex
 * does not match ins, CVOM_ENOMEM; *out is written only on success and is freed with
 * cvom_health_cleanup. */
enum cvom_status cvom_partnership_health(const struct cvom_config *cfg,
                                         const struct cvom_instrument *ins,
                                         const struct cvom_explanation *ex,
                                         struct cvom_health *out);
/* Free what cvom_partnership_health allocated; NULL does nothing. */
void cvom_health_cleanup(struct cvom_health *h);
/* Points of its measure's account score that answer a of respondent r in ex adds; NaN for
 * an answer to a value-axis item or from a respondent not counted on that measure. The
 * answers of counted respondents add up to each measure's score. */
double cvom_health_answer_contribution(const struct cvom_health *h,
                                       const struct cvom_instrument *ins,
                                       const struct cvom_explanation *ex, size_t r, size_t a);

/* How a measure moved between two dates, judged against CVOM_PILLAR_SOUND: a pillar
 * crumbles when it falls from sound to weak, and is rebuilt when it rises back. */
enum cvom_pillar_trend {
    CVOM_TREND_UNKNOWN = 0, /* no score on one of the dates */
    CVOM_TREND_HELD,        /* sound on both dates */
    CVOM_TREND_CRUMBLED,    /* sound before, weak now */
    CVOM_TREND_REBUILT,     /* weak before, sound now */
    CVOM_TREND_WEAK,        /* weak on both dates */
    CVOM_TREND_COUNT
};
/* "", "held", "crumbled", "rebuilt", "weak". */
const char *cvom_pillar_trend_name(enum cvom_pillar_trend t);
enum cvom_pillar_trend cvom_pillar_trend_between(double before, double now);

/* The stakeholders of an account on the matrix. Every customer respondent of the
 * explanation with a score on both axes is a point at its own (intellectual, emotional)
 * scores. The spread is the influence-weighted standard distance of those points from the
 * account's survey point (before any signal is blended in, ex->blend.survey):
 * sqrt(Σ wᵢ·dᵢ² / Σ wᵢ), dᵢ the Euclidean distance in score points. The
 * account is split when at least two stakeholders whose influence is at least
 * CVOM_SPLIT_MIN_INFLUENCE sit in different quadrants (under cfg's thresholds). */
#define CVOM_SPLIT_MIN_INFLUENCE 0.5

struct cvom_spread_point {
    size_t respondent; /* index into the explanation's respondents */
    double influence;
    double x, y;                 /* its intellectual and emotional scores */
    enum cvom_quadrant quadrant; /* the quadrant of its own point */
    double distance;             /* from the account's survey point; NaN when none */
    int weighs;                  /* influence >= CVOM_SPLIT_MIN_INFLUENCE */
};

struct cvom_spread {
    size_t n;                         /* stakeholders with a point */
    struct cvom_spread_point *points; /* owned, in the explanation's order */
    double spread; /* NaN when fewer than two points or the account is not placed */
    int quadrants; /* distinct quadrants among the stakeholders who weigh */
    int split;     /* 1 when quadrants >= 2 */
};

/* Place the stakeholders of the account explained in ex (made with cfg) and measure their
 * spread. CVOM_EINVAL for a bad configuration, CVOM_ENOMEM; *out is written only on
 * success and freed with cvom_spread_cleanup. */
enum cvom_status cvom_stakeholder_spread(const struct cvom_config *cfg,
                                         const struct cvom_explanation *ex,
                                         struct cvom_spread *out);
/* Free the points; NULL does nothing. */
void cvom_spread_cleanup(struct cvom_spread *s);

/* ---------------------------------------------------------------------------------------
 * The relationship map: an account's stakeholders by whom they report to, and its gaps
 * ------------------------------------------------------------------------------------- */

/* A decision maker is a stakeholder whose role contains "decision" or "buyer" (in any case:
 * "Decision maker", "Economic buyer") or whose influence is at least
 * CVOM_MAP_DECIDER_INFLUENCE. A coverage gap is any of:
 *   - a decision maker with nobody at our side looking after them (no counterpart);
 *   - a decision maker with no contact recorded within CVOM_MAP_CONTACT_DAYS days before
 *     the day judged (or none at all);
 *   - a champion with only sceptics and opponents above them: everyone they report to,
 *     directly or through others, is a sceptic or an opponent (and there is at least one). */
#define CVOM_MAP_DECIDER_INFLUENCE 0.8
#define CVOM_MAP_CONTACT_DAYS 90
#define CVOM_MAP_MAX 10000 /* people on one map */

struct cvom_map_person {
    int64_t id;         /* > 0 and unique among the people given */
    int64_t reports_to; /* the id of another of them; 0, or an id not among them: the top */
    const char *role;   /* borrowed for the call; NULL reads as "" */
    double influence;   /* 0..1 */
    enum cvom_stance stance;
    int32_t last_contact; /* days since 1970-01-01; 0: never */
    int has_counterpart;  /* 1 when someone at our side looks after them */
};

enum cvom_map_gap {
    CVOM_GAP_NO_COUNTERPART = 1u << 0,
    CVOM_GAP_NO_CONTACT = 1u << 1,
    CVOM_GAP_CRITICS_ABOVE = 1u << 2,
};
#define CVOM_MAP_GAP_KINDS 3

struct cvom_map_node {
    size_t person; /* index into the people given */
    int depth;     /* 0 at the top; one more per level below */
    int decider;   /* 1 for a decision maker */
    unsigned gaps; /* enum cvom_map_gap bits */
};

/* Whether a stakeholder of that role (NULL: none) and influence is a decision maker. */
int cvom_map_is_decider(const char *role, double influence);
/* "no-counterpart", "no-contact", "critics-above" for one gap bit; "" for anything else. */
const char *cvom_map_gap_name(unsigned gap);
/* The gap as a short sentence: "decision maker without a counterpart", …; "" otherwise. */
const char *cvom_map_gap_text(unsigned gap);

/* Lay out people p[0..n) as an organisation chart and judge their gaps as of today (days
 * since 1970-01-01). nodes (room for n, the caller's) receives every person once, depth
 * first: each person at the top in the order given, followed by those who report to them,
 * in the order given, and so on down. A loop of reports_to (which the store refuses) is
 * broken at its member given first, who is then put at the top. CVOM_EINVAL (message in
 * err) for more than CVOM_MAP_MAX people or an id that is not positive or given twice,
 * CVOM_ENOMEM; nodes is written only on success. */
enum cvom_status cvom_map_build(const struct cvom_map_person *p, size_t n, int32_t today,
                                struct cvom_map_node *nodes, struct cvom_error *err);

/* ---------------------------------------------------------------------------------------
 * Account groups: a parent account and its subsidiaries, rolled up
 * ------------------------------------------------------------------------------------- */

/* An account with accounts below it (its children, theirs, and so on at any depth) is a
 * group; its members are the account itself and everyone below it. The group's point is
 * the weighted mean of its placed members' points, axis by axis:
 *   - weighted by revenue when every placed member has a revenue above zero; otherwise
 *     (a revenue missing or zero for any of them) every placed member weighs the same, so
 *     that a member of unknown revenue is neither dropped nor counted as zero;
 *   - a member without a point (not placed) is listed and left out of the point;
 *   - the interval is the members' own, combined: with shares sᵢ = wᵢ/Σw, the half-width is
 *     sqrt(Σ sᵢ²·halfᵢ²) (and the standard error sqrt(Σ sᵢ²·seᵢ²)), the group's point being a
 *     fixed combination of independent estimates; a placed member without an interval on an
 *     axis leaves the group without one on it. Clamped to 0–100 as an account's;
 *   - the spread is the weighted root-mean-square distance of the placed members' points
 *     from the group's point (NaN with fewer than two);
 *   - the group is split when its placed members sit in two quadrants or more;
 *   - its revenue is the sum of its members' revenues (none known: 0).
 * The quadrant and the state come from the thresholds, as an account's. */
#define CVOM_GROUP_MAX 100000 /* accounts given to the tree functions at once */

struct cvom_group_member {
    struct cvom_score score; /* placed when state is not INSUFFICIENT */
    int placed;              /* 0: listed only (never assessed, or too little evidence) */
    double revenue;          /* NaN, or <= 0: not known */
};

enum cvom_group_weights {
    CVOM_GROUP_BY_REVENUE = 0, /* every placed member has a revenue above zero */
    CVOM_GROUP_EQUAL,          /* some placed member has none: equal weights */
    CVOM_GROUP_WEIGHTS_COUNT
};

struct cvom_group {
    struct cvom_score score; /* the group's point, interval, quadrant and state; state
                                INSUFFICIENT when no member is placed. respondents: the
                                members' summed */
    size_t members, placed;
    enum cvom_group_weights weights;
    double spread;      /* NaN with fewer than two placed members */
    unsigned quadrants; /* bit 1 << q for every quadrant q a placed member sits in */
    int split;          /* 1 when two bits or more of quadrants are set */
    double revenue;     /* the members' summed revenue (those with one) */
    size_t no_revenue;  /* members whose revenue is missing or zero */
};

/* "revenue" or "equal". */
const char *cvom_group_weights_name(enum cvom_group_weights w);

/* Roll up members m[0..n) (n >= 1) under cfg. share (room for n, the caller's) receives each
 * member's weight in the group's point (0 for one not placed; the placed ones' add up to
 * 1). CVOM_EINVAL for a bad configuration, n of 0 or share NULL; *out and share are written
 * only on success. */
enum cvom_status cvom_group_rollup(const struct cvom_config *cfg, const struct cvom_group_member *m,
                                   size_t n, double *share, struct cvom_group *out);

/* The tree of accounts id[0..n) whose parents are parent[0..n) (0, or an id not among them:
 * none). up (room for n) receives the index of each one's parent, -1 for none; a loop of
 * parents (which the store refuses) is broken at its member given first. CVOM_EINVAL (message
 * in err) for more than CVOM_GROUP_MAX accounts, an id that is not positive or given twice;
 * CVOM_ENOMEM; up is written only on success. */
enum cvom_status cvom_group_tree(const int64_t *id, const int64_t *parent, size_t n, long *up,
                                 struct cvom_error *err);
/* Whether account i is g or below g in the tree up (from cvom_group_tree). */
int cvom_group_contains(const long *up, size_t g, size_t i);
/* The account at the top over account i (i itself when it has no parent). */
size_t cvom_group_top(const long *up, size_t i);
/* How many levels account i sits below g (0 when it is g); -1 when it is not in g's group. */
int cvom_group_depth(const long *up, size_t g, size_t i);

/* ---------------------------------------------------------------------------------------
 * Playbooks and what-if
 * ------------------------------------------------------------------------------------- */

/* A playbook is a list of plays, each filed under a situation key:
 *   - a quadrant:            "transactional", "intellectual", "emotional", "partnership";
 *   - a move between two:    "FROM-to-TO", e.g. "partnership-to-intellectual";
 *   - the evidence state:    "borderline", "insufficient".
 * Keys are unique within a playbook and made of [a-z0-9_.-]. */
#define CVOM_PLAY_KEY_MAX 64
#define CVOM_PLAY_TITLE_MAX 128
#define CVOM_PLAY_TEXT_MAX 1024
#define CVOM_PLAYS_MAX 512
#define CVOM_PLAY_COLUMNS 5 /* key, title, play, axis, cost */

/* The axis a play works on. */
enum cvom_play_axis {
    CVOM_PLAY_INTELLECTUAL = 0,
    CVOM_PLAY_EMOTIONAL,
    CVOM_PLAY_BOTH,
    CVOM_PLAY_AXIS_COUNT
};

/* A rough level of what a play costs us to run. */
enum cvom_cost_level { CVOM_COST_LOW = 0, CVOM_COST_MEDIUM, CVOM_COST_HIGH, CVOM_COST_COUNT };

struct cvom_play {
    char key[CVOM_PLAY_KEY_MAX];
    char title[CVOM_PLAY_TITLE_MAX];
    char text[CVOM_PLAY_TEXT_MAX];
    enum cvom_play_axis axis;
    enum cvom_cost_level cost;
};

struct cvom_playbook {
    size_t n;
    struct cvom_play *plays; /* owned; freed by cvom_playbook_cleanup */
};

/* "intellectual", "emotional", "both" and "low", "medium", "high"; "?" out of range. The
 * parsers accept exactly those names and return -1 otherwise. */
const char *cvom_play_axis_name(enum cvom_play_axis a);
int cvom_play_axis_parse(const char *s);
const char *cvom_cost_level_name(enum cvom_cost_level c);
int cvom_cost_level_parse(const char *s);
/* The name of column i (0..CVOM_PLAY_COLUMNS-1) of a playbook file: "key", "title",
 * "play", "axis", "cost"; NULL out of range. */
const char *cvom_play_column(size_t i);

/* Initialise an empty playbook in caller storage; cleanup frees its plays and leaves it
 * empty. Cleaning up NULL or twice is harmless. */
void cvom_playbook_init(struct cvom_playbook *b);
void cvom_playbook_cleanup(struct cvom_playbook *b);
/* Check one play: a well-formed key, a title and a text that are not blank, an axis and a
 * cost in range. CVOM_EINVAL with the column's name in err->field. */
enum cvom_status cvom_play_validate(const struct cvom_play *p, struct cvom_error *err);
/* Append a copy of p after validating it. CVOM_EEXIST for a key already in b, CVOM_ELIMIT
 * past CVOM_PLAYS_MAX, CVOM_ENOMEM; b is unchanged on failure. */
enum cvom_status cvom_playbook_add(struct cvom_playbook *b, const struct cvom_play *p,
                                   struct cvom_error *err);
/* Index of the play with this key, or -1. */
int cvom_playbook_find(const struct cvom_playbook *b, const char *key);
/* Build a play from the CVOM_PLAY_COLUMNS fields of one row of a playbook file (in column
 * order; surrounding blanks of key, axis and cost are ignored). On failure *bad (when not
 * NULL) receives the index of the offending field and err says what is wrong with it;
 * *out is written only on success. */
enum cvom_status cvom_play_from_fields(const char *const *fields, size_t n, struct cvom_play *out,
                                       size_t *bad, struct cvom_error *err);

/* The situation key of a quadrant ("partnership") or of a move between two quadrants
 * ("partnership-to-intellectual"), written into buf (always NUL-terminated). */
void cvom_play_quadrant_key(enum cvom_quadrant q, char buf[CVOM_PLAY_KEY_MAX]);
void cvom_play_move_key(enum cvom_quadrant from, enum cvom_quadrant to,
                        char buf[CVOM_PLAY_KEY_MAX]);

/* The situations an account is in, most pressing first. */
#define CVOM_PLAY_CHOICE_MAX 3
struct cvom_play_choice {
    size_t n;
    char keys[CVOM_PLAY_CHOICE_MAX][CVOM_PLAY_KEY_MAX];
};

/* Choose the situation keys for an account from its quadrant on an earlier date (then: an
 * enum cvom_quadrant, or -1 when it was not placed then), its quadrant now (now, ignored
 * when state is INSUFFICIENT) and its evidence state now:
 *   - insufficient evidence now: "insufficient" alone, as there is no point to play from;
 *   - otherwise the move "then-to-now" when it was placed then in another quadrant, then
 *     the quadrant now, then "borderline" when the state is borderline.
 * Pure; an out-of-range quadrant counts as not placed. */
void cvom_playbook_choose(int then, enum cvom_quadrant now, enum cvom_state state,
                          struct cvom_play_choice *out);

/* What-if: planned actions, each expected to move one axis by some points at some cost,
 * applied to an account's current scores. It is a plan's estimate, never evidence: it is
 * not stored as a score and does not change one. */
#define CVOM_WHATIF_STEPS_MAX 10000
#define CVOM_WHATIF_EFFECT_MAX 100.0 /* |effect| of one action, in score points */

struct cvom_whatif_step {
    int axis;      /* enum cvom_dim, or -1 for an action that moves no axis (cost only) */
    double effect; /* expected points on that axis, −100..100; 0 when axis is -1 */
    double cost;   /* >= 0 and finite; 0 when unknown */
};

struct cvom_whatif {
    size_t steps;
    double effect[CVOM_DIM_COUNT]; /* the steps' effects summed per axis */
    double before[CVOM_DIM_COUNT]; /* the current scores; NaN when none */
    double after[CVOM_DIM_COUNT];  /* before + effect, held within 0–100; NaN when none */
    int capped[CVOM_DIM_COUNT];    /* 1 when the 0–100 bounds cut the effect */
    double lo[CVOM_DIM_COUNT];     /* the current interval moved by after − before and
                                      held within 0–100; NaN when the interval is */
    double hi[CVOM_DIM_COUNT];
    enum cvom_quadrant quadrant_before, quadrant_after; /* meaningful unless INSUFFICIENT */
    enum cvom_state state_before, state_after;          /* after: the moved interval judged
                                                           against the thresholds as the
                                                           scoring does */
    double cost;                                        /* the steps' costs summed */
};

/* Project the score now under the n steps (steps may be NULL when n is 0). An account with
 * insufficient evidence stays insufficient: a plan is not evidence. CVOM_EINVAL (message
 * in err) for a bad configuration, a step with a bad axis, effect or cost, or n past
 * CVOM_WHATIF_STEPS_MAX; *out is written only on success. */
enum cvom_status cvom_whatif_project(const struct cvom_config *cfg, const struct cvom_score *now,
                                     const struct cvom_whatif_step *steps, size_t n,
                                     struct cvom_whatif *out, struct cvom_error *err);

/* The portfolio's quadrant mix before and after a set of projections. */
struct cvom_whatif_mix {
    size_t accounts;
    size_t before[CVOM_Q_COUNT + 1]; /* by quadrant; [CVOM_Q_COUNT]: not placed */
    size_t after[CVOM_Q_COUNT + 1];
    size_t moved;      /* placed accounts whose quadrant would change */
    size_t with_steps; /* accounts with at least one step */
    double cost;       /* all steps' costs */
};

/* Count the n projections w (w may be NULL when n is 0) into *out. Pure; never fails. */
void cvom_whatif_tally(const struct cvom_whatif *w, size_t n, struct cvom_whatif_mix *out);

/* ---------------------------------------------------------------------------------------
 * Offerings and over-serving
 * ------------------------------------------------------------------------------------- */

/* Per account and offering the customer gives two ratings on a 1–7 scale — how important
 * the offering is to them, and how well we perform it (their satisfaction) — and we know
 * our annual cost to serve it. Fractional ratings (means of several people) are allowed. */
#define CVOM_RATING_MIN 1.0
#define CVOM_RATING_MAX 7.0
#define CVOM_RATING_MIDPOINT 4.0   /* the default of both thresholds below */
#define CVOM_OVERSERVED_SHARE 0.25 /* the default over-served share of the cost */

/* The importance–performance quadrants. A rating at or above a threshold is on its high
 * side: importance >= the importance threshold is important, performance >= the
 * performance threshold is performing well. */
enum cvom_ip_quadrant {
    CVOM_IP_CONCENTRATE = 0, /* important, performing badly: concentrate here */
    CVOM_IP_KEEP_UP,         /* important, performing well: keep up the good work */
    CVOM_IP_LOW_PRIORITY,    /* unimportant, performing badly: low priority */
    CVOM_IP_OVERKILL,        /* unimportant, performing well: possible overkill */
    CVOM_IP_COUNT
};

/* "concentrate", "keep_up", "low_priority", "overkill" (stable, for CSV and JSON) and
 * "concentrate here", "keep up the good work", "low priority", "possible overkill" (for
 * people); "?" out of range. */
const char *cvom_ip_quadrant_key(enum cvom_ip_quadrant q);
const char *cvom_ip_quadrant_label(enum cvom_ip_quadrant q);

struct cvom_serving_config {
    double importance_threshold;  /* 1..7, default 4: below it the offering is unvalued */
    double performance_threshold; /* 1..7, default 4 */
    double overserved_share;      /* 0..1, default 0.25 */
};

/* Fill the defaults. */
void cvom_serving_config_init(struct cvom_serving_config *cfg);
/* CVOM_EINVAL (message in err) when a threshold is outside 1..7 or the share outside 0..1. */
enum cvom_status cvom_serving_config_validate(const struct cvom_serving_config *cfg,
                                              struct cvom_error *err);

/* The quadrant of one rating under cfg's thresholds. Pure; the ratings are not checked. */
enum cvom_ip_quadrant cvom_ip_classify(const struct cvom_serving_config *cfg, double importance,
                                       double performance);

/* One account's rating of one offering. */
struct cvom_offer_rating {
    double importance;  /* 1..7 */
    double performance; /* 1..7 */
    double cost;        /* our annual cost to serve it, >= 0 */
};

/* CVOM_EINVAL (message and field in err) unless importance and performance lie in 1..7 and
 * cost is finite and >= 0. */
enum cvom_status cvom_offer_rating_validate(const struct cvom_offer_rating *r,
                                            struct cvom_error *err);

/* How one account is served. Unvalued cost is the cost of the offerings it rates below
 * the importance threshold; the account is over-served when that cost is more than the
 * configured share of its total cost to serve (strictly more: a share equal to the
 * setting is not over-served; an account that costs nothing never is). */
struct cvom_serving {
    size_t offerings;                  /* ratings counted */
    size_t unvalued;                   /* of which below the importance threshold */
    double total_cost;                 /* Σ cost */
    double unvalued_cost;              /* Σ cost of the unvalued ones */
    double share;                      /* unvalued / total; 0 when the total is 0 */
    int overserved;                    /* 1 when share > cfg->overserved_share */
    size_t by_quadrant[CVOM_IP_COUNT]; /* ratings per importance–performance quadrant */
};

/* Assess the n ratings of one account (r may be NULL when n is 0). CVOM_EINVAL for a bad
 * configuration or rating (err names the rating, counted from 1); *out is written only on
 * success. */
enum cvom_status cvom_serving_assess(const struct cvom_serving_config *cfg,
                                     const struct cvom_offer_rating *r, size_t n,
                                     struct cvom_serving *out, struct cvom_error *err);

/* The portfolio: the accounts' assessments summed. */
struct cvom_serving_total {
    size_t accounts;   /* accounts with at least one rating */
    size_t overserved; /* of which over-served */
    double total_cost;
    double unvalued_cost;
    double overserved_unvalued_cost; /* the unvalued cost of the over-served accounts */
    double share; /* unvalued / total over the portfolio; 0 when the total is 0 */
};

/* Sum n assessments (v may be NULL when n is 0). Pure; never fails. */
void cvom_serving_tally(const struct cvom_serving *v, size_t n, struct cvom_serving_total *out);

/* ---------------------------------------------------------------------------------------
 * Value alignment
 * ------------------------------------------------------------------------------------- */

/* A value hierarchy is a list of value names, most important first. Our own hierarchy
 * against an account's gives the account's alignment: Kendall's tau-b between the ranks
 * the two lists give to the values both contain, −1 (reversed) .. 1 (the same order). */
#define CVOM_VALUES_MAX 64
#define CVOM_VALUE_NAME_MAX 64
#define CVOM_ALIGN_AT_RISK 0.3 /* default: a partnership aligned below this is at risk */

struct cvom_alignment {
    size_t common; /* values both lists rank */
    double tau;    /* Kendall's tau-b over them; NaN with fewer than two */
};

/* Align two hierarchies (each at most CVOM_VALUES_MAX names, none empty, none twice;
 * names compare exactly). CVOM_EINVAL (message in err) otherwise; *out is written only on
 * success. Fewer than two common values is not an error: tau is NaN. */
enum cvom_status cvom_value_alignment(const char *const *ours, size_t n_ours,
                                      const char *const *theirs, size_t n_theirs,
                                      struct cvom_alignment *out, struct cvom_error *err);

/* 1 when an account placed in the Partnership quadrant (state not INSUFFICIENT) has a
 * known alignment below threshold; 0 otherwise. Pure. */
int cvom_partnership_at_risk(enum cvom_quadrant q, enum cvom_state state, double tau,
                             double threshold);

/* ---------------------------------------------------------------------------------------
 * Signals: numbers from a CRM or finance system blended into the axis scores
 * ------------------------------------------------------------------------------------- */

/* A signal is a measure such as discount depth or executive meetings a quarter. Its raw
 * value is brought to 0–100 by a normalisation, turned round when a higher raw value means
 * less value to the customer (direction −1), and blended into one axis:
 *
 *     axis = (W·survey + Σ wᵢ·sᵢ) / (W + Σ wᵢ)
 *
 * where W is cfg->survey_weight (default 1) and the sum runs over the account's signals on
 * that axis. Signals refine a survey score; they never stand in for one: an axis without a
 * survey score stays without a score. The survey's interval shrinks with its share (the
 * signals are taken as known), so an account can stop being borderline when signals agree
 * with the survey, and can cross a line when they do not. */
#define CVOM_SIGNAL_WEIGHT_MAX 100.0

enum cvom_norm {
    CVOM_NORM_FIXED = 0,  /* p1 = the raw value that scores 0, p2 = the one that scores 100;
                             values beyond are clamped */
    CVOM_NORM_PERCENTILE, /* the value's mid-rank among the portfolio's values of the signal
                             on the same date: 100·(rank − 1)/(n − 1), ties averaged; 50 when
                             the account is alone */
    CVOM_NORM_LOGISTIC,   /* 100 / (1 + e^(−(x − p1)/p2)): p1 the midpoint, p2 > 0 the scale */
    CVOM_NORM_COUNT
};

struct cvom_signal_def {
    char name[CVOM_CODE_MAX];  /* [A-Za-z0-9_.-], unique */
    char label[CVOM_NAME_MAX]; /* what it is, for people */
    enum cvom_dim axis;
    int direction; /* +1: more is more value; −1: more is less value */
    enum cvom_norm norm;
    double p1, p2; /* the normalisation's parameters (see enum cvom_norm) */
    double weight; /* relative to the survey weight; 0 < weight <= 100 */
};

const char *cvom_norm_name(enum cvom_norm n); /* "fixed", "percentile", "logistic" */
int cvom_norm_parse(const char *s);

/* Check a definition: name, axis, direction, parameters (fixed: finite and different;
 * logistic: finite midpoint, positive scale) and weight. Message in err. */
enum cvom_status cvom_signal_def_validate(const struct cvom_signal_def *d, struct cvom_error *err);

/* The mid-rank percentile of x among the n sorted values (which should contain x):
 * 100·(rank − 1)/(n − 1) with tied ranks averaged, 50 when n is 1. NaN when n is 0. */
double cvom_percentile_rank(const double *sorted, size_t n, double x);

/* A raw value as 0–100 on the signal's axis, direction applied. sorted/n are the
 * portfolio's values (percentile only; ignored otherwise). NaN for a non-finite x. */
double cvom_signal_normalise(const struct cvom_signal_def *d, double x, const double *sorted,
                             size_t n);

/* One signal of an account, normalised. */
struct cvom_signal_input {
    enum cvom_dim axis;
    double score;  /* 0–100 */
    double weight; /* > 0 */
};

/* Blend n signals (at most CVOM_SIGNALS_MAX) into a survey score, in place: values,
 * standard errors and intervals, quadrant and state. The survey's and the signals'
 * contributions add up to each blended score. CVOM_EINVAL for a bad configuration, weight
 * or score. Pure. */
enum cvom_status cvom_blend_signals(const struct cvom_config *cfg,
                                    const struct cvom_signal_input *in, size_t n,
                                    struct cvom_score *score, struct cvom_blend *out);

/* The same blend applied to an explanation: its score is blended and every respondent's,
 * answer's and item's contribution, sensitivity and headroom is scaled by the survey's
 * share, so that those contributions and the signals' still add up to the score and the
 * levers of cvom_explain_move stay true. The blend is kept in ex->blend. */
enum cvom_status cvom_explain_blend(const struct cvom_config *cfg,
                                    const struct cvom_signal_input *in, size_t n,
                                    struct cvom_explanation *ex);

#ifdef __cplusplus
}
#endif
#endif
