/* test_compare.c — pairing an account's two scores for the migration between two dates
 * (cvom__compare_build): scans of one pass list the same accounts in the same order and are
 * paired by position; any other pair of scans (another order, an account only one of them
 * has) is matched by id. Both ways must pair every account with its own earlier score and
 * give the same transition tables. */
#include "check.h"
#include "service/analytics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define N 60

/* Account i of a portfolio on one of two dates: its quadrant moves with i and the date, and
 * every seventh is not placed on the earlier date. */
static struct cvom_scored scored(size_t i, int later)
{
    struct cvom_scored s;
    memset(&s, 0, sizeof s);
    s.account.external_id = s.account.name = s.account.owner = "";
    s.account.industry = s.account.region = s.account.tags = "";
    s.account.id = (int64_t)(1000 + 7 * i); /* not the index: pairing must use the id */
    s.account.revenue = (double)(100 * (i + 1));
    if (!later && i % 7 == 3) {
        s.score.state = CVOM_STATE_INSUFFICIENT;
        s.score.value[0] = s.score.value[1] = NAN;
        return s;
    }
    int q = (int)((i + (later ? i / 5 : 0)) % CVOM_Q_COUNT);
    s.score.state = CVOM_STATE_OK;
    s.score.quadrant = (enum cvom_quadrant)q;
    s.score.value[CVOM_DIM_INTELLECTUAL] =
        q == CVOM_Q_INTELLECTUAL || q == CVOM_Q_PARTNERSHIP ? 70 + (double)i / 10 : 20;
    s.score.value[CVOM_DIM_EMOTIONAL] =
        q == CVOM_Q_EMOTIONAL || q == CVOM_Q_PARTNERSHIP ? 75 : 25 + (double)i / 10;
    s.evidence.assessments = 1;
    return s;
}

struct pairing {
    size_t count[CVOM_MIG_STATES][CVOM_MIG_STATES];
    int from_quadrant[N]; /* the earlier quadrant paired with later account i; -1 not placed */
    size_t n;
};

static int state_of(const struct cvom_score *s)
{
    return s->state == CVOM_STATE_INSUFFICIENT ? -1 : (int)s->quadrant;
}

/* Compare later with earlier (n_earlier of them) and note what each account was paired with. */
static struct pairing compare(struct cvom_scored *later, struct cvom_scored *earlier,
                              size_t n_earlier)
{
    struct cvom_config cfg;
    struct cvom_migration_options o;
    struct cvom_compare k;
    struct cvom_error err;
    struct pairing p;
    memset(&p, 0, sizeof p);
    cvom_config_init(&cfg);
    cvom_migration_options_init(&o);
    o.from = 20000;
    o.to = 20180;
    CHECK_INT(cvom__compare_build(&cfg, later, N, earlier, n_earlier, &o, &k, &err), CVOM_OK);
    memcpy(p.count, k.m.count, sizeof p.count);
    p.n = k.n;
    for (size_t i = 0; i < N && i < k.n; i++) {
        CHECK(k.acc[i] == &later[i].account);
        p.from_quadrant[i] = state_of(&k.in[i].from);
    }
    cvom__compare_cleanup(&k);
    return p;
}

static void test_pairing(void)
{
    static struct cvom_scored later[N], earlier[N], shuffled[N];
    for (size_t i = 0; i < N; i++) {
        later[i] = scored(i, 1);
        earlier[i] = scored(i, 0);
    }
    CHECK(cvom__scored_same_order(later, earlier, N));
    struct pairing by_position = compare(later, earlier, N);
    CHECK_INT(by_position.n, N);
    for (size_t i = 0; i < N; i++)
        CHECK_INT(by_position.from_quadrant[i], state_of(&earlier[i].score));

    /* The same earlier scan in another order is searched by id, with the same outcome. */
    for (size_t i = 0; i < N; i++)
        shuffled[i] = scored((i * 37) % N, 0); /* 37 and 60 share no factor: a permutation */
    CHECK(!cvom__scored_same_order(later, shuffled, N));
    struct pairing by_id = compare(later, shuffled, N);
    CHECK_INT(by_id.n, N);
    CHECK(memcmp(by_id.count, by_position.count, sizeof by_id.count) == 0);
    CHECK(memcmp(by_id.from_quadrant, by_position.from_quadrant, sizeof by_id.from_quadrant) == 0);

    /* An account the earlier scan lacks is not placed then; one only it has is added. */
    for (size_t i = 0; i < N; i++)
        shuffled[i] = scored(i, 0);
    shuffled[N - 1].account.id = 1; /* account N - 1 is gone, an account 1 only earlier */
    struct pairing partial = compare(later, shuffled, N);
    CHECK_INT(partial.n, N + 1);
    CHECK_INT(partial.from_quadrant[N - 1], -1);
    for (size_t i = 0; i + 1 < N; i++)
        CHECK_INT(partial.from_quadrant[i], by_position.from_quadrant[i]);
}

int main(void)
{
    CHECK_CASE(test_pairing);
    return CHECK_DONE();
}
