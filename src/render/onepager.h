/* onepager.h — the account one-pager: an A4 page with the account's facts, its place on
 * the matrix among its stakeholders, its scores with their intervals, the stakeholders, why
 * it sits where it does, then its open actions, the suggested plays, over-serving,
 * partnership health, alignment, the relationship map and, for an account with accounts
 * below it, its group — on a second page (and more) when one is not enough, never cut off. PDF or
 * PNG (the pages one under the other) from the same cairo and pango drawing code.
 *
 * Rendering never queries the store: the caller gathers the account, its explanation and
 * its stakeholders and passes them in.
 */
#ifndef CVOM_RENDER_ONEPAGER_H
#define CVOM_RENDER_ONEPAGER_H

#include "cvom.h"

#include <stddef.h>
#include <stdint.h>

/* A4 in points (1/72 inch). */
#define CVOM_ONEPAGER_WIDTH 595.2756
#define CVOM_ONEPAGER_HEIGHT 841.8898

enum cvom_onepager_format { CVOM_ONEPAGER_PDF = 0, CVOM_ONEPAGER_PNG, CVOM_ONEPAGER_FORMAT_COUNT };

/* Parse "pdf" or "png"; -1 otherwise. */
int cvom__onepager_format_parse(const char *s);

/* One person at the account. Strings are borrowed. */
struct cvom_onepager_stakeholder {
    const char *name;
    const char *role;             /* "" when unknown */
    double influence;             /* 0..1 */
    const char *stance;           /* "champion" … "unknown" */
    double score[CVOM_DIM_COUNT]; /* their own axis scores; NaN when they have none */
};

/* One person on the relationship map, in the chart's order. Strings are borrowed. */
struct cvom_onepager_map_person {
    const char *name;
    const char *role; /* "" when unknown */
    double influence; /* 0..1 */
    enum cvom_stance stance;
    const char *stance_name; /* "champion" … "unknown" */
    int depth;               /* 0 at the top of the chart */
    int decider;             /* 1 for a decision maker */
    int quadrant;            /* enum cvom_quadrant of their own answers; -1: none */
    int32_t last_contact;    /* days since epoch; 0: never */
    const char *channel;     /* "" when none */
    const char *counterpart; /* "" when nobody */
    unsigned gaps;           /* enum cvom_map_gap bits */
};

/* One member of the account's group, in the group's tree order. Strings are borrowed. */
struct cvom_onepager_group_member {
    const char *name;
    int depth;    /* levels below the account */
    int placed;   /* 0: listed only */
    int assessed; /* 0: never assessed */
    enum cvom_quadrant quadrant;
    double score[CVOM_DIM_COUNT]; /* NaN when not placed */
    double share;                 /* its weight in the group's point */
    double revenue;
};

/* An open action of the account's plan, as the page shows it. */
struct cvom_onepager_action {
    char title[256];
    char owner[128]; /* "" when nobody owns it */
    int32_t due;     /* days since epoch; 0: no date */
    int overdue;     /* 1 when due before the page's date */
    int axis;        /* enum cvom_dim, or -1 */
    double effect;   /* expected points on that axis */
};

/* An offering the account rates below the importance threshold, and our cost to serve it. */
struct cvom_onepager_offering {
    char code[64];
    char name[128];
    double importance; /* 1..7 */
    double cost;       /* >= 0 */
};

struct cvom_onepager {
    /* The account; strings borrowed, "" when unknown. */
    const char *name, *external_id, *owner, *industry, *region, *currency;
    double revenue, potential;
    int32_t as_of; /* days since epoch */
    double threshold[CVOM_DIM_COUNT];
    double confidence; /* interval coverage, e.g. 0.90 */
    /* The explanation as cvom__account_explain gives it, and the instrument its item indices
     * refer to. Borrowed. */
    const struct cvom_explanation *ex;
    const struct cvom_instrument *ins;
    /* The names of the signals blended into ex, in the order of ex->blend (borrowed; NULL
     * past ex->blend.n). */
    const char *signal_name[CVOM_SIGNALS_MAX];
    /* Evidence: assessments counted, how many of them by customer stakeholders, the newest
     * one's date (0: none), stale or not. */
    int assessments;
    int customer_assessments;
    int32_t newest;
    int stale;
    const struct cvom_onepager_stakeholder *stakeholders; /* borrowed */
    size_t n_stakeholders;
    /* The plays suggested for the account, most pressing first, and the open actions of its
     * plan. Owned by whoever gathered the page (NULL when there are none). */
    struct cvom_play *plays;
    size_t n_plays;
    struct cvom_onepager_action *actions;
    size_t n_actions;
    /* Over-serving (rated 0: no offering rated): our cost to serve the account, the part
     * spent on what it rates below importance_threshold and that part's share, over-served
     * when the share is above overserved_share, and the offerings behind it (owned by
     * whoever gathered the page). */
    int rated;
    double total_cost, unvalued_cost, unvalued_share;
    double importance_threshold, overserved_share;
    int overserved;
    struct cvom_onepager_offering *unvalued;
    size_t n_unvalued;
    /* Partnership health as cvom_partnership_health gives it (borrowed; NULL: not known). */
    const struct cvom_health *health;
    /* Alignment of the account's value hierarchy with ours (aligned 0: one of the two is
     * not ranked): Kendall's tau-b over the common values, at risk below the threshold in
     * the Partnership quadrant. */
    int aligned;
    double tau;
    size_t common;
    int at_risk;
    double at_risk_threshold;
    /* The relationship map in the chart's order and how many of them have a gap (borrowed;
     * NULL with n_map 0: no stakeholders). */
    const struct cvom_onepager_map_person *map;
    size_t n_map, map_flagged;
    /* The account's group when it has accounts below it (borrowed; NULL: none): the roll-up,
     * the members listed (n_group) and those left out of the list (group_hidden). */
    const struct cvom_group *group;
    const struct cvom_onepager_group_member *group_members;
    size_t n_group, group_hidden;
};

/* The PNG's size in pixels at dpi: the A4 page's points × dpi / 72, rounded. */
void cvom__onepager_png_size(double dpi, int *width, int *height);

/* Draw the one-pager into path as PDF (dpi ignored) or PNG (dpi 36–600; every page one A4
 * page tall, one under the other). The file is written beside path and renamed into place,
 * so a failure leaves nothing behind. *pages (may be NULL) receives the number of pages.
 * CVOM_EINVAL for a bad dpi or missing input, CVOM_EIO when the file cannot be written
 * (path and reason in err), CVOM_ENOMEM. */
enum cvom_status cvom__onepager_write_file(const char *path, enum cvom_onepager_format fmt,
                                           double dpi, const struct cvom_onepager *p, int *pages,
                                           struct cvom_error *err);

#endif
