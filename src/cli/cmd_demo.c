/* cmd_demo.c — `cvom demo`: a deterministic demo portfolio. 64 invented accounts across
 * all four quadrants, several stakeholders each, two assessment waves six months apart in
 * which some accounts move, a few borderline and a few without enough evidence, and
 * partnerships whose pillars are sound, crumble, are rebuilt or stand on weak trust. The
 * same seed always gives the same portfolio (only the secret of its one survey link, never
 * shown, is new each time). */
#include "cli/cli.h"

#include "io/util.h"
#include "service/auth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEMO_ACCOUNTS 64
#define WAVE1 "2026-04-15"
#define WAVE2 "2026-10-15"
/* Two accounts were asked again earlier than the rest, so that their assessments go stale
 * before the others': one is stale by the end of 2026, one is due within 30 days in the
 * first three weeks of December 2026. One survey link made after the second wave is never
 * answered. */
#define STALE_ACCOUNT 29
#define STALE_WAVE2 "2026-05-20"
#define DUE_ACCOUNT 13
#define DUE_WAVE2 "2026-06-25"
#define UNANSWERED_ACCOUNT 21
#define UNANSWERED_MADE "2026-10-25"

/* Two streams: the value axes draw from the first, the partnership items from the second,
 * so that the partnership answers leave every intellectual and emotional answer exactly as
 * it was before those items existed. */
static uint64_t rng_state, pillar_state;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t next_u64(void)
{
    return splitmix64(&rng_state);
}

static double uniform_from(uint64_t *state)
{
    return (double)(splitmix64(state) >> 11) / 9007199254740992.0;
}

static double normal_from(uint64_t *state)
{
    double u = uniform_from(state), v = uniform_from(state);
    return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

static double uniform(void)
{
    return uniform_from(&rng_state);
}

static double normal(void)
{
    return normal_from(&rng_state);
}

static size_t pick(size_t n)
{
    return (size_t)(next_u64() % n);
}

static const char *const prefixes[] = {
    "Northwind", "Harbour",   "Alder",    "Brightwater", "Copperfield", "Drummond", "Elmstead",
    "Fairhaven", "Granite",   "Hollins",  "Ironvale",    "Juniper",     "Kestrel",  "Larkspur",
    "Meridian",  "Nettlebed", "Oakridge", "Pinecrest",   "Quayside",    "Redwood",  "Saltmarsh",
    "Thornbury", "Upland",    "Vantage",  "Westbrook",   "Yarrow",      "Zephyr",   "Ashcombe",
    "Bramley",   "Calder",    "Dunmore",  "Eastgate"};
static const char *const industries[] = {"Retail",          "Manufacturing", "Healthcare",
                                         "Logistics",       "Energy",        "Financial services",
                                         "Food & beverage", "Telecom"};
static const char *const suffixes[] = {"Stores", "Engineering", "Health", "Freight",
                                       "Power",  "Bank",        "Foods",  "Networks"};
static const char *const group_words[] = {"Retail",    "Industries", "Care",   "Transport",
                                          "Utilities", "Capital",    "Brands", "Telecom"};
static const char *const regions[] = {"UK", "DACH", "Nordics", "Benelux", "France", "Iberia"};
static const char *const owners[] = {"Alex Morgan", "Priya Shah", "Tom Becker", "Lena Fischer",
                                     "Sam Okafor"};
static const char *const tagset[] = {"key",     "strategic", "growth",
                                     "at-risk", "local",     "public-sector"};
static const char *const firsts[] = {"Anna", "Ben",   "Chloe", "David",  "Elif", "Farid", "Grace",
                                     "Hugo", "Ines",  "Jonas", "Kira",   "Luca", "Maya",  "Nils",
                                     "Olga", "Pedro", "Rosa",  "Stefan", "Tara", "Viktor"};
static const char *const lasts[] = {"Almeida",  "Berg",      "Carter",  "Dubois",  "Eriksen",
                                    "Fontaine", "Garcia",    "Hansen",  "Ivanova", "Jansen",
                                    "Keller",   "Lindqvist", "Moreau",  "Novak",   "Oliveira",
                                    "Peters",   "Rossi",     "Schmidt", "Turner",  "Weber"};

struct role {
    const char *name;
    double influence;
    double bias_e; /* procurement looks at price more than at people */
};
static const struct role roles[] = {
    {"Economic buyer", 0.9, 0},       {"Sponsor", 0.7, 2},      {"User", 0.4, 2},
    {"Technical evaluator", 0.5, -2}, {"Procurement", 0.6, -4},
};

/* How an account evolves: its position in each wave and how its evidence looks. */
struct plan {
    double x[2], y[2];                /* latent intellectual and emotional value per wave */
    double spread;                    /* disagreement among its stakeholders */
    int thin;                         /* 1: answers too few items to be placed in wave 2 */
    int self_only;                    /* 1: only our own view in wave 2 */
    double pil[2][CVOM_PILLAR_COUNT]; /* latent pillars and trust per wave */
    int no_pillars;                   /* 1: nobody was asked the partnership items */
};

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void make_plan(int i, struct plan *p)
{
    static const double centre[4][2] = {{25, 25}, {75, 25}, {25, 75}, {75, 75}};
    int q = i % 4;
    p->x[0] = clamp(centre[q][0] + 10 * normal(), 8, 92);
    p->y[0] = clamp(centre[q][1] + 10 * normal(), 8, 92);
    p->x[1] = clamp(p->x[0] + 3 * normal(), 5, 95);
    p->y[1] = clamp(p->y[0] + 3 * normal(), 5, 95);
    p->spread = 3;
    p->thin = p->self_only = 0;
    switch (i % 16) {                      /* a few accounts of each story */
    case 5: p->y[1] = p->y[0] - 42; break; /* trust lost */
    case 7: p->x[1] = p->x[0] + 42; break; /* expertise now valued */
    case 10:
        p->x[1] = p->x[0] - 40;
        p->y[1] -= 32;
        break;                              /* sliding to transactional */
    case 12: p->y[1] = p->y[0] + 42; break; /* relationship built */
    case 14:
        if (i < 32) {
            p->x[1] = 51;
            p->spread = 12;
        }
        break; /* on the line */
    case 15:
        if (i < 32) {
            p->y[1] = 49;
            p->spread = 12;
        }
        break; /* on the line */
    default: break;
    }
    if (i == 9 || i == 41)
        p->thin = 1;
    if (i == 27)
        p->self_only = 1;
    for (int w = 0; w < 2; w++) {
        p->x[w] = clamp(p->x[w], 3, 97);
        p->y[w] = clamp(p->y[w], 3, 97);
    }
}

/* The partnership story of account i, drawn from the second stream only. Pillars follow
 * the account's overall value and trust its relationship, and a few accounts of the
 * partnership quadrant tell a story: weak trust under sound pillars, pillars crumbling
 * between the waves, pillars rebuilt. */
static void plan_pillars(int i, struct plan *p)
{
    double off[CVOM_PILLAR_COUNT];
    for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
        off[m] = 6 * normal_from(&pillar_state);
    for (int w = 0; w < 2; w++) {
        for (int m = 0; m < CVOM_PILLARS; m++)
            p->pil[w][m] = (p->x[w] + p->y[w]) / 2 + off[m];
        /* Trust runs with the relationship, but being valued for expertise alone is no
         * reason to distrust us: it is at least as high as the pillars. */
        p->pil[w][CVOM_PILLAR_TRUST] =
            fmax((p->x[w] + p->y[w]) / 2, p->y[w]) + 8 + off[CVOM_PILLAR_TRUST];
    }
    p->no_pillars = i % 16 == 6; /* the team never asked these accounts */
    if (i % 16 == 11) {          /* weak trust: the pillars stand on sand */
        p->pil[0][CVOM_PILLAR_TRUST] = 22 + off[CVOM_PILLAR_TRUST] / 2;
        p->pil[1][CVOM_PILLAR_TRUST] = 20 + off[CVOM_PILLAR_TRUST] / 2;
    }
    if (i % 32 == 3) { /* passion and creativity crumble in the second wave */
        p->pil[1][CVOM_PILLAR_PASSION] -= 40;
        p->pil[1][CVOM_PILLAR_CREATIVITY] -= 40;
    }
    if (i % 32 == 19) { /* security and resonance were weak, and are rebuilt */
        p->pil[0][CVOM_PILLAR_SECURITY] -= 40;
        p->pil[0][CVOM_PILLAR_RESONANCE] -= 35;
    }
    for (int w = 0; w < 2; w++)
        for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
            p->pil[w][m] = clamp(p->pil[w][m], 3, 97);
}

/* A latent value 0–100 as an answer on the item's scale, with noise. */
static double answer(const struct cvom_item *it, double x, double y, double bx, double by)
{
    double v;
    if (it->axis == CVOM_AXIS_INTELLECTUAL)
        v = x + bx;
    else if (it->axis == CVOM_AXIS_EMOTIONAL)
        v = y + by;
    else
        v = (x + bx + y + by) / 2;
    v = clamp(v + 8 * normal(), 0, 100);
    if (it->reverse)
        v = 100 - v;
    return it->scale_min + floor((it->scale_max - it->scale_min) * v / 100 + 0.5);
}

/* A partnership item's answer from the latent measure v, noise from the second stream. */
static double pillar_answer(const struct cvom_item *it, double v)
{
    v = clamp(v + 8 * normal_from(&pillar_state), 0, 100);
    if (it->reverse)
        v = 100 - v;
    return it->scale_min + floor((it->scale_max - it->scale_min) * v / 100 + 0.5);
}

struct demo {
    struct cli *c;
    const struct cvom_instrument *ins;
    int64_t instrument_id;
    size_t accounts, stakeholders, assessments;
    int64_t ids[DEMO_ACCOUNTS];      /* the accounts' ids, in the order they were made */
    double lat[DEMO_ACCOUNTS][2][2]; /* latent (intellectual, emotional) per wave */
    size_t offerings, ratings, rankings;
    size_t signal_values, ledger, actions;
};

/* pil: the latent partnership measures with the respondent's own lean added, or NULL
 * when the respondent answers no partnership item. */
static enum cvom_status record(struct demo *d, struct cvom_assessment *a, double x, double y,
                               double bx, double by, int thin, const double *pil)
{
    struct cvom_store *st = d->c->store;
    enum cvom_status s = st->ops->assessment_add(st, a, &d->c->err);
    int per_axis[CVOM_AXIS_COUNT] = {0};
    for (size_t j = 0; !s && j < d->ins->n_items; j++) {
        const struct cvom_item *it = &d->ins->items[j];
        int m = cvom_axis_pillar(it->axis);
        if (m >= 0) {
            if (!pil || uniform_from(&pillar_state) < 0.04)
                continue;
            struct cvom_response r = {.assessment_id = a->id, .value = pillar_answer(it, pil[m])};
            cvom__copy_str(r.item_code, sizeof r.item_code, it->code);
            s = st->ops->response_put(st, &r, &d->c->err);
            continue;
        }
        /* Thin evidence: two answers per axis, fewer than the instrument's minimum. */
        if (thin && (it->axis == CVOM_AXIS_BOTH || per_axis[it->axis]++ >= 2))
            continue;
        if (!thin && uniform() < 0.04)
            continue; /* the odd skipped item */
        struct cvom_response r = {.assessment_id = a->id, .value = answer(it, x, y, bx, by)};
        cvom__copy_str(r.item_code, sizeof r.item_code, it->code);
        s = st->ops->response_put(st, &r, &d->c->err);
    }
    d->assessments += !s;
    return s;
}

/* A survey link sent to a stakeholder who never answered (see UNANSWERED_ACCOUNT). Its
 * secret is random and thrown away: nobody can answer it. */
static enum cvom_status unanswered_link(struct demo *d, const struct cvom_stakeholder *sh)
{
    int32_t made;
    cvom_date_parse(UNANSWERED_MADE, &made);
    struct cvom_survey sv = {
        .account_id = sh->account_id, .stakeholder_id = sh->id, .instrument_id = d->instrument_id};
    sv.created = (int64_t)made * 86400 + 9 * 3600;
    sv.expires = sv.created + 60 * 86400;
    char secret[CVOM_SECRET_CHARS];
    cvom__secret_new(secret);
    cvom__secret_digest(secret, sv.hash);
    cvom__copy_str(sv.created_by, sizeof sv.created_by, "demo");
    return d->c->store->ops->survey_add(d->c->store, &sv, &d->c->err);
}

static enum cvom_status make_account(struct demo *d, int i, const int32_t *waves)
{
    struct cvom_store *st = d->c->store;
    struct plan p;
    make_plan(i, &p);
    plan_pillars(i, &p);
    struct cvom_account a;
    memset(&a, 0, sizeof a);
    size_t ind = pick(8);
    snprintf(a.name, sizeof a.name, "%s %s", prefixes[i % 32], suffixes[ind]);
    if (i >= 32)
        snprintf(a.name, sizeof a.name, "%s %s %s", prefixes[i % 32], group_words[ind],
                 i % 3 ? "Group" : "Partners");
    if (i == 0) { /* the classic over-served transactional retailer */
        cvom__copy_str(a.name, sizeof a.name, "Stack & Save Discount Stores");
        ind = 0;
        p.x[0] = p.x[1] = 14;
        p.y[0] = p.y[1] = 12;
    }
    snprintf(a.external_id, sizeof a.external_id, "CRM-%04d", 1001 + i);
    cvom__copy_str(a.owner, sizeof a.owner, owners[pick(5)]);
    cvom__copy_str(a.industry, sizeof a.industry, industries[ind]);
    cvom__copy_str(a.region, sizeof a.region, regions[pick(6)]);
    cvom__copy_str(a.currency, sizeof a.currency, "EUR");
    a.revenue = floor(exp(11.5 + 1.1 * normal()) / 1000) * 1000 + 20000;
    a.potential = floor(a.revenue * (1.2 + uniform()) / 1000) * 1000;
    snprintf(a.tags, sizeof a.tags, "%s%s%s", tagset[pick(6)], i % 5 ? "" : ",",
             i % 5 ? "" : tagset[pick(6)]);
    snprintf(a.notes, sizeof a.notes, "Demo account. Annual review with %s.", a.owner);
    enum cvom_status s = st->ops->account_add(st, &a, &d->c->err);
    if (s)
        return s;
    d->ids[i] = a.id;
    for (int w = 0; w < 2; w++) {
        d->lat[i][w][0] = p.x[w];
        d->lat[i][w][1] = p.y[w];
    }
    d->accounts++;
    /* The dates of its two waves (see STALE_ACCOUNT). */
    int32_t when[2] = {waves[0], waves[1]};
    if (i == STALE_ACCOUNT)
        cvom_date_parse(STALE_WAVE2, &when[1]);
    if (i == DUE_ACCOUNT)
        cvom_date_parse(DUE_WAVE2, &when[1]);
    int n_sh = 3 + (int)pick(3);
    for (int k = 0; !s && k < n_sh; k++) {
        const struct role *r = &roles[k == 0 ? 0 : 1 + pick(4)];
        struct cvom_stakeholder sh = {.account_id = a.id, .influence = r->influence};
        snprintf(sh.name, sizeof sh.name, "%s %s", firsts[pick(20)], lasts[pick(20)]);
        snprintf(sh.external_id, sizeof sh.external_id, "C-%04d-%d", 1001 + i, k + 1);
        cvom__copy_str(sh.role, sizeof sh.role, r->name);
        sh.stance = (enum cvom_stance)(1 + pick(5));
        snprintf(sh.email, sizeof sh.email, "contact%d.%04d@example.com", k + 1, 1001 + i);
        /* The account's owner looks after everyone and met them after the second wave,
         * except on a few accounts: an economic buyer nobody looks after, or last met in
         * the spring (coverage gaps on the relationship map). No draw from the streams, so
         * that everything else stays as it was. */
        if (!(k == 0 && i % 16 == 4))
            cvom__copy_str(sh.counterpart, sizeof sh.counterpart, a.owner);
        sh.last_contact = when[1] + 20 + (i * 7 + k * 3) % 30;
        sh.channel = (enum cvom_channel)(1 + (i + k) % 4);
        if (k == 0 && i % 16 == 8)
            cvom_date_parse("2026-05-12", &sh.last_contact);
        if ((s = st->ops->stakeholder_add(st, &sh, &d->c->err)) != CVOM_OK)
            break;
        d->stakeholders++;
        if (i == UNANSWERED_ACCOUNT && k == 0 && (s = unanswered_link(d, &sh)) != CVOM_OK)
            break;
        double bx = p.spread * normal(), by = p.spread * normal() + r->bias_e;
        double lean = 5 * normal_from(&pillar_state);
        for (int w = 0; !s && w < 2; w++) {
            if (p.self_only)
                continue; /* nobody at the customer has answered yet */
            if (w == 0 && k == n_sh - 1 && i % 3 == 0)
                continue; /* joined the decision-making unit later */
            struct cvom_assessment as = {.account_id = a.id,
                                         .instrument_id = d->instrument_id,
                                         .kind = CVOM_RESP_CUSTOMER,
                                         .stakeholder_id = sh.id,
                                         .date = when[w],
                                         .status = CVOM_ASSESS_COMPLETE};
            cvom__copy_str(as.respondent, sizeof as.respondent, sh.name);
            int thin = w == 1 && p.thin;
            double pil[CVOM_PILLAR_COUNT];
            for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
                pil[m] = p.pil[w][m] + lean;
            s = record(d, &as, p.x[w], p.y[w], bx, by, thin, p.no_pillars || thin ? NULL : pil);
        }
    }
    /* Our own view, a little rosier on the relationship than the customer's. */
    for (int w = 0; !s && w < 2; w++) {
        if (w == 0 && !p.self_only && i % 2)
            continue;
        struct cvom_assessment as = {.account_id = a.id,
                                     .instrument_id = d->instrument_id,
                                     .kind = CVOM_RESP_SELF,
                                     .date = when[w],
                                     .status = CVOM_ASSESS_COMPLETE};
        cvom__copy_str(as.respondent, sizeof as.respondent, a.owner);
        double pil[CVOM_PILLAR_COUNT];
        for (int m = 0; m < CVOM_PILLAR_COUNT; m++)
            pil[m] = p.pil[w][m] + 8; /* we think better of the partnership than they do */
        s = record(d, &as, p.x[w], p.y[w], 4, 10, 0, p.no_pillars ? NULL : pil);
    }
    return s;
}

/* ---- offerings and value hierarchies ----------------------------------------------- */

/* A third stream, so that the catalogue leaves every answer above as it was. */
static uint64_t offer_state;

static size_t offer_pick(size_t n)
{
    return (size_t)(splitmix64(&offer_state) % n);
}

/* Costs in whole hundreds. */
static double offer_cost(double lo, double hi)
{
    return floor((lo + (hi - lo) * uniform_from(&offer_state)) / 100) * 100;
}

struct demo_offering {
    const char *code, *name, *category;
};

/* The first is the core range every account buys; the add-ons come after the premium
 * lines. */
static const struct demo_offering catalogue[] = {
    {"CORE-RANGE", "Core product range", "core product"},
    {"PREMIUM", "Premium lines", "core product"},
    {"LOCAL-MKT", "Local marketing campaigns", "add-on service"},
    {"AD-SUPPORT", "Advertising support", "add-on service"},
    {"E-TAGGING", "Electronic tagging", "add-on service"},
    {"MERCH", "In-store merchandising", "add-on service"},
    {"SUPPORT-TEAM", "Dedicated support team", "add-on service"},
    {"TRAINING", "Training for the customer's staff", "add-on service"},
    {"INSIGHT", "Category insight briefings", "add-on service"},
};
#define N_CATALOGUE (sizeof catalogue / sizeof catalogue[0])

/* The discount retailer: the core range matters, and four costly add-ons it never asked
 * for sit at the very bottom of its importance scale. Unvalued cost: 42 000 + 36 500 +
 * 24 000 + 31 500 = 134 000 of 152 000 (88.2 %). */
static const struct {
    const char *code;
    double importance, performance, cost;
} retailer_ratings[] = {
    {"CORE-RANGE", 7, 5, 18000}, {"LOCAL-MKT", 1, 4, 42000}, {"AD-SUPPORT", 1, 3, 36500},
    {"E-TAGGING", 1, 5, 24000},  {"MERCH", 1, 4, 31500},
};

static enum cvom_status rate(struct demo *d, int64_t account, size_t offering, double importance,
                             double performance, double cost)
{
    struct cvom_store *st = d->c->store;
    struct cvom_offering o;
    enum cvom_status s = st->ops->offering_find(st, catalogue[offering].code, &o, &d->c->err);
    struct cvom_offering_rating r = {
        .account_id = account, .offering_id = o.id, .r = {importance, performance, cost}};
    if (!s)
        s = st->ops->rating_put(st, &r, &d->c->err);
    d->ratings += !s;
    return s;
}

static size_t catalogue_index(const char *code)
{
    for (size_t j = 0; j < N_CATALOGUE; j++)
        if (strcmp(catalogue[j].code, code) == 0)
            return j;
    return 0;
}

/* Other accounts buy the core range and a few add-ons; transactional ones care little
 * for the add-ons, partnerships a good deal. */
static enum cvom_status rate_account(struct demo *d, int i)
{
    enum cvom_status s = rate(d, d->ids[i], 0, 6 + (double)offer_pick(2), 3 + (double)offer_pick(4),
                              offer_cost(8000, 30000));
    int q = i % 4;
    for (size_t j = 1; !s && j < N_CATALOGUE; j++) {
        if (uniform_from(&offer_state) >= 0.4)
            continue;
        double imp = q == 0   ? 1 + (double)offer_pick(4)
                     : q == 3 ? 4 + (double)offer_pick(4)
                              : 3 + (double)offer_pick(5);
        s = rate(d, d->ids[i], j, imp, 2 + (double)offer_pick(6), offer_cost(1000, 12000));
    }
    return s;
}

/* Our own hierarchy, most important first. */
static const char *const our_values[] = {"expertise",      "reliability", "quality",
                                         "relationship",   "innovation",  "sustainability",
                                         "local presence", "price"};
#define N_VALUES (sizeof our_values / sizeof our_values[0])
static const char *const retailer_values[] = {"price", "reliability", "local presence", "quality"};

static enum cvom_status put_ranking(struct demo *d, int64_t account, const char *const *v, size_t n)
{
    struct cvom_store *st = d->c->store;
    enum cvom_status s = st->ops->ranking_clear(st, account, &d->c->err);
    for (size_t k = 0; !s && k < n; k++)
        s = st->ops->ranking_put(st, account, v[k], (int)k + 1, &d->c->err);
    d->rankings += !s && account;
    return s;
}

/* An account's hierarchy: ours with a few neighbours swapped; a few partnerships put
 * price first and turn the rest round, so that their alignment is poor. */
static enum cvom_status rank_account(struct demo *d, int i)
{
    const char *v[N_VALUES];
    for (size_t k = 0; k < N_VALUES; k++)
        v[k] = our_values[k];
    if (i % 32 == 11 || i % 32 == 15) {
        for (size_t k = 0; k < N_VALUES; k++)
            v[k] = our_values[N_VALUES - 1 - k];
    }
    int swaps = 1 + (int)offer_pick(i % 4 == 3 ? 2 : 6);
    for (int k = 0; k < swaps; k++) {
        size_t at = offer_pick(N_VALUES - 1);
        const char *t = v[at];
        v[at] = v[at + 1];
        v[at + 1] = t;
    }
    size_t n = 5 + offer_pick(N_VALUES - 4); /* not everyone ranks every value */
    return put_ranking(d, d->ids[i], v, n);
}

static enum cvom_status offerings_and_values(struct demo *d)
{
    struct cvom_store *st = d->c->store;
    enum cvom_status s = CVOM_OK;
    for (size_t j = 0; !s && j < N_CATALOGUE; j++) {
        struct cvom_offering o;
        memset(&o, 0, sizeof o);
        cvom__copy_str(o.code, sizeof o.code, catalogue[j].code);
        cvom__copy_str(o.name, sizeof o.name, catalogue[j].name);
        cvom__copy_str(o.category, sizeof o.category, catalogue[j].category);
        s = st->ops->offering_add(st, &o, &d->c->err);
        d->offerings += !s;
    }
    for (size_t k = 0; !s && k < sizeof retailer_ratings / sizeof retailer_ratings[0]; k++)
        s = rate(d, d->ids[0], catalogue_index(retailer_ratings[k].code),
                 retailer_ratings[k].importance, retailer_ratings[k].performance,
                 retailer_ratings[k].cost);
    for (int i = 1; !s && i < DEMO_ACCOUNTS; i++)
        s = rate_account(d, i);
    if (!s)
        s = put_ranking(d, 0, our_values, N_VALUES);
    if (!s)
        s = put_ranking(d, d->ids[0], retailer_values,
                        sizeof retailer_values / sizeof retailer_values[0]);
    for (int i = 1; !s && i < DEMO_ACCOUNTS; i++)
        if (i % 4 == 3 || i % 3 == 0) /* every partnership-minded account, and some others */
            s = rank_account(d, i);
    return s;
}

/* ---- signals and the network ledger ------------------------------------------------ */

/* A fourth stream, so that signals leave everything above as it was. */
static uint64_t signal_state;

struct demo_signal {
    const char *name, *label;
    enum cvom_dim axis;
    int direction;
    enum cvom_norm norm;
    double p1, p2, weight;
};

static const struct demo_signal demo_signals[] = {
    {"discount_depth", "Average discount off list price, %", CVOM_DIM_EMOTIONAL, -1,
     CVOM_NORM_FIXED, 0, 30, 0.15},
    {"expert_events", "Our expert events attended in the last year", CVOM_DIM_INTELLECTUAL, 1,
     CVOM_NORM_LOGISTIC, 3, 1.5, 0.15},
    {"exec_meetings", "Executive meetings a quarter", CVOM_DIM_EMOTIONAL, 1, CVOM_NORM_LOGISTIC, 2,
     0.8, 0.15},
    {"referrals", "Referrals given to us in the last year", CVOM_DIM_EMOTIONAL, 1,
     CVOM_NORM_PERCENTILE, 0, 0, 0.1},
    {"price_tenders", "Share of their tenders decided on price alone, %", CVOM_DIM_INTELLECTUAL, -1,
     CVOM_NORM_FIXED, 0, 100, 0.15},
    {"nps", "Net Promoter Score of their users", CVOM_DIM_EMOTIONAL, 1, CVOM_NORM_FIXED, -100, 100,
     0.15},
};
#define N_DEMO_SIGNALS (sizeof demo_signals / sizeof demo_signals[0])
#define SIGNAL_STORY 34 /* an account whose CRM figures contradict its survey */

/* A raw value whose normalised score lies near v (0–100) for the intellectual value x and
 * emotional value y of the account. */
static double demo_raw(size_t k, double x, double y)
{
    double e = normal_from(&signal_state), v;
    switch (k) {
    case 0: return floor(clamp(30 * (1 - (0.7 * y + 0.3 * x) / 100) + 2.5 * e, 0, 40) * 10) / 10;
    case 1:
        v = clamp(x + 8 * e, 2, 98) / 100;
        return clamp(round(3 + 1.5 * log(v / (1 - v))), 0, 24);
    case 2:
        v = clamp(y + 8 * e, 2, 98) / 100;
        return clamp(round((2 + 0.8 * log(v / (1 - v))) * 4) / 4, 0, 12);
    case 3: return clamp(round(y / 18 + 1.2 * e), 0, 12);
    case 4: return round(clamp(100 - x + 8 * e, 0, 100));
    default: return round(clamp(2 * y - 100 + 15 * e, -100, 100));
    }
}

static enum cvom_status demo_signal_values(struct demo *d, const int32_t *waves)
{
    struct cvom_store *st = d->c->store;
    enum cvom_status s = CVOM_OK;
    int64_t ids[N_DEMO_SIGNALS];
    for (size_t k = 0; !s && k < N_DEMO_SIGNALS; k++) {
        const struct demo_signal *g = &demo_signals[k];
        struct cvom_signal sig;
        memset(&sig, 0, sizeof sig);
        cvom__copy_str(sig.def.name, sizeof sig.def.name, g->name);
        cvom__copy_str(sig.def.label, sizeof sig.def.label, g->label);
        sig.def.axis = g->axis;
        sig.def.direction = g->direction;
        sig.def.norm = g->norm;
        sig.def.p1 = g->p1;
        sig.def.p2 = g->p2;
        sig.def.weight = g->weight;
        s = st->ops->signal_put(st, &sig, &d->c->err);
        ids[k] = sig.id;
    }
    for (int i = 0; !s && i < DEMO_ACCOUNTS; i++)
        for (int w = 0; !s && w < 2; w++)
            for (size_t k = 0; !s && k < N_DEMO_SIGNALS; k++) {
                /* Not every account's CRM record carries every figure. */
                if (uniform_from(&signal_state) < 0.2 && i != 0 && i != SIGNAL_STORY)
                    continue;
                double x = d->lat[i][w][0], y = d->lat[i][w][1];
                if (i == SIGNAL_STORY && w == 1)
                    y = 15; /* deep discounts, no executive contact, detractors */
                struct cvom_signal_value v = {.account_id = d->ids[i],
                                              .signal_id = ids[k],
                                              .date = waves[w] - 14,
                                              .value = demo_raw(k, x, y)};
                s = st->ops->signal_value_put(st, &v, &d->c->err);
                d->signal_values += !s;
            }
    return s;
}

static const char *const introductions[] = {
    "Introduction to a retail analytics lead",
    "Introduction to a peer's operations director",
    "Introduction to a university research group",
    "Introduction to a logistics start-up",
};
static const char *const peer_groups[] = {"Supply-chain directors' circle",
                                          "Category managers' peer group", "Finance leaders' club"};
static const char *const events[] = {"Annual expert forum", "Market outlook briefing",
                                     "Innovation day at our lab"};

/* Accounts that value our expertise are given more, and rate it higher. */
static enum cvom_status demo_ledger(struct demo *d, const int32_t *waves)
{
    struct cvom_store *st = d->c->store;
    enum cvom_status s = CVOM_OK;
    for (int i = 1; !s && i < DEMO_ACCOUNTS; i++) {
        int q = i % 4;
        int n = q == 1 || q == 3 ? 2 + (int)(splitmix64(&signal_state) % 4)
                                 : (int)(splitmix64(&signal_state) % 3);
        for (int k = 0; !s && k < n; k++) {
            struct cvom_network_entry e;
            memset(&e, 0, sizeof e);
            e.account_id = d->ids[i];
            e.date = waves[1] - 20 - (int32_t)(splitmix64(&signal_state) % 330);
            int w = e.date < waves[0] ? 0 : 1;
            e.kind = (enum cvom_network_kind)(splitmix64(&signal_state) % CVOM_NET_KIND_COUNT);
            const char *title =
                e.kind == CVOM_NET_INTRODUCTION ? introductions[splitmix64(&signal_state) % 4]
                : e.kind == CVOM_NET_PEER_GROUP ? peer_groups[splitmix64(&signal_state) % 3]
                                                : events[splitmix64(&signal_state) % 3];
            cvom__copy_str(e.title, sizeof e.title, title);
            e.rating = clamp(
                round(1 + 4 * d->lat[i][w][0] / 100 + 0.7 * normal_from(&signal_state)), 1, 5);
            if (k == 0 && i % 7 == 0)
                e.rating = NAN; /* asked, not answered yet */
            s = st->ops->network_add(st, &e, &d->c->err);
            d->ledger += !s;
        }
    }
    return s;
}

/* ---- action plans ------------------------------------------------------------------- */

/* A few plans in progress: the retailer served leaner, the account whose figures contradict
 * its survey looked into, borderline accounts pushed across, and some actions without an
 * owner or past their date. Days are counted from the second wave. */
static const struct {
    int account;
    const char *title;
    int owned;     /* 1: the account's owner; 0: nobody yet */
    int due, done; /* days after the second wave; done: -1 while open */
    int axis;      /* enum cvom_dim, or -1 */
    double effect, cost;
    const char *play;
} demo_actions[] = {
    {0, "Take the four unvalued add-ons out of the next contract", 1, 45, -1, -1, 0, 0,
     "transactional"},
    {0, "Offer ordering through the self-service portal", 0, 75, -1, -1, 0, 1500, "transactional"},
    {SIGNAL_STORY, "Review the discount history with finance", 1, 20, 12, -1, 0, 0, "emotional"},
    {SIGNAL_STORY, "Executive sponsor meeting with their COO", 1, 30, -1, CVOM_DIM_EMOTIONAL, 6,
     2500, "emotional"},
    {SIGNAL_STORY, "Invite their buyers to the customer advisory day", 0, 60, -1,
     CVOM_DIM_EMOTIONAL, 4, 1800, "emotional"},
    {14, "Second round of interviews with the decision-making unit", 1, 25, -1, -1, 0, 600,
     "borderline"},
    {14, "Share the benchmark study with their engineering lead", 1, 40, -1, CVOM_DIM_INTELLECTUAL,
     5, 1200, "intellectual"},
    {15, "Quarterly business review with the sponsor", 1, 35, -1, CVOM_DIM_EMOTIONAL, 3, 800,
     "borderline"},
    {7, "Turn the analytics pilot into a standing briefing", 1, 50, -1, CVOM_DIM_INTELLECTUAL, 4,
     3000, "transactional-to-intellectual"},
    {10, "Find out why they moved their tenders to price", 1, 10, -1, -1, 0, 0,
     "intellectual-to-transactional"},
    {10, "Account rescue workshop", 0, 28, -1, CVOM_DIM_INTELLECTUAL, 8, 4500,
     "intellectual-to-transactional"},
    {5, "Repair meeting after the delivery failures", 1, 14, 20, CVOM_DIM_EMOTIONAL, 5, 900,
     "partnership-to-intellectual"},
    {3, "Joint planning day for next year", 1, 90, -1, CVOM_DIM_EMOTIONAL, 2, 2000, "partnership"},
    {33, "Bring their CEO into our customer council", 1, 40, -1, CVOM_DIM_EMOTIONAL, 6, 2200,
     "intellectual"},
    {52, "Category insight briefings for their buyers", 1, 55, -1, CVOM_DIM_INTELLECTUAL, 7, 3500,
     "transactional"},
    {9, "Assess the account with its new buyer", 0, 21, -1, -1, 0, 300, "insufficient"},
};

static enum cvom_status demo_plans(struct demo *d, int32_t wave2)
{
    struct cvom_store *st = d->c->store;
    enum cvom_status s = CVOM_OK;
    for (size_t k = 0; !s && k < sizeof demo_actions / sizeof demo_actions[0]; k++) {
        struct cvom_account acc;
        s = st->ops->account_get(st, d->ids[demo_actions[k].account], &acc, &d->c->err);
        struct cvom_action a;
        memset(&a, 0, sizeof a);
        a.account_id = acc.id;
        cvom__copy_str(a.title, sizeof a.title, demo_actions[k].title);
        if (demo_actions[k].owned)
            cvom__copy_str(a.owner, sizeof a.owner, acc.owner);
        a.due = wave2 + demo_actions[k].due;
        a.axis = demo_actions[k].axis;
        a.effect = demo_actions[k].effect;
        a.cost = demo_actions[k].cost;
        cvom__copy_str(a.play, sizeof a.play, demo_actions[k].play);
        a.status = CVOM_ACTION_OPEN;
        a.created = wave2 + 3;
        if (!s)
            s = st->ops->action_add(st, &a, &d->c->err);
        if (!s && demo_actions[k].done >= 0)
            s = st->ops->action_set_status(st, a.id, a.version, CVOM_ACTION_DONE,
                                           wave2 + demo_actions[k].done, &d->c->err);
        d->actions += !s;
    }
    return s;
}

/* Three groups, each a parent with a subsidiary in another quadrant, so that every face has
 * a split group to show; one subsidiary (Ashcombe Networks) has only our own view and is
 * listed, not placed. Parents are set once every account exists: the accounts themselves
 * are drawn as they always were. */
static const struct {
    int child, parent;
} demo_groups[] = {{14, 46}, {27, 59}, {18, 50}};

static enum cvom_status demo_parents(struct demo *d)
{
    struct cvom_store *st = d->c->store;
    enum cvom_status s = CVOM_OK;
    for (size_t k = 0; !s && k < sizeof demo_groups / sizeof demo_groups[0]; k++) {
        struct cvom_account a;
        s = st->ops->account_get(st, d->ids[demo_groups[k].child], &a, &d->c->err);
        a.parent_id = d->ids[demo_groups[k].parent];
        if (!s)
            s = st->ops->account_update(st, &a, &d->c->err);
    }
    return s;
}

static enum cvom_status snapshots(struct demo *d, const int32_t *waves)
{
    struct cvom_config cfg;
    enum cvom_status s = cvom__config_load(d->c->store, &cfg, &d->c->err);
    for (int w = 0; !s && w < 2; w++) {
        struct cvom_scored *v = NULL;
        size_t n = 0;
        s = cvom__portfolio_scan(d->c->store, &cfg, NULL, waves[w], &v, &n, NULL, NULL, &d->c->err);
        for (size_t i = 0; !s && i < n; i++) {
            if (!v[i].evidence.assessments)
                continue;
            struct cvom_snapshot snap = {
                .account_id = v[i].account.id, .date = waves[w], .score = v[i].score};
            s = d->c->store->ops->snapshot_put(d->c->store, &snap, &d->c->err);
        }
        free(v);
    }
    return s;
}

int cmd_demo(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "seed",
         .kind = 'i',
         .arg = "N",
         .min = 0,
         .max = 1099511627776.0,
         .help = "another portfolio (default 1)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "[--db PATH] [--seed N]",
                  "Fill an empty database with a demo portfolio: 64 invented accounts in all "
                  "four quadrants, their stakeholders, and two assessment waves (" WAVE1
                  " and " WAVE2 ") with scores stored for both. The answers include the "
                  "partnership pillars and trust, so 'cvom pillars' has stories to tell; "
                  "an offerings catalogue with every account's ratings and costs, and value "
                  "hierarchies, ours and many accounts', feed 'cvom overserved' and 'cvom align'; "
                  "six CRM signals and a network ledger are blended into the scores; three "
                  "accounts are subsidiaries of groups whose members sit in other quadrants.",
                  pos, 0, 0, &np, &rc))
        return rc;
    long seed = (long)cli_num(opts, "seed", 1);
    rng_state = (uint64_t)seed * 0x2545F4914F6CDD1Dull;
    pillar_state = (uint64_t)seed * 0x9E6C63D0676A9A99ull + 0x1F1E5A0B3C7D2E4Full;
    offer_state = (uint64_t)seed * 0xD1B54A32D192ED03ull + 0x5851F42D4C957F2Dull;
    signal_state = (uint64_t)seed * 0xA0761D6478BD642Full + 0xE7037ED1A0B428DBull;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    int64_t n = 0;
    enum cvom_status s = c->store->ops->account_count(c->store, &n, &c->err);
    if (!s && n > 0)
        s = cvom_error_set(&c->err, CVOM_EEXIST,
                           "%s already holds %lld accounts; the demo needs an empty database",
                           c->db, (long long)n);
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    struct demo d = {.c = c, .ins = &ins};
    int32_t waves[2];
    cvom_date_parse(WAVE1, &waves[0]);
    cvom_date_parse(WAVE2, &waves[1]);
    if (!s)
        s = c->store->ops->instrument_latest(c->store, "default", &d.instrument_id, &c->err);
    if (!s)
        s = c->store->ops->instrument_get(c->store, d.instrument_id, &ins, &c->err);
    if (!s && !(s = cli_begin(c))) {
        for (int i = 0; !s && i < DEMO_ACCOUNTS; i++)
            s = make_account(&d, i, waves);
        if (!s)
            s = demo_parents(&d);
        if (!s)
            s = offerings_and_values(&d);
        if (!s)
            s = demo_signal_values(&d, waves);
        if (!s)
            s = demo_ledger(&d, waves);
        if (!s)
            s = demo_plans(&d, waves[1]);
        if (!s)
            s = snapshots(&d, waves);
        cli_audit(c, "demo portfolio", "%d accounts", DEMO_ACCOUNTS);
        if (!s)
            s = cli_commit(c);
        if (s)
            cli_rollback(c);
    }
    cvom_instrument_cleanup(&ins);
    /* The account whose CRM figures contradict its survey, named for the hint below. */
    struct cvom_account story;
    if (!s)
        s = c->store->ops->account_get(c->store, d.ids[SIGNAL_STORY], &story, &c->err);
    if (s)
        return cli_fail(c, s, &c->err);
    printf("Demo portfolio in %s: %zu accounts, %zu stakeholders, %zu assessments in two "
           "waves (%s, %s); %zu offerings with %zu ratings, %zu value rankings; %zu signal "
           "values and %zu network ledger entries; %zu planned actions.\n"
           "Try: cvom matrix --db %s    cvom explain --db %s \"%s\"\n"
           "     cvom pillars --db %s --since %s    cvom overserved --db %s\n"
           "     cvom align --db %s    cvom explain --db %s \"%s\"\n"
           "     cvom whatif --db %s --all-open    cvom compare --db %s --from %s --to %s\n",
           c->db, d.accounts, d.stakeholders, d.assessments, WAVE1, WAVE2, d.offerings, d.ratings,
           d.rankings, d.signal_values, d.ledger, d.actions, c->db, c->db,
           "Stack & Save Discount Stores", c->db, WAVE1, c->db, c->db, c->db, story.name, c->db,
           c->db, WAVE1, WAVE2);
    return 0;
}
