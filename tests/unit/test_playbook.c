/* test_playbook.c — the choice of plays from (quadrant then, quadrant now, state), the
 * checks on a play read from a file, the shipped playbook, and the what-if projection with
 * the portfolio tally, against examples worked by hand (the arithmetic is in comments). */
#include "check.h"
#include "cvom.h"
#include "io/csv.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

static void test_names(void)
{
    CHECK_STR(cvom_play_axis_name(CVOM_PLAY_BOTH), "both");
    CHECK_INT(cvom_play_axis_parse("emotional"), CVOM_PLAY_EMOTIONAL);
    CHECK_INT(cvom_play_axis_parse("Emotional"), -1);
    CHECK_STR(cvom_cost_level_name(CVOM_COST_HIGH), "high");
    CHECK_INT(cvom_cost_level_parse("medium"), CVOM_COST_MEDIUM);
    CHECK_INT(cvom_cost_level_parse("cheap"), -1);
    CHECK_STR(cvom_play_column(2), "play");
    CHECK(cvom_play_column(5) == NULL);
    char k[CVOM_PLAY_KEY_MAX];
    cvom_play_move_key(CVOM_Q_PARTNERSHIP, CVOM_Q_INTELLECTUAL, k);
    CHECK_STR(k, "partnership-to-intellectual");
    cvom_play_quadrant_key(CVOM_Q_TRANSACTIONAL, k);
    CHECK_STR(k, "transactional");
}

static void test_choose(void)
{
    struct cvom_play_choice ch;
    /* Same quadrant on both dates, a clear point: its quadrant's play alone. */
    cvom_playbook_choose(CVOM_Q_EMOTIONAL, CVOM_Q_EMOTIONAL, CVOM_STATE_OK, &ch);
    CHECK_INT(ch.n, 1);
    CHECK_STR(ch.keys[0], "emotional");
    /* Trust slipping: the move first, then the quadrant now. */
    cvom_playbook_choose(CVOM_Q_PARTNERSHIP, CVOM_Q_INTELLECTUAL, CVOM_STATE_OK, &ch);
    CHECK_INT(ch.n, 2);
    CHECK_STR(ch.keys[0], "partnership-to-intellectual");
    CHECK_STR(ch.keys[1], "intellectual");
    /* A move onto a line: all three. */
    cvom_playbook_choose(CVOM_Q_INTELLECTUAL, CVOM_Q_TRANSACTIONAL, CVOM_STATE_BORDERLINE, &ch);
    CHECK_INT(ch.n, 3);
    CHECK_STR(ch.keys[0], "intellectual-to-transactional");
    CHECK_STR(ch.keys[1], "transactional");
    CHECK_STR(ch.keys[2], "borderline");
    /* Not placed earlier: no move to speak of. */
    cvom_playbook_choose(-1, CVOM_Q_PARTNERSHIP, CVOM_STATE_BORDERLINE, &ch);
    CHECK_INT(ch.n, 2);
    CHECK_STR(ch.keys[0], "partnership");
    CHECK_STR(ch.keys[1], "borderline");
    /* Insufficient now: nothing to play from but getting evidence, whatever came before. */
    cvom_playbook_choose(CVOM_Q_PARTNERSHIP, CVOM_Q_TRANSACTIONAL, CVOM_STATE_INSUFFICIENT, &ch);
    CHECK_INT(ch.n, 1);
    CHECK_STR(ch.keys[0], "insufficient");
    /* An out-of-range earlier quadrant counts as not placed. */
    cvom_playbook_choose(7, CVOM_Q_EMOTIONAL, CVOM_STATE_OK, &ch);
    CHECK_INT(ch.n, 1);
}

static void test_fields(void)
{
    struct cvom_play p;
    struct cvom_error err;
    size_t bad = 99;
    const char *ok[] = {" transactional ", "Serve lean", "Strip the add-ons.", " both", "low "};
    CHECK_INT(cvom_play_from_fields(ok, 5, &p, &bad, &err), CVOM_OK);
    CHECK_STR(p.key, "transactional");
    CHECK_STR(p.title, "Serve lean");
    CHECK_INT(p.axis, CVOM_PLAY_BOTH);
    CHECK_INT(p.cost, CVOM_COST_LOW);

    const char *axis[] = {"x", "T", "text", "sideways", "low"};
    CHECK_INT(cvom_play_from_fields(axis, 5, &p, &bad, &err), CVOM_EINVAL);
    CHECK_INT(bad, 3);
    CHECK_STR(err.field, "axis");
    const char *cost[] = {"x", "T", "text", "emotional", "free"};
    CHECK_INT(cvom_play_from_fields(cost, 5, &p, &bad, &err), CVOM_EINVAL);
    CHECK_INT(bad, 4);
    const char *title[] = {"x", "  ", "text", "emotional", "low"};
    CHECK_INT(cvom_play_from_fields(title, 5, &p, &bad, &err), CVOM_EINVAL);
    CHECK_INT(bad, 1);
    const char *key[] = {"Has Space", "T", "text", "emotional", "low"};
    CHECK_INT(cvom_play_from_fields(key, 5, &p, &bad, &err), CVOM_EINVAL);
    CHECK_INT(bad, 0);
    const char *text[] = {"k", "T", "", "emotional", "low"};
    CHECK_INT(cvom_play_from_fields(text, 5, &p, &bad, &err), CVOM_EINVAL);
    CHECK_INT(bad, 2);
    CHECK_INT(cvom_play_from_fields(ok, 4, &p, &bad, &err), CVOM_EINVAL);
    CHECK_INT(bad, 3);

    struct cvom_playbook b;
    cvom_playbook_init(&b);
    CHECK_INT(cvom_play_from_fields(ok, 5, &p, NULL, &err), CVOM_OK);
    CHECK_INT(cvom_playbook_add(&b, &p, &err), CVOM_OK);
    CHECK_INT(cvom_playbook_add(&b, &p, &err), CVOM_EEXIST);
    CHECK_INT(b.n, 1);
    CHECK_INT(cvom_playbook_find(&b, "transactional"), 0);
    CHECK_INT(cvom_playbook_find(&b, "emotional"), -1);
    cvom_playbook_cleanup(&b);
    cvom_playbook_cleanup(&b);
    CHECK_INT(b.n, 0);
}

/* The shipped playbook reads cleanly and covers every quadrant, every move between two
 * quadrants and both evidence states. */
static void test_shipped(void)
{
    struct cvom_csv_opts o;
    struct cvom_csv *r = NULL;
    struct cvom_csv_row row;
    struct cvom_error err;
    struct cvom_playbook b;
    cvom__csv_opts_init(&o);
    cvom_playbook_init(&b);
    int fd = open("../data/playbooks.csv", O_RDONLY);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK_INT(cvom__csv_open_fd(fd, "playbooks.csv", &o, &r, &err), CVOM_OK);
    CHECK_INT(cvom__csv_next(r, &row, &err), CVOM_OK);
    CHECK_INT(row.n, CVOM_PLAY_COLUMNS);
    while (cvom__csv_next(r, &row, &err) == CVOM_OK && !row.eof) {
        const char *f[CVOM_PLAY_COLUMNS];
        struct cvom_play p;
        CHECK_INT(row.n, CVOM_PLAY_COLUMNS);
        for (size_t i = 0; i < CVOM_PLAY_COLUMNS && i < row.n; i++)
            f[i] = row.fields[i].s;
        CHECK_INT(cvom_play_from_fields(f, row.n, &p, NULL, &err), CVOM_OK);
        CHECK_INT(cvom_playbook_add(&b, &p, &err), CVOM_OK);
    }
    cvom__csv_close(r);
    close(fd);
    CHECK_INT(b.n, 18);
    char k[CVOM_PLAY_KEY_MAX];
    for (int q = 0; q < CVOM_Q_COUNT; q++) {
        cvom_play_quadrant_key((enum cvom_quadrant)q, k);
        CHECK(cvom_playbook_find(&b, k) >= 0);
        for (int t = 0; t < CVOM_Q_COUNT; t++) {
            if (t == q)
                continue;
            cvom_play_move_key((enum cvom_quadrant)q, (enum cvom_quadrant)t, k);
            CHECK(cvom_playbook_find(&b, k) >= 0);
        }
    }
    CHECK(cvom_playbook_find(&b, "borderline") >= 0);
    CHECK(cvom_playbook_find(&b, "insufficient") >= 0);
    cvom_playbook_cleanup(&b);
}

static struct cvom_score point(double i, double e, double half, enum cvom_quadrant q,
                               enum cvom_state s)
{
    struct cvom_score sc;
    memset(&sc, 0, sizeof sc);
    sc.value[0] = i;
    sc.value[1] = e;
    sc.lo[0] = i - half;
    sc.hi[0] = i + half;
    sc.lo[1] = e - half * 1.6;
    sc.hi[1] = e + half * 1.6;
    sc.quadrant = q;
    sc.state = s;
    return sc;
}

static void test_project(void)
{
    struct cvom_config cfg;
    struct cvom_whatif w;
    struct cvom_error err;
    cvom_config_init(&cfg);
    /* Now (40, 60), intervals 35–45 and 52–68: Emotional, clear. Plan: intellectual +15 for
     * 1000, emotional −5 for 500, a cost-only action for 250.
     *   intellectual 40 + 15 = 55, interval 50–60: its low end sits on the line, not across;
     *   emotional 60 − 5 = 55, interval 47–63: across 50, so borderline;
     *   (55, 55) is Partnership; cost 1000 + 500 + 250 = 1750. */
    struct cvom_score now = point(40, 60, 5, CVOM_Q_EMOTIONAL, CVOM_STATE_OK);
    struct cvom_whatif_step s[] = {
        {CVOM_DIM_INTELLECTUAL, 15, 1000}, {CVOM_DIM_EMOTIONAL, -5, 500}, {-1, 0, 250}};
    CHECK_INT(cvom_whatif_project(&cfg, &now, s, 3, &w, &err), CVOM_OK);
    CHECK_INT(w.steps, 3);
    CHECK_NEAR(w.effect[0], 15, 1e-12);
    CHECK_NEAR(w.effect[1], -5, 1e-12);
    CHECK_NEAR(w.before[0], 40, 1e-12);
    CHECK_NEAR(w.after[0], 55, 1e-12);
    CHECK_NEAR(w.after[1], 55, 1e-12);
    CHECK_NEAR(w.lo[0], 50, 1e-12);
    CHECK_NEAR(w.hi[0], 60, 1e-12);
    CHECK_NEAR(w.lo[1], 47, 1e-12);
    CHECK_NEAR(w.hi[1], 63, 1e-12);
    CHECK_INT(w.capped[0], 0);
    CHECK_INT(w.quadrant_before, CVOM_Q_EMOTIONAL);
    CHECK_INT(w.quadrant_after, CVOM_Q_PARTNERSHIP);
    CHECK_INT(w.state_before, CVOM_STATE_OK);
    CHECK_INT(w.state_after, CVOM_STATE_BORDERLINE);
    CHECK_NEAR(w.cost, 1750, 1e-9);

    /* Held within 0–100: (95, 10) with +10 and −20 goes to (100, 0), both cut; the
     * intervals 90–100 and 2–18 move by the points actually gained: +5 → 95–100 (held),
     * −10 → 0–8. (100, 0) is Intellectual, and neither interval reaches 50: clear. */
    now = point(95, 10, 5, CVOM_Q_INTELLECTUAL, CVOM_STATE_OK);
    struct cvom_whatif_step cut[] = {{CVOM_DIM_INTELLECTUAL, 10, 0}, {CVOM_DIM_EMOTIONAL, -20, 0}};
    CHECK_INT(cvom_whatif_project(&cfg, &now, cut, 2, &w, &err), CVOM_OK);
    CHECK_NEAR(w.after[0], 100, 1e-12);
    CHECK_NEAR(w.after[1], 0, 1e-12);
    CHECK_INT(w.capped[0], 1);
    CHECK_INT(w.capped[1], 1);
    CHECK_NEAR(w.lo[0], 95, 1e-12);
    CHECK_NEAR(w.hi[0], 100, 1e-12);
    CHECK_NEAR(w.lo[1], 0, 1e-12);
    CHECK_NEAR(w.hi[1], 8, 1e-12);
    CHECK_INT(w.quadrant_after, CVOM_Q_INTELLECTUAL);
    CHECK_INT(w.state_after, CVOM_STATE_OK);

    /* No steps: the projection is the point as it is. */
    now = point(30, 30, 1, CVOM_Q_TRANSACTIONAL, CVOM_STATE_OK);
    CHECK_INT(cvom_whatif_project(&cfg, &now, NULL, 0, &w, &err), CVOM_OK);
    CHECK_NEAR(w.after[0], 30, 1e-12);
    CHECK_INT(w.quadrant_after, CVOM_Q_TRANSACTIONAL);
    CHECK_NEAR(w.cost, 0, 0);

    /* Insufficient evidence stays insufficient: a plan is not evidence. */
    now = point(NAN, 70, 0, CVOM_Q_TRANSACTIONAL, CVOM_STATE_INSUFFICIENT);
    CHECK_INT(cvom_whatif_project(&cfg, &now, s, 1, &w, &err), CVOM_OK);
    CHECK(isnan(w.after[0]));
    CHECK(isnan(w.after[1]));
    CHECK_INT(w.state_after, CVOM_STATE_INSUFFICIENT);
    CHECK_NEAR(w.cost, 1000, 1e-9);

    /* Bad steps. */
    now = point(40, 60, 5, CVOM_Q_EMOTIONAL, CVOM_STATE_OK);
    struct cvom_whatif_step b1 = {2, 5, 0}, b2 = {0, 101, 0}, b3 = {0, 5, -1}, b4 = {-1, 5, 0},
                            b5 = {0, NAN, 0};
    CHECK_INT(cvom_whatif_project(&cfg, &now, &b1, 1, &w, &err), CVOM_EINVAL);
    CHECK_INT(cvom_whatif_project(&cfg, &now, &b2, 1, &w, &err), CVOM_EINVAL);
    CHECK_INT(cvom_whatif_project(&cfg, &now, &b3, 1, &w, &err), CVOM_EINVAL);
    CHECK_INT(cvom_whatif_project(&cfg, &now, &b4, 1, &w, &err), CVOM_EINVAL);
    CHECK_INT(cvom_whatif_project(&cfg, &now, &b5, 1, &w, &err), CVOM_EINVAL);
}

static void test_tally(void)
{
    struct cvom_config cfg;
    struct cvom_error err;
    struct cvom_whatif w[3];
    struct cvom_whatif_mix m;
    cvom_config_init(&cfg);
    /* A: (40, 60) Emotional, +15 intellectual for 100 → (55, 60) Partnership: moves.
     * B: (20, 20) Transactional, +10 emotional for 50 → (20, 30): stays.
     * C: not placed, no steps. Before: T 1, E 1, not placed 1; after: T 1, P 1, not placed
     * 1; one move; two accounts with steps; cost 150. */
    struct cvom_score a = point(40, 60, 1, CVOM_Q_EMOTIONAL, CVOM_STATE_OK);
    struct cvom_score b = point(20, 20, 1, CVOM_Q_TRANSACTIONAL, CVOM_STATE_OK);
    struct cvom_score c = point(NAN, NAN, 0, CVOM_Q_TRANSACTIONAL, CVOM_STATE_INSUFFICIENT);
    struct cvom_whatif_step sa = {CVOM_DIM_INTELLECTUAL, 15, 100};
    struct cvom_whatif_step sb = {CVOM_DIM_EMOTIONAL, 10, 50};
    CHECK_INT(cvom_whatif_project(&cfg, &a, &sa, 1, &w[0], &err), CVOM_OK);
    CHECK_INT(cvom_whatif_project(&cfg, &b, &sb, 1, &w[1], &err), CVOM_OK);
    CHECK_INT(cvom_whatif_project(&cfg, &c, NULL, 0, &w[2], &err), CVOM_OK);
    cvom_whatif_tally(w, 3, &m);
    CHECK_INT(m.accounts, 3);
    CHECK_INT(m.before[CVOM_Q_TRANSACTIONAL], 1);
    CHECK_INT(m.before[CVOM_Q_EMOTIONAL], 1);
    CHECK_INT(m.before[CVOM_Q_PARTNERSHIP], 0);
    CHECK_INT(m.before[CVOM_Q_COUNT], 1);
    CHECK_INT(m.after[CVOM_Q_TRANSACTIONAL], 1);
    CHECK_INT(m.after[CVOM_Q_EMOTIONAL], 0);
    CHECK_INT(m.after[CVOM_Q_PARTNERSHIP], 1);
    CHECK_INT(m.after[CVOM_Q_COUNT], 1);
    CHECK_INT(m.moved, 1);
    CHECK_INT(m.with_steps, 2);
    CHECK_NEAR(m.cost, 150, 1e-9);
    cvom_whatif_tally(NULL, 0, &m);
    CHECK_INT(m.accounts, 0);
}

int main(void)
{
    CHECK_CASE(test_names);
    CHECK_CASE(test_choose);
    CHECK_CASE(test_fields);
    CHECK_CASE(test_shipped);
    CHECK_CASE(test_project);
    CHECK_CASE(test_tally);
    return CHECK_DONE();
}
