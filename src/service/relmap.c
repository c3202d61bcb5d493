/* relmap.c — an account's relationship map, loaded from the store and laid out by the
 * core; and whom a stakeholder reports to, resolved within their account. */
#include "service/relmap.h"

#include "io/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push_stakeholder(void *ctx, const struct cvom_stakeholder *s)
{
    return cvom__rows_push(ctx, s);
}

/* The quadrant of the customer respondent of sp labelled name, when exactly one is; -1. */
static int quadrant_of(const struct cvom_explanation *ex, const struct cvom_spread *sp,
                       const char *name)
{
    int q = -1, seen = 0;
    for (size_t k = 0; sp && k < sp->n; k++) {
        const struct cvom_explain_respondent *r = &ex->respondents[sp->points[k].respondent];
        if (r->kind == CVOM_RESP_CUSTOMER && strcmp(r->label, name) == 0) {
            q = (int)sp->points[k].quadrant;
            seen++;
        }
    }
    return seen == 1 ? q : -1;
}

/* Whether another stakeholder of v[0..n) than v[i] has v[i]'s name. */
static int name_shared(const struct cvom_stakeholder *v, size_t n, size_t i)
{
    for (size_t k = 0; k < n; k++)
        if (k != i && strcmp(v[k].name, v[i].name) == 0)
            return 1;
    return 0;
}

static const char *name_of(const struct cvom_stakeholder *v, size_t n, int64_t id)
{
    for (size_t k = 0; id && k < n; k++)
        if (v[k].id == id)
            return v[k].name;
    return "";
}

/* Lay out the stakeholders v[0..n) into m. */
static enum cvom_status lay_out(const struct cvom_stakeholder *v, size_t n, int32_t today,
                                const struct cvom_explanation *ex, const struct cvom_spread *sp,
                                struct cvom_account_map *m, struct cvom_error *err)
{
    struct cvom_map_person *p = calloc(n ? n : 1, sizeof *p);
    struct cvom_map_node *nodes = calloc(n ? n : 1, sizeof *nodes);
    m->e = calloc(n ? n : 1, sizeof *m->e);
    enum cvom_status st = CVOM_OK;
    if (!p || !nodes || !m->e)
        st = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; !st && i < n; i++)
        p[i] = (struct cvom_map_person){.id = v[i].id,
                                        .reports_to = v[i].reports_to,
                                        .role = v[i].role,
                                        .influence = v[i].influence,
                                        .stance = v[i].stance,
                                        .last_contact = v[i].last_contact,
                                        .has_counterpart = v[i].counterpart[0] != '\0'};
    if (!st)
        st = cvom_map_build(p, n, today, nodes, err);
    for (size_t i = 0; !st && i < n; i++) {
        struct cvom_map_entry *e = &m->e[i];
        size_t k = nodes[i].person;
        e->s = v[k];
        e->depth = nodes[i].depth;
        e->decider = nodes[i].decider;
        e->gaps = nodes[i].gaps;
        e->quadrant = ex && !name_shared(v, n, k) ? quadrant_of(ex, sp, v[k].name) : -1;
        cvom__copy_str(e->boss, sizeof e->boss, name_of(v, n, v[k].reports_to));
        m->flagged += e->gaps != 0;
    }
    m->n = st ? 0 : n;
    free(p);
    free(nodes);
    return st;
}

enum cvom_status cvom__account_map_load(struct cvom_store *st, const struct cvom_config *cfg,
                                        int64_t account_id, int32_t today,
                                        const struct cvom_explanation *ex,
                                        struct cvom_account_map *out, struct cvom_error *err)
{
    struct cvom_rows rows;
    struct cvom_spread sp;
    struct cvom_account_map m = {0};
    int spread = 0;
    cvom__rows_init(&rows, sizeof(struct cvom_stakeholder), CVOM_MAP_MAX);
    enum cvom_status s = st->ops->stakeholder_list(st, account_id, push_stakeholder, &rows, err);
    if (!s && rows.failed)
        s = rows.failed == CVOM_ENOMEM
                ? cvom_error_set(err, CVOM_ENOMEM, "out of memory")
                : cvom_error_set(err, CVOM_ELIMIT, "a map holds at most %d stakeholders",
                                 CVOM_MAP_MAX);
    if (!s && ex && (s = cvom_stakeholder_spread(cfg, ex, &sp)) == CVOM_OK)
        spread = 1;
    if (!s)
        s = lay_out(rows.v, rows.n, today, ex, spread ? &sp : NULL, &m, err);
    if (spread)
        cvom_spread_cleanup(&sp);
    cvom__rows_free(&rows);
    if (s) {
        free(m.e);
        return s;
    }
    *out = m;
    return CVOM_OK;
}

void cvom__account_map_cleanup(struct cvom_account_map *m)
{
    if (!m)
        return;
    free(m->e);
    m->e = NULL;
    m->n = 0;
}

char *cvom__map_gaps_text(unsigned gaps, char *buf, size_t cap)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < CVOM_MAP_GAP_KINDS; i++) {
        if (!(gaps & (1u << i)))
            continue;
        int w =
            snprintf(buf + used, cap - used, "%s%s", used ? "; " : "", cvom_map_gap_text(1u << i));
        if (w < 0 || (size_t)w >= cap - used)
            break;
        used += (size_t)w;
    }
    return buf;
}

enum cvom_status cvom__stakeholder_reports_to(struct cvom_store *st, struct cvom_stakeholder *s,
                                              const char *ref, struct cvom_error *err)
{
    if (!ref[0] || strcmp(ref, "none") == 0) {
        s->reports_to = 0;
        return CVOM_OK;
    }
    struct cvom_stakeholder boss;
    struct cvom_error why = {0};
    enum cvom_status rc = st->ops->stakeholder_find(st, s->account_id, ref, &boss, &why);
    if (rc == CVOM_ENOTFOUND || rc == CVOM_EINVAL) {
        rc = rc == CVOM_ENOTFOUND
                 ? cvom_error_set(err, CVOM_EINVAL,
                                  "reports_to: no stakeholder '%.60s' at this account", ref)
                 : cvom_error_set(err, CVOM_EINVAL, "reports_to: %s", why.message);
        if (err)
            cvom__copy_str(err->field, sizeof err->field, "reports_to");
        return rc;
    }
    if (rc) {
        if (err)
            *err = why;
        return rc;
    }
    s->reports_to = boss.id;
    return CVOM_OK;
}
