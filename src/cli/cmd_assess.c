/* cmd_assess.c — `cvom assess ACCOUNT`: one respondent's answers for one account. In a
 * terminal it asks one item at a time (readline), saving every answer at once so that a
 * session can be left and resumed; with --answers it reads a CSV of item_id,score. */
#include "cli/cli.h"

#include "io/csv.h"
#include "io/util.h"

#include <fcntl.h>
#include <math.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct session {
    struct cli *c;
    struct cvom_account account;
    struct cvom_assessment a;
    struct cvom_instrument ins;
    double answer[CVOM_ITEMS_MAX]; /* NaN: not answered */
    const char *who;
};

static int find_draft(void *ctx, const struct cvom_assessment *a)
{
    struct session *s = ctx;
    if (a->status == CVOM_ASSESS_DRAFT && a->kind == s->a.kind &&
        a->instrument_id == s->a.instrument_id && a->stakeholder_id == s->a.stakeholder_id &&
        strcmp(a->respondent, s->a.respondent) == 0)
        s->a = *a; /* the newest draft wins: listings are oldest first */
    return 0;
}

static int load_answer(void *ctx, const struct cvom_response *r)
{
    struct session *s = ctx;
    int j = cvom_instrument_find(&s->ins, r->item_code);
    if (j >= 0)
        s->answer[j] = r->value;
    return 0;
}

/* Save one answer in its own transaction, so nothing typed is lost. */
static enum cvom_status save_answer(struct session *s, size_t j, double v)
{
    struct cli *c = s->c;
    enum cvom_status st = cli_begin(c);
    if (st)
        return st;
    int fresh = !s->a.id;
    if (fresh)
        st = c->store->ops->assessment_add(c->store, &s->a, &c->err);
    struct cvom_response r = {.assessment_id = s->a.id, .value = v};
    cvom_copy(r.item_code, sizeof r.item_code, s->ins.items[j].code);
    if (!st)
        st = c->store->ops->response_put(c->store, &r, &c->err);
    if (!st)
        st = cli_commit(c);
    if (st) {
        cli_rollback(c);
        if (fresh)
            s->a.id = 0; /* the assessment was rolled back with the answer */
    } else {
        s->answer[j] = v;
    }
    return st;
}

static void scale_hint(const struct cvom_item *it)
{
    printf("  %d = strongly disagree … %d = strongly agree%s\n", it->scale_min, it->scale_max,
           it->reverse ? "   (agreement lowers the score)" : "");
}

static void help_keys(void)
{
    printf("  Type a number on the scale and Enter. Enter alone skips the item.\n"
           "  b = back one item, s = save and stop (resume later), ? = this help.\n");
}

/* Ask every item from `start`; returns 1 when the respondent reached the end. */
static int ask(struct session *s, size_t start)
{
    size_t n = s->ins.n_items;
    for (size_t j = start; j < n;) {
        const struct cvom_item *it = &s->ins.items[j];
        printf("\n[%zu/%zu] %s — %s\n  %s\n", j + 1, n, it->code, it->construct, it->statement);
        scale_hint(it);
        char prompt[64];
        if (isnan(s->answer[j]))
            snprintf(prompt, sizeof prompt, "answer> ");
        else
            snprintf(prompt, sizeof prompt, "answer [%g]> ", s->answer[j]);
        fflush(stdout);
        char *line = readline(prompt);
        if (!line) { /* end of input: keep what we have */
            printf("\n");
            return 0;
        }
        cvom_trim(line);
        double v;
        if (line[0] == '\0') {
            j++;
        } else if (strcmp(line, "b") == 0) {
            if (j > 0)
                j--;
        } else if (strcmp(line, "s") == 0 || strcmp(line, "q") == 0) {
            free(line);
            return 0;
        } else if (strcmp(line, "?") == 0) {
            help_keys();
        } else if (cvom_parse_double(line, &v) || v < it->scale_min || v > it->scale_max ||
                   v != floor(v)) {
            printf("  Please answer with a whole number from %d to %d (or ? for help).\n",
                   it->scale_min, it->scale_max);
        } else {
            add_history(line);
            enum cvom_status st = save_answer(s, j, v);
            if (st) {
                free(line);
                cli_fail(s->c, st, &s->c->err);
                return -1;
            }
            j++;
        }
        free(line);
    }
    return 1;
}

static enum cvom_status set_status(struct session *s, enum cvom_assessment_status status)
{
    struct cli *c = s->c;
    s->a.status = status;
    enum cvom_status st = cli_begin(c);
    if (!st && !(st = c->store->ops->assessment_update(c->store, &s->a, &c->err)))
        st = cli_commit(c);
    if (st)
        cli_rollback(c);
    return st;
}

static int interactive(struct session *s)
{
    struct cli *c = s->c;
    if (!isatty(STDIN_FILENO))
        return cli_usage_error(c, "standard input is not a terminal: give --answers FILE");
    enum cvom_status st = c->store->ops->assessment_list(c->store, s->account.id, find_draft, s,
                                                         &c->err);
    if (!st && s->a.id)
        st = c->store->ops->response_list(c->store, s->a.id, load_answer, s, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    size_t start = 0, answered = 0;
    for (size_t j = 0; j < s->ins.n_items; j++)
        answered += !isnan(s->answer[j]);
    while (start < s->ins.n_items && !isnan(s->answer[start]))
        start++;
    if (start == s->ins.n_items)
        start = 0;
    printf("Assessment of %s by %s, %s version %d: %zu items.\n", s->account.name, s->who,
           s->ins.name, s->ins.version, s->ins.n_items);
    if (s->a.id)
        printf("Resuming a saved assessment: %zu answered so far.\n", answered);
    help_keys();
    int done = ask(s, start);
    if (done < 0)
        return EXIT_FAILURE_;
    answered = 0;
    for (size_t j = 0; j < s->ins.n_items; j++)
        answered += !isnan(s->answer[j]);
    if (!s->a.id) {
        printf("Nothing answered; nothing saved.\n");
        return 0;
    }
    if (!done) {
        printf("Saved %zu answers. Resume with the same command.\n", answered);
        return 0;
    }
    char *line = readline("All items seen. Mark the assessment complete? [Y/n] ");
    int complete = !line || line[0] == '\0' || line[0] == 'y' || line[0] == 'Y';
    free(line);
    if (!complete) {
        printf("Saved %zu answers as a draft. Resume with the same command.\n", answered);
        return 0;
    }
    if ((st = set_status(s, CVOM_ASSESS_COMPLETE)) != CVOM_OK)
        return cli_fail(c, st, &c->err);
    printf("Assessment %lld complete: %zu of %zu items answered.\n", (long long)s->a.id,
           answered, s->ins.n_items);
    return 0;
}

/* --answers FILE: a CSV with the columns item_id (or code) and score. All or nothing. */
static int from_file(struct session *s, const char *path, int draft)
{
    struct cli *c = s->c;
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cli_fail(c, cvom_error_set(&c->err, CVOM_EIO, "cannot open %s", path), &c->err);
    struct cvom_csv_opts o;
    cvom_csv_opts_init(&o);
    struct cvom_csv *r = NULL;
    enum cvom_status st = cvom_csv_open_fd(fd, path, &o, &r, &c->err);
    int item_col = -1, score_col = -1, header = 1;
    size_t n = 0;
    struct cvom_csv_row row;
    while (!st && !(st = cvom_csv_next(r, &row, &c->err)) && !row.eof) {
        if (header) {
            for (size_t i = 0; i < row.n; i++) {
                if (!strcmp(row.fields[i].s, "item_id") || !strcmp(row.fields[i].s, "code") ||
                    !strcmp(row.fields[i].s, "item"))
                    item_col = (int)i;
                if (!strcmp(row.fields[i].s, "score"))
                    score_col = (int)i;
            }
            header = 0;
            if (item_col < 0 || score_col < 0)
                st = cvom_error_set(&c->err, CVOM_EPARSE,
                                    "%s:%ld: the header must name the columns item_id and score",
                                    path, row.line);
            continue;
        }
        const struct cvom_csv_field *fi = &row.fields[item_col < (int)row.n ? item_col : 0];
        const struct cvom_csv_field *fs = &row.fields[score_col < (int)row.n ? score_col : 0];
        int j = cvom_instrument_find(&s->ins, fi->s);
        double v;
        const struct cvom_csv_field *bad = NULL;
        const char *why = NULL;
        if ((size_t)item_col >= row.n || (size_t)score_col >= row.n)
            bad = &row.fields[0], why = "row has fewer fields than the header";
        else if (j < 0)
            bad = fi, why = "unknown item";
        else if (fs->len == 0)
            continue; /* not answered */
        else if (cvom_parse_double(fs->s, &v) || v < s->ins.items[j].scale_min ||
                 v > s->ins.items[j].scale_max)
            bad = fs, why = "score outside the item's scale";
        else if (!isnan(s->answer[j]))
            bad = fi, why = "item answered twice";
        if (bad) {
            cvom_error_set(&c->err, CVOM_EINVAL, "%s: %s", why, bad->s);
            cvom_copy(c->err.file, sizeof c->err.file, path);
            c->err.line = bad->line;
            c->err.column = bad->column;
            st = CVOM_EINVAL;
            break;
        }
        s->answer[j] = v;
        n++;
    }
    cvom_csv_close(r);
    if (fd != STDIN_FILENO)
        close(fd);
    if (!st && n == 0)
        st = cvom_error_set(&c->err, CVOM_EINVAL, "%s: no answers", path);
    if (st)
        return cli_fail(c, st, &c->err);
    s->a.status = draft ? CVOM_ASSESS_DRAFT : CVOM_ASSESS_COMPLETE;
    if (!(st = cli_begin(c)))
        st = c->store->ops->assessment_add(c->store, &s->a, &c->err);
    for (size_t j = 0; !st && j < s->ins.n_items; j++) {
        if (isnan(s->answer[j]))
            continue;
        struct cvom_response resp = {.assessment_id = s->a.id, .value = s->answer[j]};
        cvom_copy(resp.item_code, sizeof resp.item_code, s->ins.items[j].code);
        st = c->store->ops->response_put(c->store, &resp, &c->err);
    }
    if (!st)
        st = cli_commit(c);
    if (st) {
        cli_rollback(c);
        return cli_fail(c, st, &c->err);
    }
    printf("%lld\n", (long long)s->a.id);
    return 0;
}

int cmd_assess(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "stakeholder", .kind = 's', .arg = "WHO",
         .help = "the customer stakeholder answering (id, external id or name)"},
        {.name = "self", .kind = 's', .arg = "NAME",
         .help = "a self-assessment: our own view, by NAME (e.g. the account manager)"},
        {.name = "date", .kind = 's', .arg = "DATE", .help = "date of the assessment (default today)"},
        {.name = "instrument", .kind = 's', .arg = "NAME[@V]",
         .help = "questionnaire (default: newest 'default')"},
        {.name = "answers", .kind = 's', .arg = "FILE",
         .help = "read answers from a CSV with columns item_id,score ('-' = stdin)"},
        {.name = "draft", .kind = 'f', .help = "with --answers: keep it as a draft"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT (--stakeholder WHO | --self NAME) [OPTIONS]",
                  "Record an assessment. In a terminal, asks one item at a time: b goes back, "
                  "s saves and stops; run the same command again to resume. With --answers, "
                  "records a whole file at once, or nothing if any row is wrong.",
                  pos, 1, 1, &np, &rc))
        return rc;
    const char *who = cli_val(opts, "stakeholder"), *self = cli_val(opts, "self");
    if (!who == !self)
        return cli_usage_error(c, "say who answers: --stakeholder WHO or --self NAME");
    struct session *s = calloc(1, sizeof *s);
    if (!s)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    s->c = c;
    cvom_instrument_init(&s->ins);
    for (size_t j = 0; j < CVOM_ITEMS_MAX; j++)
        s->answer[j] = NAN;
    rc = cli_date_opt(c, opts, "date", &s->a.date);
    if (!rc && cli_store(c))
        rc = cli_fail(c, c->err.status, &c->err);
    if (!rc)
        rc = cli_account(c, pos[0], &s->account);
    int64_t iid = 0;
    const char *iref = cli_val(opts, "instrument") ? cli_val(opts, "instrument") : "default";
    char iname[CVOM_NAME_MAX];
    cvom_copy(iname, sizeof iname, iref);
    char *at = strchr(iname, '@');
    long ver = 0;
    if (at)
        *at = '\0';
    enum cvom_status st = CVOM_OK;
    if (!rc) {
        if (at && cvom_parse_long(at + 1, 1, 1000000, &ver))
            rc = cli_usage_error(c, "bad instrument version in '%s'", iref);
        else if (at)
            st = c->store->ops->instrument_find(c->store, iname, (int)ver, &iid, &c->err);
        else
            st = c->store->ops->instrument_latest(c->store, iname, &iid, &c->err);
        if (!rc && !st)
            st = c->store->ops->instrument_get(c->store, iid, &s->ins, &c->err);
        if (st == CVOM_ENOTFOUND)
            cvom_error_set(&c->err, st, "no instrument '%s'", iref);
        if (st)
            rc = cli_fail(c, st, &c->err);
    }
    struct cvom_stakeholder sh;
    if (!rc && who) {
        st = c->store->ops->stakeholder_find(c->store, s->account.id, who, &sh, &c->err);
        if (st == CVOM_ENOTFOUND)
            cvom_error_set(&c->err, st, "account '%s' has no stakeholder '%s'",
                           s->account.name, who);
        if (st)
            rc = cli_fail(c, st, &c->err);
    }
    if (!rc) {
        s->a.account_id = s->account.id;
        s->a.instrument_id = iid;
        s->a.kind = who ? CVOM_RESP_CUSTOMER : CVOM_RESP_SELF;
        s->a.stakeholder_id = who ? sh.id : 0;
        cvom_copy(s->a.respondent, sizeof s->a.respondent, who ? sh.name : self);
        s->a.status = CVOM_ASSESS_DRAFT;
        s->who = s->a.respondent;
        rc = cli_val(opts, "answers")
                 ? from_file(s, cli_val(opts, "answers"), cli_opt(opts, "draft")->set)
                 : interactive(s);
    }
    cvom_instrument_cleanup(&s->ins);
    free(s);
    return rc;
}
