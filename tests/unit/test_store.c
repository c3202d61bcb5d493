/* test_store.c — the storage interface, the same cases on every back end: migrations, every
 * record type, constraint outcomes, transactions, the data revision, snapshots, instruments,
 * reference resolution and lock contention.
 *
 *   test_store                      on new SQLite files in a temporary directory
 *   test_store MAIN LIST MIGRATE    on three new, empty databases (tests/pg/with_pg.py gives
 *                                   three PostgreSQL databases of a throwaway cluster)
 * What only one back end does (SQLite's files, backups) is tested in test_store_sqlite.c.
 */
#include "store_fixtures.h"

#include <math.h>
#include <pthread.h>
#include <time.h>

#include "store_fixtures.h"

/* ---------------------------------------------------------------------------------------
 * Opening and migrations
 * ------------------------------------------------------------------------------------- */

/* Where the three stores of the suite are. */
static const char *loc_main = "main.db", *loc_list = "list.db", *loc_migrate = "migrate.db";

/* Locations: which name a server, and what a server that is not there says. */
static void test_locations(void)
{
    struct cvom_store *st = NULL;
    struct cvom_error err = {0};
    /* The message names the server, and no password it was given. */
    CHECK_INT(cvom__store_open("postgresql://who:secret@127.0.0.1:1/cvom", &st, &err), CVOM_ESTORE);
    CHECK(strstr(err.message, "cannot connect to the PostgreSQL database cvom on 127.0.0.1:1") !=
          NULL);
    CHECK(strstr(err.message, "secret") == NULL);
    CHECK(st == NULL);
    CHECK_INT(cvom__store_location_is_server("service=team"), 1);
    CHECK_INT(cvom__store_location_is_server("host=/run/pg dbname=cvom"), 1);
    CHECK_INT(cvom__store_location_is_server("postgres://"), 1);
    CHECK_INT(cvom__store_location_is_server("team.db"), 0);
    CHECK_INT(cvom__store_location_is_server("./a=b.db"), 0);
    CHECK_INT(cvom__store_open("", &st, &err), CVOM_EINVAL);
    CHECK(st == NULL);
}

static void test_migrations(void)
{
    struct cvom_error err = {0};
    int v1 = 0, v2 = 0;
    struct cvom_store *st = open_store(loc_migrate);
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK_STR(cvom__store_backend(st),
              cvom__store_location_is_server(loc_migrate) ? "postgresql" : "sqlite");
    CHECK_INT(st->ops->schema_version(st, &v1, &err), CVOM_OK);
    CHECK(v1 >= 1);
    struct counts c;
    get_counts(st, &c);
    CHECK_INT(c.count, N_TABLES);
    CHECK_STR(c.names[0], "accounts");
    for (size_t i = 0; i < c.count; i++)
        CHECK_INT(c.n[i], 0);
    add_account(st, "Kept", "");
    cvom__store_close(st);

    st = open_store(loc_migrate);
    CHECK(st != NULL);
    if (!st)
        return;
    CHECK_INT(st->ops->schema_version(st, &v2, &err), CVOM_OK);
    CHECK_INT(v2, v1);
    CHECK_INT(count_of(st, "accounts"), 1);
    cvom__store_close(st);
    cvom__store_close(NULL);
}

/* ---------------------------------------------------------------------------------------
 * Accounts
 * ------------------------------------------------------------------------------------- */

struct names {
    char list[16][CVOM_FIELD_MAX];
    int n;
    int stop_after;
};

static int collect_account(void *ctx, const struct cvom_account *a)
{
    struct names *nm = ctx;
    if (nm->n < 16)
        SET(nm->list[nm->n], a->name);
    nm->n++;
    return nm->stop_after && nm->n >= nm->stop_after;
}

static int list_names(struct cvom_store *st, const struct cvom_account_filter *f, struct names *nm)
{
    struct cvom_error err = {0};
    memset(nm, 0, sizeof *nm);
    CHECK_INT(st->ops->account_list(st, f, collect_account, nm, &err), CVOM_OK);
    return nm->n;
}

static void test_account_crud(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_account a, b;
    memset(&a, 0, sizeof a);
    SET(a.external_id, "CRM-1");
    SET(a.name, "Acme Mills");
    SET(a.owner, "dana");
    a.revenue = 125000.5;
    a.potential = 400000;
    SET(a.currency, "EUR");
    SET(a.industry, "manufacturing");
    SET(a.region, "north");
    SET(a.tags, " key , strategic,, local ");
    SET(a.notes, "Met the CFO at the club.\nLikes data.");
    CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_OK);
    CHECK(a.id > 0);

    CHECK_INT(st->ops->account_get(st, a.id, &b, &err), CVOM_OK);
    CHECK_INT(b.id, a.id);
    CHECK_STR(b.external_id, "CRM-1");
    CHECK_STR(b.name, "Acme Mills");
    CHECK_STR(b.owner, "dana");
    CHECK_INT(b.parent_id, 0);
    CHECK_NEAR(b.revenue, 125000.5, 0);
    CHECK_NEAR(b.potential, 400000, 0);
    CHECK_STR(b.currency, "EUR");
    CHECK_STR(b.industry, "manufacturing");
    CHECK_STR(b.region, "north");
    CHECK_STR(b.tags, "key,strategic,local");
    CHECK_STR(b.notes, "Met the CFO at the club.\nLikes data.");

    /* Update, including a parent. */
    int64_t parent = add_account(st, "Acme Group", "CRM-G");
    b.parent_id = parent;
    SET(b.owner, "lee");
    b.revenue = 0;
    CHECK_INT(b.version, 1);
    CHECK_INT(st->ops->account_update(st, &b, &err), CVOM_OK);
    CHECK_INT(b.version, 2); /* the copy knows the version it now matches */
    CHECK_INT(st->ops->account_get(st, a.id, &b, &err), CVOM_OK);
    CHECK_INT(b.parent_id, parent);
    CHECK_STR(b.owner, "lee");
    CHECK_NEAR(b.revenue, 0, 0);
    CHECK_INT(b.version, 2);

    /* Two people change the same account from copies read at version 2: the first goes
     * through, the second is told and changes nothing; version 0 asks for no check. */
    struct cvom_account first = b, second = b;
    SET(first.region, "first");
    SET(second.region, "second");
    CHECK_INT(st->ops->account_update(st, &first, &err), CVOM_OK);
    CHECK_INT(st->ops->account_update(st, &second, &err), CVOM_ECONFLICT);
    CHECK(strstr(err.message, "since version 2") != NULL);
    CHECK(strstr(err.message, "version 3 now") != NULL);
    CHECK_INT(st->ops->account_get(st, a.id, &b, &err), CVOM_OK);
    CHECK_STR(b.region, "first");
    second.version = 0;
    CHECK_INT(st->ops->account_update(st, &second, &err), CVOM_OK);
    CHECK_INT(second.version, 4);
    SET(b.region, "north");
    b.version = 0;
    CHECK_INT(st->ops->account_update(st, &b, &err), CVOM_OK);

    /* A parent may not become its own descendant, nor an account its own parent. */
    struct cvom_account g;
    CHECK_INT(st->ops->account_get(st, parent, &g, &err), CVOM_OK);
    g.parent_id = a.id;
    CHECK_INT(st->ops->account_update(st, &g, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "parent_id");
    g.parent_id = parent;
    CHECK_INT(st->ops->account_update(st, &g, &err), CVOM_EINVAL);

    /* Missing records. */
    b.id = 999999;
    CHECK_INT(st->ops->account_update(st, &b, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->account_get(st, 999999, &b, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->account_remove(st, 999999, &err), CVOM_ENOTFOUND);

    /* Removing a parent leaves the child without one. */
    CHECK_INT(st->ops->account_remove(st, parent, &err), CVOM_OK);
    CHECK_INT(st->ops->account_get(st, a.id, &b, &err), CVOM_OK);
    CHECK_INT(b.parent_id, 0);
    CHECK_INT(st->ops->account_get(st, parent, &b, &err), CVOM_ENOTFOUND);

    int64_t n = -1;
    CHECK_INT(st->ops->account_count(st, &n, &err), CVOM_OK);
    CHECK_INT(n, 1);
    CHECK_INT(st->ops->account_remove(st, a.id, &err), CVOM_OK);
    CHECK_INT(st->ops->account_count(st, &n, &err), CVOM_OK);
    CHECK_INT(n, 0);
}

static void test_account_constraints(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_account a;
    struct counts before, after;
    get_counts(st, &before);

    add_account(st, "First", "X-1");
    add_account(st, "No external id 1", "");
    add_account(st, "No external id 2", ""); /* empty external ids never collide */

    memset(&a, 0, sizeof a);
    SET(a.name, "Second");
    SET(a.external_id, "X-1");
    CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_EEXIST);
    CHECK_STR(err.field, "external_id");
    CHECK(strstr(err.message, "external_id") != NULL);

    memset(&a, 0, sizeof a);
    CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "name");

    SET(a.name, "Negative");
    a.revenue = -1;
    CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "revenue");
    a.revenue = 0;
    a.potential = NAN;
    CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "potential");
    a.potential = INFINITY;
    CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "potential");
    a.potential = 0;
    a.parent_id = 424242;
    CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "parent_id");
    CHECK(strstr(err.message, "424242") != NULL);

    get_counts(st, &after);
    CHECK_INT(after.n[0], before.n[0] + 3);
}

static void test_account_find(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_account a;
    int64_t alpha = add_account(st, "Alpha", "A-100");
    int64_t twin1 = add_account(st, "Twin", "T-1");
    int64_t twin2 = add_account(st, "Twin", "");
    /* An external id that looks like another account's id. */
    char digits[32];
    snprintf(digits, sizeof digits, "%lld", (long long)alpha);
    int64_t lookalike = add_account(st, "Lookalike", "777777");

    CHECK_INT(st->ops->account_find(st, digits, &a, &err), CVOM_OK);
    CHECK_INT(a.id, alpha);
    CHECK_INT(st->ops->account_find(st, "A-100", &a, &err), CVOM_OK);
    CHECK_INT(a.id, alpha);
    CHECK_INT(st->ops->account_find(st, "Alpha", &a, &err), CVOM_OK);
    CHECK_INT(a.id, alpha);
    CHECK_INT(st->ops->account_find(st, "777777", &a, &err), CVOM_OK);
    CHECK_INT(a.id, lookalike);
    CHECK_INT(st->ops->account_find(st, "T-1", &a, &err), CVOM_OK);
    CHECK_INT(a.id, twin1);

    a.id = -5;
    CHECK_INT(st->ops->account_find(st, "Twin", &a, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "ambiguous") != NULL);
    CHECK_INT(a.id, -5); /* untouched on failure */
    CHECK_INT(st->ops->account_find(st, "alpha", &a, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->account_find(st, "", &a, &err), CVOM_EINVAL);
    CHECK_INT(st->ops->account_find(st, "99999999999999999999999", &a, &err), CVOM_ENOTFOUND);

    CHECK_INT(st->ops->account_remove(st, twin2, &err), CVOM_OK);
    CHECK_INT(st->ops->account_find(st, "Twin", &a, &err), CVOM_OK);
    CHECK_INT(a.id, twin1);
}

static void test_account_list(void)
{
    struct cvom_error err = {0};
    struct cvom_store *st = open_store(loc_list);
    if (!st)
        return;
    struct cvom_account_filter f;
    struct names nm;
    static const struct {
        const char *name, *owner, *industry, *region, *tags;
    } rows[] = {
        {"Zeta", "dana", "retail", "north", "key,local"},
        {"Beta", "lee", "retail", "south", "keynote"},
        {"Gamma", "dana", "energy", "south", "local"},
        {"Beta", "dana", "retail", "north", ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cvom_account a;
        memset(&a, 0, sizeof a);
        SET(a.name, rows[i].name);
        SET(a.owner, rows[i].owner);
        SET(a.industry, rows[i].industry);
        SET(a.region, rows[i].region);
        SET(a.tags, rows[i].tags);
        CHECK_INT(st->ops->account_add(st, &a, &err), CVOM_OK);
    }

    CHECK_INT(list_names(st, NULL, &nm), 4);
    CHECK_STR(nm.list[0], "Beta");
    CHECK_STR(nm.list[1], "Beta");
    CHECK_STR(nm.list[2], "Gamma");
    CHECK_STR(nm.list[3], "Zeta");

    memset(&f, 0, sizeof f);
    SET(f.owner, "dana");
    CHECK_INT(list_names(st, &f, &nm), 3);
    CHECK_STR(nm.list[0], "Beta");

    memset(&f, 0, sizeof f);
    SET(f.tag, "key"); /* one whole tag: "keynote" does not match */
    CHECK_INT(list_names(st, &f, &nm), 1);
    CHECK_STR(nm.list[0], "Zeta");
    SET(f.tag, " local ");
    CHECK_INT(list_names(st, &f, &nm), 2);
    CHECK_STR(nm.list[0], "Gamma");
    SET(f.tag, "key,local");
    CHECK_INT(st->ops->account_list(st, &f, collect_account, &nm, &err), CVOM_EINVAL);

    memset(&f, 0, sizeof f);
    SET(f.industry, "retail");
    SET(f.region, "north");
    CHECK_INT(list_names(st, &f, &nm), 2);
    CHECK_STR(nm.list[0], "Beta");
    CHECK_STR(nm.list[1], "Zeta");

    memset(&f, 0, sizeof f);
    SET(f.region, "nowhere");
    CHECK_INT(list_names(st, &f, &nm), 0);

    /* A callback that stops early ends the listing without an error. */
    memset(&nm, 0, sizeof nm);
    nm.stop_after = 2;
    CHECK_INT(st->ops->account_list(st, NULL, collect_account, &nm, &err), CVOM_OK);
    CHECK_INT(nm.n, 2);
    cvom__store_close(st);
}

/* A listing whose callback runs the same listing again must still see every row. */
struct nested {
    struct cvom_store *st;
    int outer, inner;
};

static int count_inner(void *ctx, const struct cvom_account *a)
{
    (void)a;
    ((struct nested *)ctx)->inner++;
    return 0;
}

static int count_outer(void *ctx, const struct cvom_account *a)
{
    struct nested *n = ctx;
    struct cvom_error err = {0};
    struct cvom_account b;
    (void)a;
    n->outer++;
    CHECK_INT(n->st->ops->account_list(n->st, NULL, count_inner, n, &err), CVOM_OK);
    CHECK_INT(n->st->ops->account_get(n->st, a->id, &b, &err), CVOM_OK);
    return 0;
}

static void test_nested_listing(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct nested n = {st, 0, 0};
    int64_t total = 0;
    CHECK_INT(st->ops->account_count(st, &total, &err), CVOM_OK);
    CHECK(total > 1);
    CHECK_INT(st->ops->account_list(st, NULL, count_outer, &n, &err), CVOM_OK);
    CHECK_INT(n.outer, total);
    CHECK_INT(n.inner, total * total);
}

/* ---------------------------------------------------------------------------------------
 * Stakeholders
 * ------------------------------------------------------------------------------------- */

static int collect_stakeholder(void *ctx, const struct cvom_stakeholder *s)
{
    struct names *nm = ctx;
    if (nm->n < 16)
        SET(nm->list[nm->n], s->name);
    nm->n++;
    return 0;
}

static void test_stakeholders(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_stakeholder s, t;
    int64_t acc = add_account(st, "Stake Corp", "");
    int64_t other = add_account(st, "Other Corp", "");

    memset(&s, 0, sizeof s);
    s.account_id = acc;
    SET(s.external_id, "P-7");
    SET(s.name, "Maria Okafor");
    SET(s.role, "economic buyer");
    s.influence = 0.8;
    s.stance = CVOM_STANCE_CHAMPION;
    SET(s.email, "maria@example.com");
    CHECK_INT(st->ops->stakeholder_add(st, &s, &err), CVOM_OK);
    CHECK(s.id > 0);

    char ref[32];
    snprintf(ref, sizeof ref, "%lld", (long long)s.id);
    CHECK_INT(st->ops->stakeholder_find(st, acc, ref, &t, &err), CVOM_OK);
    CHECK_INT(t.id, s.id);
    CHECK_INT(t.account_id, acc);
    CHECK_STR(t.external_id, "P-7");
    CHECK_STR(t.name, "Maria Okafor");
    CHECK_STR(t.role, "economic buyer");
    CHECK_NEAR(t.influence, 0.8, 0);
    CHECK_INT(t.stance, CVOM_STANCE_CHAMPION);
    CHECK_STR(t.email, "maria@example.com");
    CHECK_INT(st->ops->stakeholder_find(st, acc, "P-7", &t, &err), CVOM_OK);
    CHECK_INT(t.id, s.id);
    CHECK_INT(st->ops->stakeholder_find(st, acc, "Maria Okafor", &t, &err), CVOM_OK);
    CHECK_INT(t.id, s.id);
    /* Only within the account. */
    CHECK_INT(st->ops->stakeholder_find(st, other, ref, &t, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->stakeholder_find(st, other, "P-7", &t, &err), CVOM_ENOTFOUND);

    /* External ids are unique per account, not across accounts. */
    memset(&t, 0, sizeof t);
    t.account_id = acc;
    SET(t.external_id, "P-7");
    SET(t.name, "Someone");
    t.influence = 0.1;
    CHECK_INT(st->ops->stakeholder_add(st, &t, &err), CVOM_EEXIST);
    t.account_id = other;
    CHECK_INT(st->ops->stakeholder_add(st, &t, &err), CVOM_OK);

    /* Ranges, references, stances. */
    memset(&t, 0, sizeof t);
    t.account_id = acc;
    SET(t.name, "Too Much");
    t.influence = 1.5;
    CHECK_INT(st->ops->stakeholder_add(st, &t, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "influence");
    t.influence = 1;
    t.stance = (enum cvom_stance)42;
    CHECK_INT(st->ops->stakeholder_add(st, &t, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "stance");
    t.stance = CVOM_STANCE_SCEPTIC;
    t.account_id = 888888;
    CHECK_INT(st->ops->stakeholder_add(st, &t, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "account_id");

    /* Two with one name are ambiguous by name, fine by id. */
    int64_t j1 = add_stakeholder(st, acc, "Jo");
    add_stakeholder(st, acc, "Jo");
    CHECK_INT(st->ops->stakeholder_find(st, acc, "Jo", &t, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "ambiguous") != NULL);
    snprintf(ref, sizeof ref, "%lld", (long long)j1);
    CHECK_INT(st->ops->stakeholder_find(st, acc, ref, &t, &err), CVOM_OK);

    /* Update. */
    CHECK_INT(st->ops->stakeholder_find(st, acc, "P-7", &t, &err), CVOM_OK);
    t.stance = CVOM_STANCE_OPPONENT;
    t.influence = 0;
    SET(t.external_id, "");
    CHECK_INT(st->ops->stakeholder_update(st, &t, &err), CVOM_OK);
    CHECK_INT(st->ops->stakeholder_find(st, acc, "Maria Okafor", &t, &err), CVOM_OK);
    CHECK_INT(t.stance, CVOM_STANCE_OPPONENT);
    CHECK_NEAR(t.influence, 0, 0);
    CHECK_STR(t.external_id, "");
    t.account_id = other; /* a stakeholder does not move between accounts */
    CHECK_INT(st->ops->stakeholder_update(st, &t, &err), CVOM_ENOTFOUND);

    struct names nm = {0};
    CHECK_INT(st->ops->stakeholder_list(st, acc, collect_stakeholder, &nm, &err), CVOM_OK);
    CHECK_INT(nm.n, 3);
    CHECK_STR(nm.list[0], "Jo");
    CHECK_STR(nm.list[2], "Maria Okafor");

    CHECK_INT(st->ops->stakeholder_remove(st, j1, &err), CVOM_OK);
    CHECK_INT(st->ops->stakeholder_remove(st, j1, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->stakeholder_find(st, acc, "Jo", &t, &err), CVOM_OK);
}

/* Whom stakeholders report to, and the other fields of the map: stored and read back,
 * another account's stakeholder, oneself and a loop refused with the field named, and a
 * removed manager's reports left reporting to nobody. Channels by name. */
static void test_reports_to(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_stakeholder t;
    int64_t acc = add_account(st, "Tree Corp", "");
    int64_t other = add_account(st, "Elsewhere Ltd", "");
    int64_t ceo = add_stakeholder(st, acc, "Chief");
    int64_t vp = add_stakeholder(st, acc, "Vice");
    int64_t director = add_stakeholder(st, acc, "Director");
    int64_t stranger = add_stakeholder(st, other, "Stranger");

    CHECK_INT(st->ops->stakeholder_get(st, vp, &t, &err), CVOM_OK);
    CHECK_INT(t.reports_to, 0);
    CHECK_INT(t.last_contact, 0);
    CHECK_INT(t.channel, CVOM_CHANNEL_NONE);
    t.reports_to = ceo;
    t.last_contact = 20400;
    t.channel = CVOM_CHANNEL_MEETING;
    SET(t.counterpart, "Ada Admin");
    SET(t.notes, "Prefers mornings.\nSki trip in March.");
    CHECK_INT(st->ops->stakeholder_update(st, &t, &err), CVOM_OK);
    CHECK_INT(st->ops->stakeholder_get(st, vp, &t, &err), CVOM_OK);
    CHECK_INT(t.reports_to, ceo);
    CHECK_INT(t.last_contact, 20400);
    CHECK_INT(t.channel, CVOM_CHANNEL_MEETING);
    CHECK_STR(t.counterpart, "Ada Admin");
    CHECK_STR(t.notes, "Prefers mornings.\nSki trip in March.");
    CHECK_INT(t.account_id, acc);
    CHECK_INT(st->ops->stakeholder_get(st, 999999, &t, &err), CVOM_ENOTFOUND);

    /* A new stakeholder may report to an existing one. */
    memset(&t, 0, sizeof t);
    t.account_id = acc;
    SET(t.name, "Analyst");
    t.influence = 0.2;
    t.reports_to = director;
    CHECK_INT(st->ops->stakeholder_add(st, &t, &err), CVOM_OK);
    int64_t analyst = t.id;
    /* Not to another account's. */
    t.id = 0;
    SET(t.name, "Wanderer");
    t.reports_to = stranger;
    CHECK_INT(st->ops->stakeholder_add(st, &t, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "reports_to");
    CHECK(strstr(err.message, "not a stakeholder of the same account") != NULL);

    /* Director → Vice → Chief; Chief → Director would close a loop, Chief → Chief too. */
    CHECK_INT(st->ops->stakeholder_get(st, director, &t, &err), CVOM_OK);
    t.reports_to = vp;
    CHECK_INT(st->ops->stakeholder_update(st, &t, &err), CVOM_OK);
    CHECK_INT(st->ops->stakeholder_get(st, ceo, &t, &err), CVOM_OK);
    t.reports_to = analyst;
    memset(&err, 0, sizeof err);
    CHECK_INT(st->ops->stakeholder_update(st, &t, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "reports_to");
    CHECK(strstr(err.message, "loop") != NULL);
    t.reports_to = ceo;
    CHECK_INT(st->ops->stakeholder_update(st, &t, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "reports_to");
    CHECK_INT(st->ops->stakeholder_get(st, ceo, &t, &err), CVOM_OK);
    CHECK_INT(t.reports_to, 0);
    /* Moving Director under Chief directly is fine (no loop). */
    CHECK_INT(st->ops->stakeholder_get(st, director, &t, &err), CVOM_OK);
    t.reports_to = ceo;
    CHECK_INT(st->ops->stakeholder_update(st, &t, &err), CVOM_OK);
    /* A channel the schema does not know is refused before it is written. */
    t.channel = (enum cvom_channel)9;
    CHECK_INT(st->ops->stakeholder_update(st, &t, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "channel");

    /* Removing Director leaves Analyst at the top. */
    CHECK_INT(st->ops->stakeholder_remove(st, director, &err), CVOM_OK);
    CHECK_INT(st->ops->stakeholder_get(st, analyst, &t, &err), CVOM_OK);
    CHECK_INT(t.reports_to, 0);

    CHECK_STR(cvom__channel_name(CVOM_CHANNEL_NONE), "");
    CHECK_STR(cvom__channel_name(CVOM_CHANNEL_EVENT), "event");
    for (int i = 0; i < CVOM_CHANNEL_COUNT; i++)
        CHECK_INT(cvom__channel_parse(cvom__channel_name((enum cvom_channel)i)), i);
    CHECK_INT(cvom__channel_parse("Meeting"), -1);
}

static void test_stance_names(void)
{
    CHECK_STR(cvom__stance_name(CVOM_STANCE_UNKNOWN), "unknown");
    CHECK_STR(cvom__stance_name(CVOM_STANCE_SCEPTIC), "sceptic");
    CHECK(cvom__stance_name((enum cvom_stance)99) != NULL);
    for (int i = 0; i < CVOM_STANCE_COUNT; i++)
        CHECK_INT(cvom__stance_parse(cvom__stance_name((enum cvom_stance)i)), i);
    CHECK_INT(cvom__stance_parse("Champion"), -1);
    CHECK_INT(cvom__stance_parse(""), -1);
    CHECK_INT(cvom__stance_parse(NULL), -1);
}

/* ---------------------------------------------------------------------------------------
 * Instruments
 * ------------------------------------------------------------------------------------- */

struct ilist {
    int n;
    char first[CVOM_NAME_MAX];
    int first_version;
    size_t first_items;
};

static int collect_instrument(void *ctx, int64_t id, const char *name, int version, size_t n_items)
{
    struct ilist *l = ctx;
    (void)id;
    if (l->n++ == 0) {
        SET(l->first, name);
        l->first_version = version;
        l->first_items = n_items;
    }
    return 0;
}

static void test_instruments(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_instrument ins, got;
    int64_t id = 0, v1, v2, found;

    v1 = put_instrument(st, "pulse", 1);
    v2 = put_instrument(st, "pulse", 2);
    put_instrument(st, "alpha", 3);
    CHECK(v1 > 0 && v2 > 0 && v1 != v2);

    make_instrument(&ins, "pulse", 1);
    CHECK_INT(st->ops->instrument_put(st, &ins, &id, &err), CVOM_EEXIST);
    CHECK(strstr(err.message, "pulse") != NULL);
    cvom_instrument_cleanup(&ins);

    CHECK_INT(st->ops->instrument_latest(st, "pulse", &found, &err), CVOM_OK);
    CHECK_INT(found, v2);
    CHECK_INT(st->ops->instrument_find(st, "pulse", 1, &found, &err), CVOM_OK);
    CHECK_INT(found, v1);
    CHECK_INT(st->ops->instrument_find(st, "pulse", 3, &found, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->instrument_latest(st, "none", &found, &err), CVOM_ENOTFOUND);

    struct ilist l = {0};
    CHECK_INT(st->ops->instrument_list(st, collect_instrument, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 3);
    CHECK_STR(l.first, "alpha");
    CHECK_INT(l.first_version, 3);
    CHECK_INT(l.first_items, 5);

    /* Round trip, items in their order. */
    make_instrument(&ins, "pulse", 1);
    cvom_instrument_init(&got);
    CHECK_INT(st->ops->instrument_get(st, v1, &got, &err), CVOM_OK);
    CHECK_STR(got.name, "pulse");
    CHECK_INT(got.version, 1);
    CHECK_INT(got.min_items, ins.min_items);
    CHECK_INT(got.n_items, ins.n_items);
    for (size_t i = 0; i < got.n_items && i < ins.n_items; i++) {
        const struct cvom_item *a = &ins.items[i], *b = &got.items[i];
        CHECK_STR(b->code, a->code);
        CHECK_STR(b->statement, a->statement);
        CHECK_STR(b->construct, a->construct);
        CHECK_INT(b->axis, a->axis);
        CHECK_INT(b->reverse, a->reverse);
        CHECK_NEAR(b->weight, a->weight, 0);
        CHECK_INT(b->scale_min, a->scale_min);
        CHECK_INT(b->scale_max, a->scale_max);
    }
    cvom_instrument_cleanup(&got);
    cvom_instrument_cleanup(&ins);

    cvom_instrument_init(&got);
    CHECK_INT(st->ops->instrument_get(st, 987654, &got, &err), CVOM_ENOTFOUND);
    CHECK_INT(got.n_items, 0);
    cvom_instrument_cleanup(&got);

    /* A bad item leaves no trace of its instrument. */
    struct counts before, after;
    get_counts(st, &before);
    struct cvom_item items[2];
    memset(items, 0, sizeof items);
    SET(items[0].code, "OK1");
    items[0].weight = 1;
    items[0].scale_min = 1;
    items[0].scale_max = 5;
    items[1] = items[0];
    SET(items[1].code, "BAD");
    items[1].weight = 0;
    struct cvom_instrument bad = {.version = 1, .min_items = 1, .n_items = 2, .items = items};
    SET(bad.name, "broken");
    id = -1;
    CHECK_INT(st->ops->instrument_put(st, &bad, &id, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "weight");
    CHECK(strstr(err.message, "BAD") != NULL);
    CHECK_INT(id, -1);
    get_counts(st, &after);
    CHECK(same_counts(&before, &after));
    CHECK_INT(st->ops->instrument_find(st, "broken", 1, &found, &err), CVOM_ENOTFOUND);

    /* The same failure inside a transaction leaves the transaction usable. */
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    add_account(st, "In transaction", "");
    CHECK_INT(st->ops->instrument_put(st, &bad, &id, &err), CVOM_EINVAL);
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
    CHECK_INT(count_of(st, "accounts"), before.n[0] + 1);
    CHECK_INT(count_of(st, "instruments"), before.n[2]);
}

/* ---------------------------------------------------------------------------------------
 * Assessments and responses
 * ------------------------------------------------------------------------------------- */

struct alist {
    int n;
    struct cvom_assessment first;
    struct cvom_response r[8];
    int nr;
};

static int collect_assessment(void *ctx, const struct cvom_assessment *a)
{
    struct alist *l = ctx;
    if (l->n++ == 0)
        l->first = *a;
    return 0;
}

static int collect_response(void *ctx, const struct cvom_response *r)
{
    struct alist *l = ctx;
    if (l->nr < 8)
        l->r[l->nr] = *r;
    l->nr++;
    return 0;
}

static void put_response(struct cvom_store *st, int64_t assessment, const char *code, double v,
                         enum cvom_status want)
{
    struct cvom_error err = {0};
    struct cvom_response r;
    memset(&r, 0, sizeof r);
    r.assessment_id = assessment;
    SET(r.item_code, code);
    r.value = v;
    enum cvom_status s = st->ops->response_put(st, &r, &err);
    if (s != want)
        fprintf(stderr, "response_put %s: %s\n", code, err.message);
    CHECK_INT(s, want);
}

static void test_assessments(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_assessment a;
    int64_t acc = add_account(st, "Assessed", "");
    int64_t other = add_account(st, "Elsewhere", "");
    int64_t sh = add_stakeholder(st, acc, "Buyer");
    int64_t foreign_sh = add_stakeholder(st, other, "Stranger");
    int64_t ins = put_instrument(st, "survey", 1);

    memset(&a, 0, sizeof a);
    a.account_id = acc;
    a.instrument_id = ins;
    a.kind = CVOM_RESP_CUSTOMER;
    a.stakeholder_id = sh;
    SET(a.respondent, "Buyer");
    a.date = 19800;
    a.status = CVOM_ASSESS_DRAFT;
    CHECK_INT(st->ops->assessment_add(st, &a, &err), CVOM_OK);
    CHECK(a.id > 0);

    struct cvom_assessment self = a;
    self.kind = CVOM_RESP_SELF;
    self.stakeholder_id = 0;
    SET(self.respondent, "dana");
    self.date = 19700;
    self.status = CVOM_ASSESS_COMPLETE;
    CHECK_INT(st->ops->assessment_add(st, &self, &err), CVOM_OK);

    /* References that do not hold. */
    struct cvom_assessment bad = a;
    bad.account_id = 555555;
    CHECK_INT(st->ops->assessment_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "account_id");
    bad = a;
    bad.instrument_id = 555555;
    CHECK_INT(st->ops->assessment_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "instrument_id");
    bad = a;
    bad.stakeholder_id = 555555;
    CHECK_INT(st->ops->assessment_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "stakeholder_id");
    bad = a;
    bad.stakeholder_id = foreign_sh;
    CHECK_INT(st->ops->assessment_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "stakeholder_id");
    bad = a;
    bad.status = (enum cvom_assessment_status)7;
    CHECK_INT(st->ops->assessment_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "status");

    /* Listing: oldest first. */
    struct alist l;
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->assessment_list(st, acc, collect_assessment, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 2);
    CHECK_INT(l.first.id, self.id);
    CHECK_INT(l.first.kind, CVOM_RESP_SELF);
    CHECK_INT(l.first.stakeholder_id, 0);
    CHECK_STR(l.first.respondent, "dana");
    CHECK_INT(l.first.date, 19700);
    CHECK_INT(l.first.status, CVOM_ASSESS_COMPLETE);
    CHECK_INT(l.first.instrument_id, ins);

    /* Answers: upsert, order of the instrument, only its items. */
    put_response(st, a.id, "P1", 2, CVOM_OK);
    put_response(st, a.id, "I1", 5, CVOM_OK);
    put_response(st, a.id, "E1", 6.5, CVOM_OK);
    put_response(st, a.id, "I1", 7, CVOM_OK);
    put_response(st, a.id, "NOPE", 3, CVOM_EINVAL);
    put_response(st, a.id, "E2", NAN, CVOM_EINVAL);
    put_response(st, 777777, "I1", 3, CVOM_EINVAL);
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->response_list(st, a.id, collect_response, &l, &err), CVOM_OK);
    CHECK_INT(l.nr, 3);
    CHECK_STR(l.r[0].item_code, "I1");
    CHECK_NEAR(l.r[0].value, 7, 0);
    CHECK_STR(l.r[1].item_code, "E1");
    CHECK_NEAR(l.r[1].value, 6.5, 0);
    CHECK_STR(l.r[2].item_code, "P1");
    CHECK_INT(l.r[2].assessment_id, a.id);

    struct cvom_response r;
    memset(&r, 0, sizeof r);
    r.assessment_id = a.id;
    SET(r.item_code, "NOPE");
    r.value = 1;
    CHECK_INT(st->ops->response_put(st, &r, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "item_code");

    /* Completing a draft; the instrument of an answered assessment stays. */
    a.status = CVOM_ASSESS_COMPLETE;
    CHECK_INT(st->ops->assessment_update(st, &a, &err), CVOM_OK);
    int64_t ins2 = put_instrument(st, "survey", 2);
    bad = a;
    bad.instrument_id = ins2;
    CHECK_INT(st->ops->assessment_update(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "instrument_id");
    bad = a;
    bad.id = 666666;
    CHECK_INT(st->ops->assessment_update(st, &bad, &err), CVOM_ENOTFOUND);

    /* Removing the stakeholder keeps the assessment, without its respondent link. */
    CHECK_INT(st->ops->stakeholder_remove(st, sh, &err), CVOM_OK);
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->assessment_list(st, acc, collect_assessment, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 2);
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->response_list(st, a.id, collect_response, &l, &err), CVOM_OK);
    CHECK_INT(l.nr, 3);
}

/* ---------------------------------------------------------------------------------------
 * Snapshots
 * ------------------------------------------------------------------------------------- */

struct slist {
    int n;
    struct cvom_snapshot s[8];
};

static int collect_snapshot(void *ctx, const struct cvom_snapshot *s)
{
    struct slist *l = ctx;
    if (l->n < 8)
        l->s[l->n] = *s;
    l->n++;
    return 0;
}

static struct cvom_snapshot snapshot(int64_t account, int32_t date, double i, double e)
{
    struct cvom_snapshot s;
    memset(&s, 0, sizeof s);
    s.account_id = account;
    s.date = date;
    s.score.value[CVOM_DIM_INTELLECTUAL] = i;
    s.score.value[CVOM_DIM_EMOTIONAL] = e;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        s.score.se[d] = 1.25;
        s.score.lo[d] = isnan(s.score.value[d]) ? NAN : s.score.value[d] - 2;
        s.score.hi[d] = isnan(s.score.value[d]) ? NAN : s.score.value[d] + 2;
        s.score.respondents[d] = 3;
        s.score.self_value[d] = NAN;
    }
    s.score.quadrant = CVOM_Q_EMOTIONAL;
    s.score.state = CVOM_STATE_BORDERLINE;
    return s;
}

static void put_snapshot(struct cvom_store *st, struct cvom_snapshot s)
{
    struct cvom_error err = {0};
    enum cvom_status status = st->ops->snapshot_put(st, &s, &err);
    if (status != CVOM_OK)
        fprintf(stderr, "snapshot_put: %s\n", err.message);
    CHECK_INT(status, CVOM_OK);
}

static void test_snapshots(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct slist l;
    int64_t a = add_account(st, "Snap A", "");
    int64_t b = add_account(st, "Snap B", "");

    /* Every field, NaN included, comes back as it went in. */
    struct cvom_snapshot full = snapshot(a, 100, 41.5, NAN);
    full.score.se[CVOM_DIM_EMOTIONAL] = NAN;
    full.score.self_value[CVOM_DIM_INTELLECTUAL] = 72.25;
    full.score.respondents[CVOM_DIM_EMOTIONAL] = 0;
    full.score.state = CVOM_STATE_INSUFFICIENT;
    full.score.quadrant = CVOM_Q_TRANSACTIONAL;
    put_snapshot(st, full);
    put_snapshot(st, snapshot(a, 200, 60, 70));
    put_snapshot(st, snapshot(b, 150, 10, 90));

    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->snapshot_history(st, a, collect_snapshot, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 2);
    const struct cvom_snapshot *g = &l.s[0];
    CHECK_INT(g->account_id, a);
    CHECK_INT(g->date, 100);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        CHECK_NEAR(g->score.value[d], full.score.value[d], 0);
        CHECK_NEAR(g->score.se[d], full.score.se[d], 0);
        CHECK_NEAR(g->score.lo[d], full.score.lo[d], 0);
        CHECK_NEAR(g->score.hi[d], full.score.hi[d], 0);
        CHECK_INT(g->score.respondents[d], full.score.respondents[d]);
        CHECK_NEAR(g->score.self_value[d], full.score.self_value[d], 0);
    }
    CHECK(isnan(g->score.value[CVOM_DIM_EMOTIONAL]));
    CHECK(isnan(g->score.self_value[CVOM_DIM_EMOTIONAL]));
    CHECK_INT(g->score.quadrant, CVOM_Q_TRANSACTIONAL);
    CHECK_INT(g->score.state, CVOM_STATE_INSUFFICIENT);
    CHECK_INT(l.s[1].date, 200);
    CHECK_INT(l.s[1].score.quadrant, CVOM_Q_EMOTIONAL);
    CHECK_INT(l.s[1].score.state, CVOM_STATE_BORDERLINE);

    /* Latest on or before a date, per account. */
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->snapshot_list_latest(st, 99, collect_snapshot, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 0);
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->snapshot_list_latest(st, 149, collect_snapshot, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 1);
    CHECK_INT(l.s[0].account_id, a);
    CHECK_INT(l.s[0].date, 100);
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->snapshot_list_latest(st, 150, collect_snapshot, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 2);
    CHECK_INT(l.s[0].date, 100);
    CHECK_INT(l.s[1].account_id, b);
    CHECK_INT(l.s[1].date, 150);
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->snapshot_list_latest(st, 100000, collect_snapshot, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 2);
    CHECK_INT(l.s[0].date, 200);
    CHECK_NEAR(l.s[0].score.value[CVOM_DIM_EMOTIONAL], 70, 0);

    /* Put replaces the snapshot of the same date. */
    put_snapshot(st, snapshot(a, 200, 61, NAN));
    memset(&l, 0, sizeof l);
    CHECK_INT(st->ops->snapshot_history(st, a, collect_snapshot, &l, &err), CVOM_OK);
    CHECK_INT(l.n, 2);
    CHECK_NEAR(l.s[1].score.value[CVOM_DIM_INTELLECTUAL], 61, 0);
    CHECK(isnan(l.s[1].score.value[CVOM_DIM_EMOTIONAL]));

    struct cvom_snapshot bad = snapshot(987654, 1, 1, 1);
    CHECK_INT(st->ops->snapshot_put(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "account_id");
    bad = snapshot(a, 1, 1, 1);
    bad.score.quadrant = CVOM_Q_COUNT;
    CHECK_INT(st->ops->snapshot_put(st, &bad, &err), CVOM_EINVAL);
}

/* ---------------------------------------------------------------------------------------
 * Settings, cascades, transactions
 * ------------------------------------------------------------------------------------- */

static void test_settings(struct cvom_store *st)
{
    struct cvom_error err = {0};
    char buf[32], tiny[4];
    CHECK_INT(st->ops->setting_get(st, "threshold.intellectual", buf, sizeof buf, &err),
              CVOM_ENOTFOUND);
    CHECK_INT(st->ops->setting_set(st, "threshold.intellectual", "55", &err), CVOM_OK);
    CHECK_INT(st->ops->setting_get(st, "threshold.intellectual", buf, sizeof buf, &err), CVOM_OK);
    CHECK_STR(buf, "55");
    CHECK_INT(st->ops->setting_set(st, "threshold.intellectual", "60.5", &err), CVOM_OK);
    CHECK_INT(st->ops->setting_get(st, "threshold.intellectual", buf, sizeof buf, &err), CVOM_OK);
    CHECK_STR(buf, "60.5");
    SET(tiny, "ab");
    CHECK_INT(st->ops->setting_get(st, "threshold.intellectual", tiny, sizeof tiny, &err),
              CVOM_ELIMIT);
    CHECK_STR(tiny, "ab");
    CHECK_INT(st->ops->setting_set(st, "", "x", &err), CVOM_EINVAL);

    /* Compare and set: only while the value is still the one seen (or unset, for NULL). */
    CHECK_INT(st->ops->setting_swap(st, "threshold.intellectual", "55", "70", &err),
              CVOM_ECONFLICT);
    CHECK_INT(st->ops->setting_swap(st, "threshold.intellectual", "60.5", "70", &err), CVOM_OK);
    CHECK_INT(st->ops->setting_get(st, "threshold.intellectual", buf, sizeof buf, &err), CVOM_OK);
    CHECK_STR(buf, "70");
    CHECK_INT(st->ops->setting_swap(st, "threshold.intellectual", NULL, "80", &err),
              CVOM_ECONFLICT);
    CHECK_INT(st->ops->setting_swap(st, "swap.new", NULL, "1", &err), CVOM_OK);
    CHECK_INT(st->ops->setting_swap(st, "swap.new", NULL, "2", &err), CVOM_ECONFLICT);
    CHECK_INT(st->ops->setting_get(st, "swap.new", buf, sizeof buf, &err), CVOM_OK);
    CHECK_STR(buf, "1");
    CHECK_INT(st->ops->setting_set(st, "threshold.intellectual", "60.5", &err), CVOM_OK);
}

static void test_cascade(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct counts before, after;
    get_counts(st, &before);

    int64_t acc = add_account(st, "Doomed", "");
    int64_t child = add_account(st, "Doomed child", "");
    int64_t sh = add_stakeholder(st, acc, "Doomed buyer");
    int64_t ins = put_instrument(st, "cascade", 1);
    struct cvom_assessment a;
    memset(&a, 0, sizeof a);
    a.account_id = acc;
    a.instrument_id = ins;
    a.stakeholder_id = sh;
    a.date = 5;
    CHECK_INT(st->ops->assessment_add(st, &a, &err), CVOM_OK);
    put_response(st, a.id, "I1", 4, CVOM_OK);
    put_response(st, a.id, "E1", 4, CVOM_OK);
    put_snapshot(st, snapshot(acc, 5, 50, 50));
    struct cvom_account c;
    CHECK_INT(st->ops->account_get(st, child, &c, &err), CVOM_OK);
    c.parent_id = acc;
    CHECK_INT(st->ops->account_update(st, &c, &err), CVOM_OK);

    CHECK_INT(st->ops->account_remove(st, acc, &err), CVOM_OK);
    CHECK_INT(st->ops->account_get(st, child, &c, &err), CVOM_OK);
    CHECK_INT(c.parent_id, 0);
    CHECK_INT(st->ops->account_remove(st, child, &err), CVOM_OK);

    /* Everything of the account went with it; the instrument stays. */
    get_counts(st, &after);
    for (size_t i = 0; i < after.count; i++) {
        int64_t extra = 0;
        if (strcmp(after.names[i], "instruments") == 0)
            extra = 1;
        else if (strcmp(after.names[i], "items") == 0)
            extra = 5;
        if (after.n[i] != before.n[i] + extra)
            fprintf(stderr, "cascade: table %s\n", after.names[i]);
        CHECK_INT(after.n[i], before.n[i] + extra);
    }
}

static void test_transactions(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct counts before, after;
    get_counts(st, &before);

    /* Everything written in a rolled-back transaction is gone. */
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    int64_t acc = add_account(st, "Rolled back", "RB-1");
    add_stakeholder(st, acc, "Ghost");
    int64_t ins = put_instrument(st, "ghost", 1);
    struct cvom_assessment a;
    memset(&a, 0, sizeof a);
    a.account_id = acc;
    a.instrument_id = ins;
    a.date = 3;
    CHECK_INT(st->ops->assessment_add(st, &a, &err), CVOM_OK);
    put_response(st, a.id, "I2", 1, CVOM_OK);
    put_snapshot(st, snapshot(acc, 3, 1, 2));
    CHECK_INT(st->ops->setting_set(st, "ghost", "boo", &err), CVOM_OK);
    /* A failed statement inside leaves the transaction to be rolled back whole. */
    struct cvom_account dup;
    memset(&dup, 0, sizeof dup);
    SET(dup.name, "Dup");
    SET(dup.external_id, "RB-1");
    CHECK_INT(st->ops->account_add(st, &dup, &err), CVOM_EEXIST);
    CHECK_INT(st->ops->begin(st, &err), CVOM_ESTORE); /* no nesting */
    st->ops->rollback(st);
    get_counts(st, &after);
    CHECK(same_counts(&before, &after));
    st->ops->rollback(st); /* harmless without a transaction */

    /* Committed work stays. */
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    add_account(st, "Committed", "");
    CHECK_INT(st->ops->commit(st, &err), CVOM_OK);
    CHECK_INT(count_of(st, "accounts"), before.n[0] + 1);
    CHECK_INT(st->ops->commit(st, &err), CVOM_ESTORE); /* nothing to commit */
}

/* ---------------------------------------------------------------------------------------
 * Backup and locks
 * ------------------------------------------------------------------------------------- */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A second connection that wants a row the first is changing waits about its timeout, then
 * gives up with CVOM_EBUSY (SQLite refuses its whole write transaction, PostgreSQL the
 * change of the row); a reader is never held up. Once the first is done, it goes ahead. */
static void test_busy(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_store *other = open_store(loc_main);
    CHECK(other != NULL);
    if (!other)
        return;
    CHECK_INT(other->ops->set_timeout(other, -1, &err), CVOM_EINVAL);
    CHECK_INT(other->ops->set_timeout(other, 100, &err), CVOM_OK);
    struct cvom_account a;
    CHECK_INT(st->ops->account_find(st, "Committed", &a, &err), CVOM_OK);

    struct cvom_account b = a; /* both change the account from the same version */
    CHECK_INT(st->ops->begin(st, &err), CVOM_OK);
    SET(a.notes, "changed by the first");
    CHECK_INT(st->ops->account_update(st, &a, &err), CVOM_OK);
    double t0 = now_seconds();
    enum cvom_status status = other->ops->begin(other, &err);
    if (status == CVOM_OK) {
        SET(b.notes, "changed by the second");
        status = other->ops->account_update(other, &b, &err);
        other->ops->rollback(other);
    }
    CHECK_INT(status, CVOM_EBUSY);
    double waited = now_seconds() - t0;
    CHECK(waited >= 0.05);
    CHECK(waited < 3);
    int64_t n = 0;
    CHECK_INT(other->ops->account_count(other, &n, &err), CVOM_OK);
    st->ops->rollback(st);

    CHECK_INT(other->ops->begin(other, &err), CVOM_OK);
    add_account(other, "From the other side", "");
    CHECK_INT(other->ops->commit(other, &err), CVOM_OK);
    CHECK_INT(st->ops->account_find(st, "From the other side", &a, &err), CVOM_OK);
    cvom__store_close(other);
}

/* Two transactions that each wait for a row the other holds: the database gives one of them
 * up, and says that running it again may pass. SQLite's writers never interleave like this
 * (a write transaction locks the whole file at its start), so this is PostgreSQL's case. */
struct deadlock_side {
    struct cvom_store *st;
    struct cvom_account acc;
    enum cvom_status status;
    int retry;
};

static void *deadlock_second(void *arg)
{
    struct deadlock_side *d = arg;
    struct cvom_error err = {0};
    d->acc.version = 0;
    d->status = d->st->ops->account_update(d->st, &d->acc, &err);
    d->retry = cvom__store_retry(d->st);
    return NULL;
}

static void test_deadlock(void)
{
    if (!cvom__store_location_is_server(loc_main))
        return;
    struct cvom_error err = {0};
    struct cvom_store *s1 = open_store(loc_main), *s2 = open_store(loc_main);
    CHECK(s1 && s2);
    if (!s1 || !s2)
        goto out;
    struct cvom_account a, b;
    CHECK_INT(s1->ops->account_get(s1, add_account(s1, "Deadlock A", ""), &a, &err), CVOM_OK);
    CHECK_INT(s1->ops->account_get(s1, add_account(s1, "Deadlock B", ""), &b, &err), CVOM_OK);
    a.version = b.version = 0;
    CHECK_INT(s1->ops->begin(s1, &err), CVOM_OK);
    CHECK_INT(s2->ops->begin(s2, &err), CVOM_OK);
    CHECK_INT(s1->ops->account_update(s1, &a, &err), CVOM_OK);
    CHECK_INT(s2->ops->account_update(s2, &b, &err), CVOM_OK);
    /* s1 now waits for b in a thread, while s2 asks for a. */
    struct deadlock_side one = {.st = s1, .acc = b};
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, deadlock_second, &one), 0);
    usleep(200 * 1000);
    a.version = 0;
    enum cvom_status two = s2->ops->account_update(s2, &a, &err);
    int two_retry = cvom__store_retry(s2);
    if (two != CVOM_OK)
        s2->ops->rollback(s2); /* lets the other go on */
    pthread_join(t, NULL);
    CHECK((two == CVOM_EBUSY && two_retry && one.status == CVOM_OK) ||
          (one.status == CVOM_EBUSY && one.retry && two == CVOM_OK));
    CHECK_INT(cvom__store_retry(s1), 0); /* the mark is cleared once read */
    s1->ops->rollback(s1);
    s2->ops->rollback(s2);
out:
    cvom__store_close(s1);
    cvom__store_close(s2);
}

static int count_users(void *ctx, const struct cvom_user *u)
{
    (void)u;
    (*(int *)ctx)++;
    return 0;
}

static int collect_audit(void *ctx, const struct cvom_audit *a)
{
    int64_t *ids = ctx;
    ids[ids[0] + 1] = a->id;
    ids[0]++;
    return 0;
}

/* Users, sessions, tokens, the audit log, failed sign-ins and survey links. */
static void test_web_records(struct cvom_store *st)
{
    struct cvom_error err = {0};
    int64_t n = -1;
    CHECK_INT(st->ops->user_count(st, &n, &err), CVOM_OK);
    CHECK_INT(n, 0);
    struct cvom_user u = {.role = CVOM_ROLE_MANAGER, .created = 1000};
    set_str(u.name, sizeof u.name, "priya");
    set_str(u.display, sizeof u.display, "Priya Shah");
    set_str(u.password, sizeof u.password, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
    CHECK_INT(st->ops->user_add(st, &u, &err), CVOM_OK);
    CHECK(u.id > 0);
    struct cvom_user dup = u;
    CHECK_INT(st->ops->user_add(st, &dup, &err), CVOM_EEXIST);
    struct cvom_user got;
    CHECK_INT(st->ops->user_find(st, "priya", &got, &err), CVOM_OK);
    CHECK_STR(got.display, "Priya Shah");
    CHECK_INT(got.role, CVOM_ROLE_MANAGER);
    CHECK_STR(got.password, u.password);
    CHECK_INT(st->ops->user_find(st, "nobody", &got, &err), CVOM_ENOTFOUND);
    u.role = CVOM_ROLE_ADMIN;
    u.disabled = 1;
    CHECK_INT(st->ops->user_update(st, &u, &err), CVOM_OK);
    CHECK_INT(st->ops->user_get(st, u.id, &got, &err), CVOM_OK);
    CHECK_INT(got.role, CVOM_ROLE_ADMIN);
    CHECK_INT(got.disabled, 1);
    int users = 0;
    CHECK_INT(st->ops->user_list(st, count_users, &users, &err), CVOM_OK);
    CHECK_INT(users, 1);
    CHECK_STR(cvom__role_name(CVOM_ROLE_VIEWER), "viewer");
    CHECK_INT(cvom__role_parse("admin"), CVOM_ROLE_ADMIN);
    CHECK_INT(cvom__role_parse("root"), -1);

    struct cvom_session se = {.user_id = u.id, .created = 100, .seen = 200};
    set_str(se.id, sizeof se.id, "aaaa");
    set_str(se.csrf, sizeof se.csrf, "cccc");
    CHECK_INT(st->ops->session_put(st, &se, &err), CVOM_OK);
    /* A request's identity in one look-up: the session, its user and the data revision, which
     * moves when the portfolio's data does. */
    struct cvom_session gs;
    struct cvom_user gu;
    int64_t rev = -1, want;
    CHECK_INT(st->ops->session_identify(st, "aaaa", &gs, &gu, &rev, &err), CVOM_OK);
    CHECK_INT(gs.user_id, u.id);
    CHECK_STR(gs.csrf, "cccc");
    CHECK_INT(gs.seen, 200);
    CHECK_INT(st->ops->session_touch(st, "aaaa", 300, &err), CVOM_OK);
    memset(&gs, 0, sizeof gs);
    CHECK_INT(st->ops->session_identify(st, "aaaa", &gs, &gu, &rev, &err), CVOM_OK);
    CHECK_INT(gs.seen, 300);
    CHECK_STR(gs.csrf, "cccc");
    CHECK_INT(gu.id, u.id);
    CHECK_STR(gu.name, "priya");
    CHECK_INT(gu.role, CVOM_ROLE_ADMIN);
    CHECK_INT(gu.disabled, 1);
    CHECK(u.password[0] != '\0');
    CHECK_STR(gu.password, ""); /* a request's look-up leaves the password hash where it is */
    CHECK_INT(st->ops->revision(st, &want, &err), CVOM_OK);
    CHECK_INT(rev, want);
    struct cvom_account moved = {0};
    set_str(moved.name, sizeof moved.name, "Revision Mover");
    CHECK_INT(st->ops->account_add(st, &moved, &err), CVOM_OK);
    CHECK_INT(st->ops->session_identify(st, "aaaa", &gs, &gu, &rev, &err), CVOM_OK);
    CHECK_INT(rev, want + 1);
    CHECK_INT(st->ops->account_remove(st, moved.id, &err), CVOM_OK);
    CHECK_INT(st->ops->session_identify(st, "zzzz", &gs, &gu, &rev, &err), CVOM_ENOTFOUND);
    struct cvom_session orphan = se;
    set_str(orphan.id, sizeof orphan.id, "bbbb");
    orphan.user_id = 9999;
    CHECK_INT(st->ops->session_put(st, &orphan, &err), CVOM_EINVAL);
    /* Purge by age: created before 50 or seen before 250 — this one survives. */
    CHECK_INT(st->ops->session_purge(st, 50, 250, &err), CVOM_OK);
    CHECK_INT(st->ops->session_identify(st, "aaaa", &gs, &gu, &rev, &err), CVOM_OK);
    CHECK_INT(st->ops->session_purge(st, 50, 301, &err), CVOM_OK);
    CHECK_INT(st->ops->session_identify(st, "aaaa", &gs, &gu, &rev, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->session_put(st, &se, &err), CVOM_OK);
    CHECK_INT(st->ops->session_remove_user(st, u.id, &err), CVOM_OK);
    CHECK_INT(st->ops->session_identify(st, "aaaa", &gs, &gu, &rev, &err), CVOM_ENOTFOUND);

    struct cvom_token t = {.user_id = u.id, .created = 5};
    set_str(t.name, sizeof t.name, "crm sync");
    set_str(t.hash, sizeof t.hash, "dddd");
    CHECK_INT(st->ops->token_add(st, &t, &err), CVOM_OK);
    struct cvom_token gt;
    CHECK_INT(st->ops->token_identify(st, "dddd", &gt, &gu, &rev, &err), CVOM_OK);
    CHECK_STR(gt.name, "crm sync");
    CHECK_INT(gt.used, 0);
    CHECK_INT(st->ops->token_touch(st, t.id, 77, &err), CVOM_OK);
    memset(&gt, 0, sizeof gt);
    CHECK_INT(st->ops->token_identify(st, "dddd", &gt, &gu, &rev, &err), CVOM_OK);
    CHECK_INT(gt.id, t.id);
    CHECK_STR(gt.name, "crm sync");
    CHECK_INT(gt.used, 77);
    CHECK_INT(gu.id, u.id);
    CHECK_STR(gu.display, "Priya Shah");
    CHECK_STR(gu.password, "");
    CHECK_INT(st->ops->revision(st, &want, &err), CVOM_OK);
    CHECK_INT(rev, want);
    CHECK_INT(st->ops->token_identify(st, "eeee", &gt, &gu, &rev, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->token_remove(st, t.id, &err), CVOM_OK);
    CHECK_INT(st->ops->token_remove(st, t.id, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->token_identify(st, "dddd", &gt, &gu, &rev, &err), CVOM_ENOTFOUND);

    struct cvom_audit a = {.at = 10};
    set_str(a.actor, sizeof a.actor, "priya");
    set_str(a.action, sizeof a.action, "sign-in");
    CHECK_INT(st->ops->audit_add(st, &a, &err), CVOM_OK);
    int64_t first = a.id;
    set_str(a.action, sizeof a.action, "import");
    CHECK_INT(st->ops->audit_add(st, &a, &err), CVOM_OK);
    int64_t ids[8] = {0};
    CHECK_INT(st->ops->audit_list(st, 5, 0, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 2);
    CHECK_INT(ids[1], a.id); /* newest first */
    CHECK_INT(ids[2], first);
    memset(ids, 0, sizeof ids);
    CHECK_INT(st->ops->audit_list(st, 1, 1, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 1);
    CHECK_INT(ids[1], first);

    /* Filtered in the store: by time, actor (as recorded, or cli: and the name) and target. */
    struct cvom_audit b = {.at = 20};
    set_str(b.actor, sizeof b.actor, "cli:tom");
    set_str(b.action, sizeof b.action, "account-edit");
    set_str(b.target, sizeof b.target, "Acme");
    CHECK_INT(st->ops->audit_add(st, &b, &err), CVOM_OK);
    struct cvom_audit_filter f = {.since = 11};
    memset(ids, 0, sizeof ids);
    CHECK_INT(st->ops->audit_find(st, &f, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 1);
    CHECK_INT(ids[1], b.id);
    f = (struct cvom_audit_filter){.until = 20};
    memset(ids, 0, sizeof ids);
    CHECK_INT(st->ops->audit_find(st, &f, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 2);
    CHECK_INT(ids[1], a.id);
    f = (struct cvom_audit_filter){.actor = "tom"};
    memset(ids, 0, sizeof ids);
    CHECK_INT(st->ops->audit_find(st, &f, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 1);
    CHECK_INT(ids[1], b.id);
    f = (struct cvom_audit_filter){.actor = "priya", .limit = 1};
    memset(ids, 0, sizeof ids);
    CHECK_INT(st->ops->audit_find(st, &f, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 1);
    CHECK_INT(ids[1], a.id);
    f = (struct cvom_audit_filter){.target = "Beta", .target_alt = "Acme"};
    memset(ids, 0, sizeof ids);
    CHECK_INT(st->ops->audit_find(st, &f, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 1);
    CHECK_INT(ids[1], b.id);
    f = (struct cvom_audit_filter){.target = "Acme", .actor = "priya"};
    memset(ids, 0, sizeof ids);
    CHECK_INT(st->ops->audit_find(st, &f, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 0);
    memset(ids, 0, sizeof ids);
    CHECK_INT(st->ops->audit_find(st, NULL, collect_audit, ids, &err), CVOM_OK);
    CHECK_INT(ids[0], 3);

    CHECK_INT(st->ops->failure_add(st, "user:priya", 1000, &err), CVOM_OK);
    CHECK_INT(st->ops->failure_add(st, "user:priya", 1010, &err), CVOM_OK);
    CHECK_INT(st->ops->failure_add(st, "addr:127.0.0.1", 1010, &err), CVOM_OK);
    CHECK_INT(st->ops->failure_count(st, "user:priya", 1005, &n, &err), CVOM_OK);
    CHECK_INT(n, 1);
    CHECK_INT(st->ops->failure_count(st, "user:priya", 0, &n, &err), CVOM_OK);
    CHECK_INT(n, 2);
    CHECK_INT(st->ops->failure_clear(st, "user:priya", &err), CVOM_OK);
    CHECK_INT(st->ops->failure_count(st, "user:priya", 0, &n, &err), CVOM_OK);
    CHECK_INT(n, 0);
    CHECK_INT(st->ops->failure_count(st, "addr:127.0.0.1", 0, &n, &err), CVOM_OK);
    CHECK_INT(n, 1);

    /* Sign-in throttling at fixed times: 5 free failures per address and name, 20 per
     * address, then 5 s doubling up to 60 s; a ceiling of 30 failures a minute. */
    struct cvom_signin_limits lim = {.window = 900,
                                     .pair_free = 5,
                                     .address_free = 20,
                                     .first_delay = 5,
                                     .max_delay = 60,
                                     .ceiling = 30};
    int64_t wait = -1, t0 = 100000;
    for (int i = 0; i < 5; i++) {
        CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "ann", t0 + i, &wait, &err), CVOM_OK);
        CHECK_INT(wait, 0);
        CHECK_INT(st->ops->signin_failed(st, "10.0.0.1", "ann", t0 + i, &err), CVOM_OK);
    }
    /* The fifth failure at t0 + 4: the pair waits 5 s, until t0 + 9. */
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "ann", t0 + 5, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 4);
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "ann", t0 + 9, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 0);
    /* Nobody else waits: not ann from another address, not another name from this one. */
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.2", "ann", t0 + 5, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 0);
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "bob", t0 + 5, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 0);
    /* Each further failure doubles the delay: the sixth, at t0 + 9, waits 10 s. */
    CHECK_INT(st->ops->signin_failed(st, "10.0.0.1", "ann", t0 + 9, &err), CVOM_OK);
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "ann", t0 + 10, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 9);
    /* A right password clears the pair, not the address. */
    CHECK_INT(st->ops->signin_passed(st, "10.0.0.1", "ann", &err), CVOM_OK);
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "ann", t0 + 10, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 0);
    CHECK_INT(st->ops->failure_count(st, "addr:10.0.0.1", 0, &n, &err), CVOM_OK);
    CHECK_INT(n, 6);
    /* The address: 20 failures across names, then it waits for every name. */
    for (int i = 0; i < 14; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        CHECK_INT(st->ops->signin_failed(st, "10.0.0.1", name, t0 + 20, &err), CVOM_OK);
    }
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "carl", t0 + 21, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 4);
    /* Delays stop growing at max_delay. */
    for (int i = 0; i < 10; i++)
        CHECK_INT(st->ops->signin_failed(st, "10.0.0.1", "dan", t0 + 30, &err), CVOM_OK);
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "dan", t0 + 30, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 60);
    /* The ceiling: 30 failures in the minute (all of the above from t0 + 0 to t0 + 30) make
     * even a fresh address wait until the oldest of them is a minute old. */
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.9", "eve", t0 + 30, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 30);
    lim.ceiling = 0;
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.9", "eve", t0 + 30, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 0);
    /* Outside the window the failures no longer count. */
    CHECK_INT(st->ops->signin_wait(st, &lim, "10.0.0.1", "dan", t0 + 1000, &wait, &err), CVOM_OK);
    CHECK_INT(wait, 0);

    int64_t rev0 = 0, rev1 = 0;
    CHECK_INT(st->ops->revision(st, &rev0, &err), CVOM_OK);
    int64_t acc = add_account(st, "Survey Co", "S-1");
    CHECK_INT(st->ops->revision(st, &rev1, &err), CVOM_OK);
    CHECK(rev1 > rev0); /* a change to the data moves the revision on */
    int64_t who = add_stakeholder(st, acc, "Ines");
    int64_t ins = put_instrument(st, "survey-test", 1);
    struct cvom_survey sv = {.account_id = acc,
                             .stakeholder_id = who,
                             .instrument_id = ins,
                             .created = 100,
                             .expires = 200};
    set_str(sv.hash, sizeof sv.hash, "eeee");
    CHECK_INT(st->ops->survey_add(st, &sv, &err), CVOM_OK);
    struct cvom_survey gv;
    CHECK_INT(st->ops->survey_get(st, "eeee", &gv, &err), CVOM_OK);
    CHECK_INT(gv.stakeholder_id, who);
    CHECK_INT(gv.used, 0);
    CHECK_INT(st->ops->survey_use(st, "eeee", 250, 0, &err), CVOM_ENOTFOUND); /* expired */
    CHECK_INT(st->ops->survey_use(st, "eeee", 150, 0, &err), CVOM_OK);
    CHECK_INT(st->ops->survey_use(st, "eeee", 160, 0, &err), CVOM_ENOTFOUND); /* used */
    CHECK_INT(st->ops->survey_get(st, "eeee", &gv, &err), CVOM_OK);
    CHECK_INT(gv.used, 150);
    struct cvom_survey bad = sv;
    set_str(bad.hash, sizeof bad.hash, "ffff");
    bad.stakeholder_id = 99999;
    CHECK_INT(st->ops->survey_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "stakeholder_id");
}

/* The survey in the respondent's words and language: an item's respondent text read back;
 * an instrument's texts in languages, added, replaced and listed by language; a survey
 * link's language and draft (saved only while the link is live, dropped once it is used);
 * the comment sent with an assessment, listed by account and gone with its assessment. */
static int count_text(void *ctx, const struct cvom_text *t)
{
    char *seen = ctx;
    size_t n = strlen(seen);
    snprintf(seen + n, 512 - n, "%s/%s=%s;", t->lang, t->key, t->text);
    return 0;
}

static int note_comment(void *ctx, const struct cvom_comment *c)
{
    char *seen = ctx;
    size_t n = strlen(seen);
    snprintf(seen + n, 512 - n, "%lld:%s;", (long long)c->assessment_id, c->text);
    return 0;
}

static void test_survey_texts(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_instrument ins, back;
    make_instrument(&ins, "voiced", 1);
    SET(ins.items[0].respondent, "We ask you first – ünïcode");
    int64_t id = 0;
    CHECK_INT(st->ops->instrument_put(st, &ins, &id, &err), CVOM_OK);
    cvom_instrument_init(&back);
    CHECK_INT(st->ops->instrument_get(st, id, &back, &err), CVOM_OK);
    CHECK_STR(back.items[0].respondent, "We ask you first – ünïcode");
    CHECK_STR(back.items[1].respondent, "");
    cvom_instrument_cleanup(&back);
    cvom_instrument_cleanup(&ins);

    struct cvom_text t = {.lang = "de"};
    SET(t.key, "item.I1");
    SET(t.text, "Wir fragen zuerst Sie");
    CHECK_INT(st->ops->text_put(st, id, &t, &err), CVOM_OK);
    SET(t.text, "Wir fragen Sie zuerst");
    CHECK_INT(st->ops->text_put(st, id, &t, &err), CVOM_OK); /* replaced */
    SET(t.lang, "fr");
    SET(t.key, "send.button");
    SET(t.text, "Envoyer");
    CHECK_INT(st->ops->text_put(st, id, &t, &err), CVOM_OK);
    char seen[512] = "";
    CHECK_INT(st->ops->text_list(st, id, "", count_text, seen, &err), CVOM_OK);
    CHECK_STR(seen, "de/item.I1=Wir fragen Sie zuerst;fr/send.button=Envoyer;");
    seen[0] = '\0';
    CHECK_INT(st->ops->text_list(st, id, "fr", count_text, seen, &err), CVOM_OK);
    CHECK_STR(seen, "fr/send.button=Envoyer;");
    CHECK_INT(st->ops->text_put(st, 99999, &t, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "instrument_id");
    t.text[0] = '\0';
    CHECK_INT(st->ops->text_put(st, id, &t, &err), CVOM_EINVAL); /* no empty text */

    int64_t acc = add_account(st, "Voiced Co", "V-1"), who = add_stakeholder(st, acc, "Vera");
    add_survey(st, acc, who, id, "dddd", 100, 200, "de");
    struct cvom_survey gv;
    CHECK_INT(st->ops->survey_get(st, "dddd", &gv, &err), CVOM_OK);
    CHECK_STR(gv.language, "de");
    char draft[64], comment[64];
    CHECK_INT(
        st->ops->survey_draft_get(st, "dddd", draft, sizeof draft, comment, sizeof comment, &err),
        CVOM_OK);
    CHECK_STR(draft, "");
    CHECK_INT(st->ops->survey_draft_put(st, "dddd", 150, "I1=5\nE1=\n", "bis jetzt gut", &err),
              CVOM_OK);
    CHECK_INT(st->ops->survey_draft_put(st, "dddd", 250, "I1=1\n", "", &err),
              CVOM_ENOTFOUND); /* expired by then */
    CHECK_INT(st->ops->survey_draft_put(st, "zzzz", 150, "I1=1\n", "", &err), CVOM_ENOTFOUND);
    CHECK_INT(
        st->ops->survey_draft_get(st, "dddd", draft, sizeof draft, comment, sizeof comment, &err),
        CVOM_OK);
    CHECK_STR(draft, "I1=5\nE1=\n");
    CHECK_STR(comment, "bis jetzt gut");
    CHECK_INT(
        st->ops->survey_draft_get(st, "zzzz", draft, sizeof draft, comment, sizeof comment, &err),
        CVOM_ENOTFOUND);

    struct cvom_assessment as = {.account_id = acc,
                                 .instrument_id = id,
                                 .kind = CVOM_RESP_CUSTOMER,
                                 .stakeholder_id = who,
                                 .date = 20000,
                                 .status = CVOM_ASSESS_COMPLETE};
    CHECK_INT(st->ops->assessment_add(st, &as, &err), CVOM_OK);
    CHECK_INT(st->ops->survey_use(st, "dddd", 160, as.id, &err), CVOM_OK);
    CHECK_INT(
        st->ops->survey_draft_get(st, "dddd", draft, sizeof draft, comment, sizeof comment, &err),
        CVOM_OK);
    CHECK_STR(draft, ""); /* dropped once sent */
    CHECK_STR(comment, "");
    CHECK_INT(st->ops->survey_draft_put(st, "dddd", 170, "I1=5\n", "", &err), CVOM_ENOTFOUND);

    struct cvom_assessment as2 = as;
    as2.date = 20010;
    CHECK_INT(st->ops->assessment_add(st, &as2, &err), CVOM_OK);
    CHECK_INT(st->ops->comment_put(st, as.id, "first <b>said</b>", &err), CVOM_OK);
    CHECK_INT(st->ops->comment_put(st, as2.id, "second", &err), CVOM_OK);
    CHECK_INT(st->ops->comment_put(st, as2.id, "again", &err), CVOM_EEXIST);
    CHECK_INT(st->ops->comment_put(st, 99999, "nobody's", &err), CVOM_EINVAL);
    char said[512] = "", want[512];
    CHECK_INT(st->ops->comment_list(st, acc, note_comment, said, &err), CVOM_OK);
    snprintf(want, sizeof want, "%lld:second;%lld:first <b>said</b>;", (long long)as2.id,
             (long long)as.id);
    CHECK_STR(said, want); /* newest assessment first */
    CHECK_INT(st->ops->assessment_remove(st, as2.id, &err), CVOM_OK);
    said[0] = '\0';
    CHECK_INT(st->ops->comment_list(st, acc, note_comment, said, &err), CVOM_OK);
    snprintf(want, sizeof want, "%lld:first <b>said</b>;", (long long)as.id);
    CHECK_STR(said, want);
}

/* Action plans and the team's playbook: adding, reading back every field, the filters of the
 * listing (account, status, overdue, unowned) with its order, marking done, the checks the
 * schema makes, and the cascade when an account goes. */
struct action_ids {
    int64_t id[16];
    size_t n;
};

static int collect_action(void *ctx, const struct cvom_action *a)
{
    struct action_ids *k = ctx;
    if (k->n < 16)
        k->id[k->n++] = a->id;
    return 0;
}

static size_t list_actions(struct cvom_store *st, int64_t account, int status, int32_t before,
                           int unowned, struct action_ids *k)
{
    struct cvom_error err = {0};
    struct cvom_action_filter f = {account, status, before, unowned};
    memset(k, 0, sizeof *k);
    CHECK_INT(st->ops->action_list(st, &f, collect_action, k, &err), CVOM_OK);
    return k->n;
}

static int collect_play(void *ctx, const struct cvom_play *p)
{
    struct cvom_playbook *b = ctx;
    return cvom_playbook_add(b, p, NULL) != CVOM_OK;
}

static void test_actions(struct cvom_store *st)
{
    struct cvom_error err = {0};
    struct cvom_account a1 = {0}, a2 = {0};
    set_str(a1.name, sizeof a1.name, "Plan One");
    set_str(a2.name, sizeof a2.name, "Plan Two");
    CHECK_INT(st->ops->account_add(st, &a1, &err), CVOM_OK);
    CHECK_INT(st->ops->account_add(st, &a2, &err), CVOM_OK);

    /* x: a1, Jo, due day 100, intellectual +20, cost 5000, play "transactional";
     * y: a1, no owner, no date, no axis, no cost; z: a2, no owner, due day 50, emotional −5. */
    struct cvom_action x = {.account_id = a1.id,
                            .due = 100,
                            .axis = CVOM_DIM_INTELLECTUAL,
                            .effect = 20,
                            .cost = 5000,
                            .created = 10};
    set_str(x.title, sizeof x.title, "Quarterly briefing");
    set_str(x.owner, sizeof x.owner, "Jo");
    set_str(x.play, sizeof x.play, "transactional");
    struct cvom_action y = {.account_id = a1.id, .axis = -1, .cost = NAN, .created = 11};
    set_str(y.title, sizeof y.title, "Lunch");
    struct cvom_action z = {.account_id = a2.id,
                            .due = 50,
                            .axis = CVOM_DIM_EMOTIONAL,
                            .effect = -5,
                            .cost = 0,
                            .created = 12};
    set_str(z.title, sizeof z.title, "Price review");
    CHECK_INT(st->ops->action_add(st, &x, &err), CVOM_OK);
    CHECK_INT(st->ops->action_add(st, &y, &err), CVOM_OK);
    CHECK_INT(st->ops->action_add(st, &z, &err), CVOM_OK);
    CHECK(x.id > 0 && y.id > x.id && z.id > y.id);

    struct cvom_action got;
    CHECK_INT(st->ops->action_get(st, x.id, &got, &err), CVOM_OK);
    CHECK_STR(got.title, "Quarterly briefing");
    CHECK_STR(got.owner, "Jo");
    CHECK_STR(got.play, "transactional");
    CHECK_INT(got.due, 100);
    CHECK_INT(got.axis, CVOM_DIM_INTELLECTUAL);
    CHECK_NEAR(got.effect, 20, 0);
    CHECK_NEAR(got.cost, 5000, 0);
    CHECK_INT(got.status, CVOM_ACTION_OPEN);
    CHECK_INT(got.created, 10);
    CHECK_INT(got.done, 0);
    CHECK_INT(st->ops->action_get(st, y.id, &got, &err), CVOM_OK);
    CHECK_INT(got.axis, -1);
    CHECK_INT(got.due, 0);
    CHECK(isnan(got.cost));
    CHECK_INT(st->ops->action_get(st, z.id + 100, &got, &err), CVOM_ENOTFOUND);

    /* Every action, by account, then due date with undated ones last: x, y, z. */
    struct action_ids k;
    CHECK_INT(list_actions(st, 0, -1, 0, 0, &k), 3);
    CHECK_INT(k.id[0], x.id);
    CHECK_INT(k.id[1], y.id);
    CHECK_INT(k.id[2], z.id);
    CHECK_INT(list_actions(st, a1.id, -1, 0, 0, &k), 2);
    /* Due before day 100: z only (x is due on day 100, not before it). */
    CHECK_INT(list_actions(st, 0, CVOM_ACTION_OPEN, 100, 0, &k), 1);
    CHECK_INT(k.id[0], z.id);
    CHECK_INT(list_actions(st, 0, CVOM_ACTION_OPEN, 101, 0, &k), 2);
    CHECK_INT(list_actions(st, 0, -1, 0, 1, &k), 2); /* unowned: y and z */
    CHECK_INT(k.id[0], y.id);

    /* A change made on the version it was read at goes through and moves the version on;
     * one made on an older version is refused and changes nothing. */
    CHECK_INT(z.version, 1);
    CHECK_INT(st->ops->action_set_status(st, z.id, 1, CVOM_ACTION_DONE, 60, &err), CVOM_OK);
    CHECK_INT(st->ops->action_get(st, z.id, &got, &err), CVOM_OK);
    CHECK_INT(got.status, CVOM_ACTION_DONE);
    CHECK_INT(got.done, 60);
    CHECK_INT(got.version, 2);
    CHECK_INT(st->ops->action_set_status(st, z.id, 1, CVOM_ACTION_OPEN, 0, &err), CVOM_ECONFLICT);
    CHECK(strstr(err.message, "version 2") != NULL);
    CHECK_INT(st->ops->action_get(st, z.id, &got, &err), CVOM_OK);
    CHECK_INT(got.status, CVOM_ACTION_DONE);
    CHECK_INT(got.version, 2);
    CHECK_INT(list_actions(st, 0, CVOM_ACTION_OPEN, 101, 0, &k), 1); /* z is done */
    CHECK_INT(list_actions(st, 0, CVOM_ACTION_DONE, 0, 0, &k), 1);
    CHECK_INT(st->ops->action_set_status(st, z.id + 100, 0, CVOM_ACTION_DONE, 60, &err),
              CVOM_ENOTFOUND);
    CHECK_INT(st->ops->action_set_status(st, z.id + 100, 3, CVOM_ACTION_DONE, 60, &err),
              CVOM_ENOTFOUND);

    /* The schema's checks: a title, an effect within ±100, a cost of 0 or more, an account
     * that exists. */
    struct cvom_action bad = x;
    bad.title[0] = '\0';
    CHECK_INT(st->ops->action_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "title");
    bad = x;
    bad.effect = 120;
    CHECK_INT(st->ops->action_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "effect");
    bad = x;
    bad.cost = -1;
    CHECK_INT(st->ops->action_add(st, &bad, &err), CVOM_EINVAL);
    bad = x;
    bad.account_id = a2.id + 1000;
    CHECK_INT(st->ops->action_add(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "account_id");
    CHECK_STR(cvom__action_status_name(CVOM_ACTION_DONE), "done");
    CHECK_INT(cvom__action_status_parse("open"), CVOM_ACTION_OPEN);
    CHECK_INT(cvom__action_status_parse("closed"), -1);

    /* Removing an account removes its plan. */
    CHECK_INT(st->ops->account_remove(st, a2.id, &err), CVOM_OK);
    CHECK_INT(list_actions(st, 0, -1, 0, 0, &k), 2);
    CHECK_INT(st->ops->account_remove(st, a1.id, &err), CVOM_OK);
    CHECK_INT(list_actions(st, 0, -1, 0, 0, &k), 0);

    /* The playbook: empty at first, then in the order put; a key only once; cleared. */
    struct cvom_playbook b;
    cvom_playbook_init(&b);
    CHECK_INT(st->ops->playbook_list(st, collect_play, &b, &err), CVOM_OK);
    CHECK_INT(b.n, 0);
    struct cvom_play p1 = {.axis = CVOM_PLAY_EMOTIONAL, .cost = CVOM_COST_HIGH};
    set_str(p1.key, sizeof p1.key, "partnership");
    set_str(p1.title, sizeof p1.title, "One table");
    set_str(p1.text, sizeof p1.text, "Plan together, \"really\".");
    struct cvom_play p2 = p1;
    set_str(p2.key, sizeof p2.key, "borderline");
    p2.axis = CVOM_PLAY_BOTH;
    p2.cost = CVOM_COST_LOW;
    CHECK_INT(st->ops->playbook_put(st, &p1, &err), CVOM_OK);
    CHECK_INT(st->ops->playbook_put(st, &p2, &err), CVOM_OK);
    CHECK_INT(st->ops->playbook_put(st, &p1, &err), CVOM_EEXIST);
    CHECK_INT(st->ops->playbook_list(st, collect_play, &b, &err), CVOM_OK);
    CHECK_INT(b.n, 2);
    if (b.n == 2) {
        CHECK_STR(b.plays[0].key, "partnership");
        CHECK_STR(b.plays[0].text, "Plan together, \"really\".");
        CHECK_INT(b.plays[0].axis, CVOM_PLAY_EMOTIONAL);
        CHECK_INT(b.plays[0].cost, CVOM_COST_HIGH);
        CHECK_STR(b.plays[1].key, "borderline");
        CHECK_INT(b.plays[1].axis, CVOM_PLAY_BOTH);
    }
    cvom_playbook_cleanup(&b);
    CHECK_INT(st->ops->playbook_clear(st, &err), CVOM_OK);
    CHECK_INT(st->ops->playbook_list(st, collect_play, &b, &err), CVOM_OK);
    CHECK_INT(b.n, 0);
    cvom_playbook_cleanup(&b);
}

/* ---- offerings, ratings and value hierarchies --------------------------------------- */

struct rating_rows {
    size_t n;
    struct cvom_offering_rating r[8];
};

static int collect_rating_row(void *ctx, const struct cvom_offering_rating *r)
{
    struct rating_rows *k = ctx;
    if (k->n < 8)
        k->r[k->n] = *r;
    k->n++;
    return 0;
}

struct offering_rows {
    size_t n;
    char codes[8][CVOM_OFFERING_CODE_MAX];
};

static int collect_offering_row(void *ctx, const struct cvom_offering *o)
{
    struct offering_rows *k = ctx;
    if (k->n < 8)
        set_str(k->codes[k->n], sizeof k->codes[0], o->code);
    k->n++;
    return 0;
}

struct value_rows {
    size_t n;
    char names[16][CVOM_VALUE_NAME_MAX];
};

static int collect_value_row(void *ctx, int64_t id, const char *name)
{
    struct value_rows *k = ctx;
    (void)id;
    if (k->n < 16)
        set_str(k->names[k->n], sizeof k->names[0], name);
    k->n++;
    return 0;
}

struct rank_rows {
    size_t n;
    struct cvom_value_rank v[16];
};

static int collect_rank_row(void *ctx, const struct cvom_value_rank *v)
{
    struct rank_rows *k = ctx;
    if (k->n < 16)
        k->v[k->n] = *v;
    k->n++;
    return 0;
}

static void test_offerings(struct cvom_store *st)
{
    struct cvom_error err = {0};
    int64_t a1 = add_account(st, "Offer One", "OF-1"), a2 = add_account(st, "Offer Two", "OF-2");

    /* The catalogue: unique codes, found by code or id, listed by code. */
    struct cvom_offering m = {0}, t = {0}, got;
    SET(m.code, "MERCH");
    SET(m.name, "In-store merchandising");
    SET(m.category, "add-on service");
    SET(t.code, "CORE");
    SET(t.name, "Core range");
    CHECK_INT(st->ops->offering_add(st, &m, &err), CVOM_OK);
    CHECK_INT(st->ops->offering_add(st, &t, &err), CVOM_OK);
    CHECK(m.id > 0 && t.id > m.id);
    struct cvom_offering dup = m;
    CHECK_INT(st->ops->offering_add(st, &dup, &err), CVOM_EEXIST);
    struct cvom_offering blank = m;
    blank.name[0] = '\0';
    SET(blank.code, "BLANK");
    CHECK_INT(st->ops->offering_add(st, &blank, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "name");
    CHECK_INT(st->ops->offering_find(st, "MERCH", &got, &err), CVOM_OK);
    CHECK_INT(got.id, m.id);
    CHECK_STR(got.category, "add-on service");
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)t.id);
    CHECK_INT(st->ops->offering_find(st, num, &got, &err), CVOM_OK);
    CHECK_STR(got.code, "CORE");
    CHECK_INT(st->ops->offering_find(st, "NOPE", &got, &err), CVOM_ENOTFOUND);
    struct cvom_offering upd = {0};
    SET(upd.code, "CORE");
    SET(upd.name, "Core product range");
    SET(upd.category, "core product");
    CHECK_INT(st->ops->offering_update(st, &upd, &err), CVOM_OK);
    CHECK_INT(upd.id, t.id);
    SET(upd.code, "GHOST");
    CHECK_INT(st->ops->offering_update(st, &upd, &err), CVOM_ENOTFOUND);
    struct offering_rows ol = {0};
    CHECK_INT(st->ops->offering_list(st, collect_offering_row, &ol, &err), CVOM_OK);
    CHECK_INT(ol.n, 2);
    CHECK_STR(ol.codes[0], "CORE");
    CHECK_STR(ol.codes[1], "MERCH");

    /* Ratings: one per (account, offering), a second replaces the first. */
    struct cvom_offering_rating r = {.account_id = a1, .offering_id = m.id, .r = {1, 4, 31500}};
    CHECK_INT(st->ops->rating_put(st, &r, &err), CVOM_OK);
    r.r.cost = 31000;
    CHECK_INT(st->ops->rating_put(st, &r, &err), CVOM_OK);
    r = (struct cvom_offering_rating){.account_id = a1, .offering_id = t.id, .r = {7, 5, 18000}};
    CHECK_INT(st->ops->rating_put(st, &r, &err), CVOM_OK);
    r = (struct cvom_offering_rating){.account_id = a2, .offering_id = m.id, .r = {6, 6, 500}};
    CHECK_INT(st->ops->rating_put(st, &r, &err), CVOM_OK);
    struct rating_rows rl = {0};
    CHECK_INT(st->ops->rating_list(st, a1, collect_rating_row, &rl, &err), CVOM_OK);
    CHECK_INT(rl.n, 2);
    CHECK_STR(rl.r[0].code, "CORE");
    CHECK_STR(rl.r[0].name, "Core product range");
    CHECK_NEAR(rl.r[0].r.importance, 7, 0);
    CHECK_STR(rl.r[1].code, "MERCH");
    CHECK_NEAR(rl.r[1].r.cost, 31000, 0);
    CHECK_STR(rl.r[1].category, "add-on service");
    rl.n = 0;
    CHECK_INT(st->ops->rating_list(st, 0, collect_rating_row, &rl, &err), CVOM_OK);
    CHECK_INT(rl.n, 3);

    /* The schema's checks name the field. */
    struct cvom_offering_rating bad = {.account_id = a1, .offering_id = m.id, .r = {8, 4, 1}};
    CHECK_INT(st->ops->rating_put(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "importance");
    bad.r = (struct cvom_offer_rating){4, 0.5, 1};
    CHECK_INT(st->ops->rating_put(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "performance");
    bad.r = (struct cvom_offer_rating){4, 4, NAN};
    CHECK_INT(st->ops->rating_put(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "cost");
    bad.r = (struct cvom_offer_rating){4, 4, 1};
    bad.account_id = a2 + 1000;
    CHECK_INT(st->ops->rating_put(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "account_id");
    bad.account_id = a1;
    bad.offering_id = t.id + 1000;
    CHECK_INT(st->ops->rating_put(st, &bad, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "offering_id");

    /* Removing an offering removes its ratings. */
    CHECK_INT(st->ops->offering_remove(st, m.id, &err), CVOM_OK);
    CHECK_INT(st->ops->offering_remove(st, m.id, &err), CVOM_ENOTFOUND);
    rl.n = 0;
    CHECK_INT(st->ops->rating_list(st, 0, collect_rating_row, &rl, &err), CVOM_OK);
    CHECK_INT(rl.n, 1);

    /* Values: a new database holds eight; names are unique. */
    struct value_rows vl = {0};
    CHECK_INT(st->ops->value_list(st, collect_value_row, &vl, &err), CVOM_OK);
    CHECK_INT(vl.n, 8);
    CHECK_STR(vl.names[0], "expertise");
    CHECK_STR(vl.names[7], "sustainability");
    CHECK_INT(st->ops->value_add(st, "speed", &err), CVOM_OK);
    CHECK_INT(st->ops->value_add(st, "speed", &err), CVOM_EEXIST);
    CHECK_INT(st->ops->value_remove(st, "nothing", &err), CVOM_ENOTFOUND);

    /* Hierarchies: ours under 0, each account's under its id. */
    CHECK_INT(st->ops->ranking_put(st, 0, "quality", 1, &err), CVOM_OK);
    CHECK_INT(st->ops->ranking_put(st, 0, "speed", 2, &err), CVOM_OK);
    CHECK_INT(st->ops->ranking_put(st, 0, "price", 3, &err), CVOM_OK);
    CHECK_INT(st->ops->ranking_put(st, 0, "price", 4, &err), CVOM_EEXIST);
    CHECK_INT(st->ops->ranking_put(st, 0, "expertise", 3, &err), CVOM_EEXIST);
    CHECK_INT(st->ops->ranking_put(st, 0, "charm", 4, &err), CVOM_ENOTFOUND);
    CHECK_INT(st->ops->ranking_put(st, a2 + 1000, "price", 1, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "account_id");
    CHECK_INT(st->ops->ranking_put(st, a1, "price", 1, &err), CVOM_OK);
    CHECK_INT(st->ops->ranking_put(st, a1, "quality", 2, &err), CVOM_OK);
    CHECK_INT(st->ops->ranking_put(st, a2, "speed", 1, &err), CVOM_OK);
    struct rank_rows kl = {0};
    CHECK_INT(st->ops->ranking_list(st, 0, collect_rank_row, &kl, &err), CVOM_OK);
    CHECK_INT(kl.n, 3);
    CHECK_STR(kl.v[1].value, "speed");
    CHECK_INT(kl.v[2].rank, 3);
    kl.n = 0;
    CHECK_INT(st->ops->ranking_list(st, -1, collect_rank_row, &kl, &err), CVOM_OK);
    CHECK_INT(kl.n, 3); /* every account's, ours left out */
    CHECK_INT(kl.v[0].account_id, a1);
    CHECK_STR(kl.v[0].value, "price");
    CHECK_INT(kl.v[2].account_id, a2);

    /* A value removed leaves every hierarchy; an account removed takes its own. */
    CHECK_INT(st->ops->value_remove(st, "speed", &err), CVOM_OK);
    kl.n = 0;
    CHECK_INT(st->ops->ranking_list(st, 0, collect_rank_row, &kl, &err), CVOM_OK);
    CHECK_INT(kl.n, 2);
    CHECK_INT(st->ops->account_remove(st, a1, &err), CVOM_OK);
    kl.n = 0;
    CHECK_INT(st->ops->ranking_list(st, -1, collect_rank_row, &kl, &err), CVOM_OK);
    CHECK_INT(kl.n, 0);
    rl.n = 0;
    CHECK_INT(st->ops->rating_list(st, 0, collect_rating_row, &rl, &err), CVOM_OK);
    CHECK_INT(rl.n, 0); /* a1's core rating went with it */
    CHECK_INT(st->ops->ranking_clear(st, 0, &err), CVOM_OK);
    kl.n = 0;
    CHECK_INT(st->ops->ranking_list(st, 0, collect_rank_row, &kl, &err), CVOM_OK);
    CHECK_INT(kl.n, 0);
    CHECK_INT(st->ops->account_remove(st, a2, &err), CVOM_OK);
}

struct signal_rows {
    size_t n;
    struct cvom_signal_value v[8];
};

static int collect_signal_value(void *ctx, const struct cvom_signal_value *v)
{
    struct signal_rows *k = ctx;
    if (k->n < 8)
        k->v[k->n] = *v;
    k->n++;
    return 0;
}

struct mean_rows {
    size_t n;
    int64_t account[4];
    double mean[4];
    int count[4];
};

static int collect_mean(void *ctx, int64_t account_id, double mean, int count)
{
    struct mean_rows *k = ctx;
    if (k->n < 4) {
        k->account[k->n] = account_id;
        k->mean[k->n] = mean;
        k->count[k->n] = count;
    }
    k->n++;
    return 0;
}

static int count_signal(void *ctx, const struct cvom_signal *g)
{
    (void)g;
    ++*(size_t *)ctx;
    return 0;
}

static int count_entry(void *ctx, const struct cvom_network_entry *e)
{
    (void)e;
    ++*(size_t *)ctx;
    return 0;
}

static void test_signals(struct cvom_store *st)
{
    struct cvom_error err = {0};
    int64_t a1 = add_account(st, "Signal One", "SG-1"), a2 = add_account(st, "Signal Two", "SG-2");

    /* A new database holds the ledger's signal. */
    struct cvom_signal net, g, got;
    CHECK_INT(st->ops->signal_find(st, "network", &net, &err), CVOM_OK);
    CHECK_INT(net.source, CVOM_SIGNAL_LEDGER);
    CHECK_INT(net.def.axis, CVOM_DIM_INTELLECTUAL);
    CHECK_NEAR(net.def.weight, 0.25, 0);

    memset(&g, 0, sizeof g);
    SET(g.def.name, "discount");
    SET(g.def.label, "Average discount depth, %");
    g.def.axis = CVOM_DIM_EMOTIONAL;
    g.def.direction = -1;
    g.def.norm = CVOM_NORM_FIXED;
    g.def.p1 = 0;
    g.def.p2 = 40;
    g.def.weight = 0.25;
    CHECK_INT(st->ops->signal_put(st, &g, &err), CVOM_OK);
    CHECK(g.id > net.id);
    /* Put again with the same name: replaced, same id. */
    int64_t id = g.id;
    g.def.weight = 0.3;
    CHECK_INT(st->ops->signal_put(st, &g, &err), CVOM_OK);
    CHECK_INT(g.id, id);
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)id);
    CHECK_INT(st->ops->signal_find(st, num, &got, &err), CVOM_OK);
    CHECK_NEAR(got.def.weight, 0.3, 0);
    CHECK_INT(got.def.direction, -1);
    CHECK_STR(got.def.label, "Average discount depth, %");
    /* An invalid definition is refused before it reaches the database. */
    struct cvom_signal bad = g;
    bad.def.p2 = bad.def.p1;
    CHECK_INT(st->ops->signal_put(st, &bad, &err), CVOM_EINVAL);
    CHECK_INT(st->ops->signal_find(st, "nope", &got, &err), CVOM_ENOTFOUND);
    size_t n = 0;
    CHECK_INT(st->ops->signal_list(st, count_signal, &n, &err), CVOM_OK);
    CHECK_INT(n, 2);

    /* Values: the newest on or before a date, per account. */
    struct cvom_signal_value v = {a1, id, 100, 10};
    CHECK_INT(st->ops->signal_value_put(st, &v, &err), CVOM_OK);
    v.date = 200;
    v.value = 20;
    CHECK_INT(st->ops->signal_value_put(st, &v, &err), CVOM_OK);
    v.value = 25; /* the same date again replaces */
    CHECK_INT(st->ops->signal_value_put(st, &v, &err), CVOM_OK);
    struct cvom_signal_value w = {a2, id, 150, 30};
    CHECK_INT(st->ops->signal_value_put(st, &w, &err), CVOM_OK);
    struct signal_rows k = {0};
    CHECK_INT(st->ops->signal_latest(st, id, 199, 0, collect_signal_value, &k, &err), CVOM_OK);
    CHECK_INT(k.n, 2);
    CHECK_INT(k.v[0].account_id, a1);
    CHECK_NEAR(k.v[0].value, 10, 0);
    CHECK_INT(k.v[0].date, 100);
    CHECK_NEAR(k.v[1].value, 30, 0);
    k.n = 0;
    CHECK_INT(st->ops->signal_latest(st, id, 200, 0, collect_signal_value, &k, &err), CVOM_OK);
    CHECK_NEAR(k.v[0].value, 25, 0);
    k.n = 0;
    CHECK_INT(st->ops->signal_latest(st, id, 200, a2, collect_signal_value, &k, &err), CVOM_OK);
    CHECK_INT(k.n, 1);
    CHECK_NEAR(k.v[0].value, 30, 0);
    k.n = 0;
    CHECK_INT(st->ops->signal_latest(st, id, 99, 0, collect_signal_value, &k, &err), CVOM_OK);
    CHECK_INT(k.n, 0);
    k.n = 0;
    CHECK_INT(st->ops->signal_history(st, a1, collect_signal_value, &k, &err), CVOM_OK);
    CHECK_INT(k.n, 2);
    struct cvom_signal_value orphan = {999999, id, 1, 1};
    CHECK_INT(st->ops->signal_value_put(st, &orphan, &err), CVOM_EINVAL);
    CHECK_STR(err.field, "account_id");
    struct cvom_signal_value inf = {a1, id, 1, INFINITY};
    CHECK_INT(st->ops->signal_value_put(st, &inf, &err), CVOM_EINVAL);

    /* The ledger: entries newest first, means over rated entries in a window. */
    struct cvom_network_entry e = {0};
    e.account_id = a1;
    e.date = 300;
    e.kind = CVOM_NET_INTRODUCTION;
    SET(e.title, "Introduction to a retail analytics lead");
    e.rating = 5;
    CHECK_INT(st->ops->network_add(st, &e, &err), CVOM_OK);
    int64_t first = e.id;
    e.date = 320;
    e.kind = CVOM_NET_EVENT;
    SET(e.title, "Category round table");
    e.rating = 2;
    CHECK_INT(st->ops->network_add(st, &e, &err), CVOM_OK);
    e.date = 330;
    e.rating = NAN; /* not rated yet: listed, not averaged */
    CHECK_INT(st->ops->network_add(st, &e, &err), CVOM_OK);
    e.rating = 6;
    CHECK_INT(st->ops->network_add(st, &e, &err), CVOM_EINVAL);
    e.rating = 3;
    e.title[0] = '\0';
    CHECK_INT(st->ops->network_add(st, &e, &err), CVOM_EINVAL);
    n = 0;
    CHECK_INT(st->ops->network_list(st, a1, count_entry, &n, &err), CVOM_OK);
    CHECK_INT(n, 3);
    struct mean_rows m = {0};
    CHECK_INT(st->ops->network_means(st, 0, 400, collect_mean, &m, &err), CVOM_OK);
    CHECK_INT(m.n, 1);
    CHECK_NEAR(m.mean[0], 3.5, 1e-12);
    CHECK_INT(m.count[0], 2);
    m.n = 0;
    CHECK_INT(st->ops->network_means(st, 310, 400, collect_mean, &m, &err), CVOM_OK);
    CHECK_NEAR(m.mean[0], 2, 1e-12);
    CHECK_INT(st->ops->network_remove(st, first, &err), CVOM_OK);
    CHECK_INT(st->ops->network_remove(st, first, &err), CVOM_ENOTFOUND);

    /* Removing a signal takes its values; removing an account takes its entries. */
    CHECK_INT(st->ops->signal_remove(st, id, &err), CVOM_OK);
    k.n = 0;
    CHECK_INT(st->ops->signal_history(st, 0, collect_signal_value, &k, &err), CVOM_OK);
    CHECK_INT(k.n, 0);
    CHECK_INT(st->ops->account_remove(st, a1, &err), CVOM_OK);
    n = 0;
    CHECK_INT(st->ops->network_list(st, 0, count_entry, &n, &err), CVOM_OK);
    CHECK_INT(n, 0);
    CHECK_INT(st->ops->account_remove(st, a2, &err), CVOM_OK);
    CHECK_STR(cvom__network_kind_name(CVOM_NET_PEER_GROUP), "peer_group");
    CHECK_INT(cvom__network_kind_parse("event"), CVOM_NET_EVENT);
    CHECK_INT(cvom__network_kind_parse("party"), -1);
}

int main(int argc, char **argv)
{
    if (argc == 4) {
        loc_main = argv[1];
        loc_list = argv[2];
        loc_migrate = argv[3];
    } else if (argc != 1) {
        fprintf(stderr, "usage: test_store [MAIN LIST MIGRATE]\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "/tmp/cvom-store-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }

    CHECK_CASE(test_stance_names);
    CHECK_CASE(test_locations);
    CHECK_CASE(test_migrations);
    CHECK_CASE(test_account_list);

    struct cvom_store *st = open_store(loc_main);
    if (st) {
        test_account_crud(st);
        test_account_constraints(st);
        test_account_find(st);
        test_nested_listing(st);
        test_stakeholders(st);
        test_reports_to(st);
        test_instruments(st);
        test_assessments(st);
        test_snapshots(st);
        test_settings(st);
        test_cascade(st);
        test_transactions(st);
        test_busy(st);
        test_deadlock();
        test_web_records(st);
        test_survey_texts(st);
        test_actions(st);
        test_offerings(st);
        test_signals(st);
        cvom__store_close(st);
    }

    remove_dir();
    return CHECK_DONE();
}
