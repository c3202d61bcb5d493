/* store_fixtures.h — what the store tests share: a temporary directory for SQLite files,
 * opening a store, row counts, and records made with few words. */
#ifndef CVOM_TEST_STORE_FIXTURES_H
#define CVOM_TEST_STORE_FIXTURES_H

#include "check.h"
#include "store/store.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The temporary directory of a test's SQLite files (made by main). */
static char dir[64];

static inline void path_in_dir(char *buf, size_t cap, const char *name)
{
    snprintf(buf, cap, "%s/%s", dir, name);
}

static inline void remove_dir(void)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char p[512];
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Open a store: name is a file in the test's directory, or a whole location (a path with a
 * '/', or a database server). */
static inline struct cvom_store *open_store(const char *name)
{
    char p[512];
    struct cvom_store *st = NULL;
    struct cvom_error err = {0};
    if (strchr(name, '/') || cvom__store_location_is_server(name))
        snprintf(p, sizeof p, "%s", name);
    else
        path_in_dir(p, sizeof p, name);
    enum cvom_status s = cvom__store_open(p, &st, &err);
    if (s != CVOM_OK)
        fprintf(stderr, "open %s: %s\n", p, err.message);
    CHECK_INT(s, CVOM_OK);
    return st;
}

#define N_TABLES 8

struct counts {
    char names[N_TABLES][32];
    int64_t n[N_TABLES];
    size_t count;
};

static inline int count_cb(void *ctx, const char *table, int64_t n)
{
    struct counts *c = ctx;
    if (c->count == N_TABLES)
        return 1;
    snprintf(c->names[c->count], sizeof c->names[c->count], "%s", table);
    c->n[c->count++] = n;
    return 0;
}

static inline void get_counts(struct cvom_store *st, struct counts *c)
{
    struct cvom_error err = {0};
    memset(c, 0, sizeof *c);
    CHECK_INT(st->ops->table_counts(st, count_cb, c, &err), CVOM_OK);
}

static inline int64_t count_of(struct cvom_store *st, const char *table)
{
    struct counts c;
    get_counts(st, &c);
    for (size_t i = 0; i < c.count; i++) {
        if (strcmp(c.names[i], table) == 0)
            return c.n[i];
    }
    return -1;
}

static inline int same_counts(const struct counts *a, const struct counts *b)
{
    if (a->count != b->count)
        return 0;
    for (size_t i = 0; i < a->count; i++) {
        if (strcmp(a->names[i], b->names[i]) != 0 || a->n[i] != b->n[i])
            return 0;
    }
    return 1;
}

static inline void set_str(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
}

#define SET(field, value) set_str((field), sizeof(field), (value))

static inline int64_t add_account(struct cvom_store *st, const char *name, const char *ext)
{
    struct cvom_account a;
    struct cvom_error err = {0};
    memset(&a, 0, sizeof a);
    SET(a.name, name);
    SET(a.external_id, ext);
    enum cvom_status s = st->ops->account_add(st, &a, &err);
    if (s != CVOM_OK)
        fprintf(stderr, "add_account %s: %s\n", name, err.message);
    CHECK_INT(s, CVOM_OK);
    return a.id;
}

static inline int64_t add_stakeholder(struct cvom_store *st, int64_t account, const char *name)
{
    struct cvom_stakeholder sh;
    struct cvom_error err = {0};
    memset(&sh, 0, sizeof sh);
    sh.account_id = account;
    SET(sh.name, name);
    sh.influence = 0.5;
    CHECK_INT(st->ops->stakeholder_add(st, &sh, &err), CVOM_OK);
    return sh.id;
}

/* An instrument with two items per value axis and one price item. */
static inline void make_instrument(struct cvom_instrument *ins, const char *name, int version)
{
    static const struct {
        const char *code;
        enum cvom_axis axis;
        int reverse;
        double weight;
    } items[] = {
        {"I1", CVOM_AXIS_INTELLECTUAL, 0, 1.0}, {"E1", CVOM_AXIS_EMOTIONAL, 0, 1.5},
        {"I2", CVOM_AXIS_INTELLECTUAL, 0, 2.0}, {"E2", CVOM_AXIS_EMOTIONAL, 1, 1.0},
        {"P1", CVOM_AXIS_BOTH, 1, 0.5},
    };
    struct cvom_error err = {0};
    cvom_instrument_init(ins);
    SET(ins->name, name);
    ins->version = version;
    ins->min_items = 1;
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        struct cvom_item it;
        memset(&it, 0, sizeof it);
        SET(it.code, items[i].code);
        snprintf(it.statement, sizeof it.statement, "Statement %s – ünïcode", items[i].code);
        snprintf(it.construct, sizeof it.construct, "construct of %s", items[i].code);
        it.axis = items[i].axis;
        it.reverse = items[i].reverse;
        it.weight = items[i].weight;
        it.scale_min = 1;
        it.scale_max = 7;
        enum cvom_status s = cvom_instrument_add(ins, &it, &err);
        if (s != CVOM_OK)
            fprintf(stderr, "cvom_instrument_add: %s\n", err.message);
        CHECK_INT(s, CVOM_OK);
    }
}

static inline int64_t put_instrument(struct cvom_store *st, const char *name, int version)
{
    struct cvom_instrument ins;
    struct cvom_error err = {0};
    int64_t id = 0;
    make_instrument(&ins, name, version);
    enum cvom_status s = st->ops->instrument_put(st, &ins, &id, &err);
    if (s != CVOM_OK)
        fprintf(stderr, "instrument_put: %s\n", err.message);
    CHECK_INT(s, CVOM_OK);
    cvom_instrument_cleanup(&ins);
    return id;
}

/* A survey link of hash for the stakeholder, live from created to expires, issued in
 * language ("" for none). */
static inline void add_survey(struct cvom_store *st, int64_t account, int64_t stakeholder,
                              int64_t instrument, const char *hash, int64_t created,
                              int64_t expires, const char *language)
{
    struct cvom_error err = {0};
    struct cvom_survey sv;
    memset(&sv, 0, sizeof sv);
    sv.account_id = account;
    sv.stakeholder_id = stakeholder;
    sv.instrument_id = instrument;
    sv.created = created;
    sv.expires = expires;
    SET(sv.hash, hash);
    SET(sv.created_by, "ann");
    SET(sv.language, language);
    CHECK_INT(st->ops->survey_add(st, &sv, &err), CVOM_OK);
}

#endif
