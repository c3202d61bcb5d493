/* analytics.h — the portfolio analytics both faces show: how the portfolio moved between two
 * dates (migration), where we spend on what customers do not value (over-serving), how well
 * each account's values match ours (alignment), partnership health across the portfolio, and
 * the stored settings they read. It joins the store and the core; it knows no SQL and prints
 * nothing. The definitions live in the core (include/cvom.h) and docs/formats.md. */
#ifndef CVOM_SERVICE_ANALYTICS_H
#define CVOM_SERVICE_ANALYTICS_H

#include "cvom.h"
#include "service/portfolio.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* ---- settings ---------------------------------------------------------------------------- */

/* The stored settings' keys (listed in cvom__config_keys, edited with `cvom config` and on the
 * web's settings page). */
#define CVOM_SETTING_OVERSERVED_SHARE "overserved_share"
#define CVOM_SETTING_ALIGN_AT_RISK "alignment_at_risk"
#define CVOM_SETTING_ALERT_DUE_DAYS "alerts.due_days"
#define CVOM_SETTING_ALERT_UNANSWERED_DAYS "alerts.unanswered_days"
#define CVOM_ALERT_DUE_DAYS 30        /* default: an assessment stale within this is due */
#define CVOM_ALERT_UNANSWERED_DAYS 14 /* default: a survey link older than this is unanswered */

struct cvom_analytics_settings {
    double overserved_share; /* 0..1, default CVOM_OVERSERVED_SHARE */
    double at_risk;          /* -1..1, default CVOM_ALIGN_AT_RISK */
    double due_days;         /* whole days 0..365, default CVOM_ALERT_DUE_DAYS */
    double unanswered_days;  /* whole days 1..365, default CVOM_ALERT_UNANSWERED_DAYS */
};

/* Read the settings, starting from the defaults. CVOM_EINVAL when a stored value is
 * malformed or out of range; *out is written only on success. */
enum cvom_status cvom__analytics_settings_load(struct cvom_store *st,
                                               struct cvom_analytics_settings *out,
                                               struct cvom_error *err);

/* Parse a value of one of these settings: CVOM_OK with *out set, CVOM_EINVAL when it is not
 * a number in the setting's range (0..1 for the share, -1..1 for the threshold, whole days for
 * the alerts'), CVOM_ENOTFOUND for another key. */
enum cvom_status cvom__analytics_setting_parse(const char *key, const char *value, double *out);

/* ---- migration between two dates -------------------------------------------------------- */

/* The portfolio scored on two dates and compared by cvom_migration_build. The migration's
 * indices point into in and acc. Do not copy or move it between gather and cleanup. */
struct cvom_compare {
    struct cvom_config cfg;
    struct cvom_migration m;
    struct cvom_migration_account *in;    /* one per account: the later scan's order, then
                                             the accounts only the earlier scan has */
    const struct cvom_account_line **acc; /* the same accounts' records, into the scans */
    size_t n;
    struct cvom_scored *later, *earlier; /* the scans (see cvom__compare_build) */
    size_t n_later, n_earlier;
    int own_scans; /* 1: cleanup frees the scans */
};

/* Score the accounts that match f (NULL: every account) as of o->from and o->to and compare
 * them. On failure *k holds nothing. CVOM_EINVAL for bad options, CVOM_ENOMEM, or the store's
 * status. Free with cvom__compare_cleanup. */
enum cvom_status cvom__compare_gather(struct cvom_store *st, const struct cvom_account_filter *f,
                                      const struct cvom_migration_options *o,
                                      struct cvom_compare *k, struct cvom_error *err);

/* Whether b[i] is the same account as a[i] for every i < n: two dates of one scan, which
 * can be paired by position without a search. */
int cvom__scored_same_order(const struct cvom_scored *a, const struct cvom_scored *b, size_t n);

/* The same from two scans already made under cfg: later as of o->to, earlier as of o->from.
 * Both are borrowed and must outlive *k; earlier is sorted by account id unless it lists
 * the accounts of later in their order. */
enum cvom_status cvom__compare_build(const struct cvom_config *cfg, struct cvom_scored *later,
                                     size_t n_later, struct cvom_scored *earlier, size_t n_earlier,
                                     const struct cvom_migration_options *o, struct cvom_compare *k,
                                     struct cvom_error *err);

/* Free what gather or build took; a zeroed or cleaned-up struct is fine. */
void cvom__compare_cleanup(struct cvom_compare *k);

/* The newest date the store holds snapshots for on or before as_of, and the one before it;
 * 0 for one that is not there. */
enum cvom_status cvom__snapshot_dates(struct cvom_store *st, int32_t as_of, int32_t *newest,
                                      int32_t *before, struct cvom_error *err);

/* The dates to compare when none are given: the two most recent dates the store holds
 * snapshots for, else 180 days before today, and today. */
enum cvom_status cvom__compare_default_dates(struct cvom_store *st, int32_t today, int32_t *from,
                                             int32_t *to, struct cvom_error *err);

/* ---- over-serving ------------------------------------------------------------------------ */

/* One rated account. */
struct cvom_served {
    const struct cvom_scored *acc; /* into the scan */
    struct cvom_serving s;
    const struct cvom_offering_rating *ratings; /* its ratings by offering code; into the set */
    size_t n_ratings;
    char offerings[1024]; /* the codes of its unvalued offerings, separated by spaces */
};

struct cvom_overserving {
    struct cvom_serving_config cfg;
    struct cvom_served *v; /* every rated account: most unvalued cost first, then by name */
    size_t n;
    struct cvom_serving_total total;
    /* what v points into */
    struct cvom_offering_rating *ratings;
    size_t n_ratings;
    struct cvom_scored *scan;
    size_t n_scan;
    int own_scan;
};

/* Score the accounts that match f (NULL: every account) and are placed in quadrant (enum
 * cvom_quadrant; -1: any account) as of a date and assess the ratings of each under cfg. On failure
 * *out holds nothing. CVOM_EINVAL for a bad configuration or a bad stored rating, CVOM_ENOMEM, or
 * the store's status. */
enum cvom_status cvom__overserving_gather(struct cvom_store *st,
                                          const struct cvom_serving_config *cfg,
                                          const struct cvom_account_filter *f, int quadrant,
                                          int32_t as_of, struct cvom_overserving *out,
                                          struct cvom_error *err);

/* The same for the accounts of a scan already made; scan is borrowed and must outlive *out. */
enum cvom_status cvom__overserving_build(struct cvom_store *st,
                                         const struct cvom_serving_config *cfg,
                                         struct cvom_scored *scan, size_t n_scan,
                                         struct cvom_overserving *out, struct cvom_error *err);

void cvom__overserving_cleanup(struct cvom_overserving *o);

/* The places of a value hierarchy as the store lists them (ours with account_id 0, one
 * account's, or every account's with -1): by account, then rank. *v is a new array of *n
 * places, set even on failure; the caller frees it. */
enum cvom_status cvom__value_places(struct cvom_store *st, int64_t account_id,
                                    struct cvom_value_rank **v, size_t *n, struct cvom_error *err);

/* ---- value alignment ----------------------------------------------------------------------- */

struct cvom_aligned {
    const struct cvom_scored *acc; /* into the scan */
    struct cvom_alignment a;
    int at_risk;
    const struct cvom_value_rank *theirs; /* its hierarchy, most important first */
    size_t n_theirs;
};

struct cvom_alignment_set {
    double threshold;
    const char *ours[CVOM_VALUES_MAX]; /* our hierarchy, most important first */
    size_t n_ours;                     /* 0: we have no ranking, and v is empty */
    struct cvom_aligned *v;            /* the accounts with a hierarchy (with one account: it alone,
                                          with or without), least aligned first, unknown last, then name */
    size_t n;
    size_t n_at_risk;
    /* what the pointers point into */
    struct cvom_value_rank *our_places, *their_places;
    size_t n_our_places, n_their_places;
    struct cvom_scored *scan;
    size_t n_scan;
    int own_scan;
};

/* Align every ranked account that matches f (NULL: every account) and is placed in quadrant
 * (-1: any account), or with account_id > 0 that account alone, with our hierarchy; quadrants as of
 * a date. Without a ranking of our own the set is empty (n_ours 0), which is not an error. On
 * failure *out holds nothing. */
enum cvom_status cvom__alignment_gather(struct cvom_store *st, double threshold,
                                        const struct cvom_account_filter *f, int quadrant,
                                        int32_t as_of, int64_t account_id,
                                        struct cvom_alignment_set *out, struct cvom_error *err);

/* The same for every ranked account of a scan already made (borrowed). */
enum cvom_status cvom__alignment_build(struct cvom_store *st, double threshold,
                                       struct cvom_scored *scan, size_t n_scan,
                                       struct cvom_alignment_set *out, struct cvom_error *err);

void cvom__alignment_set_cleanup(struct cvom_alignment_set *s);

/* ---- partnership health across a portfolio --------------------------------------------- */

/* One account whose partnership health is known (state CVOM_HEALTH_OK). */
struct cvom_health_row {
    const struct cvom_scored *acc; /* into the scan */
    struct cvom_health h;          /* the summary: its per-respondent and per-item arrays are
                                      freed and NULL */
};

/* The accounts of a scan (borrowed) whose health is known as of a date, lowest health first,
 * then by name. *out is a new array of *n rows, freed by the caller with free(); on failure
 * nothing is returned. */
enum cvom_status cvom__health_known(struct cvom_store *st, const struct cvom_config *cfg,
                                    const struct cvom_scored *scan, size_t n_scan, int32_t as_of,
                                    struct cvom_health_row **out, size_t *n,
                                    struct cvom_error *err);

#endif
