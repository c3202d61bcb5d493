/* test_offerings.c — importance–performance quadrants, unvalued cost, the over-served flag
 * and value alignment (Kendall's tau-b over the values both hierarchies rank), checked
 * against examples worked by hand; the arithmetic is in the comments. */
#include "check.h"
#include "cvom.h"

#include <math.h>
#include <string.h>

static void test_ip_quadrants(void)
{
    struct cvom_serving_config cfg;
    cvom_serving_config_init(&cfg);
    CHECK_NEAR(cfg.importance_threshold, 4, 0);
    CHECK_NEAR(cfg.performance_threshold, 4, 0);
    CHECK_NEAR(cfg.overserved_share, 0.25, 0);
    /* Important (>= 4) and performing below 4: concentrate here. */
    CHECK_INT(cvom_ip_classify(&cfg, 7, 3), CVOM_IP_CONCENTRATE);
    /* On both lines: the high side of each. */
    CHECK_INT(cvom_ip_classify(&cfg, 4, 4), CVOM_IP_KEEP_UP);
    CHECK_INT(cvom_ip_classify(&cfg, 3.9, 2), CVOM_IP_LOW_PRIORITY);
    CHECK_INT(cvom_ip_classify(&cfg, 1, 6), CVOM_IP_OVERKILL);
    /* With the importance line at 5, an importance of 4 is no longer important. */
    cfg.importance_threshold = 5;
    CHECK_INT(cvom_ip_classify(&cfg, 4, 6), CVOM_IP_OVERKILL);
    CHECK_INT(cvom_ip_classify(&cfg, 5, 3.5), CVOM_IP_CONCENTRATE);
    CHECK_STR(cvom_ip_quadrant_key(CVOM_IP_KEEP_UP), "keep_up");
    CHECK_STR(cvom_ip_quadrant_label(CVOM_IP_OVERKILL), "possible overkill");
    CHECK_STR(cvom_ip_quadrant_label(CVOM_IP_CONCENTRATE), "concentrate here");
    CHECK_STR(cvom_ip_quadrant_key(CVOM_IP_COUNT), "?");
}

/* The demo's discount retailer: the core range rated 7, four add-ons rated 1.
 *   total    = 18 000 + 42 000 + 36 500 + 24 000 + 31 500 = 152 000
 *   unvalued = 42 000 + 36 500 + 24 000 + 31 500          = 134 000
 *   share    = 134 000 / 152 000 = 0.881578947368421 > 0.25: over-served
 * Quadrants: (7,5) keep up; (1,4) (1,5) (1,4) possible overkill; (1,3) low priority. */
static const struct cvom_offer_rating retailer[] = {
    {7, 5, 18000}, {1, 4, 42000}, {1, 3, 36500}, {1, 5, 24000}, {1, 4, 31500},
};

static void test_unvalued_cost(void)
{
    struct cvom_serving_config cfg;
    cvom_serving_config_init(&cfg);
    struct cvom_serving s;
    struct cvom_error err = {0};
    CHECK_INT(cvom_serving_assess(&cfg, retailer, 5, &s, &err), CVOM_OK);
    CHECK_INT(s.offerings, 5);
    CHECK_INT(s.unvalued, 4);
    CHECK_NEAR(s.total_cost, 152000, 1e-9);
    CHECK_NEAR(s.unvalued_cost, 134000, 1e-9);
    CHECK_NEAR(s.share, 0.881578947368421, 1e-12);
    CHECK_INT(s.overserved, 1);
    CHECK_INT(s.by_quadrant[CVOM_IP_KEEP_UP], 1);
    CHECK_INT(s.by_quadrant[CVOM_IP_OVERKILL], 3);
    CHECK_INT(s.by_quadrant[CVOM_IP_LOW_PRIORITY], 1);
    CHECK_INT(s.by_quadrant[CVOM_IP_CONCENTRATE], 0);

    /* Exactly at the share is not past it: 100 / (300 + 100) = 0.25. */
    const struct cvom_offer_rating edge[] = {{7, 5, 300}, {2, 5, 100}};
    CHECK_INT(cvom_serving_assess(&cfg, edge, 2, &s, &err), CVOM_OK);
    CHECK_NEAR(s.share, 0.25, 1e-15);
    CHECK_INT(s.overserved, 0);
    cfg.overserved_share = 0.2;
    CHECK_INT(cvom_serving_assess(&cfg, edge, 2, &s, &err), CVOM_OK);
    CHECK_INT(s.overserved, 1);
    /* An importance of exactly 4 is valued, whatever it costs. */
    const struct cvom_offer_rating four[] = {{4, 1, 1000}};
    CHECK_INT(cvom_serving_assess(&cfg, four, 1, &s, &err), CVOM_OK);
    CHECK_NEAR(s.unvalued_cost, 0, 0);
    CHECK_INT(s.overserved, 0);
    /* Nothing spent: never over-served. No ratings at all is not an error. */
    const struct cvom_offer_rating free_[] = {{1, 1, 0}};
    CHECK_INT(cvom_serving_assess(&cfg, free_, 1, &s, &err), CVOM_OK);
    CHECK_INT(s.unvalued, 1);
    CHECK_NEAR(s.share, 0, 0);
    CHECK_INT(s.overserved, 0);
    CHECK_INT(cvom_serving_assess(&cfg, NULL, 0, &s, &err), CVOM_OK);
    CHECK_INT(s.offerings, 0);
}

static void test_validation(void)
{
    struct cvom_serving_config cfg;
    cvom_serving_config_init(&cfg);
    struct cvom_serving s;
    struct cvom_error err = {0};
    struct cvom_offer_rating r = {0, 4, 10};
    CHECK_INT(cvom_offer_rating_validate(&r, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "importance");
    r = (struct cvom_offer_rating){4, 7.5, 10};
    CHECK_INT(cvom_offer_rating_validate(&r, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "performance");
    r = (struct cvom_offer_rating){4, 4, -1};
    CHECK_INT(cvom_offer_rating_validate(&r, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "cost");
    r = (struct cvom_offer_rating){NAN, 4, 1};
    CHECK_INT(cvom_offer_rating_validate(&r, &err), CVOM_EINVAL);
    /* The bad rating is named by its place. */
    const struct cvom_offer_rating two[] = {{4, 4, 1}, {4, 4, INFINITY}};
    CHECK_INT(cvom_serving_assess(&cfg, two, 2, &s, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "rating 2") != NULL);
    cfg.importance_threshold = 8;
    CHECK_INT(cvom_serving_config_validate(&cfg, &err), CVOM_EINVAL);
    cvom_serving_config_init(&cfg);
    cfg.overserved_share = 1.5;
    CHECK_INT(cvom_serving_assess(&cfg, retailer, 5, &s, &err), CVOM_EINVAL);
}

/* Two accounts: the retailer (152 000, 134 000 unvalued, over-served) and one that values
 * everything (10 000, nothing unvalued); one without ratings does not count.
 *   portfolio share = 134 000 / 162 000 = 0.827160493827160 */
static void test_tally(void)
{
    struct cvom_serving_config cfg;
    cvom_serving_config_init(&cfg);
    struct cvom_serving v[3];
    const struct cvom_offer_rating fine[] = {{6, 6, 10000}};
    CHECK_INT(cvom_serving_assess(&cfg, retailer, 5, &v[0], NULL), CVOM_OK);
    CHECK_INT(cvom_serving_assess(&cfg, fine, 1, &v[1], NULL), CVOM_OK);
    CHECK_INT(cvom_serving_assess(&cfg, NULL, 0, &v[2], NULL), CVOM_OK);
    struct cvom_serving_total t;
    cvom_serving_tally(v, 3, &t);
    CHECK_INT(t.accounts, 2);
    CHECK_INT(t.overserved, 1);
    CHECK_NEAR(t.total_cost, 162000, 1e-9);
    CHECK_NEAR(t.unvalued_cost, 134000, 1e-9);
    CHECK_NEAR(t.overserved_unvalued_cost, 134000, 1e-9);
    CHECK_NEAR(t.share, 0.827160493827160, 1e-12);
    cvom_serving_tally(NULL, 0, &t);
    CHECK_INT(t.accounts, 0);
    CHECK_NEAR(t.share, 0, 0);
}

static void test_alignment(void)
{
    struct cvom_alignment a;
    struct cvom_error err = {0};
    static const char *const ours[] = {"quality", "price", "innovation", "reliability"};

    /* Common: quality (1, 2), price (2, 1), reliability (4, 3). Pairs:
     *   quality–price        1<2, 2>1  discordant
     *   quality–reliability  1<4, 2<3  concordant
     *   price–reliability    2<4, 1<3  concordant
     * No ties: tau-b = (C − D) / 3 = (2 − 1) / 3. */
    static const char *const t1[] = {"price", "quality", "reliability"};
    CHECK_INT(cvom_value_alignment(ours, 4, t1, 3, &a, &err), CVOM_OK);
    CHECK_INT(a.common, 3);
    CHECK_NEAR(a.tau, 1.0 / 3.0, 1e-12);

    /* One swap among four: 5 concordant, 1 discordant of 6 pairs: 4/6. */
    static const char *const t2[] = {"price", "quality", "innovation", "reliability"};
    CHECK_INT(cvom_value_alignment(ours, 4, t2, 4, &a, &err), CVOM_OK);
    CHECK_NEAR(a.tau, 2.0 / 3.0, 1e-12);

    /* Reversed: −1. A value only they rank does not count: the same order gives 1. */
    static const char *const t3[] = {"reliability", "innovation", "price", "quality"};
    CHECK_INT(cvom_value_alignment(ours, 4, t3, 4, &a, &err), CVOM_OK);
    CHECK_NEAR(a.tau, -1, 1e-12);
    static const char *const t4[] = {"quality", "expertise", "price", "innovation", "reliability"};
    CHECK_INT(cvom_value_alignment(ours, 4, t4, 5, &a, &err), CVOM_OK);
    CHECK_INT(a.common, 4);
    CHECK_NEAR(a.tau, 1, 1e-12);

    /* ours a b c d e; theirs e a b x d. Common (ours, theirs): a (1,2), b (2,3), d (4,5),
     * e (5,1).  a–b C, a–d C, a–e D, b–d C, b–e D, d–e D: (3 − 3) / 6 = 0. */
    static const char *const o5[] = {"a", "b", "c", "d", "e"};
    static const char *const t5[] = {"e", "a", "b", "x", "d"};
    CHECK_INT(cvom_value_alignment(o5, 5, t5, 5, &a, &err), CVOM_OK);
    CHECK_INT(a.common, 4);
    CHECK_NEAR(a.tau, 0, 1e-12);

    /* One value in common is no ranking to compare: unknown, not an error. */
    static const char *const t6[] = {"price", "speed"};
    CHECK_INT(cvom_value_alignment(ours, 4, t6, 2, &a, &err), CVOM_OK);
    CHECK_INT(a.common, 1);
    CHECK(isnan(a.tau));
    CHECK_INT(cvom_value_alignment(ours, 4, NULL, 0, &a, &err), CVOM_OK);
    CHECK_INT(a.common, 0);

    /* A value twice, or an empty one, is refused. */
    static const char *const twice[] = {"price", "quality", "price"};
    CHECK_INT(cvom_value_alignment(ours, 4, twice, 3, &a, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "price") != NULL);
    static const char *const empty[] = {"price", ""};
    CHECK_INT(cvom_value_alignment(empty, 2, ours, 4, &a, &err), CVOM_EINVAL);
}

static void test_at_risk(void)
{
    CHECK_INT(cvom_partnership_at_risk(CVOM_Q_PARTNERSHIP, CVOM_STATE_OK, 0.2, 0.3), 1);
    CHECK_INT(cvom_partnership_at_risk(CVOM_Q_PARTNERSHIP, CVOM_STATE_BORDERLINE, -1, 0.3), 1);
    /* At the threshold is not below it. */
    CHECK_INT(cvom_partnership_at_risk(CVOM_Q_PARTNERSHIP, CVOM_STATE_OK, 0.3, 0.3), 0);
    CHECK_INT(cvom_partnership_at_risk(CVOM_Q_PARTNERSHIP, CVOM_STATE_INSUFFICIENT, 0, 0.3), 0);
    CHECK_INT(cvom_partnership_at_risk(CVOM_Q_EMOTIONAL, CVOM_STATE_OK, -1, 0.3), 0);
    CHECK_INT(cvom_partnership_at_risk(CVOM_Q_PARTNERSHIP, CVOM_STATE_OK, NAN, 0.3), 0);
}

int main(void)
{
    CHECK_CASE(test_ip_quadrants);
    CHECK_CASE(test_unvalued_cost);
    CHECK_CASE(test_validation);
    CHECK_CASE(test_tally);
    CHECK_CASE(test_alignment);
    CHECK_CASE(test_at_risk);
    return CHECK_DONE();
}
