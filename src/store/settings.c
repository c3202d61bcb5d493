/* settings.c — the operations every back end answers alike: transactions (which move the
 * data revision once per commit that changed the portfolio's data), settings, row counts, the
 * revision itself, and the operations table that routes every call.
 */
#include "store/db.h"
#include "store/ops.h"

#include <string.h>

/* ---------------------------------------------------------------------------------------
 * Opening and closing, transactions
 * ------------------------------------------------------------------------------------- */

static void close_store(struct cvom_store *st)
{
    struct db_store *s = db_of(st);
    if (s)
        s->drv->close(s);
}

static enum cvom_status begin_tx(struct cvom_store *st, struct cvom_error *err)
{
    return db_begin(db_of(st), err);
}

static enum cvom_status begin_read(struct cvom_store *st, int *opened, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    *opened = 0;
    if (s->in_tx)
        return CVOM_OK;
    enum cvom_status status = db_run(s, S_BEGIN_READ, "starting to read", err);
    if (status == CVOM_OK) {
        s->in_tx = 1;
        s->dirty = 0;
        *opened = 1;
    }
    return status;
}

static enum cvom_status commit_tx(struct cvom_store *st, struct cvom_error *err)
{
    return db_commit(db_of(st), err);
}

static void rollback_tx(struct cvom_store *st)
{
    db_rollback(db_of(st));
}

static enum cvom_status hold_rows(struct cvom_store *st, int on, struct cvom_error *err)
{
    return db_defer(db_of(st), on, err);
}

static void hold_at(struct cvom_store *st, long line, long column)
{
    db_defer_at(db_of(st), line, column);
}

static enum cvom_status schema_version(struct cvom_store *st, int *version, struct cvom_error *err)
{
    int v;
    enum cvom_status status = db_schema_version(db_of(st), &v, err);
    if (status == CVOM_OK)
        *version = v;
    return status;
}

static enum cvom_status backup(struct cvom_store *st, const char *dest, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    if (!dest || !*dest)
        return cvom_error_set(err, CVOM_EINVAL, "no backup destination given");
    if (s->in_tx)
        return cvom_error_set(err, CVOM_EINVAL, "finish the transaction before a backup");
    return s->drv->backup(s, dest, err);
}

static enum cvom_status set_timeout(struct cvom_store *st, int ms, struct cvom_error *err)
{
    if (ms < 0)
        return cvom_error_set(err, CVOM_EINVAL, "the timeout must be 0 or more milliseconds");
    return db_of(st)->drv->set_timeout(db_of(st), ms, err);
}

static enum cvom_status revision(struct cvom_store *st, int64_t *n, struct cvom_error *err)
{
    return db_query_int(db_of(st), S_REVISION, 0, 0, n, err);
}

/* ---------------------------------------------------------------------------------------
 * Settings
 * ------------------------------------------------------------------------------------- */

static enum cvom_status setting_get(struct cvom_store *st, const char *key, char *buf, size_t cap,
                                    struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    if (!key || !*key || !buf || cap == 0)
        return cvom_error_set(err, CVOM_EINVAL, "setting: no key or no buffer");
    if (strnlen(key, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "setting: key too long");
    enum cvom_status status = db_open(s, S_SETTING_GET, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_text(&q, 1, key, CVOM_FIELD_MAX);
    enum db_step rc = db_step(&q);
    if (rc == DB_ROW) {
        size_t n = 0;
        const char *v = s->drv->col_text(&q, 0, &n);
        if (!v)
            n = 0;
        if (n >= cap) {
            status = cvom_error_set(err, CVOM_ELIMIT, "setting %s: value longer than %zu bytes",
                                    key, cap - 1);
        } else {
            if (n)
                memcpy(buf, v, n);
            buf[n] = '\0';
        }
    } else if (rc == DB_DONE) {
        status = cvom_error_set(err, CVOM_ENOTFOUND, "setting %s is not set", key);
    } else {
        status = db_fail(s, "reading a setting", err);
    }
    db_close(&q);
    return status;
}

static enum cvom_status setting_set(struct cvom_store *st, const char *key, const char *value,
                                    struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    if (!key || !*key || !value)
        return cvom_error_set(err, CVOM_EINVAL, "setting: no key or no value");
    if (strnlen(key, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "setting: key too long");
    if (strnlen(value, CVOM_NOTES_MAX) >= CVOM_NOTES_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "setting %s: value too long", key);
    enum cvom_status status = db_open(s, S_SETTING_SET, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_text(&q, 1, key, CVOM_FIELD_MAX);
    db_bind_text(&q, 2, value, CVOM_NOTES_MAX);
    status = db_exec(&q, "saving a setting", NULL, 0, err);
    db_close(&q);
    return status;
}

static enum cvom_status setting_swap(struct cvom_store *st, const char *key, const char *seen,
                                     const char *value, struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    struct db_query q;
    if (!key || !*key || !value)
        return cvom_error_set(err, CVOM_EINVAL, "setting: no key or no value");
    if (strnlen(key, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "setting: key too long");
    if (strnlen(value, CVOM_NOTES_MAX) >= CVOM_NOTES_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "setting %s: value too long", key);
    enum cvom_status status = db_open(s, seen ? S_SETTING_SWAP : S_SETTING_CREATE, &q, err);
    if (status != CVOM_OK)
        return status;
    db_bind_text(&q, 1, key, CVOM_FIELD_MAX);
    if (seen) {
        db_bind_text(&q, 2, seen, CVOM_NOTES_MAX);
        db_bind_text(&q, 3, value, CVOM_NOTES_MAX);
    } else {
        db_bind_text(&q, 2, value, CVOM_NOTES_MAX);
    }
    status = db_exec(&q, "saving a setting", NULL, 0, err);
    db_close(&q);
    if (status == CVOM_OK && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ECONFLICT,
                                "setting %s was changed by someone else meanwhile: look at it "
                                "again, then make your change",
                                key);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Counts
 * ------------------------------------------------------------------------------------- */

/* The tables reported by table_counts, in this order. */
static const struct {
    const char *name;
    enum stmt count;
} counted_tables[] = {
    {"accounts", S_COUNT_ACCOUNTS},       {"stakeholders", S_COUNT_STAKEHOLDERS},
    {"instruments", S_COUNT_INSTRUMENTS}, {"items", S_COUNT_ITEMS},
    {"assessments", S_COUNT_ASSESSMENTS}, {"responses", S_COUNT_RESPONSES},
    {"snapshots", S_COUNT_SNAPSHOTS},     {"settings", S_COUNT_SETTINGS},
};

static enum cvom_status table_counts(struct cvom_store *st, cvom_table_count_cb cb, void *ctx,
                                     struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    for (size_t i = 0; i < sizeof counted_tables / sizeof counted_tables[0]; i++) {
        int64_t c = 0;
        enum cvom_status status = db_query_int(s, counted_tables[i].count, 0, 0, &c, err);
        if (status != CVOM_OK)
            return status;
        if (cb(ctx, counted_tables[i].name, c))
            break;
    }
    return CVOM_OK;
}

const struct cvom_store_ops cvom__db_ops = {
    .close = close_store,
    .begin = begin_tx,
    .begin_read = begin_read,
    .commit = commit_tx,
    .rollback = rollback_tx,
    .hold_rows = hold_rows,
    .hold_at = hold_at,
    .schema_version = schema_version,
    .backup = backup,
    .setting_get = setting_get,
    .setting_set = setting_set,
    .setting_swap = setting_swap,
    .account_add = cvom__op_account_add,
    .account_update = cvom__op_account_update,
    .account_remove = cvom__op_account_remove,
    .account_get = cvom__op_account_get,
    .account_find = cvom__op_account_find,
    .account_list = cvom__op_account_list,
    .account_count = cvom__op_account_count,
    .stakeholder_add = cvom__op_stakeholder_add,
    .stakeholder_update = cvom__op_stakeholder_update,
    .stakeholder_get = cvom__op_stakeholder_get,
    .stakeholder_remove = cvom__op_stakeholder_remove,
    .stakeholder_find = cvom__op_stakeholder_find,
    .stakeholder_list = cvom__op_stakeholder_list,
    .instrument_put = cvom__op_instrument_put,
    .instrument_get = cvom__op_instrument_get,
    .instrument_latest = cvom__op_instrument_latest,
    .instrument_find = cvom__op_instrument_find,
    .instrument_list = cvom__op_instrument_list,
    .assessment_add = cvom__op_assessment_add,
    .assessment_update = cvom__op_assessment_update,
    .assessment_list = cvom__op_assessment_list,
    .response_put = cvom__op_response_put,
    .response_remove = cvom__op_response_remove,
    .assessment_remove = cvom__op_assessment_remove,
    .response_list = cvom__op_response_list,
    .assessment_scan = cvom__op_assessment_scan,
    .response_scan = cvom__op_response_scan,
    .totals_scan = cvom__op_totals_scan,
    .totals_put = cvom__op_totals_put,
    .totals_lock = cvom__op_totals_lock,
    .snapshot_put = cvom__op_snapshot_put,
    .snapshot_list_latest = cvom__op_snapshot_list_latest,
    .snapshot_history = cvom__op_snapshot_history,
    .table_counts = table_counts,
    .set_timeout = set_timeout,
    .user_add = cvom__op_user_add,
    .user_update = cvom__op_user_update,
    .user_get = cvom__op_user_get,
    .user_find = cvom__op_user_find,
    .user_list = cvom__op_user_list,
    .user_count = cvom__op_user_count,
    .session_put = cvom__op_session_put,
    .session_identify = cvom__op_session_identify,
    .session_touch = cvom__op_session_touch,
    .session_remove = cvom__op_session_remove,
    .session_remove_user = cvom__op_session_remove_user,
    .session_purge = cvom__op_session_purge,
    .token_add = cvom__op_token_add,
    .token_identify = cvom__op_token_identify,
    .token_touch = cvom__op_token_touch,
    .token_list = cvom__op_token_list,
    .token_remove = cvom__op_token_remove,
    .idem_claim = cvom__op_idem_claim,
    .idem_get = cvom__op_idem_get,
    .idem_finish = cvom__op_idem_finish,
    .idem_drop = cvom__op_idem_drop,
    .idem_purge = cvom__op_idem_purge,
    .audit_add = cvom__op_audit_add,
    .audit_list = cvom__op_audit_list,
    .audit_find = cvom__op_audit_find,
    .failure_add = cvom__op_failure_add,
    .failure_count = cvom__op_failure_count,
    .failure_clear = cvom__op_failure_clear,
    .signin_wait = cvom__op_signin_wait,
    .signin_failed = cvom__op_signin_failed,
    .signin_passed = cvom__op_signin_passed,
    .survey_add = cvom__op_survey_add,
    .survey_get = cvom__op_survey_get,
    .survey_use = cvom__op_survey_use,
    .survey_list = cvom__op_survey_list,
    .campaign_add = cvom__op_campaign_add,
    .campaign_find = cvom__op_campaign_find,
    .campaign_list = cvom__op_campaign_list,
    .campaign_close = cvom__op_campaign_close,
    .campaign_link_add = cvom__op_campaign_link_add,
    .campaign_link_list = cvom__op_campaign_link_list,
    .campaign_link_seen = cvom__op_campaign_link_seen,
    .campaign_send_claim = cvom__op_campaign_send_claim,
    .campaign_send_end = cvom__op_campaign_send_end,
    .survey_draft_put = cvom__op_survey_draft_put,
    .survey_draft_get = cvom__op_survey_draft_get,
    .text_put = cvom__op_text_put,
    .text_list = cvom__op_text_list,
    .comment_put = cvom__op_comment_put,
    .comment_list = cvom__op_comment_list,
    .revision = revision,
    .action_add = cvom__op_action_add,
    .action_get = cvom__op_action_get,
    .action_list = cvom__op_action_list,
    .action_set_status = cvom__op_action_set_status,
    .playbook_clear = cvom__op_playbook_clear,
    .playbook_put = cvom__op_playbook_put,
    .playbook_list = cvom__op_playbook_list,
    .offering_add = cvom__op_offering_add,
    .offering_update = cvom__op_offering_update,
    .offering_find = cvom__op_offering_find,
    .offering_list = cvom__op_offering_list,
    .offering_remove = cvom__op_offering_remove,
    .rating_put = cvom__op_rating_put,
    .rating_list = cvom__op_rating_list,
    .value_add = cvom__op_value_add,
    .value_remove = cvom__op_value_remove,
    .value_list = cvom__op_value_list,
    .ranking_clear = cvom__op_ranking_clear,
    .ranking_put = cvom__op_ranking_put,
    .ranking_list = cvom__op_ranking_list,
    .signal_put = cvom__op_signal_put,
    .signal_find = cvom__op_signal_find,
    .signal_list = cvom__op_signal_list,
    .signal_remove = cvom__op_signal_remove,
    .signal_value_put = cvom__op_signal_value_put,
    .signal_latest = cvom__op_signal_latest,
    .signal_history = cvom__op_signal_history,
    .network_add = cvom__op_network_add,
    .network_list = cvom__op_network_list,
    .network_remove = cvom__op_network_remove,
    .network_means = cvom__op_network_means,
};
