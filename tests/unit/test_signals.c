/* test_signals.c — signal normalisation and the blend of signals into the axis scores,
 * checked against examples worked by hand (arithmetic in the comments). The percentile
 * rank is also checked against scipy.stats.rankdata in tests/scripts/signals.py. */
#include "check.h"
#include "cvom.h"

#include <math.h>
#include <string.h>

static struct cvom_signal_def def(enum cvom_norm norm, double p1, double p2, int direction)
{
    struct cvom_signal_def d;
    memset(&d, 0, sizeof d);
    strcpy(d.name, "s");
    d.axis = CVOM_DIM_EMOTIONAL;
    d.direction = direction;
    d.norm = norm;
    d.p1 = p1;
    d.p2 = p2;
    d.weight = 0.5;
    return d;
}

static void test_validate(void)
{
    struct cvom_error err = {0};
    struct cvom_signal_def d = def(CVOM_NORM_FIXED, 0, 40, 1);
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_OK);
    d.p2 = 0;
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_EINVAL);
    d = def(CVOM_NORM_LOGISTIC, 2, 0, 1);
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_EINVAL);
    d.p2 = NAN;
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "p2");
    d = def(CVOM_NORM_PERCENTILE, 0, 0, -1);
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_OK);
    d.direction = 0;
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_EINVAL);
    d = def(CVOM_NORM_PERCENTILE, 0, 0, 1);
    d.weight = 0;
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_EINVAL);
    d.weight = 101;
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "weight");
    d.weight = 1;
    strcpy(d.name, "bad name");
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_EINVAL);
    d.name[0] = '\0';
    CHECK_INT(cvom_signal_def_validate(&d, &err), CVOM_EINVAL);
    CHECK_INT(cvom_norm_parse("logistic"), CVOM_NORM_LOGISTIC);
    CHECK_INT(cvom_norm_parse("Logistic"), -1);
    CHECK_STR(cvom_norm_name(CVOM_NORM_PERCENTILE), "percentile");
}

static void test_normalise(void)
{
    /* Mid-ranks of {1, 2, 2, 3, 10}: 1, 2.5, 2.5, 4, 5; as 100·(rank − 1)/4:
     * 0, 37.5, 37.5, 75, 100. */
    const double v[] = {1, 2, 2, 3, 10};
    CHECK_NEAR(cvom_percentile_rank(v, 5, 1), 0, 1e-12);
    CHECK_NEAR(cvom_percentile_rank(v, 5, 2), 37.5, 1e-12);
    CHECK_NEAR(cvom_percentile_rank(v, 5, 3), 75, 1e-12);
    CHECK_NEAR(cvom_percentile_rank(v, 5, 10), 100, 1e-12);
    /* 2.5 is absent: it sits between rank 3 and rank 4, at 100·2.5/4. */
    CHECK_NEAR(cvom_percentile_rank(v, 5, 2.5), 62.5, 1e-12);
    CHECK_NEAR(cvom_percentile_rank(v, 1, 7), 50, 0);
    CHECK(isnan(cvom_percentile_rank(v, 0, 7)));
    const double same[] = {4, 4, 4};
    CHECK_NEAR(cvom_percentile_rank(same, 3, 4), 50, 1e-12); /* all tied: mid-rank 2 of 3 */

    /* Discount depth 0..40 %: 10 % is a quarter of the way; more discount is less value. */
    struct cvom_signal_def d = def(CVOM_NORM_FIXED, 0, 40, -1);
    CHECK_NEAR(cvom_signal_normalise(&d, 10, NULL, 0), 75, 1e-12);
    CHECK_NEAR(cvom_signal_normalise(&d, 55, NULL, 0), 0, 1e-12); /* clamped */
    CHECK_NEAR(cvom_signal_normalise(&d, -5, NULL, 0), 100, 1e-12);
    /* Bounds given high to low: 100·(10 − 40)/(0 − 40) = 75. */
    d = def(CVOM_NORM_FIXED, 40, 0, 1);
    CHECK_NEAR(cvom_signal_normalise(&d, 10, NULL, 0), 75, 1e-12);
    /* Logistic around 2 meetings with scale 1: 2 → 50; 3 → 100/(1 + e^−1). */
    d = def(CVOM_NORM_LOGISTIC, 2, 1, 1);
    CHECK_NEAR(cvom_signal_normalise(&d, 2, NULL, 0), 50, 1e-12);
    CHECK_NEAR(cvom_signal_normalise(&d, 3, NULL, 0), 73.10585786300049, 1e-12);
    d.direction = -1;
    CHECK_NEAR(cvom_signal_normalise(&d, 3, NULL, 0), 100 - 73.10585786300049, 1e-12);
    CHECK(isnan(cvom_signal_normalise(&d, INFINITY, NULL, 0)));
    d = def(CVOM_NORM_PERCENTILE, 0, 0, -1);
    CHECK_NEAR(cvom_signal_normalise(&d, 3, v, 5), 25, 1e-12);
}

static struct cvom_score survey(double i, double e, double half)
{
    struct cvom_score s;
    memset(&s, 0, sizeof s);
    s.value[0] = i;
    s.value[1] = e;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        s.half[d] = half;
        s.se[d] = half / 2;
        s.lo[d] = s.value[d] - half;
        s.hi[d] = s.value[d] + half;
        s.respondents[d] = 2;
    }
    return s;
}

static void test_blend(void)
{
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    CHECK_NEAR(cfg.survey_weight, 1, 0);
    /* Intellectual: survey 40 (weight 1) with signals 100 and 70 (0.5 each): total weight
     * 2, so (40 + 50 + 35)/2 = 62.5, the survey's share 1/2 and its half-width 10 → 5.
     * Emotional: survey 60 with a signal at 0 of weight 1: 30, half-width 5. */
    struct cvom_signal_input in[] = {
        {CVOM_DIM_INTELLECTUAL, 100, 0.5},
        {CVOM_DIM_EMOTIONAL, 0, 1},
        {CVOM_DIM_INTELLECTUAL, 70, 0.5},
    };
    struct cvom_score s = survey(40, 60, 10);
    struct cvom_blend b;
    CHECK_INT(cvom_blend_signals(&cfg, in, 3, &s, &b), CVOM_OK);
    CHECK_NEAR(s.value[0], 62.5, 1e-12);
    CHECK_NEAR(s.lo[0], 57.5, 1e-12);
    CHECK_NEAR(s.hi[0], 67.5, 1e-12);
    CHECK_NEAR(s.se[0], 2.5, 1e-12);
    CHECK_NEAR(s.value[1], 30, 1e-12);
    CHECK_NEAR(s.lo[1], 25, 1e-12);
    CHECK_INT(s.quadrant, CVOM_Q_INTELLECTUAL);
    CHECK_INT(s.state, CVOM_STATE_OK);
    CHECK_NEAR(b.survey[0], 40, 0);
    CHECK_INT(b.axis[1], CVOM_DIM_EMOTIONAL);
    CHECK_INT(b.axis[2], CVOM_DIM_INTELLECTUAL);
    CHECK_NEAR(b.survey_share[0], 0.5, 1e-12);
    CHECK_NEAR(b.contribution[0], 25, 1e-12);
    CHECK_NEAR(b.contribution[2], 17.5, 1e-12);
    CHECK_NEAR(b.contribution[1], 0, 1e-12);
    CHECK_NEAR(b.share[1], 0.5, 1e-12);
    CHECK_NEAR(b.survey_share[0] * b.survey[0] + b.contribution[0] + b.contribution[2], s.value[0],
               1e-12);

    /* Borderline: 48 ± 5 crosses 50. A signal that agrees (48, weight 1) keeps 48 but
     * halves the width: 45.5..50.5, still across. One at 60: 54, 51.5..56.5: clear. */
    s = survey(48, 80, 5);
    struct cvom_signal_input agree = {CVOM_DIM_INTELLECTUAL, 48, 1};
    CHECK_INT(cvom_blend_signals(&cfg, &agree, 1, &s, NULL), CVOM_OK);
    CHECK_INT(s.state, CVOM_STATE_BORDERLINE);
    CHECK_NEAR(s.hi[0], 50.5, 1e-12);
    s = survey(48, 80, 5);
    struct cvom_signal_input lift = {CVOM_DIM_INTELLECTUAL, 60, 1};
    CHECK_INT(cvom_blend_signals(&cfg, &lift, 1, &s, NULL), CVOM_OK);
    CHECK_NEAR(s.value[0], 54, 1e-12);
    CHECK_INT(s.state, CVOM_STATE_OK);
    CHECK_INT(s.quadrant, CVOM_Q_PARTNERSHIP);

    /* A heavier survey: weight 3 against 1 gives the survey 3/4: (3·48 + 60)/4 = 51. */
    cfg.survey_weight = 3;
    s = survey(48, 80, 5);
    CHECK_INT(cvom_blend_signals(&cfg, &lift, 1, &s, NULL), CVOM_OK);
    CHECK_NEAR(s.value[0], 51, 1e-12);
    cfg.survey_weight = 1;

    /* No survey score on an axis: the signal cannot place it. */
    s = survey(70, 60, 5);
    s.value[1] = s.lo[1] = s.hi[1] = s.half[1] = s.se[1] = NAN;
    struct cvom_signal_input alone = {CVOM_DIM_EMOTIONAL, 90, 1};
    CHECK_INT(cvom_blend_signals(&cfg, &alone, 1, &s, &b), CVOM_OK);
    CHECK(isnan(s.value[1]));
    CHECK_INT(b.counted[0], 0);
    CHECK_INT(s.state, CVOM_STATE_INSUFFICIENT);

    /* Refused: a score outside 0..100, a weight of 0, too many inputs. */
    struct cvom_signal_input bad = {CVOM_DIM_EMOTIONAL, 101, 1};
    CHECK_INT(cvom_blend_signals(&cfg, &bad, 1, &s, NULL), CVOM_EINVAL);
    bad.score = 50;
    bad.weight = 0;
    CHECK_INT(cvom_blend_signals(&cfg, &bad, 1, &s, NULL), CVOM_EINVAL);
    CHECK_INT(cvom_blend_signals(&cfg, in, CVOM_SIGNALS_MAX + 1, &s, NULL), CVOM_EINVAL);
    cfg.survey_weight = 0;
    CHECK_INT(cvom_blend_signals(&cfg, in, 1, &s, NULL), CVOM_EINVAL);
}

int main(void)
{
    CHECK_CASE(test_validate);
    CHECK_CASE(test_normalise);
    CHECK_CASE(test_blend);
    return CHECK_DONE();
}
