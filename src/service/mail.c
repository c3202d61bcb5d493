/* mail.c — a campaign's messages: each stakeholder's text from the template of their
 * language, made a proper MIME message (RFC 2047 subject, quoted-printable body), and sent
 * through libcurl's SMTP, every send recorded before it is attempted so that none goes twice.
 */
#include "service/campaigns.h"

#include "io/util.h"
#include "service/auth.h"

#include "lazy_curl.h" /* libcurl, loaded by the first send */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- a growing text ---------------------------------------------------------------------- */

#define MESSAGE_MAX (64 * 1024)

struct text {
    char *p;
    size_t n, cap;
    int failed;
};

static void put(struct text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    char *p = cvom__grow(t->p, &t->cap, t->n + n + 1, 1, MESSAGE_MAX);
    if (!p) {
        t->failed = 1;
        return;
    }
    t->p = p;
    memcpy(t->p + t->n, s, n);
    t->n += n;
    t->p[t->n] = '\0';
}

static void puts_(struct text *t, const char *s)
{
    put(t, s, strlen(s));
}

/* ---- filling in the template ------------------------------------------------------------- */

static void fill(struct text *t, const char *tpl, const char *const values[])
{
    for (const char *p = tpl; *p;) {
        size_t len;
        int i = *p == '{' ? cvom__template_placeholder(p, &len) : -1;
        if (i >= 0) {
            puts_(t, values[i]);
            p += len;
        } else {
            put(t, p, 1);
            p++;
        }
    }
}

/* ---- headers ------------------------------------------------------------------------------ */

static int ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

static void base64(struct text *t, const unsigned char *s, size_t n)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        char out[4] = {a[v >> 18 & 63], a[v >> 12 & 63], i + 1 < n ? a[v >> 6 & 63] : '=',
                       i + 2 < n ? a[v & 63] : '='};
        put(t, out, 4);
    }
}

/* A header's text, after `col` characters of its line: as it is when ASCII, else RFC 2047
 * encoded words that keep each line within 76 characters (never splitting a character),
 * folded onto lines of their own. Control characters become spaces, so that no value can
 * start a header of its own. */
static void header_text(struct text *t, const char *v, size_t col)
{
    char clean[1024];
    cvom__copy_str(clean, sizeof clean, v);
    for (char *p = clean; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    if (ascii(clean)) {
        puts_(t, clean);
        return;
    }
    const unsigned char *s = (const unsigned char *)clean;
    size_t n = strlen(clean), i = 0;
    while (i < n) {
        /* 12 characters of "=?UTF-8?B??=", 4 of base64 for every 3 bytes */
        size_t room = (76 - 12 - (i ? 1 : col)) / 4 * 3;
        size_t k = n - i < room ? n - i : room;
        while (i + k < n && (s[i + k] & 0xC0) == 0x80)
            k--;
        if (i)
            puts_(t, "\r\n ");
        puts_(t, "=?UTF-8?B?");
        base64(t, s + i, k);
        puts_(t, "?=");
        i += k;
    }
}

/* A display name: a quoted string when ASCII, else encoded words. */
static void header_name(struct text *t, const char *name)
{
    if (!ascii(name)) {
        header_text(t, name, 4);
        return;
    }
    put(t, "\"", 1);
    for (const char *p = name; *p; p++) {
        if (*p == '"' || *p == '\\')
            put(t, "\\", 1);
        put(t, (unsigned char)*p < 0x20 ? " " : p, 1);
    }
    put(t, "\"", 1);
}

static void header_date(struct text *t, int64_t now)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char date[11], line[64];
    int32_t day = (int32_t)(now / 86400);
    cvom_date_format(day, date); /* YYYY-MM-DD */
    int month = (date[5] - '0') * 10 + (date[6] - '0');
    int64_t sec = now % 86400;
    snprintf(line, sizeof line, "Date: %s, %.2s %s %.4s %02d:%02d:%02d +0000\r\n",
             days[((day % 7) + 7) % 7], date + 8, months[(month + 11) % 12], date,
             (int)(sec / 3600), (int)(sec / 60 % 60), (int)(sec % 60));
    puts_(t, line);
}

/* The address of a From setting, "Name <addr>" or "addr". */
static void bare_address(const char *from, char *out, size_t cap)
{
    const char *lt = strchr(from, '<'), *gt = lt ? strchr(lt, '>') : NULL;
    if (lt && gt && gt > lt + 1)
        snprintf(out, cap, "%.*s", (int)(gt - lt - 1), lt + 1);
    else
        cvom__copy_str(out, cap, from);
}

/* The From header: the setting as it is when ASCII, else its display name encoded and its
 * address as it is (an address is never encoded). */
static void header_from(struct text *t, const char *from, const char *address)
{
    const char *lt = strchr(from, '<');
    if (ascii(from) || !lt) {
        header_text(t, from, 6);
        return;
    }
    char name[CVOM_FIELD_MAX];
    snprintf(name, sizeof name, "%.*s", (int)(lt - from), from);
    header_name(t, cvom__trim(name));
    puts_(t, " <");
    puts_(t, address);
    put(t, ">", 1);
}

/* ---- the body ------------------------------------------------------------------------------ */

/* Quoted-printable (RFC 2045): lines of at most 76 characters, CRLF line ends. */
static void quoted_printable(struct text *t, const char *body)
{
    size_t col = 0;
    for (const unsigned char *p = (const unsigned char *)body; *p; p++) {
        if (*p == '\r')
            continue;
        if (*p == '\n') {
            puts_(t, "\r\n");
            col = 0;
            continue;
        }
        int end = p[1] == '\n' || p[1] == '\0' || (p[1] == '\r' && p[2] == '\n');
        char tok[4];
        if ((*p >= 33 && *p <= 126 && *p != '=') || ((*p == ' ' || *p == '\t') && !end))
            snprintf(tok, sizeof tok, "%c", *p);
        else
            snprintf(tok, sizeof tok, "=%02X", *p);
        size_t k = strlen(tok);
        if (col + k > 75) {
            puts_(t, "=\r\n");
            col = 0;
        }
        puts_(t, tok);
        col += k;
    }
    if (col)
        puts_(t, "\r\n");
}

char *cvom__mail_compose(const struct cvom_mail_settings *ms, const struct cvom_campaign *c,
                         const struct cvom_campaign_link *l, const char *tpl, int64_t now)
{
    char url[CVOM_URL_MAX + CVOM_LINK_SECRET_MAX + 16], closes[11], from[CVOM_FIELD_MAX];
    char id[CVOM_SECRET_CHARS];
    cvom__campaign_link_url(ms->base_url, l, url, sizeof url);
    cvom_date_format((int32_t)((c->closes - 1) / 86400), closes);
    const char *const values[] = {
        l->name, l->owner[0] ? l->owner : "Your account team", l->account, url, closes, c->name};
    struct text filled = {0}, t = {0};
    fill(&filled, tpl, values);
    if (filled.failed || !filled.p) {
        free(filled.p);
        return NULL;
    }
    /* "Subject: …", an empty line, the message (check_template made sure of the shape). */
    char *nl = strchr(filled.p, '\n');
    const char *body = nl ? nl + 1 : "";
    if (nl) {
        *nl = '\0';
        if (nl > filled.p && nl[-1] == '\r')
            nl[-1] = '\0';
    }
    body += strspn(body, "\r\n") > 0 ? (body[0] == '\r' ? 2 : 1) : 0;
    const char *subject = strncmp(filled.p, "Subject: ", 9) == 0 ? filled.p + 9 : filled.p;

    header_date(&t, now);
    bare_address(ms->from, from, sizeof from);
    cvom__secret_new(id);
    puts_(&t, "Message-ID: <");
    puts_(&t, id);
    puts_(&t, strchr(from, '@') ? strchr(from, '@') : "@cvom.invalid");
    puts_(&t, ">\r\nFrom: ");
    header_from(&t, ms->from, from);
    puts_(&t, "\r\nTo: ");
    header_name(&t, l->name);
    puts_(&t, " <");
    puts_(&t, l->email);
    puts_(&t, ">\r\nSubject: ");
    header_text(&t, subject, 9);
    puts_(&t, "\r\nMIME-Version: 1.0\r\n"
              "Content-Type: text/plain; charset=UTF-8\r\n"
              "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
    quoted_printable(&t, body);
    free(filled.p);
    if (t.failed) {
        free(t.p);
        return NULL;
    }
    return t.p;
}

/* ---- settings ------------------------------------------------------------------------------ */

static enum cvom_status read_password(const char *path, char *out, size_t cap,
                                      struct cvom_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    struct cvom_error why = {0};
    enum cvom_status s = cvom__read_file(path, 4096, &buf, &n, &why);
    if (s)
        return cvom_error_set(err, s, "smtp.password_file: %s", why.message);
    buf[strcspn(buf, "\r\n")] = '\0';
    if (cvom__copy_str(out, cap, buf))
        s = cvom_error_set(err, CVOM_EINVAL, "smtp.password_file %s: the password is too long",
                           path);
    memset(buf, 0, n);
    free(buf);
    return s;
}

enum cvom_status cvom__mail_settings_load(struct cvom_store *st, const char *env_password,
                                          int need_smtp, struct cvom_mail_settings *out,
                                          struct cvom_error *err)
{
    struct cvom_mail_settings m;
    char file[CVOM_URL_MAX];
    memset(&m, 0, sizeof m);
    enum cvom_status s = cvom__campaign_base_url(st, m.base_url, err);
    if (!s)
        s = cvom__mail_setting_get(st, "smtp.url", m.url, sizeof m.url, err);
    if (!s)
        s = cvom__mail_setting_get(st, "smtp.from", m.from, sizeof m.from, err);
    if (!s)
        s = cvom__mail_setting_get(st, "smtp.user", m.user, sizeof m.user, err);
    if (!s)
        s = cvom__mail_setting_get(st, "smtp.password_file", file, sizeof file, err);
    if (!s && need_smtp && (!m.url[0] || !m.from[0]))
        s = cvom_error_set(err, CVOM_EINVAL,
                           "sending needs the mail server and the sender: set them with "
                           "`cvom config smtp.url smtp://host:587` and `cvom config smtp.from "
                           "\"Team <team@example.com>\"`");
    if (!s && file[0])
        s = read_password(file, m.password, sizeof m.password, err);
    else if (!s && env_password && cvom__copy_str(m.password, sizeof m.password, env_password))
        s = cvom_error_set(err, CVOM_EINVAL, "CVOM_SMTP_PASSWORD is too long");
    if (!s)
        *out = m;
    memset(&m, 0, sizeof m);
    return s;
}

/* ---- sending ----------------------------------------------------------------------------------
 */

struct upload {
    const char *p;
    size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *ctx)
{
    struct upload *u = ctx;
    size_t k = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->p, k);
    u->p += k;
    u->left -= k;
    return k;
}

/* Send one message to one address; the outcome, and the server's words when it failed. */
static enum cvom_send_state smtp_send(CURL *h, const struct cvom_mail_settings *ms, const char *to,
                                      const char *message, char *why, size_t cap)
{
    char from[CVOM_FIELD_MAX + 2], rcpt[CVOM_FIELD_MAX + 2], addr[CVOM_FIELD_MAX];
    char errbuf[CURL_ERROR_SIZE] = "";
    struct upload u = {message, strlen(message)};
    bare_address(ms->from, addr, sizeof addr);
    snprintf(from, sizeof from, "<%s>", addr);
    snprintf(rcpt, sizeof rcpt, "<%s>", to);
    struct curl_slist *list = curl_slist_append(NULL, rcpt);
    if (!list) {
        cvom__copy_str(why, cap, "out of memory");
        return CVOM_SEND_FAILED;
    }
    curl_easy_setopt(h, CURLOPT_URL, ms->url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, list);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
    curl_easy_setopt(h, CURLOPT_READDATA, &u);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 20L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    /* With a password, never without TLS; else TLS when the server offers it. */
    curl_easy_setopt(h, CURLOPT_USE_SSL, ms->user[0] ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
    if (ms->user[0]) {
        curl_easy_setopt(h, CURLOPT_USERNAME, ms->user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, ms->password);
    }
    CURLcode rc = curl_easy_perform(h);
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, NULL);
    curl_slist_free_all(list);
    if (rc == CURLE_OK)
        return CVOM_SEND_SENT;
    snprintf(why, cap, "%s", errbuf[0] ? errbuf : curl_easy_strerror(rc));
    /* A permanent refusal of the recipient: the address will not take mail. */
    if (strncmp(errbuf, "RCPT failed", 11) == 0 && code >= 500)
        return CVOM_SEND_REFUSED;
    return CVOM_SEND_FAILED;
}

/* Whether a link is due a message of this run, and the round it would be. */
static int due(const struct cvom_campaign_link *l, const struct cvom_send_opts *o, int64_t *round)
{
    *round = l->rounds;
    /* An invitation that failed (the server or the connection, not the address) was not
     * delivered: it goes again, as the next round. */
    if (!o->remind)
        return l->rounds == 0 || (l->sent == 0 && l->last_state == CVOM_SEND_FAILED);
    return l->rounds > 0 && l->completed == 0 && l->refused == 0 &&
           l->last_at <= o->now - o->after_days * 86400;
}

static enum cvom_status in_own_tx(struct cvom_store *st, enum cvom_status s, struct cvom_error *err)
{
    if (!s)
        s = st->ops->commit(st, err);
    if (s)
        st->ops->rollback(st);
    return s;
}

/* One message: recorded, composed, sent, its outcome recorded. */
static enum cvom_status send_one(struct cvom_store *st, CURL *h,
                                 const struct cvom_mail_settings *ms, const struct cvom_campaign *c,
                                 const struct cvom_campaign_link *l, int64_t round,
                                 const struct cvom_send_opts *o, struct cvom_send_result *res,
                                 struct cvom_error *err)
{
    char tpl[CVOM_TEMPLATE_MAX], why[CURL_ERROR_SIZE + 32] = "";
    int own = 0, claimed = 0;
    enum cvom_status s = cvom__template_get(st, l->language[0] ? l->language : c->language, tpl,
                                            sizeof tpl, &own, err);
    if (s)
        return s;
    char *msg = cvom__mail_compose(ms, c, l, tpl, o->now);
    if (!msg)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory writing a message");
    if (o->dry_run) {
        if (o->shown)
            o->shown(o->ctx, l->email, msg);
        res->would++;
        free(msg);
        return CVOM_OK;
    }
    s = st->ops->begin(st, err);
    if (!s)
        s = st->ops->campaign_send_claim(st, c->id, l->stakeholder_id, round, o->now, &claimed,
                                         err);
    s = in_own_tx(st, s, err);
    if (!s && !claimed)
        res->skipped++;
    if (s || !claimed) {
        free(msg);
        return s;
    }
    enum cvom_send_state state = smtp_send(h, ms, l->email, msg, why, sizeof why);
    free(msg);
    state == CVOM_SEND_SENT      ? res->sent++
    : state == CVOM_SEND_REFUSED ? res->refused++
                                 : res->failed++;
    s = st->ops->begin(st, err);
    if (!s)
        s = st->ops->campaign_send_end(st, c->id, l->stakeholder_id, round, state, why, err);
    return in_own_tx(st, s, err);
}

enum cvom_status cvom__campaign_send(struct cvom_store *st, const struct cvom_mail_settings *ms,
                                     const char *ref, const struct cvom_send_opts *o,
                                     struct cvom_send_result *res, struct cvom_error *err)
{
    struct cvom_campaign_view v;
    memset(res, 0, sizeof *res);
    enum cvom_status s = cvom__campaign_view_load(st, ref, NULL, &v, err);
    if (!s && !cvom__campaign_open(&v.c, o->now))
        s = cvom_error_set(err, CVOM_EINVAL, "campaign '%s' is closed: its links work no more",
                           v.c.name);
    CURL *h = NULL;
    if (!s && !o->dry_run) {
        const char *why = cvom__lazy_curl_load();
        if (why)
            s = cvom_error_set(err, CVOM_EIO, "cannot send mail: %s", why);
        else if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK || !(h = curl_easy_init()))
            s = cvom_error_set(err, CVOM_EIO, "cannot start the mail library");
    }
    size_t total = 0, done = 0;
    int64_t round;
    for (size_t i = 0; !s && i < v.n; i++)
        total += due(&v.links[i], o, &round) && v.links[i].email[0];
    for (size_t i = 0; !s && i < v.n; i++) {
        const struct cvom_campaign_link *l = &v.links[i];
        if (!due(l, o, &round)) {
            res->skipped++;
            continue;
        }
        if (!l->email[0]) {
            res->no_email++;
            continue;
        }
        if (o->progress)
            o->progress(o->ctx, done, total);
        s = send_one(st, h, ms, &v.c, l, round, o, res, err);
        done++;
    }
    if (!s && o->progress && total)
        o->progress(o->ctx, done, total);
    if (h) {
        curl_easy_cleanup(h);
        curl_global_cleanup();
    }
    cvom__campaign_view_cleanup(&v);
    return s;
}
