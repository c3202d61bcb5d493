/* store.h — the one storage interface. Every back end (SQLite now, PostgreSQL later)
 * fills the same operations table; callers never see SQL.
 *
 * Strings in records are fixed-size buffers, so records are plain values the caller owns.
 * Every write operation must run inside cvom_store_begin/commit (one write transaction).
 */
#ifndef CVOM_STORE_H
#define CVOM_STORE_H

#include "cvom.h"

#include <stdint.h>

#define CVOM_FIELD_MAX 128
#define CVOM_NOTES_MAX 4096
#define CVOM_TAGS_MAX 512

struct cvom_account {
    int64_t id;                        /* assigned by the store */
    char external_id[CVOM_FIELD_MAX];  /* the CRM's id; unique when not empty */
    char name[CVOM_FIELD_MAX];         /* required */
    char owner[CVOM_FIELD_MAX];        /* the account manager */
    int64_t parent_id;                 /* 0: none */
    double revenue;                    /* annual revenue with us; >= 0 */
    double potential;                  /* >= 0 */
    char currency[8];                  /* ISO 4217, e.g. "EUR" */
    char industry[CVOM_FIELD_MAX];
    char region[CVOM_FIELD_MAX];
    char tags[CVOM_TAGS_MAX];          /* comma-separated, trimmed */
    char notes[CVOM_NOTES_MAX];
};

enum cvom_stance {
    CVOM_STANCE_UNKNOWN = 0,
    CVOM_STANCE_CHAMPION,
    CVOM_STANCE_SUPPORTER,
    CVOM_STANCE_NEUTRAL,
    CVOM_STANCE_SCEPTIC,
    CVOM_STANCE_OPPONENT,
    CVOM_STANCE_COUNT
};

struct cvom_stakeholder {
    int64_t id;
    int64_t account_id;
    char external_id[CVOM_FIELD_MAX]; /* unique within the account when not empty */
    char name[CVOM_FIELD_MAX];
    char role[CVOM_FIELD_MAX];        /* economic buyer, sponsor, user, technical … */
    double influence;                 /* 0..1 */
    enum cvom_stance stance;
    char email[CVOM_FIELD_MAX];
};

enum cvom_assessment_status {
    CVOM_ASSESS_DRAFT = 0,   /* saved part-way; resumable */
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

struct cvom_store;

/* Callbacks for listings: return 0 to continue, non-zero to stop (returned as CVOM_OK). */
typedef int (*cvom_account_cb)(void *ctx, const struct cvom_account *a);
typedef int (*cvom_stakeholder_cb)(void *ctx, const struct cvom_stakeholder *s);
typedef int (*cvom_assessment_cb)(void *ctx, const struct cvom_assessment *a);
typedef int (*cvom_response_cb)(void *ctx, const struct cvom_response *r);
typedef int (*cvom_snapshot_cb)(void *ctx, const struct cvom_snapshot *s);
typedef int (*cvom_instrument_cb)(void *ctx, int64_t id, const char *name, int version,
                                  size_t n_items);

/* The operations table. Every function returns a status and fills err on failure. Out
 * parameters are written only on success. */
struct cvom_store_ops {
    const char *name;
    enum cvom_status (*open)(const char *path, struct cvom_store **out, struct cvom_error *err);
    void (*close)(struct cvom_store *st);

    enum cvom_status (*begin)(struct cvom_store *st, struct cvom_error *err);
    enum cvom_status (*commit)(struct cvom_store *st, struct cvom_error *err);
    void (*rollback)(struct cvom_store *st);

    /* Schema version after migrations; migrations run inside open. */
    enum cvom_status (*schema_version)(struct cvom_store *st, int *version,
                                       struct cvom_error *err);
    enum cvom_status (*backup)(struct cvom_store *st, const char *dest, struct cvom_error *err);

    /* Settings: small key/value pairs (thresholds, validity). get: CVOM_ENOTFOUND if unset. */
    enum cvom_status (*setting_get)(struct cvom_store *st, const char *key, char *buf,
                                    size_t cap, struct cvom_error *err);
    enum cvom_status (*setting_set)(struct cvom_store *st, const char *key, const char *value,
                                    struct cvom_error *err);

    /* Accounts. add fills a->id. find resolves a reference: a numeric id, then an external
     * id, then an exact name. */
    enum cvom_status (*account_add)(struct cvom_store *st, struct cvom_account *a,
                                    struct cvom_error *err);
    enum cvom_status (*account_update)(struct cvom_store *st, const struct cvom_account *a,
                                       struct cvom_error *err);
    enum cvom_status (*account_remove)(struct cvom_store *st, int64_t id,
                                       struct cvom_error *err);
    enum cvom_status (*account_get)(struct cvom_store *st, int64_t id, struct cvom_account *out,
                                    struct cvom_error *err);
    enum cvom_status (*account_find)(struct cvom_store *st, const char *ref,
                                     struct cvom_account *out, struct cvom_error *err);
    enum cvom_status (*account_list)(struct cvom_store *st, const struct cvom_account_filter *f,
                                     cvom_account_cb cb, void *ctx, struct cvom_error *err);
    enum cvom_status (*account_count)(struct cvom_store *st, int64_t *n,
                                      struct cvom_error *err);

    /* Stakeholders. find: by numeric id, external id or exact name within the account. */
    enum cvom_status (*stakeholder_add)(struct cvom_store *st, struct cvom_stakeholder *s,
                                        struct cvom_error *err);
    enum cvom_status (*stakeholder_update)(struct cvom_store *st,
                                           const struct cvom_stakeholder *s,
                                           struct cvom_error *err);
    enum cvom_status (*stakeholder_remove)(struct cvom_store *st, int64_t id,
                                           struct cvom_error *err);
    enum cvom_status (*stakeholder_find)(struct cvom_store *st, int64_t account_id,
                                         const char *ref, struct cvom_stakeholder *out,
                                         struct cvom_error *err);
    enum cvom_status (*stakeholder_list)(struct cvom_store *st, int64_t account_id,
                                         cvom_stakeholder_cb cb, void *ctx,
                                         struct cvom_error *err);

    /* Instruments: put stores a new (name, version); CVOM_EEXIST if it exists. get loads
     * items into an initialised instrument. latest: the highest version of name. */
    enum cvom_status (*instrument_put)(struct cvom_store *st, const struct cvom_instrument *ins,
                                       int64_t *id, struct cvom_error *err);
    enum cvom_status (*instrument_get)(struct cvom_store *st, int64_t id,
                                       struct cvom_instrument *out, struct cvom_error *err);
    enum cvom_status (*instrument_latest)(struct cvom_store *st, const char *name,
                                          int64_t *id, struct cvom_error *err);
    enum cvom_status (*instrument_find)(struct cvom_store *st, const char *name, int version,
                                        int64_t *id, struct cvom_error *err);
    enum cvom_status (*instrument_list)(struct cvom_store *st, cvom_instrument_cb cb, void *ctx,
                                        struct cvom_error *err);

    /* Assessments and their responses. response_put replaces an answer to the same item. */
    enum cvom_status (*assessment_add)(struct cvom_store *st, struct cvom_assessment *a,
                                       struct cvom_error *err);
    enum cvom_status (*assessment_update)(struct cvom_store *st,
                                          const struct cvom_assessment *a,
                                          struct cvom_error *err);
    enum cvom_status (*assessment_list)(struct cvom_store *st, int64_t account_id,
                                        cvom_assessment_cb cb, void *ctx,
                                        struct cvom_error *err);
    enum cvom_status (*response_put)(struct cvom_store *st, const struct cvom_response *r,
                                     struct cvom_error *err);
    enum cvom_status (*response_list)(struct cvom_store *st, int64_t assessment_id,
                                      cvom_response_cb cb, void *ctx, struct cvom_error *err);

    /* Snapshots: put replaces the one for (account, date). list_latest gives, per account,
     * the newest snapshot on or before as_of. history: one account's, oldest first. */
    enum cvom_status (*snapshot_put)(struct cvom_store *st, const struct cvom_snapshot *s,
                                     struct cvom_error *err);
    enum cvom_status (*snapshot_list_latest)(struct cvom_store *st, int32_t as_of,
                                             cvom_snapshot_cb cb, void *ctx,
                                             struct cvom_error *err);
    enum cvom_status (*snapshot_history)(struct cvom_store *st, int64_t account_id,
                                         cvom_snapshot_cb cb, void *ctx,
                                         struct cvom_error *err);

    /* Row counts per table, for tests and `cvom init` output: fills up to cap
     * (name, count) pairs and sets *n. */
    enum cvom_status (*table_counts)(struct cvom_store *st, char names[][32], int64_t *counts,
                                     size_t cap, size_t *n, struct cvom_error *err);

    /* How long a write waits for another connection's lock before CVOM_EBUSY, in
     * milliseconds (default 5000; 0: fail at once). CVOM_EINVAL when ms < 0. */
    enum cvom_status (*set_busy_timeout)(struct cvom_store *st, int ms, struct cvom_error *err);
};

/* A store handle: every back end's struct starts with this. */
struct cvom_store {
    const struct cvom_store_ops *ops;
};

/* The SQLite back end. */
extern const struct cvom_store_ops cvom__sqlite_ops;

/* Open a store by location: a path (SQLite). Future back ends are chosen by URL scheme. */
enum cvom_status cvom_store_open(const char *location, struct cvom_store **out,
                                 struct cvom_error *err);
void cvom_store_close(struct cvom_store *st);

const char *cvom_stance_name(enum cvom_stance s);
int cvom_stance_parse(const char *s);

#endif
