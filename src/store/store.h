/* store.h — the one storage interface. A location names the database: the path of an
 * SQLite file, or a PostgreSQL server (see cvom__store_open). Both back ends answer the same
 * operations table with the same results; callers never see SQL.
 *
 * Strings in records are fixed-size buffers, so records are plain values the caller owns.
 *
 * Transactions: a caller that makes several changes which belong together opens one with
 * begin and ends it with commit or rollback. Every write runs inside a transaction: one that
 * the caller did not open gets a transaction of its own, as does an operation of several
 * statements (an instrument and its items), so each takes effect whole or not at all. A
 * transaction that changed the portfolio's data moves the revision once, at its commit.
 */
#ifndef CVOM_STORE_H
#define CVOM_STORE_H

#include "cvom.h"

#include <stdint.h>

#define CVOM_FIELD_MAX 128

#define CVOM_NOTES_MAX 4096
#define CVOM_TAGS_MAX 512

struct cvom_account {
    int64_t id;                       /* assigned by the store */
    char external_id[CVOM_FIELD_MAX]; /* the CRM's id; unique when not empty */
    char name[CVOM_FIELD_MAX];        /* required */
    char owner[CVOM_FIELD_MAX];       /* the account manager */
    int64_t parent_id;                /* 0: none */
    double revenue;                   /* annual revenue with us; >= 0 */
    double potential;                 /* >= 0 */
    char currency[8];                 /* ISO 4217, e.g. "EUR" */
    char industry[CVOM_FIELD_MAX];
    char region[CVOM_FIELD_MAX];
    char tags[CVOM_TAGS_MAX]; /* comma-separated, trimmed */
    char notes[CVOM_NOTES_MAX];
    int64_t version; /* moves on with every change; see account_update */
};

/* An account without its notes: what listings and portfolio scans carry, at a quarter of the
 * size. */
struct cvom_account_brief {
    int64_t id;
    char external_id[CVOM_FIELD_MAX];
    char name[CVOM_FIELD_MAX];
    char owner[CVOM_FIELD_MAX];
    int64_t parent_id;
    double revenue;
    double potential;
    char currency[8];
    char industry[CVOM_FIELD_MAX];
    char region[CVOM_FIELD_MAX];
    char tags[CVOM_TAGS_MAX];
};

/* An account as a scan or a long listing holds it: the brief's fields, with its texts
 * pointing elsewhere (into the scan's own block of texts, or into the record it was made
 * from), so that 100,000 of them take some 10 MB instead of 120. No text is NULL. */
struct cvom_account_line {
    int64_t id;
    const char *external_id, *name, *owner;
    int64_t parent_id;
    double revenue, potential;
    char currency[8];
    const char *industry, *region, *tags;
};

/* A line whose texts point into a (or b), which must outlive it. */
void cvom__account_line_of(const struct cvom_account *a, struct cvom_account_line *out);
void cvom__account_line_of_brief(const struct cvom_account_brief *b, struct cvom_account_line *out);

/* How we last spoke with a stakeholder. */
enum cvom_channel {
    CVOM_CHANNEL_NONE = 0, /* no contact recorded */
    CVOM_CHANNEL_MEETING,
    CVOM_CHANNEL_CALL,
    CVOM_CHANNEL_EMAIL,
    CVOM_CHANNEL_EVENT,
    CVOM_CHANNEL_OTHER,
    CVOM_CHANNEL_COUNT
};

#define CVOM_STAKEHOLDER_NOTES_MAX 1024

struct cvom_stakeholder {
    int64_t id;
    int64_t account_id;
    char external_id[CVOM_FIELD_MAX]; /* unique within the account when not empty */
    char name[CVOM_FIELD_MAX];
    char role[CVOM_FIELD_MAX]; /* economic buyer, sponsor, user, technical … */
    double influence;          /* 0..1 */
    enum cvom_stance stance;
    char email[CVOM_FIELD_MAX];
    int64_t reports_to;               /* another stakeholder of the account; 0: nobody */
    int32_t last_contact;             /* days since 1970-01-01; 0: never recorded */
    enum cvom_channel channel;        /* of the last contact */
    char counterpart[CVOM_FIELD_MAX]; /* who at our side looks after them: a user or text */
    char notes[CVOM_STAKEHOLDER_NOTES_MAX];
    char language[CVOM_LANG_MAX]; /* "en", "de", "pt-BR" …; "" : the campaign's */
};

enum cvom_assessment_status {
    CVOM_ASSESS_DRAFT = 0, /* saved part-way; resumable */
    CVOM_ASSESS_COMPLETE,
    CVOM_ASSESS_STATUS_COUNT
};

struct cvom_assessment {
    int64_t id;
    int64_t account_id;
    int64_t instrument_id;
    enum cvom_respondent_kind kind;
    int64_t stakeholder_id;          /* customer respondents: the stakeholder; else 0 */
    char respondent[CVOM_FIELD_MAX]; /* self-assessments: who at our side; else a label */
    int32_t date;                    /* days since 1970-01-01 */
    enum cvom_assessment_status status;
};

struct cvom_response {
    int64_t assessment_id;
    char item_code[CVOM_CODE_MAX];
    double value; /* the raw answer on the item's scale */
};

/* One assessment's answers added up as scoring adds them (service/portfolio.c): per value
 * axis the sums a respondent's answers give, and the item axes (enum cvom_axis, as bits) its
 * answers touch. Kept in the store so that a portfolio scan need not read every answer. */
struct cvom_totals {
    int64_t assessment_id;
    int64_t instrument_id; /* the instrument it was added up with */
    unsigned axes;
    struct cvom_acc dim[CVOM_DIM_COUNT];
};

/* A stored score snapshot. */
struct cvom_snapshot {
    int64_t account_id;
    int32_t date;
    struct cvom_score score;
};

/* Filters for listing accounts; empty strings and -1 mean "any". */
struct cvom_account_filter {
    char owner[CVOM_FIELD_MAX];
    char tag[CVOM_FIELD_MAX];
    char industry[CVOM_FIELD_MAX];
    char region[CVOM_FIELD_MAX];
};

/* ---- people who use cvom, and what the web application keeps about them ------------- */

enum cvom_role {
    CVOM_ROLE_VIEWER = 0, /* reads everything, changes nothing */
    CVOM_ROLE_MANAGER,    /* reads and edits the accounts they own */
    CVOM_ROLE_ADMIN,      /* everything, including users and settings */
    CVOM_ROLE_COUNT
};

#define CVOM_SECRET_MAX 160 /* an argon2id hash string (at most 128 bytes) or a hex digest */
#define CVOM_DIGEST_HEX 65  /* 32-byte digest as hex, with the NUL */

struct cvom_user {
    int64_t id;
    char name[CVOM_FIELD_MAX];    /* sign-in name, unique */
    char display[CVOM_FIELD_MAX]; /* the name accounts carry as owner; defaults to name */
    enum cvom_role role;
    char password[CVOM_SECRET_MAX]; /* argon2id hash string; empty: cannot sign in yet */
    int disabled;
    int64_t created; /* seconds since the epoch */
};

/* How failed sign-ins slow the next ones. Failures are counted per address and per address
 * and user name over `window` seconds; past its free failures, a key waits first_delay
 * seconds after its last failure, twice as long after each further one, at most max_delay.
 * Past `ceiling` failures a minute from all addresses together, every sign-in waits until
 * the oldest of that minute's failures is a minute old (0: no ceiling). No limit counts
 * failures per user name alone, so failures from one address never refuse another. */
struct cvom_signin_limits {
    int64_t window;
    int64_t pair_free;
    int64_t address_free;
    int64_t first_delay;
    int64_t max_delay;
    int64_t ceiling;
};

/* A signed-in browser. Only a digest of the cookie's secret is stored. */
struct cvom_session {
    char id[CVOM_DIGEST_HEX];
    int64_t user_id;
    char csrf[CVOM_DIGEST_HEX]; /* the token every form of this session carries */
    int64_t created, seen;      /* seconds since the epoch */
};

/* A token for scripts, sent as "Authorization: Bearer …"; only its digest is stored. */
struct cvom_token {
    int64_t id;
    int64_t user_id;
    char name[CVOM_FIELD_MAX];
    char hash[CVOM_DIGEST_HEX];
    int64_t created, used;
};

/* The first answer to an API request sent with an Idempotency-Key, kept for a while so that
 * a retry gets it again. key and request are digests (of the key, and of what was asked);
 * status 0 while the first request is still being answered. */
#define CVOM_IDEM_BODY_MAX (64 * 1024)
struct cvom_idem {
    int64_t user_id;
    char key[CVOM_DIGEST_HEX];
    char request[CVOM_DIGEST_HEX];
    int64_t created; /* seconds since the epoch */
    int status;
    char location[1024];
    char body[CVOM_IDEM_BODY_MAX + 1];
};

/* One line of the audit log: who did what to what, from where. Never a secret. */
struct cvom_audit {
    int64_t id;
    int64_t at;
    char actor[CVOM_FIELD_MAX];
    char action[64]; /* "sign-in", "sign-in-failed", "role-change", "import" … */
    char target[CVOM_FIELD_MAX];
    char detail[512];
    char address[64];
};

/* Which lines of the audit log to list: at from since up to (not including) until, by an
 * actor (its name as recorded, or "cli:" and the name), about a target (one of two texts:
 * a record's name and its id); an empty text or a zero bound does not filter. */
struct cvom_audit_filter {
    int64_t since, until; /* seconds since the epoch; until 0: no bound */
    const char *actor;
    const char *target, *target_alt;
    int64_t limit, offset; /* limit 0: all */
};

/* A survey link a customer stakeholder answers without an account: single use, expiring;
 * only a digest of the link's secret is stored. */
struct cvom_survey {
    char hash[CVOM_DIGEST_HEX];
    int64_t account_id, stakeholder_id, instrument_id;
    int64_t created, expires, used; /* used: 0 until answered */
    int64_t assessment_id;          /* the answers, once given */
    char created_by[CVOM_FIELD_MAX];
    char language[CVOM_LANG_MAX]; /* the language it was issued in; "" for none */
};

/* The brief of a full account record. */
void cvom__account_brief_of(const struct cvom_account *a, struct cvom_account_brief *out);

/* ---- survey campaigns ---------------------------------------------------------------- */

#define CVOM_LINK_SECRET_MAX 64 /* a campaign link's secret, with the NUL */

/* A survey campaign: one personal link per stakeholder of the accounts chosen, valid until
 * the campaign closes. Times are seconds since the epoch. */
struct cvom_campaign {
    int64_t id; /* assigned by the store */
    char name[CVOM_FIELD_MAX];
    char language[CVOM_LANG_MAX]; /* of the messages to stakeholders without their own */
    int64_t instrument_id;
    int64_t created, closes;
    int64_t closed; /* when it was closed early; 0 while open */
    char created_by[CVOM_FIELD_MAX];
};

/* What became of one message of a campaign. A send is recorded as SENDING, in its own
 * committed transaction, before it is attempted, and then given its outcome. */
enum cvom_send_state {
    CVOM_SEND_SENDING = 0, /* attempted, outcome unknown (the run was interrupted) */
    CVOM_SEND_SENT,
    CVOM_SEND_FAILED,  /* the server or the connection failed; error says how */
    CVOM_SEND_REFUSED, /* the server refused the address */
    CVOM_SEND_STATE_COUNT
};
const char *cvom__send_state_name(enum cvom_send_state s);
int cvom__send_state_parse(const char *s);

/* One stakeholder's link in a campaign, with what the store joins to it: the stakeholder,
 * the account, whether the link was answered, and the messages sent so far. The secret is
 * kept (unlike a single survey link's) so that the link can be sent and reminded of. */
struct cvom_campaign_link {
    int64_t campaign_id, stakeholder_id, account_id;
    char hash[CVOM_DIGEST_HEX];
    char secret[CVOM_LINK_SECRET_MAX];
    int64_t opened, started, completed; /* when first visited, sent, answered; 0: not yet */
    /* read only: */
    char name[CVOM_FIELD_MAX], email[CVOM_FIELD_MAX], language[CVOM_LANG_MAX];
    char account[CVOM_FIELD_MAX], owner[CVOM_FIELD_MAX];
    int64_t rounds;  /* messages recorded (round 0 the invitation, then reminders) */
    int64_t sent;    /* of which sent */
    int64_t refused; /* of which refused */
    int64_t last_at; /* when the last was recorded; 0: none */
    int last_state;  /* enum cvom_send_state of the last; -1: none */
    char error[256]; /* the last failure's words; "" when none */
};
/* A survey link's draft: the answers saved while the customer answers, as lines
 * "CODE=VALUE" (VALUE empty for "can't say"), and the comment typed so far. */
#define CVOM_DRAFT_MAX 16384
#define CVOM_COMMENT_CHARS 2000 /* characters of a comment sent with a survey */
#define CVOM_COMMENT_MAX (CVOM_COMMENT_CHARS * 4 + 1) /* its bytes in UTF-8 */

/* A text of an instrument in a language: the respondent text of an item ("item.CODE") or a
 * text of the survey page (its message id). */
struct cvom_text {
    char lang[CVOM_LANG_MAX];
    char key[CVOM_CODE_MAX + 32];
    char text[CVOM_TEXT_MAX];
};
typedef int (*cvom_text_cb)(void *ctx, const struct cvom_text *t);

/* The comment a respondent sent with an assessment. */
struct cvom_comment {
    int64_t assessment_id;
    char text[CVOM_COMMENT_MAX];
};
typedef int (*cvom_comment_cb)(void *ctx, const struct cvom_comment *c);

/* The brief of a full account record. */
void cvom__account_brief_of(const struct cvom_account *a, struct cvom_account_brief *out);

const char *cvom__role_name(enum cvom_role r);
int cvom__role_parse(const char *s);

/* ---- action plans ------------------------------------------------------------------- */

enum cvom_action_status { CVOM_ACTION_OPEN = 0, CVOM_ACTION_DONE, CVOM_ACTION_STATUS_COUNT };

#define CVOM_ACTION_TITLE_MAX 256

/* One entry of an account's action plan. */
struct cvom_action {
    int64_t id; /* assigned by the store */
    int64_t account_id;
    char title[CVOM_ACTION_TITLE_MAX]; /* what: required */
    char owner[CVOM_FIELD_MAX];        /* who; "" when nobody owns it yet */
    int32_t due;                       /* by when, days since 1970-01-01; 0: no date */
    int axis;                          /* enum cvom_dim it aims to move; -1: none */
    double effect;                     /* expected points on that axis; 0 without an axis */
    double cost;                       /* expected cost, >= 0; NaN when not given */
    char play[CVOM_PLAY_KEY_MAX];      /* the playbook key it comes from; "" when none */
    enum cvom_action_status status;
    int32_t created; /* days since 1970-01-01 */
    int32_t done;    /* the day it was marked done; 0 while open */
    int64_t version; /* moves on with every change; see action_set_status */
};

/* Filters for listing actions; 0 and -1 mean "any". */
struct cvom_action_filter {
    int64_t account_id; /* 0: every account */
    int status;         /* enum cvom_action_status, or -1 */
    int32_t due_before; /* > 0: only actions due strictly before this day */
    int unowned;        /* 1: only actions without an owner */
};

const char *cvom__action_status_name(enum cvom_action_status s);
int cvom__action_status_parse(const char *s);

/* ---- offerings and value hierarchies ------------------------------------------------- */

#define CVOM_OFFERING_CODE_MAX 64

/* One offering of our catalogue: a core product or an add-on service. */
struct cvom_offering {
    int64_t id;                        /* assigned by the store */
    char code[CVOM_OFFERING_CODE_MAX]; /* short and unique, e.g. "LOCAL-MKT"; required */
    char name[CVOM_FIELD_MAX];         /* required */
    char category[CVOM_FIELD_MAX];     /* "core product", "add-on service" or free text */
};

/* An account's rating of an offering and our cost to serve it, with the offering's code,
 * name and category filled in by listings. */
struct cvom_offering_rating {
    int64_t account_id;
    int64_t offering_id;
    struct cvom_offer_rating r; /* importance, performance (1..7), cost (>= 0) */
    char code[CVOM_OFFERING_CODE_MAX];
    char name[CVOM_FIELD_MAX];
    char category[CVOM_FIELD_MAX];
};

/* One place in a value hierarchy: account_id 0 is our own. */
struct cvom_value_rank {
    int64_t account_id;
    int rank; /* 1 = most important */
    char value[CVOM_VALUE_NAME_MAX];
};

/* ---- signals and the network ledger -------------------------------------------------- */

/* Where a signal's values come from: imported measures, or the network ledger (the mean
 * customer rating of the account's entries of the last CVOM_LEDGER_DAYS). */
enum cvom_signal_source { CVOM_SIGNAL_IMPORTED = 0, CVOM_SIGNAL_LEDGER };
#define CVOM_LEDGER_DAYS 365

struct cvom_signal {
    int64_t id;                 /* assigned by the store */
    struct cvom_signal_def def; /* name, label, axis, direction, normalisation, weight */
    enum cvom_signal_source source;
};

/* One measured value of a signal for an account on a date. */
struct cvom_signal_value {
    int64_t account_id;
    int64_t signal_id;
    int32_t date; /* days since 1970-01-01 */
    double value; /* finite */
};

/* What we give a customer through whom we know. */
enum cvom_network_kind {
    CVOM_NET_INTRODUCTION = 0,
    CVOM_NET_PEER_GROUP,
    CVOM_NET_EVENT,
    CVOM_NET_KIND_COUNT
};
const char *cvom__network_kind_name(enum cvom_network_kind k); /* "introduction", … */
int cvom__network_kind_parse(const char *s);

struct cvom_network_entry {
    int64_t id; /* assigned by the store */
    int64_t account_id;
    int32_t date;
    enum cvom_network_kind kind;
    char title[CVOM_FIELD_MAX]; /* required: who was introduced, which group or event */
    double rating;              /* the customer's rating 1..5; NaN when not rated yet */
    char notes[CVOM_FIELD_MAX];
};

struct cvom_store;

/* Callbacks for listings: return 0 to continue, non-zero to stop (returned as CVOM_OK). */
typedef int (*cvom_account_cb)(void *ctx, const struct cvom_account *a);
typedef int (*cvom_stakeholder_cb)(void *ctx, const struct cvom_stakeholder *s);
typedef int (*cvom_assessment_cb)(void *ctx, const struct cvom_assessment *a);
typedef int (*cvom_response_cb)(void *ctx, const struct cvom_response *r);
typedef int (*cvom_assessment_scan_cb)(void *ctx, const struct cvom_assessment *a,
                                       int64_t stakeholder_account, double influence,
                                       const struct cvom_totals *totals);
typedef int (*cvom_totals_cb)(void *ctx, const struct cvom_totals *t);
typedef int (*cvom_snapshot_cb)(void *ctx, const struct cvom_snapshot *s);
typedef int (*cvom_instrument_cb)(void *ctx, int64_t id, const char *name, int version,
                                  size_t n_items);
typedef int (*cvom_user_cb)(void *ctx, const struct cvom_user *u);
typedef int (*cvom_token_cb)(void *ctx, const struct cvom_token *t);
typedef int (*cvom_audit_cb)(void *ctx, const struct cvom_audit *a);
typedef int (*cvom_survey_cb)(void *ctx, const struct cvom_survey *s);
typedef int (*cvom_campaign_cb)(void *ctx, const struct cvom_campaign *c);
typedef int (*cvom_campaign_link_cb)(void *ctx, const struct cvom_campaign_link *l);
typedef int (*cvom_action_cb)(void *ctx, const struct cvom_action *a);
typedef int (*cvom_play_cb)(void *ctx, const struct cvom_play *p);
typedef int (*cvom_offering_cb)(void *ctx, const struct cvom_offering *o);
typedef int (*cvom_rating_cb)(void *ctx, const struct cvom_offering_rating *r);
typedef int (*cvom_value_cb)(void *ctx, int64_t id, const char *name);
typedef int (*cvom_value_rank_cb)(void *ctx, const struct cvom_value_rank *v);
typedef int (*cvom_signal_cb)(void *ctx, const struct cvom_signal *s);
typedef int (*cvom_signal_value_cb)(void *ctx, const struct cvom_signal_value *v);
typedef int (*cvom_network_cb)(void *ctx, const struct cvom_network_entry *e);
/* One table's name and row count. */
typedef int (*cvom_table_count_cb)(void *ctx, const char *table, int64_t count);
/* One account's mean rating over some entries, and how many were rated. */
typedef int (*cvom_network_mean_cb)(void *ctx, int64_t account_id, double mean, int count);

/* The operations table. Every function returns a status and fills err on failure. Out
 * parameters are written only on success. */
struct cvom_store_ops {
    void (*close)(struct cvom_store *st);

    enum cvom_status (*begin)(struct cvom_store *st, struct cvom_error *err);
    /* A transaction for reading only: every read inside sees the database in one state,
     * however many statements they take, and holds up no writer. *opened is 1 when one was
     * opened (end it with rollback), 0 when the caller's transaction was open already and
     * serves. */
    enum cvom_status (*begin_read)(struct cvom_store *st, int *opened, struct cvom_error *err);
    enum cvom_status (*commit)(struct cvom_store *st, struct cvom_error *err);
    void (*rollback)(struct cvom_store *st);
    /* Inside a transaction, for imports: with on 1, new accounts, assessments and answers
     * may be held back and written many at a time (COPY on PostgreSQL; SQLite writes each
     * at once). Ids are given as the rows are added, reads see every row added, and a row
     * the database refuses fails with the place hold_at gave it in err->line and
     * err->column (0 when none was given). on 0 writes the rows held and stops holding;
     * -1 drops them (before a rollback). */
    enum cvom_status (*hold_rows)(struct cvom_store *st, int on, struct cvom_error *err);
    void (*hold_at)(struct cvom_store *st, long line, long column);

    /* Schema version after migrations; migrations run inside open. */
    enum cvom_status (*schema_version)(struct cvom_store *st, int *version, struct cvom_error *err);
    /* Copy the whole database into dest, a new file, outside a transaction. A back end that
     * a tool of its own backs up better (PostgreSQL: pg_dump) refuses with CVOM_EINVAL and a
     * message that names the tool. */
    enum cvom_status (*backup)(struct cvom_store *st, const char *dest, struct cvom_error *err);

    /* Settings: small key/value pairs (thresholds, validity). get: CVOM_ENOTFOUND if unset.
     * swap sets key to value only while its stored value is still seen (NULL: while it is
     * unset), and CVOM_ECONFLICT otherwise: the check and the change are one step. */
    enum cvom_status (*setting_get)(struct cvom_store *st, const char *key, char *buf, size_t cap,
                                    struct cvom_error *err);
    enum cvom_status (*setting_set)(struct cvom_store *st, const char *key, const char *value,
                                    struct cvom_error *err);
    enum cvom_status (*setting_swap)(struct cvom_store *st, const char *key, const char *seen,
                                     const char *value, struct cvom_error *err);

    /* Accounts. add fills a->id and a->version. find resolves a reference: a numeric id,
     * then an external id, then an exact name. update changes the account only while its
     * stored version is a->version (when a->version is not 0): CVOM_ECONFLICT when someone
     * changed it since, so that of two people editing the same account the second is told
     * rather than silently overwriting the first. */
    enum cvom_status (*account_add)(struct cvom_store *st, struct cvom_account *a,
                                    struct cvom_error *err);
    enum cvom_status (*account_update)(struct cvom_store *st, struct cvom_account *a,
                                       struct cvom_error *err);
    enum cvom_status (*account_remove)(struct cvom_store *st, int64_t id, struct cvom_error *err);
    enum cvom_status (*account_get)(struct cvom_store *st, int64_t id, struct cvom_account *out,
                                    struct cvom_error *err);
    enum cvom_status (*account_find)(struct cvom_store *st, const char *ref,
                                     struct cvom_account *out, struct cvom_error *err);
    enum cvom_status (*account_list)(struct cvom_store *st, const struct cvom_account_filter *f,
                                     cvom_account_cb cb, void *ctx, struct cvom_error *err);
    enum cvom_status (*account_count)(struct cvom_store *st, int64_t *n, struct cvom_error *err);

    /* Stakeholders. find: by numeric id, external id or exact name within the account.
     * add and update refuse (CVOM_EINVAL, field "reports_to") a reports_to that is not
     * another stakeholder of the same account, or that would make the stakeholder report to
     * themselves through others. */
    enum cvom_status (*stakeholder_add)(struct cvom_store *st, struct cvom_stakeholder *s,
                                        struct cvom_error *err);
    enum cvom_status (*stakeholder_update)(struct cvom_store *st, const struct cvom_stakeholder *s,
                                           struct cvom_error *err);
    enum cvom_status (*stakeholder_remove)(struct cvom_store *st, int64_t id,
                                           struct cvom_error *err);
    /* get: by id alone, whichever account it belongs to; CVOM_ENOTFOUND. */
    enum cvom_status (*stakeholder_get)(struct cvom_store *st, int64_t id,
                                        struct cvom_stakeholder *out, struct cvom_error *err);
    enum cvom_status (*stakeholder_find)(struct cvom_store *st, int64_t account_id, const char *ref,
                                         struct cvom_stakeholder *out, struct cvom_error *err);
    /* account_id 0: the stakeholders of every account, by account. */
    enum cvom_status (*stakeholder_list)(struct cvom_store *st, int64_t account_id,
                                         cvom_stakeholder_cb cb, void *ctx, struct cvom_error *err);

    /* Instruments: put stores a new (name, version); CVOM_EEXIST if it exists. get loads
     * items into an initialised instrument. latest: the highest version of name. */
    enum cvom_status (*instrument_put)(struct cvom_store *st, const struct cvom_instrument *ins,
                                       int64_t *id, struct cvom_error *err);
    enum cvom_status (*instrument_get)(struct cvom_store *st, int64_t id,
                                       struct cvom_instrument *out, struct cvom_error *err);
    enum cvom_status (*instrument_latest)(struct cvom_store *st, const char *name, int64_t *id,
                                          struct cvom_error *err);
    enum cvom_status (*instrument_find)(struct cvom_store *st, const char *name, int version,
                                        int64_t *id, struct cvom_error *err);
    enum cvom_status (*instrument_list)(struct cvom_store *st, cvom_instrument_cb cb, void *ctx,
                                        struct cvom_error *err);

    /* Assessments and their responses. response_put replaces an answer to the same item. */
    enum cvom_status (*assessment_add)(struct cvom_store *st, struct cvom_assessment *a,
                                       struct cvom_error *err);
    enum cvom_status (*assessment_update)(struct cvom_store *st, const struct cvom_assessment *a,
                                          struct cvom_error *err);
    enum cvom_status (*assessment_list)(struct cvom_store *st, int64_t account_id,
                                        cvom_assessment_cb cb, void *ctx, struct cvom_error *err);
    enum cvom_status (*response_put)(struct cvom_store *st, const struct cvom_response *r,
                                     struct cvom_error *err);
    enum cvom_status (*response_list)(struct cvom_store *st, int64_t assessment_id,
                                      cvom_response_cb cb, void *ctx, struct cvom_error *err);
    /* Clear one answer (no error when there is none), or remove a whole assessment with its
     * answers (CVOM_ENOTFOUND when there is no such assessment). */
    enum cvom_status (*response_remove)(struct cvom_store *st, int64_t assessment_id,
                                        const char *item_code, struct cvom_error *err);
    enum cvom_status (*assessment_remove)(struct cvom_store *st, int64_t id,
                                          struct cvom_error *err);
    /* For scoring a whole portfolio in one pass: every complete assessment dated on or
     * before as_of, by account, date, id, with the account and influence of its stakeholder
     * (0 and NaN when it has none) and the totals kept for it (NULL when none are kept for
     * its instrument); and every answer, by assessment id, then item code. One query each
     * however large the portfolio; the rows stream through cb. */
    enum cvom_status (*assessment_scan)(struct cvom_store *st, int32_t as_of,
                                        cvom_assessment_scan_cb cb, void *ctx,
                                        struct cvom_error *err);
    enum cvom_status (*response_scan)(struct cvom_store *st, cvom_response_cb cb, void *ctx,
                                      struct cvom_error *err);
    /* The totals kept, by assessment id (whatever their instrument). totals_put keeps t, in
     * place of any older; it is no change of the portfolio's data. totals_lock, inside a
     * write transaction, holds every writer of answers off until its end, so that totals
     * added up in it stay true (an error when it cannot within two seconds). */
    enum cvom_status (*totals_scan)(struct cvom_store *st, cvom_totals_cb cb, void *ctx,
                                    struct cvom_error *err);
    enum cvom_status (*totals_put)(struct cvom_store *st, const struct cvom_totals *t,
                                   struct cvom_error *err);
    enum cvom_status (*totals_lock)(struct cvom_store *st, struct cvom_error *err);

    /* Snapshots: put replaces the one for (account, date). list_latest gives, per account,
     * the newest snapshot on or before as_of. history: one account's, oldest first. */
    enum cvom_status (*snapshot_put)(struct cvom_store *st, const struct cvom_snapshot *s,
                                     struct cvom_error *err);
    enum cvom_status (*snapshot_list_latest)(struct cvom_store *st, int32_t as_of,
                                             cvom_snapshot_cb cb, void *ctx,
                                             struct cvom_error *err);
    enum cvom_status (*snapshot_history)(struct cvom_store *st, int64_t account_id,
                                         cvom_snapshot_cb cb, void *ctx, struct cvom_error *err);

    /* Row counts of the main tables, for tests and `cvom init` output: cb(ctx, table, count)
     * for each, in a fixed order. */
    enum cvom_status (*table_counts)(struct cvom_store *st, cvom_table_count_cb cb, void *ctx,
                                     struct cvom_error *err);

    /* How long an operation waits for a lock another connection holds before CVOM_EBUSY, in
     * milliseconds (default 5000; 0: fail at once). CVOM_EINVAL when ms < 0. */
    enum cvom_status (*set_timeout)(struct cvom_store *st, int ms, struct cvom_error *err);

    /* Users. find: by sign-in name. count: all users (0 on a fresh database). */
    enum cvom_status (*user_add)(struct cvom_store *st, struct cvom_user *u,
                                 struct cvom_error *err);
    enum cvom_status (*user_update)(struct cvom_store *st, const struct cvom_user *u,
                                    struct cvom_error *err);
    enum cvom_status (*user_get)(struct cvom_store *st, int64_t id, struct cvom_user *out,
                                 struct cvom_error *err);
    enum cvom_status (*user_find)(struct cvom_store *st, const char *name, struct cvom_user *out,
                                  struct cvom_error *err);
    enum cvom_status (*user_list)(struct cvom_store *st, cvom_user_cb cb, void *ctx,
                                  struct cvom_error *err);
    enum cvom_status (*user_count)(struct cvom_store *st, int64_t *n, struct cvom_error *err);

    /* Sessions, by the digest of their cookie. purge removes those created before
     * created_before or last seen before seen_before. */
    enum cvom_status (*session_put)(struct cvom_store *st, const struct cvom_session *s,
                                    struct cvom_error *err);
    /* A web request's whole identity in one look-up: the session, its user and the data
     * revision of the moment. The user comes without its password hash (an empty
     * password): a request never needs it, so it is not read, nor sent by the database, for
     * every request. CVOM_ENOTFOUND when there is no such session or no user for it (the
     * records are then untouched). token_identify is the same for an API token. */
    enum cvom_status (*session_identify)(struct cvom_store *st, const char *id,
                                         struct cvom_session *out, struct cvom_user *user,
                                         int64_t *revision, struct cvom_error *err);
    enum cvom_status (*session_touch)(struct cvom_store *st, const char *id, int64_t seen,
                                      struct cvom_error *err);
    enum cvom_status (*session_remove)(struct cvom_store *st, const char *id,
                                       struct cvom_error *err);
    enum cvom_status (*session_remove_user)(struct cvom_store *st, int64_t user_id,
                                            struct cvom_error *err);
    enum cvom_status (*session_purge)(struct cvom_store *st, int64_t created_before,
                                      int64_t seen_before, struct cvom_error *err);

    /* API tokens, by the digest of the token. */
    enum cvom_status (*token_add)(struct cvom_store *st, struct cvom_token *t,
                                  struct cvom_error *err);
    enum cvom_status (*token_identify)(struct cvom_store *st, const char *hash,
                                       struct cvom_token *out, struct cvom_user *user,
                                       int64_t *revision, struct cvom_error *err);
    enum cvom_status (*token_touch)(struct cvom_store *st, int64_t id, int64_t used,
                                    struct cvom_error *err);
    enum cvom_status (*token_list)(struct cvom_store *st, cvom_token_cb cb, void *ctx,
                                   struct cvom_error *err);
    enum cvom_status (*token_remove)(struct cvom_store *st, int64_t id, struct cvom_error *err);

    /* Idempotency keys, by user and the digest of the key. claim records x (status 0) and
     * sets *claimed, or leaves *claimed 0 when the user already has that key; finish stores
     * the answer (status, location, body); drop forgets the key; purge forgets those created
     * before a time. */
    enum cvom_status (*idem_claim)(struct cvom_store *st, const struct cvom_idem *x, int *claimed,
                                   struct cvom_error *err);
    enum cvom_status (*idem_get)(struct cvom_store *st, int64_t user_id, const char *key,
                                 struct cvom_idem *out, struct cvom_error *err);
    enum cvom_status (*idem_finish)(struct cvom_store *st, const struct cvom_idem *x,
                                    struct cvom_error *err);
    enum cvom_status (*idem_drop)(struct cvom_store *st, int64_t user_id, const char *key,
                                  struct cvom_error *err);
    enum cvom_status (*idem_purge)(struct cvom_store *st, int64_t created_before,
                                   struct cvom_error *err);

    /* The audit log: add fills a->id; list gives the newest first. */
    enum cvom_status (*audit_add)(struct cvom_store *st, struct cvom_audit *a,
                                  struct cvom_error *err);
    enum cvom_status (*audit_list)(struct cvom_store *st, int64_t limit, int64_t offset,
                                   cvom_audit_cb cb, void *ctx, struct cvom_error *err);
    /* The same through a filter (NULL: all), the newest first. */
    enum cvom_status (*audit_find)(struct cvom_store *st, const struct cvom_audit_filter *f,
                                   cvom_audit_cb cb, void *ctx, struct cvom_error *err);

    /* Failed sign-ins, for rate limiting across servers: keyed "user:NAME" or "addr:IP". */
    enum cvom_status (*failure_add)(struct cvom_store *st, const char *key, int64_t at,
                                    struct cvom_error *err);
    enum cvom_status (*failure_count)(struct cvom_store *st, const char *key, int64_t since,
                                      int64_t *n, struct cvom_error *err);
    enum cvom_status (*failure_clear)(struct cvom_store *st, const char *key,
                                      struct cvom_error *err);
    /* Sign-in throttling on those failures, shared by every server on the database.
     * signin_wait sets *wait to the seconds a sign-in from `address` as `name` must still
     * wait at `now` (0: it may go ahead) under lim; it reads only, so it costs no hash.
     * signin_failed records one failure at `now` for the address, the pair and the
     * ceiling; signin_passed forgets the pair's failures (not the address's: one account
     * of its own must not let an address try others afresh). */
    enum cvom_status (*signin_wait)(struct cvom_store *st, const struct cvom_signin_limits *lim,
                                    const char *address, const char *name, int64_t now,
                                    int64_t *wait, struct cvom_error *err);
    enum cvom_status (*signin_failed)(struct cvom_store *st, const char *address, const char *name,
                                      int64_t now, struct cvom_error *err);
    enum cvom_status (*signin_passed)(struct cvom_store *st, const char *address, const char *name,
                                      struct cvom_error *err);

    /* Survey links. use marks a link used (with the assessment that holds the answers) only
     * if it is unused and not expired at `now`: CVOM_ENOTFOUND otherwise, so that two
     * answers racing for one link cannot both succeed. */
    enum cvom_status (*survey_add)(struct cvom_store *st, const struct cvom_survey *s,
                                   struct cvom_error *err);
    enum cvom_status (*survey_get)(struct cvom_store *st, const char *hash, struct cvom_survey *out,
                                   struct cvom_error *err);
    enum cvom_status (*survey_use)(struct cvom_store *st, const char *hash, int64_t now,
                                   int64_t assessment_id, struct cvom_error *err);
    enum cvom_status (*survey_list)(struct cvom_store *st, int64_t account_id, cvom_survey_cb cb,
                                    void *ctx, struct cvom_error *err);
    /* The draft of a link: draft_put replaces it only while the link is unused and not
     * expired at `now` (CVOM_ENOTFOUND otherwise); draft_get gives it (empty texts when none
     * was saved). Drafts count nowhere: they are answers only once sent. */
    enum cvom_status (*survey_draft_put)(struct cvom_store *st, const char *hash, int64_t now,
                                         const char *draft, const char *comment,
                                         struct cvom_error *err);
    enum cvom_status (*survey_draft_get)(struct cvom_store *st, const char *hash, char *draft,
                                         size_t draft_cap, char *comment, size_t comment_cap,
                                         struct cvom_error *err);

    /* An instrument's texts in other languages. text_put adds or replaces one; text_list
     * calls cb for each of the instrument's texts in lang ("" for every language), by
     * language and key. */
    enum cvom_status (*text_put)(struct cvom_store *st, int64_t instrument_id,
                                 const struct cvom_text *t, struct cvom_error *err);
    enum cvom_status (*text_list)(struct cvom_store *st, int64_t instrument_id, const char *lang,
                                  cvom_text_cb cb, void *ctx, struct cvom_error *err);

    /* The comments sent with assessments: comment_put adds one (at most one per
     * assessment); comment_list gives an account's, newest assessment first. */
    enum cvom_status (*comment_put)(struct cvom_store *st, int64_t assessment_id,
                                    const char *comment, struct cvom_error *err);
    enum cvom_status (*comment_list)(struct cvom_store *st, int64_t account_id, cvom_comment_cb cb,
                                     void *ctx, struct cvom_error *err);

    /* Survey campaigns. campaign_add fills c->id (CVOM_EEXIST for a name taken);
     * campaign_find takes an id or a name; campaign_close marks it closed at now and ends its
     * links. campaign_link_add records a stakeholder's link (its survey link added first);
     * campaign_link_list gives a campaign's links by account and stakeholder name;
     * campaign_link_seen records that the link with digest hash was opened at now (and, with
     * started 1, that answers were sent), keeping the first times; no row, no error.
     * campaign_send_claim records round `round` of a stakeholder's messages as sending at
     * `at`, or leaves *claimed 0 when that round is recorded already; campaign_send_end
     * gives it its outcome. */
    enum cvom_status (*campaign_add)(struct cvom_store *st, struct cvom_campaign *c,
                                     struct cvom_error *err);
    enum cvom_status (*campaign_find)(struct cvom_store *st, const char *ref,
                                      struct cvom_campaign *out, struct cvom_error *err);
    enum cvom_status (*campaign_list)(struct cvom_store *st, cvom_campaign_cb cb, void *ctx,
                                      struct cvom_error *err);
    enum cvom_status (*campaign_close)(struct cvom_store *st, int64_t id, int64_t now,
                                       struct cvom_error *err);
    enum cvom_status (*campaign_link_add)(struct cvom_store *st, const struct cvom_campaign_link *l,
                                          struct cvom_error *err);
    enum cvom_status (*campaign_link_list)(struct cvom_store *st, int64_t campaign_id,
                                           cvom_campaign_link_cb cb, void *ctx,
                                           struct cvom_error *err);
    enum cvom_status (*campaign_link_seen)(struct cvom_store *st, const char *hash, int started,
                                           int64_t now, struct cvom_error *err);
    enum cvom_status (*campaign_send_claim)(struct cvom_store *st, int64_t campaign_id,
                                            int64_t stakeholder_id, int64_t round, int64_t at,
                                            int *claimed, struct cvom_error *err);
    enum cvom_status (*campaign_send_end)(struct cvom_store *st, int64_t campaign_id,
                                          int64_t stakeholder_id, int64_t round,
                                          enum cvom_send_state state, const char *error,
                                          struct cvom_error *err);

    /* A number that changes whenever accounts, stakeholders, instruments, assessments,
     * answers, snapshots or settings change (from any connection): a key for caches. */
    enum cvom_status (*revision)(struct cvom_store *st, int64_t *n, struct cvom_error *err);

    /* Action plans. add fills a->id (status and created as given). get: CVOM_ENOTFOUND when
     * there is no such action. list: in the filter, by account, then due date (undated
     * last), then id. set_status marks an action open (done day 0) or done on day `day`;
     * CVOM_ENOTFOUND when there is no such action, CVOM_ECONFLICT when version is not 0 and
     * the action changed since that version. */
    enum cvom_status (*action_add)(struct cvom_store *st, struct cvom_action *a,
                                   struct cvom_error *err);
    enum cvom_status (*action_get)(struct cvom_store *st, int64_t id, struct cvom_action *out,
                                   struct cvom_error *err);
    enum cvom_status (*action_list)(struct cvom_store *st, const struct cvom_action_filter *f,
                                    cvom_action_cb cb, void *ctx, struct cvom_error *err);
    enum cvom_status (*action_set_status)(struct cvom_store *st, int64_t id, int64_t version,
                                          enum cvom_action_status status, int32_t day,
                                          struct cvom_error *err);

    /* The team's own playbook, which replaces the built-in one while it has any play.
     * clear removes every play; put adds one (CVOM_EEXIST for a key already stored); list
     * gives them in the order they were put. */
    enum cvom_status (*playbook_clear)(struct cvom_store *st, struct cvom_error *err);
    enum cvom_status (*playbook_put)(struct cvom_store *st, const struct cvom_play *p,
                                     struct cvom_error *err);
    enum cvom_status (*playbook_list)(struct cvom_store *st, cvom_play_cb cb, void *ctx,
                                      struct cvom_error *err);

    /* The catalogue of offerings. add fills o->id (CVOM_EEXIST for a code already there);
     * update changes the name and category of the offering with o->code (CVOM_ENOTFOUND
     * when there is none) and fills o->id; find: by code, then by numeric id; list: by
     * code; remove also removes every rating of the offering. */
    enum cvom_status (*offering_add)(struct cvom_store *st, struct cvom_offering *o,
                                     struct cvom_error *err);
    enum cvom_status (*offering_update)(struct cvom_store *st, struct cvom_offering *o,
                                        struct cvom_error *err);
    enum cvom_status (*offering_find)(struct cvom_store *st, const char *ref,
                                      struct cvom_offering *out, struct cvom_error *err);
    enum cvom_status (*offering_list)(struct cvom_store *st, cvom_offering_cb cb, void *ctx,
                                      struct cvom_error *err);
    enum cvom_status (*offering_remove)(struct cvom_store *st, int64_t id, struct cvom_error *err);

    /* Ratings per account and offering: put adds or replaces the one for (account,
     * offering); list gives one account's (0: every account's) by account, then offering
     * code. Removing an account removes its ratings. */
    enum cvom_status (*rating_put)(struct cvom_store *st, const struct cvom_offering_rating *r,
                                   struct cvom_error *err);
    enum cvom_status (*rating_list)(struct cvom_store *st, int64_t account_id, cvom_rating_cb cb,
                                    void *ctx, struct cvom_error *err);

    /* The values hierarchies are made of (a new database holds eight). add: CVOM_EEXIST
     * when the name is there; remove: CVOM_ENOTFOUND when not, and removes the value from
     * every ranking; list: by name. */
    enum cvom_status (*value_add)(struct cvom_store *st, const char *name, struct cvom_error *err);
    enum cvom_status (*value_remove)(struct cvom_store *st, const char *name,
                                     struct cvom_error *err);
    enum cvom_status (*value_list)(struct cvom_store *st, cvom_value_cb cb, void *ctx,
                                   struct cvom_error *err);

    /* Value hierarchies: ours (account_id 0) and each account's. clear empties one;
     * put places a value at a rank (CVOM_ENOTFOUND for an unknown value, CVOM_EINVAL
     * with field account_id for an unknown account, CVOM_EEXIST when the rank or the
     * value is already in that hierarchy); list gives
     * one hierarchy (account_id >= 0) or every account's (-1, ours left out) by account,
     * then rank. */
    enum cvom_status (*ranking_clear)(struct cvom_store *st, int64_t account_id,
                                      struct cvom_error *err);
    enum cvom_status (*ranking_put)(struct cvom_store *st, int64_t account_id, const char *value,
                                    int rank, struct cvom_error *err);
    enum cvom_status (*ranking_list)(struct cvom_store *st, int64_t account_id,
                                     cvom_value_rank_cb cb, void *ctx, struct cvom_error *err);

    /* Signal definitions (a new database holds the network ledger's). put adds one, or
     * replaces the definition with the same name (s->id is filled either way); find by
     * name or id; list by name; remove also removes its values. */
    enum cvom_status (*signal_put)(struct cvom_store *st, struct cvom_signal *s,
                                   struct cvom_error *err);
    enum cvom_status (*signal_find)(struct cvom_store *st, const char *ref, struct cvom_signal *out,
                                    struct cvom_error *err);
    enum cvom_status (*signal_list)(struct cvom_store *st, cvom_signal_cb cb, void *ctx,
                                    struct cvom_error *err);
    enum cvom_status (*signal_remove)(struct cvom_store *st, int64_t id, struct cvom_error *err);
    /* Values: put adds or replaces the one for (account, signal, date); latest gives, for
     * one signal, each account's newest value on or before as_of (by account id; only
     * account_id's when it is not 0);
     * history gives one account's values (0: every account's) by signal name, then date. */
    enum cvom_status (*signal_value_put)(struct cvom_store *st, const struct cvom_signal_value *v,
                                         struct cvom_error *err);
    enum cvom_status (*signal_latest)(struct cvom_store *st, int64_t signal_id, int32_t as_of,
                                      int64_t account_id, cvom_signal_value_cb cb, void *ctx,
                                      struct cvom_error *err);
    enum cvom_status (*signal_history)(struct cvom_store *st, int64_t account_id,
                                       cvom_signal_value_cb cb, void *ctx, struct cvom_error *err);

    /* The network ledger: add fills e->id; list gives one account's entries (0: every
     * account's) newest first; remove by id (CVOM_ENOTFOUND when absent); means gives each
     * account's mean rating over its rated entries dated from..to (inclusive), by account
     * id. */
    enum cvom_status (*network_add)(struct cvom_store *st, struct cvom_network_entry *e,
                                    struct cvom_error *err);
    enum cvom_status (*network_list)(struct cvom_store *st, int64_t account_id, cvom_network_cb cb,
                                     void *ctx, struct cvom_error *err);
    enum cvom_status (*network_remove)(struct cvom_store *st, int64_t id, struct cvom_error *err);
    enum cvom_status (*network_means)(struct cvom_store *st, int32_t from, int32_t to,
                                      cvom_network_mean_cb cb, void *ctx, struct cvom_error *err);
};

/* A store handle: every back end's struct starts with this. */
struct cvom_store {
    const struct cvom_store_ops *ops;
};

/* Open a store by location, migrating its schema to the newest version:
 * - a PostgreSQL server: a URL ("postgresql://user@host:5432/db", "postgres://…"; an empty
 *   "postgresql://" takes everything from the PG* environment variables) or a libpq
 *   connection string of keyword=value pairs ("service=team", "host=/run/pg dbname=cvom");
 * - anything else: the path of an SQLite file, created when it does not exist. */
enum cvom_status cvom__store_open(const char *location, struct cvom_store **out,
                                  struct cvom_error *err);
/* 1 when the last failure was one that running the whole transaction again may cure: the
 * database gave the transaction up for a deadlock or a serialization failure with another
 * (CVOM_EBUSY). Clears the mark. */
int cvom__store_retry(struct cvom_store *st);
/* "sqlite" or "postgresql". */
const char *cvom__store_backend(const struct cvom_store *st);
/* 1 when location names a database server rather than a file. */
int cvom__store_location_is_server(const char *location);
void cvom__store_close(struct cvom_store *st);

const char *cvom__stance_name(enum cvom_stance s);
int cvom__stance_parse(const char *s);
/* "" (none), "meeting", "call", "email", "event", "other"; parse gives -1 for others. */
const char *cvom__channel_name(enum cvom_channel c);
int cvom__channel_parse(const char *s);
/* 1 when s is a language code: two or three lower-case letters, then optionally "-" and a
 * region or script ("en", "de", "pt-BR"); the empty text only when empty_ok. */
int cvom__language_ok(const char *s, int empty_ok);

/* ---- moving whole databases ----------------------------------------------------------- */

enum cvom_copy_flag {
    CVOM_COPY_REPLACE = 1 << 0,     /* remove the target's rows first instead of refusing */
    CVOM_COPY_VERIFY_ONLY = 1 << 1, /* write nothing: compare the two databases */
};

/* One table as the copy found it on both sides: rows, and a SHA-256 over a canonical text of
 * its rows in key order (the same text for the same values on every back end). */
struct cvom_copy_check {
    const char *table; /* static */
    int64_t rows, target_rows;
    char sha256[CVOM_DIGEST_HEX], target_sha256[CVOM_DIGEST_HEX];
    int same; /* 1 when the rows and the checksums agree */
};
/* Rows copied so far of one table, and of every table. */
typedef void (*cvom_copy_progress_cb)(void *ctx, const char *table, int64_t rows, int64_t total);
/* One table's check; return non-zero to hear of no more tables. */
typedef int (*cvom_copy_report_cb)(void *ctx, const struct cvom_copy_check *c);

/* Copy every table of the database from into the database to, ids included, in one
 * transaction on to, then read both again and compare each table's rows and checksum; the
 * transaction commits only when every table agrees. The schema's version stays each
 * database's own (both must be at the same one), and so does the data revision, which moves
 * on at the commit as after any change, so that no server keeps a page of the old data.
 * from is read in one consistent state throughout, while others go on using it.
 *
 * flags: CVOM_COPY_REPLACE empties a target that holds data; without it such a target (one
 * holding anything a new database does not) is refused with CVOM_EEXIST, naming the table.
 * CVOM_COPY_VERIFY_ONLY copies nothing and only compares.
 * progress (may be NULL) hears of the rows copied every few thousand and at each table's end;
 * report (may be NULL) gets every table's check, in copy order, once the checks are done.
 * Outcomes: CVOM_OK (copied and verified; or, verifying only, every table agrees);
 * CVOM_ESTORE when a table differs (nothing was written to the target) or the database
 * failed; CVOM_EINVAL when from and to are one handle, their schema versions differ, or a
 * schema holds a table or column the copy does not know; CVOM_EEXIST as above. */
enum cvom_status cvom__store_copy(struct cvom_store *from, struct cvom_store *to, unsigned flags,
                                  cvom_copy_progress_cb progress, cvom_copy_report_cb report,
                                  void *ctx, struct cvom_error *err);

/* Put the backup file (made by the backup operation) in place of the database at location,
 * an SQLite file: the backup is checked to be a sound cvom database first (opened read-only,
 * never changed), copied into a temporary file beside the target and brought up to this
 * version's schema, and only then moved into place, so that a failure leaves the target as
 * it was. An existing target is refused with CVOM_EEXIST unless replace is 1, and a target
 * that another connection has open with CVOM_EBUSY. CVOM_ENOTFOUND when there is no backup
 * file; CVOM_EINVAL when it is not a cvom database, or for a server location (PostgreSQL
 * restores with pg_restore). */
enum cvom_status cvom__store_restore(const char *backup, const char *location, int replace,
                                     struct cvom_error *err);

#endif
