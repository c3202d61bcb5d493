/* test_scan.c — a portfolio scored in one pass (cvom__portfolio_scan) gives every account the
 * same score and evidence, to the last bit, as scoring it alone (cvom__account_score), on a
 * random portfolio with what makes the rules bite: several respondents and several
 * assessments of one respondent, drafts, assessments after the date, self-assessments by
 * name, stakeholders without influence, answers to a few instrument versions, accounts with no
 * answer at all. Then the same with more instrument versions than one pass keeps at hand.
 * A scan keeps each counted assessment's totals in the store and reads them in place of the
 * answers the next time: the scores stay the same to the bit; a changed or cleared answer
 * drops its assessment's totals (keeping them again moves no data revision), and totals
 * planted wrong show in the scores, so that the scan is seen to read them. Last, every
 * account's texts come out as stored, the longest too.
 *
 *   test_scan            on a new SQLite file
 *   test_scan LOCATION   on a new, empty database (tests/pg/with_pg.py gives PostgreSQL)
 */
#include "store_fixtures.h"

#include "service/portfolio.h"

#include <math.h>

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 32);
}

/* Instrument versions 1..n of "scan", each with four items a side, minimum two answers. */
static void put_versions(struct cvom_store *st, int first, int last, int64_t *ids)
{
    static const char *const codes[] = {"I1", "I2", "I3", "I4", "E1", "E2", "E3", "E4"};
    struct cvom_error err = {0};
    for (int v = first; v <= last; v++) {
        struct cvom_instrument ins;
        cvom_instrument_init(&ins);
        SET(ins.name, "scan");
        ins.version = v;
        ins.min_items = 2;
        for (size_t i = 0; i < 8; i++) {
            struct cvom_item it;
            memset(&it, 0, sizeof it);
            SET(it.code, codes[i]);
            snprintf(it.statement, sizeof it.statement, "Statement %s of version %d", codes[i], v);
            it.axis = i < 4 ? CVOM_AXIS_INTELLECTUAL : CVOM_AXIS_EMOTIONAL;
            it.reverse = (int)(i % 3 == 2);
            it.weight = 0.5 + (double)((i + (size_t)v) % 4) * 0.25;
            it.scale_min = 1;
            it.scale_max = 7;
            CHECK_INT(cvom_instrument_add(&ins, &it, &err), CVOM_OK);
        }
        CHECK_INT(st->ops->instrument_put(st, &ins, &ids[v - first], &err), CVOM_OK);
        cvom_instrument_cleanup(&ins);
    }
}

static void answer(struct cvom_store *st, struct cvom_assessment *a)
{
    static const char *const codes[] = {"I1", "I2", "I3", "I4", "E1", "E2", "E3", "E4"};
    struct cvom_error err = {0};
    CHECK_INT(st->ops->assessment_add(st, a, &err), CVOM_OK);
    for (size_t i = 0; i < 8; i++) {
        if (next_rand() % 4 == 0)
            continue; /* a missing answer is missing */
        struct cvom_response r = {.assessment_id = a->id, .value = 1 + next_rand() % 7};
        SET(r.item_code, codes[i]);
        CHECK_INT(st->ops->response_put(st, &r, &err), CVOM_OK);
    }
}

static void fill(struct cvom_store *st, const int64_t *versions, size_t n_versions, int accounts)
{
    struct cvom_error err = {0};
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    for (int i = 0; i < accounts; i++) {
        char name[32];
        snprintf(name, sizeof name, "Scan %03d", i);
        int64_t acc = add_account(st, name, "");
        int people = (int)(next_rand() % 4);
        int64_t sh[4] = {0};
        for (int k = 0; k < people; k++) {
            struct cvom_stakeholder s;
            memset(&s, 0, sizeof s);
            s.account_id = acc;
            snprintf(s.name, sizeof s.name, "Person %d", k);
            s.influence = k == 3 ? 0 : 0.2 + 0.2 * (next_rand() % 5);
            CHECK_INT(st->ops->stakeholder_add(st, &s, &err), CVOM_OK);
            sh[k] = s.id;
        }
        int n = people ? (int)(next_rand() % 7) : 0;
        for (int j = 0; j < n; j++) {
            struct cvom_assessment a;
            memset(&a, 0, sizeof a);
            a.account_id = acc;
            a.instrument_id = versions[next_rand() % n_versions];
            a.date = 20000 + (int32_t)(next_rand() % 60);
            a.status = next_rand() % 6 ? CVOM_ASSESS_COMPLETE : CVOM_ASSESS_DRAFT;
            if (next_rand() % 5 == 0) {
                a.kind = CVOM_RESP_SELF;
                snprintf(a.respondent, sizeof a.respondent, "Our %u", next_rand() % 2);
            } else {
                a.kind = CVOM_RESP_CUSTOMER;
                a.stakeholder_id = sh[next_rand() % (unsigned)people];
            }
            answer(st, &a);
        }
    }
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
}

static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static int same_score(const struct cvom_score *a, const struct cvom_score *b)
{
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (!same_double(a->value[d], b->value[d]) || !same_double(a->se[d], b->se[d]) ||
            !same_double(a->lo[d], b->lo[d]) || !same_double(a->hi[d], b->hi[d]) ||
            !same_double(a->self_value[d], b->self_value[d]) ||
            a->respondents[d] != b->respondents[d])
            return 0;
    return a->quadrant == b->quadrant && a->state == b->state;
}

/* Every account of v (n, scored as of as_of) against the same account scored alone; *placed
 * counts those with a score on both axes, so that a test that places nobody cannot pass. */
static void compare_scan(struct cvom_store *st, const struct cvom_config *c, int32_t as_of,
                         const struct cvom_scored *v, size_t n, size_t *placed)
{
    struct cvom_error err = {0};
    struct cvom_config cfg = *c;
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    *placed = 0;
    for (size_t i = 0; i < n; i++) {
        struct cvom_score one;
        struct cvom_evidence ev;
        CHECK_INT(cvom__account_score(st, &cache, &cfg, v[i].account.id, as_of, &one, &ev, &err),
                  CVOM_OK);
        if (!same_score(&one, &v[i].score) || memcmp(&ev, &v[i].evidence, sizeof ev) != 0) {
            fprintf(stderr, "account %lld scores differently in the scan\n",
                    (long long)v[i].account.id);
            CHECK(0);
        }
        *placed += !isnan(one.value[0]) && !isnan(one.value[1]);
    }
    cvom__instrument_cache_cleanup(&cache);
}

static void compare(struct cvom_store *st, int32_t as_of, size_t *placed)
{
    struct cvom_error err = {0};
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_scored *v = NULL;
    size_t n = 0;
    CHECK_INT(cvom__portfolio_scan(st, &cfg, NULL, as_of, &v, &n, NULL, NULL, &err), CVOM_OK);
    compare_scan(st, &cfg, as_of, v, n, placed);
    free(v);
}

/* Two dates scanned at once: each the same as its accounts scored alone on that date, the
 * same accounts in the same order on both; *placed counts those placed on either. */
static void compare_two(struct cvom_store *st, int32_t later, int32_t earlier, size_t *placed)
{
    struct cvom_error err = {0};
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    const int32_t dates[2] = {later, earlier};
    struct cvom_scored *v[2] = {NULL, NULL};
    size_t n = 0, p[2] = {0, 0};
    CHECK_INT(cvom__portfolio_scan_dates(st, &cfg, NULL, dates, 2, v, &n, NULL, NULL, &err),
              CVOM_OK);
    for (int d = 0; d < 2; d++)
        compare_scan(st, &cfg, dates[d], v[d], n, &p[d]);
    for (size_t i = 0; i < n; i++)
        CHECK(v[0][i].account.id == v[1][i].account.id);
    CHECK(p[0] != p[1]); /* the dates differ in what they place */
    *placed = p[0] + p[1];
    free(v[0]);
    free(v[1]);
}

struct totals_count {
    size_t n;
    int64_t of; /* an assessment to look for */
    int found;
    struct cvom_totals t; /* of it */
};

static int totals_count_cb(void *ctx, const struct cvom_totals *t)
{
    struct totals_count *k = ctx;
    k->n++;
    if (t->assessment_id == k->of) {
        k->found = 1;
        k->t = *t;
    }
    return 0;
}

/* The totals the store keeps, and whether assessment `of` has some (*t: them). */
static size_t kept_totals(struct cvom_store *st, int64_t of, int *found, struct cvom_totals *t)
{
    struct cvom_error err = {0};
    struct totals_count k = {.of = of};
    CHECK_INT(st->ops->totals_scan(st, totals_count_cb, &k, &err), CVOM_OK);
    if (found)
        *found = k.found;
    if (t)
        *t = k.t;
    return k.n;
}

struct first_answered {
    int64_t id;
    char code[CVOM_CODE_MAX];
    double value;
};

static int first_answer_cb(void *ctx, const struct cvom_response *r)
{
    struct first_answered *f = ctx;
    if (f->code[0])
        return 1;
    SET(f->code, r->item_code);
    f->value = r->value;
    return 0;
}

/* A complete assessment with kept totals and at least one answer on either axis. */
static void pick_answered(struct cvom_store *st, struct first_answered *f, struct cvom_totals *t)
{
    struct cvom_error err = {0};
    for (int64_t id = 1; id < 4000; id++) {
        int found = 0;
        kept_totals(st, id, &found, t);
        if (!found || t->dim[0].n < 2 || t->dim[1].n < 2)
            continue;
        memset(f, 0, sizeof *f);
        f->id = id;
        CHECK_INT(st->ops->response_list(st, id, first_answer_cb, f, &err), CVOM_OK);
        if (f->code[0])
            return;
    }
    CHECK(0); /* the portfolio has such assessments */
}

/* The kept totals: filled by a scan, read by the next, dropped with a change of answers. */
static void check_totals(struct cvom_store *st)
{
    struct cvom_error err = {0};
    size_t placed = 0;
    size_t kept = kept_totals(st, 0, NULL, NULL);
    CHECK(kept > 100); /* the scans so far left them */
    compare(st, 20100, &placed);
    CHECK(placed > 100);
    CHECK(kept_totals(st, 0, NULL, NULL) == kept); /* nothing new to keep */

    /* A changed answer drops its assessment's totals; the next scan adds them up again
     * from the answers and keeps them. */
    struct first_answered f;
    struct cvom_totals t;
    pick_answered(st, &f, &t);
    struct cvom_response r = {.assessment_id = f.id, .value = f.value < 4 ? 7 : 1};
    SET(r.item_code, f.code);
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    CHECK_INT(st->ops->response_put(st, &r, &err), CVOM_OK);
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
    int found = 1;
    CHECK(kept_totals(st, f.id, &found, NULL) == kept - 1);
    CHECK(!found);
    int64_t before = 0, after = 0;
    CHECK_INT(st->ops->revision(st, &before, &err), CVOM_OK);
    compare(st, 20100, &placed);
    CHECK_INT(st->ops->revision(st, &after, &err), CVOM_OK);
    CHECK(before == after); /* keeping totals is no change of the data: caches stay */
    struct cvom_totals again;
    kept_totals(st, f.id, &found, &again);
    CHECK(found);
    CHECK(memcmp(again.dim, t.dim, sizeof t.dim) != 0); /* the new answer is in them */

    /* A cleared answer does the same. */
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    CHECK_INT(st->ops->response_remove(st, f.id, f.code, &err), CVOM_OK);
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
    kept_totals(st, f.id, &found, NULL);
    CHECK(!found);
    compare(st, 20100, &placed);
    kept_totals(st, f.id, &found, NULL);
    CHECK(found);

    /* Totals planted wrong are read in place of the answers: the scan is no longer the
     * account scored alone. An answer written again puts it right. */
    pick_answered(st, &f, &t);
    t.dim[0].swx = t.dim[0].sw * 100.0 - t.dim[0].swx; /* the axis turned upside down */
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    CHECK_INT(st->ops->totals_put(st, &t, &err), CVOM_OK);
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_scored *v = NULL;
    size_t n = 0, differ = 0;
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    CHECK_INT(cvom__portfolio_scan(st, &cfg, NULL, 20100, &v, &n, NULL, NULL, &err), CVOM_OK);
    for (size_t i = 0; i < n; i++) {
        struct cvom_score one;
        CHECK_INT(cvom__account_score(st, &cache, &cfg, v[i].account.id, 20100, &one, NULL, &err),
                  CVOM_OK);
        differ += !same_score(&one, &v[i].score);
    }
    cvom__instrument_cache_cleanup(&cache);
    free(v);
    CHECK(differ == 1);
    r = (struct cvom_response){.assessment_id = f.id, .value = f.value};
    SET(r.item_code, f.code);
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    CHECK_INT(st->ops->response_put(st, &r, &err), CVOM_OK);
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
    compare(st, 20100, &placed);
    CHECK(placed > 100);
}

/* Each scanned account's texts are its own, in every date's array, whatever their length:
 * accounts with the longest texts make the scan's block grow while it is filled, and the
 * second date's array keeps its texts when the first is freed. */
static void check_line(struct cvom_store *st, const struct cvom_account_line *l)
{
    struct cvom_error err = {0};
    struct cvom_account a;
    CHECK_INT(st->ops->account_get(st, l->id, &a, &err), CVOM_OK);
    CHECK(strcmp(l->external_id, a.external_id) == 0 && strcmp(l->name, a.name) == 0 &&
          strcmp(l->owner, a.owner) == 0 && strcmp(l->industry, a.industry) == 0 &&
          strcmp(l->region, a.region) == 0 && strcmp(l->tags, a.tags) == 0 &&
          strcmp(l->currency, a.currency) == 0 && l->revenue == a.revenue);
}

static void check_texts(struct cvom_store *st)
{
    struct cvom_error err = {0};
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    for (int i = 0; i < 200; i++) {
        struct cvom_account a;
        memset(&a, 0, sizeof a);
        snprintf(a.name, sizeof a.name, "Long %03d %0*d", i, (int)sizeof a.name - 10, i);
        snprintf(a.external_id, sizeof a.external_id, "X-%0*d", (int)sizeof a.external_id - 4, i);
        memset(a.owner, 'o', sizeof a.owner - 1);
        memset(a.industry, 'i', sizeof a.industry - 1);
        memset(a.region, 'r', (size_t)i % (sizeof a.region - 1));
        for (size_t k = 0; k + 4 < sizeof a.tags - 1; k += 4)
            memcpy(a.tags + k, k ? ",tag" : "tag1", 4);
        SET(a.currency, "EUR");
        a.revenue = 1000 + i;
        CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_OK);
    }
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    const int32_t dates[2] = {20100, 20030};
    struct cvom_scored *v[2] = {NULL, NULL};
    size_t n = 0, longest = 0;
    CHECK_INT(cvom__portfolio_scan_dates(st, &cfg, NULL, dates, 2, v, &n, NULL, NULL, &err),
              CVOM_OK);
    CHECK(n >= 200);
    for (size_t i = 0; i < n; i++) {
        check_line(st, &v[0][i].account);
        longest += strlen(v[0][i].account.tags) > 400;
    }
    CHECK(longest == 200);
    free(v[0]);
    for (size_t i = 0; i < n; i++)
        check_line(st, &v[1][i].account);
    free(v[1]);
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "/tmp/cvom-scan-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    struct cvom_store *st = open_store(argc > 1 ? argv[1] : "scan.db");
    if (st) {
        int64_t versions[20];
        size_t placed = 0;
        put_versions(st, 1, 3, versions);
        fill(st, versions, 3, 300);
        compare(st, 20030, &placed); /* some assessments are after the date */
        CHECK(placed > 50);
        compare(st, 20100, &placed);
        CHECK(placed > 100);
        compare_two(st, 20100, 20030, &placed);
        CHECK(placed > 150);
        check_totals(st);
        /* More versions than one pass keeps: the scan scores account by account. */
        put_versions(st, 4, 20, versions + 3);
        fill(st, versions, 20, 60);
        compare(st, 20100, &placed);
        CHECK(placed > 100);
        compare_two(st, 20100, 20030, &placed);
        CHECK(placed > 150);
        check_texts(st);
        cvom__store_close(st);
    }
    remove_dir();
    return CHECK_DONE();
}
