/* playbooks.c — the playbook in use (the team's copy in the database, else the built-in one)
 * and the plays it suggests for an account: shared by the command line, the one-pager and the
 * web pages. */
#include "service/playbooks.h"

#include "io/csv.h"
#include "io/util.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char cvom__default_playbook_csv[];
extern const size_t cvom__default_playbook_csv_len;

/* Whether s, without the blanks around it, is w. */
static int same_word(const char *s, const char *w)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(w);
    if (strncmp(s, w, n) != 0)
        return 0;
    for (s += n; *s == ' ' || *s == '\t'; s++)
        ;
    return *s == '\0';
}

/* Put the position of field f of a playbook file into err. */
static void at_field(struct cvom_error *err, const char *name, const struct cvom_csv_field *f)
{
    cvom__copy_str(err->file, sizeof err->file, name);
    err->line = f->line;
    err->column = f->column;
}

static enum cvom_status check_header(const struct cvom_csv_row *row, const char *name,
                                     struct cvom_error *err)
{
    for (size_t i = 0; i < CVOM_PLAY_COLUMNS; i++) {
        if (i >= row->n || !same_word(row->fields[i].s, cvom_play_column(i))) {
            cvom_error_set(err, CVOM_EPARSE,
                           "the first line must be the header key,title,play,axis,cost");
            at_field(err, name, &row->fields[i < row->n ? i : row->n - 1]);
            return CVOM_EPARSE;
        }
    }
    if (row->n != CVOM_PLAY_COLUMNS) {
        cvom_error_set(err, CVOM_EPARSE, "the header has %zu columns, not %d", row->n,
                       CVOM_PLAY_COLUMNS);
        at_field(err, name, &row->fields[CVOM_PLAY_COLUMNS]);
        return CVOM_EPARSE;
    }
    return CVOM_OK;
}

enum cvom_status cvom__playbook_parse(const char *buf, size_t len, const char *name,
                                      struct cvom_playbook *out, struct cvom_error *err)
{
    struct cvom_csv_opts o;
    struct cvom_csv *r;
    struct cvom_csv_row row;
    struct cvom_playbook b;
    cvom__csv_opts_init(&o);
    cvom_playbook_init(&b);
    enum cvom_status st = cvom__csv_open_mem(buf, len, name, &o, &r, err);
    if (st)
        return st;
    st = cvom__csv_next(r, &row, err);
    if (!st && row.eof)
        st = cvom_error_set(err, CVOM_EPARSE, "%s is empty: a playbook needs its header", name);
    if (!st)
        st = check_header(&row, name, err);
    while (!st && !(st = cvom__csv_next(r, &row, err)) && !row.eof) {
        const char *fields[CVOM_PLAY_COLUMNS + 1];
        struct cvom_play p;
        size_t bad = 0;
        for (size_t i = 0; i < row.n && i <= CVOM_PLAY_COLUMNS; i++)
            fields[i] = cvom__csv_unguard(row.fields[i].s); /* as cvom's export wrote it */
        st = cvom_play_from_fields(fields, row.n, &p, &bad, err);
        if (!st)
            st = cvom_playbook_add(&b, &p, err);
        if (st) {
            /* A bad or repeated row is a fault of the file, reported as such. */
            if (st == CVOM_EINVAL || st == CVOM_EEXIST)
                st = err->status = CVOM_EPARSE;
            at_field(err, name, &row.fields[bad < row.n ? bad : row.n - 1]);
        }
    }
    if (!st && b.n == 0)
        st = cvom_error_set(err, CVOM_EPARSE, "%s holds no plays", name);
    cvom__csv_close(r);
    if (st) {
        cvom_playbook_cleanup(&b);
        return st;
    }
    *out = b;
    return CVOM_OK;
}

struct gather {
    struct cvom_playbook *b;
    enum cvom_status st;
    struct cvom_error *err;
};

static int gather_cb(void *ctx, const struct cvom_play *p)
{
    struct gather *g = ctx;
    g->st = cvom_playbook_add(g->b, p, g->err);
    return g->st != CVOM_OK;
}

enum cvom_status cvom__playbook_load(struct cvom_store *st, struct cvom_playbook *out, int *builtin,
                                     struct cvom_error *err)
{
    struct cvom_playbook b;
    cvom_playbook_init(&b);
    struct gather g = {&b, CVOM_OK, err};
    enum cvom_status s = st->ops->playbook_list(st, gather_cb, &g, err);
    if (!s)
        s = g.st;
    if (s) {
        cvom_playbook_cleanup(&b);
        return s;
    }
    if (builtin)
        *builtin = b.n == 0;
    if (b.n == 0)
        return cvom__playbook_parse((const char *)cvom__default_playbook_csv,
                                    cvom__default_playbook_csv_len, "built-in playbook", out, err);
    *out = b;
    return CVOM_OK;
}

enum cvom_status cvom__account_plays(struct cvom_store *st, const struct cvom_config *cfg,
                                     int64_t account_id, int32_t since, int32_t as_of,
                                     const struct cvom_score *now, struct cvom_play_choice *out,
                                     struct cvom_error *err)
{
    struct cvom_score then;
    struct cvom_instrument_cache cache;
    cvom__instrument_cache_init(&cache);
    enum cvom_status s = CVOM_OK;
    int had = -1;
    if (since < as_of) {
        s = cvom__account_score(st, &cache, cfg, account_id, since, &then, NULL, err);
        if (!s && then.state != CVOM_STATE_INSUFFICIENT)
            had = (int)then.quadrant;
    }
    cvom__instrument_cache_cleanup(&cache);
    if (!s)
        cvom_playbook_choose(had, now->quadrant, now->state, out);
    return s;
}
