/* import_records.c — the rows of accounts, stakeholders and responses: each found by its
 * external id, else by its name ignoring case and spaces (accounts, stakeholders) or by its
 * respondent, account and date (answers), so that importing a file again updates what the
 * first import wrote; and a second row naming the same record is refused with both lines. */
#include "service/import_internal.h"

#include "io/util.h"
#include "service/relmap.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- accounts ------------------------------------------------------------------------ */

static void account_blank(struct cvom_account *a)
{
    memset(a, 0, sizeof *a);
    cvom__copy_str(a->currency, sizeof a->currency, "EUR");
}

static enum cvom_status remember_parent(struct importer *im, int64_t id, const char *ref,
                                        const struct cvom_csv_field *pf)
{
    struct parent_ref *g =
        cvom__grow(im->parents, &im->cap_parents, im->n_parents + 1, sizeof *g, (size_t)1 << 26);
    if (!g)
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    im->parents = g;
    struct parent_ref *p = &im->parents[im->n_parents++];
    p->id = id;
    cvom__copy_str(p->ref, sizeof p->ref, ref);
    p->line = pf->line;
    p->column = pf->column;
    p->cell = cvom__imp_cell_of(im, pf);
    return CVOM_OK;
}

/* With an owner scope, an account row may only name that owner, and gets it when empty. */
static enum cvom_status scope_owner(struct importer *im, struct cvom_account *a)
{
    if (!im->scope)
        return CVOM_OK;
    if (!a->owner[0]) {
        cvom__copy_str(a->owner, sizeof a->owner, im->scope);
        return CVOM_OK;
    }
    if (strcmp(a->owner, im->scope) == 0)
        return CVOM_OK;
    char msg[240];
    snprintf(msg, sizeof msg,
             "owner: you may import only accounts you own (owner '%.60s', "
             "not '%.60s')",
             im->scope, a->owner);
    return cvom__imp_error(im, cvom__imp_cell(im, "owner"), CVOM_EINVAL, msg);
}

/* Which account a row is about: its external id's, else (for a row without one, or an
 * external id cvom has not seen on an account without one) its name's. *target stays 0
 * for a new account. */
struct account_match {
    int64_t target;
    const char *how; /* "external id" or "name" */
};

/* The one account with this name key, when exactly one has it. */
static enum cvom_status by_name(struct importer *im, const char *key, struct cvom_account *out,
                                int *count)
{
    enum cvom_status s = cvom__imp_names(im);
    if (s)
        return s;
    struct cvom_keymap_value *v = cvom__keymap_get(&im->names, key);
    *count = v ? v->count : 0;
    if (!v || v->count != 1)
        return CVOM_OK;
    return im->st->ops->account_get(im->st, v->id, out, im->err);
}

static enum cvom_status same_name_refused(struct importer *im, const struct cvom_account *other,
                                          int count)
{
    char msg[256];
    if (count > 1)
        snprintf(msg, sizeof msg,
                 "name: %d accounts are already named '%.60s'; give an "
                 "external_id to say which, or import with --allow-same-name to add another",
                 count, other->name);
    else
        snprintf(msg, sizeof msg,
                 "name: account %" PRId64 " is already named '%.60s'%s%.40s%s; "
                 "to keep a second account of that name, import with --allow-same-name",
                 other->id, other->name, other->external_id[0] ? " (external id " : "",
                 other->external_id, other->external_id[0] ? ")" : "");
    return cvom__imp_error(im, cvom__imp_cell(im, "name"), CVOM_EEXIST, msg);
}

static enum cvom_status match_account(struct importer *im, const char *ext, const char *name,
                                      struct cvom_account *a, struct account_match *m)
{
    struct cvom_store *st = im->st;
    enum cvom_status s;
    m->target = 0;
    if (ext[0] && !im->scope) {
        /* Every external id in the database or added by this file is in the index. */
        if ((s = cvom__imp_names(im)) != CVOM_OK)
            return s;
        struct cvom_keymap_value *v = cvom__keymap_get(&im->externals, ext);
        if (v) {
            if ((s = st->ops->account_get(st, v->id, a, im->err)) != CVOM_OK)
                return s;
            m->target = a->id;
            m->how = "external id";
            return CVOM_OK;
        }
    } else if (ext[0]) {
        s = st->ops->account_find(st, ext, a, im->err);
        if (s == CVOM_OK && strcmp(a->external_id, ext) == 0) {
            if (!cvom__imp_in_scope(im, a))
                return cvom__imp_error(im, cvom__imp_cell(im, "external_id"), CVOM_EINVAL,
                                       "external_id: this id belongs to an account you do "
                                       "not own");
            m->target = a->id;
            m->how = "external id";
            return CVOM_OK;
        }
        if (s && s != CVOM_ENOTFOUND)
            return s;
    }
    int count;
    struct cvom_account other;
    if ((s = by_name(im, cvom__imp_name_key(im, name), &other, &count)) != CVOM_OK)
        return s;
    if (count == 0)
        return CVOM_OK;
    /* Without an external id, or with one the account of that name lacks: the same account. */
    if (count == 1 && (!ext[0] || !other.external_id[0])) {
        *a = other;
        m->target = other.id;
        m->how = "name";
        return CVOM_OK;
    }
    if (im->o->allow_same_name && ext[0])
        return CVOM_OK;
    if (count > 1)
        other.id = 0;
    if (count > 1 && !ext[0]) {
        char msg[256];
        snprintf(msg, sizeof msg,
                 "name: %d accounts are named '%.60s'; add an external_id "
                 "column to say which this row is",
                 count, name);
        return cvom__imp_error(im, cvom__imp_cell(im, "name"), CVOM_EINVAL, msg);
    }
    if (count > 1)
        cvom__copy_str(other.name, sizeof other.name, name);
    return same_name_refused(im, &other, count);
}

/* After a write: the account's name is in the index, and this row's line is on it. */
static enum cvom_status note_account(struct importer *im, const struct cvom_account *a, int added,
                                     const char *old_key)
{
    const char *key = cvom__imp_name_key(im, a->name);
    if (!im->scope && a->external_id[0] &&
        !cvom__keymap_put(&im->externals, a->external_id, (struct cvom_keymap_value){.id = a->id},
                          NULL))
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    if (!added && strcmp(key, old_key) == 0)
        return CVOM_OK;
    if (!cvom__keymap_put(&im->names, key, (struct cvom_keymap_value){.id = a->id}, NULL))
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    return CVOM_OK;
}

/* A second row about the same account: refused, with the line of the first. */
static enum cvom_status account_once(struct importer *im, int64_t id, const char *ext,
                                     const char *name)
{
    char key[48], what[200];
    enum cvom_status s;
    if (ext[0]) {
        char xkey[CVOM_FIELD_MAX + 4];
        snprintf(xkey, sizeof xkey, "x|%s", ext);
        snprintf(what, sizeof what, "external_id '%.60s'", ext);
        if ((s = cvom__imp_once(im, xkey, cvom__imp_cell(im, "external_id"), what)) != CVOM_OK)
            return s;
    }
    if (!id)
        return CVOM_OK;
    snprintf(key, sizeof key, "a|%" PRId64, id);
    snprintf(what, sizeof what, "the account '%.60s'", name);
    return cvom__imp_once(im, key, cvom__imp_cell(im, ext[0] ? "external_id" : "name"), what);
}

/* Whether an update would change nothing, so that importing a file again leaves the
 * database as it was (updated_at included). */
static int same_account(const struct cvom_account *a, const struct cvom_account *b)
{
    return !strcmp(a->external_id, b->external_id) && !strcmp(a->name, b->name) &&
           !strcmp(a->owner, b->owner) && a->parent_id == b->parent_id &&
           a->revenue == b->revenue && a->potential == b->potential &&
           !strcmp(a->currency, b->currency) && !strcmp(a->industry, b->industry) &&
           !strcmp(a->region, b->region) && !strcmp(a->tags, b->tags) &&
           !strcmp(a->notes, b->notes);
}

static int same_stakeholder(const struct cvom_stakeholder *a, const struct cvom_stakeholder *b)
{
    return !strcmp(a->external_id, b->external_id) && !strcmp(a->name, b->name) &&
           !strcmp(a->role, b->role) && a->influence == b->influence && a->stance == b->stance &&
           !strcmp(a->email, b->email) && a->last_contact == b->last_contact &&
           a->channel == b->channel && !strcmp(a->counterpart, b->counterpart) &&
           !strcmp(a->notes, b->notes) && !strcmp(a->language, b->language);
}

/* Fill a from the row's cells; an empty external id never clears the one it has. */
static enum cvom_status account_fields(struct importer *im, struct cvom_account *a, char *parent,
                                       const struct cvom_csv_field **pf)
{
    for (size_t i = 0; i < im->n_fields; i++) {
        const char *fname = im->fields[i].name;
        const struct cvom_csv_field *f = cvom__imp_cell(im, fname);
        if (!f || (f->len == 0 && strcmp(fname, "external_id") == 0))
            continue;
        enum cvom_status s = cvom__account_set(a, fname, f->s, parent, im->err);
        if (s)
            return cvom__imp_error(im, f, s, im->err->message);
        if (strcmp(fname, "parent") == 0)
            *pf = f;
    }
    return CVOM_OK;
}

enum cvom_status cvom__import_account(struct importer *im)
{
    struct cvom_store *st = im->st;
    struct cvom_account a;
    account_blank(&a);
    const char *ext = cvom__imp_val(im, "external_id"), *name = cvom__imp_val(im, "name");
    ext = ext ? ext : "";
    struct account_match m = {0, ""};
    enum cvom_status s = match_account(im, ext, name ? name : "", &a, &m);
    if (!s)
        s = account_once(im, m.target, ext, name ? name : "");
    if (s)
        return s;
    char old_key[CVOM_FIELD_MAX * 2] = "";
    struct cvom_account *before = malloc(sizeof *before);
    if (!before)
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    if (m.target)
        cvom__name_key(a.name, old_key, sizeof old_key);
    else
        account_blank(&a);
    *before = a;
    char parent[CVOM_FIELD_MAX] = "";
    const struct cvom_csv_field *pf = NULL;
    if (!(s = account_fields(im, &a, parent, &pf)) && !(s = scope_owner(im, &a)) &&
        (s = cvom__account_check(&a, im->err)) != CVOM_OK)
        s = cvom__imp_error(im, cvom__imp_cell(im, "name"), s, im->err->message);
    int unchanged = !s && m.target && same_account(&a, before);
    free(before);
    if (s)
        return s;
    if (!unchanged) {
        s = m.target ? st->ops->account_update(st, &a, im->err)
                     : st->ops->account_add(st, &a, im->err);
        if (s)
            return cvom__imp_error(im, NULL, s, im->err->message);
    }
    if (!m.target && (s = account_once(im, a.id, "", a.name)) != CVOM_OK)
        return s;
    if ((s = note_account(im, &a, !m.target, old_key)) != CVOM_OK)
        return s;
    if (unchanged) {
        im->res->unchanged++;
        snprintf(im->action, sizeof im->action, "unchanged #%" PRId64 " (found by %s)", a.id,
                 m.how);
    } else if (m.target) {
        im->res->updated++;
        im->res->matched_by_name += strcmp(m.how, "name") == 0;
        snprintf(im->action, sizeof im->action, "update #%" PRId64 " (found by %s)", a.id, m.how);
    } else {
        im->res->added++;
        snprintf(im->action, sizeof im->action, "add");
    }
    return parent[0] ? remember_parent(im, a.id, parent, pf) : CVOM_OK;
}

/* Parents may be named before or after their children: resolve them once all are in. */
enum cvom_status cvom__import_parents(struct importer *im)
{
    struct cvom_store *st = im->st;
    for (size_t i = 0; i < im->n_parents; i++) {
        const struct parent_ref *p = &im->parents[i];
        struct cvom_account a, parent;
        const char *msg = NULL;
        enum cvom_status s = cvom__imp_find_ref(im, p->ref, &parent);
        if (s == CVOM_ENOTFOUND)
            msg = "parent account not found";
        else if (!s && parent.id == p->id) {
            s = CVOM_EINVAL;
            msg = "an account cannot be its own parent";
        }
        if (!s)
            s = st->ops->account_get(st, p->id, &a, im->err);
        if (!s && a.parent_id != parent.id) {
            a.parent_id = parent.id;
            s = st->ops->account_update(st, &a, im->err);
        }
        if (s) {
            struct cvom_csv_field f = {.line = p->line, .column = p->column};
            cvom__imp_error(im, &f, s, msg ? msg : im->err->message);
            im->res->error_cell = p->cell;
            return s;
        }
    }
    return CVOM_OK;
}

/* ---- stakeholders -------------------------------------------------------------------- */

static void stakeholder_blank(struct cvom_stakeholder *s)
{
    memset(s, 0, sizeof *s);
    s->influence = 0.5;
}

/* A stakeholder of the account with this name key and no external id. */
struct name_search {
    const char *key;
    struct cvom_stakeholder found;
    int count;
};

static int name_search_cb(void *ctx, const struct cvom_stakeholder *s)
{
    struct name_search *n = ctx;
    char key[CVOM_FIELD_MAX * 2];
    if (strcmp(cvom__name_key(s->name, key, sizeof key), n->key) == 0) {
        n->found = *s;
        n->count++;
    }
    return 0;
}

/* Which stakeholder of the account a row is about: by external id, else by name. */
static enum cvom_status match_stakeholder(struct importer *im, int64_t account_id, const char *ext,
                                          const char *name, struct cvom_stakeholder *sh,
                                          int *update)
{
    struct cvom_store *st = im->st;
    *update = 0;
    if (ext[0]) {
        enum cvom_status s = st->ops->stakeholder_find(st, account_id, ext, sh, im->err);
        if (s && s != CVOM_ENOTFOUND)
            return s;
        if (s == CVOM_OK && strcmp(sh->external_id, ext) == 0) {
            *update = 1;
            return CVOM_OK;
        }
    }
    char key[CVOM_FIELD_MAX * 2];
    struct name_search *n = calloc(1, sizeof *n);
    if (!n)
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    n->key = cvom__name_key(name, key, sizeof key);
    enum cvom_status s = st->ops->stakeholder_list(st, account_id, name_search_cb, n, im->err);
    if (!s && n->count == 1 && (!ext[0] || !n->found.external_id[0])) {
        *sh = n->found;
        *update = 1;
    }
    free(n);
    return s;
}

static enum cvom_status stakeholder_once(struct importer *im, const struct cvom_account *a,
                                         const struct cvom_stakeholder *sh, const char *ext)
{
    char key[CVOM_FIELD_MAX * 3], what[200];
    if (ext[0]) {
        snprintf(key, sizeof key, "x|%" PRId64 "|%s", a->id, ext);
        snprintf(what, sizeof what, "external_id '%.60s' of account '%.40s'", ext, a->name);
        return cvom__imp_once(im, key, cvom__imp_cell(im, "external_id"), what);
    }
    char name[CVOM_FIELD_MAX * 2];
    cvom__name_key(sh->name, name, sizeof name);
    snprintf(key, sizeof key, "n|%" PRId64 "|%s", a->id, name);
    snprintf(what, sizeof what, "the stakeholder '%.60s' of account '%.40s'", sh->name, a->name);
    return cvom__imp_once(im, key, cvom__imp_cell(im, "name"), what);
}

enum cvom_status cvom__import_stakeholder(struct importer *im)
{
    struct cvom_store *st = im->st;
    struct cvom_account a;
    enum cvom_status s = cvom__imp_find_account(im, "account", &a);
    if (s)
        return s;
    struct cvom_stakeholder sh;
    stakeholder_blank(&sh);
    const char *ext = cvom__imp_val(im, "external_id"), *name = cvom__imp_val(im, "name");
    ext = ext ? ext : "";
    int update;
    if ((s = match_stakeholder(im, a.id, ext, name ? name : "", &sh, &update)) != CVOM_OK)
        return s;
    if (!update)
        stakeholder_blank(&sh);
    sh.account_id = a.id;
    struct cvom_stakeholder before = sh;
    char boss[CVOM_FIELD_MAX] = "";
    const struct cvom_csv_field *bf = NULL;
    for (size_t i = 1; i < im->n_fields; i++) {
        const char *fname = im->fields[i].name;
        const struct cvom_csv_field *f = cvom__imp_cell(im, fname);
        if (!f || (f->len == 0 && strcmp(fname, "external_id") == 0))
            continue;
        if ((s = cvom__stakeholder_set(&sh, fname, f->s, boss, im->err)) != CVOM_OK)
            return cvom__imp_error(im, f, s, im->err->message);
        if (strcmp(fname, "reports_to") == 0)
            bf = f;
    }
    if ((s = cvom__stakeholder_check(&sh, im->err)) != CVOM_OK)
        return cvom__imp_error(im, cvom__imp_cell(im, "name"), s, im->err->message);
    if ((s = stakeholder_once(im, &a, &sh, ext)) != CVOM_OK)
        return s;
    if (update && same_stakeholder(&sh, &before)) {
        im->res->unchanged++;
        snprintf(im->action, sizeof im->action, "unchanged stakeholder #%" PRId64, sh.id);
        return bf ? remember_parent(im, sh.id, boss, bf) : CVOM_OK;
    }
    s = update ? st->ops->stakeholder_update(st, &sh, im->err)
               : st->ops->stakeholder_add(st, &sh, im->err);
    if (s)
        return cvom__imp_error(im, NULL, s, im->err->message);
    if (bf && (s = remember_parent(im, sh.id, boss, bf)) != CVOM_OK)
        return s;
    update ? im->res->updated++ : im->res->added++;
    if (update)
        snprintf(im->action, sizeof im->action, "update stakeholder #%" PRId64, sh.id);
    else
        snprintf(im->action, sizeof im->action, "add to account #%" PRId64, a.id);
    return CVOM_OK;
}

enum cvom_status cvom__import_bosses(struct importer *im)
{
    struct cvom_store *st = im->st;
    for (size_t i = 0; i < im->n_parents; i++) {
        const struct parent_ref *p = &im->parents[i];
        struct cvom_stakeholder sh = {0};
        enum cvom_status s = st->ops->stakeholder_get(st, p->id, &sh, im->err);
        int64_t was = sh.reports_to;
        if (!s)
            s = cvom__stakeholder_reports_to(st, &sh, p->ref, im->err);
        if (!s && sh.reports_to != was)
            s = st->ops->stakeholder_update(st, &sh, im->err);
        if (s) {
            struct cvom_csv_field f = {.line = p->line, .column = p->column};
            cvom__imp_error(im, &f, s, im->err->message);
            im->res->error_cell = p->cell;
            return s;
        }
    }
    return CVOM_OK;
}

/* ---- responses ----------------------------------------------------------------------- */

/* The respondent of a row: a stakeholder of the account for customers, our own person's
 * name for self-assessments. */
static enum cvom_status respondent(struct importer *im, const struct cvom_csv_field *fr,
                                   const struct cvom_account *a, struct cvom_assessment *next)
{
    if (next->kind != CVOM_RESP_CUSTOMER) {
        if (cvom__copy_str(next->respondent, sizeof next->respondent, fr->s))
            return cvom__imp_error(im, fr, CVOM_ELIMIT, "respondent name too long");
        return CVOM_OK;
    }
    /* Stakeholders do not change under an import of answers: the previous row's holds. */
    if (im->last_sh_id && im->last_sh_account == a->id && strcmp(fr->s, im->last_sh_ref) == 0) {
        next->stakeholder_id = im->last_sh_id;
        cvom__copy_str(next->respondent, sizeof next->respondent, im->last_sh_name);
        return CVOM_OK;
    }
    im->last_sh_id = 0;
    struct cvom_stakeholder sh;
    const char *name;
    int known = cvom__imp_person(im, a->id, fr->s, &sh.id, &name);
    if (known < 0)
        return cvom__imp_error(im, fr, im->err->status, im->err->message);
    if (known)
        cvom__copy_str(sh.name, sizeof sh.name, name);
    enum cvom_status s =
        known ? CVOM_OK : im->st->ops->stakeholder_find(im->st, a->id, fr->s, &sh, im->err);
    if (s == CVOM_ENOTFOUND) {
        char msg[220];
        snprintf(msg, sizeof msg,
                 "account '%.60s' has no stakeholder '%.60s' (import the "
                 "stakeholders first)",
                 a->name, fr->s);
        return cvom__imp_error(im, fr, s, msg);
    }
    if (s)
        return cvom__imp_error(im, fr, s, im->err->message);
    next->stakeholder_id = sh.id;
    cvom__copy_str(next->respondent, sizeof next->respondent, sh.name);
    if (!cvom__copy_str(im->last_sh_ref, sizeof im->last_sh_ref, fr->s) &&
        !cvom__copy_str(im->last_sh_name, sizeof im->last_sh_name, sh.name)) {
        im->last_sh_account = a->id;
        im->last_sh_id = sh.id;
    }
    return CVOM_OK;
}

/* The rows of one respondent, account and date form one assessment, wherever they are in
 * the file. *lines receives the line of each item's answer so far (0: none). */
static enum cvom_status open_assessment(struct importer *im, struct cvom_assessment *next,
                                        long **lines)
{
    char key[CVOM_FIELD_MAX + 96];
    snprintf(key, sizeof key, "%" PRId64 "|%d|%" PRId64 "|%" PRId32 "|%s", next->account_id,
             (int)next->kind, next->stakeholder_id, next->date,
             next->kind == CVOM_RESP_CUSTOMER ? "" : next->respondent);
    struct cvom_keymap_value *v = cvom__keymap_get(&im->assessments, key);
    size_t n = im->ins.n_items;
    if (v) {
        next->id = v->id;
        *lines = im->answer_lines + (size_t)v->line * n;
        return CVOM_OK;
    }
    enum cvom_status s = im->st->ops->assessment_add(im->st, next, im->err);
    if (s)
        return cvom__imp_error(im, NULL, s, im->err->message);
    size_t at = im->n_answer_lines;
    long *g = cvom__grow(im->answer_lines, &im->cap_answer_lines, (at + 1) * n + 1, sizeof *g,
                         (size_t)1 << 34);
    if (!g || !cvom__keymap_put(&im->assessments, key,
                                (struct cvom_keymap_value){.id = next->id, .line = (long)at}, NULL))
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    im->answer_lines = g;
    memset(g + at * n, 0, n * sizeof *g);
    im->n_answer_lines = at + 1;
    *lines = g + at * n;
    im->res->added++;
    return CVOM_OK;
}

/* The item and its answer, checked against the instrument. *j < 0: not answered. */
static enum cvom_status response_value(struct importer *im, const struct cvom_csv_field *fi,
                                       const struct cvom_csv_field *fs, int *j, double *v)
{
    *j = cvom_instrument_find(&im->ins, fi->s);
    if (*j < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "unknown item '%.60s' (not in %.60s version %d)", fi->s,
                 im->ins.name, im->ins.version);
        return cvom__imp_error(im, fi, CVOM_EINVAL, msg);
    }
    const struct cvom_item *it = &im->ins.items[*j];
    if (fs->len == 0) {
        *j = -1; /* an item left unanswered */
        return CVOM_OK;
    }
    if (cvom__parse_double(fs->s, v) || *v < it->scale_min || *v > it->scale_max) {
        char msg[160];
        snprintf(msg, sizeof msg, "score '%.40s' is not on %s's scale %d..%d", fs->s, it->code,
                 it->scale_min, it->scale_max);
        return cvom__imp_error(im, fs, CVOM_EINVAL, msg);
    }
    return CVOM_OK;
}

enum cvom_status cvom__import_response(struct importer *im)
{
    const struct cvom_csv_field *fs = cvom__imp_cell(im, "score");
    const struct cvom_csv_field *fi = cvom__imp_cell(im, "item_id");
    const struct cvom_csv_field *fk = cvom__imp_cell(im, "kind");
    const struct cvom_csv_field *fr = cvom__imp_cell(im, "respondent_id");
    if (!fs || !fi || !fr)
        return cvom__imp_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    int j;
    double v = 0;
    enum cvom_status s = response_value(im, fi, fs, &j, &v);
    if (s || j < 0)
        return s;
    int kind = fk && fk->len ? cvom_respondent_kind_parse(fk->s) : CVOM_RESP_CUSTOMER;
    if (kind < 0)
        return cvom__imp_error(im, fk, CVOM_EINVAL, "kind must be customer or self");
    int32_t date;
    struct cvom_account a;
    if ((s = cvom__imp_date(im, cvom__imp_cell(im, "date"), &date)) != CVOM_OK ||
        (s = cvom__imp_find_account(im, "account_id", &a)) != CVOM_OK)
        return s;
    struct cvom_assessment next = {.account_id = a.id,
                                   .instrument_id = im->instrument_id,
                                   .kind = (enum cvom_respondent_kind)kind,
                                   .date = date,
                                   .status = CVOM_ASSESS_COMPLETE};
    long *lines = NULL;
    if ((s = respondent(im, fr, &a, &next)) != CVOM_OK ||
        (s = open_assessment(im, &next, &lines)) != CVOM_OK)
        return s;
    const struct cvom_item *it = &im->ins.items[j];
    if (lines[j]) {
        char msg[200], first[32];
        cvom__imp_line_name(im, lines[j], first, sizeof first);
        snprintf(msg, sizeof msg,
                 "a second answer to %s by %.60s on the same date (the "
                 "first is on %s)",
                 it->code, next.respondent, first);
        return cvom__imp_error(im, fi, CVOM_EEXIST, msg);
    }
    lines[j] = fi->line;
    struct cvom_response r = {.assessment_id = next.id, .value = v};
    cvom__copy_str(r.item_code, sizeof r.item_code, it->code);
    if ((s = im->st->ops->response_put(im->st, &r, im->err)) != CVOM_OK)
        return cvom__imp_error(im, NULL, s, im->err->message);
    im->res->updated++;                                /* answers, for responses */
    if (im->res->n_preview < CVOM_IMPORT_PREVIEW_ROWS) /* only the preview reads it */
        snprintf(im->action, sizeof im->action, "answer in assessment #%" PRId64, next.id);
    return CVOM_OK;
}
