/* onepager.h — the account one-pager: one A4 page with the account's facts, its place on
 * the matrix among its stakeholders, its scores with their intervals, the stakeholders, and
 * why it sits where it does. PDF or PNG from the same cairo and pango drawing code.
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
int cvom_onepager_format_parse(const char *s);

/* One person at the account. Strings are borrowed. */
struct cvom_onepager_stakeholder {
    const char *name;
    const char *role;                 /* "" when unknown */
    double influence;                 /* 0..1 */
    const char *stance;               /* "champion" … "unknown" */
    double score[CVOM_DIM_COUNT];     /* their own axis scores; NaN when they have none */
};

/* An open action of the account's plan, as the page shows it. */
struct cvom_onepager_action {
    char title[256];
    char owner[128];   /* "" when nobody owns it */
    int32_t due;       /* days since epoch; 0: no date */
    int overdue;       /* 1 when due before the page's date */
    int axis;          /* enum cvom_dim, or -1 */
    double effect;     /* expected points on that axis */
};

struct cvom_onepager {
    /* The account; strings borrowed, "" when unknown. */
    const char *name, *external_id, *owner, *industry, *region, *currency;
    double revenue, potential;
    int32_t as_of;                    /* days since epoch */
    double threshold[CVOM_DIM_COUNT];
    double confidence;                /* interval coverage, e.g. 0.90 */
    /* The explanation as cvom_account_explain gives it, and the instrument its item indices
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
};

/* The PNG's size in pixels at dpi: the A4 page's points × dpi / 72, rounded. */
void cvom_onepager_png_size(double dpi, int *width, int *height);

/* Draw the one-pager into path as PDF (dpi ignored) or PNG (dpi 36–600). The file is
 * written beside path and renamed into place, so a failure leaves nothing behind.
 * CVOM_EINVAL for a bad dpi or missing input, CVOM_EIO when the file cannot be written
 * (path and reason in err), CVOM_ENOMEM. */
enum cvom_status cvom_onepager_write_file(const char *path, enum cvom_onepager_format fmt,
                                          double dpi, const struct cvom_onepager *p,
                                          struct cvom_error *err);

#endif
