/* import_map.c — how the columns of an import are read: header cells matched to fields by
 * explicit mapping, by the field's own name and by the names CRM exports use (Salesforce,
 * HubSpot and others), the mapping printed for a person and saved to a file, and mapping
 * files read back. */
#include "service/import.h"

#include "io/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define K(kind) (1u << (kind))
#define ALL 0u
#define K_ACC K(CVOM_IMPORT_ACCOUNTS)

/* A name exports use for a field. rank orders the columns that could fill one field: the
 * lower wins and the others are left out, so a Salesforce export's "Billing Country" fills
 * region and its "Billing City" only would when there is no country. Two columns of the
 * same best rank are an error. kinds: the kinds it applies to (ALL: wherever the field
 * exists); the first alias that applies wins. */
struct alias {
    const char *name; /* normalised column name */
    const char *field;
    int rank;
    unsigned kinds;
};

#define RANK_MAP 0
#define RANK_NAME 1

static const struct alias aliases[] = {
    /* accounts: the CRM's id, name, owner and figures */
    {"account_id", "external_id", 2, K_ACC},
    {"id", "external_id", 2, ALL},
    {"record_id", "external_id", 2, ALL},
    {"crm_id", "external_id", 2, ALL},
    {"contact_id", "external_id", 2, ALL},
    {"account_name", "name", 2, K_ACC},
    {"company_name", "name", 2, K_ACC},
    {"company", "name", 2, K_ACC},
    {"organisation", "name", 2, K_ACC},
    {"organization", "name", 2, K_ACC},
    {"customer_name", "name", 2, K_ACC},
    {"customer", "name", 3, K_ACC},
    {"account", "name", 3, K_ACC},
    {"account_owner", "owner", 2, ALL},
    {"account_owner_full_name", "owner", 2, ALL},
    {"company_owner", "owner", 2, ALL},
    {"owner_name", "owner", 2, ALL},
    {"annual_revenue", "revenue", 2, ALL},
    {"parent_account_id", "parent", 2, ALL},
    {"parent_id", "parent", 2, ALL},
    {"parent_company_id", "parent", 2, ALL},
    {"parent_account", "parent", 3, ALL},
    {"parent_company", "parent", 3, ALL},
    {"billing_country", "region", 2, ALL},
    {"country", "region", 2, ALL},
    {"country_region", "region", 2, ALL},
    {"shipping_country", "region", 3, ALL},
    {"billing_state_province", "region", 4, ALL},
    {"state_region", "region", 4, ALL},
    {"billing_city", "region", 5, ALL},
    {"city", "region", 5, ALL},
    {"sector", "industry", 2, ALL},
    {"tag", "tags", 2, ALL},
    {"type", "tags", 3, K_ACC},
    {"account_type", "tags", 3, K_ACC},
    {"description", "notes", 2, ALL},
    {"note", "notes", 2, ALL},
    {"comment", "notes", 2, ALL},
    /* German spreadsheets */
    {"firma", "name", 2, K_ACC},
    {"firmenname", "name", 2, K_ACC},
    {"kundennummer", "external_id", 2, K_ACC},
    {"umsatz", "revenue", 2, ALL},
    {"jahresumsatz", "revenue", 2, ALL},
    {"land", "region", 2, ALL},
    {"branche", "industry", 2, ALL},
    {"beschreibung", "notes", 2, ALL},
    {"currency_iso_code", "currency", 2, ALL},
    {"account_currency", "currency", 2, ALL},
    /* references to an account from the other kinds */
    {"account_id", "account", 2, ALL},
    {"account_name", "account", 2, ALL},
    {"account_name", "account_id", 2, ALL},
    {"account", "account_id", 2, ALL},
    {"company", "account", 2, ALL},
    {"company_name", "account", 2, ALL},
    {"associated_company", "account", 2, ALL},
    /* stakeholders */
    {"contact_name", "name", 2, ALL},
    {"full_name", "name", 2, ALL},
    {"title", "role", 2, ALL},
    {"job_title", "role", 2, ALL},
    {"e_mail", "email", 2, ALL},
    {"email_address", "email", 2, ALL},
    {"weight", "influence", 2, ALL},
    /* responses */
    {"respondent", "respondent_id", 2, ALL},
    {"item", "item_id", 2, ALL},
    {"code", "item_id", 2, ALL},
    {"question", "item_id", 2, ALL},
    {"answer", "score", 2, ALL},
    {"value", "score", 2, ALL},
    {"response", "score", 2, ALL},
    {"respondent_kind", "kind", 2, ALL},
    {"answered_on", "date", 2, ALL},
    /* offerings, ratings and values */
    {"offering_code", "offering", 2, ALL},
    {"product", "offering", 2, ALL},
    {"service", "offering", 2, ALL},
    {"satisfaction", "performance", 2, ALL},
    {"cost_to_serve", "cost", 2, ALL},
    {"annual_cost", "cost", 2, ALL},
    {"offering_name", "name", 2, ALL},
    {"position", "rank", 2, ALL},
    {"offering_code", "code", 2, ALL},
    /* signals and the network ledger */
    {"metric", "signal", 2, ALL},
    {"measure", "signal", 2, ALL},
    {"kpi", "signal", 2, ALL},
    {"as_of", "date", 2, ALL},
    {"measured_on", "date", 2, ALL},
    {"type", "kind", 2, ALL},
    {"score", "rating", 2, ALL},
    {NULL, NULL, 0, 0},
};

/* Lower case with '_' for each run of anything else, and between a lower-case letter and
 * a capital ("AnnualRevenue" as Salesforce's API names it): "Billing Country" and
 * "BillingCountry" both give billing_country. */
static void normalise(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    int sep = 0, lower = 0;
    for (const unsigned char *p = (const unsigned char *)in; *p && n + 2 < cap; p++) {
        if (!isalnum(*p)) {
            sep = 1;
            lower = 0;
            continue;
        }
        if ((sep || (lower && isupper(*p))) && n)
            out[n++] = '_';
        out[n++] = (char)tolower(*p);
        sep = 0;
        lower = islower(*p) != 0;
    }
    out[n] = '\0';
}

static int is_ignored(const char *field)
{
    return !field[0] || strcmp(field, "ignored") == 0;
}

int cvom__import_map_field_ok(enum cvom_import_kind k, const char *field)
{
    return is_ignored(field) || cvom__import_field_index(k, field) >= 0;
}

/* The column text without surrounding white space, compared ignoring ASCII case. */
static int same_column(const char *cell, const char *want)
{
    while (isspace((unsigned char)*cell))
        cell++;
    while (isspace((unsigned char)*want))
        want++;
    size_t a = strlen(cell), b = strlen(want);
    while (a && isspace((unsigned char)cell[a - 1]))
        a--;
    while (b && isspace((unsigned char)want[b - 1]))
        b--;
    return a == b && strncasecmp(cell, want, a) == 0;
}

/* The explicit pair for cell: an exact match first, then one ignoring case and spaces. */
static const struct cvom_import_map *explicit_pair(const struct cvom_import_opts *o,
                                                   const char *cell)
{
    for (size_t i = 0; i < o->n_map; i++)
        if (strcmp(cell, o->map[i].column) == 0)
            return &o->map[i];
    for (size_t i = 0; i < o->n_map; i++)
        if (same_column(cell, o->map[i].column))
            return &o->map[i];
    return NULL;
}

int cvom__import_match(enum cvom_import_kind kind, const struct cvom_import_opts *o,
                       const char *cell, enum cvom_import_how *how)
{
    const struct cvom_import_map *m = explicit_pair(o, cell);
    if (m) {
        int f = is_ignored(m->field) ? -1 : cvom__import_field_index(kind, m->field);
        *how = f >= 0 ? CVOM_HOW_MAP : CVOM_HOW_MAP_IGNORED;
        return f;
    }
    char norm[CVOM_FIELD_MAX];
    normalise(cell, norm, sizeof norm);
    int f = cvom__import_field_index(kind, norm);
    if (f >= 0) {
        *how = CVOM_HOW_NAME;
        return f;
    }
    for (const struct alias *a = aliases; a->name; a++) {
        if ((a->kinds && !(a->kinds & K(kind))) || strcmp(a->name, norm) != 0)
            continue;
        if ((f = cvom__import_field_index(kind, a->field)) >= 0) {
            *how = CVOM_HOW_ALIAS;
            return f;
        }
    }
    *how = CVOM_HOW_IGNORED;
    return -1;
}

int cvom__import_rank(enum cvom_import_kind kind, const char *cell, enum cvom_import_how how)
{
    if (how == CVOM_HOW_MAP)
        return RANK_MAP;
    if (how == CVOM_HOW_NAME)
        return RANK_NAME;
    char norm[CVOM_FIELD_MAX];
    normalise(cell, norm, sizeof norm);
    for (const struct alias *a = aliases; a->name; a++)
        if ((!a->kinds || (a->kinds & K(kind))) && strcmp(a->name, norm) == 0 &&
            cvom__import_field_index(kind, a->field) >= 0)
            return a->rank;
    return 99;
}

/* ---- the mapping as text --------------------------------------------------------------- */

static const char *delimiter_name(char d)
{
    switch (d) {
    case ',': return "','";
    case ';': return "';'";
    case '\t': return "tab";
    case '|': return "'|'";
    default: return "?";
    }
}

static void print_column(FILE *f, const struct cvom_field_def *fields,
                         const struct cvom_import_result *res, const struct cvom_import_column *c)
{
    fprintf(f, "  %3ld  %-28s ", c->column, c->name[0] ? c->name : "(no name)");
    switch (c->how) {
    case CVOM_HOW_MAP: fprintf(f, "-> %s (--map)\n", fields[c->field].name); break;
    case CVOM_HOW_NAME:
    case CVOM_HOW_ALIAS: fprintf(f, "-> %s\n", fields[c->field].name); break;
    case CVOM_HOW_MAP_IGNORED: fputs("ignored (--map)\n", f); break;
    case CVOM_HOW_SHADOWED: {
        long by = c->shadowed_by;
        const char *other =
            by > 0 && (size_t)by <= res->n_columns && (size_t)by <= CVOM_IMPORT_COLUMNS_MAX
                ? res->columns[by - 1].name
                : "?";
        fprintf(f, "ignored (%s is read from column %ld, %s)\n", fields[c->field].name, by, other);
        break;
    }
    default: fputs("ignored\n", f);
    }
}

void cvom__import_print_mapping(FILE *f, enum cvom_import_kind kind, const char *name,
                                const struct cvom_import_result *res)
{
    if (!res->header_found)
        return;
    const struct cvom_field_def *fields = cvom__import_fields(kind);
    if (res->sheet[0])
        fprintf(f, "mapping of %s, sheet %s (header in row %ld), as %s:\n", name, res->sheet,
                res->header_line, cvom__import_kind_name(kind));
    else
        fprintf(f, "mapping of %s (header on line %ld, delimiter %s%s), as %s:\n", name,
                res->header_line, delimiter_name(res->delimiter),
                res->delimiter_detected ? " detected" : "", cvom__import_kind_name(kind));
    size_t shown =
        res->n_columns < CVOM_IMPORT_COLUMNS_MAX ? res->n_columns : CVOM_IMPORT_COLUMNS_MAX;
    for (size_t i = 0; i < shown; i++)
        print_column(f, fields, res, &res->columns[i]);
    if (res->n_columns > shown)
        fprintf(f, "  (%zu more columns, ignored)\n", res->n_columns - shown);
    int first = 1;
    for (size_t i = 0; fields[i].name; i++) {
        if (res->field_column[i] > 0)
            continue;
        fprintf(f, "%s%s%s", first ? "  fields without a column: " : ", ", fields[i].name,
                fields[i].required ? " (required)" : "");
        first = 0;
    }
    if (!first)
        fputc('\n', f);
}

int cvom__import_write_map(FILE *f, enum cvom_import_kind kind,
                           const struct cvom_import_result *res)
{
    const struct cvom_field_def *fields = cvom__import_fields(kind);
    int rc = fputs("column,field\n", f) < 0 ? EOF : 0;
    for (size_t i = 0; !rc && i < res->n_columns && i < CVOM_IMPORT_COLUMNS_MAX; i++) {
        const struct cvom_import_column *c = &res->columns[i];
        int filled = c->field >= 0 && c->how != CVOM_HOW_SHADOWED;
        rc = cvom__csv_write_field(f, c->name, 0) == EOF ||
                     fprintf(f, ",%s\n", filled ? fields[c->field].name : "ignored") < 0
                 ? EOF
                 : 0;
    }
    return rc;
}

/* ---- mapping files ---------------------------------------------------------------------- */

static enum cvom_status map_row(struct cvom_import_mapfile *m, const struct cvom_csv_row *row,
                                enum cvom_import_kind kind, size_t *used, size_t cap,
                                struct cvom_error *err)
{
    if (row->n != 2) {
        cvom_error_set(err, CVOM_EPARSE,
                       "a mapping row has two fields, column and field "
                       "(this one has %zu)",
                       row->n);
        err->line = row->line;
        err->column = 1;
        return CVOM_EPARSE;
    }
    const struct cvom_csv_field *col = &row->fields[0], *fld = &row->fields[1];
    char field[CVOM_FIELD_MAX];
    cvom__copy_str(field, sizeof field, fld->s);
    cvom__trim(field);
    if (!cvom__import_map_field_ok(kind, field)) {
        cvom_error_set(err, CVOM_EINVAL, "'%.60s' is not a field of %s (nor 'ignored')", field,
                       cvom__import_kind_name(kind));
        err->line = fld->line;
        err->column = fld->column;
        return CVOM_EINVAL;
    }
    if (m->n == CVOM_IMPORT_MAP_MAX || *used + col->len + strlen(field) + 2 > cap) {
        cvom_error_set(err, CVOM_ELIMIT, "more than %d mappings", CVOM_IMPORT_MAP_MAX);
        err->line = row->line;
        err->column = 1;
        return CVOM_ELIMIT;
    }
    char *c = m->text + *used;
    memcpy(c, col->s, col->len + 1);
    *used += col->len + 1;
    char *f = m->text + *used;
    memcpy(f, field, strlen(field) + 1);
    *used += strlen(field) + 1;
    m->map[m->n].column = c;
    m->map[m->n].field = f;
    m->n++;
    return CVOM_OK;
}

enum cvom_status cvom__import_mapfile_read(const char *buf, size_t len, const char *name,
                                           enum cvom_import_kind kind,
                                           struct cvom_import_mapfile *out, struct cvom_error *err)
{
    memset(out, 0, sizeof *out);
    size_t cap = len + 2 * CVOM_IMPORT_MAP_MAX + 16, used = 0;
    out->text = malloc(cap);
    struct cvom_csv *r = NULL;
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.delimiter = 0; /* a spreadsheet may have saved it with ';' */
    o.max_fields = 8;
    if (!out->text)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    enum cvom_status st = cvom__csv_open_mem(buf, len, name, &o, &r, err);
    struct cvom_csv_row row;
    int first = 1;
    while (!st && !(st = cvom__csv_next(r, &row, err)) && !row.eof) {
        if (first && row.n == 2 && same_column(row.fields[0].s, "column") &&
            same_column(row.fields[1].s, "field")) {
            first = 0;
            continue;
        }
        first = 0;
        st = map_row(out, &row, kind, &used, cap, err);
    }
    cvom__csv_close(r);
    if (st && err) {
        char file[sizeof err->file];
        cvom__copy_str(file, sizeof file, name);
        memcpy(err->file, file, sizeof file);
    }
    return st;
}

void cvom__import_mapfile_cleanup(struct cvom_import_mapfile *m)
{
    free(m->text);
    m->text = NULL;
    m->n = 0;
}
