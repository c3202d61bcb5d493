/* test_relmap.c — the relationship map: who is a decision maker, the order and depth of the
 * organisation chart, loops broken, and each coverage gap at and just past its edge. */
#include "check.h"
#include "cvom.h"

#include <string.h>

#define DAY 20000 /* the day judged: 2024-10-04 */

static struct cvom_map_person person(int64_t id, int64_t up, const char *role, double infl,
                                     enum cvom_stance stance, int32_t contact, int counterpart)
{
    return (struct cvom_map_person){.id = id,
                                    .reports_to = up,
                                    .role = role,
                                    .influence = infl,
                                    .stance = stance,
                                    .last_contact = contact,
                                    .has_counterpart = counterpart};
}

static void test_decider(void)
{
    CHECK(cvom_map_is_decider("Economic buyer", 0.1));
    CHECK(cvom_map_is_decider("DECISION maker", 0));
    CHECK(cvom_map_is_decider("chief buyer", 0));
    CHECK(cvom_map_is_decider("", 0.8));
    CHECK(cvom_map_is_decider(NULL, 1));
    CHECK(!cvom_map_is_decider("user", 0.79));
    CHECK(!cvom_map_is_decider("Buy", 0.5)); /* "buy" alone is not "buyer" */
    CHECK(!cvom_map_is_decider(NULL, 0));
}

static void test_names(void)
{
    CHECK_STR(cvom_map_gap_name(CVOM_GAP_NO_COUNTERPART), "no-counterpart");
    CHECK_STR(cvom_map_gap_name(CVOM_GAP_NO_CONTACT), "no-contact");
    CHECK_STR(cvom_map_gap_name(CVOM_GAP_CRITICS_ABOVE), "critics-above");
    CHECK_STR(cvom_map_gap_name(CVOM_GAP_NO_CONTACT | CVOM_GAP_NO_COUNTERPART), "");
    CHECK_STR(cvom_map_gap_text(CVOM_GAP_NO_CONTACT), "decision maker without contact in 90 days");
    CHECK_STR(cvom_map_gap_text(0), "");
}

/* Given as: 1 CEO; 2 reports to 4; 3 reports to 1; 4 reports to 1; 5 reports to an id not on
 * the map. Chart, depth first in the order given:
 *   1 (0), 3 (1), 4 (1), 2 (2), 5 (0). */
static void test_order(void)
{
    struct cvom_map_person p[] = {
        person(1, 0, "CEO", 0.5, CVOM_STANCE_NEUTRAL, DAY, 1),
        person(2, 4, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
        person(3, 1, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
        person(4, 1, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
        person(5, 99, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
    };
    struct cvom_map_node nodes[5];
    memset(nodes, 0xff, sizeof nodes);
    CHECK_INT(cvom_map_build(p, 5, DAY, nodes, NULL), CVOM_OK);
    const size_t order[] = {0, 2, 3, 1, 4};
    const int depth[] = {0, 1, 1, 2, 0};
    for (size_t i = 0; i < 5; i++) {
        CHECK_INT(nodes[i].person, order[i]);
        CHECK_INT(nodes[i].depth, depth[i]);
        CHECK_INT(nodes[i].gaps, 0);
        CHECK_INT(nodes[i].decider, 0);
    }
    /* Nobody: nothing to write, and fine. */
    CHECK_INT(cvom_map_build(p, 0, DAY, nodes, NULL), CVOM_OK);
}

/* 1 → 2 → 3 → 1 is a loop (the store refuses one; the map must still end): broken at 1, the
 * first given, who goes to the top. 4 reports to itself: at the top too. */
static void test_loop(void)
{
    struct cvom_map_person p[] = {
        person(1, 2, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
        person(2, 3, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
        person(3, 1, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
        person(4, 4, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
    };
    struct cvom_map_node nodes[4];
    CHECK_INT(cvom_map_build(p, 4, DAY, nodes, NULL), CVOM_OK);
    const size_t order[] = {0, 2, 1, 3};
    const int depth[] = {0, 1, 2, 0};
    for (size_t i = 0; i < 4; i++) {
        CHECK_INT(nodes[i].person, order[i]);
        CHECK_INT(nodes[i].depth, depth[i]);
    }
}

static void test_bad_ids(void)
{
    struct cvom_map_person p[] = {
        person(7, 0, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
        person(7, 0, "", 0.2, CVOM_STANCE_NEUTRAL, 0, 0),
    };
    struct cvom_map_node nodes[2];
    struct cvom_error err = {0};
    CHECK_INT(cvom_map_build(p, 2, DAY, nodes, &err), CVOM_EINVAL);
    CHECK_STR(err.message, "stakeholder id 7 is given twice");
    p[1].id = 0;
    CHECK_INT(cvom_map_build(p, 2, DAY, nodes, &err), CVOM_EINVAL);
    CHECK_STR(err.message, "stakeholder id 0 is not positive");
    CHECK_INT(cvom_map_build(p, CVOM_MAP_MAX + 1, DAY, nodes, &err), CVOM_EINVAL);
}

/* Contact 90 days before the day judged is within the window; 91 is not; none is a gap. A
 * decision maker with a counterpart and recent contact has no gap; someone who is not a
 * decision maker has none for either. */
static void test_decider_gaps(void)
{
    struct cvom_map_person p[] = {
        person(1, 0, "Economic buyer", 0.5, CVOM_STANCE_NEUTRAL, DAY - 90, 1),
        person(2, 1, "Economic buyer", 0.5, CVOM_STANCE_NEUTRAL, DAY - 91, 1),
        person(3, 1, "user", 0.9, CVOM_STANCE_NEUTRAL, 0, 0),
        person(4, 1, "user", 0.7, CVOM_STANCE_NEUTRAL, 0, 0),
        person(5, 1, "Decision maker", 0.1, CVOM_STANCE_NEUTRAL, DAY, 0),
    };
    struct cvom_map_node nodes[5];
    CHECK_INT(cvom_map_build(p, 5, DAY, nodes, NULL), CVOM_OK);
    CHECK_INT(nodes[0].gaps, 0);
    CHECK_INT(nodes[0].decider, 1);
    CHECK_INT(nodes[1].gaps, CVOM_GAP_NO_CONTACT);
    CHECK_INT(nodes[2].gaps, CVOM_GAP_NO_CONTACT | CVOM_GAP_NO_COUNTERPART);
    CHECK_INT(nodes[2].decider, 1);
    CHECK_INT(nodes[3].gaps, 0);
    CHECK_INT(nodes[3].decider, 0);
    CHECK_INT(nodes[4].gaps, CVOM_GAP_NO_COUNTERPART);
}

/* Champions: under a sceptic who is under an opponent (every one above a critic: a gap);
 * under a sceptic who is under a supporter (not only critics: none); at the top (nobody
 * above: none). A supporter under critics is no champion: none. */
static void test_critics_above(void)
{
    struct cvom_map_person p[] = {
        person(1, 0, "", 0.2, CVOM_STANCE_OPPONENT, 0, 0),
        person(2, 1, "", 0.2, CVOM_STANCE_SCEPTIC, 0, 0),
        person(3, 2, "", 0.2, CVOM_STANCE_CHAMPION, 0, 0),
        person(4, 0, "", 0.2, CVOM_STANCE_SUPPORTER, 0, 0),
        person(5, 4, "", 0.2, CVOM_STANCE_SCEPTIC, 0, 0),
        person(6, 5, "", 0.2, CVOM_STANCE_CHAMPION, 0, 0),
        person(7, 0, "", 0.2, CVOM_STANCE_CHAMPION, 0, 0),
        person(8, 2, "", 0.2, CVOM_STANCE_SUPPORTER, 0, 0),
    };
    struct cvom_map_node nodes[8];
    CHECK_INT(cvom_map_build(p, 8, DAY, nodes, NULL), CVOM_OK);
    unsigned gaps[9] = {0};
    for (size_t i = 0; i < 8; i++)
        gaps[p[nodes[i].person].id] = nodes[i].gaps;
    CHECK_INT(gaps[3], CVOM_GAP_CRITICS_ABOVE);
    CHECK_INT(gaps[6], 0);
    CHECK_INT(gaps[7], 0);
    CHECK_INT(gaps[8], 0);
    CHECK_INT(gaps[1] | gaps[2] | gaps[4] | gaps[5], 0);
}

int main(void)
{
    CHECK_CASE(test_decider);
    CHECK_CASE(test_names);
    CHECK_CASE(test_order);
    CHECK_CASE(test_loop);
    CHECK_CASE(test_bad_ids);
    CHECK_CASE(test_decider_gaps);
    CHECK_CASE(test_critics_above);
    return CHECK_DONE();
}
