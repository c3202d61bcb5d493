/* test_core.c — instruments, scoring, classification, explanation and dates, checked
 * against examples worked by hand (the arithmetic is in the comments). */
#include "check.h"
#include "cvom.h"
#include "io/instrument_csv.h"
#include "io/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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
    it.scale_max = 5;
    return it;
}

/* I1 I2(w2) on intellectual, E1 E2(rev) on emotional, B1(rev) on both; scale 1..5. */
static void small_instrument(struct cvom_instrument *ins)
{
    cvom_instrument_init(ins);
    snprintf(ins->name, sizeof ins->name, "small");
    ins->min_items = 2;
    struct cvom_item items[] = {
        item("I1", CVOM_AXIS_INTELLECTUAL, 0, 1), item("I2", CVOM_AXIS_INTELLECTUAL, 0, 2),
        item("E1", CVOM_AXIS_EMOTIONAL, 0, 1),    item("E2", CVOM_AXIS_EMOTIONAL, 1, 1),
        item("B1", CVOM_AXIS_BOTH, 1, 1),
    };
    for (size_t i = 0; i < 5; i++)
        CHECK_INT(cvom_instrument_add(ins, &items[i], NULL), CVOM_OK);
}

static void test_instrument(void)
{
    struct cvom_instrument ins;
    small_instrument(&ins);
    CHECK_INT(cvom_instrument_validate(&ins, NULL), CVOM_OK);
    CHECK_INT(cvom_instrument_find(&ins, "E2"), 3);
    CHECK_INT(cvom_instrument_find(&ins, "nope"), -1);
    struct cvom_item dup = item("I1", CVOM_AXIS_EMOTIONAL, 0, 1);
    CHECK_INT(cvom_instrument_add(&ins, &dup, NULL), CVOM_EEXIST);
    struct cvom_item bad = item("X 1", CVOM_AXIS_EMOTIONAL, 0, 1);
    CHECK_INT(cvom_instrument_add(&ins, &bad, NULL), CVOM_EINVAL);
    bad = item("X1", CVOM_AXIS_EMOTIONAL, 0, 0);
    CHECK_INT(cvom_instrument_add(&ins, &bad, NULL), CVOM_EINVAL);
    double s;
    CHECK_INT(cvom_item_normalise(&ins.items[0], 4, &s), CVOM_OK);
    CHECK_NEAR(s, 75, 1e-12); /* 100·(4−1)/(5−1) */
    CHECK_INT(cvom_item_normalise(&ins.items[3], 4, &s), CVOM_OK);
    CHECK_NEAR(s, 25, 1e-12); /* reverse: 100 − 75 */
    CHECK_INT(cvom_item_normalise(&ins.items[0], 6, &s), CVOM_EINVAL);
    CHECK_INT(cvom_item_normalise(&ins.items[0], 0.5, &s), CVOM_EINVAL);
    ins.min_items = 4; /* only 3 items count on each axis */
    CHECK_INT(cvom_instrument_validate(&ins, NULL), CVOM_EINVAL);
    cvom_instrument_cleanup(&ins);
}

static void test_default_instrument(void)
{
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    struct cvom_error err = {0};
    CHECK_INT(cvom__instrument_default(&ins, &err), CVOM_OK);
    int n[CVOM_AXIS_COUNT] = {0};
    for (size_t i = 0; i < ins.n_items; i++) {
        n[ins.items[i].axis]++;
        CHECK(ins.items[i].construct[0] != '\0');
        if (ins.items[i].axis == CVOM_AXIS_BOTH)
            CHECK_INT(ins.items[i].reverse, 1);
    }
    CHECK(n[CVOM_AXIS_INTELLECTUAL] >= 8);
    CHECK(n[CVOM_AXIS_EMOTIONAL] >= 8);
    CHECK(n[CVOM_AXIS_BOTH] >= 3);
    CHECK_STR(ins.name, "default");
    CHECK_INT(ins.min_items, 3);
    cvom_instrument_cleanup(&ins);
}

static void test_instrument_file_errors(void)
{
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    struct cvom_error err = {0};
    const char *text = "# name: t\n# min_items: 1\n"
                       "code,axis,reverse,weight,scale_min,scale_max,statement\n"
                       "A,intellectual,0,1,1,5,one\n"
                       "B,sideways,0,1,1,5,two\n";
    CHECK_INT(cvom__instrument_parse(text, strlen(text), "t.csv", &ins, &err), CVOM_EINVAL);
    CHECK_INT(err.line, 5);
    CHECK_INT(err.column, 3);
    CHECK_STR(err.file, "t.csv");
    CHECK_INT(ins.n_items, 0);
    text = "# name: t\n# min_items: 1\ncode,axis,scale_min,scale_max,statement\n"
           "A,intellectual,1,5,one\nB,emotional,0,10,two\n";
    CHECK_INT(cvom__instrument_parse(text, strlen(text), "t.csv", &ins, &err), CVOM_OK);
    CHECK_INT(ins.n_items, 2);
    CHECK_NEAR(ins.items[1].weight, 1, 0);
    CHECK_INT(ins.items[1].scale_max, 10);
    text = "# name: t\ncode,axis,statement\nA,intellectual,x\n";
    CHECK_INT(cvom__instrument_parse(text, strlen(text), "t.csv", &ins, &err), CVOM_EPARSE);
    CHECK_INT(err.line, 2); /* the header lacks scale_min */
    cvom_instrument_cleanup(&ins);
}

static void answer_all(struct cvom_respondent *r, const struct cvom_instrument *ins,
                       const double *raw)
{
    for (size_t i = 0; i < ins->n_items; i++)
        if (raw[i] > 0)
            CHECK_INT(cvom_respondent_answer(r, &ins->items[i], raw[i]), CVOM_OK);
}

/* Respondent A (influence 1): I1=5→100, I2=3→50 (w2), E1=4→75, E2=2→25→75, B1=1→0→100.
 *   intellectual (100 + 2·50 + 100)/4 = 75; emotional (75 + 75 + 100)/3 = 83.33…
 * Respondent B (influence 3): I1=1→0, I2=2→25 (w2), E1=3→50, B1=5→100→0.
 *   intellectual (0 + 50 + 0)/4 = 12.5; emotional (50 + 0)/2 = 25
 * Account: intellectual (75 + 3·12.5)/4 = 28.125; emotional (83.33… + 75)/4 = 39.583… */
static const double raw_a[] = {5, 3, 4, 2, 1};
static const double raw_b[] = {1, 2, 3, 0, 5};

static void test_score(void)
{
    struct cvom_instrument ins;
    small_instrument(&ins);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_respondent r[3];
    memset(r, 0, sizeof r);
    r[0].influence = 1;
    r[1].influence = 3;
    answer_all(&r[0], &ins, raw_a);
    answer_all(&r[1], &ins, raw_b);
    CHECK_NEAR(cvom_acc_mean(&r[0].dim[0]), 75, 1e-12);
    CHECK_NEAR(cvom_acc_mean(&r[0].dim[1]), 250.0 / 3, 1e-12);
    CHECK_NEAR(cvom_acc_mean(&r[1].dim[0]), 12.5, 1e-12);
    CHECK_NEAR(cvom_acc_mean(&r[1].dim[1]), 25, 1e-12);
    struct cvom_score s;
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, r, 2, &s), CVOM_OK);
    CHECK_NEAR(s.value[0], 28.125, 1e-12);
    CHECK_NEAR(s.value[1], (250.0 / 3 + 75) / 4, 1e-12);
    /* SE, intellectual: Σw = 4, Σw² = 10, n_eff = 1.6, v = (46.875² + 3·15.625²)/4
     * = 732.421875, se = √(v/0.6) = √1220.703125. */
    CHECK_NEAR(s.se[0], sqrt(1220.703125), 1e-9);
    CHECK_INT(s.respondents[0], 2);
    CHECK_INT(s.quadrant, CVOM_Q_TRANSACTIONAL);
    CHECK_INT(s.state, CVOM_STATE_BORDERLINE); /* so few, so far apart: the interval is wide */
    CHECK(isnan(s.self_value[0]));

    /* A alone: the spread of A's own items. Σw = 4, Σw² = 6, n_eff = 8/3, m = 75,
     * v = (625 + 2·625 + 625)/4 = 625, se = √(625/(5/3)) = √375, df = 5/3. */
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, r, 1, &s), CVOM_OK);
    CHECK_NEAR(s.value[0], 75, 1e-12);
    CHECK_NEAR(s.se[0], sqrt(375.0), 1e-9);
    double t = cvom_t_quantile(0.9, 5.0 / 3);
    CHECK_NEAR(s.lo[0], 75 - t * sqrt(375.0), 1e-9);
    CHECK_NEAR(s.hi[0], fmin(100, 75 + t * sqrt(375.0)), 1e-9);

    /* A self-assessment is reported beside the score, not in it, unless configured. */
    r[2].influence = 1;
    r[2].kind = CVOM_RESP_SELF;
    answer_all(&r[2], &ins, raw_a);
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, r + 1, 2, &s), CVOM_OK);
    CHECK_NEAR(s.value[0], 12.5, 1e-12);
    CHECK_NEAR(s.self_value[0], 75, 1e-12);
    cfg.include_self = 1;
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, r + 1, 2, &s), CVOM_OK);
    CHECK_NEAR(s.value[0], (3 * 12.5 + 75) / 4, 1e-12);
    cvom_instrument_cleanup(&ins);
}

static void test_evidence(void)
{
    struct cvom_instrument ins;
    small_instrument(&ins);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_respondent r;
    memset(&r, 0, sizeof r);
    r.influence = 1;
    /* One intellectual answer only (I1), below min_items 2: no intellectual score. */
    const double raw[] = {4, 0, 4, 4, 0};
    answer_all(&r, &ins, raw);
    struct cvom_score s;
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, &r, 1, &s), CVOM_OK);
    CHECK(isnan(s.value[0]));
    CHECK_NEAR(s.value[1], 50, 1e-12); /* E1 75, E2 reversed 25 */
    CHECK_INT(s.state, CVOM_STATE_INSUFFICIENT);
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, &r, 0, &s), CVOM_OK);
    CHECK_INT(s.state, CVOM_STATE_INSUFFICIENT);
    /* Identical answers: zero spread, a zero-width interval, clearly placed. */
    struct cvom_respondent same[2];
    memset(same, 0, sizeof same);
    const double all4[] = {4, 4, 4, 2, 2};
    for (int i = 0; i < 2; i++) {
        same[i].influence = 0.5;
        answer_all(&same[i], &ins, all4);
    }
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, same, 2, &s), CVOM_OK);
    CHECK_NEAR(s.value[0], 75, 1e-12);
    CHECK_NEAR(s.lo[0], 75, 1e-12);
    CHECK_NEAR(s.hi[0], 75, 1e-12);
    CHECK_INT(s.state, CVOM_STATE_OK);
    CHECK_INT(s.quadrant, CVOM_Q_PARTNERSHIP);
    cfg.min_respondents = 3;
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, same, 2, &s), CVOM_OK);
    CHECK_INT(s.state, CVOM_STATE_INSUFFICIENT);
    cfg.threshold[0] = 120;
    CHECK_INT(cvom_score_account(&cfg, ins.min_items, same, 2, &s), CVOM_EINVAL);
    cvom_instrument_cleanup(&ins);
}

static void test_classify(void)
{
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    CHECK_INT(cvom_classify(&cfg, 50, 50), CVOM_Q_PARTNERSHIP); /* at the line is high */
    CHECK_INT(cvom_classify(&cfg, 49.99, 50), CVOM_Q_EMOTIONAL);
    CHECK_INT(cvom_classify(&cfg, 80, 10), CVOM_Q_INTELLECTUAL);
    CHECK_INT(cvom_classify(&cfg, 10, 10), CVOM_Q_TRANSACTIONAL);
    cfg.threshold[0] = 70;
    CHECK_INT(cvom_classify(&cfg, 60, 10), CVOM_Q_TRANSACTIONAL);
    CHECK_INT(cvom_quadrant_parse("partnership"), CVOM_Q_PARTNERSHIP);
    CHECK_INT(cvom_quadrant_parse("Partnership"), -1);
    CHECK_STR(cvom_state_name(CVOM_STATE_BORDERLINE), "borderline");
    /* A rounding error below the line is on it. */
    CHECK_INT(cvom_classify(&cfg, 70 - CVOM_ON_LINE / 2, 10), CVOM_Q_INTELLECTUAL);
}

/* The borderline rule, the one every face uses: the interval reaches past the threshold on
 * both sides, by more than a rounding error. */
static void test_borderline(void)
{
    CHECK(cvom_interval_crosses(40, 60, 50));
    CHECK(!cvom_interval_crosses(50, 60, 50));                    /* touching from above */
    CHECK(!cvom_interval_crosses(40, 50, 50));                    /* touching from below */
    CHECK(!cvom_interval_crosses(50 - CVOM_ON_LINE / 2, 60, 50)); /* a rounding error */
    CHECK(cvom_interval_crosses(50 - 2 * CVOM_ON_LINE, 50 + 2 * CVOM_ON_LINE, 50));
    CHECK(!cvom_interval_crosses(NAN, NAN, 50));
    /* No width, exactly on the line: which side is not known. */
    CHECK(cvom_interval_crosses(50, 50, 50));
    CHECK(cvom_interval_crosses(50 - CVOM_ON_LINE / 4, 50 + CVOM_ON_LINE / 4, 50));
    CHECK(!cvom_interval_crosses(50.5, 50.5, 50));
    struct cvom_score s = {.lo = {40, 55}, .hi = {60, 70}};
    const double t[CVOM_DIM_COUNT] = {50, 50};
    CHECK_INT((int)cvom_borderline_axes(&s, t), 1 << CVOM_DIM_INTELLECTUAL);
    s.lo[1] = 45;
    CHECK_INT((int)cvom_borderline_axes(&s, t),
              (1 << CVOM_DIM_INTELLECTUAL) | (1 << CVOM_DIM_EMOTIONAL));
    s.lo[0] = 51;
    CHECK_INT((int)cvom_borderline_axes(&s, t), 1 << CVOM_DIM_EMOTIONAL);
}

static void test_explain(void)
{
    struct cvom_instrument ins;
    small_instrument(&ins);
    struct cvom_config cfg;
    cvom_config_init(&cfg);
    size_t items_a[] = {0, 1, 2, 3, 4}, items_b[] = {0, 1, 2, 4};
    double raw_b4[] = {1, 2, 3, 5};
    struct cvom_answer_set sets[] = {
        {.label = "A",
         .kind = CVOM_RESP_CUSTOMER,
         .influence = 1,
         .n = 5,
         .items = items_a,
         .raw = raw_a},
        {.label = "B",
         .kind = CVOM_RESP_CUSTOMER,
         .influence = 3,
         .n = 4,
         .items = items_b,
         .raw = raw_b4},
        {.label = "us",
         .kind = CVOM_RESP_SELF,
         .influence = 1,
         .n = 5,
         .items = items_a,
         .raw = raw_a},
    };
    struct cvom_explanation ex;
    struct cvom_error err = {0};
    CHECK_INT(cvom_explain(&cfg, &ins, sets, 3, &ex, &err), CVOM_OK);
    CHECK_NEAR(ex.score.value[0], 28.125, 1e-12);
    CHECK_NEAR(ex.score.self_value[0], 75, 1e-12);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        double by_resp = 0, by_item = 0, by_answer = 0;
        for (size_t i = 0; i < ex.n_respondents; i++) {
            by_resp += ex.respondents[i].contribution[d];
            for (size_t j = 0; j < ex.respondents[i].n_answers; j++)
                by_answer += ex.respondents[i].answers[j].contribution[d];
        }
        for (size_t j = 0; j < ex.n_items; j++)
            by_item += ex.items[j].contribution[d];
        CHECK_NEAR(by_resp, ex.score.value[d], 1e-9);
        CHECK_NEAR(by_item, ex.score.value[d], 1e-9);
        CHECK_NEAR(by_answer, ex.score.value[d], 1e-9);
    }
    CHECK_NEAR(ex.respondents[0].share[0], 0.25, 1e-12);
    CHECK_NEAR(ex.respondents[1].contribution[0], 0.75 * 12.5, 1e-12);
    CHECK_INT(ex.respondents[2].counted[0], 0);
    /* I2 (weight 2): A's share 1/4 of 2/4 of its items, B's 3/4 of 2/4: per point of the
     * 1..5 scale (25 score points) (0.25·0.5 + 0.75·0.5)·25 = 12.5. */
    CHECK_NEAR(ex.items[1].sensitivity[0], 12.5, 1e-12);
    CHECK(ex.items[4].sensitivity[0] < 0); /* reverse-coded */
    /* Headroom of I1: A at 100 has none; B at 0 could gain 100 · 0.75 · 1/4. */
    CHECK_NEAR(ex.items[0].headroom[0], 18.75, 1e-12);
    CHECK_NEAR(ex.distance[0], 50 - 28.125, 1e-12);
    CHECK_NEAR(ex.blend.survey_share[0], 1, 0);

    /* Blend a signal at 80 of weight 1/3 into the intellectual axis: the survey keeps 3/4,
     * so 28.125·0.75 + 80·0.25 = 41.09375, and every survey contribution, sensitivity and
     * headroom shrinks to 3/4 while the parts still add up to the score. */
    struct cvom_signal_input sig = {CVOM_DIM_INTELLECTUAL, 80, 1.0 / 3};
    CHECK_INT(cvom_explain_blend(&cfg, &sig, 1, &ex), CVOM_OK);
    CHECK_NEAR(ex.score.value[0], 41.09375, 1e-12);
    CHECK_NEAR(ex.blend.contribution[0], 20, 1e-12);
    CHECK_NEAR(ex.blend.survey_share[0], 0.75, 1e-12);
    CHECK_NEAR(ex.blend.survey_share[1], 1, 0);
    CHECK_NEAR(ex.items[1].sensitivity[0], 12.5 * 0.75, 1e-12);
    CHECK_NEAR(ex.items[0].headroom[0], 18.75 * 0.75, 1e-12);
    CHECK_NEAR(ex.distance[0], 50 - 41.09375, 1e-12);
    {
        double by_resp = ex.blend.contribution[0], by_item = ex.blend.contribution[0];
        for (size_t i = 0; i < ex.n_respondents; i++)
            by_resp += ex.respondents[i].contribution[0];
        for (size_t j = 0; j < ex.n_items; j++)
            by_item += ex.items[j].contribution[0];
        CHECK_NEAR(by_resp, ex.score.value[0], 1e-9);
        CHECK_NEAR(by_item, ex.score.value[0], 1e-9);
    }
    cvom_explanation_cleanup(&ex);
    double bad_raw[] = {9};
    size_t bad_item[] = {0};
    struct cvom_answer_set bad = {
        .label = "X", .influence = 1, .n = 1, .items = bad_item, .raw = bad_raw};
    CHECK_INT(cvom_explain(&cfg, &ins, &bad, 1, &ex, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "I1") != NULL);
    cvom_instrument_cleanup(&ins);
}

static void test_dates(void)
{
    int32_t d;
    char buf[11];
    CHECK_INT(cvom_date_parse("1970-01-01", &d), CVOM_OK);
    CHECK_INT(d, 0);
    CHECK_INT(cvom_date_parse("2026-11-27", &d), CVOM_OK);
    CHECK_INT(d, 20784);
    cvom_date_format(d, buf);
    CHECK_STR(buf, "2026-11-27");
    CHECK_INT(cvom_date_parse("2024-02-29", &d), CVOM_OK);
    CHECK_INT(cvom_date_parse("2025-02-29", &d), CVOM_EINVAL);
    CHECK_INT(cvom_date_parse("2025-04-31", &d), CVOM_EINVAL);
    CHECK_INT(cvom_date_parse("2025-4-30", &d), CVOM_EINVAL);
    CHECK_INT(cvom_date_parse("2025-04-30x", &d), CVOM_EINVAL);
    CHECK_INT(cvom_date_parse("", &d), CVOM_EINVAL);
}

/* Pairs ordered by key, then by tag: a total order with ties on the key. */
struct pair {
    int key, tag;
};

static int by_pair(const void *x, const void *y)
{
    const struct pair *a = x, *b = y;
    if (a->key != b->key)
        return (a->key > b->key) - (a->key < b->key);
    return (a->tag > b->tag) - (a->tag < b->tag);
}

/* The first k of a list equal those of a full sort, in order; the others keep their order. */
static void test_sort_first(void)
{
    unsigned seed = 12345;
    for (int round = 0; round < 200; round++) {
        size_t n = (size_t)(round * 7 % 500), k = (size_t)(round * 13 % 97);
        struct pair *v = malloc((n ? n : 1) * sizeof *v), *all = malloc((n ? n : 1) * sizeof *v);
        CHECK(v && all);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            v[i] = (struct pair){(int)(seed >> 16) % 50, (int)i};
        }
        memcpy(all, v, n * sizeof *v);
        qsort(all, n, sizeof *all, by_pair);
        cvom__sort_first(v, n, k, sizeof *v, by_pair);
        size_t first = k < n ? k : n;
        for (size_t i = 0; i < first; i++)
            CHECK(v[i].key == all[i].key && v[i].tag == all[i].tag);
        /* the rest: every other element once, in its old order (tags rise) unless all n
           were sorted */
        if (k < n / 4)
            for (size_t i = first + 1; i < n; i++)
                CHECK(v[i - 1].tag < v[i].tag);
        for (size_t i = first; i < n; i++)
            CHECK(by_pair(&v[i], &all[first ? first - 1 : 0]) > 0 || !first);
        free(all);
        free(v);
    }
}

/* The radix sort agrees with a stable comparison sort: keys that share high bytes, keys that
 * differ in every byte, ties (kept in their order); and the double keys order numbers as <
 * does, with −0 before +0. */
static int by_keyed(const void *x, const void *y)
{
    const struct cvom_keyed *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

/* Arrays from cvom__alloc_array: a small one is plain memory; from 2 MiB on the block starts
 * on a huge-page boundary, and every byte of it is there to write and read back. */
static void test_alloc_array(void)
{
    const size_t sizes[] = {0, 1, 4096, ((size_t)2 << 20) - 1, (size_t)2 << 20, (size_t)5 << 20};
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        size_t n = sizes[s];
        unsigned char *p = cvom__alloc_array(n);
        CHECK(p != NULL);
        if (!p)
            continue;
        if (n >= (size_t)2 << 20)
            CHECK((uintptr_t)p % ((size_t)2 << 20) == 0);
        for (size_t i = 0; i < n; i += 4093)
            p[i] = (unsigned char)(i * 7);
        if (n)
            p[n - 1] = 0x5a;
        int same = 1;
        for (size_t i = 0; i + 1 < n; i += 4093)
            same = same && p[i] == (unsigned char)(i * 7);
        CHECK(same);
        CHECK(!n || p[n - 1] == 0x5a);
        free(p);
    }
}

/* Write-behind hands a file's bytes to the disk in steps of 8 MiB and changes none of them;
 * a stream on a pipe is left alone. */
static void test_write_behind(void)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (!f)
        return;
    static char chunk[1 << 20];
    off_t handed = 0;
    int steps = 0;
    for (int i = 0; i < 20; i++) {
        memset(chunk, 'a' + i, sizeof chunk);
        fwrite(chunk, 1, sizeof chunk, f);
        off_t before = handed;
        cvom__write_behind(f, &handed);
        steps += handed != before;
        CHECK(handed == before || handed == (off_t)(i + 1) << 20);
    }
    CHECK_INT(steps, 2); /* at 8 and at 16 MiB */
    CHECK(handed == (off_t)16 << 20);
    rewind(f);
    int same = 1;
    for (int i = 0; i < 20 && same; i++)
        same = fread(chunk, 1, sizeof chunk, f) == sizeof chunk && chunk[0] == 'a' + i &&
               chunk[sizeof chunk - 1] == 'a' + i;
    CHECK(same);
    fclose(f);
    int fds[2];
    CHECK(pipe(fds) == 0);
    FILE *p = fdopen(fds[1], "w");
    CHECK(p != NULL);
    if (p) {
        handed = 0;
        fputs("x", p);
        cvom__write_behind(p, &handed);
        CHECK(handed == 0);
        fclose(p);
    }
    close(fds[0]);
}

/* The order of pictures and reports, as a comparison sort gives it: revenue largest first
 * (−0 as 0), then name, then index. */
static int rank_cmp(const void *x, const void *y)
{
    const struct cvom_revenue_rank *a = x, *b = y;
    if (a->revenue != b->revenue)
        return a->revenue > b->revenue ? -1 : 1;
    int k = strcmp(a->name, b->name);
    return k ? k : (a->index > b->index) - (a->index < b->index);
}

static void test_rank_by_revenue(void)
{
    static const char *const names[] = {"Acme", "acme", "Bolt", "", "Zenith"};
    static const double revenues[] = {0.0, -0.0, 1.5, 250000, -3, 1e12, 1.5};
    unsigned seed = 99;
    for (int round = 0; round < 40; round++) {
        size_t n = (size_t)(round * 53 % 700);
        struct cvom_revenue_rank *v = malloc((n ? n : 1) * sizeof *v);
        struct cvom_revenue_rank *want = malloc((n ? n : 1) * sizeof *want);
        CHECK(v && want);
        if (!v || !want) {
            free(v);
            free(want);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            /* every other round: few revenues and names, so that ties abound */
            double rev = round % 2 ? revenues[seed % 7] : (double)(seed % 100000) * 10.25;
            v[i] = (struct cvom_revenue_rank){rev, names[(seed >> 8) % 5], i};
        }
        memcpy(want, v, n * sizeof *v);
        if (n > 1)
            qsort(want, n, sizeof *want, rank_cmp);
        CHECK_INT(cvom__rank_by_revenue(v, n), 0);
        int same = 1;
        for (size_t i = 0; i < n; i++)
            same = same && v[i].index == want[i].index;
        CHECK(same);
        free(v);
        free(want);
    }
}

static void test_sort_keyed(void)
{
    unsigned seed = 777;
    for (int round = 0; round < 60; round++) {
        size_t n = (size_t)(round * 37 % 900);
        struct cvom_keyed *v = malloc((n ? 2 * n : 1) * sizeof *v);
        struct cvom_keyed *all = malloc((n ? n : 1) * sizeof *all);
        CHECK(v && all);
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            uint64_t r = (uint64_t)seed << 32 | (seed * 2654435761u);
            /* every third round: few distinct keys in the low bytes only */
            uint64_t key = round % 3 == 0   ? (uint64_t)0xab << 48 | (r % 40)
                           : round % 3 == 1 ? r
                                            : r & 0xff00ff0000ff00ffu;
            v[i] = (struct cvom_keyed){key, i};
        }
        memcpy(all, v, n * sizeof *v);
        qsort(all, n, sizeof *all, by_keyed);
        cvom__sort_keyed(v, v + n, n);
        for (size_t i = 0; i < n; i++)
            CHECK(v[i].key == all[i].key && v[i].index == all[i].index);
        free(all);
        free(v);
    }
    const double d[] = {-INFINITY, -1e300, -2.5, -1, -1e-300, -0.0,
                        0.0,       1e-300, 0.5,  1,  3e8,     INFINITY};
    for (size_t i = 0; i + 1 < sizeof d / sizeof *d; i++)
        CHECK(cvom__double_key(d[i]) < cvom__double_key(d[i + 1]));
}

int main(void)
{
    CHECK_CASE(test_instrument);
    CHECK_CASE(test_default_instrument);
    CHECK_CASE(test_instrument_file_errors);
    CHECK_CASE(test_score);
    CHECK_CASE(test_evidence);
    CHECK_CASE(test_classify);
    CHECK_CASE(test_borderline);
    CHECK_CASE(test_explain);
    CHECK_CASE(test_dates);
    CHECK_CASE(test_sort_first);
    CHECK_CASE(test_sort_keyed);
    CHECK_CASE(test_alloc_array);
    CHECK_CASE(test_write_behind);
    CHECK_CASE(test_rank_by_revenue);
    return CHECK_DONE();
}
