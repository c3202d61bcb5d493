/* internal.h — helpers the core's own files share and the public header does not offer. */
#ifndef CVOM_CORE_INTERNAL_H
#define CVOM_CORE_INTERNAL_H

#include "cvom.h"

/* Quadrant and evidence state of a score whose values and intervals are set. */
void cvom__score_settle(const struct cvom_config *cfg, struct cvom_score *s);

#endif
