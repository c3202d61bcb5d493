/* documents.h — the data behind the documents cvom draws and writes: the matrix picture,
 * the portfolio report and the account one-pager. The command line and the web application
 * both gather it here, so that the same selection gives the same document in either. Reads
 * the store and the configuration; draws nothing and prints nothing. */
#ifndef CVOM_SERVICE_DOCUMENTS_H
#define CVOM_SERVICE_DOCUMENTS_H

#include "cvom.h"
#include "render/chart.h"
#include "render/onepager.h"
#include "service/groups.h"
#include "render/report.h"
#include "service/accounts.h"
#include "service/analytics.h"
#include "service/portfolio.h"
#include "service/relmap.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

/* The default distance between a report's dates: half a year. */
#define CVOM_REPORT_SINCE_DAYS 180

/* ---- the matrix picture ------------------------------------------------------------------- */

struct cvom_matrix_doc_acct; /* what a point needs of its account; private */

/* The points of a matrix picture. Fill it with cvom__matrix_doc_gather, free it with
 * cvom__matrix_doc_cleanup; the labels of pts point into the document itself. */
struct cvom_matrix_doc {
    struct cvom_chart_point *pts; /* what to draw, in the store's listing order */
    size_t n;
    size_t unassessed;                /* accounts never assessed: not points, for cvom_chart_opts */
    double threshold[CVOM_DIM_COUNT]; /* of the configuration, for cvom_chart_opts */
    struct cvom_matrix_doc_acct *accts; /* private: the accounts the labels belong to */
    size_t n_accts;
    char *names; /* private: their labels */
};

/* Score the accounts that match f as of `to` and make them chart points: accounts never
 * assessed are counted in unassessed (as the API's matrix does) and not made points, accounts
 * without enough evidence are kept unplaced (the chart counts them, it does not draw them), and
 * with quadrant >= 0 only the accounts placed in that quadrant are kept. With has_from each point
 * also gets its position as of `from`, for arrows and trend colours. f NULL selects no account at
 * all (a scope that sees nothing). On success *d owns everything; on failure *d is left empty.
 * CVOM_ENOMEM when the portfolio does not fit in memory, or the store's status. */
enum cvom_status cvom__matrix_doc_gather(struct cvom_store *st, const struct cvom_account_filter *f,
                                         int quadrant, int32_t to, int has_from, int32_t from,
                                         struct cvom_matrix_doc *d, struct cvom_error *err);

/* The same by top-level groups (cvom__group_scan): each account without a parent stands for
 * its group, at the group's point with the group's revenue, labelled "NAME (group of N)" when
 * it has accounts below it; f chooses groups by their top account. CVOM_ECONFLICT when the
 * accounts change between the two dates' reads. */
enum cvom_status cvom__matrix_doc_gather_groups(struct cvom_store *st,
                                                const struct cvom_account_filter *f, int quadrant,
                                                int32_t to, int has_from, int32_t from,
                                                struct cvom_matrix_doc *d, struct cvom_error *err);

/* Free what gather took; an emptied or zeroed document is fine. */
void cvom__matrix_doc_cleanup(struct cvom_matrix_doc *d);

/* The picture's footer into out (cap bytes, always terminated): "as of DATE", then
 * " · compared with DATE" with has_from, then the filters that are set as "owner=…, tag=…,
 * industry=…, region=…, quadrant=…". f and quadrant may be NULL. */
void cvom__matrix_doc_footer(char *out, size_t cap, int32_t to, int has_from, int32_t from,
                             const struct cvom_account_filter *f, const char *quadrant);

/* ---- the portfolio report ----------------------------------------------------------------- */

/* A built report and what it borrows. The report points into this structure: do not copy or
 * move it between gather and cleanup. */
struct cvom_report_doc {
    struct cvom_report report; /* built: ready for cvom__report_write(_file) */
    char filters[640];         /* "owner = Priya Shah, tag = key", or "" */
    struct cvom_scored *now, *before;
    struct cvom_report_account *rows;
    char *labels; /* the rows' labels that are not their bare names */
    /* the analytics behind the migration, over-serving, alignment and health sections */
    struct cvom_compare mig;
    struct cvom_overserving served;
    struct cvom_alignment_set align;
    struct cvom_health_row *health;
    size_t n_health;
    struct cvom_report_slide *slide_rows;
    struct cvom_report_served *served_rows;
    struct cvom_report_aligned *risk_rows;
    struct cvom_report_health *health_rows;
    struct cvom_signal_summary signals[CVOM_SIGNALS_MAX];
    struct cvom_report_signal signal_rows[CVOM_SIGNALS_MAX];
    struct cvom_report_group *group_rows;
};

/* Score the accounts that match f on as_of and on since (since <= as_of), gather the
 * analytics over the same accounts (the migration between the dates, over-serving and
 * alignment under the stored settings, partnership health) and build the report. f NULL
 * selects no account at all. On failure *d is left empty. CVOM_EINVAL when
 * since is after as_of, CVOM_ENOMEM, or the store's status. */
enum cvom_status cvom__report_doc_gather(struct cvom_store *st, const struct cvom_account_filter *f,
                                         int32_t as_of, int32_t since, struct cvom_report_doc *d,
                                         struct cvom_error *err);

/* Free what gather took; an emptied or zeroed document is fine. */
void cvom__report_doc_cleanup(struct cvom_report_doc *d);

/* ---- the account one-pager ---------------------------------------------------------------- */

/* An account's one-pager and what it borrows. page points into this structure and into the
 * account given to gather, which must outlive the document: do not copy or move it. */
struct cvom_onepager_doc {
    struct cvom_onepager page; /* ready for cvom__onepager_write_file */
    struct cvom_config cfg;
    struct cvom_explanation ex;
    struct cvom_signals_shown sig; /* the signals blended into ex, in its order */
    struct cvom_instrument ins;
    struct cvom_evidence ev;
    struct cvom_stakeholder *people;
    size_t n_people;
    struct cvom_onepager_stakeholder *rows;
    struct cvom_account_map map;               /* the relationship map as of the page's date */
    struct cvom_onepager_map_person *map_rows; /* page.map: map's entries for the page */
    char title[CVOM_ACCOUNT_LABEL_MAX];        /* the account's name, told apart from namesakes */
    struct cvom_health health;                 /* page.health points here when it was scored */
    int has_health;
    struct cvom_group_view group;                  /* the account's group (page.group) */
    struct cvom_onepager_group_member *group_rows; /* page.group_members */
};

/* Explain account a as of a date and gather its stakeholders with their own scores, its
 * suggested plays and open actions, its over-serving, partnership health and alignment, as
 * `cvom overserved`, `cvom pillars` and `cvom align` find them, and its relationship map; its
 * title tells it apart
 * from namesakes among the accounts of scope (NULL: every account). On
 * failure *d is left empty. CVOM_ELIMIT for an absurd number of stakeholders, CVOM_ENOMEM,
 * or the store's status. */
enum cvom_status cvom__onepager_doc_gather(struct cvom_store *st,
                                           const struct cvom_account_filter *scope,
                                           const struct cvom_account *a, int32_t as_of,
                                           struct cvom_onepager_doc *d, struct cvom_error *err);

/* Free what gather took; an emptied or zeroed document is fine. */
void cvom__onepager_doc_cleanup(struct cvom_onepager_doc *d);

#endif
