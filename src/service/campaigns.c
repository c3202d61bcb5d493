/* campaigns.c — survey campaigns: choosing the stakeholders of the accounts a filter leaves
 * and making each a personal link, a campaign's figures per account and in total, the
 * settings of links and mail, and the templates of the messages.
 */
#include "service/campaigns.h"

#include "io/util.h"
#include "service/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- creating --------------------------------------------------------------------------- */

struct pick {
    struct cvom_store *st;
    const struct cvom_campaign *c;
    size_t links;
    enum cvom_status status;
    struct cvom_error *err;
    struct cvom_stakeholder *people;
    size_t n, cap;
};

static int person_cb(void *ctx, const struct cvom_stakeholder *s)
{
    struct pick *p = ctx;
    if (!s->email[0])
        return 0;
    struct cvom_stakeholder *v = cvom__grow(p->people, &p->cap, p->n + 1, sizeof *v, 100000);
    if (!v) {
        p->status = cvom_error_set(p->err, CVOM_ENOMEM, "out of memory choosing stakeholders");
        return 1;
    }
    p->people = v;
    p->people[p->n++] = *s;
    return 0;
}

/* The links of one account's stakeholders who have an e-mail address. */
static enum cvom_status account_links(struct pick *p, int64_t account_id)
{
    p->n = 0;
    enum cvom_status st = p->st->ops->stakeholder_list(p->st, account_id, person_cb, p, p->err);
    if (!st)
        st = p->status;
    for (size_t i = 0; !st && i < p->n; i++) {
        if (p->links >= CVOM_CAMPAIGN_LINKS_MAX)
            return cvom_error_set(p->err, CVOM_ELIMIT, "a campaign holds at most %d links",
                                  CVOM_CAMPAIGN_LINKS_MAX);
        struct cvom_survey s = {.account_id = account_id,
                                .stakeholder_id = p->people[i].id,
                                .instrument_id = p->c->instrument_id,
                                .created = p->c->created,
                                .expires = p->c->closes};
        struct cvom_campaign_link l = {
            .campaign_id = p->c->id, .stakeholder_id = p->people[i].id, .account_id = account_id};
        char secret[CVOM_SECRET_CHARS];
        cvom__secret_new(secret);
        cvom__copy_str(l.secret, sizeof l.secret, secret);
        cvom__secret_digest(secret, s.hash);
        memcpy(l.hash, s.hash, sizeof l.hash);
        cvom__copy_str(s.created_by, sizeof s.created_by, p->c->created_by);
        /* The survey page speaks the language the message does. */
        cvom__copy_str(s.language, sizeof s.language,
                       p->people[i].language[0] ? p->people[i].language : p->c->language);
        st = p->st->ops->survey_add(p->st, &s, p->err);
        if (!st)
            st = p->st->ops->campaign_link_add(p->st, &l, p->err);
        if (!st)
            p->links++;
    }
    return st;
}

static int in_scope(const struct cvom_campaign_spec *spec, const char *owner)
{
    return !spec->scope_owner || !spec->scope_owner[0] || strcmp(owner, spec->scope_owner) == 0;
}

static enum cvom_status given_accounts(struct pick *p, const struct cvom_campaign_spec *spec)
{
    enum cvom_status st = CVOM_OK;
    for (size_t i = 0; !st && i < spec->n_accounts; i++) {
        struct cvom_account a;
        st = p->st->ops->account_get(p->st, spec->accounts[i], &a, p->err);
        if (!st && !in_scope(spec, a.owner))
            st = CVOM_ENOTFOUND;
        if (st == CVOM_ENOTFOUND)
            return cvom_error_set(p->err, st, "no account %lld among yours",
                                  (long long)spec->accounts[i]);
        if (!st)
            st = account_links(p, a.id);
    }
    return st;
}

static enum cvom_status filtered_accounts(struct pick *p, const struct cvom_config *cfg,
                                          const struct cvom_campaign_spec *spec)
{
    struct cvom_account_filter f = {0};
    if (spec->filter)
        f = *spec->filter;
    if (spec->scope_owner && spec->scope_owner[0])
        cvom__copy_str(f.owner, sizeof f.owner, spec->scope_owner);
    struct cvom_scored *v = NULL;
    size_t n = 0;
    int32_t today = (int32_t)(spec->now / 86400);
    enum cvom_status st = cvom__portfolio_scan(p->st, cfg, &f, today, &v, &n, NULL, NULL, p->err);
    if (st)
        return st;
    n = cvom__scored_keep_quadrant(v, n, spec->quadrant);
    for (size_t i = 0; !st && i < n; i++)
        if (in_scope(spec, v[i].account.owner))
            st = account_links(p, v[i].account.id);
    free(v);
    return st;
}

static enum cvom_status check_spec(const struct cvom_campaign_spec *spec, struct cvom_campaign *c,
                                   struct cvom_error *err)
{
    if (!spec->name || !spec->name[0] || strlen(spec->name) >= sizeof c->name ||
        !cvom__utf8_valid(spec->name))
        return cvom_error_set(err, CVOM_EINVAL, "a campaign needs a name of 1 to %zu bytes",
                              sizeof c->name - 1);
    const char *lang = spec->language && spec->language[0] ? spec->language : "en";
    if (!cvom__language_ok(lang, 0))
        return cvom_error_set(err, CVOM_EINVAL,
                              "language '%.16s' is not a language code such as en, de or fr", lang);
    c->created = spec->now;
    c->closes =
        spec->closes ? spec->closes : spec->now + (int64_t)CVOM_CAMPAIGN_DAYS_DEFAULT * 86400;
    if (c->closes <= spec->now || c->closes > spec->now + (int64_t)CVOM_CAMPAIGN_DAYS_MAX * 86400)
        return cvom_error_set(err, CVOM_EINVAL, "a campaign closes after today and within %d days",
                              CVOM_CAMPAIGN_DAYS_MAX);
    cvom__copy_str(c->name, sizeof c->name, spec->name);
    cvom__copy_str(c->language, sizeof c->language, lang);
    cvom__copy_str(c->created_by, sizeof c->created_by, spec->created_by ? spec->created_by : "");
    return CVOM_OK;
}

enum cvom_status cvom__campaign_create(struct cvom_store *st, const struct cvom_config *cfg,
                                       const struct cvom_campaign_spec *spec,
                                       struct cvom_campaign *out, size_t *links,
                                       struct cvom_error *err)
{
    struct cvom_campaign c = {0};
    enum cvom_status s = check_spec(spec, &c, err);
    if (s)
        return s;
    c.instrument_id = spec->instrument_id;
    if (!c.instrument_id)
        s = cvom__ensure_default_instrument(st, &c.instrument_id, err);
    if (!s)
        s = st->ops->campaign_add(st, &c, err);
    if (s == CVOM_EEXIST)
        return cvom_error_set(err, s, "there is a campaign '%s' already", c.name);
    if (s == CVOM_ENOTFOUND || (s == CVOM_EINVAL && err && !strcmp(err->field, "instrument_id")))
        return cvom_error_set(err, CVOM_ENOTFOUND, "no questionnaire with id %lld",
                              (long long)c.instrument_id);
    struct pick p = {.st = st, .c = &c, .err = err};
    if (!s)
        s = spec->n_accounts ? given_accounts(&p, spec) : filtered_accounts(&p, cfg, spec);
    free(p.people);
    if (!s) {
        *out = c;
        *links = p.links;
    }
    return s;
}

/* ---- figures ---------------------------------------------------------------------------- */

struct load {
    struct cvom_campaign_view *v;
    const char *scope;
    size_t cap, acap;
    enum cvom_status status;
    struct cvom_error *err;
};

static void count(struct cvom_campaign_figures *f, const struct cvom_campaign_link *l)
{
    f->links++;
    f->sent += l->sent > 0;
    f->opened += l->opened > 0;
    f->started += l->started > 0;
    f->completed += l->completed > 0;
    f->refused += l->refused > 0;
    f->failed += l->last_state == CVOM_SEND_FAILED;
}

static int load_cb(void *ctx, const struct cvom_campaign_link *l)
{
    struct load *d = ctx;
    struct cvom_campaign_view *v = d->v;
    if (d->scope && d->scope[0] && strcmp(l->owner, d->scope) != 0)
        return 0;
    struct cvom_campaign_link *links =
        cvom__grow(v->links, &d->cap, v->n + 1, sizeof *links, CVOM_CAMPAIGN_LINKS_MAX);
    if (!links) {
        d->status = cvom_error_set(d->err, CVOM_ENOMEM, "out of memory reading a campaign");
        return 1;
    }
    v->links = links;
    v->links[v->n++] = *l;
    if (!v->n_accounts || v->accounts[v->n_accounts - 1].id != l->account_id) {
        struct cvom_campaign_account *a = cvom__grow(v->accounts, &d->acap, v->n_accounts + 1,
                                                     sizeof *a, CVOM_CAMPAIGN_LINKS_MAX);
        if (!a) {
            d->status = cvom_error_set(d->err, CVOM_ENOMEM, "out of memory reading a campaign");
            return 1;
        }
        v->accounts = a;
        memset(&a[v->n_accounts], 0, sizeof *a);
        a[v->n_accounts].id = l->account_id;
        cvom__copy_str(a[v->n_accounts].name, sizeof a->name, l->account);
        v->n_accounts++;
    }
    count(&v->accounts[v->n_accounts - 1].f, l);
    count(&v->total, l);
    return 0;
}

enum cvom_status cvom__campaign_view_load(struct cvom_store *st, const char *ref,
                                          const char *scope_owner, struct cvom_campaign_view *v,
                                          struct cvom_error *err)
{
    memset(v, 0, sizeof *v);
    enum cvom_status s = st->ops->campaign_find(st, ref, &v->c, err);
    if (s)
        return s;
    struct load d = {.v = v, .scope = scope_owner, .err = err};
    s = st->ops->campaign_link_list(st, v->c.id, load_cb, &d, err);
    return s ? s : d.status;
}

void cvom__campaign_view_cleanup(struct cvom_campaign_view *v)
{
    free(v->links);
    free(v->accounts);
    v->links = NULL;
    v->accounts = NULL;
    v->n = v->n_accounts = 0;
}

double cvom__campaign_rate(const struct cvom_campaign_figures *f)
{
    return f->links ? 100.0 * (double)f->completed / (double)f->links : 0.0;
}

int cvom__campaign_link_waiting(const struct cvom_campaign_link *l)
{
    return l->completed == 0;
}

const char *cvom__campaign_link_state(const struct cvom_campaign_link *l)
{
    if (l->completed)
        return "completed";
    if (l->refused)
        return "refused";
    if (l->started)
        return "started";
    if (l->opened)
        return "opened";
    if (l->last_state == CVOM_SEND_SENDING)
        return "interrupted while sending";
    if (l->last_state == CVOM_SEND_FAILED)
        return "sending failed";
    return l->sent ? "sent" : "not sent";
}

int cvom__campaign_open(const struct cvom_campaign *c, int64_t now)
{
    return c->closed == 0 && c->closes > now;
}

/* ---- settings ---------------------------------------------------------------------------- */

const char *const cvom__mail_setting_keys[] = {"web.base_url", "smtp.url",           "smtp.from",
                                               "smtp.user",    "smtp.password_file", NULL};

int cvom__mail_setting_known(const char *key)
{
    for (int i = 0; cvom__mail_setting_keys[i]; i++)
        if (strcmp(key, cvom__mail_setting_keys[i]) == 0)
            return 1;
    return 0;
}

static int starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static enum cvom_status check_setting(const char *key, const char *v, struct cvom_error *err)
{
    size_t n = strlen(v);
    if (n >= CVOM_URL_MAX || !cvom__utf8_valid(v) || strpbrk(v, "\r\n"))
        return cvom_error_set(err, CVOM_EINVAL, "%s: one line of at most %d bytes", key,
                              CVOM_URL_MAX - 1);
    if (!n)
        return CVOM_OK;
    if (!strcmp(key, "web.base_url") && !starts(v, "http://") && !starts(v, "https://"))
        return cvom_error_set(err, CVOM_EINVAL,
                              "web.base_url: expected http://host[:port][/path] or https://…, "
                              "the address people open the web application at");
    if (!strcmp(key, "smtp.url") && !starts(v, "smtp://") && !starts(v, "smtps://"))
        return cvom_error_set(err, CVOM_EINVAL,
                              "smtp.url: expected smtp://host:port or smtps://host:port");
    if (!strcmp(key, "smtp.from") && (!strchr(v, '@') || n >= CVOM_FIELD_MAX))
        return cvom_error_set(err, CVOM_EINVAL,
                              "smtp.from: expected an address, or Name <address>");
    if ((!strcmp(key, "smtp.user") || !strcmp(key, "smtp.from")) && n >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "%s: at most %d bytes", key, CVOM_FIELD_MAX - 1);
    return CVOM_OK;
}

enum cvom_status cvom__mail_setting_store(struct cvom_store *st, const char *key, const char *value,
                                          struct cvom_error *err)
{
    if (!cvom__mail_setting_known(key))
        return cvom_error_set(err, CVOM_EINVAL, "no setting '%s'", key);
    enum cvom_status s = check_setting(key, value, err);
    return s ? s : st->ops->setting_set(st, key, value, err);
}

enum cvom_status cvom__mail_setting_get(struct cvom_store *st, const char *key, char *buf,
                                        size_t cap, struct cvom_error *err)
{
    enum cvom_status s = st->ops->setting_get(st, key, buf, cap, err);
    if (s == CVOM_ENOTFOUND) {
        buf[0] = '\0';
        s = CVOM_OK;
    }
    return s;
}

enum cvom_status cvom__campaign_base_url(struct cvom_store *st, char out[CVOM_URL_MAX],
                                         struct cvom_error *err)
{
    enum cvom_status s = cvom__mail_setting_get(st, "web.base_url", out, CVOM_URL_MAX, err);
    if (!s && !out[0])
        return cvom_error_set(err, CVOM_EINVAL,
                              "links need the address of the web application: set it with "
                              "`cvom config web.base_url https://cvom.example.com`");
    size_t n = strlen(out);
    while (!s && n > 0 && out[n - 1] == '/')
        out[--n] = '\0';
    return s;
}

void cvom__campaign_link_url(const char *base, const struct cvom_campaign_link *l, char *out,
                             size_t cap)
{
    snprintf(out, cap, "%s/survey/%s", base, l->secret);
}

/* ---- templates ---------------------------------------------------------------------------- */

const char *const cvom__template_languages[] = {"en", "de", "fr", NULL};

static const char *const shipped[] = {
    "Subject: {campaign}: how do you see working with us?\n"
    "\n"
    "Dear {stakeholder},\n"
    "\n"
    "we would like to learn how {account} sees working with us. Would you answer a few\n"
    "short questions? It takes about five minutes:\n"
    "\n"
    "{link}\n"
    "\n"
    "The link is yours alone and works once, until {closes}.\n"
    "\n"
    "Thank you,\n"
    "{manager}\n",

    "Subject: {campaign}: Wie sehen Sie die Zusammenarbeit mit uns?\n"
    "\n"
    "Guten Tag {stakeholder},\n"
    "\n"
    "wir möchten gern erfahren, wie {account} die Zusammenarbeit mit uns sieht. Würden\n"
    "Sie uns ein paar kurze Fragen beantworten? Es dauert etwa fünf Minuten:\n"
    "\n"
    "{link}\n"
    "\n"
    "Der Link gilt nur für Sie, einmal, bis zum {closes}.\n"
    "\n"
    "Vielen Dank,\n"
    "{manager}\n",

    "Subject: {campaign} : comment voyez-vous notre collaboration ?\n"
    "\n"
    "Bonjour {stakeholder},\n"
    "\n"
    "nous aimerions savoir comment {account} voit sa collaboration avec nous. Accepteriez-\n"
    "vous de répondre à quelques questions ? Cela prend environ cinq minutes :\n"
    "\n"
    "{link}\n"
    "\n"
    "Ce lien vous est personnel ; il ne sert qu'une fois, jusqu'au {closes}.\n"
    "\n"
    "Merci beaucoup,\n"
    "{manager}\n",
};

static int shipped_index(const char *lang)
{
    for (int i = 0; cvom__template_languages[i]; i++)
        if (strncmp(lang, cvom__template_languages[i], 2) == 0 &&
            (lang[2] == '\0' || lang[2] == '-'))
            return i;
    return -1;
}

static void template_key(const char *lang, char *key, size_t cap)
{
    snprintf(key, cap, "campaign.template.%s", lang);
}

enum cvom_status cvom__template_get(struct cvom_store *st, const char *lang, char *buf, size_t cap,
                                    int *own, struct cvom_error *err)
{
    char key[64];
    template_key(lang, key, sizeof key);
    enum cvom_status s = st->ops->setting_get(st, key, buf, cap, err);
    *own = s == CVOM_OK && buf[0];
    if (s != CVOM_ENOTFOUND && (s || buf[0]))
        return s;
    int i = shipped_index(lang);
    cvom__copy_str(buf, cap, shipped[i < 0 ? 0 : i]);
    return CVOM_OK;
}

static const char *const placeholders[] = {"stakeholder", "manager",  "account", "link",
                                           "closes",      "campaign", NULL};

int cvom__template_placeholder(const char *p, size_t *len)
{
    for (int i = 0; placeholders[i]; i++) {
        size_t n = strlen(placeholders[i]);
        if (strncmp(p + 1, placeholders[i], n) == 0 && p[n + 1] == '}') {
            *len = n + 2;
            return i;
        }
    }
    return -1;
}

static enum cvom_status check_template(const char *text, struct cvom_error *err)
{
    if (!cvom__utf8_valid(text))
        return cvom_error_set(err, CVOM_EINVAL, "the template is not UTF-8 text");
    if (strlen(text) >= CVOM_TEMPLATE_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "a template holds at most %d bytes",
                              CVOM_TEMPLATE_MAX - 1);
    const char *nl = strchr(text, '\n');
    if (!starts(text, "Subject: ") || !nl || nl == text + 9 || (nl[1] != '\n' && nl[1] != '\r'))
        return cvom_error_set(err, CVOM_EINVAL,
                              "template:1:1: a template starts with a line \"Subject: …\" "
                              "and an empty line, then the message");
    long line = 1, col = 1;
    int link = 0;
    for (const char *p = text; *p; p++, col++) {
        if (*p == '\n') {
            line++;
            col = 0;
        } else if (*p == '{') {
            size_t len;
            int i = cvom__template_placeholder(p, &len);
            if (i < 0)
                return cvom_error_set(err, CVOM_EINVAL,
                                      "template:%ld:%ld: unknown placeholder; use {stakeholder}, "
                                      "{manager}, {account}, {link}, {closes} or {campaign}",
                                      line, col);
            link |= !strcmp(placeholders[i], "link");
        }
    }
    if (!link)
        return cvom_error_set(err, CVOM_EINVAL, "template: no {link} in the message");
    return CVOM_OK;
}

enum cvom_status cvom__template_set(struct cvom_store *st, const char *lang, const char *text,
                                    struct cvom_error *err)
{
    char key[64];
    if (!cvom__language_ok(lang, 0))
        return cvom_error_set(err, CVOM_EINVAL,
                              "'%.16s' is not a language code such as en, de or fr", lang);
    template_key(lang, key, sizeof key);
    if (!text) /* stored empty: the shipped template again */
        return st->ops->setting_set(st, key, "", err);
    enum cvom_status s = check_template(text, err);
    return s ? s : st->ops->setting_set(st, key, text, err);
}
