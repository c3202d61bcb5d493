/* cmd_import.c — `cvom import accounts|stakeholders|responses|offerings|ratings|values|
 * signals|network FILE`: CSV exports from CRMs, survey tools and finance, and workbooks.
 * This face parses the command line, opens the file (a workbook when it is a zip archive),
 * runs the shared import engine (service/import.h) inside one transaction, and prints the mapping
 * it used and the outcome: the whole file is written, or nothing is, and the first bad row
 * is reported with its place. */
#include "cli/cli.h"

#include "io/csv.h"
#include "service/import.h"
#include "io/util.h"
#include "io/xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAP_FILE_MAX ((size_t)1 << 20)

static void describe_fields(const struct cvom_field_def *f)
{
    for (; f->name; f++)
        printf("    %-14s%s %s\n", f->name, f->required ? "*" : " ", f->help);
}

static const struct {
    enum cvom_import_kind kind;
    const char *title;
} kinds_help[] = {
    {CVOM_IMPORT_ACCOUNTS, "accounts (* required; a known external id updates its account, "
                           "and a row\n  without one updates the account of the same name, "
                           "ignoring case and spaces):"},
    {CVOM_IMPORT_STAKEHOLDERS, "stakeholders (found by external id, else by name within "
                               "the account):"},
    {CVOM_IMPORT_RESPONSES, "responses (one answer per row; the rows of one respondent, "
                            "account and date\n  make one assessment):"},
    {CVOM_IMPORT_OFFERINGS, "offerings (the catalogue; a known code updates its offering):"},
    {CVOM_IMPORT_RATINGS, "ratings (one account's rating of one offering per row; a rating "
                          "of a pair\n  already rated replaces it):"},
    {CVOM_IMPORT_VALUES, "values (one place of a value hierarchy per row; the rows of an "
                         "account, or\n  of 'ours', replace its whole ranking):"},
    {CVOM_IMPORT_SIGNALS, "signals (one measured value per row; a value of the same account, "
                          "signal and\n  date replaces the stored one; an empty value is "
                          "skipped):"},
    {CVOM_IMPORT_NETWORK, "network (one ledger entry per row: an introduction, peer group or "
                          "event\n  we gave the account, with the customer's rating):"},
};

static void usage(struct cli_opt *opts)
{
    printf("Usage: cvom import accounts|stakeholders|responses|offerings|ratings|values|"
           "signals|network FILE [OPTIONS]\n\n"
           "Import a CSV file or an .xlsx workbook. The header names the columns; names are\n"
           "matched to the fields below ignoring case, spaces and punctuation, with the\n"
           "column names of Salesforce, HubSpot and other exports (\"Account ID\" and\n"
           "\"Record ID\" are external_id, \"Billing Country\" is region, ...). Every import\n"
           "prints the mapping it used: each column and the field it fills, or \"ignored\".\n\n"
           "CSV: UTF-8 with or without BOM (or --encoding windows-1252), CRLF or LF, quoted\n"
           "fields; the delimiter is ',' ';' or tab, detected from the header line unless\n"
           "--delimiter is given. Workbooks: the first sheet or --sheet NAME; dates as\n"
           "YYYY-MM-DD. The whole file is imported in one transaction: the first bad row\n"
           "stops it with its place (file:line:column, or book.xlsx:Sheet1!C7) and nothing\n"
           "is written. A file may name each record once: a second row with the same\n"
           "external id (or name, answer, rating ...) is refused with both lines.\n"
           "Text that starts with an apostrophe put there by cvom's CSV export (which\n"
           "guards text like =SUM(...) for spreadsheets) is read without it.\n\n");
    for (size_t i = 0; i < sizeof kinds_help / sizeof *kinds_help; i++) {
        printf("  %s\n", kinds_help[i].title);
        describe_fields(cvom__import_fields(kinds_help[i].kind));
    }
    printf("\nOptions:\n");
    for (struct cli_opt *o = opts; o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s %s", o->name, o->arg ? o->arg : "");
        printf("  %-24s %s\n", left, o->help);
    }
}

/* What the command line asked for, checked before the database is opened. */
struct request {
    enum cvom_import_kind kind;
    const char *path;
    struct cvom_csv_opts csv;
    struct cvom_xlsx_opts xlsx;
    struct cvom_import_opts o;
    struct cvom_import_map map[CVOM_IMPORT_MAP_MAX];
    char *columns[CLI_MULTI_MAX]; /* the COLUMN of each --map, owned */
    struct cvom_import_mapfile file;
    off_t size;
    int dry, quiet;
};

static int parse_delimiter(struct cli *c, const char *v, char *out)
{
    if (!v) {
        *out = 0; /* detect */
        return 0;
    }
    if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0 || strcmp(v, "\t") == 0)
        *out = '\t';
    else if (strlen(v) == 1 && strchr(",;|", v[0]))
        *out = v[0];
    else
        return cli_usage_error(c, "--delimiter must be ',', ';', '|' or tab, not '%s'", v);
    return 0;
}

/* --map COLUMN=FIELD pairs, then the pairs of --map-file (the command line wins: its pairs
 * are checked first). */
static int parse_maps(struct cli *c, struct cli_opt *opts, const char *kind, struct request *q)
{
    struct cli_opt *map = cli_opt(opts, "map");
    for (int i = 0; i < map->n_multi; i++) {
        const char *eq = strchr(map->multi[i], '=');
        if (!eq)
            return cli_usage_error(c, "--map takes COLUMN=FIELD, not '%s'", map->multi[i]);
        if (!cvom__import_map_field_ok(q->kind, eq + 1))
            return cli_usage_error(c, "--map %s: no such field for %s (nor 'ignored')",
                                   map->multi[i], kind);
        if (!(q->columns[i] = strdup(map->multi[i])))
            return cli_fail(c, CVOM_ENOMEM, NULL);
        q->columns[i][eq - map->multi[i]] = '\0';
        q->map[q->o.n_map++] = (struct cvom_import_map){q->columns[i], eq + 1};
    }
    const char *mf = cli_val(opts, "map-file");
    if (!mf)
        return 0;
    char *buf = NULL;
    size_t len;
    enum cvom_status st = cvom__read_file(mf, MAP_FILE_MAX, &buf, &len, &c->err);
    if (!st) {
        st = cvom__import_mapfile_read(buf, len, mf, q->kind, &q->file, &c->err);
        free(buf);
    }
    if (st)
        return cli_fail(c, st, &c->err);
    for (size_t i = 0; i < q->file.n && q->o.n_map < CVOM_IMPORT_MAP_MAX; i++)
        q->map[q->o.n_map++] = q->file.map[i];
    return 0;
}

static int parse_request(struct cli *c, struct cli_opt *opts, char **pos, struct request *q)
{
    int k = cvom__import_kind_parse_all(pos[0]);
    if (k < 0)
        return cli_usage_error(c,
                               "import accounts, stakeholders, responses, offerings, "
                               "ratings, values, signals or network, not '%s'",
                               pos[0]);
    q->kind = (enum cvom_import_kind)k;
    q->path = pos[1];
    q->dry = cli_opt(opts, "dry-run")->set;
    q->quiet = cli_opt(opts, "quiet")->set;
    cvom__csv_opts_init(&q->csv);
    cvom__xlsx_opts_init(&q->xlsx);
    cvom__import_opts_init(&q->o);
    q->xlsx.sheet = cli_val(opts, "sheet");
    q->o.decimal_comma = cli_opt(opts, "decimal-comma")->set;
    q->o.allow_same_name = cli_opt(opts, "allow-same-name")->set;
    const char *enc = cli_val(opts, "encoding");
    int e = enc ? cvom__encoding_parse(enc) : CVOM_ENC_UTF8;
    if (e < 0)
        return cli_usage_error(c, "--encoding must be utf-8 or windows-1252, not '%s'", enc);
    q->csv.encoding = (enum cvom_encoding)e;
    int rc;
    if ((rc = parse_delimiter(c, cli_val(opts, "delimiter"), &q->csv.delimiter)) != 0)
        return rc;
    if ((q->kind == CVOM_IMPORT_RESPONSES || q->kind == CVOM_IMPORT_SIGNALS ||
         q->kind == CVOM_IMPORT_NETWORK) &&
        (rc = cli_date_opt(c, opts, "date", &q->o.default_date)) != 0)
        return rc;
    q->o.map = q->map;
    return parse_maps(c, opts, pos[0], q);
}

static void progress(void *ctx, size_t rows, size_t offset)
{
    const struct request *q = ctx;
    (void)rows;
    if (q->size > 0)
        fprintf(stderr, "\rimporting %s: %3.0f%%", q->path,
                100.0 * (double)offset / (double)q->size);
}

/* The database to check a dry run against: the real one, or when it does not exist an
 * empty one in memory, so that a dry run never creates a file. */
static enum cvom_status open_store(struct cli *c, const struct request *q)
{
    if (q->dry && !c->store && access(c->db, F_OK) != 0) {
        if (!q->quiet)
            fprintf(stderr,
                    "%s does not exist: checking against an empty database, which "
                    "is not kept\n",
                    c->db);
        c->db = ":memory:";
    }
    return cli_store(c);
}

static enum cvom_status open_instrument(struct cli *c, struct cli_opt *opts, struct request *q)
{
    if (q->kind != CVOM_IMPORT_RESPONSES)
        return CVOM_OK;
    const char *iname = cli_val(opts, "instrument") ? cli_val(opts, "instrument") : "default";
    enum cvom_status st =
        c->store->ops->instrument_latest(c->store, iname, &q->o.instrument_id, &c->err);
    if (st == CVOM_ENOTFOUND)
        cvom_error_set(&c->err, st, "no instrument '%s'", iname);
    return st;
}

/* Open the file as a workbook (a zip archive) or as CSV. Standard input is read as CSV. */
static enum cvom_status open_source(struct cli *c, struct request *q, int *fd,
                                    struct cvom_import_source *src)
{
    *fd = strcmp(q->path, "-") == 0 ? STDIN_FILENO : open(q->path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return cvom_error_set(&c->err, CVOM_EIO, "cannot open %s: %s", q->path, strerror(errno));
    struct stat sb;
    q->size = fstat(*fd, &sb) == 0 && S_ISREG(sb.st_mode) ? sb.st_size : 0;
    unsigned char head[8];
    ssize_t n = q->size > 0 ? pread(*fd, head, sizeof head, 0) : 0;
    if (n > 0 && cvom__xlsx_is_zip(head, (size_t)n))
        return cvom__xlsx_open_file(q->path, q->path, &q->xlsx, &src->xlsx, &c->err);
    if (n >= 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return cvom_error_set(&c->err, CVOM_EPARSE,
                              "%s is an old Excel .xls workbook or a "
                              "password-protected one: save it as .xlsx (without a password) "
                              "or as CSV",
                              q->path);
    if (q->xlsx.sheet)
        return cvom_error_set(&c->err, CVOM_EINVAL, "--sheet: %s is not a workbook", q->path);
    return cvom__csv_open_fd(*fd, q->path, &q->csv, &src->csv, &c->err);
}

static void save_map(struct cli *c, struct cli_opt *opts, const struct request *q,
                     const struct cvom_import_result *res)
{
    const char *path = cli_val(opts, "save-map");
    if (!path || !res->header_found)
        return;
    FILE *f = fopen(path, "w");
    int bad = !f || cvom__import_write_map(f, q->kind, res) != 0;
    if (f && fclose(f) != 0)
        bad = 1;
    if (bad)
        fprintf(stderr, "%s: could not write the mapping to %s: %s\n", c->prog, path,
                strerror(errno));
    else if (!q->quiet)
        fprintf(stderr, "mapping saved to %s\n", path);
}

/* Open the file, run the engine in one transaction, commit unless it is a dry run. */
static enum cvom_status run(struct cli *c, struct request *q, struct cli_opt *opts,
                            struct cvom_import_result *res)
{
    enum cvom_status st = open_store(c, q);
    if (!st)
        st = open_instrument(c, opts, q);
    if (st)
        return st;
    int fd = -1;
    struct cvom_import_source src = {0};
    st = open_source(c, q, &fd, &src);
    if (!q->quiet && isatty(STDERR_FILENO)) {
        q->o.progress = progress;
        q->o.progress_ctx = q;
    }
    if (!st && !(st = cli_begin(c))) {
        st = cvom__import_run(c->store, q->kind, &src, q->path, &q->o, res, &c->err);
        if (q->o.progress && res->rows >= 65536)
            fputc('\n', stderr);
        if (!st && !q->dry) {
            char what[CVOM_FIELD_MAX];
            if (q->kind == CVOM_IMPORT_RESPONSES)
                snprintf(what, sizeof what, "%zu assessments with %zu answers", res->added,
                         res->updated);
            else
                snprintf(what, sizeof what, "%zu %s added, %zu updated", res->added,
                         cvom__import_kind_name(q->kind), res->updated);
            char action[64];
            snprintf(action, sizeof action, "import-%s", cvom__import_kind_name(q->kind));
            cli_audit_action(c, action);
            cli_audit(c, what, "%zu rows from %s", res->rows, q->path ? q->path : "-");
            if (!res->added && !res->updated)
                cli_audit_unchanged(c);
            st = cli_commit(c);
        }
        if (st || q->dry)
            cli_rollback(c);
    }
    cvom__csv_close(src.csv);
    cvom__xlsx_close(src.xlsx);
    if (fd > STDIN_FILENO)
        close(fd);
    return st;
}

static void print_outcome(const struct request *q, const struct cvom_import_result *res)
{
    const char *did = q->dry ? "dry run" : "imported";
    switch (q->kind) {
    case CVOM_IMPORT_RESPONSES:
        fprintf(stderr, "%s %zu assessments with %zu answers from %zu rows\n",
                q->dry ? "would import" : "imported", res->added, res->updated, res->rows);
        break;
    case CVOM_IMPORT_RATINGS:
        fprintf(stderr, "%s: %zu ratings stored, from %zu rows\n", did, res->added, res->rows);
        break;
    case CVOM_IMPORT_SIGNALS:
        fprintf(stderr, "%s: %zu signal values stored, from %zu rows\n", did, res->added,
                res->rows);
        break;
    case CVOM_IMPORT_VALUES:
        fprintf(stderr, "%s: %zu rankings replaced with %zu places, from %zu rows\n", did,
                res->added, res->updated, res->rows);
        break;
    default:
        fprintf(stderr, "%s: %zu %s added, %zu updated, from %zu rows\n", did, res->added,
                cvom__import_kind_name(q->kind), res->updated, res->rows);
        if (res->unchanged)
            fprintf(stderr, "  %zu found unchanged, left as they were\n", res->unchanged);
        if (res->matched_by_name)
            fprintf(stderr, "  %zu of the updated found by their name (no external id)\n",
                    res->matched_by_name);
    }
    if (res->skipped_blank)
        fprintf(stderr, "  %zu rows without any text skipped\n", res->skipped_blank);
}

static void request_free(struct request *q)
{
    for (int i = 0; i < CLI_MULTI_MAX; i++)
        free(q->columns[i]);
    cvom__import_mapfile_cleanup(&q->file);
    free(q);
}

int cmd_import(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "map",
         .kind = 'm',
         .arg = "COL=FIELD",
         .help = "read the column COL (any case) as FIELD, or COL=ignored (repeatable)"},
        {.name = "map-file",
         .kind = 's',
         .arg = "FILE",
         .help = "read COLUMN,FIELD pairs from a CSV file (as --save-map writes)"},
        {.name = "save-map",
         .kind = 's',
         .arg = "FILE",
         .help = "write the mapping used to FILE, to edit and give to --map-file"},
        {.name = "dry-run", .kind = 'f', .help = "check everything, write nothing"},
        {.name = "delimiter",
         .kind = 's',
         .arg = "D",
         .help = "CSV: ',' ';' '|' or tab (default: detected from the header line)"},
        {.name = "decimal-comma",
         .kind = 'f',
         .help = "numbers are written 1.234,50 (a European spreadsheet's export)"},
        {.name = "encoding",
         .kind = 's',
         .arg = "ENC",
         .help = "CSV: utf-8 (default) or windows-1252 (Excel's CSV on Windows)"},
        {.name = "sheet",
         .kind = 's',
         .arg = "NAME",
         .help = "workbooks: the sheet to read (default: the first)"},
        {.name = "allow-same-name",
         .kind = 'f',
         .help = "accounts: add an account whose name another has (told apart by id)"},
        {.name = "date",
         .kind = 's',
         .arg = "DATE",
         .help = "responses, signals, network: date for rows without one (default today)"},
        {.name = "instrument",
         .kind = 's',
         .arg = "NAME",
         .help = "responses: the instrument answered (default: newest 'default')"},
        {.name = "quiet", .kind = 'f', .help = "no progress, mapping or summary on stderr"},
        {0},
    };
    char *pos[2];
    int np, rc;
    if (argc > 0 && (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0)) {
        usage(opts);
        return 0;
    }
    if (cli_parse(c, argc, argv, opts,
                  "accounts|stakeholders|responses|offerings|ratings|values|signals|network "
                  "FILE",
                  "Import a CSV file or a workbook (see 'cvom import --help').", pos, 2, 2, &np,
                  &rc))
        return rc;
    struct request *q = calloc(1, sizeof *q);
    struct cvom_import_result *res = calloc(1, sizeof *res);
    if (!q || !res) {
        free(q);
        free(res);
        return cli_fail(c, CVOM_ENOMEM, NULL);
    }
    rc = parse_request(c, opts, pos, q);
    if (!rc) {
        enum cvom_status st = run(c, q, opts, res);
        if (!q->quiet)
            cvom__import_print_mapping(stderr, q->kind, q->path, res);
        save_map(c, opts, q, res);
        if (st) {
            rc = cli_fail(c, st, &c->err);
            fprintf(stderr, "cvom: nothing was imported\n");
        } else if (!q->quiet) {
            print_outcome(q, res);
        }
    }
    request_free(q);
    free(res);
    return rc;
}
