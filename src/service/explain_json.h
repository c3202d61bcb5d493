/* explain_json.h — an account's explanation as JSON, the one shape `cvom explain --format
 * json` prints and GET /api/v1/accounts/{id}/explanation answers. */
#ifndef CVOM_IO_EXPLAIN_JSON_H
#define CVOM_IO_EXPLAIN_JSON_H

#include "cvom.h"
#include "service/signals.h"
#include "store/store.h"

#include <jansson.h>

/* A quadrant as every JSON output gives it: its name ("partnership"), or null when the
 * state says the account is not placed (insufficient evidence). A new reference. */
json_t *cvom__quadrant_json(enum cvom_state state, enum cvom_quadrant q);

/* The explanation of account a as of a date: axes, respondents with their answers, items,
 * the signals blended in (sig, in the order of ex->blend; may be NULL when there are none),
 * the stakeholders on the matrix (sp) and the partnership (h). A new reference; NULL only
 * when memory runs out. */
json_t *cvom__explanation_json(const struct cvom_account *a, const struct cvom_explanation *ex,
                               const struct cvom_instrument *ins, int32_t as_of,
                               const struct cvom_signals_shown *sig, const struct cvom_spread *sp,
                               const struct cvom_health *h);

#endif
