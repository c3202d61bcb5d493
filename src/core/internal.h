/* internal.h — helpers the core's own files share and the public header does not offer. */
#ifndef CVOM_CORE_INTERNAL_H
#define CVOM_CORE_INTERNAL_H

#include "cvom.h"

/* Quadrant and evidence state of a score whose values and intervals are set. */
void cvom__score_settle(const struct cvom_config *cfg, struct cvom_score *s);

/* Index records by their parent: id[0..n) are the records' ids, parent[0..n) the id each
 * names as its parent (0, its own, or one not among them: none). up (room for n) receives the
 * index of each one's parent, -1 for none; a loop is broken at its member given first, who
 * then has none. CVOM_EINVAL (message in err, naming the records as what: "stakeholder") for
 * an id that is not positive or given twice, CVOM_ENOMEM; up is written only on success. */
enum cvom_status cvom__tree_up(const int64_t *id, const int64_t *parent, size_t n, const char *what,
                               long *up, struct cvom_error *err);

#endif
