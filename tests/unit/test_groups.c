/* test_groups.c — account groups: the roll-up of members' points by revenue or by equal
 * weights, the combined interval, the spread, the split and the revenue, each against values
 * worked out by hand; and the tree of accounts by parent, loops broken. */
#include "check.h"
#include "cvom.h"

#include <math.h>
#include <string.h>

/* A placed member at (x, y) with interval half-widths hx, hy and standard errors sx, sy. */
static struct cvom_group_member member(double x, double y, double hx, double hy, double sx,
                                       double sy, double revenue)
{
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_group_member m = {.placed = 1, .revenue = revenue};
    m.score.value[0] = x;
    m.score.value[1] = y;
    m.score.half[0] = hx;
    m.score.half[1] = hy;
    m.score.se[0] = sx;
    m.score.se[1] = sy;
    m.score.respondents[0] = m.score.respondents[1] = 2;
    m.score.quadrant = cvom_classify(&cfg, x, y);
    return m;
}

static struct cvom_group_member unplaced(double revenue)
{
    struct cvom_group_member m = {.placed = 0, .revenue = revenue};
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        m.score.value[d] = m.score.half[d] = m.score.se[d] = NAN;
    m.score.state = CVOM_STATE_INSUFFICIENT;
    return m;
}

/* A at (60, 70) with revenue 100, B at (30, 20) with revenue b, C not placed with 50. */
static enum cvom_status roll_three(double b, struct cvom_config *cfg, struct cvom_group_member *m,
                                   double *share, struct cvom_group *g)
{
    cvom_config_init(cfg);
    m[0] = member(60, 70, 10, 4, 5, 2, 100);
    m[1] = member(30, 20, 6, 8, 3, 4, b);
    m[2] = unplaced(50);
    return cvom_group_rollup(cfg, m, 3, share, g);
}

/* A (60, 70) with revenue 100 and B (30, 20) with 300 weigh 1/4 and 3/4; C is not placed.
 *   point      x = .25·60 + .75·30 = 37.5        y = .25·70 + .75·20 = 32.5
 *   half-width x = √(.0625·10² + .5625·6²) = √26.5   y = √(.0625·4² + .5625·8²) = √37
 *   se         x = √(.0625·5² + .5625·3²) = √6.625   y = √(.0625·2² + .5625·4²) = √9.25
 *   spread     √(.25·(22.5² + 37.5²) + .75·(7.5² + 12.5²)) = √637.5 */
static void test_by_revenue(void)
{
    struct cvom_config cfg;
    struct cvom_group_member m[3];
    double share[3];
    struct cvom_group g;
    CHECK_INT(roll_three(300, &cfg, m, share, &g), CVOM_OK);
    CHECK_INT(g.weights, CVOM_GROUP_BY_REVENUE);
    CHECK_STR(cvom_group_weights_name(g.weights), "revenue");
    CHECK_NEAR(share[0], 0.25, 1e-12);
    CHECK_NEAR(share[1], 0.75, 1e-12);
    CHECK_NEAR(share[2], 0, 0);
    CHECK_NEAR(g.score.value[0], 37.5, 1e-9);
    CHECK_NEAR(g.score.value[1], 32.5, 1e-9);
    CHECK_NEAR(g.score.half[0], sqrt(26.5), 1e-9);
    CHECK_NEAR(g.score.half[1], sqrt(37.0), 1e-9);
    CHECK_NEAR(g.score.lo[0], 37.5 - sqrt(26.5), 1e-9);
    CHECK_NEAR(g.score.hi[1], 32.5 + sqrt(37.0), 1e-9);
    CHECK_NEAR(g.score.se[0], sqrt(6.625), 1e-9);
    CHECK_NEAR(g.score.se[1], sqrt(9.25), 1e-9);
    CHECK_NEAR(g.spread, sqrt(637.5), 1e-9);
    CHECK_INT(g.score.quadrant, CVOM_Q_TRANSACTIONAL);
    CHECK_INT(g.score.state, CVOM_STATE_OK);
    CHECK_INT(g.score.respondents[0], 4);
    CHECK_INT(g.members, 3);
    CHECK_INT(g.placed, 2);
    CHECK_INT(g.quadrants, (1u << CVOM_Q_PARTNERSHIP) | (1u << CVOM_Q_TRANSACTIONAL));
    CHECK_INT(g.split, 1);
    CHECK_NEAR(g.revenue, 450, 1e-9);
    CHECK_INT(g.no_revenue, 0);
    /* A member not placed decides nothing about the weights, though its revenue is unknown. */
    m[2].revenue = NAN;
    CHECK_INT(cvom_group_rollup(&cfg, m, 3, share, &g), CVOM_OK);
    CHECK_INT(g.weights, CVOM_GROUP_BY_REVENUE);
    CHECK_NEAR(g.revenue, 400, 1e-9);
    CHECK_INT(g.no_revenue, 1);
}

/* B's revenue is zero, so A and B weigh one half each:
 *   x = 45, half-width √(.25·10² + .25·6²) = √34, so [45 − 5.83, 45 + 5.83] crosses 50. */
static void test_equal(void)
{
    struct cvom_config cfg;
    struct cvom_group_member m[3];
    double share[3];
    struct cvom_group g;
    CHECK_INT(roll_three(0, &cfg, m, share, &g), CVOM_OK);
    CHECK_INT(g.weights, CVOM_GROUP_EQUAL);
    CHECK_STR(cvom_group_weights_name(g.weights), "equal");
    CHECK_NEAR(share[0], 0.5, 1e-12);
    CHECK_NEAR(share[1], 0.5, 1e-12);
    CHECK_NEAR(g.score.value[0], 45, 1e-9);
    CHECK_NEAR(g.score.value[1], 45, 1e-9);
    CHECK_NEAR(g.score.half[0], sqrt(34.0), 1e-9);
    CHECK_INT(g.score.quadrant, CVOM_Q_TRANSACTIONAL);
    CHECK_INT(g.score.state, CVOM_STATE_BORDERLINE);
    CHECK_NEAR(g.revenue, 150, 1e-9);
    CHECK_INT(g.no_revenue, 1);
    /* Missing revenue reads as zero does. */
    m[1].revenue = NAN;
    CHECK_INT(cvom_group_rollup(&cfg, m, 3, share, &g), CVOM_OK);
    CHECK_INT(g.weights, CVOM_GROUP_EQUAL);
    CHECK_NEAR(g.score.value[0], 45, 1e-9);
}

/* One member is its own group: its point and interval, no spread, not split; clamped. */
static void test_single(void)
{
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_group_member m[] = {member(96, 55, 10, 3, 4, 1, 0)};
    double share[1];
    struct cvom_group g;
    CHECK_INT(cvom_group_rollup(&cfg, m, 1, share, &g), CVOM_OK);
    CHECK_NEAR(share[0], 1, 1e-12);
    CHECK_NEAR(g.score.value[0], 96, 1e-9);
    CHECK_NEAR(g.score.hi[0], 100, 0);
    CHECK_NEAR(g.score.lo[0], 86, 1e-9);
    CHECK_NEAR(g.score.half[0], 10, 1e-9);
    CHECK(isnan(g.spread));
    CHECK_INT(g.split, 0);
    CHECK_INT(g.score.quadrant, CVOM_Q_PARTNERSHIP);
    CHECK_INT(g.score.state, CVOM_STATE_OK);
    CHECK_NEAR(g.revenue, 0, 0);
    CHECK_INT(g.no_revenue, 1);
}

/* A placed member without an interval leaves the group without one on that axis. */
static void test_no_interval(void)
{
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_group_member m[] = {member(40, 70, NAN, 4, NAN, 2, 10),
                                    member(45, 60, 2, 2, 1, 1, 10)};
    double share[2];
    struct cvom_group g;
    CHECK_INT(cvom_group_rollup(&cfg, m, 2, share, &g), CVOM_OK);
    CHECK_NEAR(g.score.value[0], 42.5, 1e-9);
    CHECK(isnan(g.score.half[0]) && isnan(g.score.lo[0]) && isnan(g.score.hi[0]));
    CHECK_NEAR(g.score.half[1], sqrt(.25 * 16 + .25 * 4), 1e-9);
    CHECK_INT(g.score.quadrant, CVOM_Q_EMOTIONAL);
    CHECK_INT(g.split, 0);
    CHECK_INT(g.score.state, CVOM_STATE_OK);
}

/* Nobody placed: no point, members and revenue still counted; bad calls refused. */
static void test_none_placed(void)
{
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_group_member m[] = {unplaced(20), unplaced(NAN)};
    double share[2] = {7, 7};
    struct cvom_group g;
    CHECK_INT(cvom_group_rollup(&cfg, m, 2, share, &g), CVOM_OK);
    CHECK_INT(g.score.state, CVOM_STATE_INSUFFICIENT);
    CHECK(isnan(g.score.value[0]) && isnan(g.score.value[1]));
    CHECK_INT(g.placed, 0);
    CHECK_INT(g.members, 2);
    CHECK_NEAR(share[0] + share[1], 0, 0);
    CHECK_NEAR(g.revenue, 20, 0);
    CHECK_INT(g.quadrants, 0);
    CHECK_INT(g.split, 0);
    CHECK_INT(cvom_group_rollup(&cfg, m, 0, share, &g), CVOM_EINVAL);
    CHECK_INT(cvom_group_rollup(&cfg, m, 2, NULL, &g), CVOM_EINVAL);
    cfg.confidence = 2;
    CHECK_INT(cvom_group_rollup(&cfg, m, 2, share, &g), CVOM_EINVAL);
}

/* 10 at the top; 20 below 10; 30 below 20; 40 below 10; 50 names a parent not given. */
static void test_tree(void)
{
    const int64_t id[] = {10, 20, 30, 40, 50}, parent[] = {0, 10, 20, 10, 99};
    long up[5];
    CHECK_INT(cvom_group_tree(id, parent, 5, up, NULL), CVOM_OK);
    const long want[] = {-1, 0, 1, 0, -1};
    for (size_t i = 0; i < 5; i++)
        CHECK_INT(up[i], want[i]);
    CHECK_INT(cvom_group_depth(up, 0, 2), 2);
    CHECK_INT(cvom_group_depth(up, 0, 0), 0);
    CHECK_INT(cvom_group_depth(up, 1, 3), -1);
    CHECK(cvom_group_contains(up, 1, 2));
    CHECK(!cvom_group_contains(up, 2, 1));
    CHECK(!cvom_group_contains(up, 0, 4));
    CHECK_INT(cvom_group_top(up, 2), 0);
    CHECK_INT(cvom_group_top(up, 4), 4);
}

/* A loop (which the store refuses) is broken at its member given first; bad ids refused. */
static void test_tree_loops(void)
{
    const int64_t id[] = {1, 2, 3}, parent[] = {2, 1, 3};
    long up[3];
    CHECK_INT(cvom_group_tree(id, parent, 3, up, NULL), CVOM_OK);
    CHECK_INT(up[0], -1);
    CHECK_INT(up[1], 0);
    CHECK_INT(up[2], -1);
    struct cvom_error err = {0};
    const int64_t twice[] = {4, 5, 4}, none[] = {0, 0, 0};
    CHECK_INT(cvom_group_tree(twice, none, 3, up, &err), CVOM_EINVAL);
    CHECK_STR(err.message, "account id 4 is given twice");
    const int64_t zero[] = {4, 0};
    CHECK_INT(cvom_group_tree(zero, none, 2, up, &err), CVOM_EINVAL);
    CHECK_STR(err.message, "account id 0 is not positive");
    CHECK_INT(cvom_group_tree(id, parent, 0, up, NULL), CVOM_OK);
}

int main(void)
{
    CHECK_CASE(test_by_revenue);
    CHECK_CASE(test_equal);
    CHECK_CASE(test_single);
    CHECK_CASE(test_no_interval);
    CHECK_CASE(test_none_placed);
    CHECK_CASE(test_tree);
    CHECK_CASE(test_tree_loops);
    return CHECK_DONE();
}
