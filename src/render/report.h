/* report.h — the portfolio report: what `cvom report` computed, as plain data, and the
 * writers that turn it into HTML, XLSX, CSV or JSON documents. Rendering never queries the
 * store: the caller scores the portfolio on two dates and hands the results in.
 *
 * The sections, their columns and the rules for each are listed in docs/formats.md.
 */
#ifndef CVOM_RENDER_REPORT_H
#define CVOM_RENDER_REPORT_H

#include "cvom.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One account: the columns of `cvom export`, and its score at the "since" date so that
 * movements can be found. Strings are borrowed and must outlive the report. */
struct cvom_report_account {
    int64_t id;
    const char *external_id; /* "" when none */
    const char *name;
    const char *label; /* as people read it: the name, told apart from namesakes; NULL: name */
    const char *owner;
    double revenue;
    struct cvom_score now;    /* as of the report's date */
    struct cvom_score before; /* as of the since date; state INSUFFICIENT when not placed */
    int assessments;          /* assessments behind `now`; 0 when never assessed */
    int32_t last_assessed;    /* newest of them (days since epoch); 0 when none */
    int stale;                /* 1: the newest is older than the validity period */
};

/* The analytics' sections (optional: a caller that fills none gets empty sections). Each
 * row names its account by index into the report's accounts. */

/* An account sliding towards Transactional between the since date and the report's date
 * (see struct cvom_migration_slide). */
struct cvom_report_slide {
    size_t account;
    double fall; /* intellectual + emotional then minus now */
    int entered; /* 1: it moved into Transactional */
};

/* An over-served account (see struct cvom_serving). */
struct cvom_report_served {
    size_t account;
    double total_cost, unvalued_cost;
    double share;          /* unvalued / total, 0–1 */
    const char *offerings; /* codes of its unvalued offerings, separated by spaces; borrowed */
};

/* A partnership at risk: aligned below the threshold. */
struct cvom_report_aligned {
    size_t account;
    size_t common; /* values both hierarchies rank */
    double tau;    /* Kendall's tau-b */
};

/* An account whose partnership health is known. */
struct cvom_report_health {
    size_t account;
    double measure[CVOM_PILLAR_COUNT]; /* the four pillars, then trust */
    double health;
    int capped;  /* trust holds health below the pillars' mean */
    int weakest; /* enum cvom_pillar */
};

/* A signal over the report's accounts (see struct cvom_signal_summary). */
struct cvom_report_signal {
    const char *name, *label; /* borrowed */
    enum cvom_dim axis;
    int direction; /* +1 or -1 */
    enum cvom_norm norm;
    double weight;
    int ledger;                     /* 1: the network ledger's */
    size_t accounts;                /* accounts whose score it entered */
    double mean_score, mean_points; /* NaN when none */
};

/* Which axes a borderline account's intervals cross. */
/* A top-level group of the report: an account of it with accounts below it, rolled up over
 * every member (cvom_group_rollup), whatever the report's filters. */
struct cvom_report_group {
    size_t account;          /* its top account, index into accounts */
    struct cvom_group group; /* the roll-up: point, interval, state, revenue, split */
    char split[64];          /* the quadrants its placed members sit in, as titles; "" */
};

enum cvom_report_axes {
    CVOM_REPORT_AXES_NONE = 0,
    CVOM_REPORT_AXES_INTELLECTUAL,
    CVOM_REPORT_AXES_EMOTIONAL,
    CVOM_REPORT_AXES_BOTH,
    CVOM_REPORT_AXES_COUNT
};

struct cvom_report {
    /* Filled by the caller before cvom__report_build. */
    int32_t as_of, since; /* days since epoch; since <= as_of */
    double threshold[CVOM_DIM_COUNT];
    double confidence; /* interval coverage, e.g. 0.90 */
    int validity_days;
    const char *filters;                        /* "owner = Priya Shah"; NULL or "" for none */
    const struct cvom_report_account *accounts; /* borrowed, in the export's order */
    size_t n_accounts;

    /* Analytics, filled by the caller too (all borrowed; see docs/formats.md). */
    int has_migration; /* 1 when since < as_of and the tables are set */
    size_t transition_count[CVOM_MIG_STATES][CVOM_MIG_STATES]; /* [then][now] */
    double transition_revenue[CVOM_MIG_STATES][CVOM_MIG_STATES];
    double slide_points;                    /* the least fall that counts as a slide */
    const struct cvom_report_slide *slides; /* most severe first */
    size_t n_slides;
    double overserved_share;                     /* the setting the list was made with */
    size_t rated_accounts;                       /* accounts with offering ratings */
    double unvalued_cost, cost_to_serve;         /* over the rated accounts */
    const struct cvom_report_served *overserved; /* most unvalued cost first */
    size_t n_overserved;
    double at_risk_threshold;
    int has_our_ranking;                       /* 0: no hierarchy of ours, alignment unknown */
    size_t ranked_accounts;                    /* accounts with a hierarchy */
    const struct cvom_report_aligned *at_risk; /* least aligned first */
    size_t n_at_risk;
    const struct cvom_report_health *health; /* lowest health first */
    size_t n_health;
    double survey_weight;                     /* the survey's weight against the signals */
    const struct cvom_report_signal *signals; /* by name */
    size_t n_signals;
    const struct cvom_report_group *groups; /* largest group revenue first */
    size_t n_groups;

    /* Filled by cvom__report_build. Section lists are indices into accounts, largest revenue
     * first (then by name). */
    size_t count[CVOM_Q_COUNT]; /* placed accounts per quadrant */
    double revenue[CVOM_Q_COUNT];
    size_t placed;             /* the sum of count[] */
    size_t insufficient_count; /* accounts not placed (never assessed included) */
    size_t unassessed_count;   /* of those, the accounts never assessed */
    double insufficient_revenue;
    double total_revenue;
    size_t *movers, n_movers;             /* placed on both dates, in another quadrant now */
    size_t *borderline, n_borderline;     /* an interval crosses a threshold now */
    size_t *stale, n_stale;               /* newest assessment older than the validity */
    size_t *insufficient, n_insufficient; /* not enough evidence to be placed now */
};

/* Work out the sections of a report whose input fields are set: per-quadrant counts and
 * revenue, movers, borderline, stale and insufficient-evidence accounts (the analytics'
 * sections are taken as given). Pure: no I/O.
 * CVOM_EINVAL when since is after as_of, CVOM_ENOMEM when memory runs out (the report is
 * then left without sections). Free the sections with cvom__report_cleanup. */
enum cvom_status cvom__report_build(struct cvom_report *r, struct cvom_error *err);

/* Free what cvom__report_build allocated; the input fields are left alone. */
void cvom__report_cleanup(struct cvom_report *r);

/* The axes whose interval reaches past the threshold on both sides, as the scorer decides
 * borderline (NONE unless the state is BORDERLINE). */
enum cvom_report_axes cvom__report_borderline_axes(const struct cvom_score *s,
                                                   const double threshold[CVOM_DIM_COUNT]);

enum cvom_report_format {
    CVOM_REPORT_HTML = 0,
    CVOM_REPORT_XLSX,
    CVOM_REPORT_CSV,
    CVOM_REPORT_JSON,
    CVOM_REPORT_FORMAT_COUNT
};

/* Parse "html", "xlsx", "csv" or "json"; -1 otherwise. */
int cvom__report_format_parse(const char *s);

/* Write a built report to an open stream: HTML, CSV or JSON (XLSX needs a file: use
 * cvom__report_write_file). CVOM_EINVAL for XLSX, CVOM_EIO when writing fails, CVOM_ENOMEM.
 * The stream is neither flushed nor closed. */
enum cvom_status cvom__report_write(const struct cvom_report *r, enum cvom_report_format fmt,
                                    FILE *out, struct cvom_error *err);

/* Write a built report to path in any format. The document is written to a temporary file
 * beside path and renamed into place, so a failure leaves no file behind and an existing
 * file untouched. CVOM_EIO (with the path and reason in err) when the file cannot be
 * written. */
enum cvom_status cvom__report_write_file(const struct cvom_report *r, enum cvom_report_format fmt,
                                         const char *path, struct cvom_error *err);

#endif
