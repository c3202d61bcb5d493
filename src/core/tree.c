/* tree.c — the one rule that turns records naming their parent by id (stakeholders by whom
 * they report to, accounts by their parent account) into a tree of indices, with any loop
 * broken, for the relationship map and for account groups alike. */
#include "core/internal.h"

#include <stdint.h>
#include <stdlib.h>

struct by_id {
    int64_t id;
    size_t at;
};

static int by_id_cmp(const void *a, const void *b)
{
    const struct by_id *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The index of the record with id, or -1. */
static long find_id(const struct by_id *ids, size_t n, int64_t id)
{
    struct by_id key = {.id = id};
    const struct by_id *hit = id > 0 ? bsearch(&key, ids, n, sizeof *ids, by_id_cmp) : NULL;
    return hit ? (long)hit->at : -1;
}

/* Break every loop of up[] at its member given first, in O(n): each walk up marks whom it
 * passed with its own start, so meeting one's own mark is a loop. */
static void break_loops(long *up, size_t n, size_t *mark)
{
    for (size_t i = 0; i < n; i++)
        mark[i] = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        long j = (long)i;
        while (j >= 0 && mark[j] == SIZE_MAX) {
            mark[j] = i;
            j = up[j];
        }
        if (j < 0 || mark[j] != i)
            continue;
        long first = j;
        for (long k = up[j]; k != j; k = up[k])
            if (k < first)
                first = k;
        up[first] = -1;
    }
}

enum cvom_status cvom__tree_up(const int64_t *id, const int64_t *parent, size_t n, const char *what,
                               long *up, struct cvom_error *err)
{
    if (n == 0)
        return CVOM_OK;
    struct by_id *ids = malloc(n * sizeof *ids);
    size_t *mark = malloc(n * sizeof *mark);
    long *u = malloc(n * sizeof *u);
    enum cvom_status st = CVOM_OK;
    if (!ids || !mark || !u) {
        st = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        ids[i] = (struct by_id){.id = id[i], .at = i};
    qsort(ids, n, sizeof *ids, by_id_cmp);
    for (size_t i = 0; i < n; i++)
        if (ids[i].id <= 0 || (i > 0 && ids[i].id == ids[i - 1].id)) {
            st = cvom_error_set(err, CVOM_EINVAL, "%s id %lld is %s", what, (long long)ids[i].id,
                                ids[i].id <= 0 ? "not positive" : "given twice");
            goto done;
        }
    for (size_t i = 0; i < n; i++) {
        u[i] = find_id(ids, n, parent[i]);
        if (u[i] == (long)i)
            u[i] = -1;
    }
    break_loops(u, n, mark);
    for (size_t i = 0; i < n; i++)
        up[i] = u[i];
done:
    free(ids);
    free(mark);
    free(u);
    return st;
}

enum cvom_status cvom_group_tree(const int64_t *id, const int64_t *parent, size_t n, long *up,
                                 struct cvom_error *err)
{
    if (n > CVOM_GROUP_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "a tree holds at most %d accounts", CVOM_GROUP_MAX);
    return cvom__tree_up(id, parent, n, "account", up, err);
}

int cvom_group_depth(const long *up, size_t g, size_t i)
{
    int depth = 0;
    for (long k = (long)i; k >= 0; k = up[k], depth++)
        if ((size_t)k == g)
            return depth;
    return -1;
}

int cvom_group_contains(const long *up, size_t g, size_t i)
{
    return cvom_group_depth(up, g, i) >= 0;
}

size_t cvom_group_top(const long *up, size_t i)
{
    while (up[i] >= 0)
        i = (size_t)up[i];
    return i;
}
