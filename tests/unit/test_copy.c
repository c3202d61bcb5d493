/* test_copy.c — moving whole databases: a row in every table, with awkward values (NULLs,
 * text with tabs, newlines and backslashes, doubles down to the last bit, an account whose
 * parent comes after it), copied with its ids and verified; a target that holds data refused
 * and left alone; replacing; a difference of one bit found; a schema with a table or a column
 * the copy does not know refused; and backups restored into place.
 *
 *   test_copy                  on SQLite files in a temporary directory
 *   test_copy PG1 PG2 PG3      also across three new, empty PostgreSQL databases
 */
#include "store_fixtures.h"

#include <math.h>
#include <sqlite3.h>

#define N_COPIED 28 /* the tables a copy moves */

static const char *pg[3];

static const char awkward[] = "tab\there, new\nline, back\\slash \\N, cr\r, 'single' \"double\" "
                              "ünïcødé €";

/* ---------------------------------------------------------------------------------------
 * A database with rows in every table
 * ------------------------------------------------------------------------------------- */

static void fill_people(struct cvom_store *st, int64_t account, int64_t stakeholder,
                        int64_t instrument)
{
    struct cvom_error err = {0};
    struct cvom_user u = {.role = CVOM_ROLE_ADMIN, .created = 1700000000};
    SET(u.name, "ann");
    SET(u.password, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA");
    CHECK_INT(st->ops->user_add(st, &u, &err), CVOM_OK);
    struct cvom_session x = {.user_id = u.id, .created = 1700000001, .seen = 1700000002};
    SET(x.id, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    SET(x.csrf, "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
    CHECK_INT(st->ops->session_put(st, &x, &err), CVOM_OK);
    struct cvom_token t = {.user_id = u.id, .created = 1700000003};
    SET(t.name, "script");
    SET(t.hash, "aaaabbbbccccddddaaaabbbbccccddddaaaabbbbccccddddaaaabbbbccccdddd");
    CHECK_INT(st->ops->token_add(st, &t, &err), CVOM_OK);
    struct cvom_audit a = {.at = 1700000004};
    SET(a.actor, "ann");
    SET(a.action, "import");
    SET(a.detail, awkward);
    CHECK_INT(st->ops->audit_add(st, &a, &err), CVOM_OK);
    /* Two equal rows: a table without a key. */
    CHECK_INT(st->ops->failure_add(st, "user:ann", 1700000005, &err), CVOM_OK);
    CHECK_INT(st->ops->failure_add(st, "user:ann", 1700000005, &err), CVOM_OK);
    static const char hash[] = "1111222233334444111122223333444411112222333344441111222233334444";
    add_survey(st, account, stakeholder, instrument, hash, 1, 2, "fr");
    CHECK_INT(st->ops->survey_draft_put(st, hash, 1, "I1=3\n", awkward, &err), CVOM_OK);
    struct cvom_stakeholder sh;
    CHECK_INT(st->ops->stakeholder_find(st, account, "Ann", &sh, &err), CVOM_OK);
    SET(sh.language, "pt-BR");
    CHECK_INT(st->ops->stakeholder_update(st, &sh, &err), CVOM_OK);
    SET(sh.language, "EN");
    CHECK_INT(st->ops->stakeholder_update(st, &sh, &err), CVOM_EINVAL);
    struct cvom_campaign cp = {.instrument_id = instrument, .created = 1, .closes = 2};
    SET(cp.name, "Spring survey");
    SET(cp.language, "de");
    SET(cp.created_by, awkward);
    CHECK_INT(st->ops->campaign_add(st, &cp, &err), CVOM_OK);
    struct cvom_campaign_link cl = {
        .campaign_id = cp.id, .stakeholder_id = stakeholder, .account_id = account};
    SET(cl.hash, hash);
    SET(cl.secret, "secret-of-the-link");
    CHECK_INT(st->ops->campaign_link_add(st, &cl, &err), CVOM_OK);
    CHECK_INT(st->ops->campaign_link_seen(st, hash, 1, 1700000006, &err), CVOM_OK);
    int claimed = 0;
    CHECK_INT(st->ops->campaign_send_claim(st, cp.id, stakeholder, 0, 1700000007, &claimed, &err),
              CVOM_OK);
    CHECK_INT(claimed, 1);
    CHECK_INT(st->ops->campaign_send_claim(st, cp.id, stakeholder, 0, 1700000008, &claimed, &err),
              CVOM_OK);
    CHECK_INT(claimed, 0);
    CHECK_INT(st->ops->campaign_send_end(st, cp.id, stakeholder, 0, CVOM_SEND_REFUSED,
                                         "550 no such user", &err),
              CVOM_OK);
}

static void fill_plans(struct cvom_store *st, int64_t account)
{
    struct cvom_error err = {0};
    struct cvom_action ac = {.account_id = account, .axis = -1, .cost = NAN, .created = 20000};
    SET(ac.title, awkward);
    CHECK_INT(st->ops->action_add(st, &ac, &err), CVOM_OK);
    struct cvom_action ac2 = {.account_id = account,
                              .axis = CVOM_DIM_EMOTIONAL,
                              .effect = -2.5,
                              .cost = 1e-9,
                              .due = 20100,
                              .status = CVOM_ACTION_DONE,
                              .created = 20000,
                              .done = 20050};
    SET(ac2.title, "second");
    CHECK_INT(st->ops->action_add(st, &ac2, &err), CVOM_OK);
    struct cvom_play p = {.axis = CVOM_PLAY_BOTH, .cost = CVOM_COST_HIGH};
    SET(p.key, "own-play");
    SET(p.title, "Our own play");
    SET(p.text, awkward);
    CHECK_INT(st->ops->playbook_put(st, &p, &err), CVOM_OK);
    struct cvom_offering o = {0};
    SET(o.code, "OFF-1");
    SET(o.name, "Local marketing");
    CHECK_INT(st->ops->offering_add(st, &o, &err), CVOM_OK);
    struct cvom_offering_rating r = {
        .account_id = account, .offering_id = o.id, .r = {5, 3.25, 1234.5678}};
    CHECK_INT(st->ops->rating_put(st, &r, &err), CVOM_OK);
    CHECK_INT(st->ops->value_add(st, "speed", &err), CVOM_OK);
    CHECK_INT(st->ops->value_remove(st, "price", &err), CVOM_OK);
    CHECK_INT(st->ops->ranking_put(st, 0, "speed", 1, &err), CVOM_OK);
    CHECK_INT(st->ops->ranking_put(st, account, "quality", 1, &err), CVOM_OK);
}

static void fill_signals(struct cvom_store *st, int64_t a1, int64_t a2)
{
    struct cvom_error err = {0};
    struct cvom_signal g = {.def = {.axis = CVOM_DIM_EMOTIONAL,
                                    .direction = -1,
                                    .norm = CVOM_NORM_LOGISTIC,
                                    .p1 = 0.1,
                                    .p2 = 10,
                                    .weight = 0.5}};
    SET(g.def.name, "nps");
    SET(g.def.label, awkward);
    CHECK_INT(st->ops->signal_put(st, &g, &err), CVOM_OK);
    struct cvom_signal_value v1 = {a1, g.id, 20000, -1e300}, v2 = {a2, g.id, 20001, 1e300},
                             v3 = {a1, g.id, 20002, 0.1 + 0.2};
    CHECK_INT(st->ops->signal_value_put(st, &v1, &err), CVOM_OK);
    CHECK_INT(st->ops->signal_value_put(st, &v2, &err), CVOM_OK);
    CHECK_INT(st->ops->signal_value_put(st, &v3, &err), CVOM_OK);
    struct cvom_network_entry e = {
        .account_id = a1, .date = 20000, .kind = CVOM_NET_EVENT, .rating = NAN};
    SET(e.title, "Summit");
    SET(e.notes, awkward);
    CHECK_INT(st->ops->network_add(st, &e, &err), CVOM_OK);
}

static void fill(struct cvom_store *st)
{
    struct cvom_error err = {0};
    /* The first account's parent comes after it. */
    int64_t a1 = add_account(st, "First", "EXT-1"), a2 = add_account(st, "Second", "");
    struct cvom_account a;
    CHECK_INT(st->ops->account_get(st, a1, &a, &err), CVOM_OK);
    a.parent_id = a2;
    a.revenue = 0.1;
    a.potential = 5e-324; /* the smallest double there is */
    SET(a.notes, awkward);
    SET(a.tags, "x,y");
    CHECK_INT(st->ops->account_update(st, &a, &err), CVOM_OK);
    int64_t s1 = add_stakeholder(st, a1, "Ann"), ins = put_instrument(st, "copy-test", 1);
    /* Ann reports to Bo, who comes after her; with the map's other fields. */
    int64_t s2 = add_stakeholder(st, a1, "Bo");
    struct cvom_stakeholder sh;
    CHECK_INT(st->ops->stakeholder_get(st, s1, &sh, &err), CVOM_OK);
    sh.reports_to = s2;
    sh.last_contact = 20001;
    sh.channel = CVOM_CHANNEL_EVENT;
    SET(sh.counterpart, "Lena");
    SET(sh.notes, awkward);
    CHECK_INT(st->ops->stakeholder_update(st, &sh, &err), CVOM_OK);
    struct cvom_assessment as = {.account_id = a1,
                                 .instrument_id = ins,
                                 .kind = CVOM_RESP_CUSTOMER,
                                 .stakeholder_id = s1,
                                 .date = 20000,
                                 .status = CVOM_ASSESS_COMPLETE};
    CHECK_INT(st->ops->assessment_add(st, &as, &err), CVOM_OK);
    struct cvom_response r = {.assessment_id = as.id, .value = 1.0 / 3.0};
    SET(r.item_code, "I1");
    CHECK_INT(st->ops->response_put(st, &r, &err), CVOM_OK);
    CHECK_INT(st->ops->comment_put(st, as.id, awkward, &err), CVOM_OK);
    struct cvom_text tx = {.lang = "de"};
    SET(tx.key, "item.I1");
    SET(tx.text, awkward);
    CHECK_INT(st->ops->text_put(st, ins, &tx, &err), CVOM_OK);
    struct cvom_snapshot sn = {.account_id = a1, .date = 20000};
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        sn.score.value[d] = sn.score.se[d] = sn.score.lo[d] = sn.score.hi[d] = NAN;
        sn.score.self_value[d] = NAN;
    }
    sn.score.value[CVOM_DIM_INTELLECTUAL] = 100.0 / 3.0;
    sn.score.respondents[CVOM_DIM_INTELLECTUAL] = 1;
    sn.score.state = CVOM_STATE_INSUFFICIENT;
    CHECK_INT(st->ops->snapshot_put(st, &sn, &err), CVOM_OK);
    CHECK_INT(st->ops->setting_set(st, "threshold.intellectual", "55", &err), CVOM_OK);
    fill_people(st, a1, s1, ins);
    fill_plans(st, a1);
    fill_signals(st, a1, a2);
}

/* ---------------------------------------------------------------------------------------
 * Copying and comparing
 * ------------------------------------------------------------------------------------- */

/* What the report said. */
struct seen {
    int tables, differ, empty;
    char first_differing[32];
};

static int on_report(void *ctx, const struct cvom_copy_check *c)
{
    struct seen *s = ctx;
    s->tables++;
    s->empty += c->rows == 0;
    if (!c->same && s->differ++ == 0)
        snprintf(s->first_differing, sizeof s->first_differing, "%s", c->table);
    CHECK_INT(strlen(c->sha256), 64);
    return 0;
}

static enum cvom_status copy(struct cvom_store *from, struct cvom_store *to, unsigned flags,
                             struct seen *s, struct cvom_error *err)
{
    memset(s, 0, sizeof *s);
    enum cvom_status st = cvom__store_copy(from, to, flags, NULL, on_report, s, err);
    if (st != CVOM_OK)
        fprintf(stderr, "  (copy said: %s)\n", err->message);
    return st;
}

/* The two databases agree on every table. */
static void check_same(struct cvom_store *a, struct cvom_store *b)
{
    struct seen s;
    struct cvom_error err = {0};
    CHECK_INT(copy(a, b, CVOM_COPY_VERIFY_ONLY, &s, &err), CVOM_OK);
    CHECK_INT(s.tables, N_COPIED);
    CHECK_INT(s.differ, 0);
}

/* Copy from into the new database to, which then agrees with it in every table; the
 * target's own data revision moves on, so that no server keeps a page of what it held. */
static void check_copy(struct cvom_store *from, struct cvom_store *to)
{
    struct seen s;
    struct cvom_error err = {0};
    int64_t before = 0, after = 0;
    CHECK_INT(to->ops->revision(to, &before, &err), CVOM_OK);
    CHECK_INT(copy(from, to, 0, &s, &err), CVOM_OK);
    CHECK_INT(to->ops->revision(to, &after, &err), CVOM_OK);
    CHECK_INT(after, before + 1);
    CHECK_INT(s.tables, N_COPIED);
    CHECK_INT(s.differ, 0);
    CHECK_INT(s.empty, 0); /* a row in every table */
    check_same(from, to);
    struct cvom_account a;
    CHECK_INT(to->ops->account_find(to, "EXT-1", &a, &err), CVOM_OK);
    CHECK_STR(a.notes, awkward);
    CHECK(a.potential == 5e-324 && a.revenue == 0.1);
    CHECK_INT(a.parent_id, 2);
    struct cvom_stakeholder sh;
    CHECK_INT(to->ops->stakeholder_find(to, a.id, "Ann", &sh, &err), CVOM_OK);
    CHECK_INT(sh.reports_to, 2);
    CHECK_INT(sh.last_contact, 20001);
    CHECK_INT(sh.channel, CVOM_CHANNEL_EVENT);
    CHECK_STR(sh.counterpart, "Lena");
    CHECK_STR(sh.notes, awkward);
}

/* A target that holds data is refused and left as it was; with replace it is emptied. */
static void check_refused_then_replaced(struct cvom_store *from, struct cvom_store *to)
{
    struct seen s;
    struct cvom_error err = {0};
    int64_t extra = add_account(to, "Only in the target", "");
    CHECK_INT(copy(from, to, 0, &s, &err), CVOM_EEXIST);
    CHECK(strstr(err.message, "table accounts") != NULL);
    CHECK_INT(s.tables, 0);
    struct cvom_account a;
    CHECK_INT(to->ops->account_get(to, extra, &a, &err), CVOM_OK);
    CHECK_INT(copy(from, to, CVOM_COPY_REPLACE, &s, &err), CVOM_OK);
    CHECK_INT(to->ops->account_get(to, extra, &a, &err), CVOM_ENOTFOUND);
    check_same(from, to);
}

/* One answer one bit apart: the comparison names that table and no other. */
static void check_one_bit(struct cvom_store *from, struct cvom_store *to)
{
    struct seen s;
    struct cvom_error err = {0};
    check_copy(from, to);
    struct cvom_response r = {.assessment_id = 1, .value = nextafter(1.0 / 3.0, 1)};
    SET(r.item_code, "I1");
    CHECK_INT(to->ops->response_put(to, &r, &err), CVOM_OK);
    CHECK_INT(copy(from, to, CVOM_COPY_VERIFY_ONLY, &s, &err), CVOM_ESTORE);
    CHECK_INT(s.tables, N_COPIED);
    CHECK_INT(s.differ, 1);
    CHECK_STR(s.first_differing, "responses");
    CHECK(strstr(err.message, "responses") != NULL);
}

static void check_misuse(struct cvom_store *a, struct cvom_store *b)
{
    struct seen s;
    struct cvom_error err = {0};
    CHECK_INT(copy(a, a, 0, &s, &err), CVOM_EINVAL);
    CHECK_INT(b->ops->begin(b, &err), CVOM_OK);
    CHECK_INT(copy(a, b, CVOM_COPY_REPLACE, &s, &err), CVOM_EINVAL);
    b->ops->rollback(b);
}

/* Run sql on the SQLite file at name with SQLite itself, as another program would. */
static void sqlite_exec(const char *name, const char *sql)
{
    char p[512];
    sqlite3 *db = NULL;
    path_in_dir(p, sizeof p, name);
    CHECK_INT(sqlite3_open(p, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* A table or a column the copy does not know stops it before anything is written. */
static void check_unknown_schema(struct cvom_store *from)
{
    struct seen s;
    struct cvom_error err = {0};
    struct cvom_store *st = open_store("odd.db");
    cvom__store_close(st);
    sqlite_exec("odd.db", "CREATE TABLE extra (x INTEGER)");
    st = open_store("odd.db");
    CHECK_INT(copy(from, st, CVOM_COPY_REPLACE, &s, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "extra") != NULL);
    cvom__store_close(st);
    sqlite_exec("odd.db", "DROP TABLE extra; ALTER TABLE accounts ADD COLUMN x INTEGER");
    st = open_store("odd.db");
    CHECK_INT(copy(from, st, CVOM_COPY_REPLACE, &s, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "columns of table accounts") != NULL);
    CHECK_INT(count_of(st, "accounts"), 0);
    cvom__store_close(st);
}

static void test_sqlite(struct cvom_store *a)
{
    struct cvom_store *b = open_store("b.db"), *c = open_store("c.db");
    if (!b || !c)
        return;
    check_copy(a, b);
    check_refused_then_replaced(a, b);
    check_one_bit(a, c);
    check_misuse(a, b);
    check_unknown_schema(a);
    cvom__store_close(b);
    cvom__store_close(c);
}

/* SQLite into PostgreSQL, back into a new file, PostgreSQL into PostgreSQL; and a value
 * SQLite cannot keep (-0, which a REAL column stores as 0) found before the commit. */
static void test_across(struct cvom_store *a)
{
    struct seen s;
    struct cvom_error err = {0};
    struct cvom_store *p1 = open_store(pg[0]), *p2 = open_store(pg[1]), *p3 = open_store(pg[2]);
    struct cvom_store *back = open_store("back.db"), *neg = NULL;
    if (!p1 || !p2 || !p3 || !back)
        goto out;
    check_copy(a, p1);
    check_copy(p1, back);
    check_same(a, back);
    check_copy(p1, p2);
    check_refused_then_replaced(p1, p2);
    check_one_bit(a, p3);
    struct cvom_signal_value v = {1, 2, 20003, -0.0};
    CHECK_INT(p3->ops->signal_value_put(p3, &v, &err), CVOM_OK);
    neg = open_store("neg.db");
    CHECK_INT(copy(p3, neg, 0, &s, &err), CVOM_ESTORE);
    CHECK(strstr(err.message, "nothing was written") != NULL);
    CHECK_STR(s.first_differing, "signal_values");
    CHECK_INT(s.differ, 1);
    CHECK_INT(count_of(neg, "accounts"), 0);
out:
    cvom__store_close(neg);
    cvom__store_close(back);
    cvom__store_close(p3);
    cvom__store_close(p2);
    cvom__store_close(p1);
}

/* ---------------------------------------------------------------------------------------
 * Restoring backups
 * ------------------------------------------------------------------------------------- */

static enum cvom_status restore(const char *backup, const char *target, int replace,
                                struct cvom_error *err)
{
    char b[512], t[512];
    path_in_dir(b, sizeof b, backup);
    path_in_dir(t, sizeof t, target);
    return cvom__store_restore(b, t, replace, err);
}

/* No temporary file of a restore is left behind. */
static int leftovers(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".restore-") != NULL;
    if (d)
        closedir(d);
    return n;
}

static void check_restored(struct cvom_store *a, const char *name)
{
    struct cvom_store *r = open_store(name);
    if (r)
        check_same(a, r);
    cvom__store_close(r);
}

static void check_bad_backups(void)
{
    struct cvom_error err = {0};
    char p[512];
    path_in_dir(p, sizeof p, "junk.db");
    FILE *f = fopen(p, "w");
    if (f) {
        fputs("not a database, not at all; long enough to be read as a header of one\n", f);
        fclose(f);
    }
    CHECK_INT(restore("junk.db", "from-junk.db", 0, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "not a cvom database") != NULL);
    sqlite_exec("other.db", "CREATE TABLE theirs (x INTEGER)");
    CHECK_INT(restore("other.db", "from-other.db", 0, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "not a cvom database") != NULL);
    CHECK_INT(restore("missing.db", "from-missing.db", 0, &err), CVOM_ENOTFOUND);
    path_in_dir(p, sizeof p, "from-junk.db");
    CHECK_INT(access(p, F_OK) != 0, 1);
    CHECK_INT(cvom__store_restore("backup.db", "postgresql://nowhere/cvom", 1, &err), CVOM_EINVAL);
    CHECK(strstr(err.message, "pg_restore") != NULL);
}

static void test_restore(struct cvom_store *a)
{
    struct cvom_error err = {0};
    char p[512];
    path_in_dir(p, sizeof p, "backup.db");
    CHECK_INT(a->ops->backup(a, p, &err), CVOM_OK);
    CHECK_INT(restore("backup.db", "restored.db", 0, &err), CVOM_OK);
    check_restored(a, "restored.db");
    CHECK_INT(restore("backup.db", "restored.db", 0, &err), CVOM_EEXIST);
    CHECK_INT(restore("backup.db", "backup.db", 1, &err), CVOM_EINVAL);

    /* In use by another connection: refused, and the database is left as it was. */
    struct cvom_store *r = open_store("restored.db");
    int64_t later = r ? add_account(r, "Added after the backup", "") : 0;
    CHECK_INT(restore("backup.db", "restored.db", 1, &err), CVOM_EBUSY);
    cvom__store_close(r);
    r = open_store("restored.db");
    struct cvom_account acc;
    if (r)
        CHECK_INT(r->ops->account_get(r, later, &acc, &err), CVOM_OK);
    cvom__store_close(r);

    CHECK_INT(restore("backup.db", "restored.db", 1, &err), CVOM_OK);
    check_restored(a, "restored.db");
    check_bad_backups();
    CHECK_INT(leftovers(), 0);
}

int main(int argc, char **argv)
{
    if (argc == 4) {
        for (int i = 0; i < 3; i++)
            pg[i] = argv[i + 1];
    } else if (argc != 1) {
        fprintf(stderr, "usage: test_copy [PG1 PG2 PG3]\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "/tmp/cvom-copy-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    struct cvom_store *a = open_store("a.db");
    if (a) {
        fill(a);
        if (pg[0])
            test_across(a);
        else
            test_sqlite(a);
        test_restore(a);
    }
    cvom__store_close(a);
    remove_dir();
    return CHECK_DONE();
}
