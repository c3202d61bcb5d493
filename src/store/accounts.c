/* accounts.c — accounts and their stakeholders: adding, changing, removing, finding
 * by a reference a person gives (an id, then an external id, then an exact name) and listing.
 */
#include "store/db.h"
#include "store/ops.h"

#include <inttypes.h>
#include <string.h>

/* Guards the walk up an account's parents; real hierarchies are a few levels deep. */
#define MAX_PARENT_DEPTH 10000

/* Every field is written (strings NUL-terminated), so the record is not cleared first:
 * listings of a large portfolio read 100,000 of them. */
static void read_account(struct db_query *q, struct cvom_account *a)
{
    a->id = db_col_int(q, 0);
    db_col_text(q, 1, a->external_id, sizeof a->external_id);
    db_col_text(q, 2, a->name, sizeof a->name);
    db_col_text(q, 3, a->owner, sizeof a->owner);
    a->parent_id = db_col_int(q, 4); /* NULL reads as 0 */
    a->revenue = db_col_double(q, 5);
    a->potential = db_col_double(q, 6);
    db_col_text(q, 7, a->currency, sizeof a->currency);
    db_col_text(q, 8, a->industry, sizeof a->industry);
    db_col_text(q, 9, a->region, sizeof a->region);
    db_col_text(q, 10, a->tags, sizeof a->tags);
    db_col_text(q, 11, a->notes, sizeof a->notes);
    a->version = db_col_int(q, 12);
}

/* Bind ?1..?11 of S_ACCOUNT_ADD and S_ACCOUNT_UPDATE (whose ?12 is the id). tags must
 * outlive the step. */
static void bind_account(struct db_query *q, const struct cvom_account *a, const char *tags)
{
    db_bind_opt_text(q, 1, a->external_id, sizeof a->external_id);
    db_bind_text(q, 2, a->name, sizeof a->name);
    db_bind_text(q, 3, a->owner, sizeof a->owner);
    db_bind_ref(q, 4, a->parent_id);
    db_bind_real(q, 5, a->revenue);
    db_bind_real(q, 6, a->potential);
    db_bind_text(q, 7, a->currency, sizeof a->currency);
    db_bind_text(q, 8, a->industry, sizeof a->industry);
    db_bind_text(q, 9, a->region, sizeof a->region);
    db_bind_text(q, 10, tags, CVOM_TAGS_MAX);
    db_bind_text(q, 11, a->notes, sizeof a->notes);
}

enum cvom_status cvom__op_account_add(struct cvom_store *st, struct cvom_account *a,
                                      struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    char tags[CVOM_TAGS_MAX];
    const struct fk_ref refs[] = {{"parent_id", S_ACCOUNT_EXISTS, a->parent_id}};
    enum cvom_status status = db_open(s, S_ACCOUNT_ADD, &q, err);
    if (status != CVOM_OK)
        return status;
    cvom__tags_normalise(a->tags, sizeof a->tags, tags);
    bind_account(&q, a, tags);
    status = db_insert(&q, "adding an account", refs, 1, &a->id, err);
    db_close(&q);
    if (status == CVOM_OK)
        a->version = 1;
    return status;
}

/* CVOM_EINVAL when making parent the parent of id would put id among its own ancestors. */
static enum cvom_status check_parent(struct db_store *s, int64_t id, int64_t parent,
                                     struct cvom_error *err)
{
    struct db_query q;
    if (parent == 0)
        return CVOM_OK;
    enum cvom_status status = db_open(s, S_ACCOUNT_ANCESTOR, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, parent);
    db_bind_int(&q, 2, id);
    db_bind_int(&q, 3, MAX_PARENT_DEPTH);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW) {
        status = cvom_error_set(err, CVOM_EINVAL,
                                "updating an account: parent_id %" PRId64
                                " would make account %" PRId64 " its own ancestor",
                                parent, id);
        db_set_field(err, "parent_id");
    } else if (rc != DB_DONE) {
        status = db_fail(s, "checking the account hierarchy", err);
    }
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_account_update(struct cvom_store *st, struct cvom_account *a,
                                         struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    char tags[CVOM_TAGS_MAX];
    const struct fk_ref refs[] = {{"parent_id", S_ACCOUNT_EXISTS, a->parent_id}};
    enum cvom_status status = check_parent(s, a->id, a->parent_id, err);
    if (status != CVOM_OK)
        return status;
    status = db_open(s, S_ACCOUNT_UPDATE, &q, err);
    if (status != CVOM_OK)
        return status;
    cvom__tags_normalise(a->tags, sizeof a->tags, tags);
    bind_account(&q, a, tags);
    db_bind_int(&q, 12, a->id);
    db_bind_int(&q, 13, a->version);
    int64_t version = 0;
    int got = 0;
    status = db_returning(&q, "updating an account", refs, 1, &version, &got, err);
    db_close(&q);
    if (status != CVOM_OK)
        return status;
    if (got) {
        a->version = version;
        return CVOM_OK;
    }
    /* No row was changed: the account is gone, or someone changed it since. */
    struct cvom_account now;
    status = cvom__op_account_get(st, a->id, &now, err);
    if (status != CVOM_OK)
        return status;
    cvom_error_set(err, CVOM_ECONFLICT,
                   "account %" PRId64 " was changed by someone else since version %" PRId64
                   " (it is at version %" PRId64 " now): look at it again, then make your "
                   "change",
                   a->id, a->version, now.version);
    return CVOM_ECONFLICT;
}

enum cvom_status cvom__op_account_remove(struct cvom_store *st, int64_t id, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_ACCOUNT_REMOVE, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, id);
    status = db_exec(&q, "removing an account", NULL, 0, err);
    if (status == CVOM_OK && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no account with id %" PRId64, id);
    db_close(&q);
    return status;
}

/* One account from a query whose parameters are ?1 (an id) or ?1 (a text). */
static enum cvom_status account_one(struct db_store *s, enum stmt id, int64_t num, const char *text,
                                    struct cvom_account *out, struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(s, id, &q, err);
    if (status != CVOM_OK)
        return status;
    if (text)
        db_bind_text(&q, 1, text, CVOM_FIELD_MAX);
    else
        db_bind_int(&q, 1, num);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW)
        read_account(&q, out);
    else if (rc == DB_DONE)
        status = CVOM_ENOTFOUND;
    else
        status = db_fail(s, "reading an account", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_account_get(struct cvom_store *st, int64_t id, struct cvom_account *out,
                                      struct cvom_error *err)
{
    enum cvom_status status = account_one(db_of(st), S_ACCOUNT_GET, id, NULL, out, err);
    if (status == CVOM_ENOTFOUND)
        cvom_error_set(err, status, "no account with id %" PRId64, id);
    return status;
}

enum cvom_status cvom__op_account_find(struct cvom_store *st, const char *ref,
                                       struct cvom_account *out, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_account a;
    if (!ref || !*ref)
        return cvom_error_set(err, CVOM_EINVAL, "no account given");
    if (strnlen(ref, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no account '%.40s…'", ref);

    int64_t id = cvom__ref_number(ref);
    enum cvom_status status = CVOM_ENOTFOUND;
    if (id > 0)
        status = account_one(s, S_ACCOUNT_GET, id, NULL, &a, err);
    if (status == CVOM_ENOTFOUND)
        status = account_one(s, S_ACCOUNT_BY_EXTERNAL, 0, ref, &a, err);
    if (status == CVOM_OK) {
        *out = a;
        return CVOM_OK;
    }
    if (status != CVOM_ENOTFOUND)
        return status;

    status = db_open(s, S_ACCOUNT_BY_NAME, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_text(&q, 1, ref, CVOM_FIELD_MAX);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW) {
        read_account(&q, &a);
        rc = db_step(&q);
        if (rc == DB_DONE)
            *out = a;
        else if (rc == DB_ROW)
            status = cvom_error_set(err, CVOM_EINVAL,
                                    "ambiguous account '%s': several accounts have that name; "
                                    "use the id or the external id",
                                    ref);
        else
            status = db_fail(s, "finding an account", err);
    } else if (rc == DB_DONE) {
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no account '%s'", ref);
    } else {
        status = db_fail(s, "finding an account", err);
    }
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_account_list(struct cvom_store *st, const struct cvom_account_filter *f,
                                       cvom_account_cb cb, void *ctx, struct cvom_error *err)
{
    static const struct cvom_account_filter any;
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_account a;
    char tag[CVOM_FIELD_MAX];
    if (!f)
        f = &any;
    size_t tag_len = strnlen(f->tag, sizeof f->tag - 1);
    memcpy(tag, f->tag, tag_len);
    tag[tag_len] = '\0';
    if (strchr(tag, ','))
        return cvom_error_set(err, CVOM_EINVAL, "tag filter '%s' is more than one tag", tag);
    cvom__tags_normalise(tag, sizeof tag, tag);

    enum cvom_status status = db_open(s, S_ACCOUNT_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_text(&q, 1, f->owner, sizeof f->owner);
    db_bind_text(&q, 2, tag, sizeof tag);
    db_bind_text(&q, 3, f->industry, sizeof f->industry);
    db_bind_text(&q, 4, f->region, sizeof f->region);
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        read_account(&q, &a);
        if (cb(ctx, &a)) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "listing accounts", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_account_count(struct cvom_store *st, int64_t *n, struct cvom_error *err)
{
    return db_query_int(db_of(st), S_ACCOUNT_COUNT, 0, 0, n, err);
}

/* ---------------------------------------------------------------------------------------
 * Stakeholders
 * ------------------------------------------------------------------------------------- */

static enum cvom_status read_stakeholder(struct db_query *q, struct cvom_stakeholder *sh,
                                         struct cvom_error *err)
{
    char stance[16];
    memset(sh, 0, sizeof *sh);
    sh->id = db_col_int(q, 0);
    sh->account_id = db_col_int(q, 1);
    db_col_text(q, 2, sh->external_id, sizeof sh->external_id);
    db_col_text(q, 3, sh->name, sizeof sh->name);
    db_col_text(q, 4, sh->role, sizeof sh->role);
    sh->influence = db_col_double(q, 5);
    db_col_text(q, 6, stance, sizeof stance);
    int v = cvom__stance_parse(stance);
    if (v < 0)
        return db_bad_column("stakeholders", "stance", stance, err);
    sh->stance = (enum cvom_stance)v;
    db_col_text(q, 7, sh->email, sizeof sh->email);
    return CVOM_OK;
}

/* Bind ?1..?7 of S_STAKEHOLDER_ADD and S_STAKEHOLDER_UPDATE (whose ?8 is the id). */
static enum cvom_status bind_stakeholder(struct db_query *q, const struct cvom_stakeholder *sh,
                                         const char *what, struct cvom_error *err)
{
    if ((unsigned)sh->stance >= CVOM_STANCE_COUNT)
        return db_bad_enum(what, "stance", err);
    db_bind_int(q, 1, sh->account_id);
    db_bind_opt_text(q, 2, sh->external_id, sizeof sh->external_id);
    db_bind_text(q, 3, sh->name, sizeof sh->name);
    db_bind_text(q, 4, sh->role, sizeof sh->role);
    db_bind_real(q, 5, sh->influence);
    db_bind_str(q, 6, cvom__stance_name(sh->stance));
    db_bind_text(q, 7, sh->email, sizeof sh->email);
    return CVOM_OK;
}

enum cvom_status cvom__op_stakeholder_add(struct cvom_store *st, struct cvom_stakeholder *sh,
                                          struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    const struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, sh->account_id}};
    enum cvom_status status = db_open(s, S_STAKEHOLDER_ADD, &q, err);
    if (status != CVOM_OK)
        return status;
    status = bind_stakeholder(&q, sh, "adding a stakeholder", err);
    if (status == CVOM_OK)
        status = db_insert(&q, "adding a stakeholder", refs, 1, &sh->id, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_stakeholder_update(struct cvom_store *st,
                                             const struct cvom_stakeholder *sh,
                                             struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_STAKEHOLDER_UPDATE, &q, err);
    if (status != CVOM_OK)
        return status;
    status = bind_stakeholder(&q, sh, "updating a stakeholder", err);
    db_bind_int(&q, 8, sh->id);
    if (status == CVOM_OK)
        status = db_exec(&q, "updating a stakeholder", NULL, 0, err);
    if (status == CVOM_OK && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND,
                                "no stakeholder with id %" PRId64 " at account %" PRId64, sh->id,
                                sh->account_id);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_stakeholder_remove(struct cvom_store *st, int64_t id,
                                             struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    enum cvom_status status = db_open(s, S_STAKEHOLDER_REMOVE, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, id);
    status = db_exec(&q, "removing a stakeholder", NULL, 0, err);
    if (status == CVOM_OK && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no stakeholder with id %" PRId64, id);
    db_close(&q);
    return status;
}

/* Up to two stakeholders of account matching key (an id when text is NULL). *found is the
 * number of rows seen (0, 1 or 2); out receives the first. */
static enum cvom_status stakeholder_match(struct db_store *s, enum stmt id, int64_t account,
                                          int64_t num, const char *text,
                                          struct cvom_stakeholder *out, int *found,
                                          struct cvom_error *err)
{
    struct db_query q;
    struct cvom_stakeholder sh;
    enum cvom_status status = db_open(s, id, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_int(&q, 1, account);
    if (text)
        db_bind_text(&q, 2, text, CVOM_FIELD_MAX);
    else
        db_bind_int(&q, 2, num);
    enum db_step rc = DB_DONE;
    *found = 0;
    while (*found < 2 && (rc = db_step(&q)) == DB_ROW) {
        if (*found == 0) {
            status = read_stakeholder(&q, &sh, err);
            if (status != CVOM_OK)
                break;
            *out = sh;
        }
        ++*found;
    }
    if (status == CVOM_OK && *found < 2 && rc != DB_DONE)
        status = db_fail(s, "finding a stakeholder", err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_stakeholder_find(struct cvom_store *st, int64_t account_id,
                                           const char *ref, struct cvom_stakeholder *out,
                                           struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct cvom_stakeholder sh;
    int found = 0;
    if (!ref || !*ref)
        return cvom_error_set(err, CVOM_EINVAL, "no stakeholder given");
    if (strnlen(ref, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no stakeholder '%.40s…'", ref);

    int64_t id = cvom__ref_number(ref);
    enum cvom_status status = CVOM_OK;
    if (id > 0)
        status = stakeholder_match(s, S_STAKEHOLDER_GET, account_id, id, NULL, &sh, &found, err);
    if (status == CVOM_OK && found == 0)
        status =
            stakeholder_match(s, S_STAKEHOLDER_BY_EXTERNAL, account_id, 0, ref, &sh, &found, err);
    if (status == CVOM_OK && found == 0)
        status = stakeholder_match(s, S_STAKEHOLDER_BY_NAME, account_id, 0, ref, &sh, &found, err);
    if (status != CVOM_OK)
        return status;
    if (found == 0)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no stakeholder '%s' at account %" PRId64, ref,
                              account_id);
    if (found > 1)
        return cvom_error_set(err, CVOM_EINVAL,
                              "ambiguous stakeholder '%s': several stakeholders of account "
                              "%" PRId64 " have that name; use the id or the external id",
                              ref, account_id);
    *out = sh;
    return CVOM_OK;
}

enum cvom_status cvom__op_stakeholder_list(struct cvom_store *st, int64_t account_id,
                                           cvom_stakeholder_cb cb, void *ctx,
                                           struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    struct cvom_stakeholder sh;
    enum cvom_status status =
        db_open(s, account_id ? S_STAKEHOLDER_LIST : S_STAKEHOLDER_ALL, &q, err);
    if (status != CVOM_OK)
        return status;
    if (account_id)
        db_bind_int(&q, 1, account_id);
    enum db_step rc;
    while ((rc = db_step(&q)) == DB_ROW) {
        status = read_stakeholder(&q, &sh, err);
        if (status != CVOM_OK || cb(ctx, &sh)) {
            rc = DB_DONE;
            break;
        }
    }
    if (rc != DB_DONE)
        status = db_fail(s, "listing stakeholders", err);
    db_close(&q);
    return status;
}
