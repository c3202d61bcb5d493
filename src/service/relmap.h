/* relmap.h — an account's relationship map as every face shows it: its stakeholders in
 * the order and depth of the organisation chart (core's cvom_map_build), each with the
 * quadrant of their own answers and their coverage gaps; and whom a stakeholder reports
 * to, given as a person would give it. */
#ifndef CVOM_SERVICE_RELMAP_H
#define CVOM_SERVICE_RELMAP_H

#include "cvom.h"
#include "store/store.h"

#include <stddef.h>

struct cvom_map_entry {
    struct cvom_stakeholder s;
    int depth;                 /* 0 at the top of the chart */
    int decider;               /* 1 for a decision maker */
    unsigned gaps;             /* enum cvom_map_gap bits */
    int quadrant;              /* enum cvom_quadrant of their own answers; -1: not placed */
    char boss[CVOM_FIELD_MAX]; /* the name of whom they report to; "" */
};

struct cvom_account_map {
    size_t n;
    struct cvom_map_entry *e; /* owned, in chart order */
    size_t flagged;           /* entries with at least one gap */
};

/* The map of account_id as of today (days since 1970-01-01). A stakeholder's quadrant is
 * that of their own point among the explanation's customer respondents (ex made with cfg;
 * ex may be NULL: no quadrants), found by their name when no other stakeholder of the
 * account has it. *out is written only on success and freed with cvom__account_map_cleanup.
 * CVOM_ELIMIT past CVOM_MAP_MAX stakeholders, CVOM_ENOMEM, store errors. */
enum cvom_status cvom__account_map_load(struct cvom_store *st, const struct cvom_config *cfg,
                                        int64_t account_id, int32_t today,
                                        const struct cvom_explanation *ex,
                                        struct cvom_account_map *out, struct cvom_error *err);
/* Free the entries; NULL does nothing. */
void cvom__account_map_cleanup(struct cvom_account_map *m);

/* The gaps as one line, "decision maker without a counterpart; …", into buf. Returns buf. */
char *cvom__map_gaps_text(unsigned gaps, char *buf, size_t cap);

/* Set s->reports_to from a reference within s's account: "" or "none" clear it; otherwise
 * an id, external id or exact name of another stakeholder of the account. CVOM_EINVAL
 * (err->field "reports_to") when there is no such stakeholder or several have that name. */
enum cvom_status cvom__stakeholder_reports_to(struct cvom_store *st, struct cvom_stakeholder *s,
                                              const char *ref, struct cvom_error *err);

#endif
