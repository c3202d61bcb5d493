/* layout.h — label placement for the matrix picture: pure geometry, no drawing, so that it
 * can be tested on its own. Each label is put at one of several candidate positions around
 * its bubble, or further out with a leader line, so that no label overlaps another label or
 * any bubble; labels that cannot be placed are dropped (the legend or table still has them). */
#ifndef CVOM_RENDER_LAYOUT_H
#define CVOM_RENDER_LAYOUT_H

#include "cvom.h"

#include <stddef.h>

struct cvom_rect {
    double x, y, w, h; /* top-left corner and size, in the same units as the bubbles */
};

struct cvom_layout_item {
    double cx, cy, r;        /* the bubble: centre and radius */
    double label_w, label_h; /* measured size of its label text; 0 × 0 = no label wanted */
    double priority;         /* larger is placed first (e.g. revenue) */
};

struct cvom_layout_result {
    int placed;           /* 1 when the label has a place */
    struct cvom_rect box; /* where the label goes */
    int leader;           /* 1 when a leader line joins the box to the bubble */
    double lx, ly;        /* the leader line's end at the box */
};

/* Place the labels of n items inside the area `bounds`. out has n entries, in the same
 * order as items. CVOM_ENOMEM, or CVOM_EINVAL for negative sizes. */
enum cvom_status cvom__layout_labels(const struct cvom_layout_item *items, size_t n,
                                     struct cvom_rect bounds, struct cvom_layout_result *out);

/* Whether two rectangles overlap (touching edges do not). */
int cvom__rect_overlap(struct cvom_rect a, struct cvom_rect b);
/* Whether a rectangle and a circle overlap. */
int cvom__rect_circle_overlap(struct cvom_rect a, double cx, double cy, double r);

#endif
