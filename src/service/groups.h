/* groups.h — account groups as both faces show them: an account's group loaded from the
 * store and rolled up (the rule is cvom_group_rollup in cvom.h), a scanned portfolio folded
 * into its top-level groups, and the group's JSON shape. */
#ifndef CVOM_SERVICE_GROUPS_H
#define CVOM_SERVICE_GROUPS_H

#include "cvom.h"
#include "service/portfolio.h"
#include "store/store.h"

#include <jansson.h>

/* One member of a group: the account as a scan gives it, and its place in the group. */
struct cvom_group_entry {
    struct cvom_scored s;
    int placed;   /* assessed, with enough evidence for a point */
    int depth;    /* levels below the group's account: 0 for the account itself */
    double share; /* its weight in the group's point; 0 when not placed */
};

/* An account's group: the roll-up and its members, the account first, then those below it
 * depth first, each one's children by name. n is 1 for an account without children. */
struct cvom_group_view {
    struct cvom_group g;
    size_t n;
    struct cvom_group_entry *m; /* owned; free with cvom__group_view_cleanup */
    size_t hidden;              /* members left out of m by cvom__group_view_owned */
    char *text;                 /* owned: the texts of the members' accounts */
};

/* Whether a scanned account is placed on the matrix: assessed with enough evidence. */
int cvom__scored_placed(const struct cvom_scored *s);

/* Load the group of account id as of a date (days since 1970-01-01): every account below it
 * at any depth, each scored. CVOM_ENOTFOUND (field account) for no such account, CVOM_ENOMEM,
 * a store error; *out is written only on success. */
enum cvom_status cvom__group_load(struct cvom_store *st, const struct cvom_config *cfg, int64_t id,
                                  int32_t as_of, struct cvom_group_view *out,
                                  struct cvom_error *err);
/* Free the members; NULL does nothing. */
void cvom__group_view_cleanup(struct cvom_group_view *v);
/* Keep in v's list only the members whose owner is owner (the group's own account always
 * stays, as the reader reached it), counting the others in v->hidden: for a reader who may
 * see only their own accounts. The roll-up still counts every member. */
void cvom__group_view_owned(struct cvom_group_view *v, const char *owner);

/* Fold the scanned accounts v[0..*n) (a whole portfolio, in the scan's order) into their
 * top-level groups, in place: each account without a parent among them stays, scored as its
 * group (the point, interval and state of the roll-up, the group's revenue, the members'
 * evidence summed), and the accounts below one leave. An account without children stays as
 * it was. members (may be NULL; room for *n) receives how many accounts each entry stands
 * for, and groups (may be NULL; room for *n) each entry's roll-up (for an account without
 * children, the roll-up of itself alone). CVOM_ENOMEM, CVOM_EINVAL from the tree; v and *n
 * are changed only on success. */
enum cvom_status cvom__group_fold(const struct cvom_config *cfg, struct cvom_scored *v, size_t *n,
                                  size_t *members, struct cvom_group *groups,
                                  struct cvom_error *err);

/* The roll-up of every top-level group of more than one account among v[0..n) (a whole
 * portfolio, in the scan's order), without folding or copying the scan: fn gets the top
 * account's index, how many accounts the group has and its roll-up, in the scan's order. A
 * non-zero return from fn stops with CVOM_ENOMEM. CVOM_EINVAL, CVOM_ENOMEM from the tree. */
enum cvom_status
cvom__group_each(const struct cvom_config *cfg, const struct cvom_scored *v, size_t n,
                 int (*fn)(void *ctx, size_t top, size_t members, const struct cvom_group *g),
                 void *ctx, struct cvom_error *err);

/* The portfolio by top-level groups as of a date: every account scanned (cvom__portfolio_scan)
 * and folded (cvom__group_fold); the filter f (NULL: none) chooses groups by their top
 * account, whose members come whatever their own owner, tag, industry or region. *out and
 * *members are new arrays of *n entries, in the scan's order (name, id); the caller frees
 * both. */
enum cvom_status cvom__group_scan(struct cvom_store *st, const struct cvom_config *cfg,
                                  const struct cvom_account_filter *f, int32_t as_of,
                                  struct cvom_scored **out, size_t **members, size_t *n,
                                  struct cvom_error *err);

/* The group as JSON: the point, interval, quadrant, state, weights, spread, split and its
 * quadrants, revenue and members (each with its depth, share, point and quadrant). A new
 * reference; NULL only when memory runs out. */
json_t *cvom__group_json(const struct cvom_group_view *v, int32_t as_of);

/* The quadrants of a split group as text: "Partnership, Transactional" (in the quadrants'
 * order), into buf of cap bytes; "" when none. Returns buf. */
char *cvom__group_quadrants_text(unsigned quadrants, char *buf, size_t cap);

#endif
