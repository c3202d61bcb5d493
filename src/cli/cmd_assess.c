/* cmd_assess.c — `cvom assess ACCOUNT`: one respondent's answers for one account. It asks
 * one item at a time (readline in a terminal, lines of standard input otherwise), saving
 * every answer at once so that a session can be left and resumed; with --answers it reads a
 * CSV of item_id,score. Without a respondent it lists the account's stakeholders to choose
 * from; a second assessment by the same person on the same date is revisited or replaced,
 * never added unawares; a completed assessment ends with the account's new place. */
#include "cli/cli.h"

#include "io/csv.h"
#include "io/util.h"
#include "service/portfolio.h"

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
    struct cvom_assessment same_day; /* a complete one by the same person that day; id 0: none */
    struct cvom_instrument ins;
    double answer[CVOM_ITEMS_MAX]; /* NaN: not answered */
    const char *who;
    struct cvom_score before; /* the account's score before this assessment was complete */
    int32_t scored_on;
};

static int same_person(const struct cvom_assessment *x, const struct cvom_assessment *y)
{
    return x->kind == y->kind && x->stakeholder_id == y->stakeholder_id &&
           strcmp(x->respondent, y->respondent) == 0;
}

static int find_same_day(void *ctx, const struct cvom_assessment *a)
{
    struct session *s = ctx;
    if (a->status == CVOM_ASSESS_COMPLETE && a->date == s->a.date && same_person(a, &s->a))
        s->same_day = *a;
    return 0;
}

static int find_draft(void *ctx, const struct cvom_assessment *a)
{
    struct session *s = ctx;
    /* The newest wins: listings are oldest first. */
    if (a->status == CVOM_ASSESS_DRAFT && a->instrument_id == s->a.instrument_id &&
        same_person(a, &s->a)) {
        s->a = *a;
    } else if (a->status == CVOM_ASSESS_COMPLETE && a->date == s->a.date && same_person(a, &s->a)) {
        s->same_day = *a;
    }
    return 0;
}

/* A line of input: readline in a terminal, else a line of standard input with the prompt
 * written first. NULL at the end of input. The caller frees it. */
static char *read_line(const char *prompt)
{
    if (isatty(STDIN_FILENO))
        return readline(prompt);
    fputs(prompt, stdout);
    fflush(stdout);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        return NULL;
    }
    if (n > 0 && line[n - 1] == '\n')
        line[n - 1] = '\0';
    printf("%s\n", line); /* the answer shows beside its prompt, as typed in a terminal */
    return line;
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
    cvom__copy_str(r.item_code, sizeof r.item_code, s->ins.items[j].code);
    if (!st)
        st = c->store->ops->response_put(c->store, &r, &c->err);
    cli_audit(c, NULL, "by %s: %s answered %g", s->who, r.item_code, v);
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
    printf("  Type a number on the scale and Enter. Enter alone skips a new item, and keeps\n"
           "  the answer shown in [brackets] on an item answered before; - clears it.\n"
           "  b = back one item, s = save and stop (resume later), ? = this help.\n");
}

/* Clear one answer in its own transaction. */
static enum cvom_status clear_answer(struct session *s, size_t j)
{
    struct cli *c = s->c;
    enum cvom_status st = cli_begin(c);
    cli_audit(c, NULL, "by %s: %s cleared", s->who, s->ins.items[j].code);
    if (!st)
        st = c->store->ops->response_remove(c->store, s->a.id, s->ins.items[j].code, &c->err);
    st = cli_finish(c, st);
    if (!st)
        s->answer[j] = NAN;
    return st;
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
        char *line = read_line(prompt);
        if (!line) { /* end of input: keep what we have */
            printf("\n");
            return 0;
        }
        cvom__trim(line);
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
        } else if (strcmp(line, "-") == 0) {
            enum cvom_status st = isnan(s->answer[j]) ? CVOM_OK : clear_answer(s, j);
            if (st) {
                free(line);
                cli_fail(s->c, st, &s->c->err);
                return -1;
            }
            printf("  Cleared.\n");
            j++;
        } else if (cvom__parse_double(line, &v) || v < it->scale_min || v > it->scale_max ||
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
    cli_audit(c, NULL, "by %s: assessment %lld %s", s->who, (long long)s->a.id,
              status == CVOM_ASSESS_COMPLETE ? "complete" : "saved as a draft");
    enum cvom_status st = cli_begin(c);
    if (!st && !(st = c->store->ops->assessment_update(c->store, &s->a, &c->err)))
        st = cli_commit(c);
    if (st)
        cli_rollback(c);
    return st;
}

/* The account's score as of the assessment's date, or today when that is later. */
static enum cvom_status score_now(struct session *s, struct cvom_score *out)
{
    struct cli *c = s->c;
    struct cvom_config cfg;
    struct cvom_instrument_cache cache;
    int32_t today = cli_today();
    s->scored_on = s->a.date > today ? s->a.date : today;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    cvom__instrument_cache_init(&cache);
    if (!st)
        st = cvom__account_score(c->store, &cache, &cfg, s->account.id, s->scored_on, out, NULL,
                                 &c->err);
    cvom__instrument_cache_cleanup(&cache);
    return st;
}

static void place_text(const struct cvom_score *sc, char *buf, size_t cap)
{
    if (sc->state == CVOM_STATE_INSUFFICIENT)
        snprintf(buf, cap, "not placed (not enough evidence)");
    else
        snprintf(buf, cap, "%s%s", cvom_quadrant_title(sc->quadrant),
                 sc->state == CVOM_STATE_BORDERLINE ? " (borderline)" : "");
}

/* After an assessment is complete: the account's new scores and quadrant, whether it
 * moved, and where to see why. */
static void tell_result(struct session *s, FILE *out)
{
    struct cvom_score now;
    enum cvom_status st = score_now(s, &now);
    if (st) {
        fprintf(out, "The new scores could not be computed: %s\n", s->c->err.message);
        return;
    }
    char date[11], was[64], is[64];
    cvom_date_format(s->scored_on, date);
    place_text(&s->before, was, sizeof was);
    place_text(&now, is, sizeof is);
    fprintf(out, "%s as of %s: ", s->account.name, date);
    if (now.state == CVOM_STATE_INSUFFICIENT)
        fprintf(out, "not enough evidence to place it yet.\n");
    else
        fprintf(out, "intellectual %.1f [%.1f\u2013%.1f], emotional %.1f [%.1f\u2013%.1f]: %s.\n",
                now.value[CVOM_DIM_INTELLECTUAL], now.lo[CVOM_DIM_INTELLECTUAL],
                now.hi[CVOM_DIM_INTELLECTUAL], now.value[CVOM_DIM_EMOTIONAL],
                now.lo[CVOM_DIM_EMOTIONAL], now.hi[CVOM_DIM_EMOTIONAL], is);
    int placed_before = s->before.state != CVOM_STATE_INSUFFICIENT;
    int placed_now = now.state != CVOM_STATE_INSUFFICIENT;
    if (placed_now && !placed_before)
        fprintf(out, "It is placed for the first time: %s.\n", is);
    else if (placed_now && s->before.quadrant != now.quadrant)
        fprintf(out, "It moved from %s to %s.\n", was, is);
    else if (placed_now)
        fprintf(out, "It stays in %s.\n", cvom_quadrant_title(now.quadrant));
    else if (placed_before)
        fprintf(out, "It was %s before.\n", was);
    fprintf(out, "Why: cvom explain %lld\n", (long long)s->account.id);
}

/* A complete assessment by the same person on the same date: revisit it (r; only when it
 * was answered with the same questionnaire, since answers belong to its items), replace it
 * (n), or stop. Returns 1 to go on, 0 to stop, or an exit code + 1 on failure. */
static int same_day(struct session *s)
{
    struct cli *c = s->c;
    char date[11];
    cvom_date_format(s->same_day.date, date);
    printf("%s already answered an assessment of %s on %s (assessment %lld, complete).\n"
           "  r = revisit it: Enter keeps each answer; n = replace it: its answers are "
           "removed\n  and the questions start again; Enter alone = stop.\n",
           s->who, s->account.name, date, (long long)s->same_day.id);
    for (;;) {
        char *line = read_line("revisit or replace [r/n]> ");
        char k = line ? line[0] : '\0';
        free(line);
        if (k == '\0') {
            printf("Nothing changed.\n");
            return 0;
        }
        if ((k == 'r' || k == 'R') && s->same_day.instrument_id != s->a.instrument_id) {
            printf("  It was answered with another questionnaire than %s version %d: it can "
                   "only be replaced (n).\n",
                   s->ins.name, s->ins.version);
            continue;
        }
        if (k == 'r' || k == 'R') {
            s->a = s->same_day;
            return 1;
        }
        if (k == 'n' || k == 'N') {
            cli_audit(c, NULL, "by %s: assessment %lld removed, to be replaced", s->who,
                      (long long)s->same_day.id);
            enum cvom_status st = cli_begin(c);
            if (!st)
                st = c->store->ops->assessment_remove(c->store, s->same_day.id, &c->err);
            if ((st = cli_finish(c, st)) != CVOM_OK)
                return cli_fail(c, st, &c->err) + 1;
            printf("Removed assessment %lld.\n", (long long)s->same_day.id);
            return 1;
        }
        printf("  Please type r or n, or Enter alone to stop.\n");
    }
}

static int interactive(struct session *s)
{
    struct cli *c = s->c;
    enum cvom_status st =
        c->store->ops->assessment_list(c->store, s->account.id, find_draft, s, &c->err);
    if (!st)
        st = score_now(s, &s->before);
    if (st)
        return cli_fail(c, st, &c->err);
    if (!s->a.id && s->same_day.id) {
        int go = same_day(s);
        if (go != 1)
            return go > 1 ? go - 1 : 0;
    }
    if (s->a.id &&
        (st = c->store->ops->response_list(c->store, s->a.id, load_answer, s, &c->err)) != 0)
        return cli_fail(c, st, &c->err);
    int revisit = s->a.status == CVOM_ASSESS_COMPLETE;
    size_t start = 0, answered = 0;
    for (size_t j = 0; j < s->ins.n_items; j++)
        answered += !isnan(s->answer[j]);
    while (!revisit && start < s->ins.n_items && !isnan(s->answer[start]))
        start++;
    if (start == s->ins.n_items)
        start = 0;
    printf("Assessment of %s by %s, %s version %d: %zu items.\n", s->account.name, s->who,
           s->ins.name, s->ins.version, s->ins.n_items);
    if (revisit)
        printf("Revisiting assessment %lld: %zu answered.\n", (long long)s->a.id, answered);
    else if (s->a.id)
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
    if (revisit) {
        printf("Assessment %lld kept complete: %zu of %zu items answered.\n", (long long)s->a.id,
               answered, s->ins.n_items);
        tell_result(s, stdout);
        return 0;
    }
    if (!done) {
        printf("Saved %zu answers. Resume with the same command.\n", answered);
        return 0;
    }
    char *line = read_line("All items seen. Mark the assessment complete? [Y/n] ");
    int complete = !line || line[0] == '\0' || line[0] == 'y' || line[0] == 'Y';
    free(line);
    if (!complete) {
        printf("Saved %zu answers as a draft. Resume with the same command.\n", answered);
        return 0;
    }
    if ((st = set_status(s, CVOM_ASSESS_COMPLETE)) != CVOM_OK)
        return cli_fail(c, st, &c->err);
    printf("Assessment %lld complete: %zu of %zu items answered.\n", (long long)s->a.id, answered,
           s->ins.n_items);
    tell_result(s, stdout);
    return 0;
}

/* --answers FILE: a CSV with the columns item_id (or code) and score. All or nothing. A
 * complete assessment by the same person on the same date is refused unless replace. */
static int from_file(struct session *s, const char *path, int draft, int replace)
{
    struct cli *c = s->c;
    enum cvom_status lst =
        c->store->ops->assessment_list(c->store, s->account.id, find_same_day, s, &c->err);
    if (lst)
        return cli_fail(c, lst, &c->err);
    if (s->same_day.id && !replace) {
        char date[11];
        cvom_date_format(s->same_day.date, date);
        return cli_fail(c,
                        cvom_error_set(&c->err, CVOM_EEXIST,
                                       "%s already answered an assessment of %s on %s "
                                       "(assessment %lld): add --replace to replace it, or "
                                       "run 'cvom assess' without --answers to revisit it",
                                       s->who, s->account.name, date, (long long)s->same_day.id),
                        &c->err);
    }
    if (!draft && (lst = score_now(s, &s->before)) != CVOM_OK)
        return cli_fail(c, lst, &c->err);
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cli_fail(c, cvom_error_set(&c->err, CVOM_EIO, "cannot open %s", path), &c->err);
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    struct cvom_csv *r = NULL;
    enum cvom_status st = cvom__csv_open_fd(fd, path, &o, &r, &c->err);
    int item_col = -1, score_col = -1, header = 1;
    size_t n = 0;
    struct cvom_csv_row row;
    while (!st && !(st = cvom__csv_next(r, &row, &c->err)) && !row.eof) {
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
        else if (cvom__parse_double(fs->s, &v) || v < s->ins.items[j].scale_min ||
                 v > s->ins.items[j].scale_max)
            bad = fs, why = "score outside the item's scale";
        else if (!isnan(s->answer[j]))
            bad = fi, why = "item answered twice";
        if (bad) {
            cvom_error_set(&c->err, CVOM_EINVAL, "%s: %s", why, bad->s);
            cvom__copy_str(c->err.file, sizeof c->err.file, path);
            c->err.line = bad->line;
            c->err.column = bad->column;
            st = CVOM_EINVAL;
            break;
        }
        s->answer[j] = v;
        n++;
    }
    cvom__csv_close(r);
    if (fd != STDIN_FILENO)
        close(fd);
    if (!st && n == 0)
        st = cvom_error_set(&c->err, CVOM_EINVAL, "%s: no answers", path);
    if (st)
        return cli_fail(c, st, &c->err);
    s->a.status = draft ? CVOM_ASSESS_DRAFT : CVOM_ASSESS_COMPLETE;
    if (!(st = cli_begin(c)) && s->same_day.id)
        st = c->store->ops->assessment_remove(c->store, s->same_day.id, &c->err);
    if (!st)
        st = c->store->ops->assessment_add(c->store, &s->a, &c->err);
    for (size_t j = 0; !st && j < s->ins.n_items; j++) {
        if (isnan(s->answer[j]))
            continue;
        struct cvom_response resp = {.assessment_id = s->a.id, .value = s->answer[j]};
        cvom__copy_str(resp.item_code, sizeof resp.item_code, s->ins.items[j].code);
        st = c->store->ops->response_put(c->store, &resp, &c->err);
    }
    if (!st)
        st = cli_commit(c);
    if (st) {
        cli_rollback(c);
        return cli_fail(c, st, &c->err);
    }
    printf("%lld\n", (long long)s->a.id);
    if (s->same_day.id)
        fprintf(stderr, "replaced assessment %lld\n", (long long)s->same_day.id);
    if (!draft)
        tell_result(s, stderr);
    return 0;
}

/* The account's stakeholders, for choosing who answers. */
struct people {
    struct cvom_stakeholder v[64];
    size_t n, more;
};

static int person_row(void *ctx, const struct cvom_stakeholder *p)
{
    struct people *k = ctx;
    if (k->n < sizeof k->v / sizeof *k->v)
        k->v[k->n++] = *p;
    else
        k->more++;
    return 0;
}

static void list_people(const struct people *k, FILE *out)
{
    for (size_t i = 0; i < k->n; i++)
        fprintf(out, "  %2zu  %s%s%s\n", i + 1, k->v[i].name, k->v[i].role[0] ? " — " : "",
                k->v[i].role);
    if (k->more)
        fprintf(out, "  … and %zu more ('cvom stakeholder list')\n", k->more);
}

/* Who answers: the stakeholder named (exactly, else the one name that differs only in
 * capitals), or, when none is named, one chosen from the account's stakeholders. 0 with
 * *out set, or an exit code after a message. */
static int pick_stakeholder(struct cli *c, const struct cvom_account *acc, const char *who,
                            int can_ask, struct cvom_stakeholder *out)
{
    struct people *k = calloc(1, sizeof *k);
    if (!k)
        return cli_fail(c, CVOM_ENOMEM, NULL);
    enum cvom_status st = who ? cli_find_stakeholder(c, acc, who, out) : CVOM_ENOTFOUND;
    if (st != CVOM_ENOTFOUND)
        goto done;
    struct cvom_error why = c->err;
    if ((st = c->store->ops->stakeholder_list(c->store, acc->id, person_row, k, &c->err)) != 0)
        goto done;
    if (who) { /* not found: say so, with the names to choose from */
        cli_fail(c, CVOM_ENOTFOUND, &why);
        if (k->n) {
            fprintf(stderr, "The stakeholders of %s:\n", acc->name);
            list_people(k, stderr);
        }
        free(k);
        return EXIT_NOTFOUND;
    }
    if (!k->n) {
        free(k);
        return cli_usage_error(c,
                               "%s has no stakeholders yet: add one with 'cvom stakeholder "
                               "add ACCOUNT NAME', or give --self NAME for our own view",
                               acc->name);
    }
    if (!can_ask) {
        fprintf(stderr,
                "%s: say who answers: --stakeholder WHO or --self NAME. The "
                "stakeholders of %s:\n",
                c->prog, acc->name);
        list_people(k, stderr);
        free(k);
        return EXIT_USAGE;
    }
    printf("Who answers for %s? Its stakeholders:\n", acc->name);
    list_people(k, stdout);
    for (;;) {
        char *line = read_line("number (Enter alone stops)> ");
        long i = 0;
        if (line)
            cvom__trim(line);
        if (!line || !line[0]) {
            free(line);
            free(k);
            printf("Nothing answered; nothing saved.\n");
            return -1;
        }
        int bad = cvom__parse_long(line, 1, (long)k->n, &i) != CVOM_OK;
        free(line);
        if (!bad) {
            *out = k->v[i - 1];
            break;
        }
        printf("  Please give a number from 1 to %zu.\n", k->n);
    }
done:
    free(k);
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_assess(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "stakeholder",
         .kind = 's',
         .arg = "WHO",
         .help = "the customer stakeholder answering (id, external id or name); without it "
                 "or --self, the account's stakeholders are listed to choose from"},
        {.name = "self",
         .kind = 's',
         .arg = "NAME",
         .help = "a self-assessment: our own view, by NAME (e.g. the account manager)"},
        {.name = "date",
         .kind = 's',
         .arg = "DATE",
         .help = "date of the assessment (default today)"},
        {.name = "instrument",
         .kind = 's',
         .arg = "NAME[@V]",
         .help = "questionnaire (default: newest 'default')"},
        {.name = "answers",
         .kind = 's',
         .arg = "FILE",
         .help = "read answers from a CSV with columns item_id,score ('-' = stdin)"},
        {.name = "draft", .kind = 'f', .help = "with --answers: keep it as a draft"},
        {.name = "replace",
         .kind = 'f',
         .help = "with --answers: replace the respondent's complete assessment of that date"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT [--stakeholder WHO | --self NAME] [OPTIONS]",
                  "Record an assessment. Asks one item at a time (lines of standard input when "
                  "it is not a terminal): a number on the scale answers; Enter alone skips a "
                  "new item and keeps the answer shown in [brackets] on an item answered "
                  "before; - clears an answer; b goes back; s saves and stops; run the same "
                  "command again to resume. Without --stakeholder or --self, lists the "
                  "account's stakeholders to choose from. When the same person already "
                  "completed an assessment on that date, offers to revisit it (r) or replace "
                  "it (n). A completed assessment ends with the account's new scores and "
                  "quadrant, whether it moved, and the 'cvom explain' to see why. With "
                  "--answers, records a whole file at once, or nothing if any row is wrong.",
                  pos, 1, 1, &np, &rc))
        return rc;
    const char *who = cli_val(opts, "stakeholder"), *self = cli_val(opts, "self");
    if (who && self)
        return cli_usage_error(c, "say who answers: --stakeholder WHO or --self NAME, not "
                                  "both");
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
    cvom__copy_str(iname, sizeof iname, iref);
    char *at = strchr(iname, '@');
    long ver = 0;
    if (at)
        *at = '\0';
    enum cvom_status st = CVOM_OK;
    if (!rc) {
        if (at && cvom__parse_long(at + 1, 1, 1000000, &ver))
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
    if (!rc && !self)
        rc = pick_stakeholder(c, &s->account, who, !cli_val(opts, "answers"), &sh);
    if (rc < 0) /* nobody chosen */
        rc = 0;
    else if (!rc) {
        s->a.account_id = s->account.id;
        s->a.instrument_id = iid;
        s->a.kind = self ? CVOM_RESP_SELF : CVOM_RESP_CUSTOMER;
        s->a.stakeholder_id = self ? 0 : sh.id;
        cvom__copy_str(s->a.respondent, sizeof s->a.respondent, self ? self : sh.name);
        s->a.status = CVOM_ASSESS_DRAFT;
        s->who = s->a.respondent;
        char day[11];
        cvom_date_format(s->a.date, day);
        cli_audit(c, s->account.name, "by %s on %s", s->who, day);
        rc = cli_val(opts, "answers")
                 ? from_file(s, cli_val(opts, "answers"), cli_opt(opts, "draft")->set,
                             cli_opt(opts, "replace")->set)
                 : interactive(s);
    }
    cvom_instrument_cleanup(&s->ins);
    free(s);
    return rc;
}
