/* test_migration.c — the migration module: a portfolio worked out by hand (tables, movers,
 * slides, stale accounts, both projections), the row and column sums of every table, the
 * projection and the estimate against NumPy (tests/data/migration/migration_fixtures.h,
 * made by make_fixtures.py beside it; to 1e-9), and the inputs that must be refused. */
#include "check.h"
#include "cvom.h"

#include "../data/migration/migration_fixtures.h"

#include <stdlib.h>

#define TOL 1e-9
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define NP CVOM_MIG_NOT_PLACED
#define T CVOM_Q_TRANSACTIONAL
#define I CVOM_Q_INTELLECTUAL
#define E CVOM_Q_EMOTIONAL
#define P CVOM_Q_PARTNERSHIP

/* A score in quadrant q at (x, y), or not placed when q is NP. */
static struct cvom_score point(int q, double x, double y)
{
    struct cvom_score s;
    memset(&s, 0, sizeof s);
    if (q == NP) {
        s.state = CVOM_STATE_INSUFFICIENT;
        s.value[0] = s.value[1] = NAN;
        return s;
    }
    s.state = CVOM_STATE_OK;
    s.quadrant = (enum cvom_quadrant)q;
    s.value[CVOM_DIM_INTELLECTUAL] = x;
    s.value[CVOM_DIM_EMOTIONAL] = y;
    return s;
}

static struct cvom_migration_account mig_account(int qf, double xf, double yf, int qt, double xt,
                                                 double yt, double revenue)
{
    struct cvom_migration_account a = {
        .from = point(qf, xf, yf), .to = point(qt, xt, yt), .revenue = revenue};
    return a;
}

/* Rows add up to the earlier date, columns to the later one, everything to the portfolio;
 * every row of P and every projected mix sums to 1. */
static void check_sums(const struct cvom_migration *m)
{
    size_t all = 0;
    double all_rev = 0, tol = 1e-9 * (m->total_revenue > 1 ? m->total_revenue : 1);
    for (int i = 0; i < CVOM_MIG_STATES; i++) {
        size_t row = 0, col = 0;
        double row_rev = 0, col_rev = 0;
        for (int j = 0; j < CVOM_MIG_STATES; j++) {
            row += m->count[i][j];
            col += m->count[j][i];
            row_rev += m->revenue[i][j];
            col_rev += m->revenue[j][i];
        }
        CHECK_INT(row, m->count_from[i]);
        CHECK_INT(col, m->count_to[i]);
        CHECK_NEAR(row_rev, m->revenue_from[i], tol);
        CHECK_NEAR(col_rev, m->revenue_to[i], tol);
        all += m->count_from[i];
        all_rev += m->revenue_to[i];
    }
    CHECK_INT(all, m->n_accounts);
    CHECK_NEAR(all_rev, m->total_revenue, tol);
    const struct cvom_migration_chain *ch[2] = {&m->by_count, &m->by_revenue};
    for (int c = 0; c < 2; c++) {
        for (int i = 0; i < CVOM_Q_COUNT; i++) {
            double s = 0;
            for (int j = 0; j < CVOM_Q_COUNT; j++)
                s += ch[c]->p[i][j];
            CHECK_NEAR(s, 1.0, 1e-12);
        }
        for (int k = 0; ch[c]->available && k <= m->options.periods; k++) {
            double s = 0;
            for (int q = 0; q < CVOM_Q_COUNT; q++)
                s += ch[c]->mix[k][q];
            CHECK_NEAR(s, 1.0, 1e-12);
        }
    }
}

/* ---------------------------------------------------------------------------------------
 * A portfolio worked out by hand
 *
 *   account  earlier            later              revenue  notes
 *   0 A      T (20, 20)         T (18, 15)            100   fall 7: not a slide; stale
 *   1 B      P (80, 80)         E (40, 70)            300   mover; fall 50: slide
 *   2 C      I (70, 30)         T (45, 30)            200   mover; entered T, fall 25
 *   3 D      not placed         E (30, 60)             50   gained evidence: no mover
 *   4 E      E (20, 80)         not placed              0   lost evidence: no mover
 *   5 F      E (30, 60)         P (60, 65)            400   mover; rose 35
 *   6 G      P (60, 60)         P (55, 54)            150   fall 11: slide
 *   7 H      I (52, 40)         T (49, 44)            500   mover; entered T, fall −1
 *   8 J      not placed         not placed             10
 *
 * Counts (rows earlier, columns later; T I E P NP):
 *   T  1 0 0 0 0 | 1      Revenue:  T  100   0   0   0  0 |  100
 *   I  2 0 0 0 0 | 2                I  700   0   0   0  0 |  700
 *   E  0 0 0 1 1 | 2                E    0   0   0 400  0 |  400
 *   P  0 0 1 1 0 | 2                P    0   0 300 150  0 |  450
 *   NP 0 0 1 0 1 | 2                NP   0   0  50   0 10 |   60
 *      3 0 2 2 2   9                   800   0 350 550 10   1710
 *
 * P by count (the 6 accounts placed on both dates): T→T 1; I→T 1; E→P 1; P→E ½, P→P ½.
 * Start: placed on the later date T 3, E 2, P 2 of 7 → (3/7, 0, 2/7, 2/7).
 *   after 1: (3/7, 0, 1/7, 3/7); after 2: (3/7, 0, 3/14, 5/14).
 * P by revenue: the same but P→E 300/450 = 2/3, P→P 1/3. Start (800, 0, 350, 550)/1700.
 *   after 1: T 8/17; E 550/1700 · 2/3 = 11/51; P 350/1700 + 550/1700 · 1/3 = 16/51.
 * Movers by revenue: H, F, B, C. Slides: entered first (C fall 25, H fall −1), then B 50,
 * G 11.
 * ------------------------------------------------------------------------------------- */

static void test_hand_worked(void)
{
    struct cvom_migration_account a[] = {
        mig_account(T, 20, 20, T, 18, 15, 100), mig_account(P, 80, 80, E, 40, 70, 300),
        mig_account(I, 70, 30, T, 45, 30, 200), mig_account(NP, 0, 0, E, 30, 60, 50),
        mig_account(E, 20, 80, NP, 0, 0, 0),    mig_account(E, 30, 60, P, 60, 65, 400),
        mig_account(P, 60, 60, P, 55, 54, 150), mig_account(I, 52, 40, T, 49, 44, 500),
        mig_account(NP, 0, 0, NP, 0, 0, 10),
    };
    struct cvom_migration_options o;
    cvom_migration_options_init(&o);
    CHECK_INT(o.periods, 4);
    CHECK_NEAR(o.slide_points, 10, 0);
    cvom_date_parse("2026-04-30", &o.from);
    cvom_date_parse("2026-10-31", &o.to);
    a[0].stale = 1;
    a[0].last_assessed = o.to - 200;
    struct cvom_migration m;
    struct cvom_error err = {0};
    CHECK_INT(cvom_migration_build(&o, a, COUNT(a), &m, &err), CVOM_OK);
    CHECK_INT(m.period_days, 184);
    CHECK_INT(m.n_accounts, 9);
    CHECK_INT(m.placed_both, 6);

    static const size_t count[5][5] = {
        {1, 0, 0, 0, 0}, {2, 0, 0, 0, 0}, {0, 0, 0, 1, 1}, {0, 0, 1, 1, 0}, {0, 0, 1, 0, 1}};
    static const double revenue[5][5] = {{100, 0, 0, 0, 0},
                                         {700, 0, 0, 0, 0},
                                         {0, 0, 0, 400, 0},
                                         {0, 0, 300, 150, 0},
                                         {0, 0, 50, 0, 10}};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            CHECK_INT(m.count[i][j], count[i][j]);
            CHECK_NEAR(m.revenue[i][j], revenue[i][j], 0);
        }
    static const size_t from[5] = {1, 2, 2, 2, 2}, to[5] = {3, 0, 2, 2, 2};
    static const double rfrom[5] = {100, 700, 400, 450, 60}, rto[5] = {800, 0, 350, 550, 10};
    for (int i = 0; i < 5; i++) {
        CHECK_INT(m.count_from[i], from[i]);
        CHECK_INT(m.count_to[i], to[i]);
        CHECK_NEAR(m.revenue_from[i], rfrom[i], 0);
        CHECK_NEAR(m.revenue_to[i], rto[i], 0);
    }
    CHECK_NEAR(m.total_revenue, 1710, 0);
    check_sums(&m);

    static const double pc[4][4] = {{1, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, .5, .5}};
    static const double pr[4][4] = {
        {1, 0, 0, 0}, {1, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 2.0 / 3, 1.0 / 3}};
    for (int i = 0; i < 4; i++) {
        CHECK_INT(m.by_count.kept[i], 0);
        CHECK_INT(m.by_revenue.kept[i], 0);
        for (int j = 0; j < 4; j++) {
            CHECK_NEAR(m.by_count.p[i][j], pc[i][j], 1e-15);
            CHECK_NEAR(m.by_revenue.p[i][j], pr[i][j], 1e-15);
        }
    }
    static const double mc[3][4] = {{3.0 / 7, 0, 2.0 / 7, 2.0 / 7},
                                    {3.0 / 7, 0, 1.0 / 7, 3.0 / 7},
                                    {3.0 / 7, 0, 3.0 / 14, 5.0 / 14}};
    static const double mr[2][4] = {{8.0 / 17, 0, 7.0 / 34, 11.0 / 34},
                                    {8.0 / 17, 0, 11.0 / 51, 16.0 / 51}};
    CHECK(m.by_count.available && m.by_revenue.available);
    for (int q = 0; q < 4; q++) {
        for (int k = 0; k < 3; k++)
            CHECK_NEAR(m.by_count.mix[k][q], mc[k][q], 1e-15);
        for (int k = 0; k < 2; k++)
            CHECK_NEAR(m.by_revenue.mix[k][q], mr[k][q], 1e-15);
        CHECK(isnan(m.by_count.mix[5][q])); /* past the periods asked for */
    }

    CHECK_INT(m.n_movers, 4);
    static const size_t movers[] = {7, 5, 1, 2};
    for (size_t i = 0; i < m.n_movers && i < COUNT(movers); i++)
        CHECK_INT(m.movers[i].index, movers[i]);
    CHECK_INT(m.movers[0].from, I);
    CHECK_INT(m.movers[0].to, T);
    CHECK_NEAR(m.movers[0].change[CVOM_DIM_INTELLECTUAL], -3, 1e-12);
    CHECK_NEAR(m.movers[0].change[CVOM_DIM_EMOTIONAL], 4, 1e-12);
    CHECK_NEAR(m.movers[0].revenue, 500, 0);
    CHECK_INT(m.movers[2].from, P);
    CHECK_INT(m.movers[2].to, E);
    CHECK_NEAR(m.movers[2].change[CVOM_DIM_INTELLECTUAL], -40, 1e-12);
    CHECK_NEAR(m.movers[2].change[CVOM_DIM_EMOTIONAL], -10, 1e-12);

    CHECK_INT(m.n_slides, 4);
    static const size_t slides[] = {2, 7, 1, 6};
    static const int entered[] = {1, 1, 0, 0};
    static const double fall[] = {25, -1, 50, 11};
    for (size_t i = 0; i < m.n_slides && i < COUNT(slides); i++) {
        CHECK_INT(m.slides[i].index, slides[i]);
        CHECK_INT(m.slides[i].entered, entered[i]);
        CHECK_NEAR(m.slides[i].fall, fall[i], 1e-12);
    }
    CHECK_INT(m.slides[3].from, P);
    CHECK_INT(m.slides[3].to, P);

    CHECK_INT(m.n_stale, 1);
    CHECK_INT(m.stale[0].index, 0);
    CHECK_INT(m.stale[0].age_days, 200);

    /* A higher bar for a slide leaves only the accounts that entered Transactional and B. */
    cvom_migration_cleanup(&m);
    o.slide_points = 30;
    CHECK_INT(cvom_migration_build(&o, a, COUNT(a), &m, &err), CVOM_OK);
    CHECK_INT(m.n_slides, 3);
    CHECK_INT(m.slides[2].index, 1);
    cvom_migration_cleanup(&m);
    cvom_migration_cleanup(&m); /* twice is harmless */
}

/* A slide is measured on the sum of the axes: moving along the anti-diagonal is not one,
 * and the bar is inclusive. Borderline counts as placed. */
static void test_slide_edges(void)
{
    struct cvom_migration_account a[] = {
        mig_account(I, 80, 20, E, 30, 70, 1),   /* sum 100 → 100: sideways, not a slide */
        mig_account(P, 70, 70, P, 65, 65, 1),   /* fall exactly 10: a slide */
        mig_account(P, 70, 70, P, 65.5, 65, 1), /* fall 9.5: not */
        mig_account(T, 40, 40, T, 20, 20, 1), /* deeper into Transactional: a slide, not entered */
    };
    a[1].to.state = CVOM_STATE_BORDERLINE;
    struct cvom_migration_options o;
    cvom_migration_options_init(&o);
    o.from = 100;
    o.to = 200;
    struct cvom_migration m;
    CHECK_INT(cvom_migration_build(&o, a, COUNT(a), &m, NULL), CVOM_OK);
    CHECK_INT(m.n_slides, 2);
    CHECK_INT(m.slides[0].index, 3);
    CHECK_INT(m.slides[0].entered, 0);
    CHECK_NEAR(m.slides[0].fall, 40, 0);
    CHECK_INT(m.slides[1].index, 1);
    CHECK_INT(m.n_movers, 1);
    CHECK_INT(m.movers[0].index, 0);
    check_sums(&m);
    cvom_migration_cleanup(&m);
}

/* A quadrant nobody started in keeps its share; an empty portfolio projects nothing. */
static void test_kept_and_empty(void)
{
    double flow[16] = {3, 1, 0, 0, /* */ 0, 0, 0, 0, /* */ 0, 2, 2, 0, /* */ 0, 0, 0, 5};
    double p[16];
    int kept[4] = {9, 9, 9, 9};
    CHECK_INT(cvom_markov_estimate(flow, p, kept), CVOM_OK);
    CHECK_NEAR(p[0], 0.75, 0);
    CHECK_NEAR(p[1], 0.25, 0);
    CHECK_NEAR(p[1 * 4 + 1], 1, 0);
    CHECK_NEAR(p[1 * 4 + 0], 0, 0);
    CHECK_NEAR(p[2 * 4 + 1], 0.5, 0);
    CHECK_NEAR(p[3 * 4 + 3], 1, 0);
    CHECK_INT(kept[0], 0);
    CHECK_INT(kept[1], 1);
    CHECK_INT(kept[2], 0);
    CHECK_INT(kept[3], 0);
    CHECK_INT(cvom_markov_estimate(flow, p, NULL), CVOM_OK);

    /* Accounts in Intellectual only on the later date: its row is the identity's, so the
     * projected share of Intellectual only grows. */
    struct cvom_migration_account a[] = {
        mig_account(T, 10, 10, T, 10, 10, 5),
        mig_account(T, 10, 10, I, 60, 10, 5),
        mig_account(NP, 0, 0, I, 70, 20, 5),
    };
    struct cvom_migration_options o;
    cvom_migration_options_init(&o);
    o.from = 0;
    o.to = 1;
    o.periods = 2;
    struct cvom_migration m;
    CHECK_INT(cvom_migration_build(&o, a, COUNT(a), &m, NULL), CVOM_OK);
    CHECK_INT(m.by_count.kept[I], 1);
    CHECK_INT(m.by_count.kept[T], 0);
    CHECK_NEAR(m.by_count.mix[0][I], 2.0 / 3, 1e-15);
    CHECK_NEAR(m.by_count.mix[1][I], 2.0 / 3 + 1.0 / 6, 1e-15);
    CHECK_NEAR(m.by_count.mix[2][I], 2.0 / 3 + 1.0 / 6 + 1.0 / 12, 1e-15);
    check_sums(&m);
    cvom_migration_cleanup(&m);

    CHECK_INT(cvom_migration_build(&o, NULL, 0, &m, NULL), CVOM_OK);
    CHECK_INT(m.n_accounts, 0);
    CHECK_INT(m.by_count.available, 0);
    CHECK_INT(m.by_revenue.available, 0);
    CHECK(isnan(m.by_count.mix[0][0]));
    CHECK_INT(m.by_count.kept[0], 1);
    CHECK_INT(m.n_movers + m.n_slides + m.n_stale, 0);
    cvom_migration_cleanup(&m);

    /* Placed accounts without revenue: counts project, revenue does not. */
    struct cvom_migration_account z[] = {mig_account(T, 10, 10, P, 60, 60, 0)};
    CHECK_INT(cvom_migration_build(&o, z, 1, &m, NULL), CVOM_OK);
    CHECK_INT(m.by_count.available, 1);
    CHECK_INT(m.by_revenue.available, 0);
    CHECK_INT(m.by_revenue.kept[T], 1);
    cvom_migration_cleanup(&m);
}

static void test_refused(void)
{
    struct cvom_migration_account a[] = {mig_account(T, 10, 10, T, 12, 12, 5)};
    struct cvom_migration_options o;
    struct cvom_migration m;
    struct cvom_error err = {0};
    cvom_migration_options_init(&o);
    o.from = o.to = 10;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "before") != NULL);
    CHECK(m.movers == NULL && m.slides == NULL && m.stale == NULL);
    o.from = -2000000000;
    o.to = 2000000000;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    o.from = 10;
    o.to = 20;
    o.periods = 0;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    o.periods = CVOM_MIG_PERIODS_MAX + 1;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    o.periods = CVOM_MIG_PERIODS_MAX;
    o.slide_points = -1;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    o.slide_points = NAN;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    o.slide_points = 0;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_OK);
    cvom_migration_cleanup(&m);
    a[0].revenue = -1;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "revenue") != NULL);
    a[0].revenue = INFINITY;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    a[0].revenue = 1;
    a[0].to.value[CVOM_DIM_EMOTIONAL] = NAN;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);
    a[0].to.value[CVOM_DIM_EMOTIONAL] = 5;
    a[0].from.quadrant = CVOM_Q_COUNT;
    CHECK_INT(cvom_migration_build(&o, a, 1, &m, &err), CVOM_EINVAL);

    double flow[16] = {0}, p[16], mix[(CVOM_MIG_PERIODS_MAX + 2) * 4];
    flow[5] = -1;
    CHECK_INT(cvom_markov_estimate(flow, p, NULL), CVOM_EINVAL);
    flow[5] = NAN;
    CHECK_INT(cvom_markov_estimate(flow, p, NULL), CVOM_EINVAL);
    flow[5] = 0;
    CHECK_INT(cvom_markov_estimate(flow, p, NULL), CVOM_OK);
    const double start[4] = {0.25, 0.25, 0.25, 0.25};
    CHECK_INT(cvom_markov_project(p, start, -1, mix), CVOM_EINVAL);
    CHECK_INT(cvom_markov_project(p, start, CVOM_MIG_PERIODS_MAX + 1, mix), CVOM_EINVAL);
    CHECK_INT(cvom_markov_project(p, start, 0, mix), CVOM_OK);
    CHECK_NEAR(mix[3], 0.25, 0);
}

/* ---------------------------------------------------------------------------------------
 * Against NumPy
 * ------------------------------------------------------------------------------------- */

static double worst_projection, worst_portfolio;

static void track(double *worst, double got, double want)
{
    double e = fabs(got - want);
    if (e > *worst || isnan(e))
        *worst = e;
}

static void test_projection_fixtures(void)
{
    for (size_t f = 0; f < COUNT(projection_fixtures); f++) {
        const struct projection_fixture *fx = &projection_fixtures[f];
        double mix[(CVOM_MIG_PERIODS_MAX + 1) * 4];
        CHECK_INT(cvom_markov_project(fx->p, fx->start, fx->periods, mix), CVOM_OK);
        for (int i = 0; i < (fx->periods + 1) * 4; i++) {
            CHECK_NEAR(mix[i], fx->mix[i], TOL);
            track(&worst_projection, mix[i], fx->mix[i]);
        }
    }
}

static void test_portfolio_fixture(const struct portfolio_fixture *fx)
{
    struct cvom_migration_account *a = calloc(fx->n, sizeof *a);
    CHECK(a != NULL);
    if (!a)
        return;
    for (size_t i = 0; i < fx->n; i++) {
        const double *pt = fx->points + 4 * i;
        a[i] = mig_account(fx->from[i], pt[0], pt[1], fx->to[i], pt[2], pt[3], fx->revenue[i]);
    }
    struct cvom_migration_options o;
    cvom_migration_options_init(&o);
    o.from = 1000;
    o.to = 1090;
    o.periods = fx->periods;
    struct cvom_migration m;
    CHECK_INT(cvom_migration_build(&o, a, fx->n, &m, NULL), CVOM_OK);
    check_sums(&m);
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++) {
            CHECK_NEAR((double)m.count[i][j], fx->count[i * 5 + j], 0);
            CHECK_NEAR(m.revenue[i][j], fx->revenue_table[i * 5 + j],
                       TOL * fabs(fx->revenue_table[i * 5 + j]));
        }
    for (int i = 0; i < 4; i++) {
        CHECK_INT(m.by_count.kept[i], fx->kept_count[i]);
        CHECK_INT(m.by_revenue.kept[i], fx->kept_revenue[i]);
        for (int j = 0; j < 4; j++) {
            CHECK_NEAR(m.by_count.p[i][j], fx->p_count[i * 4 + j], TOL);
            CHECK_NEAR(m.by_revenue.p[i][j], fx->p_revenue[i * 4 + j], TOL);
            track(&worst_portfolio, m.by_count.p[i][j], fx->p_count[i * 4 + j]);
            track(&worst_portfolio, m.by_revenue.p[i][j], fx->p_revenue[i * 4 + j]);
        }
    }
    const struct cvom_migration_chain *ch[2] = {&m.by_count, &m.by_revenue};
    const double *want[2] = {fx->mix_count, fx->mix_revenue};
    for (int c = 0; c < 2; c++) {
        CHECK_INT(ch[c]->available, want[c] != NULL);
        for (int k = 0; want[c] && k <= fx->periods; k++)
            for (int q = 0; q < 4; q++) {
                CHECK_NEAR(ch[c]->mix[k][q], want[c][k * 4 + q], TOL);
                track(&worst_portfolio, ch[c]->mix[k][q], want[c][k * 4 + q]);
            }
    }
    CHECK_INT(m.n_movers, fx->movers);
    CHECK_INT(m.n_slides, fx->n_slides);
    for (size_t i = 0; i < m.n_slides && i < fx->n_slides; i++)
        CHECK_INT(m.slides[i].index, fx->slides[i]);
    cvom_migration_cleanup(&m);
    free(a);
}

int main(void)
{
    CHECK_CASE(test_hand_worked);
    CHECK_CASE(test_slide_edges);
    CHECK_CASE(test_kept_and_empty);
    CHECK_CASE(test_refused);
    CHECK_CASE(test_projection_fixtures);
    for (size_t f = 0; f < COUNT(portfolio_fixtures); f++)
        test_portfolio_fixture(&portfolio_fixtures[f]);
    fprintf(stderr, "largest difference from NumPy: projections %.3g, portfolios %.3g\n",
            worst_projection, worst_portfolio);
    return CHECK_DONE();
}
