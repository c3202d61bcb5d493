/* test_layout.c — label placement: no label overlaps another label, a bubble or the bounds,
 * leader lines never cut through a label, the result is deterministic, and a label of
 * higher priority never loses its place to one of lower priority. */
#include "check.h"

#include "render/layout.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t rng = 12345;

static double unit(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static double gauss(void)
{
    return sqrt(-2.0 * log(unit() + 1e-300)) * cos(6.283185307179586 * unit());
}

/* n bubbles in a few tight clusters inside bounds; the first `labels` get label sizes. */
static struct cvom_layout_item *clustered(size_t n, size_t labels, struct cvom_rect b,
                                          uint64_t seed)
{
    rng = seed;
    struct cvom_layout_item *it = calloc(n, sizeof *it);
    if (!it)
        return NULL;
    double cx[5], cy[5];
    for (int k = 0; k < 5; k++) {
        cx[k] = b.x + b.w * (0.15 + 0.7 * unit());
        cy[k] = b.y + b.h * (0.15 + 0.7 * unit());
    }
    for (size_t i = 0; i < n; i++) {
        int k = (int)(unit() * 5);
        it[i].cx = fmin(b.x + b.w, fmax(b.x, cx[k] + gauss() * b.w * 0.06));
        it[i].cy = fmin(b.y + b.h, fmax(b.y, cy[k] + gauss() * b.h * 0.06));
        it[i].r = 1.5 + unit() * unit() * 12;
        it[i].priority = unit() * 1e6;
        if (i < labels) {
            it[i].label_w = 25 + unit() * 90;
            it[i].label_h = 10;
        }
    }
    return it;
}

/* Every property a placement must have, checked by brute force. Returns labels placed. */
static size_t check_placement(const struct cvom_layout_item *it, size_t n,
                              const struct cvom_layout_result *res, struct cvom_rect b)
{
    size_t placed = 0, bad_bounds = 0, bad_bubble = 0, bad_label = 0, bad_leader = 0, bad_size = 0,
           bad_unwanted = 0;
    for (size_t i = 0; i < n; i++) {
        if (!res[i].placed) {
            continue;
        }
        placed++;
        const struct cvom_rect r = res[i].box;
        if (it[i].label_w <= 0 || it[i].label_h <= 0)
            bad_unwanted++;
        if (fabs(r.w - it[i].label_w) > 1e-9 || fabs(r.h - it[i].label_h) > 1e-9)
            bad_size++;
        if (r.x < b.x || r.y < b.y || r.x + r.w > b.x + b.w || r.y + r.h > b.y + b.h)
            bad_bounds++;
        for (size_t j = 0; j < n; j++)
            if (cvom__rect_circle_overlap(r, it[j].cx, it[j].cy, it[j].r)) {
                bad_bubble++;
                break;
            }
        for (size_t j = i + 1; j < n; j++)
            if (res[j].placed && cvom__rect_overlap(r, res[j].box)) {
                bad_label++;
                break;
            }
        if (res[i].leader) {
            /* The leader ends on the box's border, and crosses no other label. */
            double lx = res[i].lx, ly = res[i].ly;
            if (lx < r.x - 1e-9 || lx > r.x + r.w + 1e-9 || ly < r.y - 1e-9 ||
                ly > r.y + r.h + 1e-9)
                bad_leader++;
            for (size_t j = 0; j < n; j++) {
                if (j == i || !res[j].placed)
                    continue;
                /* Sample the segment from the bubble's edge to the box. */
                double dx = lx - it[i].cx, dy = ly - it[i].cy, len = hypot(dx, dy);
                double x0 = it[i].cx + dx / len * it[i].r, y0 = it[i].cy + dy / len * it[i].r;
                struct cvom_rect o = res[j].box;
                int hit = 0;
                for (int s = 1; s < 64 && !hit; s++) {
                    double t = s / 64.0, x = x0 + (lx - x0) * t, y = y0 + (ly - y0) * t;
                    hit = x > o.x + 1e-6 && x < o.x + o.w - 1e-6 && y > o.y + 1e-6 &&
                          y < o.y + o.h - 1e-6;
                }
                if (hit) {
                    bad_leader++;
                    break;
                }
            }
        }
    }
    CHECK_INT(bad_unwanted, 0);
    CHECK_INT(bad_size, 0);
    CHECK_INT(bad_bounds, 0);
    CHECK_INT(bad_bubble, 0);
    CHECK_INT(bad_label, 0);
    CHECK_INT(bad_leader, 0);
    return placed;
}

static void test_helpers(void)
{
    struct cvom_rect a = {0, 0, 10, 10}, b = {10, 0, 5, 5}, c = {9.5, 9.5, 5, 5};
    CHECK(!cvom__rect_overlap(a, b)); /* touching edges */
    CHECK(cvom__rect_overlap(a, c));
    CHECK(cvom__rect_overlap(c, a));
    CHECK(cvom__rect_circle_overlap(a, 12, 5, 2.5));
    CHECK(!cvom__rect_circle_overlap(a, 12, 5, 2));    /* touching */
    CHECK(!cvom__rect_circle_overlap(a, 12, 12, 2.5)); /* near the corner, not on it */
    CHECK(cvom__rect_circle_overlap(a, 5, 5, 0.5));    /* inside */
}

static void test_empty(void)
{
    struct cvom_rect b = {0, 0, 100, 100};
    struct cvom_layout_result r;
    CHECK_INT(cvom__layout_labels(NULL, 0, b, &r), CVOM_OK);
    /* Bubbles without labels: nothing placed. */
    struct cvom_layout_item it[3] = {
        {10, 10, 5, 0, 0, 1}, {50, 50, 5, 0, 0, 2}, {90, 90, 5, 0, 0, 3}};
    struct cvom_layout_result res[3];
    memset(res, 0xff, sizeof res);
    CHECK_INT(cvom__layout_labels(it, 3, b, res), CVOM_OK);
    for (int i = 0; i < 3; i++)
        CHECK_INT(res[i].placed, 0);
    /* Empty bounds: nothing fits. */
    struct cvom_layout_item one = {10, 10, 5, 20, 8, 1};
    struct cvom_rect none = {0, 0, 0, 0};
    CHECK_INT(cvom__layout_labels(&one, 1, none, res), CVOM_OK);
    CHECK_INT(res[0].placed, 0);
}

static void test_invalid(void)
{
    struct cvom_rect b = {0, 0, 100, 100};
    struct cvom_layout_result r = {0};
    struct cvom_layout_item it = {10, 10, -1, 20, 8, 1};
    CHECK_INT(cvom__layout_labels(&it, 1, b, &r), CVOM_EINVAL);
    it.r = 1;
    it.label_w = -2;
    CHECK_INT(cvom__layout_labels(&it, 1, b, &r), CVOM_EINVAL);
    it.label_w = 2;
    it.cx = NAN;
    CHECK_INT(cvom__layout_labels(&it, 1, b, &r), CVOM_EINVAL);
    it.cx = 10;
    b.w = -1;
    CHECK_INT(cvom__layout_labels(&it, 1, b, &r), CVOM_EINVAL);
    CHECK_INT(r.placed, 0); /* untouched on failure */
}

/* A lone bubble gets its label right beside it, to the right, without a leader. */
static void test_simple(void)
{
    struct cvom_rect b = {0, 0, 200, 100};
    struct cvom_layout_item it = {50, 50, 10, 40, 10, 1};
    struct cvom_layout_result r;
    CHECK_INT(cvom__layout_labels(&it, 1, b, &r), CVOM_OK);
    CHECK_INT(r.placed, 1);
    CHECK_INT(r.leader, 0);
    CHECK(r.box.x > 60 && r.box.x < 63);
    CHECK_NEAR(r.box.y, 45, 1e-9);
    /* Against the right edge it goes to the left. */
    it.cx = 190;
    CHECK_INT(cvom__layout_labels(&it, 1, b, &r), CVOM_OK);
    CHECK_INT(r.placed, 1);
    CHECK(r.box.x + r.box.w < 180);
}

/* Crowded around its bubble, a label moves out along a ray and gets a leader. */
static void test_leader(void)
{
    struct cvom_rect b = {0, 0, 300, 300};
    struct cvom_layout_item it[9];
    memset(it, 0, sizeof it);
    it[0] = (struct cvom_layout_item){150, 150, 6, 40, 10, 1};
    for (int k = 0; k < 8; k++) {
        double a = k * 3.14159265358979 / 4;
        it[k + 1] = (struct cvom_layout_item){150 + 22 * cos(a), 150 + 22 * sin(a), 12, 0, 0, 0};
    }
    struct cvom_layout_result r[9];
    CHECK_INT(cvom__layout_labels(it, 9, b, r), CVOM_OK);
    CHECK_INT(r[0].placed, 1);
    CHECK_INT(r[0].leader, 1);
    check_placement(it, 9, r, b);
}

static void test_dense(void)
{
    struct cvom_rect b = {40, 30, 760, 540};
    size_t n = 2000;
    struct cvom_layout_item *it = clustered(n, 300, b, 7);
    struct cvom_layout_result *r1 = calloc(n, sizeof *r1), *r2 = calloc(n, sizeof *r2);
    CHECK(it && r1 && r2);
    if (!it || !r1 || !r2)
        goto done;
    CHECK_INT(cvom__layout_labels(it, n, b, r1), CVOM_OK);
    size_t placed = check_placement(it, n, r1, b);
    CHECK(placed >= 60); /* dense, but a good share still fits */
    size_t leaders = 0;
    for (size_t i = 0; i < n; i++)
        leaders += r1[i].placed && r1[i].leader;
    CHECK(leaders > 0);
    fprintf(stderr, "dense: %zu of 300 labels placed, %zu with leaders\n", placed, leaders);

    /* Deterministic: the same input gives the same bytes. */
    CHECK_INT(cvom__layout_labels(it, n, b, r2), CVOM_OK);
    CHECK(memcmp(r1, r2, n * sizeof *r1) == 0);
done:
    free(it);
    free(r1);
    free(r2);
}

/* Labels of lower priority never displace higher ones: the placement of the top k labels
 * is the same whether or not the others want labels too, so whenever a lower one is
 * placed, every higher one that could be placed has been. */
static void test_priority(void)
{
    struct cvom_rect b = {0, 0, 600, 450};
    size_t n = 1500;
    struct cvom_layout_item *it = clustered(n, 400, b, 99);
    struct cvom_layout_result *all = calloc(n, sizeof *all), *top = calloc(n, sizeof *top);
    size_t *order = calloc(400, sizeof *order);
    CHECK(it && all && top && order);
    if (!it || !all || !top || !order)
        goto done;
    CHECK_INT(cvom__layout_labels(it, n, b, all), CVOM_OK);
    check_placement(it, n, all, b);
    /* The 100 highest-priority labels alone. */
    for (size_t i = 0; i < 400; i++)
        order[i] = i;
    for (size_t i = 1; i < 400; i++) /* insertion sort by priority, highest first */
        for (size_t j = i; j > 0 && it[order[j]].priority > it[order[j - 1]].priority; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
    for (size_t k = 100; k < 400; k++)
        it[order[k]].label_w = it[order[k]].label_h = 0;
    CHECK_INT(cvom__layout_labels(it, n, b, top), CVOM_OK);
    size_t same = 0;
    for (size_t k = 0; k < 100; k++)
        same += memcmp(&all[order[k]], &top[order[k]], sizeof *all) == 0;
    CHECK_INT(same, 100);

    /* Two labels that want the only free place: the higher priority wins whatever the
     * input order. */
    for (int flip = 0; flip < 2; flip++) {
        struct cvom_rect tight = {0, 0, 60, 20};
        struct cvom_layout_item two[2] = {{10, 10, 4, 40, 12, flip ? 5 : 1},
                                          {10, 10, 4, 40, 12, flip ? 1 : 5}};
        struct cvom_layout_result r[2];
        CHECK_INT(cvom__layout_labels(two, 2, tight, r), CVOM_OK);
        CHECK_INT(r[flip ? 0 : 1].placed, 1);
        CHECK_INT(r[flip ? 1 : 0].placed, 0);
    }
    /* Equal priorities: input order decides. */
    struct cvom_layout_item eq[2] = {{10, 10, 4, 40, 12, 3}, {10, 10, 4, 40, 12, 3}};
    struct cvom_layout_result r[2];
    struct cvom_rect tight = {0, 0, 60, 20};
    CHECK_INT(cvom__layout_labels(eq, 2, tight, r), CVOM_OK);
    CHECK_INT(r[0].placed, 1);
    CHECK_INT(r[1].placed, 0);
done:
    free(it);
    free(all);
    free(top);
    free(order);
}

/* 100,000 bubbles with 200 labels: the grid keeps this quick. */
static void test_large(void)
{
    struct cvom_rect b = {50, 40, 560, 480};
    size_t n = 100000;
    struct cvom_layout_item *it = clustered(n, 200, b, 3);
    struct cvom_layout_result *r = calloc(n, sizeof *r);
    CHECK(it && r);
    if (it && r) {
        for (size_t i = 0; i < n; i++)
            it[i].r = 0.8 + it[i].r / 12;
        clock_t t0 = clock();
        CHECK_INT(cvom__layout_labels(it, n, b, r), CVOM_OK);
        double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
        size_t placed = 0;
        for (size_t i = 0; i < n; i++)
            placed += r[i].placed;
        fprintf(stderr, "large: %zu labels placed among %zu bubbles in %.3f s\n", placed, n, s);
        CHECK(s < 10); /* generous: sanitizers slow this down many times */
        /* Brute-force checks on the placed ones only (the rest have no label). */
        size_t bad = 0;
        for (size_t i = 0; i < n; i++) {
            if (!r[i].placed)
                continue;
            for (size_t j = 0; j < n; j++)
                bad += cvom__rect_circle_overlap(r[i].box, it[j].cx, it[j].cy, it[j].r) ||
                       (j != i && r[j].placed && cvom__rect_overlap(r[i].box, r[j].box));
        }
        CHECK_INT(bad, 0);
    }
    free(it);
    free(r);
}

int main(void)
{
    CHECK_CASE(test_helpers);
    CHECK_CASE(test_empty);
    CHECK_CASE(test_invalid);
    CHECK_CASE(test_simple);
    CHECK_CASE(test_leader);
    CHECK_CASE(test_dense);
    CHECK_CASE(test_priority);
    CHECK_CASE(test_large);
    return CHECK_DONE();
}
