/* pages_assess.c — recording answers: the assessment form of an account (our people, or a
 * stakeholder's answers typed in), creating a survey link for a stakeholder, and the public
 * survey page that the link opens. Every save is one transaction: the assessment with all
 * its answers, or nothing. */
#include "web/pages_util.h"

#include "io/util.h"
#include "service/auth.h"
#include "service/texts.h"
#include "web/auth.h"
#include "web/page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SURVEY_DAYS_DEFAULT 14
#define SURVEY_DAYS_MAX 60
#define SURVEY_LANGS_MAX 32 /* languages offered for one questionnaire */

/* ---- the assessment form ----------------------------------------------------------------- */

struct assess_form {
    struct cvom_account a;
    struct cvom_instrument ins;
    int64_t instrument_id;
    char respondent[32]; /* "self" or a stakeholder id */
    char date[16];
    struct pages_answers answers;
    int have_answers;
};

struct options_ctx {
    struct buf *b;
    const char *current; /* the stakeholder id chosen before, or "" */
};

static int stakeholder_option(void *ctx, const struct cvom_stakeholder *s)
{
    struct options_ctx *o = ctx;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)s->id);
    buf_printf(o->b, "<option value=\"%s\"%s>", id, strcmp(id, o->current) == 0 ? " selected" : "");
    buf_html(o->b, s->name);
    if (s->role[0]) {
        buf_puts(o->b, " (");
        buf_html(o->b, s->role);
        buf_puts(o->b, ")");
    }
    buf_puts(o->b, "</option>");
    return 0;
}

static void scale_hint(struct buf *b, const struct cvom_instrument *ins)
{
    int lo = ins->n_items ? ins->items[0].scale_min : 1;
    int hi = ins->n_items ? ins->items[0].scale_max : 7;
    for (size_t j = 1; j < ins->n_items; j++)
        if (ins->items[j].scale_min != lo || ins->items[j].scale_max != hi)
            lo = hi = 0;
    if (lo < hi)
        buf_printf(b, "from %d (strongly disagree) to %d (strongly agree)", lo, hi);
    else
        buf_puts(b, "on the scale shown with it, from strongly disagree to strongly agree");
}

/* ---- texts in the reader's language ------------------------------------------------------ */

/* A text's {name} placeholders filled from vars (name, value pairs ending in NULL), into out;
 * a placeholder no var names is kept as it is. The result is plain text: escape it. */
static void fill(char *out, size_t cap, const char *t, const char *const *vars)
{
    size_t n = 0;
    while (*t && n + 1 < cap) {
        const char *close = *t == '{' ? strchr(t, '}') : NULL;
        const char *value = NULL;
        for (size_t k = 0; close && vars && vars[k] && !value; k += 2)
            if (strlen(vars[k]) == (size_t)(close - t - 1) &&
                strncmp(vars[k], t + 1, (size_t)(close - t - 1)) == 0)
                value = vars[k + 1];
        if (value) {
            size_t m = strlen(value);
            if (m > cap - 1 - n)
                m = cap - 1 - n;
            memcpy(out + n, value, m);
            n += m;
            t = close + 1;
        } else {
            out[n++] = *t++;
        }
    }
    out[n] = '\0';
}

/* The same written escaped into b. */
static void put_text(struct buf *b, const char *t, const char *const *vars)
{
    char text[4 * CVOM_TEXT_MAX];
    fill(text, sizeof text, t, vars);
    buf_html(b, text);
}

/* Message id in the survey's language, or the English text for our own people (tx NULL). */
static const char *say(const struct cvom_texts *tx, const char *id, const char *english)
{
    return tx ? cvom__texts_msg(tx, id) : english;
}

/* ---- the questionnaire: every item of the instrument, grouped by what it measures -------- */

/* One statement as a fieldset of radio buttons, with "Can't say" for no answer. The field
 * names are those pages_answers_read reads ("i_CODE"). With tx, the respondent's text in
 * their language; without, the statement and its code for our own people. chosen (may be
 * NULL) marks the items answered so far, "Can't say" included: only those have a choice
 * checked; without it every item of a (not NULL) has one. */
static void item_fieldset(struct web_req *r, const struct cvom_instrument *ins, size_t j,
                          const struct pages_answers *a, const unsigned char *chosen,
                          const struct cvom_texts *tx)
{
    const struct cvom_item *it = &ins->items[j];
    struct buf *b = &r->out;
    char name[CVOM_CODE_MAX + 4], lo[16], hi[16];
    snprintf(name, sizeof name, "i_%s", it->code);
    snprintf(lo, sizeof lo, "%d", it->scale_min);
    snprintf(hi, sizeof hi, "%d", it->scale_max);
    const char *const range[] = {"min", lo, "max", hi, NULL};
    const char *disagree = say(tx, "scale.disagree", "strongly disagree");
    const char *agree = say(tx, "scale.agree", "strongly agree");
    int bad = a && a->bad[j];
    buf_puts(b,
             bad ? "<fieldset class=\"item invalid\" id=\"f-" : "<fieldset class=\"item\" id=\"f-");
    buf_html(b, it->code);
    buf_puts(b, "\"><legend>");
    if (!tx) {
        buf_puts(b, "<span class=\"code\">");
        buf_html(b, it->code);
        buf_puts(b, "</span> ");
    }
    buf_html(b, tx ? cvom__texts_item(tx, j) : it->statement);
    buf_puts(b, "</legend>");
    if (!tx && it->reverse)
        buf_puts(b, "<p class=\"hint\">Agreement lowers the score.</p>");
    if (bad) {
        buf_puts(b, "<p class=\"field-error\">");
        put_text(b,
                 say(tx, "error.scale",
                     "Choose a point from {min} to {max}, or \xE2\x80\x9C"
                     "Can\xE2\x80\x99t say\xE2\x80\x9D."),
                 range);
        buf_puts(b, "</p>");
    }
    buf_puts(b, "<div class=\"scale\">");
    int answered = a && (!chosen || chosen[j]);
    for (int x = it->scale_min; x <= it->scale_max; x++) {
        int checked = answered && !isnan(a->value[j]) && (int)a->value[j] == x;
        buf_puts(b, "<label class=\"pt\"><input type=\"radio\" name=\"");
        buf_html(b, name);
        buf_printf(b, "\" value=\"%d\"%s><span>%d", x, checked ? " checked" : "", x);
        if (x == it->scale_min || x == it->scale_max) {
            buf_puts(b, "<span class=\"sr\"> (");
            buf_html(b, x == it->scale_min ? disagree : agree);
            buf_puts(b, ")</span>");
        }
        buf_puts(b, "</span></label>");
    }
    int none = answered && isnan(a->value[j]) && !a->bad[j];
    buf_puts(b, "<label class=\"pt na\"><input type=\"radio\" name=\"");
    buf_html(b, name);
    buf_printf(b, "\" value=\"\"%s><span>", none ? " checked" : "");
    buf_html(b, say(tx, "scale.cant_say", "Can\xE2\x80\x99t say"));
    buf_printf(b, "</span></label></div><div class=\"scale-ends\" aria-hidden=\"true\"><span>%d ",
               it->scale_min);
    buf_html(b, disagree);
    buf_printf(b, "</span><span>%d ", it->scale_max);
    buf_html(b, agree);
    buf_puts(b, "</span></div></fieldset>");
}

/* The groups of the questionnaire, in the order they are asked. The partnership axes come
 * last, under one section with a sub-heading per pillar and trust. */
static const struct {
    enum cvom_axis axis;
    const char *title; /* for our own people; a respondent reads "group.AXIS" */
} form_groups[] = {
    {CVOM_AXIS_INTELLECTUAL, "Intellectual value: expertise, insight, networks"},
    {CVOM_AXIS_EMOTIONAL, "Emotional value: trust and the relationship"},
    {CVOM_AXIS_BOTH, "Price (counts against both axes)"},
    {CVOM_AXIS_PASSION, "Passion: enthusiasm both sides put into the work"},
    {CVOM_AXIS_RESONANCE, "Resonance: shared priorities and goals"},
    {CVOM_AXIS_SECURITY, "Security: a relationship that lasts and bears conflict"},
    {CVOM_AXIS_CREATIVITY, "Creativity: new ideas made together"},
    {CVOM_AXIS_TRUST, "Trust: the ground the pillars stand on"},
};

static size_t items_on(const struct cvom_instrument *ins, enum cvom_axis axis)
{
    size_t n = 0;
    for (size_t j = 0; j < ins->n_items && j < CVOM_ITEMS_MAX; j++)
        n += ins->items[j].axis == axis;
    return n;
}

static int has_partnership(const struct cvom_instrument *ins)
{
    for (size_t j = 0; j < ins->n_items; j++)
        if (cvom_axis_pillar(ins->items[j].axis) >= 0)
            return 1;
    return 0;
}

/* Every item of ins, one section per value axis and one for the partnership, with a's
 * answers checked (a may be NULL; chosen as for item_fieldset). With tx the headings are the
 * respondent's, in their language ("group.AXIS"). Items on an axis no group names (none
 * today) come last so that nothing asked is left out. */
static void questionnaire(struct web_req *r, const struct cvom_instrument *ins,
                          const struct pages_answers *a, const unsigned char *chosen,
                          const struct cvom_texts *tx)
{
    struct buf *b = &r->out;
    int partnership_open = 0;
    for (size_t g = 0; g < sizeof form_groups / sizeof *form_groups; g++) {
        enum cvom_axis axis = form_groups[g].axis;
        if (!items_on(ins, axis))
            continue;
        char id[32];
        snprintf(id, sizeof id, "group.%s", cvom_axis_name(axis));
        const char *title = tx ? cvom__texts_msg(tx, id) : form_groups[g].title;
        if (cvom_axis_pillar(axis) < 0) {
            buf_printf(b, "<section class=\"part\" data-axis=\"%s\"><h2>", cvom_axis_name(axis));
            buf_html(b, title);
            buf_puts(b, "</h2>");
        } else {
            if (!partnership_open) {
                buf_puts(b, "<section class=\"part partnership\" data-axis=\"partnership\">"
                            "<h2>");
                buf_html(b, say(tx, "group.partnership", "How the partnership stands"));
                buf_puts(b, "</h2><p class=\"hint\">");
                buf_html(b, say(tx, "group.partnership_hint",
                                "The four pillars of the partnership and the trust under "
                                "them. They feed partnership health, not the two value "
                                "axes; answer those you can judge."));
                buf_puts(b, "</p>");
                partnership_open = 1;
            }
            buf_printf(b, "<div class=\"pillar-group\" data-axis=\"%s\"><h3>",
                       cvom_axis_name(axis));
            buf_html(b, title);
            buf_puts(b, "</h3>");
        }
        for (size_t j = 0; j < ins->n_items && j < CVOM_ITEMS_MAX; j++)
            if (ins->items[j].axis == axis)
                item_fieldset(r, ins, j, a, chosen, tx);
        buf_puts(b, cvom_axis_pillar(axis) < 0 ? "</section>" : "</div>");
    }
    if (partnership_open)
        buf_puts(b, "</section>");
    int other = 0;
    for (size_t j = 0; j < ins->n_items && j < CVOM_ITEMS_MAX; j++) {
        int known = 0;
        for (size_t g = 0; g < sizeof form_groups / sizeof *form_groups; g++)
            known |= ins->items[j].axis == form_groups[g].axis;
        if (known)
            continue;
        if (!other++) {
            buf_puts(b, "<section class=\"part\"><h2>");
            buf_html(b, say(tx, "group.other", "Other statements"));
            buf_puts(b, "</h2>");
        }
        item_fieldset(r, ins, j, a, chosen, tx);
    }
    if (other)
        buf_puts(b, "</section>");
}

static enum cvom_status assess_page(struct web_req *r, const struct assess_form *f,
                                    const char *error)
{
    struct buf *b = &r->out;
    char title[CVOM_FIELD_MAX + 32];
    snprintf(title, sizeof title, "Assessment \xC2\xB7 %s", f->a.name);
    page_begin(r, title, "accounts");
    buf_printf(b,
               "<nav class=\"crumbs\" aria-label=\"Breadcrumb\"><a href=\"/accounts\">"
               "Accounts</a> <span aria-hidden=\"true\">\xE2\x80\xBA</span> <a "
               "href=\"/accounts/%lld\">",
               (long long)f->a.id);
    buf_html(b, f->a.name);
    buf_puts(b, "</a> <span aria-hidden=\"true\">\xE2\x80\xBA</span> <span aria-current=\"page\">"
                "Assessment</span></nav><div class=\"page-head\"><h1>Record an assessment</h1>"
                "<p class=\"sub\">");
    buf_html(b, f->a.name);
    buf_puts(b, " \xC2\xB7 questionnaire \xE2\x80\x9C");
    buf_html(b, f->ins.name);
    buf_printf(b, "\xE2\x80\x9D version %d \xC2\xB7 %zu statements</p></div>", f->ins.version,
               f->ins.n_items);
    if (error)
        page_notice(r, "error", error);
    buf_printf(b,
               "<form class=\"assess\" method=\"post\" action=\"/accounts/%lld/assess\" "
               "data-progress>",
               (long long)f->a.id);
    page_csrf(r);
    buf_printf(b, "<input type=\"hidden\" name=\"instrument\" value=\"%lld\">",
               (long long)f->instrument_id);
    buf_puts(b, "<fieldset class=\"answerer\"><legend>Who answers, and when</legend><div "
                "class=\"field\"><label for=\"respondent\">Respondent</label><select "
                "id=\"respondent\" name=\"respondent\" required><option value=\"\">Choose"
                "\xE2\x80\xA6</option><option value=\"self\"");
    if (strcmp(f->respondent, "self") == 0)
        buf_puts(b, " selected");
    buf_puts(b, ">Our own view (");
    buf_html(b, r->user.display[0] ? r->user.display : r->user.name);
    buf_puts(b, ")</option><optgroup label=\"A stakeholder: the customer's view\">");
    struct options_ctx o = {b, f->respondent};
    enum cvom_status st =
        r->store->ops->stakeholder_list(r->store, f->a.id, stakeholder_option, &o, &r->err);
    if (st)
        return st;
    char today[11];
    cvom_date_format(pages_today(), today);
    buf_printf(b,
               "</optgroup></select></div><div class=\"field\"><label for=\"date\">Date"
               "</label><input type=\"date\" id=\"date\" name=\"date\" required max=\"%s\" "
               "value=\"",
               today);
    buf_html(b, f->date[0] ? f->date : today);
    buf_puts(b, "\"></div></fieldset><p class=\"hint\">Rate each statement ");
    scale_hint(b, &f->ins);
    buf_printf(b,
               ". \xE2\x80\x9C"
               "Can\xE2\x80\x99t say\xE2\x80\x9D leaves a statement "
               "unanswered; at least %d on each value axis (intellectual and emotional; "
               "price counts for both) are needed.%s</p>",
               f->ins.min_items,
               has_partnership(&f->ins) ? " The partnership statements are optional." : "");
    questionnaire(r, &f->ins, f->have_answers ? &f->answers : NULL, NULL, NULL);
    buf_printf(b,
               "<div class=\"submitbar\"><button type=\"submit\">Save assessment</button> "
               "<span class=\"progress\" aria-live=\"polite\"></span> <a "
               "href=\"/accounts/%lld\">Cancel</a></div></form>",
               (long long)f->a.id);
    page_end(r);
    return CVOM_OK;
}

/* The account, the right to change it, and the questionnaire (the one the form was made
 * with, when the form says which). 0, or the HTTP status of the answer already built. */
static int assess_load(struct web_req *r, struct assess_form *f, const char *instrument)
{
    memset(f, 0, sizeof *f);
    cvom_instrument_init(&f->ins);
    int http = pages_load_account(r, &f->a);
    if (http)
        return http;
    if (!pages_can_edit(r, &f->a))
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Your role does not allow assessing this account.");
    long id;
    enum cvom_status st;
    if (instrument && !cvom__parse_long(instrument, 1, INT32_MAX, &id)) {
        f->instrument_id = id;
        st = r->store->ops->instrument_get(r->store, id, &f->ins, &r->err);
        if (st == CVOM_ENOTFOUND)
            return web_refuse(r, WEB_INVALID, NULL,
                              "The questionnaire of this form no longer exists. "
                              "Please open the form again.");
    } else {
        st = pages_default_instrument(r->store, &f->ins, &f->instrument_id, &r->err);
    }
    return st ? web_fail(r, st, &r->err) : 0;
}

int pages_assess_get(struct web_req *r)
{
    struct assess_form *f = malloc(sizeof *f);
    if (!f)
        return web_fail(r, CVOM_ENOMEM, NULL);
    int http = assess_load(r, f, NULL);
    if (!http) {
        enum cvom_status st = assess_page(r, f, NULL);
        http = st ? web_fail(r, st, &r->err) : 200;
    }
    cvom_instrument_cleanup(&f->ins);
    free(f);
    return http;
}

/* Who answers: our own view under the user's display name, or a stakeholder of the
 * account. Fills the respondent of *as; returns a message when the choice is not valid. */
static const char *choose_respondent(struct web_req *r, const struct assess_form *f,
                                     struct cvom_assessment *as)
{
    if (strcmp(f->respondent, "self") == 0) {
        as->kind = CVOM_RESP_SELF;
        cvom__copy_str(as->respondent, sizeof as->respondent,
                       r->user.display[0] ? r->user.display : r->user.name);
        return NULL;
    }
    long id;
    struct cvom_stakeholder sh;
    if (!f->respondent[0])
        return "Please choose who answers.";
    if (cvom__parse_long(f->respondent, 1, INT32_MAX, &id) ||
        r->store->ops->stakeholder_find(r->store, f->a.id, f->respondent, &sh, NULL) || sh.id != id)
        return "That stakeholder does not belong to this account.";
    as->kind = CVOM_RESP_CUSTOMER;
    as->stakeholder_id = sh.id;
    cvom__copy_str(as->respondent, sizeof as->respondent, sh.name);
    return NULL;
}

int pages_assess_post(struct web_req *r)
{
    struct assess_form *f = malloc(sizeof *f);
    if (!f)
        return web_fail(r, CVOM_ENOMEM, NULL);
    int http = assess_load(r, f, web_field(r, "instrument"));
    if (http)
        goto done;
    const char *v;
    cvom__copy_str(f->respondent, sizeof f->respondent, (v = web_field(r, "respondent")) ? v : "");
    cvom__copy_str(f->date, sizeof f->date, (v = web_field(r, "date")) ? v : "");
    pages_answers_read(r, &f->ins, &f->answers);
    f->have_answers = 1;

    struct cvom_assessment as = {.account_id = f->a.id, .instrument_id = f->instrument_id};
    char msg[320];
    const char *problem = choose_respondent(r, f, &as);
    if (!problem && cvom_date_parse(f->date, &as.date))
        problem = "Please give the date of the assessment as YYYY-MM-DD.";
    else if (!problem && as.date > pages_today())
        problem = "The date is in the future: an assessment records what was said.";
    if (!problem && !pages_answers_ok(&f->ins, &f->answers, msg, sizeof msg))
        problem = msg;
    if (problem) {
        r->status = 422;
        enum cvom_status st = assess_page(r, f, problem);
        http = st ? web_fail(r, st, &r->err) : 422;
        goto done;
    }
    enum cvom_status st = r->store->ops->begin(r->store, &r->err);
    if (!st)
        st = pages_answers_save(r->store, &as, &f->ins, &f->answers, &r->err);
    if (!st)
        st = r->store->ops->commit(r->store, &r->err);
    if (st) {
        r->store->ops->rollback(r->store);
        http = web_fail(r, st, &r->err);
        goto done;
    }
    char to[64];
    snprintf(to, sizeof to, "/accounts/%lld?saved=assessment", (long long)f->a.id);
    http = web_redirect(r, to);
done:
    cvom_instrument_cleanup(&f->ins);
    free(f);
    return http;
}

/* ---- creating a survey link -------------------------------------------------------------- */

/* scheme://host of this request, from its Host header when that looks like a host name. */
static void request_origin(struct web_req *r, char *out, size_t cap)
{
    const char *host = web_header(r, "Host");
    size_t n = host ? strlen(host) : 0;
    int ok = n > 0 && n < 256;
    for (size_t i = 0; ok && i < n; i++) {
        char c = host[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    }
    if (ok)
        snprintf(out, cap, "%s://%s", r->app->secure_cookies ? "https" : "http", host);
    else
        snprintf(out, cap, "%s", r->app->public_origin);
}

int pages_survey_create(struct web_req *r)
{
    struct cvom_account a;
    int http = pages_load_account(r, &a);
    if (http)
        return http;
    if (!pages_can_edit(r, &a))
        return web_refuse(r, WEB_FORBIDDEN, NULL, "Your role does not allow this.");
    const char *who = web_field(r, "stakeholder"), *days_text = web_field(r, "days");
    long days = SURVEY_DAYS_DEFAULT, sid;
    struct cvom_stakeholder sh;
    if (!who || cvom__parse_long(who, 1, INT32_MAX, &sid) ||
        r->store->ops->stakeholder_find(r->store, a.id, who, &sh, NULL) || sh.id != sid)
        return web_refuse(r, WEB_INVALID, "stakeholder",
                          "Please choose a stakeholder of this account.");
    if (days_text && days_text[0] && cvom__parse_long(days_text, 1, SURVEY_DAYS_MAX, &days))
        return web_refuse(r, WEB_INVALID, "days", "A link is valid for 1 to 60 days.");

    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    char secret[CVOM_SECRET_CHARS];
    struct cvom_survey s = {.account_id = a.id, .stakeholder_id = sh.id};
    s.created = (int64_t)time(NULL);
    s.expires = s.created + days * 86400;
    cvom__copy_str(s.created_by, sizeof s.created_by, r->user.name);
    enum cvom_status st = pages_default_instrument(r->store, &ins, &s.instrument_id, &r->err);
    cvom_instrument_cleanup(&ins);
    /* The language the link is issued in: one the questionnaire can be read in, or none (the
     * recipient's browser chooses). */
    const char *language = web_field(r, "language");
    if (!st && language && language[0]) {
        char langs[SURVEY_LANGS_MAX][CVOM_LANG_MAX];
        size_t n = 0, i = 0;
        st = cvom__texts_languages(r->store, s.instrument_id, langs, SURVEY_LANGS_MAX, &n, &r->err);
        while (i < n && strcmp(langs[i], language) != 0)
            i++;
        if (!st && i == n)
            return web_refuse(r, WEB_INVALID, "language",
                              "The questionnaire has no texts in that language.");
        cvom__copy_str(s.language, sizeof s.language, language);
    }
    cvom__secret_new(secret);
    cvom__secret_digest(secret, s.hash);
    if (!st)
        st = r->store->ops->begin(r->store, &r->err);
    if (!st)
        st = r->store->ops->survey_add(r->store, &s, &r->err);
    char target[64], detail[CVOM_FIELD_MAX + 64], expires[11];
    cvom_date_format((int32_t)(s.expires / 86400), expires);
    snprintf(target, sizeof target, "account %lld", (long long)a.id);
    snprintf(detail, sizeof detail, "stakeholder %lld, expires %s", (long long)sh.id, expires);
    if (!st)
        web_audit(r, "survey-link-create", target, detail);
    if (!st)
        st = r->store->ops->commit(r->store, &r->err);
    if (st) {
        r->store->ops->rollback(r->store);
        memset(secret, 0, sizeof secret);
        return web_fail(r, st, &r->err);
    }

    /* The link is shown this once: only its digest is stored. */
    struct buf *b = &r->out;
    char origin[320];
    request_origin(r, origin, sizeof origin);
    page_begin(r, "Survey link", "accounts");
    buf_printf(b,
               "<section class=\"narrow\"><nav class=\"crumbs\" aria-label=\"Breadcrumb\">"
               "<a href=\"/accounts/%lld\">",
               (long long)a.id);
    buf_html(b, a.name);
    buf_puts(b, "</a> <span aria-hidden=\"true\">\xE2\x80\xBA</span> <span "
                "aria-current=\"page\">Survey link</span></nav><h1>A survey link for ");
    buf_html(b, sh.name);
    buf_puts(b, "</h1>");
    page_notice(r, "ok", "The link is ready. Copy it now: it is shown only this once.");
    buf_puts(b, "<div class=\"stack\"><label for=\"survey-url\">Link</label><div "
                "class=\"inline\"><input id=\"survey-url\" class=\"mono\" readonly value=\"");
    buf_html(b, origin);
    buf_puts(b, "/survey/");
    buf_html(b, secret);
    buf_puts(b, "\"><button type=\"button\" data-copy=\"survey-url\">Copy link</button></div>"
                "</div><p>Send it to ");
    buf_html(b, sh.name);
    buf_printf(b,
               " yourself. It works <strong>once</strong> and expires on <strong>%s"
               "</strong> (in %ld day%s). Their answers will count as the customer's view "
               "of ",
               expires, days, days == 1 ? "" : "s");
    buf_html(b, a.name);
    buf_printf(b,
               ".</p><p><a class=\"button secondary\" href=\"/accounts/%lld#survey\">Back "
               "to the account</a></p></section>",
               (long long)a.id);
    page_end(r);
    memset(secret, 0, sizeof secret);
    return 200;
}

/* ---- the public survey page -------------------------------------------------------------- */

struct survey_view {
    struct cvom_survey link;
    struct cvom_account a;
    struct cvom_stakeholder sh;
    struct cvom_instrument ins;
    struct pages_answers answers;
    unsigned char chosen[CVOM_ITEMS_MAX]; /* answered, "Can't say" included */
    char comment[CVOM_COMMENT_MAX];
    char draft[CVOM_DRAFT_MAX];
    struct cvom_texts tx;
    int tx_open;
    char langs[SURVEY_LANGS_MAX][CVOM_LANG_MAX];
    size_t n_langs;
};

static struct survey_view *survey_new(void)
{
    struct survey_view *v = malloc(sizeof *v);
    if (v) {
        memset(v, 0, sizeof *v);
        cvom_instrument_init(&v->ins);
    }
    return v;
}

static void survey_free(struct survey_view *v)
{
    if (v->tx_open)
        cvom__texts_close(&v->tx);
    cvom_instrument_cleanup(&v->ins);
    free(v);
}

static int token_ok(const char *t)
{
    size_t n = strlen(t);
    if (n < 16 || n >= CVOM_SECRET_CHARS + 8)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return 0;
    }
    return 1;
}

#define SURVEY_GONE (-1)

/* The live link of this request with its account, stakeholder and questionnaire. 0,
 * SURVEY_GONE for anything but a live link, or the HTTP status of the answer already built. */
static int survey_load(struct web_req *r, struct survey_view *v)
{
    if (!token_ok(r->param[0]))
        return SURVEY_GONE;
    char digest[CVOM_DIGEST_HEX], ref[24];
    cvom__secret_digest(r->param[0], digest);
    enum cvom_status st = r->store->ops->survey_get(r->store, digest, &v->link, &r->err);
    if (st == CVOM_ENOTFOUND || (!st && (v->link.used || v->link.expires <= (int64_t)time(NULL))))
        return SURVEY_GONE;
    if (!st)
        st = r->store->ops->account_get(r->store, v->link.account_id, &v->a, &r->err);
    snprintf(ref, sizeof ref, "%lld", (long long)v->link.stakeholder_id);
    if (!st)
        st = r->store->ops->stakeholder_find(r->store, v->a.id, ref, &v->sh, &r->err);
    if (!st)
        st = r->store->ops->instrument_get(r->store, v->link.instrument_id, &v->ins, &r->err);
    if (st == CVOM_ENOTFOUND)
        return SURVEY_GONE;
    return st ? web_fail(r, st, &r->err) : 0;
}

/* A campaign's figures: the link was opened (started: answers were sent, complete or not).
 * Only the first time counts; a link of no campaign changes nothing. A failure to record
 * it must not keep the customer from answering, so it is only logged. */
static void survey_seen(struct web_req *r, int started)
{
    char digest[CVOM_DIGEST_HEX];
    struct cvom_error err = {0};
    cvom__secret_digest(r->param[0], digest);
    if (r->store->ops->campaign_link_seen(r->store, digest, started, (int64_t)time(NULL), &err))
        fprintf(stderr, "cvom serve: recording a campaign link's visit: %s\n", err.message);
}

static int lang_listed(const struct survey_view *v, const char *tag)
{
    for (size_t i = 0; i < v->n_langs; i++)
        if (strcasecmp(v->langs[i], tag) == 0)
            return (int)i;
    return -1;
}

/* The language of Accept-Language that v has, best quality first ("de-CH" finds "de"), or
 * NULL. Entries past a bounded number are not read. */
static const char *accepted(const struct survey_view *v, const char *header)
{
    const char *best = NULL;
    double best_q = 0;
    for (int k = 0; header && *header && k < 32; k++) {
        char entry[64];
        size_t n = strcspn(header, ",");
        snprintf(entry, sizeof entry, "%.*s", (int)(n < sizeof entry ? n : sizeof entry - 1),
                 header);
        header += n + (header[n] == ',');
        char *tag = cvom__trim(entry), *q = strchr(tag, ';');
        double quality = 1;
        if (q) {
            *q = '\0';
            char *val = strstr(q + 1, "q=");
            if (val && cvom__parse_double(cvom__trim(val + 2), &quality))
                quality = 0;
            tag = cvom__trim(tag);
        }
        int at = lang_listed(v, tag);
        if (at < 0 && strchr(tag, '-')) {
            *strchr(tag, '-') = '\0';
            at = lang_listed(v, tag);
        }
        if (at >= 0 && quality > best_q) {
            best = v->langs[at];
            best_q = quality;
        }
    }
    return best;
}

/* The page's language: the one asked for on the page (a language link, or the form's), else
 * the link's own, else the browser's first that the questionnaire has, else English; and
 * its texts. 0, or the HTTP status of the failure answered. */
static int survey_texts(struct web_req *r, struct survey_view *v, const char *asked)
{
    struct cvom_error ignored = {0};
    if (v->tx_open)
        cvom__texts_close(&v->tx);
    v->tx_open = 0;
    /* without the stored languages, the built-in ones are still offered */
    cvom__texts_languages(r->store, v->link.instrument_id, v->langs, SURVEY_LANGS_MAX, &v->n_langs,
                          &ignored);
    int at = asked ? lang_listed(v, asked) : -1;
    const char *lang = at >= 0 ? v->langs[at] : NULL;
    if (!lang && v->link.language[0])
        lang = v->link.language;
    if (!lang)
        lang = accepted(v, web_header(r, "Accept-Language"));
    enum cvom_status st = cvom__texts_open(&v->tx, r->store, v->link.instrument_id, &v->ins,
                                           lang ? lang : "en", &r->err);
    v->tx_open = 1;
    return st ? web_fail(r, st, &r->err) : 0;
}

static const char *msg(const struct survey_view *v, const char *id)
{
    return cvom__texts_msg(&v->tx, id);
}

/* The page for a link that is not live, in the language asked or the browser's. */
static int survey_gone(struct web_req *r, struct survey_view *v, const char *asked)
{
    v->link.language[0] = '\0';
    v->link.instrument_id = 0;
    int http = survey_texts(r, v, asked);
    if (http)
        return http;
    r->status = web_http_status(CVOM_ENOTFOUND);
    page_begin_in(r, msg(v, "gone.title"), NULL, v->tx.lang, msg(v, "page.skip"));
    buf_puts(&r->out, "<section class=\"narrow card\"><h1>");
    buf_html(&r->out, msg(v, "gone.title"));
    buf_puts(&r->out, "</h1><p>");
    buf_html(&r->out, msg(v, "gone.text"));
    buf_puts(&r->out, "</p></section>");
    page_end(r);
    return r->status;
}

/* Which items the request answers ("Can't say" included), and its comment: 0, or 1 when the
 * comment is past CVOM_COMMENT_CHARS characters (or not text). */
static int survey_read(struct web_req *r, struct survey_view *v)
{
    pages_answers_read(r, &v->ins, &v->answers);
    for (size_t j = 0; j < v->ins.n_items && j < CVOM_ITEMS_MAX; j++) {
        char name[CVOM_CODE_MAX + 4];
        snprintf(name, sizeof name, "i_%s", v->ins.items[j].code);
        v->chosen[j] = web_field(r, name) != NULL && !v->answers.bad[j];
    }
    const char *c = web_field(r, "comment");
    size_t chars = 0;
    for (const char *p = c ? c : ""; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    int too_long = chars > CVOM_COMMENT_CHARS || (c && !cvom__utf8_valid(c));
    if (too_long || cvom__copy_str(v->comment, sizeof v->comment, c ? c : ""))
        return 1;
    cvom__trim(v->comment);
    return 0;
}

/* The answers so far as a draft: a line "CODE=VALUE" per answered item, VALUE empty for
 * "Can't say". */
static void draft_write(const struct survey_view *v, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    for (size_t j = 0; j < v->ins.n_items && j < CVOM_ITEMS_MAX; j++) {
        if (!v->chosen[j])
            continue;
        int k = isnan(v->answers.value[j])
                    ? snprintf(out + n, cap - n, "%s=\n", v->ins.items[j].code)
                    : snprintf(out + n, cap - n, "%s=%d\n", v->ins.items[j].code,
                               (int)v->answers.value[j]);
        if (k < 0 || (size_t)k >= cap - n) {
            out[n] = '\0';
            return;
        }
        n += (size_t)k;
    }
}

/* The draft back into answers: lines naming no item of the questionnaire, or a value off its
 * scale, are passed over. */
static void draft_read(struct survey_view *v)
{
    pages_answers_init(&v->answers);
    for (char *line = v->draft; *line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        char *eq = strchr(line, '=');
        if (eq) {
            *eq = '\0';
            int j = cvom_instrument_find(&v->ins, line);
            long x;
            if (j >= 0 && j < CVOM_ITEMS_MAX) {
                const struct cvom_item *it = &v->ins.items[j];
                if (!eq[1]) {
                    v->chosen[j] = 1;
                } else if (!cvom__parse_long(eq + 1, it->scale_min, it->scale_max, &x)) {
                    v->chosen[j] = 1;
                    v->answers.value[j] = (double)x;
                }
            }
        }
        if (!end)
            break;
        line = end + 1;
    }
}

static size_t answered(const struct survey_view *v)
{
    size_t n = 0;
    for (size_t j = 0; j < v->ins.n_items && j < CVOM_ITEMS_MAX; j++)
        n += v->chosen[j] && !isnan(v->answers.value[j]);
    return n;
}

/* Whether the answers can be sent; when not, msg receives what to fix, in the page's
 * language. */
static int survey_ok(const struct survey_view *v, char *out, size_t cap)
{
    const struct pages_answers *a = &v->answers;
    if (a->n_bad) {
        fill(out, cap, msg(v, "error.bad"), NULL);
        return 0;
    }
    int need = v->ins.min_items > 0 ? v->ins.min_items : 1;
    if (a->on_axis[CVOM_DIM_INTELLECTUAL] >= need && a->on_axis[CVOM_DIM_EMOTIONAL] >= need)
        return 1;
    char n[16], i[16], e[16];
    snprintf(n, sizeof n, "%d", need);
    snprintf(i, sizeof i, "%d", a->on_axis[CVOM_DIM_INTELLECTUAL]);
    snprintf(e, sizeof e, "%d", a->on_axis[CVOM_DIM_EMOTIONAL]);
    const char *const vars[] = {"need", n, "intellectual", i, "emotional", e, NULL};
    fill(out, cap, msg(v, "error.too_few"), vars);
    return 0;
}

/* A data attribute holding a text for the script (escaped). */
static void data_text(struct buf *b, const char *attr, const char *text)
{
    buf_printf(b, " %s=\"", attr);
    buf_html(b, text);
    buf_puts(b, "\"");
}

/* Links to the page in the other languages of its questionnaire. */
static void language_links(struct web_req *r, const struct survey_view *v)
{
    struct buf *b = &r->out;
    if (v->n_langs < 2)
        return;
    buf_puts(b, "<nav class=\"langs\" aria-label=\"");
    buf_html(b, msg(v, "page.language"));
    buf_puts(b, "\"><ul>");
    for (size_t i = 0; i < v->n_langs; i++) {
        struct cvom_lang_file f;
        cvom__lang_init(&f);
        const char *tag = v->langs[i];
        const char *name = cvom__lang_builtin(tag, &f, NULL) == CVOM_OK && f.name[0] ? f.name : tag;
        int here = strcmp(tag, v->tx.lang) == 0;
        buf_puts(b, "<li><a href=\"?lang=");
        buf_url(b, tag);
        buf_puts(b, "\" hreflang=\"");
        buf_html(b, tag);
        buf_puts(b, "\" lang=\"");
        buf_html(b, tag);
        buf_puts(b, here ? "\" aria-current=\"true\">" : "\">");
        buf_html(b, name);
        buf_puts(b, "</a></li>");
        cvom__lang_cleanup(&f);
    }
    buf_puts(b, "</ul></nav>");
}

static void survey_page(struct web_req *r, const struct survey_view *v, const char *error)
{
    struct buf *b = &r->out;
    char lo[16], hi[16], count[16], total[16];
    snprintf(lo, sizeof lo, "%d", v->ins.n_items ? v->ins.items[0].scale_min : 1);
    snprintf(hi, sizeof hi, "%d", v->ins.n_items ? v->ins.items[0].scale_max : 7);
    snprintf(count, sizeof count, "%zu", answered(v));
    snprintf(total, sizeof total, "%zu", v->ins.n_items);
    const char *const who[] = {"name", v->sh.name, NULL};
    const char *const lead[] = {"account", v->a.name, "min", lo, "max", hi, NULL};
    const char *const progress[] = {"n", count, "total", total, NULL};
    char chars[16];
    snprintf(chars, sizeof chars, "%d", CVOM_COMMENT_CHARS);
    const char *const limit[] = {"max", chars, NULL};

    page_begin_in(r, msg(v, "page.title"), NULL, v->tx.lang, msg(v, "page.skip"));
    buf_puts(b, "<div class=\"survey\">");
    language_links(r, v);
    buf_puts(b, "<h1>");
    put_text(b, msg(v, "page.heading"), who);
    buf_puts(b, "</h1><p class=\"lead\">");
    put_text(b, msg(v, "page.lead"), lead);
    buf_puts(b, "</p><p class=\"hint\">");
    buf_html(b, msg(v, "page.saving"));
    buf_puts(b, "</p>");
    if (error)
        page_notice(r, "error", error);
    buf_puts(b, "<form class=\"assess\" method=\"post\" data-progress action=\"/survey/");
    buf_url(b, r->param[0]);
    buf_puts(b, "\" data-draft=\"/survey/");
    buf_url(b, r->param[0]);
    buf_puts(b, "/draft\"");
    data_text(b, "data-progress-text", msg(v, "send.progress"));
    data_text(b, "data-saved-text", msg(v, "draft.saved"));
    data_text(b, "data-failed-text", msg(v, "draft.failed"));
    buf_puts(b, "><input type=\"hidden\" name=\"lang\" value=\"");
    buf_html(b, v->tx.lang);
    buf_puts(b, "\">");
    questionnaire(r, &v->ins, &v->answers, v->chosen, &v->tx);
    buf_puts(b, "<div class=\"field comment\"><label for=\"comment\">");
    buf_html(b, msg(v, "comment.label"));
    buf_printf(b,
               "</label><textarea id=\"comment\" name=\"comment\" rows=\"4\" maxlength=\"%d\" "
               "aria-describedby=\"comment-hint\">",
               CVOM_COMMENT_CHARS);
    buf_html(b, v->comment);
    buf_puts(b, "</textarea><p class=\"hint\" id=\"comment-hint\">");
    put_text(b, msg(v, "comment.hint"), limit);
    buf_puts(b, "</p></div><div class=\"submitbar\"><button type=\"submit\">");
    buf_html(b, msg(v, "send.button"));
    buf_puts(b, "</button> <span class=\"progress\" aria-live=\"polite\">");
    put_text(b, msg(v, "send.progress"), progress);
    buf_puts(b, "</span> <span class=\"saved\" role=\"status\"></span></div></form></div>");
    page_end(r);
}

int pages_survey_get(struct web_req *r)
{
    struct survey_view *v = survey_new();
    if (!v)
        return web_fail(r, CVOM_ENOMEM, NULL);
    int http = survey_load(r, v);
    if (http == SURVEY_GONE) {
        http = survey_gone(r, v, web_query(r, "lang"));
    } else if (!http && !(http = survey_texts(r, v, web_query(r, "lang")))) {
        char digest[CVOM_DIGEST_HEX];
        cvom__secret_digest(r->param[0], digest);
        enum cvom_status st = r->store->ops->survey_draft_get(
            r->store, digest, v->draft, sizeof v->draft, v->comment, sizeof v->comment, &r->err);
        if (!st) {
            draft_read(v);
            survey_seen(r, 0);
            survey_page(r, v, NULL);
            http = 200;
        } else {
            http = web_fail(r, st, &r->err);
        }
    }
    survey_free(v);
    return http;
}

/* The answers so far, kept with the link while the customer answers (a script on the page
 * sends the whole form at each change). Same origin only, and the link must be live. */
int pages_survey_draft(struct web_req *r)
{
    if (!web_same_origin(r))
        return web_refuse(r, WEB_FORBIDDEN, NULL, "This request did not come from the survey.");
    struct survey_view *v = survey_new();
    if (!v)
        return web_fail(r, CVOM_ENOMEM, NULL);
    int http = survey_load(r, v);
    if (http == SURVEY_GONE)
        http = web_refuse(r, WEB_NOT_FOUND, NULL, "This survey link is no longer valid.");
    else if (!http && survey_read(r, v))
        http = web_refuse(r, WEB_TOO_LARGE, "comment", "The comment is too long.");
    if (!http) {
        char digest[CVOM_DIGEST_HEX];
        cvom__secret_digest(r->param[0], digest);
        draft_write(v, v->draft, sizeof v->draft);
        enum cvom_status st = r->store->ops->survey_draft_put(r->store, digest, (int64_t)time(NULL),
                                                              v->draft, v->comment, &r->err);
        if (st == CVOM_ENOTFOUND)
            http = web_refuse(r, WEB_NOT_FOUND, NULL, "This survey link is no longer valid.");
        else if (st)
            http = web_fail(r, st, &r->err);
        else {
            r->out_type = "application/json";
            buf_printf(&r->out, "{\"saved\":true,\"answered\":%zu}", answered(v));
            http = 200;
        }
    }
    survey_free(v);
    return http;
}

/* In one transaction: the customer's assessment with its answers and comment, and the link
 * marked used (its draft dropped). A link used meanwhile by another answer makes survey_use
 * fail: then nothing is kept. */
static enum cvom_status survey_save(struct web_req *r, struct survey_view *v, char *digest)
{
    struct cvom_assessment as = {
        .account_id = v->a.id,
        .instrument_id = v->link.instrument_id,
        .kind = CVOM_RESP_CUSTOMER,
        .stakeholder_id = v->sh.id,
        .date = pages_today(),
    };
    cvom__copy_str(as.respondent, sizeof as.respondent, v->sh.name);
    enum cvom_status st = r->store->ops->begin(r->store, &r->err);
    if (!st)
        st = pages_answers_save(r->store, &as, &v->ins, &v->answers, &r->err);
    if (!st && v->comment[0])
        st = r->store->ops->comment_put(r->store, as.id, v->comment, &r->err);
    if (!st)
        st = r->store->ops->survey_use(r->store, digest, (int64_t)time(NULL), as.id, &r->err);
    if (!st) {
        char target[64], detail[96];
        snprintf(target, sizeof target, "account %lld", (long long)v->a.id);
        snprintf(detail, sizeof detail, "stakeholder %lld, assessment %lld", (long long)v->sh.id,
                 (long long)as.id);
        web_audit(r, "survey-answered", target, detail);
        st = r->store->ops->commit(r->store, &r->err);
    }
    if (st)
        r->store->ops->rollback(r->store);
    return st;
}

int pages_survey_post(struct web_req *r)
{
    struct survey_view *v = survey_new();
    if (!v)
        return web_fail(r, CVOM_ENOMEM, NULL);
    const char *asked = web_field(r, "lang");
    int http = survey_load(r, v);
    if (http == SURVEY_GONE)
        http = survey_gone(r, v, asked);
    if (http || (http = survey_texts(r, v, asked)))
        goto done;
    survey_seen(r, 1);
    char problem[1024];
    int too_long = survey_read(r, v);
    if (too_long) {
        char chars[16];
        snprintf(chars, sizeof chars, "%d", CVOM_COMMENT_CHARS);
        const char *const limit[] = {"max", chars, NULL};
        fill(problem, sizeof problem, msg(v, "error.comment"), limit);
    }
    if (too_long || !survey_ok(v, problem, sizeof problem)) {
        r->status = web_http_status(CVOM_EINVAL);
        survey_page(r, v, problem);
        http = r->status;
        goto done;
    }
    char digest[CVOM_DIGEST_HEX];
    cvom__secret_digest(r->param[0], digest);
    enum cvom_status st = survey_save(r, v, digest);
    if (st == CVOM_ENOTFOUND) {
        http = survey_gone(r, v, asked);
        goto done;
    }
    if (st) {
        http = web_fail(r, st, &r->err);
        goto done;
    }
    const char *const who[] = {"name", v->sh.name, NULL};
    page_begin_in(r, msg(v, "thanks.title"), NULL, v->tx.lang, msg(v, "page.skip"));
    buf_puts(&r->out, "<section class=\"narrow card\"><h1>");
    put_text(&r->out, msg(v, "thanks.heading"), who);
    buf_puts(&r->out, "</h1><p class=\"lead\">");
    buf_html(&r->out, msg(v, "thanks.text"));
    buf_puts(&r->out, "</p></section>");
    page_end(r);
    http = 200;
done:
    survey_free(v);
    return http;
}
