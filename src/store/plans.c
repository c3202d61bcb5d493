/* plans.c — action plans, the team's playbook, the catalogue of offerings with each
 * account's ratings, and value hierarchies.
 */
#include "store/db.h"
#include "store/ops.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

static enum cvom_status read_action(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_action *a = out;
    char word[32];
    memset(a, 0, sizeof *a);
    a->id = db_col_int(q, 0);
    a->account_id = db_col_int(q, 1);
    db_col_text(q, 2, a->title, sizeof a->title);
    db_col_text(q, 3, a->owner, sizeof a->owner);
    a->due = (int32_t)db_col_int(q, 4); /* NULL reads as 0: no date */
    a->axis = -1;
    if (!db_col_null(q, 5)) {
        db_col_text(q, 5, word, sizeof word);
        if (strcmp(word, cvom_dim_name(CVOM_DIM_INTELLECTUAL)) == 0)
            a->axis = CVOM_DIM_INTELLECTUAL;
        else if (strcmp(word, cvom_dim_name(CVOM_DIM_EMOTIONAL)) == 0)
            a->axis = CVOM_DIM_EMOTIONAL;
        else
            return db_bad_column("actions", "axis", word, err);
    }
    a->effect = db_col_double(q, 6);
    a->cost = db_col_real(q, 7);
    db_col_text(q, 8, a->play, sizeof a->play);
    db_col_text(q, 9, word, sizeof word);
    int status = cvom__action_status_parse(word);
    if (status < 0)
        return db_bad_column("actions", "status", word, err);
    a->status = (enum cvom_action_status)status;
    a->created = (int32_t)db_col_int(q, 10);
    a->done = (int32_t)db_col_int(q, 11);
    a->version = db_col_int(q, 12);
    return CVOM_OK;
}

enum cvom_status cvom__op_action_add(struct cvom_store *st, struct cvom_action *a,
                                     struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    if (a->axis < -1 || a->axis >= CVOM_DIM_COUNT ||
        (unsigned)a->status >= CVOM_ACTION_STATUS_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "adding an action: axis or status out of range");
    struct db_query q;
    enum cvom_status status = db_open(s, S_ACTION_ADD, &q, err);
    if (status)
        return status;
    const char *axis = a->axis >= 0 ? cvom_dim_name((enum cvom_dim)a->axis) : NULL;
    const char *state = cvom__action_status_name(a->status);
    db_bind_int(&q, 1, a->account_id);
    db_bind_text(&q, 2, a->title, sizeof a->title);
    db_bind_text(&q, 3, a->owner, sizeof a->owner);
    db_bind_ref(&q, 4, a->due);
    if (axis)
        db_bind_text(&q, 5, axis, strlen(axis) + 1);
    else
        db_bind_null(&q, 5);
    db_bind_double(&q, 6, isfinite(a->effect) ? a->effect : 1e9);
    db_bind_real(&q, 7, a->cost);
    db_bind_text(&q, 8, a->play, sizeof a->play);
    db_bind_text(&q, 9, state, strlen(state) + 1);
    db_bind_int(&q, 10, a->created);
    db_bind_ref(&q, 11, a->done);
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, a->account_id}};
    status = db_insert(&q, "adding an action", refs, 1, &a->id, err);
    if (!status)
        a->version = 1;
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_action_get(struct cvom_store *st, int64_t id, struct cvom_action *out,
                                     struct cvom_error *err)
{
    struct cvom_action a;
    enum cvom_status status =
        db_one_row(db_of(st), S_ACTION_GET, id, NULL, 0, "no such action", read_action, &a, err);
    if (status == CVOM_ENOTFOUND)
        cvom_error_set(err, CVOM_ENOTFOUND, "no action %" PRId64, id);
    if (!status)
        *out = a;
    return status;
}

struct action_walk {
    cvom_action_cb cb;
    void *ctx;
};

static int action_walk_cb(void *ctx, const void *rec)
{
    struct action_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_action_list(struct cvom_store *st, const struct cvom_action_filter *f,
                                      cvom_action_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_action a;
    struct action_walk w = {cb, ctx};
    const char *state = f && f->status >= 0 && f->status < CVOM_ACTION_STATUS_COUNT
                            ? cvom__action_status_name((enum cvom_action_status)f->status)
                            : "";
    enum cvom_status status = db_open(s, S_ACTION_LIST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, f ? f->account_id : 0);
    db_bind_text(&q, 2, state, strlen(state) + 1);
    db_bind_int(&q, 3, f && f->due_before > 0 ? f->due_before : 0);
    db_bind_int(&q, 4, f && f->unowned ? 1 : 0);
    return db_each_row(&q, &a, read_action, action_walk_cb, &w, err);
}

enum cvom_status cvom__op_action_set_status(struct cvom_store *st, int64_t id, int64_t version,
                                            enum cvom_action_status status_to, int32_t day,
                                            struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    if ((unsigned)status_to >= CVOM_ACTION_STATUS_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "changing an action: status out of range");
    const char *state = cvom__action_status_name(status_to);
    struct db_query q;
    enum cvom_status status = db_open(s, S_ACTION_STATUS, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, id);
    db_bind_text(&q, 2, state, strlen(state) + 1);
    db_bind_ref(&q, 3, status_to == CVOM_ACTION_DONE ? day : 0);
    db_bind_int(&q, 4, version);
    int64_t now = 0;
    int got = 0;
    status = db_returning(&q, "changing an action", NULL, 0, &now, &got, err);
    db_close(&q);
    if (status || got)
        return status;
    /* No row was changed: the action is gone, or someone changed it since. */
    struct cvom_action a;
    if ((status = cvom__op_action_get(st, id, &a, err)) != CVOM_OK)
        return status;
    cvom_error_set(err, CVOM_ECONFLICT,
                   "action %" PRId64 " was changed by someone else since version %" PRId64
                   " (it is at version %" PRId64 " now): look at it again, then make your "
                   "change",
                   id, version, a.version);
    return CVOM_ECONFLICT;
}

enum cvom_status cvom__op_playbook_clear(struct cvom_store *st, struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_PLAYBOOK_CLEAR, NULL, 0, 0, 0, 0, "clearing the playbook",
                         err);
}

enum cvom_status cvom__op_playbook_put(struct cvom_store *st, const struct cvom_play *p,
                                       struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    if ((unsigned)p->axis >= CVOM_PLAY_AXIS_COUNT || (unsigned)p->cost >= CVOM_COST_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "storing a play: axis or cost out of range");
    const char *axis = cvom_play_axis_name(p->axis);
    const char *cost = cvom_cost_level_name(p->cost);
    struct db_query q;
    enum cvom_status status = db_open(s, S_PLAYBOOK_PUT, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, p->key, sizeof p->key);
    db_bind_text(&q, 2, p->title, sizeof p->title);
    db_bind_text(&q, 3, p->text, sizeof p->text);
    db_bind_text(&q, 4, axis, strlen(axis) + 1);
    db_bind_text(&q, 5, cost, strlen(cost) + 1);
    status = db_exec(&q, "storing a play", NULL, 0, err);
    db_close(&q);
    return status;
}

static enum cvom_status read_play(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_play *p = out;
    char word[32];
    memset(p, 0, sizeof *p);
    db_col_text(q, 0, p->key, sizeof p->key);
    db_col_text(q, 1, p->title, sizeof p->title);
    db_col_text(q, 2, p->text, sizeof p->text);
    db_col_text(q, 3, word, sizeof word);
    int axis = cvom_play_axis_parse(word);
    if (axis < 0)
        return db_bad_column("playbook", "axis", word, err);
    db_col_text(q, 4, word, sizeof word);
    int cost = cvom_cost_level_parse(word);
    if (cost < 0)
        return db_bad_column("playbook", "cost", word, err);
    p->axis = (enum cvom_play_axis)axis;
    p->cost = (enum cvom_cost_level)cost;
    return CVOM_OK;
}

struct play_walk {
    cvom_play_cb cb;
    void *ctx;
};

static int play_walk_cb(void *ctx, const void *rec)
{
    struct play_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_playbook_list(struct cvom_store *st, cvom_play_cb cb, void *ctx,
                                        struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_play p;
    struct play_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_PLAYBOOK_LIST, &q, err);
    return status ? status : db_each_row(&q, &p, read_play, play_walk_cb, &w, err);
}

/* ---------------------------------------------------------------------------------------
 * Offerings, ratings and value hierarchies
 * ------------------------------------------------------------------------------------- */

static enum cvom_status read_offering(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_offering *o = out;
    (void)err;
    memset(o, 0, sizeof *o);
    o->id = db_col_int(q, 0);
    db_col_text(q, 1, o->code, sizeof o->code);
    db_col_text(q, 2, o->name, sizeof o->name);
    db_col_text(q, 3, o->category, sizeof o->category);
    return CVOM_OK;
}

/* Add (new_id not NULL: receives the id) or update an offering. */
static enum cvom_status write_offering(struct db_store *s, enum stmt id,
                                       const struct cvom_offering *o, int64_t *new_id,
                                       const char *what, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(s, id, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, o->code, sizeof o->code);
    db_bind_text(&q, 2, o->name, sizeof o->name);
    db_bind_text(&q, 3, o->category, sizeof o->category);
    status = new_id ? db_insert(&q, what, NULL, 0, new_id, err) : db_exec(&q, what, NULL, 0, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_offering_add(struct cvom_store *st, struct cvom_offering *o,
                                       struct cvom_error *err)
{
    return write_offering(db_of(st), S_OFFERING_ADD, o, &o->id, "adding an offering", err);
}

enum cvom_status cvom__op_offering_find(struct cvom_store *st, const char *ref,
                                        struct cvom_offering *out, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct cvom_offering o;
    enum cvom_status status = db_one_row(s, S_OFFERING_BY_CODE, 0, ref, CVOM_OFFERING_CODE_MAX,
                                         "no such offering", read_offering, &o, err);
    int64_t num = cvom__ref_number(ref);
    if (status == CVOM_ENOTFOUND && num > 0)
        status =
            db_one_row(s, S_OFFERING_GET, num, NULL, 0, "no such offering", read_offering, &o, err);
    if (status == CVOM_ENOTFOUND)
        cvom_error_set(err, CVOM_ENOTFOUND, "no offering '%.100s'", ref);
    if (!status)
        *out = o;
    return status;
}

enum cvom_status cvom__op_offering_update(struct cvom_store *st, struct cvom_offering *o,
                                          struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status =
        write_offering(s, S_OFFERING_UPDATE, o, NULL, "changing an offering", err);
    if (!status && db_changes(s) == 0)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no offering '%.100s'", o->code);
    struct cvom_offering got;
    if (!status && !(status = db_one_row(s, S_OFFERING_BY_CODE, 0, o->code, sizeof o->code,
                                         "no such offering", read_offering, &got, err)))
        o->id = got.id;
    return status;
}

struct offering_walk {
    cvom_offering_cb cb;
    void *ctx;
};

static int offering_walk_cb(void *ctx, const void *rec)
{
    struct offering_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_offering_list(struct cvom_store *st, cvom_offering_cb cb, void *ctx,
                                        struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_offering o;
    struct offering_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_OFFERING_LIST, &q, err);
    return status ? status : db_each_row(&q, &o, read_offering, offering_walk_cb, &w, err);
}

enum cvom_status cvom__op_offering_remove(struct cvom_store *st, int64_t id, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status =
        db_exec_keyed(s, S_OFFERING_REMOVE, NULL, 0, 1, id, 0, "removing an offering", err);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no offering %" PRId64, id);
    return status;
}

enum cvom_status cvom__op_rating_put(struct cvom_store *st, const struct cvom_offering_rating *r,
                                     struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_RATING_PUT, &q, err);
    if (status)
        return status;
    /* Non-finite numbers are sent as values the schema's checks refuse, so that the
     * database names the field. */
    db_bind_int(&q, 1, r->account_id);
    db_bind_int(&q, 2, r->offering_id);
    db_bind_double(&q, 3, isfinite(r->r.importance) ? r->r.importance : 0);
    db_bind_double(&q, 4, isfinite(r->r.performance) ? r->r.performance : 0);
    db_bind_double(&q, 5, isfinite(r->r.cost) ? r->r.cost : -1);
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, r->account_id},
                            {"offering_id", S_OFFERING_EXISTS, r->offering_id}};
    status = db_exec(&q, "rating an offering", refs, 2, err);
    db_close(&q);
    return status;
}

static enum cvom_status read_rating(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_offering_rating *r = out;
    (void)err;
    memset(r, 0, sizeof *r);
    r->account_id = db_col_int(q, 0);
    r->offering_id = db_col_int(q, 1);
    r->r.importance = db_col_double(q, 2);
    r->r.performance = db_col_double(q, 3);
    r->r.cost = db_col_double(q, 4);
    db_col_text(q, 5, r->code, sizeof r->code);
    db_col_text(q, 6, r->name, sizeof r->name);
    db_col_text(q, 7, r->category, sizeof r->category);
    return CVOM_OK;
}

struct rating_walk {
    cvom_rating_cb cb;
    void *ctx;
};

static int rating_walk_cb(void *ctx, const void *rec)
{
    struct rating_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_rating_list(struct cvom_store *st, int64_t account_id, cvom_rating_cb cb,
                                      void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_offering_rating r;
    struct rating_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_RATING_LIST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, account_id);
    return db_each_row(&q, &r, read_rating, rating_walk_cb, &w, err);
}

enum cvom_status cvom__op_value_add(struct cvom_store *st, const char *name, struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_VALUE_ADD, name, CVOM_VALUE_NAME_MAX, 0, 0, 0,
                         "adding a value", err);
}

enum cvom_status cvom__op_value_remove(struct cvom_store *st, const char *name,
                                       struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status = db_exec_keyed(s, S_VALUE_REMOVE, name, CVOM_VALUE_NAME_MAX, 0, 0, 0,
                                            "removing a value", err);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no value '%.60s'", name);
    return status;
}

enum cvom_status cvom__op_value_list(struct cvom_store *st, cvom_value_cb cb, void *ctx,
                                     struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_VALUE_LIST, &q, err);
    if (status)
        return status;
    enum db_step rc;
    char name[CVOM_VALUE_NAME_MAX];
    while ((rc = db_step(&q)) == DB_ROW) {
        db_col_text(&q, 1, name, sizeof name);
        if (cb(ctx, db_col_int(&q, 0), name))
            break;
    }
    if (rc != DB_ROW && rc != DB_DONE)
        status = db_fail(s, "reading the database", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_ranking_clear(struct cvom_store *st, int64_t account_id,
                                        struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_RANKING_CLEAR, NULL, 0, 1, account_id, 0,
                         "clearing a value ranking", err);
}

enum cvom_status cvom__op_ranking_put(struct cvom_store *st, int64_t account_id, const char *value,
                                      int rank, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_RANKING_PUT, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, account_id);
    db_bind_text(&q, 2, value, CVOM_VALUE_NAME_MAX);
    db_bind_int(&q, 3, rank);
    status = db_exec(&q, "ranking a value", NULL, 0, err);
    db_close(&q);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no value '%.60s' (see 'cvom align values')",
                                value);
    return status;
}

static enum cvom_status read_value_rank(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_value_rank *v = out;
    (void)err;
    memset(v, 0, sizeof *v);
    v->account_id = db_col_int(q, 0);
    v->rank = (int)db_col_int(q, 1);
    db_col_text(q, 2, v->value, sizeof v->value);
    return CVOM_OK;
}

struct value_rank_walk {
    cvom_value_rank_cb cb;
    void *ctx;
};

static int value_rank_walk_cb(void *ctx, const void *rec)
{
    struct value_rank_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_ranking_list(struct cvom_store *st, int64_t account_id,
                                       cvom_value_rank_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_value_rank v;
    struct value_rank_walk w = {cb, ctx};
    enum cvom_status status = db_open(s, S_RANKING_LIST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, account_id);
    return db_each_row(&q, &v, read_value_rank, value_rank_walk_cb, &w, err);
}
