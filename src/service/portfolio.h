/* portfolio.h — the account-level work both faces need: load an account's evidence from
 * the store, score it, explain it, and read the team's configuration. It joins the store
 * and the core; it knows no SQL and prints nothing. */
#ifndef CVOM_SERVICE_PORTFOLIO_H
#define CVOM_SERVICE_PORTFOLIO_H

#include "cvom.h"
#include "service/signals.h"
#include "store/store.h"

/* What stands behind an account's score on a date. */
struct cvom_evidence {
    int assessments; /* latest complete assessment per respondent, on or before the date */
    int customer;    /* of which customer respondents */
    int32_t newest;  /* date of the newest of them; 0 when none */
    int stale;       /* 1 when the newest is older than the validity period */
};

/* Read thresholds and the other scoring settings from the store's settings, starting from
 * the defaults. CVOM_EINVAL when a stored value is malformed. */
enum cvom_status cvom__config_load(struct cvom_store *st, struct cvom_config *cfg,
                                   struct cvom_error *err);
/* Store one setting after validating it against the whole configuration. */
enum cvom_status cvom__config_store(struct cvom_store *st, const char *key, const char *value,
                                    struct cvom_error *err);
/* The same, for a change made on a page that showed the setting as seen (its text as
 * cvom__config_value gives it): CVOM_ECONFLICT, and nothing stored, when it is no longer that,
 * however many servers write at once. */
enum cvom_status cvom__config_store_seen(struct cvom_store *st, const char *key, const char *seen,
                                         const char *value, struct cvom_error *err);
/* Names of the settings cvom__config_load reads, NULL-terminated. */
extern const char *const cvom__config_keys[];
/* The value of one of those settings, from cfg or (the analytics' settings) an, as text
 * ("" for an unknown key, or an analytics key when an is NULL). */
struct cvom_analytics_settings;
void cvom__config_value(const struct cvom_config *cfg, const struct cvom_analytics_settings *an,
                        const char *key, char *buf, size_t cap);

/* A cache of instruments loaded from the store, so that each version is read once, and of
 * the signals in force on the last two dates scored (loaded on first use: for the one
 * account scored, then for the whole portfolio once a second account is scored). */
struct cvom_instrument_cache {
    size_t n;
    int64_t ids[16];
    struct cvom_instrument ins[16];
    struct cvom_signal_ctx *signals[2]; /* two dates, for callers that alternate */
    int last;                           /* the slot used last */
};
void cvom__instrument_cache_init(struct cvom_instrument_cache *c);
void cvom__instrument_cache_cleanup(struct cvom_instrument_cache *c);
enum cvom_status cvom__instrument_cache_get(struct cvom_instrument_cache *c, struct cvom_store *st,
                                            int64_t id, const struct cvom_instrument **out,
                                            struct cvom_error *err);

/* Score one account as of a date (days since epoch): its survey score blended with its
 * signals. ev may be NULL. */
enum cvom_status cvom__account_score(struct cvom_store *st, struct cvom_instrument_cache *cache,
                                     const struct cvom_config *cfg, int64_t account_id,
                                     int32_t as_of, struct cvom_score *out,
                                     struct cvom_evidence *ev, struct cvom_error *err);

/* Explain one account as of a date. *ins receives the instrument the explanation's item
 * indices refer to (the union of the versions used); the caller cleans up both. */
enum cvom_status cvom__account_explain(struct cvom_store *st, const struct cvom_config *cfg,
                                       int64_t account_id, int32_t as_of,
                                       struct cvom_explanation *ex, struct cvom_instrument *ins,
                                       struct cvom_evidence *ev, struct cvom_error *err);
/* The same, and the account's signals (when shown is not NULL) in the order of
 * ex->blend's inputs. */
enum cvom_status
cvom__account_explain_signals(struct cvom_store *st, const struct cvom_config *cfg,
                              int64_t account_id, int32_t as_of, struct cvom_explanation *ex,
                              struct cvom_instrument *ins, struct cvom_evidence *ev,
                              struct cvom_signals_shown *shown, struct cvom_error *err);

/* Make sure the default instrument is in the store; *id receives the id of its newest
 * version. Call inside a write transaction. */
enum cvom_status cvom__ensure_default_instrument(struct cvom_store *st, int64_t *id,
                                                 struct cvom_error *err);

/* One scored account of a portfolio scan. */
struct cvom_scored {
    struct cvom_account_line account; /* texts in the scan's own block (see below) */
    struct cvom_score score;
    struct cvom_evidence evidence;
    int namesake;  /* 1 when another account of the scan has the same name (ignoring case
                      and spaces): show it with cvom__account_label (service/accounts.h) */
    unsigned axes; /* bit 1 << a set when a counted answer is to an item of axis a (enum
                      cvom_axis); every bit set when the scan did not look */
};

/* Whether s is placed in quadrant q (enum cvom_quadrant): assessed with enough evidence and
 * in that quadrant. q < 0 takes every account, placed or not. The one rule of every face's
 * quadrant filter. */
int cvom__scored_in_quadrant(const struct cvom_scored *s, int q);
/* Keep the entries of v[0..n) in quadrant q (all of them when q < 0), in their order, at the
 * front of v; returns how many. */
size_t cvom__scored_keep_quadrant(struct cvom_scored *v, size_t n, int q);

/* Load the accounts matching f and score each as of a date. *out is a new array of *n
 * entries in the store's listing order (name, id); the caller frees it. The accounts' texts
 * lie after the entries, in the same allocation: entries may be moved about within the
 * array (sorted, kept), and a copy of one is good while the array is. progress, when not
 * NULL, is called now and then with (done, total). */
enum cvom_status cvom__portfolio_scan(struct cvom_store *st, const struct cvom_config *cfg,
                                      const struct cvom_account_filter *f, int32_t as_of,
                                      struct cvom_scored **out, size_t *n,
                                      void (*progress)(void *ctx, size_t done, size_t total),
                                      void *ctx, struct cvom_error *err);
#define SCAN_DATES_MAX 2 /* dates one portfolio scan scores at once */

/* The same as cvom__portfolio_scan on each of n_dates dates (1 to SCAN_DATES_MAX) at once,
 * reading the store once: out[d] is a new array of the *n accounts (the same accounts, in the
 * same order, on every date) scored as of dates[d]; the caller frees each. */
enum cvom_status cvom__portfolio_scan_dates(struct cvom_store *st, const struct cvom_config *cfg,
                                            const struct cvom_account_filter *f,
                                            const int32_t *dates, unsigned n_dates,
                                            struct cvom_scored **out, size_t *n,
                                            void (*progress)(void *ctx, size_t done, size_t total),
                                            void *ctx, struct cvom_error *err);

/* The reliability of one axis of an instrument version over its complete assessments. */
struct cvom_axis_reliability {
    size_t cases;                 /* assessments that answered every item of the axis */
    size_t items;                 /* items on the axis, in instrument order */
    size_t index[CVOM_ITEMS_MAX]; /* their indices in the instrument */
    double alpha; /* NaN when it cannot be computed (fewer than 2 cases, no spread) */
    double item_total[CVOM_ITEMS_MAX]; /* corrected item–total correlations */
};

/* Cronbach's alpha and item–total correlations per axis over every complete assessment
 * made with instrument id (whose items are in ins). */
enum cvom_status cvom__instrument_reliability(struct cvom_store *st, int64_t id,
                                              const struct cvom_instrument *ins,
                                              struct cvom_axis_reliability out[CVOM_DIM_COUNT],
                                              struct cvom_error *err);

#endif
