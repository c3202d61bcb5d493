/* import.c — the import engine: rows from a CSV file or a workbook's sheet, the header
 * found and matched to fields (import_map.c), each row decoded (cvom's spreadsheet guard
 * undone, numbers in the file's notation made plain), checked against the header and
 * handed to its kind's handler (import_records.c, import_catalogue.c), the first bad row
 * reported with its place, and the first rows kept as a preview. Transactions belong to
 * the caller. */
#include "service/import_internal.h"

#include "io/util.h"
#include "io/xlsx.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREAMBLE_MAX 10 /* title lines tolerated above the header */
#define PROGRESS_EVERY 65536

static const struct cvom_field_def stakeholder_import_fields[] = {
    {"account", "the account (id, external id or name)", 1, 0},
    {"name", "", 1, 0},
    {"external_id", "", 0, 0},
    {"role", "", 0, 0},
    {"influence", "", 0, 1},
    {"stance", "", 0, 0},
    {"email", "", 0, 0},
    {"reports_to", "", 0, 0},
    {"last_contact", "", 0, 0},
    {"channel", "", 0, 0},
    {"counterpart", "", 0, 0},
    {"notes", "", 0, 0},
    {"language", "", 0, 0},
    {NULL, NULL, 0, 0},
};
static const struct cvom_field_def response_fields[] = {
    {"account_id", "the account (id, external id or name)", 1, 0},
    {"respondent_id", "the stakeholder (id, external id or name), or our person for kind=self", 1,
     0},
    {"item_id", "the instrument's item code", 1, 0},
    {"score", "the answer on the item's scale (empty: not answered)", 1, 1},
    {"date", "date of the assessment, YYYY-MM-DD (default: --date or today)", 0, 0},
    {"kind", "customer (default) or self", 0, 0},
    {NULL, NULL, 0, 0},
};

static const struct cvom_field_def offering_fields[] = {
    {"code", "the offering's short code, unique in the catalogue (a known code updates it)", 1, 0},
    {"name", "what it is called", 1, 0},
    {"category", "core product, add-on service, or any other category", 0, 0},
    {NULL, NULL, 0, 0},
};
static const struct cvom_field_def rating_fields[] = {
    {"account", "the account (id, external id or name)", 1, 0},
    {"offering", "the offering (code or id)", 1, 0},
    {"importance", "how important it is to the customer, 1-7", 1, 1},
    {"performance", "how well we perform it: their satisfaction, 1-7", 1, 1},
    {"cost", "our annual cost to serve it, 0 or more (default 0)", 0, 1},
    {NULL, NULL, 0, 0},
};
static const struct cvom_field_def value_fields[] = {
    {"account", "the account (id, external id or name), or 'ours' for our own ranking", 1, 0},
    {"value", "a value of the list (see 'cvom align values')", 1, 0},
    {"rank", "its place, 1 = most important; an account's rows replace its ranking", 1, 1},
    {NULL, NULL, 0, 0},
};

static const struct cvom_field_def signal_fields[] = {
    {"account", "the account (id, external id or name)", 1, 0},
    {"signal", "the signal's name (define it first with 'cvom signal add')", 1, 0},
    {"value", "the measured number", 1, 1},
    {"date", "when it was measured, YYYY-MM-DD (default: --date or today)", 0, 0},
    {NULL, NULL, 0, 0},
};
static const struct cvom_field_def network_fields[] = {
    {"account", "the account (id, external id or name)", 1, 0},
    {"kind", "introduction, peer_group or event", 1, 0},
    {"title", "whom we introduced, which group or event", 1, 0},
    {"date", "when, YYYY-MM-DD (default: --date or today)", 0, 0},
    {"rating", "the customer's rating, 1-5 (empty: not rated yet)", 0, 1},
    {"notes", "anything worth keeping", 0, 0},
    {NULL, NULL, 0, 0},
};

static const char *const kind_names[CVOM_IMPORT_KIND_ALL] = {
    [CVOM_IMPORT_ACCOUNTS] = "accounts",   [CVOM_IMPORT_STAKEHOLDERS] = "stakeholders",
    [CVOM_IMPORT_RESPONSES] = "responses", [CVOM_IMPORT_OFFERINGS] = "offerings",
    [CVOM_IMPORT_RATINGS] = "ratings",     [CVOM_IMPORT_VALUES] = "values",
    [CVOM_IMPORT_SIGNALS] = "signals",     [CVOM_IMPORT_NETWORK] = "network",
};

const char *cvom__import_kind_name(enum cvom_import_kind k)
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

int cvom__import_kind_parse(const char *s)
{
    return kind_parse(s, CVOM_IMPORT_KIND_COUNT);
}

int cvom__import_kind_parse_all(const char *s)
{
    return kind_parse(s, CVOM_IMPORT_KIND_ALL);
}

const struct cvom_field_def *cvom__import_fields(enum cvom_import_kind k)
{
    switch (k) {
    case CVOM_IMPORT_ACCOUNTS: return cvom__account_fields;
    case CVOM_IMPORT_STAKEHOLDERS: return stakeholder_import_fields;
    case CVOM_IMPORT_OFFERINGS: return offering_fields;
    case CVOM_IMPORT_RATINGS: return rating_fields;
    case CVOM_IMPORT_VALUES: return value_fields;
    case CVOM_IMPORT_SIGNALS: return signal_fields;
    case CVOM_IMPORT_NETWORK: return network_fields;
    default: return response_fields;
    }
}

int cvom__import_field_index(enum cvom_import_kind k, const char *field)
{
    const struct cvom_field_def *f = cvom__import_fields(k);
    for (int i = 0; f[i].name; i++)
        if (strcmp(f[i].name, field) == 0)
            return i;
    return -1;
}

void cvom__import_opts_init(struct cvom_import_opts *o)
{
    memset(o, 0, sizeof *o);
}

/* ---- cells and errors ----------------------------------------------------------------- */

static int field_index(const struct importer *im, const char *name)
{
    for (size_t i = 0; i < im->n_fields; i++)
        if (strcmp(im->fields[i].name, name) == 0)
            return (int)i;
    return -1;
}

long cvom__imp_cell_of(const struct importer *im, const struct cvom_csv_field *f)
{
    for (size_t i = 0; f && im->row && i < im->row->n; i++)
        if (&im->row->fields[i] == f)
            return (long)i + 1;
    return 0;
}

const struct cvom_csv_field *cvom__imp_cell(const struct importer *im, const char *field)
{
    int i = field_index(im, field);
    if (i < 0 || im->col[i] < 0 || !im->row || (size_t)im->col[i] >= im->row->n)
        return NULL;
    return &im->row->fields[im->col[i]];
}

const char *cvom__imp_val(const struct importer *im, const char *field)
{
    const struct cvom_csv_field *f = cvom__imp_cell(im, field);
    return f ? f->s : NULL;
}

enum cvom_status cvom__imp_error(struct importer *im, const struct cvom_csv_field *f,
                                 enum cvom_status st, const char *msg)
{
    struct cvom_error *err = im->err;
    char text[sizeof err->message], field[sizeof err->field] = "";
    cvom__copy_str(text, sizeof text, msg);
    /* A row written earlier and held back by the store, refused now: its own place. */
    long held_line = !f && msg == err->message ? err->line : 0;
    long held_column = err->column;
    if (msg == err->message)
        cvom__copy_str(field, sizeof field, err->field);
    cvom_error_set(err, st, "%s", text);
    im->res->error_cell = cvom__imp_cell_of(im, f);
    cvom__copy_str(err->field, sizeof err->field, field);
    cvom__copy_str(err->file, sizeof err->file, im->path);
    err->line = f ? f->line : held_line > 0 ? held_line : im->row ? im->row->line : 0;
    err->column = f ? f->column : held_line > 0 ? held_column : 1;
    return st;
}

void cvom__imp_line_name(const struct importer *im, long line, char *buf, size_t cap)
{
    snprintf(buf, cap, "%s %ld", im->src->xlsx ? "row" : "line", line);
}

enum cvom_status cvom__imp_once(struct importer *im, const char *key,
                                const struct cvom_csv_field *f, const char *what)
{
    long line = f ? f->line : im->row->line;
    int added;
    struct cvom_keymap_value *v =
        cvom__keymap_put(&im->seen, key, (struct cvom_keymap_value){.line = line}, &added);
    if (!v)
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    if (added)
        return CVOM_OK;
    char msg[300], first[32];
    cvom__imp_line_name(im, v->line, first, sizeof first);
    snprintf(msg, sizeof msg,
             "%s is named again: %s has it already, and a file may name "
             "each record once",
             what, first);
    return cvom__imp_error(im, f, CVOM_EEXIST, msg);
}

/* The date of a row: its cell, or the default when the cell is empty or absent. */
enum cvom_status cvom__imp_date(struct importer *im, const struct cvom_csv_field *f, int32_t *date)
{
    *date = im->o->default_date;
    if (!f || !f->len)
        return CVOM_OK;
    char why[160];
    if (cvom__date_check(f->s, date, why, sizeof why) == CVOM_OK)
        return CVOM_OK;
    char msg[200];
    snprintf(msg, sizeof msg, "date: %s", why);
    return cvom__imp_error(im, f, CVOM_EINVAL, msg);
}

/* ---- accounts within the owner scope ------------------------------------------------- */

int cvom__imp_in_scope(const struct importer *im, const struct cvom_account *a)
{
    return !im->scope || strcmp(a->owner, im->scope) == 0;
}

/* Keep a name in the importer's text: its offset, or -1 when memory runs out. */
static long keep_name(struct importer *im, const char *name)
{
    size_t n = strlen(name) + 1;
    char *g = cvom__grow(im->text, &im->text_cap, im->text_len + n, 1, (size_t)1 << 32);
    if (!g)
        return -1;
    im->text = g;
    memcpy(im->text + im->text_len, name, n);
    im->text_len += n;
    return (long)(im->text_len - n);
}

static int names_cb(void *ctx, const struct cvom_account *a)
{
    struct importer *im = ctx;
    char key[CVOM_FIELD_MAX * 2];
    cvom__name_key(a->name, key, sizeof key);
    if (!cvom__keymap_put(&im->names, key, (struct cvom_keymap_value){.id = a->id}, NULL))
        return -1;
    if (im->scope || !a->external_id[0])
        return 0;
    long at = im->kind == CVOM_IMPORT_RESPONSES ? keep_name(im, a->name) : -1;
    return cvom__keymap_put(&im->externals, a->external_id,
                            (struct cvom_keymap_value){.id = a->id, .line = at}, NULL)
               ? 0
               : -1;
}

static int people_cb(void *ctx, const struct cvom_stakeholder *sh)
{
    struct importer *im = ctx;
    if (!sh->external_id[0])
        return 0;
    char key[CVOM_FIELD_MAX + 24];
    snprintf(key, sizeof key, "%" PRId64 "|%s", sh->account_id, sh->external_id);
    long at = keep_name(im, sh->name);
    return at >= 0 && cvom__keymap_put(&im->people, key,
                                       (struct cvom_keymap_value){.id = sh->id, .line = at}, NULL)
               ? 0
               : -1;
}

/* All digits: a reference the store reads as an id first. */
static int numeric(const char *ref)
{
    return ref[0] && strspn(ref, "0123456789") == strlen(ref);
}

int cvom__imp_person(struct importer *im, int64_t account_id, const char *ref, int64_t *id,
                     const char **name)
{
    if (numeric(ref))
        return 0;
    if (!im->people_ready) {
        if (im->st->ops->stakeholder_list(im->st, 0, people_cb, im, im->err) != CVOM_OK)
            return -1;
        im->people_ready = 1;
    }
    char key[CVOM_FIELD_MAX + 24];
    snprintf(key, sizeof key, "%" PRId64 "|%s", account_id, ref);
    const struct cvom_keymap_value *v = cvom__keymap_get(&im->people, key);
    if (!v || v->line < 0)
        return 0;
    *id = v->id;
    *name = im->text + v->line;
    return 1;
}

const char *cvom__imp_name_key(struct importer *im, const char *name)
{
    if (strcmp(name, im->key_of) != 0 || !im->key_of[0]) {
        cvom__name_key(name, im->key, sizeof im->key);
        if (cvom__copy_str(im->key_of, sizeof im->key_of, name))
            im->key_of[0] = '\0'; /* too long to remember: made again next time */
    }
    return im->key;
}

enum cvom_status cvom__imp_names(struct importer *im)
{
    if (im->names_ready)
        return CVOM_OK;
    struct cvom_account_filter f;
    memset(&f, 0, sizeof f);
    if (im->scope)
        cvom__copy_str(f.owner, sizeof f.owner, im->scope);
    enum cvom_status s = im->st->ops->account_list(im->st, &f, names_cb, im, im->err);
    if (s)
        return s;
    im->names_ready = 1;
    return CVOM_OK;
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
    int rank = s->id > 0 && a->id == s->id                            ? 0
               : a->external_id[0] && !strcmp(a->external_id, s->ref) ? 1
               : !strcmp(a->name, s->ref)                             ? 2
                                                                      : 3;
    if (rank < s->rank) {
        s->rank = rank;
        s->best = *a;
    }
    return rank == 0;
}

static enum cvom_status scoped_find(struct importer *im, const char *ref, struct cvom_account *out)
{
    struct scoped_find *s = calloc(1, sizeof *s);
    if (!s)
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    s->ref = ref;
    s->rank = 3;
    long l;
    s->id = cvom__parse_long(ref, 1, 0x7fffffffL, &l) ? 0 : l;
    struct cvom_account_filter f;
    memset(&f, 0, sizeof f);
    cvom__copy_str(f.owner, sizeof f.owner, im->scope);
    enum cvom_status st = im->st->ops->account_list(im->st, &f, scoped_find_cb, s, im->err);
    if (!st && s->rank < 3)
        *out = s->best;
    else if (!st)
        st = CVOM_ENOTFOUND;
    free(s);
    return st;
}

/* The one account whose name has ref's key. */
static enum cvom_status find_by_name_key(struct importer *im, const char *ref,
                                         struct cvom_account *out)
{
    enum cvom_status st = cvom__imp_names(im);
    if (st)
        return st;
    char key[CVOM_FIELD_MAX * 2];
    struct cvom_keymap_value *v =
        cvom__keymap_get(&im->names, cvom__name_key(ref, key, sizeof key));
    if (!v)
        return CVOM_ENOTFOUND;
    if (v->count > 1)
        return cvom_error_set(im->err, CVOM_EINVAL,
                              "%d accounts are named '%.60s': name it "
                              "by its id or external id",
                              v->count, ref);
    return im->st->ops->account_get(im->st, v->id, out, im->err);
}

/* Resolve an account reference as the store does, but only among the accounts the import
 * may touch: with an owner scope, another owner's account is not found, and a name shared
 * with another owner's account still finds the scope's own. Failing that, the name is
 * compared ignoring case and spaces. */
enum cvom_status cvom__imp_find_ref(struct importer *im, const char *ref, struct cvom_account *out)
{
    struct cvom_account a;
    enum cvom_status st = im->st->ops->account_find(im->st, ref, &a, im->err);
    if (st == CVOM_OK && cvom__imp_in_scope(im, &a)) {
        *out = a;
        return CVOM_OK;
    }
    if (st != CVOM_OK && st != CVOM_ENOTFOUND)
        return st;
    if (im->scope && (st = scoped_find(im, ref, out)) != CVOM_ENOTFOUND)
        return st;
    return find_by_name_key(im, ref, out);
}

enum cvom_status cvom__imp_find_account(struct importer *im, const char *field,
                                        struct cvom_account *a)
{
    const struct cvom_csv_field *f = cvom__imp_cell(im, field);
    if (!f)
        return cvom__imp_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    /* Accounts do not change under any other kind: the previous row's account holds. */
    int cached = im->kind != CVOM_IMPORT_ACCOUNTS;
    if (cached && im->last_account.id && strcmp(f->s, im->last_ref) == 0) {
        *a = im->last_account;
        return CVOM_OK;
    }
    enum cvom_status s = CVOM_ENOTFOUND;
    /* Answers: an account named by its external id is in the index, with its name. */
    const struct cvom_keymap_value *v = NULL;
    if (im->kind == CVOM_IMPORT_RESPONSES && !im->scope && !numeric(f->s) &&
        (s = cvom__imp_names(im)) == CVOM_OK)
        v = cvom__keymap_get(&im->externals, f->s);
    if (v && v->line >= 0) {
        memset(a, 0, sizeof *a);
        a->id = v->id;
        cvom__copy_str(a->external_id, sizeof a->external_id, f->s);
        cvom__copy_str(a->name, sizeof a->name, im->text + v->line);
    } else if (s == CVOM_OK || s == CVOM_ENOTFOUND) {
        s = cvom__imp_find_ref(im, f->s, a);
    }
    im->last_account.id = 0;
    if (s == CVOM_OK && cached && !cvom__copy_str(im->last_ref, sizeof im->last_ref, f->s))
        im->last_account = *a;
    if (s == CVOM_ENOTFOUND) {
        char msg[240];
        if (im->scope)
            snprintf(msg, sizeof msg, "no account '%.100s' owned by %.60s", f->s, im->scope);
        else
            snprintf(msg, sizeof msg, "no account '%.120s' (import the accounts first)", f->s);
        return cvom__imp_error(im, f, s, msg);
    }
    return s ? cvom__imp_error(im, f, s, im->err->message) : CVOM_OK;
}

/* ---- the header ------------------------------------------------------------------------ */

/* Record what the header row says in the result: every column and its field. */
static void note_header(struct importer *im, const int *fields, const enum cvom_import_how *how,
                        const int *shadow)
{
    struct cvom_import_result *res = im->res;
    const struct cvom_csv_row *row = im->row;
    res->header_found = 1;
    res->header_line = row->line;
    res->n_columns = row->n;
    for (size_t j = 0; j < row->n && j < CVOM_IMPORT_COLUMNS_MAX; j++) {
        struct cvom_import_column *c = &res->columns[j];
        cvom__copy_str(c->name, sizeof c->name, row->fields[j].s);
        c->column = (long)j + 1;
        c->field = fields[j];
        c->how = how[j];
        c->shadowed_by = shadow[j];
    }
    for (size_t i = 0; i < im->n_fields; i++)
        res->field_column[i] = im->col[i] + 1;
}

/* For each field the column of the best rank; another column of the same rank is an
 * error (*dup), one of a worse rank is left out (shadowed). */
static void choose_columns(struct importer *im, int *fields, enum cvom_import_how *how, int *shadow,
                           size_t *dup)
{
    const struct cvom_csv_row *row = im->row;
    int rank[CVOM_IMPORT_FIELDS_MAX];
    for (size_t i = 0; i < im->n_fields; i++)
        im->col[i] = -1;
    for (size_t j = 0; j < row->n; j++) {
        int f = fields[j];
        if (f < 0)
            continue;
        int r = cvom__import_rank(im->kind, row->fields[j].s, how[j]);
        if (im->col[f] < 0 || r < rank[f]) {
            im->col[f] = (int)j;
            rank[f] = r;
        } else if (r == rank[f] && *dup == row->n) {
            *dup = j;
        }
    }
    for (size_t j = 0; j < row->n; j++) {
        int f = fields[j];
        if (f >= 0 && im->col[f] != (int)j && *dup != j) {
            how[j] = CVOM_HOW_SHADOWED;
            shadow[j] = im->col[f] + 1;
        }
    }
}

static enum cvom_status header(struct importer *im)
{
    const struct cvom_csv_row *row = im->row;
    size_t n = row->n ? row->n : 1;
    int *fields = calloc(n, sizeof *fields), *shadow = calloc(n, sizeof *shadow);
    enum cvom_import_how *how = calloc(n, sizeof *how);
    enum cvom_status st = CVOM_OK;
    if (!fields || !shadow || !how) {
        st = cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
        goto done;
    }
    int found = 0;
    for (size_t j = 0; j < row->n; j++) {
        fields[j] = cvom__import_match(im->kind, im->o, row->fields[j].s, &how[j]);
        found += fields[j] >= 0;
    }
    if (!found) {
        st = CVOM_ENOTFOUND;
        goto done;
    }
    size_t dup = row->n;
    choose_columns(im, fields, how, shadow, &dup);
    note_header(im, fields, how, shadow);
    im->header_n = row->n;
    if (dup < row->n) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "two columns map to the field '%s' (say which with --map "
                 "COLUMN=%s and --map OTHER=ignored)",
                 im->fields[fields[dup]].name, im->fields[fields[dup]].name);
        st = cvom__imp_error(im, &row->fields[dup], CVOM_EPARSE, msg);
        goto done;
    }
    for (size_t i = 0; i < im->n_fields; i++)
        if (im->fields[i].required && im->col[i] < 0) {
            char msg[200];
            snprintf(msg, sizeof msg,
                     "no column for the required field '%s' (rename the "
                     "column or use --map COLUMN=%s)",
                     im->fields[i].name, im->fields[i].name);
            st = cvom__imp_error(im, &row->fields[0], CVOM_EPARSE, msg);
            goto done;
        }
done:
    free(fields);
    free(shadow);
    free(how);
    return st;
}

/* ---- decoding a row ------------------------------------------------------------------ */

static int non_empty(const struct cvom_csv_row *row)
{
    int n = 0;
    for (size_t i = 0; i < row->n; i++)
        n += row->fields[i].len > 0;
    return n;
}

/* Undo cvom's own spreadsheet guard in every cell, so that what cvom exported comes back
 * as it was. */
static void unguard_row(struct cvom_csv_row *row)
{
    for (size_t i = 0; i < row->n; i++) {
        struct cvom_csv_field *f = &row->fields[i];
        const char *u = cvom__csv_unguard(f->s);
        f->len -= (size_t)(u - f->s);
        f->s = u;
    }
}

/* Cells past the header's last column must be empty: their text would belong to no field. */
static enum cvom_status extra_cells(struct importer *im, const struct cvom_csv_row *row)
{
    for (size_t j = im->header_n; j < row->n; j++) {
        if (!row->fields[j].len)
            continue;
        char msg[160];
        snprintf(msg, sizeof msg,
                 "row has %zu fields, the header has %zu (the text here "
                 "belongs to no column)",
                 row->n, im->header_n);
        return cvom__imp_error(im, &row->fields[j], CVOM_EPARSE, msg);
    }
    return CVOM_OK;
}

/* A workbook cell that cannot be read as a value: an error, or a formula never computed. */
static enum cvom_status cell_flags(struct importer *im, const struct cvom_csv_field *f,
                                   const char *field)
{
    char msg[200];
    if (f->flags & CVOM_CELL_ERROR)
        snprintf(msg, sizeof msg, "%s: the cell holds the spreadsheet error %.20s", field, f->s);
    else
        snprintf(msg, sizeof msg,
                 "%s: the cell's formula has no saved value (open the "
                 "workbook in a spreadsheet and save it again)",
                 field);
    return cvom__imp_error(im, f, CVOM_EINVAL, msg);
}

/* Numbers in the file's notation ("1.234,50", "1,234,567") in the plain form the
 * validators read; workbook cells that hold no value refused. */
static enum cvom_status decode_cells(struct importer *im, struct cvom_csv_row *row)
{
    for (size_t i = 0; i < im->n_fields; i++) {
        if (im->col[i] < 0 || (size_t)im->col[i] >= row->n)
            continue;
        struct cvom_csv_field *f = &row->fields[im->col[i]];
        if (f->flags)
            return cell_flags(im, f, im->fields[i].name);
        if (!im->fields[i].number || !f->len)
            continue;
        char why[200];
        if (cvom__number_canonical(f->s, im->o->decimal_comma, im->number[i], sizeof im->number[i],
                                   why, sizeof why)) {
            char msg[260];
            snprintf(msg, sizeof msg, "%s: %s", im->fields[i].name, why);
            return cvom__imp_error(im, f, CVOM_EINVAL, msg);
        }
        f->s = im->number[i];
        f->len = strlen(im->number[i]);
    }
    return CVOM_OK;
}

/* The first rows, as they will be stored, for a face to show before anything is written. */
static void keep_preview(struct importer *im)
{
    struct cvom_import_result *res = im->res;
    if (res->n_preview == CVOM_IMPORT_PREVIEW_ROWS)
        return;
    struct cvom_import_preview_row *p = &res->preview[res->n_preview++];
    p->line = im->row->line;
    cvom__copy_str(p->action, sizeof p->action, im->action[0] ? im->action : "store");
    for (size_t i = 0; i < im->n_fields; i++) {
        const char *v = cvom__imp_val(im, im->fields[i].name);
        cvom__copy_str(p->value[i], sizeof p->value[i], v ? v : "");
    }
}

/* ---- the run ------------------------------------------------------------------------- */

static enum cvom_status (*const handlers[CVOM_IMPORT_KIND_ALL])(struct importer *) = {
    [CVOM_IMPORT_ACCOUNTS] = cvom__import_account,
    [CVOM_IMPORT_STAKEHOLDERS] = cvom__import_stakeholder,
    [CVOM_IMPORT_RESPONSES] = cvom__import_response,
    [CVOM_IMPORT_OFFERINGS] = cvom__import_offering,
    [CVOM_IMPORT_RATINGS] = cvom__import_rating,
    [CVOM_IMPORT_VALUES] = cvom__import_value,
    [CVOM_IMPORT_SIGNALS] = cvom__import_signal,
    [CVOM_IMPORT_NETWORK] = cvom__import_network,
};

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

static enum cvom_status next_row(struct importer *im, struct cvom_csv_row *row)
{
    if (im->src->xlsx)
        return cvom__xlsx_next(im->src->xlsx, row, im->err);
    return cvom__csv_next(im->src->csv, row, im->err);
}

static size_t offset(const struct importer *im)
{
    return im->src->xlsx ? cvom__xlsx_offset(im->src->xlsx) : cvom__csv_offset(im->src->csv);
}

/* One data row: checked against the header, decoded, handed to its kind. */
static enum cvom_status data_row(struct importer *im, struct cvom_csv_row *row)
{
    enum cvom_status s;
    im->action[0] = '\0';
    if (im->holding)
        im->st->ops->hold_at(im->st, row->line, 1);
    if ((s = extra_cells(im, row)) != CVOM_OK || (s = decode_cells(im, row)) != CVOM_OK ||
        (s = handlers[im->kind](im)) != CVOM_OK)
        return s;
    keep_preview(im);
    im->res->rows++;
    if (im->o->progress && im->res->rows % PROGRESS_EVERY == 0)
        im->o->progress(im->o->progress_ctx, im->res->rows, offset(im));
    return CVOM_OK;
}

/* Exports sometimes open with a title line or two; anything else before a recognisable
 * header is an error, not data to guess about. */
static enum cvom_status before_header(struct importer *im, const struct cvom_csv_row *row,
                                      int *preamble)
{
    enum cvom_status s = header(im);
    if (s != CVOM_ENOTFOUND)
        return s;
    if (non_empty(row) <= 1 && ++*preamble <= PREAMBLE_MAX)
        return CVOM_ENOTFOUND;
    return cvom__imp_error(im, &row->fields[0], CVOM_EPARSE,
                           "no header row: the first line must name the columns (see 'cvom "
                           "import --help' or use --map COLUMN=FIELD)");
}

/* Read every row: skip a short preamble, recognise the header, then one record per row. */
static enum cvom_status read_rows(struct importer *im)
{
    int have_header = 0, preamble = 0;
    struct cvom_csv_row row;
    enum cvom_status s;
    while (!(s = next_row(im, &row)) && !row.eof) {
        im->row = &row;
        unguard_row(&row);
        if (!non_empty(&row)) { /* ",,,,," at the end of a spreadsheet export */
            im->res->skipped_blank += have_header;
            continue;
        }
        if (have_header) {
            if ((s = data_row(im, &row)) != CVOM_OK)
                return s;
            continue;
        }
        s = before_header(im, &row, &preamble);
        if (s == CVOM_ENOTFOUND)
            continue;
        if (s)
            return s;
        have_header = 1;
    }
    im->row = NULL;
    if (s)
        return s;
    if (!have_header) {
        struct cvom_csv_field start = {.line = 1, .column = 1};
        return cvom__imp_error(im, &start, CVOM_EPARSE, "no header row and no data");
    }
    /* Every row held back goes in now, before the parents are looked for among them. */
    if (im->holding && (s = im->st->ops->hold_rows(im->st, 0, im->err)) != CVOM_OK)
        return s;
    im->holding = 0;
    if (im->kind == CVOM_IMPORT_STAKEHOLDERS)
        return cvom__import_bosses(im);
    return im->kind == CVOM_IMPORT_ACCOUNTS ? cvom__import_parents(im) : CVOM_OK;
}

/* The place of a failure as a person reads it; in a workbook also err->file, so that every
 * face prints "book.xlsx:Sheet1!C7: …". The reader's UTF-8 complaint gets its likely cure. */
static void finish_error(struct importer *im)
{
    struct cvom_error *err = im->err;
    struct cvom_import_result *res = im->res;
    if (strcmp(err->message, "invalid UTF-8 byte sequence") == 0)
        cvom__copy_str(
            err->message + strlen(err->message), sizeof err->message - strlen(err->message),
            ": if the file was saved as Windows-1252 (Excel's CSV on Windows), import it "
            "with --encoding windows-1252");
    if (err->line <= 0)
        return;
    if (!err->file[0]) /* the store named the row, not the file */
        cvom__copy_str(err->file, sizeof err->file, im->path);
    if (!im->src->xlsx) {
        snprintf(res->where, sizeof res->where, "line %ld, column %ld", err->line,
                 err->column > 0 ? err->column : 1L);
        return;
    }
    char cellname[32];
    cvom__xlsx_cell_name(err->line, err->column > 0 ? err->column : 1, cellname, sizeof cellname);
    snprintf(res->where, sizeof res->where, "%.60s!%s", res->sheet, cellname);
    snprintf(err->file, sizeof err->file, "%.180s:%.60s", im->path, res->where);
    err->line = 0;
    err->column = 0;
}

static void importer_cleanup(struct importer *im)
{
    free(im->parents);
    free(im->ranked);
    free(im->answer_lines);
    cvom__keymap_cleanup(&im->seen);
    cvom__keymap_cleanup(&im->names);
    cvom__keymap_cleanup(&im->externals);
    cvom__keymap_cleanup(&im->people);
    free(im->text);
    cvom__keymap_cleanup(&im->assessments);
    cvom_instrument_cleanup(&im->ins);
    free(im);
}

static void note_source(const struct cvom_import_source *src, struct cvom_import_result *res)
{
    if (src->xlsx) {
        cvom__copy_str(res->sheet, sizeof res->sheet, cvom__xlsx_sheet(src->xlsx));
    } else {
        res->delimiter = cvom__csv_delimiter(src->csv);
        res->delimiter_detected = cvom__csv_delimiter_detected(src->csv);
    }
}

enum cvom_status cvom__import_run(struct cvom_store *st, enum cvom_import_kind kind,
                                  const struct cvom_import_source *src, const char *name,
                                  const struct cvom_import_opts *o, struct cvom_import_result *res,
                                  struct cvom_error *err)
{
    struct cvom_error scratch;
    if (!err)
        err = &scratch; /* the engine reads back what validators wrote */
    memset(res, 0, sizeof *res);
    if ((unsigned)kind >= CVOM_IMPORT_KIND_ALL || !src || (!src->csv == !src->xlsx))
        return cvom_error_set(err, CVOM_EINVAL, "unknown kind of import, or no rows to read");
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
    im->src = src;
    im->path = name ? name : "-";
    im->o = o;
    im->scope = o->owner_scope && o->owner_scope[0] ? o->owner_scope : NULL;
    im->res = res;
    im->fields = cvom__import_fields(kind);
    while (im->fields[im->n_fields].name)
        im->n_fields++;
    cvom_instrument_init(&im->ins);
    enum cvom_status s = kind == CVOM_IMPORT_RESPONSES ? load_instrument(im) : CVOM_OK;
    /* New accounts and answers are many: the store may write them many at a time. (Not
     * accounts within an owner scope: each row asks the store about its external id, which
     * would send the rows held every time.) */
    if (!s && (kind == CVOM_IMPORT_RESPONSES || (kind == CVOM_IMPORT_ACCOUNTS && !im->scope))) {
        s = st->ops->hold_rows(st, 1, err);
        im->holding = s == CVOM_OK;
    }
    if (!s)
        s = read_rows(im);
    if (im->holding) /* a failure before the rows held were written: the caller rolls back */
        st->ops->hold_rows(st, -1, NULL);
    note_source(src, res);
    if (s)
        finish_error(im);
    importer_cleanup(im);
    return s;
}
