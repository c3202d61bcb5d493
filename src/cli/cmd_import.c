/* cmd_import.c — `cvom import accounts|stakeholders|responses|offerings|ratings|values|
 * signals|network FILE.csv`: CSV exports from CRMs, survey tools and finance. This face
 * parses the command line, opens the file, runs the shared
 * import engine (io/import.h) inside one transaction, and prints the outcome: the whole file
 * is written, or nothing is, and the first bad row is reported with line and column. */
#include "cli/cli.h"

#include "io/csv.h"
#include "io/import.h"
#include "io/util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void describe_fields(const struct cvom_field_def *f)
{
    for (; f->name; f++)
        printf("    %-14s%s %s\n", f->name, f->required ? "*" : " ", f->help);
}

static void usage(struct cli_opt *opts)
{
    printf("Usage: cvom import accounts|stakeholders|responses|offerings|ratings|values|"
           "signals|network FILE.csv [OPTIONS]\n\n"
           "Import a CSV export. The header names the columns; names are matched to the\n"
           "fields below ignoring case, spaces and punctuation, with common CRM aliases\n"
           "(\"Account Name\" is name, \"Account ID\" is external_id, ...). UTF-8 with or\n"
           "without BOM, CRLF or LF, quoted fields. The whole file is imported in one\n"
           "transaction: the first bad row stops it with file, line, column and reason,\n"
           "and nothing is written. Known external ids update their record.\n\n"
           "  accounts (* required):\n");
    describe_fields(cvom_import_fields(CVOM_IMPORT_ACCOUNTS));
    printf("  stakeholders:\n");
    describe_fields(cvom_import_fields(CVOM_IMPORT_STAKEHOLDERS));
    printf("  responses (one answer per row; rows of one respondent, account and date\n"
           "  make one assessment):\n");
    describe_fields(cvom_import_fields(CVOM_IMPORT_RESPONSES));
    printf("  offerings (the catalogue; a known code updates its offering):\n");
    describe_fields(cvom_import_fields(CVOM_IMPORT_OFFERINGS));
    printf("  ratings (one account's rating of one offering per row; a second rating of\n"
           "  the same pair replaces the first):\n");
    describe_fields(cvom_import_fields(CVOM_IMPORT_RATINGS));
    printf("  values (one place of a value hierarchy per row; the rows of an account, or\n"
           "  of 'ours', replace its whole ranking):\n");
    describe_fields(cvom_import_fields(CVOM_IMPORT_VALUES));
    printf("  signals (one measured value per row; a second value of the same account,\n"
           "  signal and date replaces the first; an empty value is skipped):\n");
    describe_fields(cvom_import_fields(CVOM_IMPORT_SIGNALS));
    printf("  network (one ledger entry per row: an introduction, peer group or event\n"
           "  we gave the account, with the customer's rating):\n");
    describe_fields(cvom_import_fields(CVOM_IMPORT_NETWORK));
    printf("\nOptions:\n");
    for (struct cli_opt *o = opts; o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s %s", o->name, o->arg ? o->arg : "");
        printf("  %-22s %s\n", left, o->help);
    }
}

/* What the command line asked for, checked before the database is opened. */
struct request {
    enum cvom_import_kind kind;
    const char *path;
    struct cvom_csv_opts csv;
    struct cvom_import_opts o;
    struct cvom_import_map map[CLI_MULTI_MAX];
    off_t size;
};

static int parse_request(struct cli *c, struct cli_opt *opts, char **pos, struct request *q)
{
    int k = cvom_import_kind_parse_all(pos[0]);
    if (k < 0)
        return cli_usage_error(c, "import accounts, stakeholders, responses, offerings, "
                                  "ratings, values, signals or network, not '%s'", pos[0]);
    q->kind = (enum cvom_import_kind)k;
    q->path = pos[1];
    cvom_csv_opts_init(&q->csv);
    cvom_import_opts_init(&q->o);
    const char *enc = cli_val(opts, "encoding");
    int e = enc ? cvom_encoding_parse(enc) : CVOM_ENC_UTF8;
    if (e < 0)
        return cli_usage_error(c, "--encoding must be utf-8 or windows-1252, not '%s'", enc);
    q->csv.encoding = (enum cvom_encoding)e;
    struct cli_opt *map = cli_opt(opts, "map");
    for (int i = 0; i < map->n_multi; i++)
        if (!strchr(map->multi[i], '='))
            return cli_usage_error(c, "--map takes COLUMN=FIELD, not '%s'", map->multi[i]);
    int rc;
    if ((q->kind == CVOM_IMPORT_RESPONSES || q->kind == CVOM_IMPORT_SIGNALS ||
         q->kind == CVOM_IMPORT_NETWORK) &&
        (rc = cli_date_opt(c, opts, "date", &q->o.default_date)) != 0)
        return rc;
    for (int i = 0; i < map->n_multi; i++) {
        const char *eq = strchr(map->multi[i], '=');
        if (cvom_import_field_index(q->kind, eq + 1) < 0)
            return cli_usage_error(c, "--map %s: no such field for %s", map->multi[i], pos[0]);
        q->map[i].field = eq + 1;
    }
    q->o.map = q->map;
    q->o.n_map = (size_t)map->n_multi;
    return 0;
}

static void progress(void *ctx, size_t rows, size_t offset)
{
    const struct request *q = ctx;
    (void)rows;
    if (q->size > 0)
        fprintf(stderr, "\rimporting %s: %3.0f%%", q->path,
                100.0 * (double)offset / (double)q->size);
}

/* Open the file, run the engine in one transaction, commit unless it is a dry run. */
static enum cvom_status run(struct cli *c, struct request *q, struct cli_opt *opts,
                            struct cvom_import_result *res)
{
    enum cvom_status st = cli_store(c);
    if (!st && q->kind == CVOM_IMPORT_RESPONSES) {
        const char *iname = cli_val(opts, "instrument") ? cli_val(opts, "instrument") : "default";
        st = c->store->ops->instrument_latest(c->store, iname, &q->o.instrument_id, &c->err);
        if (st == CVOM_ENOTFOUND)
            cvom_error_set(&c->err, st, "no instrument '%s'", iname);
    }
    if (st)
        return st;
    int fd = strcmp(q->path, "-") == 0 ? STDIN_FILENO : open(q->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cvom_error_set(&c->err, CVOM_EIO, "cannot open %s", q->path);
    struct stat sb;
    q->size = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? sb.st_size : 0;
    struct cvom_csv *r = NULL;
    st = cvom_csv_open_fd(fd, q->path, &q->csv, &r, &c->err);
    int dry = cli_opt(opts, "dry-run")->set;
    if (!cli_opt(opts, "quiet")->set && isatty(STDERR_FILENO)) {
        q->o.progress = progress;
        q->o.progress_ctx = q;
    }
    if (!st && !(st = cli_begin(c))) {
        st = cvom_import_run(c->store, q->kind, r, q->path, &q->o, res, &c->err);
        if (q->o.progress && res->rows >= 65536)
            fputc('\n', stderr);
        if (!st && !dry)
            st = cli_commit(c);
        if (st || dry)
            cli_rollback(c);
    }
    cvom_csv_close(r);
    if (fd > STDIN_FILENO)
        close(fd);
    return st;
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
         .help = "responses, signals, network: date for rows without one (default today)"},
        {.name = "instrument", .kind = 's', .arg = "NAME",
         .help = "responses: the instrument answered (default: newest 'default')"},
        {.name = "quiet", .kind = 'f', .help = "no progress or summary on standard error"},
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
                  "FILE.csv",
                  "Import a CSV export (see 'cvom import --help').", pos, 2, 2, &np, &rc))
        return rc;
    struct request *q = calloc(1, sizeof *q);
    struct cvom_import_result *res = calloc(1, sizeof *res);
    if (!q || !res) {
        free(q);
        free(res);
        return cli_fail(c, CVOM_ENOMEM, NULL);
    }
    rc = parse_request(c, opts, pos, q);
    /* Each --map COLUMN=FIELD is copied and cut at its first '=': the column is before it. */
    struct cli_opt *map = cli_opt(opts, "map");
    char *columns[CLI_MULTI_MAX] = {0};
    for (int i = 0; !rc && i < map->n_multi; i++) {
        if (!(columns[i] = strdup(map->multi[i]))) {
            rc = cli_fail(c, CVOM_ENOMEM, NULL);
            break;
        }
        *strchr(columns[i], '=') = '\0';
        q->map[i].column = columns[i];
    }
    if (!rc) {
        enum cvom_status st = run(c, q, opts, res);
        int dry = cli_opt(opts, "dry-run")->set;
        if (st) {
            rc = cli_fail(c, st, &c->err);
            fprintf(stderr, "cvom: nothing was imported\n");
        } else if (!cli_opt(opts, "quiet")->set) {
            if (q->kind == CVOM_IMPORT_RESPONSES)
                fprintf(stderr, "%s %zu assessments with %zu answers from %zu rows\n",
                        dry ? "would import" : "imported", res->added, res->updated, res->rows);
            else if (q->kind == CVOM_IMPORT_RATINGS)
                fprintf(stderr, "%s: %zu ratings stored, from %zu rows\n",
                        dry ? "dry run" : "imported", res->added, res->rows);
            else if (q->kind == CVOM_IMPORT_SIGNALS)
                fprintf(stderr, "%s: %zu signal values stored, from %zu rows\n",
                        dry ? "dry run" : "imported", res->added, res->rows);
            else if (q->kind == CVOM_IMPORT_VALUES)
                fprintf(stderr, "%s: %zu rankings replaced with %zu places, from %zu rows\n",
                        dry ? "dry run" : "imported", res->added, res->updated, res->rows);
            else
                fprintf(stderr, "%s: %zu %s added, %zu updated, from %zu rows\n",
                        dry ? "dry run" : "imported", res->added, cvom_import_kind_name(q->kind),
                        res->updated, res->rows);
        }
    }
    for (int i = 0; i < CLI_MULTI_MAX; i++)
        free(columns[i]);
    free(q);
    free(res);
    return rc;
}
