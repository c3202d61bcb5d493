/* cmd_import.c — `cvom import accounts|stakeholders|responses FILE.csv`: CSV exports from
 * CRMs and survey tools. The header row is found and its columns matched to fields by name
 * (with common aliases, or --map); every row is validated; the whole file is written in one
 * transaction, or nothing is, and the first bad row is reported with line and column. */
#include "cli/cli.h"

#include "io/csv.h"
#include "io/records.h"
#include "io/util.h"

#include <ctype.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIELDS_MAX 16
#define PREAMBLE_MAX 10 /* title lines tolerated above the header */

struct alias {
    const char *name;  /* normalised column name */
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
    {"respondent_kind", "kind"},  {"answered_on", "date"},       {NULL, NULL},
};

enum kind { K_ACCOUNTS, K_STAKEHOLDERS, K_RESPONSES, K_COUNT };

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

struct importer {
    struct cli *c;
    enum kind kind;
    const char *path;
    const struct cvom_field_def *fields;
    size_t n_fields;
    int col[FIELDS_MAX];          /* column of each field, -1 when absent */
    const struct cvom_csv_row *row;
    size_t added, updated, rows;
    /* accounts: parents to resolve after all rows, (account id, parent ref, line) */
    struct parent_ref { int64_t id; char ref[CVOM_FIELD_MAX]; long line, column; } *parents;
    size_t n_parents, cap_parents;
    /* responses */
    int32_t default_date;
    int64_t instrument_id;
    struct cvom_instrument ins;
    struct cvom_assessment open; /* the assessment being filled */
    unsigned char answered[CVOM_ITEMS_MAX];
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

/* Which field a header cell names: --map first, then the field's own name, then aliases. */
static int match_column(const struct importer *im, struct cli_opt *map, const char *cell)
{
    for (int i = 0; i < map->n_multi; i++) {
        const char *eq = strchr(map->multi[i], '=');
        if (eq && strlen(cell) == (size_t)(eq - map->multi[i]) &&
            strncmp(cell, map->multi[i], (size_t)(eq - map->multi[i])) == 0)
            return field_index(im, eq + 1);
    }
    char norm[CVOM_FIELD_MAX];
    normalise(cell, norm, sizeof norm);
    int f = field_index(im, norm);
    for (const struct alias *a = aliases; f < 0 && a->name; a++)
        if (strcmp(a->name, norm) == 0)
            f = field_index(im, a->field);
    return f;
}

static enum cvom_status row_error(struct importer *im, const struct cvom_csv_field *f,
                                  enum cvom_status st, const char *msg)
{
    struct cvom_error *err = &im->c->err;
    char text[sizeof err->message];
    cvom_copy(text, sizeof text, msg);
    cvom_error_set(err, st, "%s", text);
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

static enum cvom_status header(struct importer *im, struct cli_opt *map)
{
    const struct cvom_csv_row *row = im->row;
    for (size_t i = 0; i < im->n_fields; i++)
        im->col[i] = -1;
    int found = 0;
    for (size_t j = 0; j < row->n; j++) {
        int f = match_column(im, map, row->fields[j].s);
        if (f >= 0 && im->col[f] < 0) {
            im->col[f] = (int)j;
            found++;
        } else if (f >= 0) {
            char msg[160];
            snprintf(msg, sizeof msg, "two columns map to the field '%s'", im->fields[f].name);
            return row_error(im, &row->fields[j], CVOM_EPARSE, msg);
        }
    }
    if (!found)
        return CVOM_ENOTFOUND;
    for (size_t i = 0; i < im->n_fields; i++)
        if (im->fields[i].required && im->col[i] < 0) {
            char msg[200];
            snprintf(msg, sizeof msg, "no column for the required field '%s' (rename the "
                     "column or use --map COLUMN=%s)", im->fields[i].name, im->fields[i].name);
            return row_error(im, &row->fields[0], CVOM_EPARSE, msg);
        }
    return CVOM_OK;
}

/* ---- accounts ------------------------------------------------------------------------ */

static enum cvom_status import_account(struct importer *im)
{
    struct cli *c = im->c;
    struct cvom_account a;
    memset(&a, 0, sizeof a);
    cvom_copy(a.currency, sizeof a.currency, "EUR");
    const char *ext = val(im, "external_id");
    int update = 0;
    if (ext && ext[0]) {
        /* Dedupe by external id: a known id updates that account. */
        enum cvom_status st = c->store->ops->account_find(c->store, ext, &a, &c->err);
        if (st == CVOM_OK && strcmp(a.external_id, ext) == 0)
            update = 1;
        else if (st && st != CVOM_ENOTFOUND)
            return st;
        if (!update) {
            memset(&a, 0, sizeof a);
            cvom_copy(a.currency, sizeof a.currency, "EUR");
        }
    }
    char parent[CVOM_FIELD_MAX] = "";
    const struct cvom_csv_field *pf = NULL;
    for (size_t i = 0; i < im->n_fields; i++) {
        const struct cvom_csv_field *f = cell(im, im->fields[i].name);
        if (!f)
            continue;
        enum cvom_status st = cvom_account_set(&a, im->fields[i].name, f->s, parent, &c->err);
        if (st)
            return row_error(im, f, st, c->err.message);
        if (strcmp(im->fields[i].name, "parent") == 0)
            pf = f;
    }
    enum cvom_status st = cvom_account_check(&a, &c->err);
    if (st)
        return row_error(im, cell(im, "name"), st, c->err.message);
    st = update ? c->store->ops->account_update(c->store, &a, &c->err)
                : c->store->ops->account_add(c->store, &a, &c->err);
    if (st)
        return row_error(im, NULL, st, c->err.message);
    update ? im->updated++ : im->added++;
    if (parent[0]) {
        if (im->n_parents == im->cap_parents) {
            size_t cap = im->cap_parents ? im->cap_parents * 2 : 64;
            void *g = realloc(im->parents, cap * sizeof *im->parents);
            if (!g)
                return cvom_error_set(&c->err, CVOM_ENOMEM, "out of memory");
            im->parents = g;
            im->cap_parents = cap;
        }
        struct parent_ref *p = &im->parents[im->n_parents++];
        p->id = a.id;
        cvom_copy(p->ref, sizeof p->ref, parent);
        p->line = pf->line;
        p->column = pf->column;
    }
    return CVOM_OK;
}

/* Parents may be named before or after their children: resolve them once all are in. */
static enum cvom_status resolve_parents(struct importer *im)
{
    struct cli *c = im->c;
    for (size_t i = 0; i < im->n_parents; i++) {
        struct parent_ref *p = &im->parents[i];
        struct cvom_account a, parent;
        enum cvom_status st = c->store->ops->account_find(c->store, p->ref, &parent, &c->err);
        struct cvom_csv_field f = {.line = p->line, .column = p->column};
        if (st == CVOM_ENOTFOUND)
            return row_error(im, &f, st, "parent account not found");
        if (!st && parent.id == p->id)
            return row_error(im, &f, CVOM_EINVAL, "an account cannot be its own parent");
        if (!st)
            st = c->store->ops->account_get(c->store, p->id, &a, &c->err);
        if (!st) {
            a.parent_id = parent.id;
            st = c->store->ops->account_update(c->store, &a, &c->err);
        }
        if (st)
            return row_error(im, &f, st, c->err.message);
    }
    return CVOM_OK;
}

/* ---- stakeholders -------------------------------------------------------------------- */

static enum cvom_status find_account(struct importer *im, const char *field,
                                     struct cvom_account *a)
{
    struct cli *c = im->c;
    const struct cvom_csv_field *f = cell(im, field);
    if (!f)
        return row_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    enum cvom_status st = c->store->ops->account_find(c->store, f->s, a, &c->err);
    if (st == CVOM_ENOTFOUND) {
        char msg[200];
        snprintf(msg, sizeof msg, "no account '%.120s' (import the accounts first)", f->s);
        return row_error(im, f, st, msg);
    }
    return st ? row_error(im, f, st, c->err.message) : CVOM_OK;
}

static enum cvom_status import_stakeholder(struct importer *im)
{
    struct cli *c = im->c;
    struct cvom_account a;
    enum cvom_status st = find_account(im, "account", &a);
    if (st)
        return st;
    struct cvom_stakeholder s;
    memset(&s, 0, sizeof s);
    s.influence = 0.5;
    int update = 0;
    const char *ext = val(im, "external_id");
    if (ext && ext[0]) {
        st = c->store->ops->stakeholder_find(c->store, a.id, ext, &s, &c->err);
        update = st == CVOM_OK && strcmp(s.external_id, ext) == 0;
        if (st && st != CVOM_ENOTFOUND)
            return st;
        if (!update) {
            memset(&s, 0, sizeof s);
            s.influence = 0.5;
        }
    }
    s.account_id = a.id;
    for (size_t i = 1; i < im->n_fields; i++) {
        const struct cvom_csv_field *f = cell(im, im->fields[i].name);
        if (f && (st = cvom_stakeholder_set(&s, im->fields[i].name, f->s, &c->err)) != CVOM_OK)
            return row_error(im, f, st, c->err.message);
    }
    if ((st = cvom_stakeholder_check(&s, &c->err)) != CVOM_OK)
        return row_error(im, cell(im, "name"), st, c->err.message);
    st = update ? c->store->ops->stakeholder_update(c->store, &s, &c->err)
                : c->store->ops->stakeholder_add(c->store, &s, &c->err);
    if (st)
        return row_error(im, NULL, st, c->err.message);
    update ? im->updated++ : im->added++;
    return CVOM_OK;
}

/* ---- responses ----------------------------------------------------------------------- */

static enum cvom_status import_response(struct importer *im)
{
    struct cli *c = im->c;
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
    int32_t date = im->default_date;
    if (fd && fd->len && cvom_date_parse(fd->s, &date))
        return row_error(im, fd, CVOM_EINVAL, "date must be YYYY-MM-DD");
    struct cvom_account a;
    enum cvom_status st = find_account(im, "account_id", &a);
    if (st)
        return st;
    struct cvom_assessment next = {.account_id = a.id, .instrument_id = im->instrument_id,
                                   .kind = (enum cvom_respondent_kind)kind, .date = date,
                                   .status = CVOM_ASSESS_COMPLETE};
    if (kind == CVOM_RESP_CUSTOMER) {
        struct cvom_stakeholder sh;
        st = c->store->ops->stakeholder_find(c->store, a.id, fr->s, &sh, &c->err);
        if (st == CVOM_ENOTFOUND) {
            char msg[220];
            snprintf(msg, sizeof msg, "account '%.60s' has no stakeholder '%.60s' (import the "
                     "stakeholders first)", a.name, fr->s);
            return row_error(im, fr, st, msg);
        }
        if (st)
            return row_error(im, fr, st, c->err.message);
        next.stakeholder_id = sh.id;
        cvom_copy(next.respondent, sizeof next.respondent, sh.name);
    } else if (cvom_copy(next.respondent, sizeof next.respondent, fr->s)) {
        return row_error(im, fr, CVOM_ELIMIT, "respondent name too long");
    }
    /* Consecutive rows of one respondent, account and date form one assessment. */
    if (!im->open.id || im->open.account_id != next.account_id || im->open.kind != next.kind ||
        im->open.stakeholder_id != next.stakeholder_id || im->open.date != next.date ||
        strcmp(im->open.respondent, next.respondent) != 0) {
        if ((st = c->store->ops->assessment_add(c->store, &next, &c->err)) != CVOM_OK)
            return row_error(im, NULL, st, c->err.message);
        im->open = next;
        memset(im->answered, 0, sizeof im->answered);
        im->added++;
    }
    if (im->answered[j]) {
        char msg[160];
        snprintf(msg, sizeof msg, "a second answer to %s by %.60s for the same date", it->code,
                 next.respondent);
        return row_error(im, fi, CVOM_EINVAL, msg);
    }
    im->answered[j] = 1;
    struct cvom_response r = {.assessment_id = im->open.id, .value = v};
    cvom_copy(r.item_code, sizeof r.item_code, it->code);
    if ((st = c->store->ops->response_put(c->store, &r, &c->err)) != CVOM_OK)
        return row_error(im, NULL, st, c->err.message);
    im->updated++; /* answers, for responses */
    return CVOM_OK;
}

static enum cvom_status (*const handlers[K_COUNT])(struct importer *) = {
    [K_ACCOUNTS] = import_account,
    [K_STAKEHOLDERS] = import_stakeholder,
    [K_RESPONSES] = import_response,
};

static int non_empty(const struct cvom_csv_row *row)
{
    int n = 0;
    for (size_t i = 0; i < row->n; i++)
        n += row->fields[i].len > 0;
    return n;
}

/* Read the whole file inside the open transaction. */
static enum cvom_status run(struct importer *im, struct cvom_csv *r, struct cli_opt *map,
                            off_t size, int progress)
{
    struct cli *c = im->c;
    int have_header = 0, preamble = 0;
    struct cvom_csv_row row;
    enum cvom_status st;
    while (!(st = cvom_csv_next(r, &row, &c->err)) && !row.eof) {
        im->row = &row;
        if (!have_header) {
            st = header(im, map);
            if (st == CVOM_ENOTFOUND) {
                /* Exports sometimes open with a title line or two; anything else before a
                 * recognisable header is an error, not data to guess about. */
                if (non_empty(&row) <= 1 && ++preamble <= PREAMBLE_MAX)
                    continue;
                return row_error(im, &row.fields[0], CVOM_EPARSE,
                                 "no header row: the first line must name the columns "
                                 "(see 'cvom import --help' or use --map COLUMN=FIELD)");
            }
            if (st)
                return st;
            have_header = 1;
            continue;
        }
        if ((st = handlers[im->kind](im)) != CVOM_OK)
            return st;
        im->rows++;
        if (progress && im->rows % 65536 == 0 && size > 0)
            fprintf(stderr, "\rimporting %s: %3.0f%%", im->path,
                    100.0 * (double)cvom_csv_offset(r) / (double)size);
    }
    if (progress && im->rows >= 65536)
        fputc('\n', stderr);
    if (st)
        return st;
    if (!have_header)
        return cvom_error_set(&c->err, CVOM_EPARSE, "%s: no header row and no data", im->path);
    if (im->kind == K_ACCOUNTS)
        return resolve_parents(im);
    return CVOM_OK;
}

static void describe_fields(const struct cvom_field_def *f)
{
    for (; f->name; f++)
        printf("    %-14s%s %s\n", f->name, f->required ? "*" : " ", f->help);
}

int cmd_import(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "map", .kind = 'm', .arg = "COL=FIELD",
         .help = "read the column COL as FIELD (repeatable)"},
        {.name = "dry-run", .kind = 'f', .help = "check everything, write nothing"},
        {.name = "encoding", .kind = 's', .arg = "ENC",
         .help = "utf-8 (default) or windows-1252 (Excel's CSV on Windows)"},
        {.name = "date", .kind = 's', .arg = "DATE",
         .help = "responses: date for rows without one (default today)"},
        {.name = "instrument", .kind = 's', .arg = "NAME",
         .help = "responses: the instrument answered (default: newest 'default')"},
        {.name = "quiet", .kind = 'f', .help = "no progress or summary on standard error"},
        {0},
    };
    char *pos[2];
    int np, rc;
    if (argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        printf("Usage: cvom import accounts|stakeholders|responses FILE.csv [OPTIONS]\n\n"
               "Import a CSV export. The header names the columns; names are matched to the\n"
               "fields below ignoring case, spaces and punctuation, with common CRM aliases\n"
               "(\"Account Name\" is name, \"Account ID\" is external_id, ...). UTF-8 with or\n"
               "without BOM, CRLF or LF, quoted fields. The whole file is imported in one\n"
               "transaction: the first bad row stops it with file, line, column and reason,\n"
               "and nothing is written. Known external ids update their record.\n\n"
               "  accounts (* required):\n");
        describe_fields(cvom_account_fields);
        printf("  stakeholders:\n");
        describe_fields(stakeholder_import_fields);
        printf("  responses (one answer per row; rows of one respondent, account and date\n"
               "  make one assessment):\n");
        describe_fields(response_fields);
        printf("\nOptions:\n");
        for (struct cli_opt *o = opts; o->name; o++) {
            char left[64];
            snprintf(left, sizeof left, "--%s %s", o->name, o->arg ? o->arg : "");
            printf("  %-22s %s\n", left, o->help);
        }
        return 0;
    }
    if (cli_parse(c, argc, argv, opts, "accounts|stakeholders|responses FILE.csv",
                  "Import a CSV export (see 'cvom import --help').", pos, 2, 2, &np, &rc))
        return rc;
    struct importer *im = calloc(1, sizeof *im);
    if (!im)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    im->c = c;
    im->path = pos[1];
    cvom_instrument_init(&im->ins);
    static const char *const kinds[K_COUNT] = {"accounts", "stakeholders", "responses"};
    im->kind = K_COUNT;
    for (int k = 0; k < K_COUNT; k++)
        if (strcmp(pos[0], kinds[k]) == 0)
            im->kind = (enum kind)k;
    struct cvom_csv_opts o;
    cvom_csv_opts_init(&o);
    rc = 0;
    if (im->kind == K_COUNT)
        rc = cli_usage_error(c, "import accounts, stakeholders or responses, not '%s'", pos[0]);
    const char *enc = cli_val(opts, "encoding");
    if (!rc && enc && (int)(o.encoding = (enum cvom_encoding)cvom_encoding_parse(enc)) < 0)
        rc = cli_usage_error(c, "--encoding must be utf-8 or windows-1252, not '%s'", enc);
    struct cli_opt *map = cli_opt(opts, "map");
    for (int i = 0; !rc && i < map->n_multi; i++)
        if (!strchr(map->multi[i], '='))
            rc = cli_usage_error(c, "--map takes COLUMN=FIELD, not '%s'", map->multi[i]);
    if (!rc && im->kind == K_RESPONSES)
        rc = cli_date_opt(c, opts, "date", &im->default_date);
    if (rc) {
        free(im);
        return rc;
    }
    im->fields = im->kind == K_ACCOUNTS       ? cvom_account_fields
                 : im->kind == K_STAKEHOLDERS ? stakeholder_import_fields
                                              : response_fields;
    while (im->fields[im->n_fields].name)
        im->n_fields++;
    for (int i = 0; i < map->n_multi; i++)
        if (field_index(im, strchr(map->multi[i], '=') + 1) < 0) {
            free(im);
            return cli_usage_error(c, "--map %s: no such field for %s", map->multi[i], pos[0]);
        }
    enum cvom_status st = cli_store(c);
    if (!st && im->kind == K_RESPONSES) {
        const char *iname = cli_val(opts, "instrument") ? cli_val(opts, "instrument") : "default";
        st = c->store->ops->instrument_latest(c->store, iname, &im->instrument_id, &c->err);
        if (st == CVOM_ENOTFOUND)
            cvom_error_set(&c->err, st, "no instrument '%s'", iname);
        if (!st)
            st = c->store->ops->instrument_get(c->store, im->instrument_id, &im->ins, &c->err);
    }
    int fd = -1;
    struct stat sb = {0};
    if (!st) {
        fd = strcmp(im->path, "-") == 0 ? STDIN_FILENO : open(im->path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            st = cvom_error_set(&c->err, CVOM_EIO, "cannot open %s", im->path);
        else
            fstat(fd, &sb);
    }
    struct cvom_csv *r = NULL;
    if (!st)
        st = cvom_csv_open_fd(fd, im->path, &o, &r, &c->err);
    int quiet = cli_opt(opts, "quiet")->set, dry = cli_opt(opts, "dry-run")->set;
    if (!st && !(st = cli_begin(c))) {
        st = run(im, r, map, S_ISREG(sb.st_mode) ? sb.st_size : 0,
                 !quiet && isatty(STDERR_FILENO));
        if (!st && !dry)
            st = cli_commit(c);
        if (st || dry)
            cli_rollback(c);
    }
    cvom_csv_close(r);
    if (fd > STDIN_FILENO)
        close(fd);
    if (st) {
        rc = cli_fail(c, st, &c->err);
        fprintf(stderr, "cvom: nothing was imported\n");
    } else if (!quiet) {
        const char *what = kinds[im->kind];
        if (im->kind == K_RESPONSES)
            fprintf(stderr, "%s %zu assessments with %zu answers from %zu rows\n",
                    dry ? "would import" : "imported", im->added, im->updated, im->rows);
        else
            fprintf(stderr, "%s: %zu %s added, %zu updated, from %zu rows\n",
                    dry ? "dry run" : "imported", im->added, what, im->updated, im->rows);
    }
    free(im->parents);
    cvom_instrument_cleanup(&im->ins);
    free(im);
    return rc;
}
