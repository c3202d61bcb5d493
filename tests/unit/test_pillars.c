/* test_pillars.c — partnership health (pillar scores, the trust gate, trends) and the
 * stakeholders' spread on the matrix, checked against examples worked by hand; the
 * arithmetic is in the comments. */
#include "check.h"
#include "cvom.h"
#include "io/instrument_csv.h"
#include "service/portfolio.h"
#include "store/store.h"

#include <stdlib.h>
#include <unistd.h>

static struct cvom_item item(const char *code, enum cvom_axis axis, int reverse, double w)
{
    struct cvom_item it;
    memset(&it, 0, sizeof it);
    snprintf(it.code, sizeof it.code, "%s", code);
    snprintf(it.statement, sizeof it.statement, "statement %s", code);
    it.axis = axis;
    it.reverse = reverse;
    it.weight = w;
    it.scale_min = 1;
    it.scale_max = 5; /* 1..5 scores 0, 25, 50, 75, 100 */
    return it;
}

/* 0 I1, 1 I2 intellectual; 2 E1, 3 E2 emotional; 4 P1, 5 P2 (weight 3) passion;
 * 6 R1 resonance; 7 S1 security; 8 C1 creativity; 9 T1, 10 T2 (reverse) trust. */
enum { I1, I2, E1, E2, P1, P2, R1, S1, C1, T1, T2, N_ITEMS };

static void pillar_instrument(struct cvom_instrument *ins)
{
    cvom_instrument_init(ins);
    snprintf(ins->name, sizeof ins->name, "pil");
    ins->min_items = 1;
    struct cvom_item items[N_ITEMS] = {
        item("I1", CVOM_AXIS_INTELLECTUAL, 0, 1), item("I2", CVOM_AXIS_INTELLECTUAL, 0, 1),
        item("E1", CVOM_AXIS_EMOTIONAL, 0, 1),    item("E2", CVOM_AXIS_EMOTIONAL, 0, 1),
        item("P1", CVOM_AXIS_PASSION, 0, 1),      item("P2", CVOM_AXIS_PASSION, 0, 3),
        item("R1", CVOM_AXIS_RESONANCE, 0, 1),    item("S1", CVOM_AXIS_SECURITY, 0, 1),
        item("C1", CVOM_AXIS_CREATIVITY, 0, 1),   item("T1", CVOM_AXIS_TRUST, 0, 1),
        item("T2", CVOM_AXIS_TRUST, 1, 1),
    };
    for (size_t i = 0; i < N_ITEMS; i++)
        CHECK_INT(cvom_instrument_add(ins, &items[i], NULL), CVOM_OK);
}

static void test_names_and_axes(void)
{
    CHECK_STR(cvom_axis_name(CVOM_AXIS_PASSION), "passion");
    CHECK_STR(cvom_axis_name(CVOM_AXIS_TRUST), "trust");
    CHECK_INT(cvom_axis_parse("resonance"), CVOM_AXIS_RESONANCE);
    CHECK_INT(cvom_axis_parse("security"), CVOM_AXIS_SECURITY);
    CHECK_INT(cvom_axis_parse("creativity"), CVOM_AXIS_CREATIVITY);
    CHECK_INT(cvom_axis_parse("Trust"), -1);
    CHECK_INT(cvom_axis_pillar(CVOM_AXIS_PASSION), CVOM_PILLAR_PASSION);
    CHECK_INT(cvom_axis_pillar(CVOM_AXIS_CREATIVITY), CVOM_PILLAR_CREATIVITY);
    CHECK_INT(cvom_axis_pillar(CVOM_AXIS_TRUST), CVOM_PILLAR_TRUST);
    CHECK_INT(cvom_axis_pillar(CVOM_AXIS_INTELLECTUAL), -1);
    CHECK_INT(cvom_axis_pillar(CVOM_AXIS_BOTH), -1);
    CHECK_STR(cvom_pillar_name(CVOM_PILLAR_RESONANCE), "resonance");
    CHECK_STR(cvom_pillar_title(CVOM_PILLAR_TRUST), "Trust");
    CHECK_STR(cvom_pillar_name(CVOM_PILLAR_COUNT), "?");
    CHECK_STR(cvom_health_state_name(CVOM_HEALTH_PARTIAL), "partial");
    CHECK_STR(cvom_pillar_trend_name(CVOM_TREND_CRUMBLED), "crumbled");
    CHECK_INT(CVOM_PILLARS, 4);
    /* Partnership items count on neither value dimension. */
    for (int a = CVOM_AXIS_PASSION; a <= CVOM_AXIS_TRUST; a++) {
        struct cvom_item it = item("X", (enum cvom_axis)a, 0, 1);
        CHECK_INT(cvom_item_on_dim(&it, CVOM_DIM_INTELLECTUAL), 0);
        CHECK_INT(cvom_item_on_dim(&it, CVOM_DIM_EMOTIONAL), 0);
        struct cvom_respondent r;
        memset(&r, 0, sizeof r);
        CHECK_INT(cvom_respondent_answer(&r, &it, 5), CVOM_OK);
        CHECK_INT(r.dim[0].n + r.dim[1].n, 0);
    }
}

/* Version 2 of the default instrument: the 19 items of version 1 first and unchanged in
 * code and axis, then at least two items per pillar and three for trust. */
static void test_default_instrument(void)
{
    static const char *const v1[] = {"INT01", "INT02", "INT03", "INT04", "INT05", "INT06", "INT07",
                                     "INT08", "EMO01", "EMO02", "EMO03", "EMO04", "EMO05", "EMO06",
                                     "EMO07", "EMO08", "PRC01", "PRC02", "PRC03"};
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    struct cvom_error err = {0};
    CHECK_INT(cvom__instrument_default(&ins, &err), CVOM_OK);
    CHECK_INT(ins.version, 2);
    CHECK_INT(ins.min_items, 3);
    CHECK(ins.n_items >= 19 + 4 * 2 + 3);
    for (size_t i = 0; i < 19 && i < ins.n_items; i++) {
        CHECK_STR(ins.items[i].code, v1[i]);
        CHECK(cvom_axis_pillar(ins.items[i].axis) < 0);
    }
    int n[CVOM_PILLAR_COUNT] = {0};
    for (size_t i = 19; i < ins.n_items; i++) {
        int m = cvom_axis_pillar(ins.items[i].axis);
        CHECK(m >= 0);
        if (m >= 0)
            n[m]++;
        CHECK(ins.items[i].construct[0] != '\0');
    }
    for (int m = 0; m < CVOM_PILLARS; m++)
        CHECK(n[m] >= 2);
    CHECK(n[CVOM_PILLAR_TRUST] >= 3);
    CHECK_INT(cvom_instrument_validate(&ins, NULL), CVOM_OK);
    cvom_instrument_cleanup(&ins);
}

/* The trust gate: health = min(pillars' mean, trust + margin). */
static void test_gate(void)
{
    int capped = -1;
    CHECK_NEAR(cvom_health_gate(80, 30, 10, &capped), 40, 1e-12); /* 30 + 10 < 80 */
    CHECK_INT(capped, 1);
    CHECK_NEAR(cvom_health_gate(60, 55, 10, &capped), 60, 1e-12); /* 65 > 60: no cap */
    CHECK_INT(capped, 0);
    CHECK_NEAR(cvom_health_gate(60, 50, 10, &capped), 60, 1e-12); /* exactly at the cap */
    CHECK_INT(capped, 0);
    CHECK_NEAR(cvom_health_gate(100, 0, 10, &capped), 10, 1e-12); /* whatever the pillars say */
    CHECK_INT(capped, 1);
    CHECK_NEAR(cvom_health_gate(20, 95, 10, NULL), 20, 1e-12); /* trust adds nothing */
    CHECK(isnan(cvom_health_gate(NAN, 50, 10, &capped)));
    CHECK_INT(capped, 0);
    CHECK(isnan(cvom_health_gate(50, NAN, 10, &capped)));
}

static void test_trend(void)
{
    CHECK_INT(cvom_pillar_trend_between(60, 40), CVOM_TREND_CRUMBLED);
    CHECK_INT(cvom_pillar_trend_between(40, 60), CVOM_TREND_REBUILT);
    CHECK_INT(cvom_pillar_trend_between(60, 55), CVOM_TREND_HELD);
    CHECK_INT(cvom_pillar_trend_between(40, 45), CVOM_TREND_WEAK);
    CHECK_INT(cvom_pillar_trend_between(49.99, 50), CVOM_TREND_REBUILT);   /* 50 itself is sound */
    CHECK_INT(cvom_pillar_trend_between(80, 50 - 1e-11), CVOM_TREND_HELD); /* a rounding error */
    CHECK_INT(cvom_pillar_trend_between(NAN, 50), CVOM_TREND_UNKNOWN);
    CHECK_INT(cvom_pillar_trend_between(50, NAN), CVOM_TREND_UNKNOWN);
}

/* Respondents of the worked example.
 *   A, customer, influence 0.75: I1=5 I2=4 E1=4 E2=5; P1=5 P2=3 R1=4 S1=4 C1=5 T1=5 T2=1
 *     axes: intellectual (100 + 75)/2 = 87.5, emotional (75 + 100)/2 = 87.5
 *     passion (1·100 + 3·50)/4 = 62.5; resonance 75; security 75; creativity 100;
 *     trust (100 + (100 − 0))/2 = 100
 *   B, customer, influence 0.25: I1=2 I2=2 E1=2 E2=1; P1=3 (P2 unanswered) R1=1 S1=3 C1=3
 *     T1=3 T2=4
 *     axes: intellectual 25, emotional 12.5
 *     passion 50; resonance 0; security 50; creativity 50; trust (50 + (100 − 75))/2 = 37.5
 *   C, self, influence 1: every item 5 — passion 100, trust (100 + 0)/2 = 50; not counted.
 * Account (customers only, weights 0.75 and 0.25):
 *   passion 0.75·62.5 + 0.25·50 = 59.375; resonance 0.75·75 + 0.25·0 = 56.25;
 *   security 0.75·75 + 0.25·50 = 68.75; creativity 0.75·100 + 0.25·50 = 87.5;
 *   trust 0.75·100 + 0.25·37.5 = 84.375
 *   pillars' mean (59.375 + 56.25 + 68.75 + 87.5)/4 = 67.96875; cap 94.375: not capped;
 *   health 67.96875; weakest resonance.
 *   intellectual 0.75·87.5 + 0.25·25 = 71.875; emotional 0.75·87.5 + 0.25·12.5 = 68.75. */
static const size_t items_a[] = {I1, I2, E1, E2, P1, P2, R1, S1, C1, T1, T2};
static double raw_a[] = {5, 4, 4, 5, 5, 3, 4, 4, 5, 5, 1};
static const size_t items_b[] = {I1, I2, E1, E2, P1, R1, S1, C1, T1, T2};
static double raw_b[] = {2, 2, 2, 1, 3, 1, 3, 3, 3, 4};
static const size_t items_c[] = {I1, I2, E1, E2, P1, P2, R1, S1, C1, T1, T2};
static const double raw_c[] = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5};

static void example_sets(struct cvom_answer_set sets[3])
{
    sets[0] = (struct cvom_answer_set){.label = "A",
                                       .kind = CVOM_RESP_CUSTOMER,
                                       .influence = 0.75,
                                       .n = 11,
                                       .items = items_a,
                                       .raw = raw_a};
    sets[1] = (struct cvom_answer_set){.label = "B",
                                       .kind = CVOM_RESP_CUSTOMER,
                                       .influence = 0.25,
                                       .n = 10,
                                       .items = items_b,
                                       .raw = raw_b};
    sets[2] = (struct cvom_answer_set){.label = "C",
                                       .kind = CVOM_RESP_SELF,
                                       .influence = 1,
                                       .n = 11,
                                       .items = items_c,
                                       .raw = raw_c};
}

static void health_of(const struct cvom_config *cfg, const struct cvom_instrument *ins,
                      const struct cvom_answer_set *sets, size_t n, struct cvom_explanation *ex,
                      struct cvom_health *h)
{
    struct cvom_error err = {0};
    CHECK_INT(cvom_explain(cfg, ins, sets, n, ex, &err), CVOM_OK);
    CHECK_INT(cvom_partnership_health(cfg, ins, ex, h), CVOM_OK);
}

static void test_pillar_scores(void)
{
    struct cvom_instrument ins;
    pillar_instrument(&ins);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_answer_set sets[3];
    example_sets(sets);
    struct cvom_explanation ex;
    struct cvom_health h;
    health_of(&cfg, &ins, sets, 3, &ex, &h);
    CHECK_NEAR(ex.score.value[0], 71.875, 1e-12); /* the axes ignore the pillar items */
    CHECK_NEAR(ex.score.value[1], 68.75, 1e-12);
    CHECK_INT(h.state, CVOM_HEALTH_OK);
    CHECK_NEAR(h.measure[CVOM_PILLAR_PASSION].value, 59.375, 1e-12);
    CHECK_NEAR(h.measure[CVOM_PILLAR_RESONANCE].value, 56.25, 1e-12);
    CHECK_NEAR(h.measure[CVOM_PILLAR_SECURITY].value, 68.75, 1e-12);
    CHECK_NEAR(h.measure[CVOM_PILLAR_CREATIVITY].value, 87.5, 1e-12);
    CHECK_NEAR(h.measure[CVOM_PILLAR_TRUST].value, 84.375, 1e-12);
    CHECK_NEAR(h.pillars_mean, 67.96875, 1e-12);
    CHECK_NEAR(h.cap, 94.375, 1e-12);
    CHECK_NEAR(h.health, 67.96875, 1e-12);
    CHECK_INT(h.capped, 0);
    CHECK_INT(h.weakest, CVOM_PILLAR_RESONANCE);
    CHECK_INT(h.respondents, 2);
    CHECK_INT(h.measure[CVOM_PILLAR_PASSION].respondents, 2);
    /* Our own view beside it: C's passion 100 and trust 50. */
    CHECK_NEAR(h.measure[CVOM_PILLAR_PASSION].self_value, 100, 1e-12);
    CHECK_NEAR(h.measure[CVOM_PILLAR_TRUST].self_value, 50, 1e-12);
    /* The interval is the axes': weights 0.75 and 0.25, n_eff = 1/(0.75² + 0.25²) = 1.6;
     * passion's weighted variance 0.75·62.5² + 0.25·50² − 59.375² = 29.296875, so
     * se = √(29.296875 / 0.6). */
    CHECK_NEAR(h.measure[CVOM_PILLAR_PASSION].se, sqrt(29.296875 / 0.6), 1e-9);
    CHECK(h.measure[CVOM_PILLAR_PASSION].lo < 59.375 && h.measure[CVOM_PILLAR_PASSION].hi > 59.375);
    /* Items: P1 gets A's 0.75·1·100/4 = 18.75 and B's 0.25·1·50/1 = 12.5, 31.25 in all;
     * P2 gets A's 0.75·3·50/4 = 28.125. Together 59.375, the passion score. P1's mean is
     * the influence-weighted (0.75·100 + 0.25·50)/1 = 87.5 over its two answers. */
    CHECK_NEAR(h.items[P1].contribution, 31.25, 1e-12);
    CHECK_NEAR(h.items[P2].contribution, 28.125, 1e-12);
    CHECK_NEAR(h.items[P1].mean, 87.5, 1e-12);
    CHECK_INT(h.items[P1].answered, 2);
    CHECK_INT(h.items[P2].answered, 1);
    CHECK_INT(h.items[I1].measure, -1);
    CHECK_INT(h.items[T2].measure, CVOM_PILLAR_TRUST);
    /* Per answer: the counted answers add up to each measure's score. */
    double sum[CVOM_PILLAR_COUNT] = {0};
    for (size_t i = 0; i < ex.n_respondents; i++)
        for (size_t j = 0; j < ex.respondents[i].n_answers; j++) {
            double c = cvom_health_answer_contribution(&h, &ins, &ex, i, j);
            int m = cvom_axis_pillar(ins.items[ex.respondents[i].answers[j].item].axis);
            if (m < 0 || i == 2)
                CHECK(isnan(c)); /* axis items and our own view add nothing */
            else
                sum[m] += c;
        }
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
        CHECK_NEAR(sum[m], h.measure[m].value, 1e-9);
    CHECK(isnan(cvom_health_answer_contribution(&h, &ins, &ex, 9, 0)));
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);

    /* With include_self, C counts with influence 1: passion (0.75·62.5 + 0.25·50 + 100)/2. */
    cfg.include_self = 1;
    health_of(&cfg, &ins, sets, 3, &ex, &h);
    CHECK_NEAR(h.measure[CVOM_PILLAR_PASSION].value, (46.875 + 12.5 + 100) / 2, 1e-12);
    CHECK_INT(h.respondents, 3);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    cvom_instrument_cleanup(&ins);
}

/* Weak trust caps health whatever the pillars say. A now answers T1=1 (0) and T2=5 (0 after
 * reverse coding): trust 0.75·0 + 0.25·37.5 = 9.375, cap 19.375 < 67.96875. Then every
 * pillar answer at the top: the pillars' mean is 100 and health still 19.375. */
static void test_weak_trust(void)
{
    struct cvom_instrument ins;
    pillar_instrument(&ins);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_answer_set sets[3];
    example_sets(sets);
    raw_a[T1] = 1;
    raw_a[T2] = 5;
    struct cvom_explanation ex;
    struct cvom_health h;
    health_of(&cfg, &ins, sets, 2, &ex, &h);
    CHECK_NEAR(h.measure[CVOM_PILLAR_TRUST].value, 9.375, 1e-12);
    CHECK_NEAR(h.pillars_mean, 67.96875, 1e-12);
    CHECK_NEAR(h.health, 19.375, 1e-12);
    CHECK_INT(h.capped, 1);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    double keep_a[11], keep_b[10];
    memcpy(keep_a, raw_a, sizeof keep_a);
    memcpy(keep_b, raw_b, sizeof keep_b);
    for (size_t j = P1; j <= C1; j++)
        raw_a[j] = 5;
    for (size_t j = 4; j <= 7; j++) /* B's P1 R1 S1 C1 */
        raw_b[j] = 5;
    health_of(&cfg, &ins, sets, 2, &ex, &h);
    CHECK_NEAR(h.pillars_mean, 100, 1e-12);
    CHECK_NEAR(h.health, 19.375, 1e-12);
    CHECK_INT(h.capped, 1);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    memcpy(raw_a, keep_a, sizeof keep_a);
    memcpy(raw_b, keep_b, sizeof keep_b);
    raw_a[T1] = 5;
    raw_a[T2] = 1;
    cvom_instrument_cleanup(&ins);
}

/* Accounts without pillar answers, and with some measures missing. */
static void test_states(void)
{
    struct cvom_instrument ins;
    pillar_instrument(&ins);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_explanation ex;
    struct cvom_health h;
    /* Only the value axes answered: no pillar answers at all. */
    struct cvom_answer_set axes_only = {
        .label = "A", .influence = 1, .n = 4, .items = items_a, .raw = raw_a};
    health_of(&cfg, &ins, &axes_only, 1, &ex, &h);
    CHECK_INT(h.state, CVOM_HEALTH_NONE);
    CHECK_INT(h.respondents, 0);
    CHECK_INT(h.weakest, -1);
    CHECK(isnan(h.health) && isnan(h.pillars_mean) && isnan(h.cap));
    CHECK_INT(h.capped, 0);
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
        CHECK_INT(h.measure[m].respondents, 0);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    /* No respondent at all. */
    health_of(&cfg, &ins, NULL, 0, &ex, &h);
    CHECK_INT(h.state, CVOM_HEALTH_NONE);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    /* The pillars without trust (A's first nine answers): partial, health unknown, and the
     * weakest pillar still named: passion 62.5 below resonance 75, security 75, creativity
     * 100. */
    struct cvom_answer_set no_trust = {
        .label = "A", .influence = 1, .n = 9, .items = items_a, .raw = raw_a};
    health_of(&cfg, &ins, &no_trust, 1, &ex, &h);
    CHECK_INT(h.state, CVOM_HEALTH_PARTIAL);
    CHECK_NEAR(h.pillars_mean, (62.5 + 75 + 75 + 100) / 4, 1e-12);
    CHECK(isnan(h.health));
    CHECK_INT(h.weakest, CVOM_PILLAR_PASSION);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    /* Our own view only: it is shown, but does not count. */
    struct cvom_answer_set self = {.label = "C",
                                   .kind = CVOM_RESP_SELF,
                                   .influence = 1,
                                   .n = 11,
                                   .items = items_c,
                                   .raw = raw_c};
    health_of(&cfg, &ins, &self, 1, &ex, &h);
    CHECK_INT(h.state, CVOM_HEALTH_NONE);
    CHECK_NEAR(h.measure[CVOM_PILLAR_PASSION].self_value, 100, 1e-12);
    CHECK(isnan(h.measure[CVOM_PILLAR_PASSION].value));
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    /* Too few respondents for the configured minimum: answers, but no scores. */
    cfg.min_respondents = 3;
    struct cvom_answer_set sets[3];
    example_sets(sets);
    health_of(&cfg, &ins, sets, 2, &ex, &h);
    CHECK_INT(h.state, CVOM_HEALTH_PARTIAL);
    CHECK(isnan(h.measure[CVOM_PILLAR_TRUST].value));
    CHECK_INT(h.measure[CVOM_PILLAR_TRUST].respondents, 2);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    /* An explanation that does not belong to the instrument. */
    cfg.min_respondents = 1;
    health_of(&cfg, &ins, sets, 2, &ex, &h);
    cvom_health_cleanup(&h);
    ins.n_items--;
    CHECK_INT(cvom_partnership_health(&cfg, &ins, &ex, &h), CVOM_EINVAL);
    ins.n_items++;
    cvom_explanation_cleanup(&ex);
    cvom_health_cleanup(NULL);
    cvom_instrument_cleanup(&ins);
}

/* The worked example on the matrix: A at (87.5, 87.5), B at (25, 12.5), the account at
 * (71.875, 68.75). A is (15.625, 18.75) from it, d² = 15.625²·(1 + 1.2²) = 15.625²·2.44;
 * B lies on the same line three times as far (the account is their weighted mean), d² =
 * 9·15.625²·2.44. Spread² = 0.75·d_A² + 0.25·9·d_A² = 3·d_A², spread = 15.625·√7.32 ≈ 42.27.
 * B's influence 0.25 is below the 0.5 that counts for a split: one quadrant, not split. */
static void test_spread(void)
{
    struct cvom_instrument ins;
    pillar_instrument(&ins);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_answer_set sets[3];
    example_sets(sets);
    struct cvom_explanation ex;
    struct cvom_error err = {0};
    CHECK_INT(cvom_explain(&cfg, &ins, sets, 3, &ex, &err), CVOM_OK);
    struct cvom_spread sp;
    CHECK_INT(cvom_stakeholder_spread(&cfg, &ex, &sp), CVOM_OK);
    CHECK_INT(sp.n, 2); /* our own view is not a stakeholder */
    CHECK_INT(sp.points[0].respondent, 0);
    CHECK_NEAR(sp.points[0].x, 87.5, 1e-12);
    CHECK_NEAR(sp.points[1].y, 12.5, 1e-12);
    CHECK_INT(sp.points[0].quadrant, CVOM_Q_PARTNERSHIP);
    CHECK_INT(sp.points[1].quadrant, CVOM_Q_TRANSACTIONAL);
    CHECK_NEAR(sp.points[0].distance, 15.625 * sqrt(2.44), 1e-9);
    CHECK_NEAR(sp.points[1].distance, 3 * 15.625 * sqrt(2.44), 1e-9);
    CHECK_NEAR(sp.spread, 15.625 * sqrt(7.32), 1e-9);
    CHECK_INT(sp.points[0].weighs, 1);
    CHECK_INT(sp.points[1].weighs, 0);
    CHECK_INT(sp.quadrants, 1);
    CHECK_INT(sp.split, 0);
    cvom_spread_cleanup(&sp);
    cvom_explanation_cleanup(&ex);
    /* B at influence 0.5 weighs: the account is split between two quadrants. */
    sets[1].influence = 0.5;
    CHECK_INT(cvom_explain(&cfg, &ins, sets, 3, &ex, &err), CVOM_OK);
    CHECK_INT(cvom_stakeholder_spread(&cfg, &ex, &sp), CVOM_OK);
    CHECK_INT(sp.quadrants, 2);
    CHECK_INT(sp.split, 1);
    cvom_spread_cleanup(&sp);
    cvom_explanation_cleanup(&ex);
    /* A alone: a point, but no spread, and one quadrant is never a split. */
    CHECK_INT(cvom_explain(&cfg, &ins, sets, 1, &ex, &err), CVOM_OK);
    CHECK_INT(cvom_stakeholder_spread(&cfg, &ex, &sp), CVOM_OK);
    CHECK_INT(sp.n, 1);
    CHECK_NEAR(sp.points[0].distance, 0, 1e-12);
    CHECK(isnan(sp.spread));
    CHECK_INT(sp.split, 0);
    cvom_spread_cleanup(&sp);
    cvom_explanation_cleanup(&ex);
    cvom_spread_cleanup(NULL);
    cvom_instrument_cleanup(&ins);
}

/* Three stakeholders: X (influence 0.6) at (100, 0), Y (0.5) at (0, 100), Z (0.3) at (0, 0).
 * Account: (60/1.4, 50/1.4) ≈ (42.86, 35.71). Spread² = the weighted mean of squared
 * distances = Σw(x² + y²)/Σw − (x̄² + ȳ²) = 11000/1.4 − (60/1.4)² − (50/1.4)² ≈ 4744.90,
 * spread ≈ 68.88. X and Y weigh and sit in Intellectual and Emotional; Z, below 0.5, does
 * not add Transactional: two quadrants, split. */
static void test_split(void)
{
    struct cvom_instrument ins;
    pillar_instrument(&ins);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    static const size_t axes[] = {I1, I2, E1, E2};
    static const double x_raw[] = {5, 5, 1, 1}, y_raw[] = {1, 1, 5, 5}, z_raw[] = {1, 1, 1, 1};
    struct cvom_answer_set sets[] = {
        {.label = "X", .influence = 0.6, .n = 4, .items = axes, .raw = x_raw},
        {.label = "Y", .influence = 0.5, .n = 4, .items = axes, .raw = y_raw},
        {.label = "Z", .influence = 0.3, .n = 4, .items = axes, .raw = z_raw},
    };
    struct cvom_explanation ex;
    struct cvom_error err = {0};
    CHECK_INT(cvom_explain(&cfg, &ins, sets, 3, &ex, &err), CVOM_OK);
    struct cvom_spread sp;
    CHECK_INT(cvom_stakeholder_spread(&cfg, &ex, &sp), CVOM_OK);
    CHECK_INT(sp.n, 3);
    double ax = 60 / 1.4, ay = 50 / 1.4;
    CHECK_NEAR(sp.spread, sqrt(11000 / 1.4 - ax * ax - ay * ay), 1e-9);
    CHECK_NEAR(sp.spread, 68.883219, 1e-6);
    CHECK_INT(sp.points[0].quadrant, CVOM_Q_INTELLECTUAL);
    CHECK_INT(sp.points[1].quadrant, CVOM_Q_EMOTIONAL);
    CHECK_INT(sp.points[2].quadrant, CVOM_Q_TRANSACTIONAL);
    CHECK_INT(sp.points[2].weighs, 0);
    CHECK_INT(sp.quadrants, 2);
    CHECK_INT(sp.split, 1);
    cvom_spread_cleanup(&sp);
    cvom_explanation_cleanup(&ex);
    /* A stakeholder exactly on both lines sits in the Partnership quadrant, like an
     * account: X at (50, 50) and Y at (100, 100) are one quadrant, not split. */
    static const double on_line[] = {3, 3, 3, 3}, top[] = {5, 5, 5, 5};
    sets[0].raw = on_line;
    sets[1].raw = top;
    CHECK_INT(cvom_explain(&cfg, &ins, sets, 2, &ex, &err), CVOM_OK);
    CHECK_INT(cvom_stakeholder_spread(&cfg, &ex, &sp), CVOM_OK);
    CHECK_INT(sp.points[0].quadrant, CVOM_Q_PARTNERSHIP);
    CHECK_INT(sp.split, 0);
    cvom_spread_cleanup(&sp);
    cvom_explanation_cleanup(&ex);
    /* A customer with a score on one axis only has no point. */
    static const size_t one_axis[] = {I1, I2};
    sets[0].items = one_axis;
    sets[0].n = 2;
    CHECK_INT(cvom_explain(&cfg, &ins, sets, 2, &ex, &err), CVOM_OK);
    CHECK_INT(cvom_stakeholder_spread(&cfg, &ex, &sp), CVOM_OK);
    CHECK_INT(sp.n, 1);
    CHECK_INT(sp.points[0].respondent, 1);
    cvom_spread_cleanup(&sp);
    cvom_explanation_cleanup(&ex);
    cfg.confidence = 2; /* a bad configuration */
    CHECK_INT(cvom_stakeholder_spread(&cfg, &ex, &sp), CVOM_EINVAL);
    cvom_instrument_cleanup(&ins);
}

/* One assessment of stakeholder sh with instrument iid on date, every item of ins answered
 * with the same value for all the items of an axis. */
static void assess(struct cvom_store *st, int64_t account, int64_t sh, int64_t iid,
                   const struct cvom_instrument *ins, int32_t date)
{
    struct cvom_error err = {0};
    struct cvom_assessment a = {.account_id = account,
                                .instrument_id = iid,
                                .kind = CVOM_RESP_CUSTOMER,
                                .stakeholder_id = sh,
                                .date = date,
                                .status = CVOM_ASSESS_COMPLETE};
    snprintf(a.respondent, sizeof a.respondent, "sh%lld", (long long)sh);
    CHECK_INT(st->ops->assessment_add(st, &a, &err), CVOM_OK);
    for (size_t j = 0; j < ins->n_items; j++) {
        /* intellectual 7 (100), emotional 4 (50), price 1 (100 reversed), pillars 6 (83.3),
         * trust 2 (16.7; TRU03 is reversed: 83.3). */
        static const double by_axis[CVOM_AXIS_COUNT] = {7, 4, 1, 6, 6, 6, 6, 2};
        struct cvom_response r = {.assessment_id = a.id, .value = by_axis[ins->items[j].axis]};
        snprintf(r.item_code, sizeof r.item_code, "%s", ins->items[j].code);
        CHECK_INT(st->ops->response_put(st, &r, &err), CVOM_OK);
    }
}

/* A database made before the pillars holds only version 1 of the default instrument. Opening
 * it adds version 2 beside version 1; an assessment made with version 1 keeps it and scores
 * as before, and one made with version 2 adds the pillars without moving the axes. */
static void test_upgrade(void)
{
    char dir[] = "/tmp/cvom-pillars-XXXXXX", path[64];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/old.db", dir);
    struct cvom_store *st = NULL;
    struct cvom_error err = {0};
    CHECK_INT(cvom__store_open(path, &st, &err), CVOM_OK);
    if (!st)
        return;
    struct cvom_instrument v2, v1;
    cvom_instrument_init(&v2);
    cvom_instrument_init(&v1);
    CHECK_INT(cvom__instrument_default(&v2, &err), CVOM_OK);
    /* Version 1 is version 2 without the partnership items. */
    v1 = v2;
    v1.items = NULL;
    v1.n_items = 0;
    v1.version = 1;
    for (size_t j = 0; j < 19; j++)
        CHECK_INT(cvom_instrument_add(&v1, &v2.items[j], &err), CVOM_OK);
    int64_t id1 = 0, id2 = 0, id;
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    CHECK_INT(st->ops->instrument_put(st, &v1, &id1, &err), CVOM_OK);
    struct cvom_account acc = {0};
    snprintf(acc.name, sizeof acc.name, "Old Co");
    CHECK_INT(st->ops->account_add(st, &acc, &err), CVOM_OK);
    struct cvom_stakeholder a = {.account_id = acc.id, .influence = 0.5};
    snprintf(a.name, sizeof a.name, "Ann");
    CHECK_INT(st->ops->stakeholder_add(st, &a, &err), CVOM_OK);
    struct cvom_stakeholder b = {.account_id = acc.id, .influence = 0.5};
    snprintf(b.name, sizeof b.name, "Bob");
    CHECK_INT(st->ops->stakeholder_add(st, &b, &err), CVOM_OK);
    int32_t d1, d2, later;
    cvom_date_parse("2026-01-10", &d1);
    cvom_date_parse("2026-02-10", &d2);
    cvom_date_parse("2026-03-01", &later);
    assess(st, acc.id, a.id, id1, &v1, d1);
    /* The upgrade: version 2 goes in beside version 1, and is the newest "default". */
    CHECK_INT(cvom__ensure_default_instrument(st, &id2, &err), CVOM_OK);
    CHECK(id2 != id1);
    CHECK_INT(st->ops->instrument_find(st, "default", 1, &id, &err), CVOM_OK);
    CHECK_INT(id, id1);
    CHECK_INT(st->ops->instrument_latest(st, "default", &id, &err), CVOM_OK);
    CHECK_INT(id, id2);
    CHECK_INT(cvom__ensure_default_instrument(st, &id, &err), CVOM_OK); /* only once */
    CHECK_INT(id, id2);
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);

    /* Ann's version-1 answers: intellectual (8·100 + 3·100)/11 = 100, emotional
     * (8·50 + 3·100)/11 = 700/11; no pillar answers. */
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    struct cvom_score sc;
    CHECK_INT(cvom__account_score(st, &cache, &cfg, acc.id, later, &sc, NULL, &err), CVOM_OK);
    CHECK_NEAR(sc.value[CVOM_DIM_INTELLECTUAL], 100, 1e-9);
    CHECK_NEAR(sc.value[CVOM_DIM_EMOTIONAL], 700.0 / 11, 1e-9);
    struct cvom_explanation ex;
    struct cvom_instrument u;
    struct cvom_health h;
    cvom_instrument_init(&u);
    CHECK_INT(cvom__account_explain(st, &cfg, acc.id, later, &ex, &u, NULL, &err), CVOM_OK);
    CHECK_INT(cvom_partnership_health(&cfg, &u, &ex, &h), CVOM_OK);
    CHECK_INT(h.state, CVOM_HEALTH_NONE);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);

    /* Bob answers the same with version 2: the axes do not move, and the pillars are
     * Bob's: each 83.33; trust (16.67 + 16.67 + 83.33)/3 = 38.89; health min(83.33,
     * 48.89) = 48.89, capped. */
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    assess(st, acc.id, b.id, id2, &v2, d2);
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
    CHECK_INT(cvom__account_score(st, &cache, &cfg, acc.id, later, &sc, NULL, &err), CVOM_OK);
    CHECK_NEAR(sc.value[CVOM_DIM_INTELLECTUAL], 100, 1e-9);
    CHECK_NEAR(sc.value[CVOM_DIM_EMOTIONAL], 700.0 / 11, 1e-9);
    CHECK_INT(sc.respondents[CVOM_DIM_EMOTIONAL], 2);
    CHECK_INT(cvom__account_explain(st, &cfg, acc.id, later, &ex, &u, NULL, &err), CVOM_OK);
    CHECK_INT(u.n_items, v2.n_items); /* the versions share their 19 items */
    CHECK_INT(cvom_partnership_health(&cfg, &u, &ex, &h), CVOM_OK);
    CHECK_INT(h.state, CVOM_HEALTH_OK);
    CHECK_INT(h.respondents, 1);
    CHECK_NEAR(h.measure[CVOM_PILLAR_SECURITY].value, 250.0 / 3, 1e-9);
    CHECK_NEAR(h.measure[CVOM_PILLAR_TRUST].value, (50.0 / 3 + 50.0 / 3 + 250.0 / 3) / 3, 1e-9);
    CHECK_NEAR(h.health, 350.0 / 9 + 10, 1e-9);
    CHECK_INT(h.capped, 1);
    cvom_health_cleanup(&h);
    cvom_explanation_cleanup(&ex);
    cvom_instrument_cleanup(&u);
    cvom__instrument_cache_cleanup(&cache);
    cvom_instrument_cleanup(&v1);
    cvom_instrument_cleanup(&v2);
    cvom__store_close(st);
    unlink(path);
    char wal[80];
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal);
    snprintf(wal, sizeof wal, "%s-shm", path);
    unlink(wal);
    rmdir(dir);
}

int main(void)
{
    CHECK_CASE(test_names_and_axes);
    CHECK_CASE(test_default_instrument);
    CHECK_CASE(test_gate);
    CHECK_CASE(test_trend);
    CHECK_CASE(test_pillar_scores);
    CHECK_CASE(test_weak_trust);
    CHECK_CASE(test_states);
    CHECK_CASE(test_spread);
    CHECK_CASE(test_split);
    CHECK_CASE(test_upgrade);
    return CHECK_DONE();
}
