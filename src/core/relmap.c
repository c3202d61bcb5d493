/* relmap.c — the relationship map of an account: its stakeholders laid out by whom they
 * report to, depth first, and the coverage gaps among them (the rule is in cvom.h). Every
 * face draws the same map from this one layout. */
#include "core/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const gap_names[CVOM_MAP_GAP_KINDS] = {"no-counterpart", "no-contact",
                                                          "critics-above"};
static const char *const gap_texts[CVOM_MAP_GAP_KINDS] = {
    "decision maker without a counterpart",
    "decision maker without contact in 90 days",
    "champion with only sceptics or opponents above",
};

static int gap_index(unsigned gap)
{
    for (int i = 0; i < CVOM_MAP_GAP_KINDS; i++)
        if (gap == 1u << i)
            return i;
    return -1;
}

const char *cvom_map_gap_name(unsigned gap)
{
    int i = gap_index(gap);
    return i < 0 ? "" : gap_names[i];
}

const char *cvom_map_gap_text(unsigned gap)
{
    int i = gap_index(gap);
    return i < 0 ? "" : gap_texts[i];
}

/* Whether needle (lower case) occurs in hay, ignoring the case of ASCII letters. */
static int has_word(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               (hay[i] == needle[i] ||
                (hay[i] >= 'A' && hay[i] <= 'Z' && hay[i] - 'A' + 'a' == needle[i])))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

int cvom_map_is_decider(const char *role, double influence)
{
    if (influence >= CVOM_MAP_DECIDER_INFLUENCE)
        return 1;
    return role && (has_word(role, "decision") || has_word(role, "buyer"));
}

/* Whether everyone above person i (at least one) is a sceptic or an opponent. */
static int critics_above(const struct cvom_map_person *p, const long *up, size_t i)
{
    int any = 0;
    for (long k = up[i]; k >= 0; k = up[k]) {
        if (p[k].stance != CVOM_STANCE_SCEPTIC && p[k].stance != CVOM_STANCE_OPPONENT)
            return 0;
        any = 1;
    }
    return any;
}

static unsigned gaps_of(const struct cvom_map_person *p, const long *up, size_t i, int decider,
                        int32_t today)
{
    unsigned g = 0;
    if (decider && !p[i].has_counterpart)
        g |= CVOM_GAP_NO_COUNTERPART;
    if (decider &&
        (p[i].last_contact <= 0 || (int64_t)today - p[i].last_contact > CVOM_MAP_CONTACT_DAYS))
        g |= CVOM_GAP_NO_CONTACT;
    if (p[i].stance == CVOM_STANCE_CHAMPION && critics_above(p, up, i))
        g |= CVOM_GAP_CRITICS_ABOVE;
    return g;
}

/* Depth first from every person at the top, each one's reports in the order given (kids,
 * from first[k] to first[k + 1], lists them). stack has room for n. */
static void walk(const struct cvom_map_person *p, const long *up, size_t n, const size_t *first,
                 const size_t *kids, size_t *stack, size_t *next, int32_t today,
                 struct cvom_map_node *nodes)
{
    size_t out = 0;
    for (size_t top = 0; top < n; top++) {
        if (up[top] >= 0)
            continue;
        size_t depth = 0;
        stack[0] = top;
        next[top] = first[top];
        nodes[out++] = (struct cvom_map_node){.person = top};
        while (1) {
            size_t k = stack[depth];
            if (next[k] == first[k + 1]) {
                if (depth == 0)
                    break;
                depth--;
                continue;
            }
            size_t c = kids[next[k]++];
            stack[++depth] = c;
            next[c] = first[c];
            nodes[out++] = (struct cvom_map_node){.person = c, .depth = (int)depth};
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t k = nodes[i].person;
        nodes[i].decider = cvom_map_is_decider(p[k].role, p[k].influence);
        nodes[i].gaps = gaps_of(p, up, k, nodes[i].decider, today);
    }
}

enum cvom_status cvom_map_build(const struct cvom_map_person *p, size_t n, int32_t today,
                                struct cvom_map_node *nodes, struct cvom_error *err)
{
    if (n > CVOM_MAP_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "a map holds at most %d people", CVOM_MAP_MAX);
    if (n == 0)
        return CVOM_OK;
    int64_t *ids = malloc(n * sizeof *ids), *tops = malloc(n * sizeof *tops);
    long *up = malloc(n * sizeof *up);
    size_t *first = calloc(n + 1, sizeof *first), *kids = malloc(n * sizeof *kids);
    size_t *stack = malloc(n * sizeof *stack), *next = malloc(n * sizeof *next);
    enum cvom_status st = CVOM_OK;
    if (!ids || !tops || !up || !first || !kids || !stack || !next) {
        st = cvom_error_set(err, CVOM_ENOMEM, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        ids[i] = p[i].id;
        tops[i] = p[i].reports_to;
    }
    if ((st = cvom__tree_up(ids, tops, n, "stakeholder", up, err)))
        goto done;
    /* first[k]..first[k + 1]: where the reports of k sit in kids, in the order given. */
    for (size_t i = 0; i < n; i++)
        if (up[i] >= 0)
            first[up[i] + 1]++;
    for (size_t i = 0; i < n; i++)
        first[i + 1] += first[i];
    /* next[k] counts the reports of k placed so far (walk sets it anew). */
    for (size_t i = 0; i < n; i++)
        next[i] = 0;
    for (size_t i = 0; i < n; i++)
        if (up[i] >= 0)
            kids[first[up[i]] + next[up[i]]++] = i;
    walk(p, up, n, first, kids, stack, next, today, nodes);
done:
    free(ids);
    free(tops);
    free(up);
    free(first);
    free(kids);
    free(stack);
    free(next);
    return st;
}
