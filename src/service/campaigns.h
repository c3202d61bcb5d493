/* campaigns.h — survey campaigns for both faces: choosing the stakeholders and making their
 * links, the figures of a campaign (sent, opened, started, completed, refused), the
 * messages' templates, and sending the messages and reminders by e-mail (mail.c). */
#ifndef CVOM_SERVICE_CAMPAIGNS_H
#define CVOM_SERVICE_CAMPAIGNS_H

#include "service/portfolio.h"
#include "store/store.h"

#include <stddef.h>
#include <stdint.h>

#define CVOM_CAMPAIGN_DAYS_DEFAULT 30
#define CVOM_CAMPAIGN_DAYS_MAX 365
#define CVOM_CAMPAIGN_ACCOUNTS_MAX 64 /* --account given one by one */
#define CVOM_CAMPAIGN_LINKS_MAX 100000
#define CVOM_URL_MAX 512

/* What a new campaign takes: the accounts a filter (and a quadrant, -1: any) leaves, or
 * only those of accounts[] when n_accounts > 0; the scope restricts it further (a
 * manager's own accounts; owner "" : no restriction). */
struct cvom_campaign_spec {
    const char *name;
    const struct cvom_account_filter *filter; /* NULL: every account */
    int quadrant;
    const int64_t *accounts;
    size_t n_accounts;
    const char *scope_owner; /* NULL or "": every account */
    int64_t closes;          /* seconds since the epoch; 0: CVOM_CAMPAIGN_DAYS_DEFAULT from now */
    int64_t instrument_id;   /* 0: the default questionnaire's newest version */
    const char *language;    /* NULL or "": "en" */
    const char *created_by;
    int64_t now;
};

/* Create a campaign inside the caller's write transaction: one personal link per
 * stakeholder with an e-mail address of the accounts chosen, valid until it closes. *out
 * receives the campaign, *links how many links it made. CVOM_EINVAL for a bad name,
 * language or date, CVOM_EEXIST for a name taken, CVOM_ENOTFOUND when an account given
 * does not exist or is not in scope. */
enum cvom_status cvom__campaign_create(struct cvom_store *st, const struct cvom_config *cfg,
                                       const struct cvom_campaign_spec *spec,
                                       struct cvom_campaign *out, size_t *links,
                                       struct cvom_error *err);

/* The figures of a set of links. Response rate: completed / links. */
struct cvom_campaign_figures {
    int64_t links, sent, opened, started, completed, refused, failed;
};

/* One account's part of a campaign. */
struct cvom_campaign_account {
    int64_t id;
    char name[CVOM_FIELD_MAX];
    struct cvom_campaign_figures f;
};

/* A campaign with its links (by account and name), per account and in total. */
struct cvom_campaign_view {
    struct cvom_campaign c;
    struct cvom_campaign_link *links;
    size_t n;
    struct cvom_campaign_account *accounts;
    size_t n_accounts;
    struct cvom_campaign_figures total;
};

/* Load the campaign named ref (a name or an id) into v, only the links of accounts owned by
 * scope_owner when that is not NULL or "". The caller calls cvom__campaign_view_cleanup
 * whatever the outcome. */
enum cvom_status cvom__campaign_view_load(struct cvom_store *st, const char *ref,
                                          const char *scope_owner, struct cvom_campaign_view *v,
                                          struct cvom_error *err);
void cvom__campaign_view_cleanup(struct cvom_campaign_view *v);

/* The response rate of f in percent (0 when it has no links). */
double cvom__campaign_rate(const struct cvom_campaign_figures *f);
/* Whether a link has not answered yet: completed is 0. */
int cvom__campaign_link_waiting(const struct cvom_campaign_link *l);
/* Where a link stands, in words: completed, refused, started, opened, interrupted while
 * sending (recorded as sending, outcome unknown), sending failed, sent, not sent. */
const char *cvom__campaign_link_state(const struct cvom_campaign_link *l);
/* 1 while a campaign takes answers at now. */
int cvom__campaign_open(const struct cvom_campaign *c, int64_t now);

/* A link's address: the base URL (the setting web.base_url, without a trailing '/'), then
 * "/survey/" and the secret. CVOM_EINVAL, with what to do, when web.base_url is not set. */
enum cvom_status cvom__campaign_base_url(struct cvom_store *st, char out[CVOM_URL_MAX],
                                         struct cvom_error *err);
void cvom__campaign_link_url(const char *base, const struct cvom_campaign_link *l, char *out,
                             size_t cap);

/* ---- settings of links and mail ----------------------------------------------------- */

/* The text settings `cvom config` takes besides the scoring ones, NULL-terminated:
 * web.base_url, smtp.url, smtp.from, smtp.user, smtp.password_file. */
extern const char *const cvom__mail_setting_keys[];
/* Whether key is one of them. */
int cvom__mail_setting_known(const char *key);
/* Check and store one of them (an empty value removes what it says). */
enum cvom_status cvom__mail_setting_store(struct cvom_store *st, const char *key, const char *value,
                                          struct cvom_error *err);
/* Its value, "" when not set. */
enum cvom_status cvom__mail_setting_get(struct cvom_store *st, const char *key, char *buf,
                                        size_t cap, struct cvom_error *err);

/* ---- templates ------------------------------------------------------------------------ */

#define CVOM_TEMPLATE_MAX 4096

/* The languages whose templates are shipped, NULL-terminated: en, de, fr. */
extern const char *const cvom__template_languages[];
/* The template of messages in language lang (the team's, else the shipped one, else
 * English), into buf. A template is a line "Subject: …", an empty line, then the body;
 * {stakeholder}, {manager}, {account}, {link}, {closes} and {campaign} are filled in.
 * *own is 1 when the team's own template was taken. */
enum cvom_status cvom__template_get(struct cvom_store *st, const char *lang, char *buf, size_t cap,
                                    int *own, struct cvom_error *err);
/* Check text as a template (its subject line, its placeholders, {link} present) and store it
 * as the team's for lang; NULL text goes back to the shipped one. Problems name line and column. */
enum cvom_status cvom__template_set(struct cvom_store *st, const char *lang, const char *text,
                                    struct cvom_error *err);

/* Internal to campaigns.c and mail.c: the placeholder {name} at p (p[0] == '{'), its index
 * among stakeholder, manager, account, link, closes, campaign and its length in *len; -1
 * when p starts no placeholder. */
int cvom__template_placeholder(const char *p, size_t *len);

/* ---- sending -------------------------------------------------------------------------- */

/* Where and how messages go: the smtp.* settings, and the password from the file
 * smtp.password_file or else the one given (the environment's CVOM_SMTP_PASSWORD). */
struct cvom_mail_settings {
    char url[CVOM_URL_MAX];
    char from[CVOM_FIELD_MAX];
    char user[CVOM_FIELD_MAX];
    char password[CVOM_FIELD_MAX];
    char base_url[CVOM_URL_MAX];
};
enum cvom_status cvom__mail_settings_load(struct cvom_store *st, const char *env_password,
                                          int need_smtp, struct cvom_mail_settings *out,
                                          struct cvom_error *err);

struct cvom_send_opts {
    int remind;         /* 0: the invitations; 1: reminders */
    int64_t after_days; /* reminders: only to those last contacted at least this long ago */
    int dry_run;        /* build the messages and hand them to shown; record and send nothing */
    int64_t now;
    /* Called before each message is attempted (done of total); may be NULL. */
    void (*progress)(void *ctx, size_t done, size_t total);
    /* Dry runs: each message as it would go out, with its recipient. */
    void (*shown)(void *ctx, const char *to, const char *message);
    void *ctx;
};

struct cvom_send_result {
    size_t sent, failed, refused;
    size_t skipped;  /* recorded before (a rerun), completed, or contacted too recently */
    size_t no_email; /* never: links are made only for stakeholders with an address */
    size_t would;    /* dry runs: messages that would go */
};

/* Send a campaign's invitations, or its reminders, to each stakeholder it is due to. Every
 * message is recorded as sending in a transaction of its own before it is attempted, then
 * as sent, failed or refused, so that a rerun sends nothing twice. CVOM_EINVAL when the
 * campaign is closed or the settings are missing; a message that fails does not stop the
 * others (the result counts them). */
enum cvom_status cvom__campaign_send(struct cvom_store *st, const struct cvom_mail_settings *ms,
                                     const char *ref, const struct cvom_send_opts *o,
                                     struct cvom_send_result *res, struct cvom_error *err);

/* The whole message (headers and quoted-printable body, CRLF line ends) to a link's
 * stakeholder from template tpl; a new string the caller frees, or NULL on memory. */
char *cvom__mail_compose(const struct cvom_mail_settings *ms, const struct cvom_campaign *c,
                         const struct cvom_campaign_link *l, const char *tpl, int64_t now);

#endif
