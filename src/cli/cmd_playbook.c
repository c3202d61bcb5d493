/* cmd_playbook.c — `cvom playbook ACCOUNT`: the plays suggested for an account, from its
 * quadrant, its move since an earlier date and its evidence; and `cvom playbook list|export|
 * import|reset`: the team's editable playbook, kept in the database in place of the
 * built-in one. */
#include "cli/cli.h"

#include "service/playbooks.h"

#include "io/csv.h"
#include "io/util.h"

#include <stdlib.h>
#include <string.h>

#define PLAYBOOK_FILE_MAX (4u << 20) /* far beyond CVOM_PLAYS_MAX plays of full length */
#define SINCE_DAYS 180

/* ---- list and export ---------------------------------------------------------------------- */

static int playbook_list(struct cli *c, int argc, char **argv, int export)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"key", "title", "play", "axis", "cost"};
    char *pos[1];
    int np, rc;
    enum cli_format fmt = FMT_CSV;
    if (cli_parse(c, argc, argv, export ? NULL : opts, export ? "" : "[--format FMT]",
                  export ? "Print the playbook in use as CSV (key, title, play, axis, cost), "
                           "ready to edit and import."
                         : "List the plays of the playbook in use: the team's own when one was "
                           "imported, else the built-in one.",
                  pos, 0, 0, &np, &rc) ||
        (!export && (rc = cli_format(c, opts, &fmt))))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_playbook b;
    int builtin = 0;
    enum cvom_status st = cvom__playbook_load(c->store, &b, &builtin, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    static const char *const text_cols[] = {"key", "title", "axis", "cost"};
    struct table *t = fmt == FMT_TEXT ? table_new(text_cols, "ssss") : table_new(cols, "sssss");
    for (size_t i = 0; t && i < b.n; i++) {
        const struct cvom_play *p = &b.plays[i];
        const char *axis = cvom_play_axis_name(p->axis), *cost = cvom_cost_level_name(p->cost);
        const char *cells[] = {p->key, p->title, p->text, axis, cost};
        const char *short_cells[] = {p->key, p->title, axis, cost};
        if (table_add(t, fmt == FMT_TEXT ? short_cells : cells))
            st = CVOM_ENOMEM;
    }
    if (!t || st) {
        table_free(t);
        cvom_playbook_cleanup(&b);
        return cli_fail(c, CVOM_ENOMEM, NULL);
    }
    if (fmt == FMT_TEXT)
        printf("%s playbook, %zu plays ('cvom playbook export' prints their text)\n\n",
               builtin ? "The built-in" : "The team's", b.n);
    table_print(t, stdout, fmt);
    table_free(t);
    cvom_playbook_cleanup(&b);
    return 0;
}

static int playbook_show_list(struct cli *c, int argc, char **argv)
{
    return playbook_list(c, argc, argv, 0);
}

static int playbook_export(struct cli *c, int argc, char **argv)
{
    return playbook_list(c, argc, argv, 1);
}

/* ---- import and reset --------------------------------------------------------------------- */

static enum cvom_status replace_book(struct cli *c, const struct cvom_playbook *b)
{
    enum cvom_status st = cli_begin(c);
    if (st)
        return st;
    st = c->store->ops->playbook_clear(c->store, &c->err);
    for (size_t i = 0; !st && i < b->n; i++)
        st = c->store->ops->playbook_put(c->store, &b->plays[i], &c->err);
    cli_audit(c, "playbook", "%zu plays", b->n);
    if (!st)
        st = cli_commit(c);
    if (st)
        cli_rollback(c);
    return st;
}

static int playbook_import(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "FILE",
                  "Replace the team's playbook with the plays of a CSV file (key, title, play, "
                  "axis, cost). All or nothing: one bad row and nothing changes.",
                  pos, 1, 1, &np, &rc))
        return rc;
    char *buf = NULL;
    size_t len = 0;
    struct cvom_playbook b;
    cvom_playbook_init(&b);
    enum cvom_status st = cvom__read_file(pos[0], PLAYBOOK_FILE_MAX, &buf, &len, &c->err);
    if (!st)
        st = cvom__playbook_parse(buf, len, pos[0], &b, &c->err);
    free(buf);
    if (!st && !(st = cli_store(c)))
        st = replace_book(c, &b);
    else if (!st)
        st = c->err.status;
    if (!st)
        fprintf(stderr, "imported %zu plays\n", b.n);
    cvom_playbook_cleanup(&b);
    return st ? cli_fail(c, st, &c->err) : 0;
}

static int playbook_reset(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "",
                  "Remove the team's playbook from the database: the built-in one applies "
                  "again.",
                  pos, 0, 0, &np, &rc))
        return rc;
    enum cvom_status st = cli_store(c);
    cli_audit(c, "playbook", "the built-in one applies again");
    if (!st && !(st = cli_begin(c)))
        st = cli_finish(c, c->store->ops->playbook_clear(c->store, &c->err));
    if (st)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "the built-in playbook applies again\n");
    return 0;
}

/* ---- the plays for one account ------------------------------------------------------------ */

static void add_play_row(struct table *t, const struct cvom_account *a, const char *as_of,
                         const char *since, const struct cvom_score *now, int then,
                         const struct cvom_play *p, int *oom)
{
    char id[24];
    fmt_id(id, sizeof id, a->id);
    int placed = now->state != CVOM_STATE_INSUFFICIENT;
    const char *cells[] = {id,
                           a->name,
                           as_of,
                           placed ? cvom_quadrant_name(now->quadrant) : "",
                           cvom_state_name(now->state),
                           since,
                           then >= 0 ? cvom_quadrant_name((enum cvom_quadrant)then) : "",
                           p->key,
                           p->title,
                           p->text,
                           cvom_play_axis_name(p->axis),
                           cvom_cost_level_name(p->cost)};
    if (table_add(t, cells))
        *oom = 1;
}

static void print_text(const struct cvom_account *a, const char *as_of, const char *since,
                       const struct cvom_score *now, int then, const struct cvom_playbook *b,
                       const struct cvom_play_choice *ch)
{
    printf("%s: ", a->name);
    if (now->state == CVOM_STATE_INSUFFICIENT)
        printf("not placed (insufficient evidence) as of %s", as_of);
    else
        printf("%s%s as of %s", cvom_quadrant_title(now->quadrant),
               now->state == CVOM_STATE_BORDERLINE ? " (borderline)" : "", as_of);
    if (then >= 0)
        printf("; %s on %s", cvom_quadrant_title((enum cvom_quadrant)then), since);
    else
        printf("; not placed on %s", since);
    printf("\n");
    for (size_t i = 0; i < ch->n; i++) {
        int k = cvom_playbook_find(b, ch->keys[i]);
        if (k < 0) {
            printf("\n%s: the playbook has no play for this\n", ch->keys[i]);
            continue;
        }
        const struct cvom_play *p = &b->plays[k];
        printf("\n%s: %s\n  works on %s, cost %s\n  %s\n", p->key, p->title,
               cvom_play_axis_name(p->axis), cvom_cost_level_name(p->cost), p->text);
    }
}

static int playbook_account(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "as-of", .kind = 's', .arg = "DATE", .help = "score as of this date (today)"},
        {.name = "since",
         .kind = 's',
         .arg = "DATE",
         .help = "the earlier date a move is judged from (180 days before --as-of)"},
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    static const char *const cols[] = {"account_id", "account", "as_of",          "quadrant",
                                       "state",      "since",   "quadrant_since", "key",
                                       "title",      "play",    "axis",           "cost"};
    char *pos[1];
    int np, rc;
    int32_t as_of, since;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "ACCOUNT [--as-of DATE] [--since DATE] [--format FMT]",
                  "The plays suggested for an account: those of the move it made since the "
                  "earlier date (when it changed quadrant), of its quadrant now, and of "
                  "borderline or insufficient evidence. CSV and JSON columns: account_id, "
                  "account, as_of, quadrant, state, since, quadrant_since, key, title, play, "
                  "axis, cost.",
                  pos, 1, 1, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)) || (rc = cli_date_opt(c, opts, "as-of", &as_of)))
        return rc;
    since = as_of - SINCE_DAYS;
    if (cli_val(opts, "since") && (rc = cli_date_opt(c, opts, "since", &since)))
        return rc;
    if (since >= as_of)
        return cli_usage_error(c, "--since must come before --as-of");
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    struct cvom_account a;
    if ((rc = cli_account(c, pos[0], &a)))
        return rc;
    struct cvom_config cfg;
    struct cvom_instrument_cache cache;
    struct cvom_score now, before;
    struct cvom_playbook b;
    cvom__instrument_cache_init(&cache);
    cvom_playbook_init(&b);
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom__account_score(c->store, &cache, &cfg, a.id, as_of, &now, NULL, &c->err);
    if (!st)
        st = cvom__account_score(c->store, &cache, &cfg, a.id, since, &before, NULL, &c->err);
    cvom__instrument_cache_cleanup(&cache);
    if (!st)
        st = cvom__playbook_load(c->store, &b, NULL, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    int then = before.state == CVOM_STATE_INSUFFICIENT ? -1 : (int)before.quadrant;
    struct cvom_play_choice ch;
    cvom_playbook_choose(then, now.quadrant, now.state, &ch);
    char d_as_of[11], d_since[11];
    cvom_date_format(as_of, d_as_of);
    cvom_date_format(since, d_since);
    if (fmt == FMT_TEXT) {
        print_text(&a, d_as_of, d_since, &now, then, &b, &ch);
        cvom_playbook_cleanup(&b);
        return 0;
    }
    struct table *t = table_new(cols, "nssossosssss");
    int oom = !t;
    for (size_t i = 0; t && i < ch.n; i++) {
        int k = cvom_playbook_find(&b, ch.keys[i]);
        if (k >= 0)
            add_play_row(t, &a, d_as_of, d_since, &now, then, &b.plays[k], &oom);
    }
    if (!oom)
        table_print(t, stdout, fmt);
    table_free(t);
    cvom_playbook_cleanup(&b);
    return oom ? cli_fail(c, CVOM_ENOMEM, NULL) : 0;
}

int cmd_playbook(struct cli *c, int argc, char **argv)
{
    static const struct cli_cmd cmds[] = {
        {"list", playbook_show_list, "list the plays of the playbook in use"},
        {"export", playbook_export, "print the playbook in use as CSV, to edit"},
        {"import", playbook_import, "replace the team's playbook with a CSV file"},
        {"reset", playbook_reset, "go back to the built-in playbook"},
        {"show", playbook_account, "the plays suggested for an account (also: ACCOUNT)"},
        {NULL, NULL, NULL},
    };
    /* Anything that is not a sub-command names an account. */
    if (argc > 0 && argv[0][0] != '-' && strcmp(argv[0], "help") != 0) {
        for (const struct cli_cmd *k = cmds; k->name; k++)
            if (strcmp(k->name, argv[0]) == 0)
                return cli_dispatch(c, "playbook", cmds, argc, argv);
        return playbook_account(c, argc, argv);
    }
    return cli_dispatch(c, "playbook", cmds, argc, argv);
}
