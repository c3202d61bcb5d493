/* cli.h — what the command-line face shares: the command context, option tables, output
 * tables in text, CSV or JSON, and the one mapping from status to exit code. */
#ifndef CVOM_CLI_H
#define CVOM_CLI_H

#include "cvom.h"
#include "service/portfolio.h"
#include "store/store.h"

#include <stdio.h>

/* Exit codes, documented in the README and `cvom --help`. */
enum cli_exit {
    EXIT_OKAY = 0,
    EXIT_FAILURE_ = 1, /* anything not listed below: I/O, memory */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_INPUT = 3,    /* invalid input data: a value, a file that does not parse */
    EXIT_NOTFOUND = 4, /* a named record does not exist */
    EXIT_CONFLICT = 5, /* the record already exists */
    EXIT_STORE = 6,    /* the database failed or stayed locked */
};

enum cli_format { FMT_TEXT = 0, FMT_CSV, FMT_JSON, FMT_COUNT };

struct cli {
    const char *db;   /* --db, CVOM_DB, or "cvom.db" */
    const char *prog; /* "cvom account add": for messages and usage */
    int color;        /* stdout is a terminal and NO_COLOR is unset */
    int quiet;
    struct cvom_store *store;
    struct cvom_error err;
    /* The audit log: who runs the command ("cli:" and the system user, or the cvom user
     * given with --as), and what the write transaction under way is about. cli_commit
     * writes the line in that transaction; the action is the command's words joined by
     * '-' ("account-edit") unless a command names its own. */
    char actor[CVOM_FIELD_MAX];
    char audit_action[64];
    char audit_target[CVOM_FIELD_MAX];
    char audit_detail[512];
    int audit_unchanged; /* the transaction under way changed nothing: no line */
};

/* Options: a table per command. Kinds: 's' takes a value, 'f' is a flag, 'm' takes a value
 * and may repeat (values collected in order), 'i' takes a whole number and 'n' a number,
 * each from min to max (HUGE_VAL for no bound): cli_parse refuses anything else with a
 * usage error naming the option, so no command runs on a value it did not understand. */
#define CLI_MULTI_MAX 64
struct cli_opt {
    const char *name; /* without the leading "--" */
    char kind;
    const char *arg; /* the value's name in help, e.g. "FILE" */
    const char *help;
    double min, max; /* kinds 'i' and 'n': the values allowed */
    /* filled by cli_parse */
    const char *value;
    double num; /* kinds 'i' and 'n': the value read */
    int set;
    int n_multi;
    const char *multi[CLI_MULTI_MAX];
};

struct cli_cmd {
    const char *name;
    int (*fn)(struct cli *c, int argc, char **argv);
    const char *summary;
};

/* Parse argv against opts. Positionals are gathered into pos (at most max_pos; *n_pos set).
 * `--help` prints usage built from usage/description and opts, and returns 1 with *exit_code
 * 0; a usage error prints a message and returns 1 with *exit_code EXIT_USAGE. Returns 0 to
 * proceed. */
int cli_parse(struct cli *c, int argc, char **argv, struct cli_opt *opts, const char *usage,
              const char *description, char **pos, int max_pos, int min_pos, int *n_pos,
              int *exit_code);
struct cli_opt *cli_opt(struct cli_opt *opts, const char *name);
const char *cli_val(struct cli_opt *opts, const char *name); /* NULL when not given */
/* The value of a number option ('i' or 'n'), or def when it was not given. */
double cli_num(struct cli_opt *opts, const char *name, double def);

/* Dispatch to a sub-command from a table ("account add"). */
int cli_dispatch(struct cli *c, const char *group, const struct cli_cmd *cmds, int argc,
                 char **argv);

/* Print "cvom: message" (with file:line:column when err has them) and return the exit
 * code for st — the one place statuses become exit codes. */
int cli_fail(struct cli *c, enum cvom_status st, const struct cvom_error *err);
int cli_usage_error(struct cli *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
int cli_exit_code(enum cvom_status st);

/* Open the store at c->db (creating and migrating it) unless already open. */
enum cvom_status cli_store(struct cli *c);
/* The same for commands that only read: a database that does not exist is an error, not
 * an empty one created by accident. */
enum cvom_status cli_store_existing(struct cli *c);
/* A write transaction: cli_begin opens it, cli_commit adds the command's line to the audit
 * log and commits both (the caller rolls back when it fails), cli_rollback drops it. */
enum cvom_status cli_begin(struct cli *c);
enum cvom_status cli_commit(struct cli *c);
void cli_rollback(struct cli *c);
/* End the transaction cli_begin opened: commit when st (the work's status) is CVOM_OK, roll
 * back otherwise or when the commit fails. Returns the final status. */
enum cvom_status cli_finish(struct cli *c, enum cvom_status st);

/* Say what the transaction under way changed, for its audit line: the record (an account's
 * name, a user's …; NULL leaves it as it was) and a detail in printf style (NULL: none). */
void cli_audit(struct cli *c, const char *target, const char *detail_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Say that the transaction under way changed nothing after all (an import of records that
 * are all as they were, a setting given its own value): its commit writes no line. */
void cli_audit_unchanged(struct cli *c);
/* Name the audit line's action instead of the command's words ("role-change"). */
void cli_audit_action(struct cli *c, const char *action);
/* Write an audit line for a change made outside cli_begin … cli_commit (a database put
 * in place of another), in a transaction of its own on the open store. */
enum cvom_status cli_audit_alone(struct cli *c);
/* The actor of the audit lines: --as NAME (checked to be a user of the database at c->db:
 * EXIT_USAGE after a message when not), or "cli:" and the system user. 0 when set. */
int cli_actor(struct cli *c, const char *as);
/* `cvom audit`: the audit log. */
int cmd_audit(struct cli *c, int argc, char **argv);

/* --format: parse "text", "csv", "json"; EXIT_USAGE on anything else. */
int cli_format(struct cli *c, struct cli_opt *opts, enum cli_format *out);
/* The account filters every listing takes, as entries of its option table: --owner, --tag,
 * --industry, --region and --quadrant. cli_filters reads them after cli_parse into *f (the
 * store filters by the first four) and *quadrant (-1 for every quadrant; see
 * cvom__scored_in_quadrant): 0, or EXIT_USAGE after a message. */
#define CLI_FILTER_OPTS                                                                            \
    {.name = "owner", .kind = 's', .arg = "NAME", .help = "only this owner's accounts"},           \
        {.name = "tag", .kind = 's', .arg = "TAG", .help = "only accounts with this tag"},         \
        {.name = "industry", .kind = 's', .arg = "NAME", .help = "only this industry"},            \
        {.name = "region", .kind = 's', .arg = "NAME", .help = "only this region"},                \
    {                                                                                              \
        .name = "quadrant", .kind = 's', .arg = "Q",                                               \
        .help = "only transactional, intellectual, emotional or partnership"                       \
    }
int cli_filters(struct cli *c, struct cli_opt *opts, struct cvom_account_filter *f, int *quadrant);
/* Whether any of those filters was given. */
int cli_filters_given(struct cli_opt *opts);
/* --as-of DATE or today (UTC). */
int cli_date_opt(struct cli *c, struct cli_opt *opts, const char *name, int32_t *out);
int32_t cli_today(void);

/* Output tables: declare columns, add rows of strings, then print in a format. Column kind
 * 'n' is a number (JSON number, right-aligned in text; empty = null), 's' a string, 'o' a
 * string that is empty when there is no value (a quadrant of an account not placed: JSON
 * null). */
struct table;
struct table *table_new(const char *const *names, const char *kinds);
void table_free(struct table *t);
/* Append a row of ncols strings (copied; NULL = empty). Returns 0 or -1 on memory. */
int table_add(struct table *t, const char *const *cells);
size_t table_rows(const struct table *t);
/* Replace the cell at row, col (0-based) with a copy of text. 0, or -1. */
int table_set(struct table *t, size_t row, size_t col, const char *text);
int table_print(const struct table *t, FILE *out, enum cli_format fmt);
/* Print the first row as one record: "name  value" lines in text (empty values left out),
 * a header and one row in CSV, one object in JSON. */
int table_print_record(const struct table *t, FILE *out, enum cli_format fmt);

/* A listing in progress (the `X list` commands): the table its rows go to, the account of
 * the last row (for an account column), and the first failure. A command's own listing
 * state starts with one, so that a store callback's ctx is both. */
struct cli_listing {
    struct cli *c;
    struct table *t;
    struct cvom_account acc; /* the last account looked up; id 0: none */
    enum cvom_status st;
};
/* Add a row; 0, or 1 (stop the listing) with st set. */
int cli_listing_add(struct cli_listing *k, const char *const *cells);
/* Make k->acc the account of a row (looked up once per change); 0, or 1 with st set. */
int cli_listing_account(struct cli_listing *k, int64_t account_id);
/* What every listing shares once its options are read and its store is open: a table of
 * cols (kinds as table_new), filled by fill (a store listing whose callback adds rows to k),
 * printed in fmt and freed. Returns the exit code. */
int cli_list(struct cli_listing *k, const char *const *cols, const char *kinds, enum cli_format fmt,
             enum cvom_status (*fill)(struct cli_listing *k));

/* CSV output guards text that a spreadsheet would take for a formula (see io/csv.h);
 * the global option --raw turns that off for scripts. */
void cli_csv_raw(int raw);
int cli_csv_guard(void);

/* Format helpers writing into caller buffers. */
void fmt_num(char *buf, size_t cap, double v, int decimals); /* "" for NaN */
void fmt_id(char *buf, size_t cap, int64_t id);

/* Names given on the command line. When a name is not found as given, the names of its
 * kind are offered here one by one: a name equal to it but for case is taken when it is
 * the only one, and otherwise the closest names are suggested ("did you mean …"). */
#define CLI_NEAR_MAX 3
struct cli_names {
    const char *ref;
    size_t n_same;   /* records whose name equals ref ignoring case */
    int64_t same_id; /* the last of them */
    char same[CVOM_FIELD_MAX];
    size_t n_near;
    char near[CLI_NEAR_MAX][CVOM_FIELD_MAX]; /* closest first */
    int dist[CLI_NEAR_MAX];
};
void cli_names_init(struct cli_names *m, const char *ref);
/* Offer one name of the record id (a record may offer several: a code and a name). */
void cli_names_add(struct cli_names *m, int64_t id, const char *name);
/* After a lookup of m->ref failed with CVOM_ENOTFOUND: set err to "no KIND 'ref'" with
 * what (how to name one) and the suggestions, or to the ambiguity when ref matches several
 * records but for case, and return CVOM_ENOTFOUND. When exactly one record matches but for
 * case, return CVOM_OK: look m->same up instead. */
enum cvom_status cli_names_result(const struct cli_names *m, const char *kind, const char *what,
                                  struct cvom_error *err);

/* Resolve an account reference (id, external id or name) with a clear message. */
int cli_account(struct cli *c, const char *ref, struct cvom_account *out);
/* The same for a user's sign-in name and an offering's code or name, returning the status
 * (the message in c->err) for commands that go on to other work in one transaction. */
enum cvom_status cli_find_user(struct cli *c, const char *name, struct cvom_user *out);
enum cvom_status cli_find_offering(struct cli *c, const char *ref, struct cvom_offering *out);
enum cvom_status cli_find_signal(struct cli *c, const char *ref, struct cvom_signal *out);
/* A stakeholder of account a by id, external id or name, likewise. */
enum cvom_status cli_find_stakeholder(struct cli *c, const struct cvom_account *a, const char *ref,
                                      struct cvom_stakeholder *out);

/* The command groups, each in its own file. */
int cmd_init(struct cli *c, int argc, char **argv);
int cmd_account(struct cli *c, int argc, char **argv);
int cmd_stakeholder(struct cli *c, int argc, char **argv);
int cmd_instrument(struct cli *c, int argc, char **argv);
int cmd_assess(struct cli *c, int argc, char **argv);
int cmd_import(struct cli *c, int argc, char **argv);
int cmd_score(struct cli *c, int argc, char **argv);
int cmd_matrix(struct cli *c, int argc, char **argv);
int cmd_explain(struct cli *c, int argc, char **argv);
int cmd_export(struct cli *c, int argc, char **argv);
int cmd_demo(struct cli *c, int argc, char **argv);
int cmd_backup(struct cli *c, int argc, char **argv);
int cmd_config(struct cli *c, int argc, char **argv);
int cmd_render(struct cli *c, int argc, char **argv);
int cmd_serve(struct cli *c, int argc, char **argv);
int cmd_compare(struct cli *c, int argc, char **argv);
int cmd_pillars(struct cli *c, int argc, char **argv);
int cmd_user(struct cli *c, int argc, char **argv);
int cmd_token(struct cli *c, int argc, char **argv);
int cmd_report(struct cli *c, int argc, char **argv);
int cmd_playbook(struct cli *c, int argc, char **argv);
int cmd_action(struct cli *c, int argc, char **argv);
int cmd_campaign(struct cli *c, int argc, char **argv);
int cmd_whatif(struct cli *c, int argc, char **argv);
int cmd_offering(struct cli *c, int argc, char **argv);
int cmd_signal(struct cli *c, int argc, char **argv);
int cmd_network(struct cli *c, int argc, char **argv);
int cmd_overserved(struct cli *c, int argc, char **argv);
int cmd_alerts(struct cli *c, int argc, char **argv);
int cmd_align(struct cli *c, int argc, char **argv);
int cmd_migrate(struct cli *c, int argc, char **argv);
int cmd_restore(struct cli *c, int argc, char **argv);

/* The over-serving settings from the options --importance-threshold,
 * --performance-threshold and --share (those the table has), over the defaults: 0, or
 * EXIT_USAGE after a message. */
int cli_serving_config(struct cli *c, struct cli_opt *opts, struct cvom_serving_config *out);

/* `cvom render account ACCOUNT …` (argv after "account"), called by cmd_render. */
int cli_render_account(struct cli *c, int argc, char **argv);

/* The table of scores that `score --format` and `export` print. NULL on memory failure. */
struct table *cli_scores_table(const struct cvom_scored *v, size_t n);
/* The same, with a last column "members" (how many accounts each entry stands for, from
 * members[0..n)) when members is not NULL. */
struct table *cli_groups_table(const struct cvom_scored *v, const size_t *members, size_t n);

#endif
