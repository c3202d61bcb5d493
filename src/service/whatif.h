/* whatif.h — what planned actions would do if they worked, for every face: gather the open
 * actions of a plan from the store, check the ones a user picked, and project an account's
 * score or the whole portfolio's quadrant mix under them. A plan's estimate, never evidence:
 * nothing here writes to the store. */
#ifndef CVOM_SERVICE_WHATIF_H
#define CVOM_SERVICE_WHATIF_H

#include "cvom.h"
#include "service/portfolio.h"
#include "store/store.h"

/* Actions gathered from the store, at most CVOM_WHATIF_STEPS_MAX. Start from all zeroes;
 * free v when done. */
struct cvom_action_set {
    struct cvom_action *v;
    size_t n, cap;
    int over; /* 1 once an action did not fit: the set is incomplete */
};

/* A cvom_action_cb that appends a copy of a to the set ctx; stops the listing (and sets
 * over) when the set is full or memory runs out. */
int cvom__action_set_push(void *ctx, const struct cvom_action *a);

/* Every open action of an account (account_id 0: of every account), in the store's order.
 * CVOM_ELIMIT ("too many open actions") past CVOM_WHATIF_STEPS_MAX. */
enum cvom_status cvom__whatif_open(struct cvom_store *st, int64_t account_id,
                                   struct cvom_action_set *out, struct cvom_error *err);

/* Add action id to the set after checking that it exists (CVOM_ENOTFOUND), belongs to
 * account_id, is open and is not in the set yet (CVOM_EINVAL for each, with the reason in
 * err). CVOM_ELIMIT ("too many actions") when the set is full. */
enum cvom_status cvom__whatif_pick(struct cvom_store *st, int64_t account_id, int64_t id,
                                   struct cvom_action_set *set, struct cvom_error *err);

/* The step an action contributes: its axis and effect (none without an axis) and its cost
 * (0 when not given). */
struct cvom_whatif_step cvom__whatif_step_of(const struct cvom_action *a);

/* Project the score *now under the n actions v (v may be NULL when n is 0) into *out. */
enum cvom_status cvom__whatif_apply(const struct cvom_config *cfg, const struct cvom_score *now,
                                    const struct cvom_action *v, size_t n, struct cvom_whatif *out,
                                    struct cvom_error *err);

/* Score account_id as of a date and project it under the n actions v into *out; *now (may
 * be NULL) receives the score itself. */
enum cvom_status cvom__whatif_account(struct cvom_store *st, const struct cvom_config *cfg,
                                      int64_t account_id, int32_t as_of,
                                      const struct cvom_action *v, size_t n, struct cvom_score *now,
                                      struct cvom_whatif *out, struct cvom_error *err);

/* The portfolio under a plan: each scanned account with its projection, and the mix. */
struct cvom__whatif_portfolio {
    struct cvom_scored *v; /* the accounts of the scan, in its order; owned */
    struct cvom_whatif *w; /* w[i] is v[i]'s projection under its actions; owned */
    size_t n;
    size_t actions; /* actions in the plan */
    size_t counted; /* of which on a scanned account */
    struct cvom_whatif_mix mix;
};

/* Scan the accounts matching f and placed in quadrant (enum cvom_quadrant; -1: every
 * account) as of a date and project each under its actions of the plan: the set given (sorted here
 * by account), or, when plan is NULL, every open action in the store. Actions of accounts outside
 * the scan count for nothing. *out is written only on success and freed with
 * cvom__whatif_portfolio_cleanup. */
enum cvom_status cvom__whatif_portfolio(struct cvom_store *st, const struct cvom_config *cfg,
                                        const struct cvom_account_filter *f, int quadrant,
                                        int32_t as_of, struct cvom_action_set *plan,
                                        struct cvom__whatif_portfolio *out, struct cvom_error *err);
/* Free what a portfolio projection holds; NULL does nothing. */
void cvom__whatif_portfolio_cleanup(struct cvom__whatif_portfolio *p);

#endif
