/* analytics_json.h — the analytics in the shapes both faces give them: `cvom compare
 * --format csv|json` and GET /api/v1/compare, `cvom overserved --format json` and GET
 * /api/v1/overserved, `cvom align --format json` and GET /api/v1/alignment. One builder each,
 * so that the command line and the API cannot drift apart. The columns are in
 * docs/formats.md. */
#ifndef CVOM_IO_ANALYTICS_JSON_H
#define CVOM_IO_ANALYTICS_JSON_H

#include "service/analytics.h"

#include <jansson.h>
#include <stdio.h>

/* The migration as one object: the header fields (dates, settings, filters — "" for none —
 * and totals), then one array per section. A new reference; NULL when memory runs out. */
json_t *cvom__compare_json(const struct cvom_compare *k, const char *filters);

/* The migration as one CSV table with a section column, header first. 0, or -1 when memory
 * runs out (the stream's own errors are left for the caller to check). */
int cvom__compare_csv(const struct cvom_compare *k, FILE *out);

/* Over-serving as one object: the settings, "accounts" (the over-served ones, or every rated
 * account with all) and "portfolio". A new reference; NULL when memory runs out. */
json_t *cvom__overserving_json(const struct cvom_overserving *o, int all);

/* Every aligned account of s, in its order, as an array of objects (account_id, account,
 * owner, quadrant, state, common, tau_b, at_risk). A new reference; NULL when memory runs
 * out. */
json_t *cvom__alignment_json(const struct cvom_alignment_set *s);

/* One account's alignment: both hierarchies, tau-b and whether it is at risk. */
json_t *cvom__aligned_json(const struct cvom_alignment_set *s, const struct cvom_aligned *a);

#endif
