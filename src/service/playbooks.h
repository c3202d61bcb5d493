/* playbooks.h — the playbook in use and the plays it suggests for an account, for every
 * face: the team's copy in the database wins over the built-in data/playbooks.csv. */
#ifndef CVOM_SERVICE_PLAYBOOKS_H
#define CVOM_SERVICE_PLAYBOOKS_H

#include "cvom.h"
#include "service/portfolio.h"
#include "store/store.h"

/* Parse a playbook file (the header key,title,play,axis,cost and one play per row) from
 * buf; name is used in errors, which carry line and column. All or nothing: out is written
 * only on success. */
enum cvom_status cvom__playbook_parse(const char *buf, size_t len, const char *name,
                                      struct cvom_playbook *out, struct cvom_error *err);

/* The playbook in use; *builtin (may be NULL) receives 1 when it is the built-in one. The
 * caller cleans out up. */
enum cvom_status cvom__playbook_load(struct cvom_store *st, struct cvom_playbook *out, int *builtin,
                                     struct cvom_error *err);

/* The plays for an account whose score now is *now: those of its quadrant, of its move
 * since the date `since` (scored from the stored assessments), and of its evidence state.
 * Keys only: look them up in the playbook in use. */
enum cvom_status cvom__account_plays(struct cvom_store *st, const struct cvom_config *cfg,
                                     int64_t account_id, int32_t since, int32_t as_of,
                                     const struct cvom_score *now, struct cvom_play_choice *out,
                                     struct cvom_error *err);

#endif
