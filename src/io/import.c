/* import.c — the CSV import engine: header detection with aliases and explicit mappings,
 * row validation through the record tables, dedupe by external id, parents resolved after
 * all rows, answers grouped into assessments, an optional owner scope, and the first bad row
 * reported with its line and column. Transactions belong to the caller. */
#include "io/import.h"

#include "io/util.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREAMBLE_MAX 10 /* title lines tolerated above the header */
#define PROGRESS_EVERY 65536

struct alias {
    const char *name; /* normalised column name */
    const char *field;
};

/* Column names seen in CRM and survey exports, normalised (lower case, '_' for runs of
 * anything else). */
static const struct alias aliases[] = {
    {"account_name", "name"},     {"company", "name"},           {"company_name", "name"},
    {"organisation", "name"},     {"organization", "name"},      {"account_id", "external_id"},
    {"crm_id", "external_id"},    {"id", "external_id"},         {"account_owner", "owner"},
    {"owner_name", "owner"},      {"annual_revenue", "revenue"}, {"parent_account", "parent"},
    {"parent_id", "parent"},      {"country", "region"},         {"sector", "industry"},
    {"tag", "tags"},              {"description", "notes"},      {"contact_name", "name"},
    {"full_name", "name"},        {"title", "role"},             {"job_title", "role"},
    {"contact_id", "external_id"}, {"e_mail", "email"},          {"email_address", "email"},
    {"weight", "influence"},      {"account", "account"},        {"respondent", "respondent_id"},
    {"item", "item_id"},          {"code", "item_id"},           {"question", "item_id"},
    {"answer", "score"},          {"value", "score"},            {"response", "score"},
    {"respondent_kind", "kind"},  {"answered_on", "date"},
    /* offerings, ratings and values; an alias only applies where its field exists, and the
     * first that applies wins, so these never change what the kinds above read */
    {"account_name", "account"},  {"account_id", "account"},     {"offering_code", "offering"},
    {"product", "offering"},      {"service", "offering"},       {"satisfaction", "performance"},
    {"cost_to_serve", "cost"},    {"annual_cost", "cost"},       {"offering_name", "name"},
    {"position", "rank"},         {"offering_code", "code"},
    /* signals and the network ledger */
    {"metric", "signal"},         {"measure", "signal"},         {"kpi", "signal"},
    {"as_of", "date"},            {"measured_on", "date"},       {"type", "kind"},
    {"score", "rating"},          {"comment", "notes"},          {NULL, NULL},
};

static const struct cvom_field_def stakeholder_import_fields[] = {
    {"account", "the account (id, external id or name)", 1},
    {"name", "", 1}, {"external_id", "", 0}, {"role", "", 0}, {"influence", "", 0},
    {"stance", "", 0}, {"email", "", 0}, {NULL, NULL, 0},
};
static const struct cvom_field_def response_fields[] = {
    {"account_id", "the account (id, external id or name)", 1},
    {"respondent_id", "the stakeholder (id, external id or name), or our person for kind=self", 1},
    {"item_id", "the instrument's item code", 1},
    {"score", "the answer on the item's scale (empty: not answered)", 1},
    {"date", "date of the assessment, YYYY-MM-DD (default: --date or today)", 0},
    {"kind", "customer (default) or self", 0},
    {NULL, NULL, 0},
};

static const struct cvom_field_def offering_fields[] = {
    {"code", "the offering's short code, unique in the catalogue (a known code updates it)", 1},
    {"name", "what it is called", 1},
    {"category", "core product, add-on service, or any other category", 0},
    {NULL, NULL, 0},
};
static const struct cvom_field_def rating_fields[] = {
    {"account", "the account (id, external id or name)", 1},
    {"offering", "the offering (code or id)", 1},
    {"importance", "how important it is to the customer, 1-7", 1},
    {"performance", "how well we perform it: their satisfaction, 1-7", 1},
    {"cost", "our annual cost to serve it, 0 or more (default 0)", 0},
    {NULL, NULL, 0},
};
static const struct cvom_field_def value_fields[] = {
    {"account", "the account (id, external id or name), or 'ours' for our own ranking", 1},
    {"value", "a value of the list (see 'cvom align values')", 1},
    {"rank", "its place, 1 = most important; an account's rows replace its ranking", 1},
    {NULL, NULL, 0},
};

static const struct cvom_field_def signal_fields[] = {
    {"account", "the account (id, external id or name)", 1},
    {"signal", "the signal's name (define it first with 'cvom signal add')", 1},
    {"value", "the measured number", 1},
    {"date", "when it was measured, YYYY-MM-DD (default: --date or today)", 0},
    {NULL, NULL, 0},
};
static const struct cvom_field_def network_fields[] = {
    {"account", "the account (id, external id or name)", 1},
    {"kind", "introduction, peer_group or event", 1},
    {"title", "whom we introduced, which group or event", 1},
    {"date", "when, YYYY-MM-DD (default: --date or today)", 0},
    {"rating", "the customer's rating, 1-5 (empty: not rated yet)", 0},
    {"notes", "anything worth keeping", 0},
    {NULL, NULL, 0},
};

static const char *const kind_names[CVOM_IMPORT_KIND_ALL] = {
    [CVOM_IMPORT_ACCOUNTS] = "accounts",
    [CVOM_IMPORT_STAKEHOLDERS] = "stakeholders",
    [CVOM_IMPORT_RESPONSES] = "responses",
    [CVOM_IMPORT_OFFERINGS] = "offerings",
    [CVOM_IMPORT_RATINGS] = "ratings",
    [CVOM_IMPORT_VALUES] = "values",
    [CVOM_IMPORT_SIGNALS] = "signals",
    [CVOM_IMPORT_NETWORK] = "network",
};

const char *cvom_import_kind_name(enum cvom_import_kind k)
{
    return (unsigned)k < CVOM_IMPORT_KIND_ALL ? kind_names[k] : "?";
}

static int kind_parse(const char *s, int count)
{
    for (int k = 0; s && k < count; k++)
        if (strcmp(s, kind_names[k]) == 0)
            return k;
    return -1;
}

int cvom_import_kind_parse(const char *s)
{
    return kind_parse(s, CVOM_IMPORT_KIND_COUNT);
}

int cvom_import_kind_parse_all(const char *s)
{
    return kind_parse(s, CVOM_IMPORT_KIND_ALL);
}

const struct cvom_field_def *cvom_import_fields(enum cvom_import_kind k)
{
    switch (k) {
    case CVOM_IMPORT_ACCOUNTS: return cvom_account_fields;
    case CVOM_IMPORT_STAKEHOLDERS: return stakeholder_import_fields;
    case CVOM_IMPORT_OFFERINGS: return offering_fields;
    case CVOM_IMPORT_RATINGS: return rating_fields;
    case CVOM_IMPORT_VALUES: return value_fields;
    case CVOM_IMPORT_SIGNALS: return signal_fields;
    case CVOM_IMPORT_NETWORK: return network_fields;
    default: return response_fields;
    }
}

int cvom_import_field_index(enum cvom_import_kind k, const char *field)
{
    const struct cvom_field_def *f = cvom_import_fields(k);
    for (int i = 0; f[i].name; i++)
        if (strcmp(f[i].name, field) == 0)
            return i;
    return -1;
}

void cvom_import_opts_init(struct cvom_import_opts *o)
{
    memset(o, 0, sizeof *o);
}

struct parent_ref {
    int64_t id;
    char ref[CVOM_FIELD_MAX];
    long line, column, cell;
};

struct importer {
    struct cvom_store *st;
    struct cvom_error *err;
    enum cvom_import_kind kind;
    const char *path;
    const struct cvom_import_opts *o;
    const char *scope; /* owner scope, or NULL */
    struct cvom_import_result *res;
    const struct cvom_field_def *fields;
    size_t n_fields;
    int col[CVOM_IMPORT_FIELDS_MAX]; /* column of each field, -1 when absent */
    const struct cvom_csv_row *row;
    /* accounts: parents to resolve after all rows */
    struct parent_ref *parents;
    size_t n_parents, cap_parents;
    /* responses */
    int64_t instrument_id;
    struct cvom_instrument ins;
    struct cvom_assessment open; /* the assessment being filled */
    unsigned char answered[CVOM_ITEMS_MAX];
    /* values: the hierarchies this file has started, which it replaces */
    int64_t *ranked;
    size_t n_ranked, cap_ranked;
    /* signals: the signal named by the latest row */
    struct cvom_signal signal;
};

static void normalise(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    int sep = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && n + 2 < cap; p++) {
        if (isalnum(*p)) {
            if (sep && n)
                out[n++] = '_';
            out[n++] = (char)tolower(*p);
            sep = 0;
        } else {
            sep = 1;
        }
    }
    out[n] = '\0';
}

static int field_index(const struct importer *im, const char *name)
{
    for (size_t i = 0; i < im->n_fields; i++)
        if (strcmp(im->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Which field a header cell names: the explicit map first, then the field's own name, then
 * the aliases. */
static int match_column(const struct importer *im, const char *cell)
{
    for (size_t i = 0; i < im->o->n_map; i++)
        if (strcmp(cell, im->o->map[i].column) == 0)
            return field_index(im, im->o->map[i].field);
    char norm[CVOM_FIELD_MAX];
    normalise(cell, norm, sizeof norm);
    int f = field_index(im, norm);
    for (const struct alias *a = aliases; f < 0 && a->name; a++)
        if (strcmp(a->name, norm) == 0)
            f = field_index(im, a->field);
    return f;
}

/* The 1-based position of f in the current row, or 0 when f is not one of its cells. */
static long cell_of(const struct importer *im, const struct cvom_csv_field *f)
{
    for (size_t i = 0; f && im->row && i < im->row->n; i++)
        if (&im->row->fields[i] == f)
            return (long)i + 1;
    return 0;
}

/* Fail the import at f (or at the start of the row when f is NULL), keeping the field name
 * a validator put into err. msg may be err->message itself. */
static enum cvom_status row_error(struct importer *im, const struct cvom_csv_field *f,
                                  enum cvom_status st, const char *msg)
{
    struct cvom_error *err = im->err;
    char text[sizeof err->message], field[sizeof err->field] = "";
    cvom_copy(text, sizeof text, msg);
    if (msg == err->message)
        cvom_copy(field, sizeof field, err->field);
    cvom_error_set(err, st, "%s", text);
    im->res->error_cell = cell_of(im, f);
    cvom_copy(err->field, sizeof err->field, field);
    cvom_copy(err->file, sizeof err->file, im->path);
    err->line = f ? f->line : im->row->line;
    err->column = f ? f->column : 1;
    return st;
}

static const struct cvom_csv_field *cell(const struct importer *im, const char *field)
{
    int i = field_index(im, field);
    if (i < 0 || im->col[i] < 0 || (size_t)im->col[i] >= im->row->n)
        return NULL;
    return &im->row->fields[im->col[i]];
}

static const char *val(const struct importer *im, const char *field)
{
    const struct cvom_csv_field *f = cell(im, field);
    return f ? f->s : NULL;
}

/* Record what the header row says in the result: every column and its field. */
static void note_header(struct importer *im, const int *fields)
{
    struct cvom_import_result *res = im->res;
    const struct cvom_csv_row *row = im->row;
    res->header_found = 1;
    res->header_line = row->line;
    res->n_columns = row->n;
    for (size_t j = 0; j < row->n && j < CVOM_IMPORT_COLUMNS_MAX; j++) {
        struct cvom_import_column *c = &res->columns[j];
        cvom_copy(c->name, sizeof c->name, row->fields[j].s);
        c->column = (long)j + 1;
        c->field = fields[j];
    }
    for (size_t i = 0; i < im->n_fields; i++)
        res->field_column[i] = im->col[i] + 1;
}

static enum cvom_status header(struct importer *im)
{
    const struct cvom_csv_row *row = im->row;
    int *fields = calloc(row->n ? row->n : 1, sizeof *fields);
    if (!fields)
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; i < im->n_fields; i++)
        im->col[i] = -1;
    int found = 0;
    size_t dup = row->n; /* the first column naming a field already taken */
    for (size_t j = 0; j < row->n; j++) {
        int f = match_column(im, row->fields[j].s);
        fields[j] = f;
        if (f >= 0 && im->col[f] < 0) {
            im->col[f] = (int)j;
            found++;
        } else if (f >= 0 && dup == row->n) {
            dup = j;
        }
    }
    if (!found) {
        free(fields);
        return CVOM_ENOTFOUND;
    }
    note_header(im, fields);
    if (dup < row->n) {
        char msg[160];
        snprintf(msg, sizeof msg, "two columns map to the field '%s'",
                 im->fields[fields[dup]].name);
        free(fields);
        return row_error(im, &row->fields[dup], CVOM_EPARSE, msg);
    }
    free(fields);
    for (size_t i = 0; i < im->n_fields; i++)
        if (im->fields[i].required && im->col[i] < 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "no column for the required field '%s' (rename the "
                     "column or use --map COLUMN=%s)", im->fields[i].name, im->fields[i].name);
            return row_error(im, &row->fields[0], CVOM_EPARSE, msg);
        }
    return CVOM_OK;
}

/* ---- accounts within the owner scope ------------------------------------------------- */

static int in_scope(const struct importer *im, const struct cvom_account *a)
{
    return !im->scope || strcmp(a->owner, im->scope) == 0;
}

/* Looking for a reference among the scope's own accounts, by the store's order of
 * preference: numeric id, external id, exact name. */
struct scoped_find {
    const char *ref;
    long long id;
    int rank; /* of best: 0 id, 1 external id, 2 name, 3 none */
    struct cvom_account best;
};

static int scoped_find_cb(void *ctx, const struct cvom_account *a)
{
    struct scoped_find *s = ctx;
    int rank = s->id > 0 && a->id == s->id                ? 0
               : a->external_id[0] && !strcmp(a->external_id, s->ref) ? 1
               : !strcmp(a->name, s->ref)                 ? 2
                                                          : 3;
    if (rank < s->rank) {
        s->rank = rank;
        s->best = *a;
    }
    return rank == 0;
}

/* Resolve an account reference as the store does, but only among the accounts the import
 * may touch: with an owner scope, another owner's account is not found, and a name shared
 * with another owner's account still finds the scope's own. */
static enum cvom_status find_ref(struct importer *im, const char *ref, struct cvom_account *out)
{
    struct cvom_account a;
    enum cvom_status st = im->st->ops->account_find(im->st, ref, &a, im->err);
    if (st == CVOM_OK && in_scope(im, &a)) {
        *out = a;
        return CVOM_OK;
    }
    if (st != CVOM_OK && st != CVOM_ENOTFOUND)
        return st;
    if (!im->scope)
        return CVOM_ENOTFOUND;
    struct scoped_find *s = calloc(1, sizeof *s);
    if (!s)
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    s->ref = ref;
    s->rank = 3;
    long l;
    s->id = cvom_parse_long(ref, 1, 0x7fffffffL, &l) ? 0 : l;
    struct cvom_account_filter f;
    memset(&f, 0, sizeof f);
    cvom_copy(f.owner, sizeof f.owner, im->scope);
    st = im->st->ops->account_list(im->st, &f, scoped_find_cb, s, im->err);
    if (!st && s->rank < 3)
        *out = s->best;
    else if (!st)
        st = CVOM_ENOTFOUND;
    free(s);
    return st;
}

/* ---- accounts ------------------------------------------------------------------------ */

static void account_blank(struct cvom_account *a)
{
    memset(a, 0, sizeof *a);
    cvom_copy(a->currency, sizeof a->currency, "EUR");
}

static enum cvom_status remember_parent(struct importer *im, int64_t id, const char *ref,
                                        const struct cvom_csv_field *pf)
{
    if (im->n_parents == im->cap_parents) {
        size_t cap = im->cap_parents ? im->cap_parents * 2 : 64;
        void *g = realloc(im->parents, cap * sizeof *im->parents);
        if (!g)
            return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
        im->parents = g;
        im->cap_parents = cap;
    }
    struct parent_ref *p = &im->parents[im->n_parents++];
    p->id = id;
    cvom_copy(p->ref, sizeof p->ref, ref);
    p->line = pf->line;
    p->column = pf->column;
    p->cell = cell_of(im, pf);
    return CVOM_OK;
}

/* With an owner scope, an account row may only name that owner, and gets it when empty. */
static enum cvom_status scope_owner(struct importer *im, struct cvom_account *a)
{
    if (!im->scope)
        return CVOM_OK;
    if (!a->owner[0]) {
        cvom_copy(a->owner, sizeof a->owner, im->scope);
        return CVOM_OK;
    }
    if (strcmp(a->owner, im->scope) == 0)
        return CVOM_OK;
    char msg[240];
    snprintf(msg, sizeof msg, "owner: you may import only accounts you own (owner '%.60s', "
             "not '%.60s')", im->scope, a->owner);
    return row_error(im, cell(im, "owner"), CVOM_EINVAL, msg);
}

static enum cvom_status import_account(struct importer *im)
{
    struct cvom_store *st = im->st;
    struct cvom_account a;
    account_blank(&a);
    const char *ext = val(im, "external_id");
    int update = 0;
    if (ext && ext[0]) {
        /* Dedupe by external id: a known id updates that account. */
        enum cvom_status s = st->ops->account_find(st, ext, &a, im->err);
        if (s == CVOM_OK && strcmp(a.external_id, ext) == 0)
            update = 1;
        else if (s && s != CVOM_ENOTFOUND)
            return s;
        if (update && !in_scope(im, &a))
            return row_error(im, cell(im, "external_id"), CVOM_EINVAL,
                             "external_id: this id belongs to an account you do not own");
        if (!update)
            account_blank(&a);
    }
    char parent[CVOM_FIELD_MAX] = "";
    const struct cvom_csv_field *pf = NULL;
    for (size_t i = 0; i < im->n_fields; i++) {
        const struct cvom_csv_field *f = cell(im, im->fields[i].name);
        if (!f)
            continue;
        enum cvom_status s = cvom_account_set(&a, im->fields[i].name, f->s, parent, im->err);
        if (s)
            return row_error(im, f, s, im->err->message);
        if (strcmp(im->fields[i].name, "parent") == 0)
            pf = f;
    }
    enum cvom_status s = scope_owner(im, &a);
    if (s)
        return s;
    if ((s = cvom_account_check(&a, im->err)) != CVOM_OK)
        return row_error(im, cell(im, "name"), s, im->err->message);
    s = update ? st->ops->account_update(st, &a, im->err) : st->ops->account_add(st, &a, im->err);
    if (s)
        return row_error(im, NULL, s, im->err->message);
    update ? im->res->updated++ : im->res->added++;
    return parent[0] ? remember_parent(im, a.id, parent, pf) : CVOM_OK;
}

/* Parents may be named before or after their children: resolve them once all are in. */
static enum cvom_status resolve_parents(struct importer *im)
{
    struct cvom_store *st = im->st;
    for (size_t i = 0; i < im->n_parents; i++) {
        const struct parent_ref *p = &im->parents[i];
        struct cvom_account a, parent;
        const char *msg = NULL;
        enum cvom_status s = find_ref(im, p->ref, &parent);
        if (s == CVOM_ENOTFOUND)
            msg = "parent account not found";
        else if (!s && parent.id == p->id) {
            s = CVOM_EINVAL;
            msg = "an account cannot be its own parent";
        }
        if (!s)
            s = st->ops->account_get(st, p->id, &a, im->err);
        if (!s) {
            a.parent_id = parent.id;
            s = st->ops->account_update(st, &a, im->err);
        }
        if (s) {
            struct cvom_csv_field f = {.line = p->line, .column = p->column};
            row_error(im, &f, s, msg ? msg : im->err->message);
            im->res->error_cell = p->cell;
            return s;
        }
    }
    return CVOM_OK;
}

/* ---- stakeholders -------------------------------------------------------------------- */

static enum cvom_status find_account(struct importer *im, const char *field,
                                     struct cvom_account *a)
{
    const struct cvom_csv_field *f = cell(im, field);
    if (!f)
        return row_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    enum cvom_status s = find_ref(im, f->s, a);
    if (s == CVOM_ENOTFOUND) {
        char msg[240];
        if (im->scope)
            snprintf(msg, sizeof msg, "no account '%.100s' owned by %.60s", f->s, im->scope);
        else
            snprintf(msg, sizeof msg, "no account '%.120s' (import the accounts first)", f->s);
        return row_error(im, f, s, msg);
    }
    return s ? row_error(im, f, s, im->err->message) : CVOM_OK;
}

static void stakeholder_blank(struct cvom_stakeholder *s)
{
    memset(s, 0, sizeof *s);
    s->influence = 0.5;
}

static enum cvom_status import_stakeholder(struct importer *im)
{
    struct cvom_store *st = im->st;
    struct cvom_account a;
    enum cvom_status s = find_account(im, "account", &a);
    if (s)
        return s;
    struct cvom_stakeholder sh;
    stakeholder_blank(&sh);
    int update = 0;
    const char *ext = val(im, "external_id");
    if (ext && ext[0]) {
        s = st->ops->stakeholder_find(st, a.id, ext, &sh, im->err);
        update = s == CVOM_OK && strcmp(sh.external_id, ext) == 0;
        if (s && s != CVOM_ENOTFOUND)
            return s;
        if (!update)
            stakeholder_blank(&sh);
    }
    sh.account_id = a.id;
    for (size_t i = 1; i < im->n_fields; i++) {
        const struct cvom_csv_field *f = cell(im, im->fields[i].name);
        if (f && (s = cvom_stakeholder_set(&sh, im->fields[i].name, f->s, im->err)) != CVOM_OK)
            return row_error(im, f, s, im->err->message);
    }
    if ((s = cvom_stakeholder_check(&sh, im->err)) != CVOM_OK)
        return row_error(im, cell(im, "name"), s, im->err->message);
    s = update ? st->ops->stakeholder_update(st, &sh, im->err)
               : st->ops->stakeholder_add(st, &sh, im->err);
    if (s)
        return row_error(im, NULL, s, im->err->message);
    update ? im->res->updated++ : im->res->added++;
    return CVOM_OK;
}

/* ---- responses ----------------------------------------------------------------------- */

/* The respondent of a row: a stakeholder of the account for customers, our own person's
 * name for self-assessments. */
static enum cvom_status respondent(struct importer *im, const struct cvom_csv_field *fr,
                                   const struct cvom_account *a, struct cvom_assessment *next)
{
    if (next->kind != CVOM_RESP_CUSTOMER) {
        if (cvom_copy(next->respondent, sizeof next->respondent, fr->s))
            return row_error(im, fr, CVOM_ELIMIT, "respondent name too long");
        return CVOM_OK;
    }
    struct cvom_stakeholder sh;
    enum cvom_status s = im->st->ops->stakeholder_find(im->st, a->id, fr->s, &sh, im->err);
    if (s == CVOM_ENOTFOUND) {
        char msg[220];
        snprintf(msg, sizeof msg, "account '%.60s' has no stakeholder '%.60s' (import the "
                 "stakeholders first)", a->name, fr->s);
        return row_error(im, fr, s, msg);
    }
    if (s)
        return row_error(im, fr, s, im->err->message);
    next->stakeholder_id = sh.id;
    cvom_copy(next->respondent, sizeof next->respondent, sh.name);
    return CVOM_OK;
}

/* Consecutive rows of one respondent, account and date form one assessment. */
static enum cvom_status open_assessment(struct importer *im, struct cvom_assessment *next)
{
    const struct cvom_assessment *o = &im->open;
    if (o->id && o->account_id == next->account_id && o->kind == next->kind &&
        o->stakeholder_id == next->stakeholder_id && o->date == next->date &&
        strcmp(o->respondent, next->respondent) == 0)
        return CVOM_OK;
    enum cvom_status s = im->st->ops->assessment_add(im->st, next, im->err);
    if (s)
        return row_error(im, NULL, s, im->err->message);
    im->open = *next;
    memset(im->answered, 0, sizeof im->answered);
    im->res->added++;
    return CVOM_OK;
}

static enum cvom_status import_response(struct importer *im)
{
    const struct cvom_csv_field *fs = cell(im, "score"), *fi = cell(im, "item_id");
    const struct cvom_csv_field *fk = cell(im, "kind"), *fd = cell(im, "date");
    const struct cvom_csv_field *fr = cell(im, "respondent_id");
    if (!fs || !fi || !fr)
        return row_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    int j = cvom_instrument_find(&im->ins, fi->s);
    if (j < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "unknown item '%.60s' (not in %.60s version %d)", fi->s,
                 im->ins.name, im->ins.version);
        return row_error(im, fi, CVOM_EINVAL, msg);
    }
    if (fs->len == 0)
        return CVOM_OK; /* an item left unanswered */
    double v;
    const struct cvom_item *it = &im->ins.items[j];
    if (cvom_parse_double(fs->s, &v) || v < it->scale_min || v > it->scale_max) {
        char msg[160];
        snprintf(msg, sizeof msg, "score '%.40s' is not on %s's scale %d..%d", fs->s, it->code,
                 it->scale_min, it->scale_max);
        return row_error(im, fs, CVOM_EINVAL, msg);
    }
    int kind = fk && fk->len ? cvom_respondent_kind_parse(fk->s) : CVOM_RESP_CUSTOMER;
    if (kind < 0)
        return row_error(im, fk, CVOM_EINVAL, "kind must be customer or self");
    int32_t date = im->o->default_date;
    if (fd && fd->len && cvom_date_parse(fd->s, &date))
        return row_error(im, fd, CVOM_EINVAL, "date must be YYYY-MM-DD");
    struct cvom_account a;
    enum cvom_status s = find_account(im, "account_id", &a);
    if (s)
        return s;
    struct cvom_assessment next = {.account_id = a.id, .instrument_id = im->instrument_id,
                                   .kind = (enum cvom_respondent_kind)kind, .date = date,
                                   .status = CVOM_ASSESS_COMPLETE};
    if ((s = respondent(im, fr, &a, &next)) != CVOM_OK ||
        (s = open_assessment(im, &next)) != CVOM_OK)
        return s;
    if (im->answered[j]) {
        char msg[160];
        snprintf(msg, sizeof msg, "a second answer to %s by %.60s for the same date", it->code,
                 next.respondent);
        return row_error(im, fi, CVOM_EINVAL, msg);
    }
    im->answered[j] = 1;
    struct cvom_response r = {.assessment_id = im->open.id, .value = v};
    cvom_copy(r.item_code, sizeof r.item_code, it->code);
    if ((s = im->st->ops->response_put(im->st, &r, im->err)) != CVOM_OK)
        return row_error(im, NULL, s, im->err->message);
    im->res->updated++; /* answers, for responses */
    return CVOM_OK;
}

/* ---- offerings, ratings and value rankings ------------------------------------------ */

static enum cvom_status import_offering(struct importer *im)
{
    struct cvom_offering o;
    memset(&o, 0, sizeof o);
    const struct cvom_csv_field *fc = cell(im, "code"), *fn = cell(im, "name");
    const struct cvom_csv_field *fk = cell(im, "category");
    if (!fc || !fn)
        return row_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    if (cvom_copy(o.code, sizeof o.code, fc->s) || !cvom_trim(o.code)[0])
        return row_error(im, fc, CVOM_EINVAL, "code must be 1 to 63 bytes of text");
    if (cvom_copy(o.name, sizeof o.name, fn->s) || !cvom_trim(o.name)[0])
        return row_error(im, fn, CVOM_EINVAL, "name must be 1 to 127 bytes of text");
    if (fk && cvom_copy(o.category, sizeof o.category, fk->s))
        return row_error(im, fk, CVOM_ELIMIT, "category is longer than 127 bytes");
    cvom_trim(o.category);
    /* A known code updates its offering. */
    enum cvom_status s = im->st->ops->offering_update(im->st, &o, im->err);
    if (s == CVOM_ENOTFOUND) {
        if ((s = im->st->ops->offering_add(im->st, &o, im->err)) == CVOM_OK)
            im->res->added++;
    } else if (s == CVOM_OK) {
        im->res->updated++;
    }
    return s ? row_error(im, NULL, s, im->err->message) : CVOM_OK;
}

static enum cvom_status rating_number(struct importer *im, const char *field, double dflt,
                                      double *out)
{
    const struct cvom_csv_field *f = cell(im, field);
    if (!f || f->len == 0) {
        if (isnan(dflt))
            return row_error(im, f, CVOM_EINVAL, "a rating needs importance and performance");
        *out = dflt;
        return CVOM_OK;
    }
    if (cvom_parse_double(f->s, out)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: '%.40s' is not a number", field, f->s);
        return row_error(im, f, CVOM_EINVAL, msg);
    }
    return CVOM_OK;
}

static enum cvom_status import_rating(struct importer *im)
{
    struct cvom_offering_rating r;
    memset(&r, 0, sizeof r);
    struct cvom_account a;
    enum cvom_status s = find_account(im, "account", &a);
    if (s)
        return s;
    const struct cvom_csv_field *fo = cell(im, "offering");
    if (!fo)
        return row_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    struct cvom_offering o;
    s = im->st->ops->offering_find(im->st, fo->s, &o, im->err);
    if (s == CVOM_ENOTFOUND) {
        char msg[200];
        snprintf(msg, sizeof msg, "no offering '%.100s' (import the offerings first)", fo->s);
        return row_error(im, fo, s, msg);
    }
    if (s)
        return row_error(im, fo, s, im->err->message);
    if ((s = rating_number(im, "importance", NAN, &r.r.importance)) != CVOM_OK ||
        (s = rating_number(im, "performance", NAN, &r.r.performance)) != CVOM_OK ||
        (s = rating_number(im, "cost", 0, &r.r.cost)) != CVOM_OK)
        return s;
    if ((s = cvom_offer_rating_validate(&r.r, im->err)) != CVOM_OK)
        return row_error(im, cell(im, im->err->field), s, im->err->message);
    r.account_id = a.id;
    r.offering_id = o.id;
    if ((s = im->st->ops->rating_put(im->st, &r, im->err)) != CVOM_OK)
        return row_error(im, NULL, s, im->err->message);
    im->res->added++; /* ratings stored, new or replaced */
    return CVOM_OK;
}

/* The first row of a hierarchy in this file clears what the database held for it. */
static enum cvom_status start_ranking(struct importer *im, int64_t account_id)
{
    for (size_t i = 0; i < im->n_ranked; i++)
        if (im->ranked[i] == account_id)
            return CVOM_OK;
    if (im->n_ranked == im->cap_ranked) {
        size_t cap = im->cap_ranked ? im->cap_ranked * 2 : 32;
        void *g = realloc(im->ranked, cap * sizeof *im->ranked);
        if (!g)
            return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
        im->ranked = g;
        im->cap_ranked = cap;
    }
    im->ranked[im->n_ranked++] = account_id;
    enum cvom_status s = im->st->ops->ranking_clear(im->st, account_id, im->err);
    if (s)
        return row_error(im, NULL, s, im->err->message);
    im->res->added++;
    return CVOM_OK;
}

static enum cvom_status import_value(struct importer *im)
{
    const struct cvom_csv_field *fa = cell(im, "account"), *fv = cell(im, "value");
    const struct cvom_csv_field *fr = cell(im, "rank");
    if (!fa || !fv || !fr)
        return row_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    long rank;
    if (cvom_parse_long(fr->s, 1, CVOM_VALUES_MAX, &rank))
        return row_error(im, fr, CVOM_EINVAL, "rank must be a whole number from 1 to 64");
    char value[CVOM_VALUE_NAME_MAX];
    if (cvom_copy(value, sizeof value, fv->s) || !cvom_trim(value)[0])
        return row_error(im, fv, CVOM_EINVAL, "value must be 1 to 63 bytes of text");
    int64_t account_id = 0;
    enum cvom_status s;
    if (strcmp(fa->s, "ours") != 0) {
        struct cvom_account a;
        if ((s = find_account(im, "account", &a)) != CVOM_OK)
            return s;
        account_id = a.id;
    }
    if ((s = start_ranking(im, account_id)) != CVOM_OK)
        return s;
    s = im->st->ops->ranking_put(im->st, account_id, value, (int)rank, im->err);
    if (s == CVOM_EEXIST) {
        char msg[200];
        snprintf(msg, sizeof msg, "this ranking already has rank %ld or the value '%.60s'",
                 rank, value);
        return row_error(im, fr, s, msg);
    }
    if (s)
        return row_error(im, s == CVOM_ENOTFOUND ? fv : NULL, s, im->err->message);
    im->res->updated++;
    return CVOM_OK;
}

/* ---- signal values and the network ledger -------------------------------------------- */

static enum cvom_status row_date(struct importer *im, int32_t *date)
{
    const struct cvom_csv_field *fd = cell(im, "date");
    *date = im->o->default_date;
    if (fd && fd->len && cvom_date_parse(fd->s, date))
        return row_error(im, fd, CVOM_EINVAL, "date must be YYYY-MM-DD");
    return CVOM_OK;
}

static enum cvom_status import_signal(struct importer *im)
{
    const struct cvom_csv_field *fg = cell(im, "signal"), *fv = cell(im, "value");
    if (!fg || !fv)
        return row_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    struct cvom_signal_value v = {0};
    enum cvom_status s;
    /* Consecutive rows usually name the same signal: look it up once per change. */
    if (strcmp(fg->s, im->signal.def.name) != 0 || !im->signal.id) {
        s = im->st->ops->signal_find(im->st, fg->s, &im->signal, im->err);
        if (s) {
            im->signal.id = 0;
            return row_error(im, fg, s, im->err->message);
        }
    }
    if (im->signal.source == CVOM_SIGNAL_LEDGER) {
        char msg[200];
        snprintf(msg, sizeof msg, "%.60s comes from the network ledger (import network "
                 "entries instead)", im->signal.def.name);
        return row_error(im, fg, CVOM_EINVAL, msg);
    }
    if (fv->len == 0)
        return CVOM_OK; /* not measured */
    if (cvom_parse_double(fv->s, &v.value) || !(fabs(v.value) <= 1e300)) {
        char msg[160];
        snprintf(msg, sizeof msg, "value '%.40s' is not a number", fv->s);
        return row_error(im, fv, CVOM_EINVAL, msg);
    }
    if ((s = row_date(im, &v.date)) != CVOM_OK)
        return s;
    struct cvom_account a;
    if ((s = find_account(im, "account", &a)) != CVOM_OK)
        return s;
    v.account_id = a.id;
    v.signal_id = im->signal.id;
    if ((s = im->st->ops->signal_value_put(im->st, &v, im->err)) != CVOM_OK)
        return row_error(im, NULL, s, im->err->message);
    im->res->added++; /* values stored, new or replaced */
    return CVOM_OK;
}

static enum cvom_status import_network(struct importer *im)
{
    const struct cvom_csv_field *fk = cell(im, "kind"), *ft = cell(im, "title");
    const struct cvom_csv_field *fr = cell(im, "rating"), *fn = cell(im, "notes");
    if (!fk || !ft)
        return row_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    struct cvom_network_entry e;
    memset(&e, 0, sizeof e);
    e.rating = NAN;
    int kind = cvom_network_kind_parse(fk->s);
    if (kind < 0)
        return row_error(im, fk, CVOM_EINVAL, "kind must be introduction, peer_group or event");
    e.kind = (enum cvom_network_kind)kind;
    if (cvom_copy(e.title, sizeof e.title, ft->s) || !cvom_trim(e.title)[0])
        return row_error(im, ft, CVOM_EINVAL, "title must be 1 to 127 bytes of text");
    if (fn && cvom_copy(e.notes, sizeof e.notes, fn->s))
        return row_error(im, fn, CVOM_ELIMIT, "notes are longer than 127 bytes");
    if (fr && fr->len &&
        (cvom_parse_double(fr->s, &e.rating) || !(e.rating >= 1 && e.rating <= 5)))
        return row_error(im, fr, CVOM_EINVAL, "rating must be a number from 1 to 5");
    enum cvom_status s = row_date(im, &e.date);
    struct cvom_account a;
    if (s || (s = find_account(im, "account", &a)) != CVOM_OK)
        return s;
    e.account_id = a.id;
    if ((s = im->st->ops->network_add(im->st, &e, im->err)) != CVOM_OK)
        return row_error(im, NULL, s, im->err->message);
    im->res->added++;
    return CVOM_OK;
}

static enum cvom_status (*const handlers[CVOM_IMPORT_KIND_ALL])(struct importer *) = {
    [CVOM_IMPORT_ACCOUNTS] = import_account,
    [CVOM_IMPORT_STAKEHOLDERS] = import_stakeholder,
    [CVOM_IMPORT_RESPONSES] = import_response,
    [CVOM_IMPORT_OFFERINGS] = import_offering,
    [CVOM_IMPORT_RATINGS] = import_rating,
    [CVOM_IMPORT_VALUES] = import_value,
    [CVOM_IMPORT_SIGNALS] = import_signal,
    [CVOM_IMPORT_NETWORK] = import_network,
};

/* ---- the run ------------------------------------------------------------------------- */

static int non_empty(const struct cvom_csv_row *row)
{
    int n = 0;
    for (size_t i = 0; i < row->n; i++)
        n += row->fields[i].len > 0;
    return n;
}

static enum cvom_status load_instrument(struct importer *im)
{
    struct cvom_store *st = im->st;
    im->instrument_id = im->o->instrument_id;
    enum cvom_status s = CVOM_OK;
    if (!im->instrument_id) {
        s = st->ops->instrument_latest(st, "default", &im->instrument_id, im->err);
        if (s == CVOM_ENOTFOUND)
            cvom_error_set(im->err, s, "no instrument 'default'");
    }
    if (!s)
        s = st->ops->instrument_get(st, im->instrument_id, &im->ins, im->err);
    return s;
}

/* Read every row: skip a short preamble, recognise the header, then one record per row. */
static enum cvom_status read_rows(struct importer *im, struct cvom_csv *csv)
{
    int have_header = 0, preamble = 0;
    struct cvom_csv_row row;
    enum cvom_status s;
    while (!(s = cvom_csv_next(csv, &row, im->err)) && !row.eof) {
        im->row = &row;
        if (!have_header) {
            s = header(im);
            if (s == CVOM_ENOTFOUND) {
                /* Exports sometimes open with a title line or two; anything else before a
                 * recognisable header is an error, not data to guess about. */
                if (non_empty(&row) <= 1 && ++preamble <= PREAMBLE_MAX)
                    continue;
                return row_error(im, &row.fields[0], CVOM_EPARSE,
                                 "no header row: the first line must name the columns "
                                 "(see 'cvom import --help' or use --map COLUMN=FIELD)");
            }
            if (s)
                return s;
            have_header = 1;
            continue;
        }
        if ((s = handlers[im->kind](im)) != CVOM_OK)
            return s;
        im->res->rows++;
        if (im->o->progress && im->res->rows % PROGRESS_EVERY == 0)
            im->o->progress(im->o->progress_ctx, im->res->rows, cvom_csv_offset(csv));
    }
    im->row = NULL;
    if (s)
        return s;
    if (!have_header) {
        struct cvom_csv_field start = {.line = 1, .column = 1};
        return row_error(im, &start, CVOM_EPARSE, "no header row and no data");
    }
    return im->kind == CVOM_IMPORT_ACCOUNTS ? resolve_parents(im) : CVOM_OK;
}

enum cvom_status cvom_import_run(struct cvom_store *st, enum cvom_import_kind kind,
                                 struct cvom_csv *csv, const char *name,
                                 const struct cvom_import_opts *o, struct cvom_import_result *res,
                                 struct cvom_error *err)
{
    struct cvom_error scratch;
    if (!err)
        err = &scratch; /* the engine reads back what validators wrote */
    memset(res, 0, sizeof *res);
    if ((unsigned)kind >= CVOM_IMPORT_KIND_ALL)
        return cvom_error_set(err, CVOM_EINVAL, "unknown kind of import");
    /* The catalogue and the value hierarchies are the whole team's, not one owner's. */
    if ((kind == CVOM_IMPORT_OFFERINGS || kind == CVOM_IMPORT_VALUES) && o->owner_scope &&
        o->owner_scope[0])
        return cvom_error_set(err, CVOM_EINVAL, "only an administrator may import %s",
                              kind_names[kind]);
    struct importer *im = calloc(1, sizeof *im);
    if (!im)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    im->st = st;
    im->err = err;
    im->kind = kind;
    im->path = name ? name : "-";
    im->o = o;
    im->scope = o->owner_scope && o->owner_scope[0] ? o->owner_scope : NULL;
    im->res = res;
    im->fields = cvom_import_fields(kind);
    while (im->fields[im->n_fields].name)
        im->n_fields++;
    cvom_instrument_init(&im->ins);
    enum cvom_status s = kind == CVOM_IMPORT_RESPONSES ? load_instrument(im) : CVOM_OK;
    if (!s)
        s = read_rows(im, csv);
    free(im->parents);
    free(im->ranked);
    cvom_instrument_cleanup(&im->ins);
    free(im);
    return s;
}
