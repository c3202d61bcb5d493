/* assessments.c — instruments and their items, assessments with their answers, and the
 * score snapshots kept per account and date.
 */
#include "store/db.h"
#include "store/ops.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static enum cvom_status put_item(struct db_store *s, int64_t instrument, int position,
                                 const struct cvom_item *it, struct cvom_error *err)
{
    struct db_query q;
    char what[64];
    snprintf(what, sizeof what, "instrument item %.32s", it->code);
    if ((unsigned)it->axis >= CVOM_AXIS_COUNT)
        return db_bad_enum(what, "axis", err);
    enum cvom_status status = db_open(s, S_ITEM_ADD, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, instrument);
    db_bind_int(&q, 2, position);
    db_bind_text(&q, 3, it->code, sizeof it->code);
    db_bind_str(&q, 4, cvom_axis_name(it->axis));
    db_bind_int(&q, 5, it->reverse ? 1 : 0);
    db_bind_real(&q, 6, it->weight);
    db_bind_int(&q, 7, it->scale_min);
    db_bind_int(&q, 8, it->scale_max);
    db_bind_text(&q, 9, it->statement, sizeof it->statement);
    db_bind_text(&q, 10, it->construct, sizeof it->construct);
    db_bind_text(&q, 11, it->respondent, sizeof it->respondent);
    status = db_exec(&q, what, NULL, 0, err);
    db_close(&q);
    return status;
}

static enum cvom_status put_instrument(struct db_store *s, const struct cvom_instrument *ins,
                                       int64_t *id, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(s, S_INSTRUMENT_ADD, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_text(&q, 1, ins->name, sizeof ins->name);
    db_bind_int(&q, 2, ins->version);
    db_bind_int(&q, 3, ins->min_items);
    int64_t new_id = 0;
    status = db_insert(&q, "adding an instrument", NULL, 0, &new_id, err);
    db_close(&q);
    if (status == CVOM_EEXIST)
        return cvom_error_set(err, CVOM_EEXIST, "instrument '%s' version %d already exists",
                              ins->name, ins->version);
    if (status != CVOM_OK)
        return status;
    for (size_t i = 0; i < ins->n_items && status == CVOM_OK; i++)
        status = put_item(s, new_id, (int)i, &ins->items[i], err);
    if (status == CVOM_OK)
        *id = new_id;
    return status;
}

enum cvom_status cvom__op_instrument_put(struct cvom_store *st, const struct cvom_instrument *ins,
                                         int64_t *id, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    int64_t new_id = 0;
    if (!ins || ins->n_items > CVOM_ITEMS_MAX || (ins->n_items && !ins->items))
        return cvom_error_set(err, CVOM_EINVAL, "adding an instrument: no valid instrument");
    enum cvom_status status = db_savepoint(s, "adding an instrument", err);
    if (status != CVOM_OK)
        return status;
    status = db_savepoint_end(s, put_instrument(s, ins, &new_id, err), err);
    if (status == CVOM_OK && id)
        *id = new_id;
    return status;
}

static enum cvom_status read_item(struct db_query *q, struct cvom_item *it, struct cvom_error *err)
{
    char axis[32];
    memset(it, 0, sizeof *it);
    db_col_text(q, 0, it->code, sizeof it->code);
    db_col_text(q, 1, axis, sizeof axis);
    int v = cvom_axis_parse(axis);
    if (v < 0)
        return db_bad_column("items", "axis", axis, err);
    it->axis = (enum cvom_axis)v;
    it->reverse = (int)db_col_int(q, 2);
    it->weight = db_col_double(q, 3);
    it->scale_min = (int)db_col_int(q, 4);
    it->scale_max = (int)db_col_int(q, 5);
    db_col_text(q, 6, it->statement, sizeof it->statement);
    db_col_text(q, 7, it->construct, sizeof it->construct);
    db_col_text(q, 8, it->respondent, sizeof it->respondent);
    return CVOM_OK;
}

/* Load instrument id into ins (already initialised and empty). */
static enum cvom_status load_instrument(struct db_store *s, int64_t id, struct cvom_instrument *ins,
                                        struct cvom_error *err)
{
    struct db_query q;
    struct cvom_item it;
    enum cvom_status status = db_open(s, S_INSTRUMENT_GET, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, id);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW) {
        db_col_text(&q, 0, ins->name, sizeof ins->name);
        ins->version = (int)db_col_int(&q, 1);
        ins->min_items = (int)db_col_int(&q, 2);
    } else if (rc == DB_DONE) {
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no instrument with id %" PRId64, id);
    } else {
        status = db_fail(s, "reading an instrument", err);
    }
    db_close(&q);
    if (status != CVOM_OK)
        return status;

    status = db_open(s, S_ITEM_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, id);
    while ((rc = db_step(&q)) == DB_ROW) {
        status = read_item(&q, &it, err);
        if (status == CVOM_OK)
            status = cvom_instrument_add(ins, &it, err);
        if (status != CVOM_OK)
            break;
    }
    if (status == CVOM_OK && rc != DB_DONE)
        status = db_fail(s, "reading instrument items", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_instrument_get(struct cvom_store *st, int64_t id,
                                         struct cvom_instrument *out, struct cvom_error *err)
{
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    enum cvom_status status = load_instrument(db_of(st), id, &ins, err);
    if (status != CVOM_OK) {
        cvom_instrument_cleanup(&ins);
        return status;
    }
    /* The caller's instrument is replaced only now, so that a failure leaves it as it was. */
    cvom_instrument_cleanup(out);
    *out = ins;
    return CVOM_OK;
}

enum cvom_status cvom__op_text_put(struct cvom_store *st, int64_t instrument_id,
                                   const struct cvom_text *t, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(db_of(st), S_TEXT_PUT, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, instrument_id);
    db_bind_text(&q, 2, t->lang, sizeof t->lang);
    db_bind_text(&q, 3, t->key, sizeof t->key);
    db_bind_text(&q, 4, t->text, sizeof t->text);
    struct fk_ref refs[] = {{"instrument_id", S_INSTRUMENT_EXISTS, instrument_id}};
    status = db_exec(&q, "adding an instrument text", refs, 1, err);
    db_close(&q);
    return status;
}

static enum cvom_status read_text(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_text *t = out;
    (void)err;
    db_col_text(q, 0, t->lang, sizeof t->lang);
    db_col_text(q, 1, t->key, sizeof t->key);
    db_col_text(q, 2, t->text, sizeof t->text);
    return CVOM_OK;
}

struct text_walk {
    cvom_text_cb cb;
    void *ctx;
};

static int text_walk_cb(void *ctx, const void *rec)
{
    struct text_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_text_list(struct cvom_store *st, int64_t instrument_id, const char *lang,
                                    cvom_text_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_query q;
    struct cvom_text t;
    struct text_walk w = {cb, ctx};
    enum cvom_status status = db_open(db_of(st), S_TEXT_LIST, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, instrument_id);
    db_bind_str(&q, 2, lang ? lang : "");
    return db_each_row(&q, &t, read_text, text_walk_cb, &w, err);
}

enum cvom_status cvom__op_instrument_latest(struct cvom_store *st, const char *name, int64_t *id,
                                            struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    if (!name)
        return cvom_error_set(err, CVOM_EINVAL, "no instrument name given");
    enum cvom_status status = db_open(s, S_INSTRUMENT_LATEST, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_text(&q, 1, name, CVOM_NAME_MAX);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW)
        *id = db_col_int(&q, 0);
    else if (rc == DB_DONE)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no instrument '%s'", name);
    else
        status = db_fail(s, "finding an instrument", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_instrument_find(struct cvom_store *st, const char *name, int version,
                                          int64_t *id, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    if (!name)
        return cvom_error_set(err, CVOM_EINVAL, "no instrument name given");
    enum cvom_status status = db_open(s, S_INSTRUMENT_FIND, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_text(&q, 1, name, CVOM_NAME_MAX);
    db_bind_int(&q, 2, version);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW)
        *id = db_col_int(&q, 0);
    else if (rc == DB_DONE)
        status =
            cvom_error_set(err, CVOM_ENOTFOUND, "no instrument '%s' version %d", name, version);
    else
        status = db_fail(s, "finding an instrument", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_instrument_list(struct cvom_store *st, cvom_instrument_cb cb, void *ctx,
                                          struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    char name[CVOM_NAME_MAX];
    enum cvom_status status = db_open(s, S_INSTRUMENT_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        db_col_text(&q, 1, name, sizeof name);
        if (cb(ctx, db_col_int(&q, 0), name, (int)db_col_int(&q, 2), (size_t)db_col_int(&q, 3))) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "listing instruments", err);
    db_close(&q);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Assessments and responses
 * ------------------------------------------------------------------------------------- */

static enum cvom_status read_assessment(struct db_query *q, struct cvom_assessment *a,
                                        struct cvom_error *err)
{
    char text[32];
    memset(a, 0, sizeof *a);
    a->id = db_col_int(q, 0);
    a->account_id = db_col_int(q, 1);
    a->instrument_id = db_col_int(q, 2);
    db_col_text(q, 3, text, sizeof text);
    int v = cvom_respondent_kind_parse(text);
    if (v < 0)
        return db_bad_column("assessments", "kind", text, err);
    a->kind = (enum cvom_respondent_kind)v;
    a->stakeholder_id = db_col_int(q, 4);
    db_col_text(q, 5, a->respondent, sizeof a->respondent);
    a->date = (int32_t)db_col_int(q, 6);
    db_col_text(q, 7, text, sizeof text);
    v = cvom__assessment_status_parse(text);
    if (v < 0)
        return db_bad_column("assessments", "status", text, err);
    a->status = (enum cvom_assessment_status)v;
    return CVOM_OK;
}

/* Bind ?1..?7 of S_ASSESSMENT_ADD and S_ASSESSMENT_UPDATE (whose ?8 is the id). */
static enum cvom_status bind_assessment(struct db_query *q, const struct cvom_assessment *a,
                                        const char *what, struct cvom_error *err)
{
    if ((unsigned)a->kind >= CVOM_RESP_COUNT)
        return db_bad_enum(what, "kind", err);
    if ((unsigned)a->status >= CVOM_ASSESS_STATUS_COUNT)
        return db_bad_enum(what, "status", err);
    db_bind_int(q, 1, a->account_id);
    db_bind_int(q, 2, a->instrument_id);
    db_bind_str(q, 3, cvom_respondent_kind_name(a->kind));
    db_bind_ref(q, 4, a->stakeholder_id);
    db_bind_text(q, 5, a->respondent, sizeof a->respondent);
    db_bind_int(q, 6, a->date);
    db_bind_str(q, 7, cvom__assessment_status_name(a->status));
    return CVOM_OK;
}

/* Add (new_id not NULL: receives the id) or update an assessment. */
static enum cvom_status write_assessment(struct db_store *s, enum stmt id,
                                         const struct cvom_assessment *a, int64_t *new_id,
                                         const char *what, struct cvom_error *err)
{
    struct db_query q;
    const struct fk_ref refs[] = {
        {"account_id", S_ACCOUNT_EXISTS, a->account_id},
        {"instrument_id", S_INSTRUMENT_EXISTS, a->instrument_id},
        {"stakeholder_id", S_STAKEHOLDER_EXISTS, a->stakeholder_id},
    };
    enum cvom_status status = db_open(s, id, &q, err);
    if (status != CVOM_OK)
        return status;
    status = bind_assessment(&q, a, what, err);
    size_t n_refs = sizeof refs / sizeof refs[0];
    if (status == CVOM_OK && new_id) {
        status = db_insert(&q, what, refs, n_refs, new_id, err);
    } else if (status == CVOM_OK) {
        db_bind_int(&q, 8, a->id);
        status = db_exec(&q, what, refs, n_refs, err);
    }
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_assessment_add(struct cvom_store *st, struct cvom_assessment *a,
                                         struct cvom_error *err)
{
    return write_assessment(db_of(st), S_ASSESSMENT_ADD, a, &a->id, "adding an assessment", err);
}

enum cvom_status cvom__op_assessment_update(struct cvom_store *st, const struct cvom_assessment *a,
                                            struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status =
        write_assessment(s, S_ASSESSMENT_UPDATE, a, NULL, "updating an assessment", err);
    if (status == CVOM_OK && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no assessment with id %" PRId64, a->id);
    return status;
}

enum cvom_status cvom__op_assessment_list(struct cvom_store *st, int64_t account_id,
                                          cvom_assessment_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_assessment a;
    enum cvom_status status = db_open(s, S_ASSESSMENT_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, account_id);
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        status = read_assessment(&q, &a, err);
        if (status != CVOM_OK || cb(ctx, &a)) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "listing assessments", err);
    db_close(&q);
    return status;
}

/* From column at of q on: the axes and, per value axis, the count and sums of totals. */
static void read_sums(struct db_query *q, int at, struct cvom_totals *t)
{
    t->axes = (unsigned)db_col_int(q, at);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        int c = at + 1 + 5 * d;
        t->dim[d].n = (uint32_t)db_col_int(q, c);
        t->dim[d].sw = db_col_double(q, c + 1);
        t->dim[d].swx = db_col_double(q, c + 2);
        t->dim[d].swx2 = db_col_double(q, c + 3);
        t->dim[d].sw2 = db_col_double(q, c + 4);
    }
}

enum cvom_status cvom__op_assessment_scan(struct cvom_store *st, int32_t as_of,
                                          cvom_assessment_scan_cb cb, void *ctx,
                                          struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_assessment a;
    struct cvom_totals t;
    enum cvom_status status = db_open(s, S_ASSESSMENT_SCAN, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, as_of);
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        status = read_assessment(&q, &a, err);
        int kept = !db_col_null(&q, 10);
        if (kept) {
            t.assessment_id = a.id;
            t.instrument_id = a.instrument_id;
            read_sums(&q, 10, &t);
        }
        if (status != CVOM_OK ||
            cb(ctx, &a, db_col_int(&q, 8), db_col_real(&q, 9), kept ? &t : NULL)) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "reading the assessments", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_response_put(struct cvom_store *st, const struct cvom_response *r,
                                       struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    const struct fk_ref refs[] = {{"assessment_id", S_ASSESSMENT_EXISTS, r->assessment_id}};
    if (!isfinite(r->value)) {
        cvom_error_set(err, CVOM_EINVAL, "saving an answer: value must be a finite number");
        db_set_field(err, "value");
        return CVOM_EINVAL;
    }
    enum cvom_status status = db_open(s, S_RESPONSE_PUT, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, r->assessment_id);
    db_bind_text(&q, 2, r->item_code, sizeof r->item_code);
    db_bind_real(&q, 3, r->value);
    status = db_exec(&q, "saving an answer", refs, 1, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_response_remove(struct cvom_store *st, int64_t assessment_id,
                                          const char *item_code, struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_RESPONSE_REMOVE, item_code, CVOM_CODE_MAX, 1, assessment_id,
                         0, "clearing an answer", err);
}

enum cvom_status cvom__op_assessment_remove(struct cvom_store *st, int64_t id,
                                            struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status =
        db_exec_keyed(s, S_ASSESSMENT_REMOVE, NULL, 0, 1, id, 0, "removing an assessment", err);
    if (status == CVOM_OK && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no assessment with id %" PRId64, id);
    return status;
}

enum cvom_status cvom__op_response_list(struct cvom_store *st, int64_t assessment_id,
                                        cvom_response_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_response r;
    enum cvom_status status = db_open(s, S_RESPONSE_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, assessment_id);
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        memset(&r, 0, sizeof r);
        r.assessment_id = assessment_id;
        db_col_text(&q, 0, r.item_code, sizeof r.item_code);
        r.value = db_col_double(&q, 1);
        if (cb(ctx, &r)) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "listing answers", err);
    db_close(&q);
    return status;
}

/* Every answer of the store in one pass: the hot loop of a portfolio scan, so the record is
 * filled field by field rather than cleared first. */
enum cvom_status cvom__op_response_scan(struct cvom_store *st, cvom_response_cb cb, void *ctx,
                                        struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_response r;
    enum cvom_status status = db_open(s, S_RESPONSE_SCAN, &q, err);
    if (status != CVOM_OK)
        return status;
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        r.assessment_id = db_col_int(&q, 0);
        db_col_text(&q, 1, r.item_code, sizeof r.item_code);
        r.value = db_col_double(&q, 2);
        if (cb(ctx, &r)) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "reading the answers", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_totals_scan(struct cvom_store *st, cvom_totals_cb cb, void *ctx,
                                      struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_totals t;
    enum cvom_status status = db_open(s, S_TOTALS_SCAN, &q, err);
    if (status != CVOM_OK)
        return status;
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        memset(&t, 0, sizeof t);
        t.assessment_id = db_col_int(&q, 0);
        t.instrument_id = db_col_int(&q, 1);
        read_sums(&q, 2, &t);
        if (cb(ctx, &t)) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "reading the assessments' totals", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_totals_put(struct cvom_store *st, const struct cvom_totals *t,
                                     struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_TOTALS_PUT, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, t->assessment_id);
    db_bind_int(&q, 2, t->instrument_id);
    db_bind_int(&q, 3, t->axes);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        int c = 4 + 5 * d;
        db_bind_int(&q, c, t->dim[d].n);
        db_bind_double(&q, c + 1, t->dim[d].sw);
        db_bind_double(&q, c + 2, t->dim[d].swx);
        db_bind_double(&q, c + 3, t->dim[d].swx2);
        db_bind_double(&q, c + 4, t->dim[d].sw2);
    }
    status = db_exec(&q, "keeping an assessment's totals", NULL, 0, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_totals_lock(struct cvom_store *st, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status = CVOM_OK;
    if (s->drv->sql[S_TOTALS_WAIT])
        status = db_run(s, S_TOTALS_WAIT, "waiting for the answers", err);
    if (status == CVOM_OK && s->drv->sql[S_TOTALS_LOCK])
        status = db_run(s, S_TOTALS_LOCK, "waiting for the answers", err);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Snapshots
 * ------------------------------------------------------------------------------------- */

/* Columns 2.. of SNAPSHOT_COLUMNS hold these fields, per dimension in this order. */
static enum cvom_status read_snapshot(struct db_query *q, struct cvom_snapshot *sn,
                                      struct cvom_error *err)
{
    char text[32];
    memset(sn, 0, sizeof *sn);
    sn->account_id = db_col_int(q, 0);
    sn->date = (int32_t)db_col_int(q, 1);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        int c = 2 + 6 * d;
        sn->score.value[d] = db_col_real(q, c);
        sn->score.se[d] = db_col_real(q, c + 1);
        sn->score.lo[d] = db_col_real(q, c + 2);
        sn->score.hi[d] = db_col_real(q, c + 3);
        sn->score.respondents[d] = (int)db_col_int(q, c + 4);
        sn->score.self_value[d] = db_col_real(q, c + 5);
    }
    db_col_text(q, 14, text, sizeof text);
    int v = cvom_quadrant_parse(text);
    if (v < 0)
        return db_bad_column("snapshots", "quadrant", text, err);
    sn->score.quadrant = (enum cvom_quadrant)v;
    db_col_text(q, 15, text, sizeof text);
    v = cvom__state_parse(text);
    if (v < 0)
        return db_bad_column("snapshots", "state", text, err);
    sn->score.state = (enum cvom_state)v;
    return CVOM_OK;
}

enum cvom_status cvom__op_snapshot_put(struct cvom_store *st, const struct cvom_snapshot *sn,
                                       struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    const struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, sn->account_id}};
    const struct cvom_score *sc = &sn->score;
    if ((unsigned)sc->quadrant >= CVOM_Q_COUNT)
        return db_bad_enum("saving a snapshot", "quadrant", err);
    if ((unsigned)sc->state >= CVOM_STATE_COUNT)
        return db_bad_enum("saving a snapshot", "state", err);
    enum cvom_status status = db_open(s, S_SNAPSHOT_PUT, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, sn->account_id);
    db_bind_int(&q, 2, sn->date);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        int c = 3 + 6 * d;
        db_bind_real(&q, c, sc->value[d]);
        db_bind_real(&q, c + 1, sc->se[d]);
        db_bind_real(&q, c + 2, sc->lo[d]);
        db_bind_real(&q, c + 3, sc->hi[d]);
        db_bind_int(&q, c + 4, sc->respondents[d]);
        db_bind_real(&q, c + 5, sc->self_value[d]);
    }
    db_bind_str(&q, 15, cvom_quadrant_name(sc->quadrant));
    db_bind_str(&q, 16, cvom_state_name(sc->state));
    status = db_exec(&q, "saving a snapshot", refs, 1, err);
    db_close(&q);
    return status;
}

static enum cvom_status snapshot_each(struct db_store *s, enum stmt id, int64_t param,
                                      cvom_snapshot_cb cb, void *ctx, struct cvom_error *err)
{
    struct db_query q;
    struct cvom_snapshot sn;
    enum cvom_status status = db_open(s, id, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, param);
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        status = read_snapshot(&q, &sn, err);
        if (status != CVOM_OK || cb(ctx, &sn)) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "listing snapshots", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_snapshot_list_latest(struct cvom_store *st, int32_t as_of,
                                               cvom_snapshot_cb cb, void *ctx,
                                               struct cvom_error *err)
{
    return snapshot_each(db_of(st), S_SNAPSHOT_LATEST, as_of, cb, ctx, err);
}

enum cvom_status cvom__op_snapshot_history(struct cvom_store *st, int64_t account_id,
                                           cvom_snapshot_cb cb, void *ctx, struct cvom_error *err)
{
    return snapshot_each(db_of(st), S_SNAPSHOT_HISTORY, account_id, cb, ctx, err);
}
