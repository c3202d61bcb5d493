/* ops.h — the shared operations, one per member of struct cvom_store_ops, defined in the
 * file of their group and gathered into the operations table in settings.c. Their contract is
 * the one store.h gives for the member of the same name.
 */
#ifndef CVOM_STORE_OPS_H
#define CVOM_STORE_OPS_H

#include "store/store.h"

#include <stdint.h>

/* accounts.c */
enum cvom_status cvom__op_account_add(struct cvom_store *st, struct cvom_account *a,
                                      struct cvom_error *err);
enum cvom_status cvom__op_account_update(struct cvom_store *st, struct cvom_account *a,
                                         struct cvom_error *err);
enum cvom_status cvom__op_account_remove(struct cvom_store *st, int64_t id, struct cvom_error *err);
enum cvom_status cvom__op_account_get(struct cvom_store *st, int64_t id, struct cvom_account *out,
                                      struct cvom_error *err);
enum cvom_status cvom__op_account_find(struct cvom_store *st, const char *ref,
                                       struct cvom_account *out, struct cvom_error *err);
enum cvom_status cvom__op_account_list(struct cvom_store *st, const struct cvom_account_filter *f,
                                       cvom_account_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_account_count(struct cvom_store *st, int64_t *n, struct cvom_error *err);
enum cvom_status cvom__op_stakeholder_add(struct cvom_store *st, struct cvom_stakeholder *sh,
                                          struct cvom_error *err);
enum cvom_status cvom__op_stakeholder_update(struct cvom_store *st,
                                             const struct cvom_stakeholder *sh,
                                             struct cvom_error *err);
enum cvom_status cvom__op_stakeholder_remove(struct cvom_store *st, int64_t id,
                                             struct cvom_error *err);
enum cvom_status cvom__op_stakeholder_get(struct cvom_store *st, int64_t id,
                                          struct cvom_stakeholder *out, struct cvom_error *err);
enum cvom_status cvom__op_stakeholder_find(struct cvom_store *st, int64_t account_id,
                                           const char *ref, struct cvom_stakeholder *out,
                                           struct cvom_error *err);
enum cvom_status cvom__op_stakeholder_list(struct cvom_store *st, int64_t account_id,
                                           cvom_stakeholder_cb cb, void *ctx,
                                           struct cvom_error *err);

/* assessments.c */
enum cvom_status cvom__op_instrument_put(struct cvom_store *st, const struct cvom_instrument *ins,
                                         int64_t *id, struct cvom_error *err);
enum cvom_status cvom__op_instrument_get(struct cvom_store *st, int64_t id,
                                         struct cvom_instrument *out, struct cvom_error *err);
enum cvom_status cvom__op_instrument_latest(struct cvom_store *st, const char *name, int64_t *id,
                                            struct cvom_error *err);
enum cvom_status cvom__op_instrument_find(struct cvom_store *st, const char *name, int version,
                                          int64_t *id, struct cvom_error *err);
enum cvom_status cvom__op_instrument_list(struct cvom_store *st, cvom_instrument_cb cb, void *ctx,
                                          struct cvom_error *err);
enum cvom_status cvom__op_assessment_add(struct cvom_store *st, struct cvom_assessment *a,
                                         struct cvom_error *err);
enum cvom_status cvom__op_assessment_update(struct cvom_store *st, const struct cvom_assessment *a,
                                            struct cvom_error *err);
enum cvom_status cvom__op_assessment_list(struct cvom_store *st, int64_t account_id,
                                          cvom_assessment_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_response_remove(struct cvom_store *st, int64_t assessment_id,
                                          const char *item_code, struct cvom_error *err);
enum cvom_status cvom__op_assessment_remove(struct cvom_store *st, int64_t id,
                                            struct cvom_error *err);
enum cvom_status cvom__op_response_put(struct cvom_store *st, const struct cvom_response *r,
                                       struct cvom_error *err);
enum cvom_status cvom__op_response_list(struct cvom_store *st, int64_t assessment_id,
                                        cvom_response_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_snapshot_put(struct cvom_store *st, const struct cvom_snapshot *sn,
                                       struct cvom_error *err);
enum cvom_status cvom__op_snapshot_list_latest(struct cvom_store *st, int32_t as_of,
                                               cvom_snapshot_cb cb, void *ctx,
                                               struct cvom_error *err);
enum cvom_status cvom__op_snapshot_history(struct cvom_store *st, int64_t account_id,
                                           cvom_snapshot_cb cb, void *ctx, struct cvom_error *err);

enum cvom_status cvom__op_assessment_scan(struct cvom_store *st, int32_t as_of,
                                          cvom_assessment_scan_cb cb, void *ctx,
                                          struct cvom_error *err);
enum cvom_status cvom__op_response_scan(struct cvom_store *st, cvom_response_cb cb, void *ctx,
                                        struct cvom_error *err);
enum cvom_status cvom__op_totals_scan(struct cvom_store *st, cvom_totals_cb cb, void *ctx,
                                      struct cvom_error *err);
enum cvom_status cvom__op_totals_put(struct cvom_store *st, const struct cvom_totals *t,
                                     struct cvom_error *err);
enum cvom_status cvom__op_totals_lock(struct cvom_store *st, struct cvom_error *err);

/* access.c */
enum cvom_status cvom__op_user_add(struct cvom_store *st, struct cvom_user *u,
                                   struct cvom_error *err);
enum cvom_status cvom__op_user_update(struct cvom_store *st, const struct cvom_user *u,
                                      struct cvom_error *err);
enum cvom_status cvom__op_user_get(struct cvom_store *st, int64_t id, struct cvom_user *out,
                                   struct cvom_error *err);
enum cvom_status cvom__op_user_find(struct cvom_store *st, const char *name, struct cvom_user *out,
                                    struct cvom_error *err);
enum cvom_status cvom__op_user_list(struct cvom_store *st, cvom_user_cb cb, void *ctx,
                                    struct cvom_error *err);
enum cvom_status cvom__op_user_count(struct cvom_store *st, int64_t *n, struct cvom_error *err);
enum cvom_status cvom__op_session_put(struct cvom_store *st, const struct cvom_session *x,
                                      struct cvom_error *err);
enum cvom_status cvom__op_session_identify(struct cvom_store *st, const char *id,
                                           struct cvom_session *out, struct cvom_user *user,
                                           int64_t *revision, struct cvom_error *err);
enum cvom_status cvom__op_session_touch(struct cvom_store *st, const char *id, int64_t seen,
                                        struct cvom_error *err);
enum cvom_status cvom__op_session_remove(struct cvom_store *st, const char *id,
                                         struct cvom_error *err);
enum cvom_status cvom__op_session_remove_user(struct cvom_store *st, int64_t user_id,
                                              struct cvom_error *err);
enum cvom_status cvom__op_session_purge(struct cvom_store *st, int64_t created_before,
                                        int64_t seen_before, struct cvom_error *err);
enum cvom_status cvom__op_token_add(struct cvom_store *st, struct cvom_token *t,
                                    struct cvom_error *err);
enum cvom_status cvom__op_token_identify(struct cvom_store *st, const char *hash,
                                         struct cvom_token *out, struct cvom_user *user,
                                         int64_t *revision, struct cvom_error *err);
enum cvom_status cvom__op_token_touch(struct cvom_store *st, int64_t id, int64_t used,
                                      struct cvom_error *err);
enum cvom_status cvom__op_token_list(struct cvom_store *st, cvom_token_cb cb, void *ctx,
                                     struct cvom_error *err);
enum cvom_status cvom__op_token_remove(struct cvom_store *st, int64_t id, struct cvom_error *err);
enum cvom_status cvom__op_audit_add(struct cvom_store *st, struct cvom_audit *a,
                                    struct cvom_error *err);
enum cvom_status cvom__op_idem_claim(struct cvom_store *st, const struct cvom_idem *x, int *claimed,
                                     struct cvom_error *err);
enum cvom_status cvom__op_idem_get(struct cvom_store *st, int64_t user_id, const char *key,
                                   struct cvom_idem *out, struct cvom_error *err);
enum cvom_status cvom__op_idem_finish(struct cvom_store *st, const struct cvom_idem *x,
                                      struct cvom_error *err);
enum cvom_status cvom__op_idem_drop(struct cvom_store *st, int64_t user_id, const char *key,
                                    struct cvom_error *err);
enum cvom_status cvom__op_idem_purge(struct cvom_store *st, int64_t created_before,
                                     struct cvom_error *err);
enum cvom_status cvom__op_audit_list(struct cvom_store *st, int64_t limit, int64_t offset,
                                     cvom_audit_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_audit_find(struct cvom_store *st, const struct cvom_audit_filter *f,
                                     cvom_audit_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_failure_add(struct cvom_store *st, const char *key, int64_t at,
                                      struct cvom_error *err);
enum cvom_status cvom__op_failure_count(struct cvom_store *st, const char *key, int64_t since,
                                        int64_t *n, struct cvom_error *err);
enum cvom_status cvom__op_failure_clear(struct cvom_store *st, const char *key,
                                        struct cvom_error *err);
enum cvom_status cvom__op_signin_wait(struct cvom_store *st, const struct cvom_signin_limits *lim,
                                      const char *address, const char *name, int64_t now,
                                      int64_t *wait, struct cvom_error *err);
enum cvom_status cvom__op_signin_failed(struct cvom_store *st, const char *address,
                                        const char *name, int64_t now, struct cvom_error *err);
enum cvom_status cvom__op_signin_passed(struct cvom_store *st, const char *address,
                                        const char *name, struct cvom_error *err);
enum cvom_status cvom__op_survey_add(struct cvom_store *st, const struct cvom_survey *x,
                                     struct cvom_error *err);
enum cvom_status cvom__op_survey_get(struct cvom_store *st, const char *hash,
                                     struct cvom_survey *out, struct cvom_error *err);
enum cvom_status cvom__op_survey_use(struct cvom_store *st, const char *hash, int64_t now,
                                     int64_t assessment_id, struct cvom_error *err);
enum cvom_status cvom__op_survey_list(struct cvom_store *st, int64_t account_id, cvom_survey_cb cb,
                                      void *ctx, struct cvom_error *err);

/* campaigns.c */
enum cvom_status cvom__op_campaign_add(struct cvom_store *st, struct cvom_campaign *c,
                                       struct cvom_error *err);
enum cvom_status cvom__op_campaign_find(struct cvom_store *st, const char *ref,
                                        struct cvom_campaign *out, struct cvom_error *err);
enum cvom_status cvom__op_campaign_list(struct cvom_store *st, cvom_campaign_cb cb, void *ctx,
                                        struct cvom_error *err);
enum cvom_status cvom__op_campaign_close(struct cvom_store *st, int64_t id, int64_t now,
                                         struct cvom_error *err);
enum cvom_status cvom__op_campaign_link_add(struct cvom_store *st,
                                            const struct cvom_campaign_link *l,
                                            struct cvom_error *err);
enum cvom_status cvom__op_campaign_link_list(struct cvom_store *st, int64_t campaign_id,
                                             cvom_campaign_link_cb cb, void *ctx,
                                             struct cvom_error *err);
enum cvom_status cvom__op_campaign_link_seen(struct cvom_store *st, const char *hash, int started,
                                             int64_t now, struct cvom_error *err);
enum cvom_status cvom__op_campaign_send_claim(struct cvom_store *st, int64_t campaign_id,
                                              int64_t stakeholder_id, int64_t round, int64_t at,
                                              int *claimed, struct cvom_error *err);
enum cvom_status cvom__op_campaign_send_end(struct cvom_store *st, int64_t campaign_id,
                                            int64_t stakeholder_id, int64_t round,
                                            enum cvom_send_state state, const char *error,
                                            struct cvom_error *err);
enum cvom_status cvom__op_survey_draft_put(struct cvom_store *st, const char *hash, int64_t now,
                                           const char *draft, const char *comment,
                                           struct cvom_error *err);
enum cvom_status cvom__op_survey_draft_get(struct cvom_store *st, const char *hash, char *draft,
                                           size_t draft_cap, char *comment, size_t comment_cap,
                                           struct cvom_error *err);
enum cvom_status cvom__op_text_put(struct cvom_store *st, int64_t instrument_id,
                                   const struct cvom_text *t, struct cvom_error *err);
enum cvom_status cvom__op_text_list(struct cvom_store *st, int64_t instrument_id, const char *lang,
                                    cvom_text_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_comment_put(struct cvom_store *st, int64_t assessment_id,
                                      const char *comment, struct cvom_error *err);
enum cvom_status cvom__op_comment_list(struct cvom_store *st, int64_t account_id,
                                       cvom_comment_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_revision(struct cvom_store *st, int64_t *n, struct cvom_error *err);

/* plans.c */
enum cvom_status cvom__op_action_add(struct cvom_store *st, struct cvom_action *a,
                                     struct cvom_error *err);
enum cvom_status cvom__op_action_get(struct cvom_store *st, int64_t id, struct cvom_action *out,
                                     struct cvom_error *err);
enum cvom_status cvom__op_action_list(struct cvom_store *st, const struct cvom_action_filter *f,
                                      cvom_action_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_action_set_status(struct cvom_store *st, int64_t id, int64_t version,
                                            enum cvom_action_status status_to, int32_t day,
                                            struct cvom_error *err);
enum cvom_status cvom__op_playbook_clear(struct cvom_store *st, struct cvom_error *err);
enum cvom_status cvom__op_playbook_put(struct cvom_store *st, const struct cvom_play *p,
                                       struct cvom_error *err);
enum cvom_status cvom__op_playbook_list(struct cvom_store *st, cvom_play_cb cb, void *ctx,
                                        struct cvom_error *err);
enum cvom_status cvom__op_offering_add(struct cvom_store *st, struct cvom_offering *o,
                                       struct cvom_error *err);
enum cvom_status cvom__op_offering_find(struct cvom_store *st, const char *ref,
                                        struct cvom_offering *out, struct cvom_error *err);
enum cvom_status cvom__op_offering_update(struct cvom_store *st, struct cvom_offering *o,
                                          struct cvom_error *err);
enum cvom_status cvom__op_offering_list(struct cvom_store *st, cvom_offering_cb cb, void *ctx,
                                        struct cvom_error *err);
enum cvom_status cvom__op_offering_remove(struct cvom_store *st, int64_t id,
                                          struct cvom_error *err);
enum cvom_status cvom__op_rating_put(struct cvom_store *st, const struct cvom_offering_rating *r,
                                     struct cvom_error *err);
enum cvom_status cvom__op_rating_list(struct cvom_store *st, int64_t account_id, cvom_rating_cb cb,
                                      void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_value_add(struct cvom_store *st, const char *name,
                                    struct cvom_error *err);
enum cvom_status cvom__op_value_remove(struct cvom_store *st, const char *name,
                                       struct cvom_error *err);
enum cvom_status cvom__op_value_list(struct cvom_store *st, cvom_value_cb cb, void *ctx,
                                     struct cvom_error *err);
enum cvom_status cvom__op_ranking_clear(struct cvom_store *st, int64_t account_id,
                                        struct cvom_error *err);
enum cvom_status cvom__op_ranking_put(struct cvom_store *st, int64_t account_id, const char *value,
                                      int rank, struct cvom_error *err);
enum cvom_status cvom__op_ranking_list(struct cvom_store *st, int64_t account_id,
                                       cvom_value_rank_cb cb, void *ctx, struct cvom_error *err);

/* signals.c */
enum cvom_status cvom__op_signal_find(struct cvom_store *st, const char *ref,
                                      struct cvom_signal *out, struct cvom_error *err);
enum cvom_status cvom__op_signal_put(struct cvom_store *st, struct cvom_signal *g,
                                     struct cvom_error *err);
enum cvom_status cvom__op_signal_list(struct cvom_store *st, cvom_signal_cb cb, void *ctx,
                                      struct cvom_error *err);
enum cvom_status cvom__op_signal_remove(struct cvom_store *st, int64_t id, struct cvom_error *err);
enum cvom_status cvom__op_signal_value_put(struct cvom_store *st, const struct cvom_signal_value *v,
                                           struct cvom_error *err);
enum cvom_status cvom__op_signal_latest(struct cvom_store *st, int64_t signal_id, int32_t as_of,
                                        int64_t account_id, cvom_signal_value_cb cb, void *ctx,
                                        struct cvom_error *err);
enum cvom_status cvom__op_signal_history(struct cvom_store *st, int64_t account_id,
                                         cvom_signal_value_cb cb, void *ctx,
                                         struct cvom_error *err);
enum cvom_status cvom__op_network_add(struct cvom_store *st, struct cvom_network_entry *e,
                                      struct cvom_error *err);
enum cvom_status cvom__op_network_list(struct cvom_store *st, int64_t account_id,
                                       cvom_network_cb cb, void *ctx, struct cvom_error *err);
enum cvom_status cvom__op_network_remove(struct cvom_store *st, int64_t id, struct cvom_error *err);
enum cvom_status cvom__op_network_means(struct cvom_store *st, int32_t from, int32_t to,
                                        cvom_network_mean_cb cb, void *ctx, struct cvom_error *err);

#endif
