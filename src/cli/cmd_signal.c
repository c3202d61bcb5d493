/* cmd_signal.c — `cvom signal add|set|list|rm|values`: measures from a CRM or finance
 * system, each mapped to an axis with a direction, a normalisation and a weight, and blended
 * into the axis scores; and `cvom network add|list|rm`: the ledger of introductions, peer
 * groups and events we give a customer, whose ratings feed the intellectual axis as the
 * signal "network". */
#include "cli/cli.h"

#include "io/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- signal definitions ------------------------------------------------------------------ */

static const char *direction_text(int d)
{
    return d < 0 ? "-" : "+";
}

static int parse_direction(const char *s)
{
    if (strcmp(s, "+") == 0 || strcmp(s, "up") == 0 || strcmp(s, "higher") == 0)
        return 1;
    if (strcmp(s, "-") == 0 || strcmp(s, "down") == 0 || strcmp(s, "lower") == 0)
        return -1;
    return 0;
}

static void number(struct cli_opt *opts, const char *name, double *out)
{
    *out = cli_num(opts, name, *out);
}

/* Apply the options given to a definition; the ones not given keep their value. */
static int apply_options(struct cli *c, struct cli_opt *opts, struct cvom_signal_def *d)
{
    const char *v;
    if ((v = cli_val(opts, "axis"))) {
        if (strcmp(v, "intellectual") == 0)
            d->axis = CVOM_DIM_INTELLECTUAL;
        else if (strcmp(v, "emotional") == 0)
            d->axis = CVOM_DIM_EMOTIONAL;
        else
            return cli_usage_error(c, "--axis is intellectual or emotional, not '%s'", v);
    }
    if ((v = cli_val(opts, "direction")) && !(d->direction = parse_direction(v)))
        return cli_usage_error(c,
                               "--direction is + (more is more value) or - (more is less "
                               "value), not '%s'",
                               v);
    if ((v = cli_val(opts, "norm"))) {
        int n = cvom_norm_parse(v);
        if (n < 0)
            return cli_usage_error(c, "--norm is fixed, percentile or logistic, not '%s'", v);
        d->norm = (enum cvom_norm)n;
    }
    int fixed = cli_val(opts, "min") || cli_val(opts, "max");
    int logistic = cli_val(opts, "midpoint") || cli_val(opts, "scale");
    if ((fixed && d->norm != CVOM_NORM_FIXED) || (logistic && d->norm != CVOM_NORM_LOGISTIC))
        return cli_usage_error(c, "--min/--max go with --norm fixed, --midpoint/--scale with "
                                  "--norm logistic");
    number(opts, d->norm == CVOM_NORM_LOGISTIC ? "midpoint" : "min", &d->p1);
    number(opts, d->norm == CVOM_NORM_LOGISTIC ? "scale" : "max", &d->p2);
    number(opts, "weight", &d->weight);
    if ((v = cli_val(opts, "label")) && cvom__copy_str(d->label, sizeof d->label, v))
        return cli_usage_error(c, "--label is longer than %d bytes", CVOM_NAME_MAX - 1);
    return 0;
}

#define SIGNAL_OPTIONS                                                                             \
    {.name = "axis", .kind = 's', .arg = "AXIS", .help = "intellectual or emotional"},             \
        {.name = "direction",                                                                      \
         .kind = 's',                                                                              \
         .arg = "+|-",                                                                             \
         .help = "+: more of it is more value (default); -: more of it is less"},                  \
        {.name = "norm",                                                                           \
         .kind = 's',                                                                              \
         .arg = "NORM",                                                                            \
         .help = "fixed (default), percentile or logistic"},                                       \
        {.name = "min",                                                                            \
         .kind = 'n',                                                                              \
         .arg = "X",                                                                               \
         .min = -HUGE_VAL,                                                                         \
         .max = HUGE_VAL,                                                                          \
         .help = "fixed: the value that scores 0"},                                                \
        {.name = "max",                                                                            \
         .kind = 'n',                                                                              \
         .arg = "X",                                                                               \
         .min = -HUGE_VAL,                                                                         \
         .max = HUGE_VAL,                                                                          \
         .help = "fixed: the value that scores 100"},                                              \
        {.name = "midpoint",                                                                       \
         .kind = 'n',                                                                              \
         .arg = "X",                                                                               \
         .min = -HUGE_VAL,                                                                         \
         .max = HUGE_VAL,                                                                          \
         .help = "logistic: the value scoring 50"},                                                \
        {.name = "scale",                                                                          \
         .kind = 'n',                                                                              \
         .arg = "X",                                                                               \
         .min = -HUGE_VAL,                                                                         \
         .max = HUGE_VAL,                                                                          \
         .help = "logistic: how far from the midpoint a score of 73 lies (> 0)"},                  \
        {.name = "weight",                                                                         \
         .kind = 'n',                                                                              \
         .arg = "W",                                                                               \
         .min = -HUGE_VAL,                                                                         \
         .max = HUGE_VAL,                                                                          \
         .help = "its weight against the survey's (default 0.25; the survey weighs "               \
                 "signals.survey_weight, 1 unless set)"},                                          \
    {                                                                                              \
        .name = "label", .kind = 's', .arg = "TEXT", .help = "what it is, for people"              \
    }

static const char signal_about[] =
    "A signal's raw value becomes 0-100 by its normalisation — fixed: linear between --min "
    "(0) and --max (100), clamped; percentile: its mid-rank among every account's newest "
    "value on the date; logistic: 100/(1+e^-(x-midpoint)/scale) — is turned round with "
    "--direction -, and is blended into its axis: (W*survey + sum of weight*score) / (W + "
    "sum of weights), W being the setting signals.survey_weight.";

static int store_signal(struct cli *c, struct cvom_signal *g)
{
    cli_audit(c, g->def.name, NULL);
    enum cvom_status st = cli_begin(c);
    if (!st)
        st = cli_finish(c, c->store->ops->signal_put(c->store, g, &c->err));
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int signal_add(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {SIGNAL_OPTIONS, {0}};
    char *pos[1];
    int np, rc;
    char about[1024];
    snprintf(about, sizeof about, "Define a signal; prints its id. %s", signal_about);
    if (cli_parse(c, argc, argv, opts, "NAME --axis AXIS [options]", about, pos, 1, 1, &np, &rc))
        return rc;
    if (!cli_val(opts, "axis"))
        return cli_usage_error(c, "a signal needs --axis intellectual or emotional");
    struct cvom_signal g;
    memset(&g, 0, sizeof g);
    g.def.direction = 1;
    g.def.norm = CVOM_NORM_FIXED;
    g.def.p2 = 100;
    g.def.weight = 0.25;
    if (cvom__copy_str(g.def.name, sizeof g.def.name, pos[0]))
        return cli_usage_error(c, "NAME is at most %d bytes", CVOM_CODE_MAX - 1);
    if ((rc = apply_options(c, opts, &g.def)))
        return rc;
    if (cvom_signal_def_validate(&g.def, &c->err))
        return cli_usage_error(c, "%s", c->err.message);
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_signal old;
    enum cvom_status st = c->store->ops->signal_find(c->store, g.def.name, &old, &c->err);
    if (st == CVOM_OK) {
        cvom_error_set(&c->err, CVOM_EEXIST,
                       "signal %s exists (change it with 'cvom signal "
                       "set')",
                       g.def.name);
        return cli_fail(c, CVOM_EEXIST, &c->err);
    }
    if (st != CVOM_ENOTFOUND)
        return cli_fail(c, st, &c->err);
    if ((rc = store_signal(c, &g)))
        return rc;
    printf("%lld\n", (long long)g.id);
    return 0;
}

static int signal_set(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {SIGNAL_OPTIONS, {0}};
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "SIGNAL [options]",
                  "Change a signal's definition (by name or id): the options given replace "
                  "what was there, the others stay. The ledger's signal \"network\" can be "
                  "reweighted or renormalised like any other.",
                  pos, 1, 1, &np, &rc))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_signal g;
    enum cvom_status st = cli_find_signal(c, pos[0], &g);
    if (st)
        return cli_fail(c, st, &c->err);
    if ((rc = apply_options(c, opts, &g.def)))
        return rc;
    if (cvom_signal_def_validate(&g.def, &c->err))
        return cli_usage_error(c, "%s", c->err.message);
    return store_signal(c, &g);
}

struct signal_rows {
    struct cli_listing l; /* first: the store callback's ctx is both */
    enum cli_format fmt;
};

static int signal_row(void *ctx, const struct cvom_signal *g)
{
    struct signal_rows *k = ctx;
    char id[24], p1[32] = "", p2[32] = "", w[32];
    fmt_id(id, sizeof id, g->id);
    if (g->def.norm != CVOM_NORM_PERCENTILE) {
        cvom__format_double(p1, sizeof p1, g->def.p1);
        cvom__format_double(p2, sizeof p2, g->def.p2);
    }
    cvom__format_double(w, sizeof w, g->def.weight);
    const char *cells[] = {id,
                           g->def.name,
                           cvom_dim_name(g->def.axis),
                           direction_text(g->def.direction),
                           cvom_norm_name(g->def.norm),
                           p1,
                           p2,
                           w,
                           g->source == CVOM_SIGNAL_LEDGER ? "ledger" : "imported",
                           g->def.label};
    return cli_listing_add(&k->l, cells);
}

static enum cvom_status list_signals(struct cli_listing *k)
{
    return k->c->store->ops->signal_list(k->c->store, signal_row, k, &k->c->err);
}

static int signal_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id", "name", "axis",   "direction", "norm",
                                       "p1", "p2",   "weight", "source",    "label"};
    char *pos[1];
    int np, rc;
    struct signal_rows k = {.l = {.c = c}};
    if (cli_parse(c, argc, argv, opts, "[--format FMT]",
                  "List the signals by name. p1 and p2 are the normalisation's parameters: "
                  "min and max for fixed, midpoint and scale for logistic. Source: imported "
                  "(cvom import signals) or ledger (cvom network).",
                  pos, 0, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &k.fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    return cli_list(&k.l, cols, "nssssnnnss", k.fmt, list_signals);
}

static int signal_rm(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "SIGNAL",
                  "Remove a signal (by name or id) and every value recorded for it; scores "
                  "no longer blend it.",
                  pos, 1, 1, &np, &rc))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_signal g;
    enum cvom_status st = cli_find_signal(c, pos[0], &g);
    if (!st)
        cli_audit(c, g.def.name, "with every value recorded for it");
    if (!st && !(st = cli_begin(c)))
        st = cli_finish(c, c->store->ops->signal_remove(c->store, g.id, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "removed signal %s\n", g.def.name);
    return 0;
}

/* Names of the signals by id, for listings of values. */
struct names {
    size_t n;
    int64_t id[CVOM_SIGNALS_MAX];
    char name[CVOM_SIGNALS_MAX][CVOM_CODE_MAX];
};

static int name_row(void *ctx, const struct cvom_signal *g)
{
    struct names *k = ctx;
    if (k->n < CVOM_SIGNALS_MAX) {
        k->id[k->n] = g->id;
        memcpy(k->name[k->n], g->def.name, sizeof k->name[0]);
        k->n++;
    }
    return 0;
}

struct value_rows {
    struct cli_listing l; /* first: the store callback's ctx is both */
    struct names names;
    int64_t account_id; /* 0: every account */
};

static int value_row(void *ctx, const struct cvom_signal_value *v)
{
    struct value_rows *k = ctx;
    if (cli_listing_account(&k->l, v->account_id))
        return 1;
    const char *name = "?";
    for (size_t i = 0; i < k->names.n; i++)
        if (k->names.id[i] == v->signal_id)
            name = k->names.name[i];
    char id[24], date[11], value[32];
    fmt_id(id, sizeof id, v->account_id);
    cvom_date_format(v->date, date);
    cvom__format_double(value, sizeof value, v->value);
    const char *cells[] = {id, k->l.acc.name, name, date, value};
    return cli_listing_add(&k->l, cells);
}

static enum cvom_status list_values(struct cli_listing *l)
{
    struct value_rows *k = (struct value_rows *)l;
    return l->c->store->ops->signal_history(l->c->store, k->account_id, value_row, k, &l->c->err);
}

static int signal_values(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"account_id", "account", "signal", "date", "value"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[ACCOUNT] [--format FMT]",
                  "List the imported values of one account's signals, or every account's, by "
                  "account, signal and date. A score uses each signal's newest value on or "
                  "before its date; 'cvom explain' shows what each one adds.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct value_rows k = {.l = {.c = c}};
    if (np == 1) {
        if ((rc = cli_account(c, pos[0], &k.l.acc)))
            return rc;
        k.account_id = k.l.acc.id;
    }
    enum cvom_status st = c->store->ops->signal_list(c->store, name_row, &k.names, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    return cli_list(&k.l, cols, "nsssn", fmt, list_values);
}

int cmd_signal(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"add", signal_add, "define a signal: axis, direction, normalisation, weight"},
        {"set", signal_set, "change a signal's definition"},
        {"list", signal_list, "list the signals"},
        {"rm", signal_rm, "remove a signal and its values"},
        {"values", signal_values, "list imported values (cvom import signals FILE adds them)"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "signal", cmds, argc, argv);
}

/* ---- the network ledger ------------------------------------------------------------------- */

static int network_add(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "kind",
         .kind = 's',
         .arg = "KIND",
         .help = "introduction, peer_group or event (required)"},
        {.name = "title",
         .kind = 's',
         .arg = "TEXT",
         .help = "whom we introduced, which group or event (required)"},
        {.name = "date", .kind = 's', .arg = "DATE", .help = "when, YYYY-MM-DD (default today)"},
        {.name = "rating",
         .kind = 'n',
         .arg = "N",
         .min = 1,
         .max = 5,
         .help = "the customer's rating of it, 1-5 (leave out until they have given one)"},
        {.name = "notes", .kind = 's', .arg = "TEXT", .help = "anything worth keeping"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT --kind KIND --title TEXT [options]",
                  "Record an introduction, peer group or event we gave a customer; prints its "
                  "id. The mean rating of an account's rated entries of the last 365 days is "
                  "its signal \"network\" on the intellectual axis (fixed 1-5 by default; see "
                  "'cvom signal list').",
                  pos, 1, 1, &np, &rc))
        return rc;
    struct cvom_network_entry e;
    memset(&e, 0, sizeof e);
    e.rating = NAN;
    const char *kind = cli_val(opts, "kind"), *title = cli_val(opts, "title");
    const char *notes = cli_val(opts, "notes");
    if (!kind || !title)
        return cli_usage_error(c, "an entry needs --kind and --title");
    int k = cvom__network_kind_parse(kind);
    if (k < 0)
        return cli_usage_error(c, "--kind is introduction, peer_group or event, not '%s'", kind);
    e.kind = (enum cvom_network_kind)k;
    if (cvom__copy_str(e.title, sizeof e.title, title) || !cvom__trim(e.title)[0])
        return cli_usage_error(c, "--title must be 1 to %d bytes of text", CVOM_FIELD_MAX - 1);
    if (notes && cvom__copy_str(e.notes, sizeof e.notes, notes))
        return cli_usage_error(c, "--notes is longer than %d bytes", CVOM_FIELD_MAX - 1);
    e.rating = cli_num(opts, "rating", e.rating);
    if ((rc = cli_date_opt(c, opts, "date", &e.date)))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account acc;
    if ((rc = cli_account(c, pos[0], &acc)))
        return rc;
    e.account_id = acc.id;
    cli_audit(c, acc.name, "%s", e.title);
    enum cvom_status st = cli_begin(c);
    if (!st)
        st = cli_finish(c, c->store->ops->network_add(c->store, &e, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    printf("%lld\n", (long long)e.id);
    return 0;
}

struct entry_rows {
    struct cli_listing l; /* first: the store callback's ctx is both */
    int64_t account_id;   /* 0: every account */
};

static int entry_row(void *ctx, const struct cvom_network_entry *e)
{
    struct entry_rows *k = ctx;
    if (cli_listing_account(&k->l, e->account_id))
        return 1;
    char id[24], acc[24], date[11], rating[16];
    fmt_id(id, sizeof id, e->id);
    fmt_id(acc, sizeof acc, e->account_id);
    cvom_date_format(e->date, date);
    fmt_num(rating, sizeof rating, e->rating, 1);
    const char *cells[] = {id,       acc,    k->l.acc.name, date, cvom__network_kind_name(e->kind),
                           e->title, rating, e->notes};
    return cli_listing_add(&k->l, cells);
}

static enum cvom_status list_entries(struct cli_listing *l)
{
    struct entry_rows *k = (struct entry_rows *)l;
    return l->c->store->ops->network_list(l->c->store, k->account_id, entry_row, k, &l->c->err);
}

static int network_list(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"id",   "account_id", "account", "date",
                                       "kind", "title",      "rating",  "notes"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[ACCOUNT] [--format FMT]",
                  "List the ledger of one account or of every account, newest first. An "
                  "empty rating has not been given yet and does not count.",
                  pos, 1, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct entry_rows k = {.l = {.c = c}};
    if (np == 1) {
        if ((rc = cli_account(c, pos[0], &k.l.acc)))
            return rc;
        k.account_id = k.l.acc.id;
    }
    return cli_list(&k.l, cols, "nnssssns", fmt, list_entries);
}

static int network_rm(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "ID", "Remove a ledger entry by id.", pos, 1, 1, &np, &rc))
        return rc;
    long id;
    if (cvom__parse_long(pos[0], 1, INT64_MAX / 2, &id))
        return cli_usage_error(c, "ID is a number, not '%s'", pos[0]);
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    cli_audit(c, pos[0], "ledger entry %ld", id);
    enum cvom_status st = cli_begin(c);
    if (!st)
        st = cli_finish(c, c->store->ops->network_remove(c->store, id, &c->err));
    return st ? cli_fail(c, st, &c->err) : 0;
}

int cmd_network(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"add", network_add, "record an introduction, peer group or event and its rating"},
        {"list", network_list, "list the ledger"},
        {"rm", network_rm, "remove an entry"},
        {NULL, NULL, NULL},
    };
    return cli_dispatch(c, "network", cmds, argc, argv);
}
