/* signals.c — signal definitions, their measured values per account and date, and the
 * network ledger.
 */
#include "store/db.h"
#include "store/ops.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

static enum cvom_status read_signal(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_signal *g = out;
    char word[32];
    memset(g, 0, sizeof *g);
    g->id = db_col_int(q, 0);
    db_col_text(q, 1, g->def.name, sizeof g->def.name);
    db_col_text(q, 2, g->def.label, sizeof g->def.label);
    db_col_text(q, 3, word, sizeof word);
    int axis = strcmp(word, "emotional") == 0      ? CVOM_DIM_EMOTIONAL
               : strcmp(word, "intellectual") == 0 ? CVOM_DIM_INTELLECTUAL
                                                   : -1;
    if (axis < 0)
        return db_bad_column("signals", "axis", word, err);
    g->def.axis = (enum cvom_dim)axis;
    g->def.direction = (int)db_col_int(q, 4) < 0 ? -1 : 1;
    db_col_text(q, 5, word, sizeof word);
    int norm = cvom_norm_parse(word);
    if (norm < 0)
        return db_bad_column("signals", "norm", word, err);
    g->def.norm = (enum cvom_norm)norm;
    g->def.p1 = db_col_double(q, 6);
    g->def.p2 = db_col_double(q, 7);
    g->def.weight = db_col_double(q, 8);
    db_col_text(q, 9, word, sizeof word);
    g->source = strcmp(word, "ledger") == 0 ? CVOM_SIGNAL_LEDGER : CVOM_SIGNAL_IMPORTED;
    return CVOM_OK;
}

enum cvom_status cvom__op_signal_find(struct cvom_store *st, const char *ref,
                                      struct cvom_signal *out, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct cvom_signal g;
    enum cvom_status status = db_one_row(s, S_SIGNAL_BY_NAME, 0, ref, CVOM_CODE_MAX,
                                         "no such signal", read_signal, &g, err);
    int64_t num = cvom__ref_number(ref);
    if (status == CVOM_ENOTFOUND && num > 0)
        status = db_one_row(s, S_SIGNAL_GET, num, NULL, 0, "no such signal", read_signal, &g, err);
    if (status == CVOM_ENOTFOUND)
        cvom_error_set(err, CVOM_ENOTFOUND, "no signal '%.60s' (see 'cvom signal list')", ref);
    if (!status)
        *out = g;
    return status;
}

enum cvom_status cvom__op_signal_put(struct cvom_store *st, struct cvom_signal *g,
                                     struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status = cvom_signal_def_validate(&g->def, err);
    if (status)
        return status;
    struct db_query q;
    if ((status = db_open(s, S_SIGNAL_PUT, &q, err)) != CVOM_OK)
        return status;
    db_bind_text(&q, 1, g->def.name, sizeof g->def.name);
    db_bind_text(&q, 2, g->def.label, sizeof g->def.label);
    db_bind_str(&q, 3, cvom_dim_name(g->def.axis));
    db_bind_int(&q, 4, g->def.direction);
    db_bind_str(&q, 5, cvom_norm_name(g->def.norm));
    db_bind_double(&q, 6, g->def.p1);
    db_bind_double(&q, 7, g->def.p2);
    db_bind_double(&q, 8, g->def.weight);
    db_bind_str(&q, 9, g->source == CVOM_SIGNAL_LEDGER ? "ledger" : "imported");
    status = db_exec(&q, "storing a signal", NULL, 0, err);
    db_close(&q);
    struct cvom_signal got;
    if (!status && !(status = db_one_row(s, S_SIGNAL_BY_NAME, 0, g->def.name, sizeof g->def.name,
                                         "no such signal", read_signal, &got, err)))
        g->id = got.id;
    return status;
}

struct signal_walk {
    cvom_signal_cb cb;
    void *ctx;
};

static int signal_walk_cb(void *ctx, const void *rec)
{
    struct signal_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_signal_list(struct cvom_store *st, cvom_signal_cb cb, void *ctx,
                                      struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_signal g;
    struct signal_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_SIGNAL_LIST, &q, err);
    return status ? status : db_each_row(&q, &g, read_signal, signal_walk_cb, &w, err);
}

enum cvom_status cvom__op_signal_remove(struct cvom_store *st, int64_t id, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status =
        db_exec_keyed(s, S_SIGNAL_REMOVE, NULL, 0, 1, id, 0, "removing a signal", err);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no signal %" PRId64, id);
    return status;
}

enum cvom_status cvom__op_signal_value_put(struct cvom_store *st, const struct cvom_signal_value *v,
                                           struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_SIGNAL_VALUE_PUT, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, v->account_id);
    db_bind_int(&q, 2, v->signal_id);
    db_bind_int(&q, 3, v->date);
    /* A non-finite value is sent as one the schema refuses, so the database names it. */
    db_bind_double(&q, 4, isfinite(v->value) ? v->value : 1e308);
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, v->account_id},
                            {"signal_id", S_SIGNAL_EXISTS, v->signal_id}};
    status = db_exec(&q, "storing a signal value", refs, 2, err);
    db_close(&q);
    return status;
}

static enum cvom_status read_signal_value(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_signal_value *v = out;
    (void)err;
    v->account_id = db_col_int(q, 0);
    v->signal_id = db_col_int(q, 1);
    v->date = (int32_t)db_col_int(q, 2);
    v->value = db_col_double(q, 3);
    return CVOM_OK;
}

struct signal_value_walk {
    cvom_signal_value_cb cb;
    void *ctx;
};

static int signal_value_walk_cb(void *ctx, const void *rec)
{
    struct signal_value_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_signal_latest(struct cvom_store *st, int64_t signal_id, int32_t as_of,
                                        int64_t account_id, cvom_signal_value_cb cb, void *ctx,
                                        struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_signal_value v;
    struct signal_value_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_SIGNAL_LATEST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, signal_id);
    db_bind_int(&q, 2, as_of);
    db_bind_int(&q, 3, account_id);
    return db_each_row(&q, &v, read_signal_value, signal_value_walk_cb, &w, err);
}

enum cvom_status cvom__op_signal_history(struct cvom_store *st, int64_t account_id,
                                         cvom_signal_value_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_signal_value v;
    struct signal_value_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_SIGNAL_HISTORY, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, account_id);
    return db_each_row(&q, &v, read_signal_value, signal_value_walk_cb, &w, err);
}

enum cvom_status cvom__op_network_add(struct cvom_store *st, struct cvom_network_entry *e,
                                      struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    if ((unsigned)e->kind >= CVOM_NET_KIND_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "kind must be introduction, peer_group or event");
    struct db_query q;
    enum cvom_status status = db_open(s, S_NETWORK_ADD, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, e->account_id);
    db_bind_int(&q, 2, e->date);
    db_bind_str(&q, 3, cvom__network_kind_name(e->kind));
    db_bind_text(&q, 4, e->title, sizeof e->title);
    /* NaN (not rated) is NULL; any other non-finite value is refused by the schema. */
    if (isnan(e->rating))
        db_bind_real(&q, 5, NAN);
    else
        db_bind_double(&q, 5, isfinite(e->rating) ? e->rating : 0);
    db_bind_text(&q, 6, e->notes, sizeof e->notes);
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, e->account_id}};
    status = db_insert(&q, "adding to the network ledger", refs, 1, &e->id, err);
    db_close(&q);
    return status;
}

static enum cvom_status read_network(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_network_entry *e = out;
    char word[32];
    memset(e, 0, sizeof *e);
    e->id = db_col_int(q, 0);
    e->account_id = db_col_int(q, 1);
    e->date = (int32_t)db_col_int(q, 2);
    db_col_text(q, 3, word, sizeof word);
    int kind = cvom__network_kind_parse(word);
    if (kind < 0)
        return db_bad_column("network_entries", "kind", word, err);
    e->kind = (enum cvom_network_kind)kind;
    db_col_text(q, 4, e->title, sizeof e->title);
    e->rating = db_col_null(q, 5) ? NAN : db_col_double(q, 5);
    db_col_text(q, 6, e->notes, sizeof e->notes);
    return CVOM_OK;
}

struct network_walk {
    cvom_network_cb cb;
    void *ctx;
};

static int network_walk_cb(void *ctx, const void *rec)
{
    struct network_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_network_list(struct cvom_store *st, int64_t account_id,
                                       cvom_network_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_network_entry e;
    struct network_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_NETWORK_LIST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, account_id);
    return db_each_row(&q, &e, read_network, network_walk_cb, &w, err);
}

enum cvom_status cvom__op_network_remove(struct cvom_store *st, int64_t id, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status =
        db_exec_keyed(s, S_NETWORK_REMOVE, NULL, 0, 1, id, 0, "removing a ledger entry", err);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no ledger entry %" PRId64, id);
    return status;
}

enum cvom_status cvom__op_network_means(struct cvom_store *st, int32_t from, int32_t to,
                                        cvom_network_mean_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_NETWORK_MEANS, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, from);
    db_bind_int(&q, 2, to);
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW)
        if (cb(ctx, db_col_int(&q, 0), db_col_double(&q, 1), (int)db_col_int(&q, 2)))
            break;
    if (rc != DB_ROW && rc != DB_DONE)
        status = db_fail(s, "reading the database", err);
    db_close(&q);
    return status;
}
