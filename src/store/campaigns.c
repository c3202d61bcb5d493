/* campaigns.c — survey campaigns: the campaigns, each stakeholder's link in one, and the
 * record of every message sent, written before the message is attempted so that a run that
 * stops half-way can be resumed without sending anything twice.
 */
#include "store/db.h"
#include "store/ops.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const char *const send_state_names[CVOM_SEND_STATE_COUNT] = {
    [CVOM_SEND_SENDING] = "sending",
    [CVOM_SEND_SENT] = "sent",
    [CVOM_SEND_FAILED] = "failed",
    [CVOM_SEND_REFUSED] = "refused",
};

const char *cvom__send_state_name(enum cvom_send_state s)
{
    return (unsigned)s < CVOM_SEND_STATE_COUNT ? send_state_names[s] : "?";
}

int cvom__send_state_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_SEND_STATE_COUNT; i++)
        if (strcmp(s, send_state_names[i]) == 0)
            return i;
    return -1;
}

static enum cvom_status read_campaign(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_campaign *c = out;
    (void)err;
    memset(c, 0, sizeof *c);
    c->id = db_col_int(q, 0);
    db_col_text(q, 1, c->name, sizeof c->name);
    db_col_text(q, 2, c->language, sizeof c->language);
    c->instrument_id = db_col_int(q, 3);
    c->created = db_col_int(q, 4);
    c->closes = db_col_int(q, 5);
    c->closed = db_col_int(q, 6);
    db_col_text(q, 7, c->created_by, sizeof c->created_by);
    return CVOM_OK;
}

enum cvom_status cvom__op_campaign_add(struct cvom_store *st, struct cvom_campaign *c,
                                       struct cvom_error *err)
{
    if (!cvom__language_ok(c->language, 0)) {
        db_set_field(err, "language");
        return cvom_error_set(err, CVOM_EINVAL,
                              "language '%.16s' is not a language code such as en, de or fr",
                              c->language);
    }
    struct db_query q;
    enum cvom_status status = db_open(db_of(st), S_CAMPAIGN_ADD, &q, err);
    if (status)
        return status;
    db_bind_text(&q, 1, c->name, sizeof c->name);
    db_bind_text(&q, 2, c->language, sizeof c->language);
    db_bind_int(&q, 3, c->instrument_id);
    db_bind_int(&q, 4, c->created);
    db_bind_int(&q, 5, c->closes);
    db_bind_int(&q, 6, c->closed);
    db_bind_text(&q, 7, c->created_by, sizeof c->created_by);
    const struct fk_ref refs[] = {{"instrument_id", S_INSTRUMENT_EXISTS, c->instrument_id}};
    status = db_insert(&q, "adding a campaign", refs, 1, &c->id, err);
    db_close(&q);
    return status;
}

enum cvom_status cvom__op_campaign_find(struct cvom_store *st, const char *ref,
                                        struct cvom_campaign *out, struct cvom_error *err)
{
    struct cvom_campaign c;
    if (!ref || !*ref)
        return cvom_error_set(err, CVOM_EINVAL, "no campaign given");
    if (strnlen(ref, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no campaign '%.40s…'", ref);
    enum cvom_status status = db_one_row(db_of(st), S_CAMPAIGN_BY_NAME, 0, ref, CVOM_FIELD_MAX, "",
                                         read_campaign, &c, err);
    int64_t id = cvom__ref_number(ref);
    if (status == CVOM_ENOTFOUND && id > 0)
        status = db_one_row(db_of(st), S_CAMPAIGN_GET, id, NULL, 0, "", read_campaign, &c, err);
    if (status == CVOM_ENOTFOUND)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no campaign '%s'", ref);
    if (!status)
        *out = c;
    return status;
}

struct campaign_walk {
    cvom_campaign_cb cb;
    void *ctx;
};

static int campaign_walk_cb(void *ctx, const void *rec)
{
    struct campaign_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

struct link_walk {
    cvom_campaign_link_cb cb;
    void *ctx;
};

static int link_walk_cb(void *ctx, const void *rec)
{
    struct link_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

enum cvom_status cvom__op_campaign_list(struct cvom_store *st, cvom_campaign_cb cb, void *ctx,
                                        struct cvom_error *err)
{
    struct db_query q;
    struct cvom_campaign c;
    struct campaign_walk w = {cb, ctx};
    enum cvom_status status = db_open(db_of(st), S_CAMPAIGN_LIST, &q, err);
    if (status)
        return status;
    return db_each_row(&q, &c, read_campaign, campaign_walk_cb, &w, err);
}

/* Closing ends every link of the campaign at once: a link still out stops working. */
enum cvom_status cvom__op_campaign_close(struct cvom_store *st, int64_t id, int64_t now,
                                         struct cvom_error *err)
{
    struct db_store *s = db_of(st);
    enum cvom_status status = db_savepoint(s, "closing a campaign", err);
    if (status)
        return status;
    status = db_exec_keyed(s, S_CAMPAIGN_CLOSE, NULL, 0, 2, id, now, "closing a campaign", err);
    if (!status && db_changes(s) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND,
                                "no open campaign with id %" PRId64 " (closed already?)", id);
    if (!status)
        status = db_exec_keyed(s, S_CAMPAIGN_EXPIRE, NULL, 0, 2, id, now,
                               "ending a campaign's links", err);
    return db_savepoint_end(s, status, err);
}

enum cvom_status cvom__op_campaign_link_add(struct cvom_store *st,
                                            const struct cvom_campaign_link *l,
                                            struct cvom_error *err)
{
    struct db_query q;
    enum cvom_status status = db_open(db_of(st), S_CAMPAIGN_LINK_ADD, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, l->campaign_id);
    db_bind_int(&q, 2, l->stakeholder_id);
    db_bind_int(&q, 3, l->account_id);
    db_bind_text(&q, 4, l->hash, sizeof l->hash);
    db_bind_text(&q, 5, l->secret, sizeof l->secret);
    const struct fk_ref refs[] = {{"campaign_id", S_CAMPAIGN_EXISTS, l->campaign_id},
                                  {"stakeholder_id", S_STAKEHOLDER_EXISTS, l->stakeholder_id},
                                  {"account_id", S_ACCOUNT_EXISTS, l->account_id}};
    status = db_exec(&q, "adding a campaign link", refs, 3, err);
    db_close(&q);
    return status;
}

static enum cvom_status read_link(struct db_query *q, void *out, struct cvom_error *err)
{
    struct cvom_campaign_link *l = out;
    char state[16];
    memset(l, 0, sizeof *l);
    l->campaign_id = db_col_int(q, 0);
    l->stakeholder_id = db_col_int(q, 1);
    l->account_id = db_col_int(q, 2);
    db_col_text(q, 3, l->hash, sizeof l->hash);
    db_col_text(q, 4, l->secret, sizeof l->secret);
    l->opened = db_col_int(q, 5);
    l->started = db_col_int(q, 6);
    l->completed = db_col_int(q, 7);
    db_col_text(q, 8, l->name, sizeof l->name);
    db_col_text(q, 9, l->email, sizeof l->email);
    db_col_text(q, 10, l->language, sizeof l->language);
    db_col_text(q, 11, l->account, sizeof l->account);
    db_col_text(q, 12, l->owner, sizeof l->owner);
    l->rounds = db_col_int(q, 13);
    l->sent = db_col_int(q, 14);
    l->refused = db_col_int(q, 15);
    l->last_at = db_col_int(q, 16);
    db_col_text(q, 17, state, sizeof state);
    l->last_state = state[0] ? cvom__send_state_parse(state) : -1;
    if (state[0] && l->last_state < 0)
        return db_bad_column("campaign_sends", "state", state, err);
    db_col_text(q, 18, l->error, sizeof l->error);
    return CVOM_OK;
}

enum cvom_status cvom__op_campaign_link_list(struct cvom_store *st, int64_t campaign_id,
                                             cvom_campaign_link_cb cb, void *ctx,
                                             struct cvom_error *err)
{
    struct db_query q;
    struct cvom_campaign_link *l = malloc(sizeof *l);
    struct link_walk w = {cb, ctx};
    if (!l)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory listing a campaign's links");
    enum cvom_status status = db_open(db_of(st), S_CAMPAIGN_LINK_LIST, &q, err);
    if (!status) {
        db_bind_int(&q, 1, campaign_id);
        status = db_each_row(&q, l, read_link, link_walk_cb, &w, err);
    }
    free(l);
    return status;
}

enum cvom_status cvom__op_campaign_link_seen(struct cvom_store *st, const char *hash, int started,
                                             int64_t now, struct cvom_error *err)
{
    return db_exec_keyed(db_of(st), S_CAMPAIGN_LINK_SEEN, hash, CVOM_DIGEST_HEX, 2, now,
                         started ? 1 : 0, "recording a visit to a campaign link", err);
}

enum cvom_status cvom__op_campaign_send_claim(struct cvom_store *st, int64_t campaign_id,
                                              int64_t stakeholder_id, int64_t round, int64_t at,
                                              int *claimed, struct cvom_error *err)
{
    struct db_query q;
    int64_t id = 0;
    int got = 0;
    enum cvom_status status = db_open(db_of(st), S_CAMPAIGN_SEND_CLAIM, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, campaign_id);
    db_bind_int(&q, 2, stakeholder_id);
    db_bind_int(&q, 3, round);
    db_bind_int(&q, 4, at);
    status = db_returning(&q, "recording a message", NULL, 0, &id, &got, err);
    db_close(&q);
    if (!status)
        *claimed = got;
    return status;
}

enum cvom_status cvom__op_campaign_send_end(struct cvom_store *st, int64_t campaign_id,
                                            int64_t stakeholder_id, int64_t round,
                                            enum cvom_send_state state, const char *error,
                                            struct cvom_error *err)
{
    struct db_query q;
    if ((unsigned)state >= CVOM_SEND_STATE_COUNT)
        return db_bad_enum("recording a message's outcome", "state", err);
    enum cvom_status status = db_open(db_of(st), S_CAMPAIGN_SEND_END, &q, err);
    if (status)
        return status;
    db_bind_int(&q, 1, campaign_id);
    db_bind_int(&q, 2, stakeholder_id);
    db_bind_int(&q, 3, round);
    db_bind_str(&q, 4, cvom__send_state_name(state));
    db_bind_text(&q, 5, error ? error : "", 256);
    status = db_exec(&q, "recording a message's outcome", NULL, 0, err);
    db_close(&q);
    if (!status && db_changes(db_of(st)) == 0)
        status =
            cvom_error_set(err, CVOM_ENOTFOUND, "no message recorded for round %" PRId64, round);
    return status;
}
