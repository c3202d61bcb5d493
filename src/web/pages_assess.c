/* pages_assess.c — recording answers: the assessment form of an account (our people, or a
 * stakeholder's answers typed in), creating a survey link for a stakeholder, and the public
 * survey page that the link opens. Every save is one transaction: the assessment with all
 * its answers, or nothing. */
#include "web/pages_util.h"

#include "io/util.h"
#include "service/auth.h"
#include "web/auth.h"
#include "web/page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SURVEY_DAYS_DEFAULT 14
#define SURVEY_DAYS_MAX 60

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

/* ---- the questionnaire: every item of the instrument, grouped by what it measures -------- */

/* One statement as a fieldset of radio buttons, with "Can't say" for no answer. The field
 * names are those pages_answers_read reads ("i_CODE"). */
static void item_fieldset(struct web_req *r, const struct cvom_item *it, size_t j,
                          const struct pages_answers *a, int customer)
{
    struct buf *b = &r->out;
    char name[CVOM_CODE_MAX + 4];
    snprintf(name, sizeof name, "i_%s", it->code);
    int bad = a && a->bad[j];
    buf_puts(b, bad ? "<fieldset class=\"item invalid\" id=\"f-" : "<fieldset class=\"item\" id=\"f-");
    buf_html(b, it->code);
    buf_puts(b, "\"><legend>");
    if (!customer) {
        buf_puts(b, "<span class=\"code\">");
        buf_html(b, it->code);
        buf_puts(b, "</span> ");
    }
    buf_html(b, it->statement);
    buf_puts(b, "</legend>");
    if (!customer && it->reverse)
        buf_puts(b, "<p class=\"hint\">Agreement lowers the score.</p>");
    if (bad)
        buf_printf(b,
                   "<p class=\"field-error\">Choose a point from %d to %d, or \xE2\x80\x9C"
                   "Can\xE2\x80\x99t say\xE2\x80\x9D.</p>",
                   it->scale_min, it->scale_max);
    buf_puts(b, "<div class=\"scale\">");
    for (int x = it->scale_min; x <= it->scale_max; x++) {
        int checked = a && !isnan(a->value[j]) && (int)a->value[j] == x;
        buf_puts(b, "<label class=\"pt\"><input type=\"radio\" name=\"");
        buf_html(b, name);
        buf_printf(b, "\" value=\"%d\"%s><span>%d", x, checked ? " checked" : "", x);
        if (x == it->scale_min)
            buf_puts(b, "<span class=\"sr\"> (strongly disagree)</span>");
        else if (x == it->scale_max)
            buf_puts(b, "<span class=\"sr\"> (strongly agree)</span>");
        buf_puts(b, "</span></label>");
    }
    int none = a && isnan(a->value[j]) && !a->bad[j];
    buf_puts(b, "<label class=\"pt na\"><input type=\"radio\" name=\"");
    buf_html(b, name);
    buf_printf(b, "\" value=\"\"%s><span>Can\xE2\x80\x99t say</span></label></div>",
               none ? " checked" : "");
    buf_printf(b,
               "<div class=\"scale-ends\" aria-hidden=\"true\"><span>%d strongly "
               "disagree</span><span>%d strongly agree</span></div></fieldset>",
               it->scale_min, it->scale_max);
}

/* The groups of the questionnaire, in the order they are asked. The partnership axes come
 * last, under one section with a sub-heading per pillar and trust. */
static const struct {
    enum cvom_axis axis;
    const char *title, *customer_title;
} form_groups[] = {
    {CVOM_AXIS_INTELLECTUAL, "Intellectual value: expertise, insight, networks",
     "Expertise, insight and networks"},
    {CVOM_AXIS_EMOTIONAL, "Emotional value: trust and the relationship",
     "Trust and the relationship"},
    {CVOM_AXIS_BOTH, "Price (counts against both axes)", "Price"},
    {CVOM_AXIS_PASSION, "Passion: enthusiasm both sides put into the work",
     "Enthusiasm for the work together"},
    {CVOM_AXIS_RESONANCE, "Resonance: shared priorities and goals", "Shared priorities"},
    {CVOM_AXIS_SECURITY, "Security: a relationship that lasts and bears conflict",
     "Confidence in the relationship"},
    {CVOM_AXIS_CREATIVITY, "Creativity: new ideas made together", "New ideas together"},
    {CVOM_AXIS_TRUST, "Trust: the ground the pillars stand on", "Trust"},
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
 * answers checked (a may be NULL). `customer` words the headings for a stakeholder. Items on
 * an axis no group names (none today) come last so that nothing asked is left out. */
static void questionnaire(struct web_req *r, const struct cvom_instrument *ins,
                          const struct pages_answers *a, int customer)
{
    struct buf *b = &r->out;
    int partnership_open = 0;
    for (size_t g = 0; g < sizeof form_groups / sizeof *form_groups; g++) {
        enum cvom_axis axis = form_groups[g].axis;
        if (!items_on(ins, axis))
            continue;
        const char *title = customer ? form_groups[g].customer_title : form_groups[g].title;
        if (cvom_axis_pillar(axis) < 0) {
            buf_printf(b, "<section class=\"part\" data-axis=\"%s\"><h2>%s</h2>",
                       cvom_axis_name(axis), title);
        } else {
            if (!partnership_open) {
                buf_printf(b,
                           "<section class=\"part partnership\" data-axis=\"partnership\">"
                           "<h2>How the partnership stands</h2><p class=\"hint\">%s</p>",
                           customer ? "How working together feels today. These statements are "
                                      "optional like all the others."
                                    : "The four pillars of the partnership and the trust under "
                                      "them. They feed partnership health, not the two value "
                                      "axes; answer those you can judge.");
                partnership_open = 1;
            }
            buf_printf(b, "<div class=\"pillar-group\" data-axis=\"%s\"><h3>%s</h3>",
                       cvom_axis_name(axis), title);
        }
        for (size_t j = 0; j < ins->n_items && j < CVOM_ITEMS_MAX; j++)
            if (ins->items[j].axis == axis)
                item_fieldset(r, &ins->items[j], j, a, customer);
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
        if (!other++)
            buf_puts(b, "<section class=\"part\"><h2>Other statements</h2>");
        item_fieldset(r, &ins->items[j], j, a, customer);
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
    questionnaire(r, &f->ins, f->have_answers ? &f->answers : NULL, 0);
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
    cvom__secret_new(secret);
    cvom__secret_digest(secret, s.hash);
    enum cvom_status st = pages_default_instrument(r->store, &ins, &s.instrument_id, &r->err);
    cvom_instrument_cleanup(&ins);
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
};

static const char *const gone = "This survey link is not valid: it may have been used "
                                "already or have expired. If you were expecting to answer, "
                                "please ask your contact for a new link.";

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

/* The live link of this request with its account, stakeholder and questionnaire. 0, or the
 * HTTP status of the answer already built (404 for anything but a live link). */
static int survey_load(struct web_req *r, struct survey_view *v)
{
    memset(v, 0, sizeof *v);
    cvom_instrument_init(&v->ins);
    if (!token_ok(r->param[0]))
        return web_refuse(r, WEB_NOT_FOUND, NULL, gone);
    char digest[CVOM_DIGEST_HEX], ref[24];
    cvom__secret_digest(r->param[0], digest);
    enum cvom_status st = r->store->ops->survey_get(r->store, digest, &v->link, &r->err);
    if (st == CVOM_ENOTFOUND || (!st && (v->link.used || v->link.expires <= (int64_t)time(NULL))))
        return web_refuse(r, WEB_NOT_FOUND, NULL, gone);
    if (!st)
        st = r->store->ops->account_get(r->store, v->link.account_id, &v->a, &r->err);
    snprintf(ref, sizeof ref, "%lld", (long long)v->link.stakeholder_id);
    if (!st)
        st = r->store->ops->stakeholder_find(r->store, v->a.id, ref, &v->sh, &r->err);
    if (!st)
        st = r->store->ops->instrument_get(r->store, v->link.instrument_id, &v->ins, &r->err);
    if (st == CVOM_ENOTFOUND)
        return web_refuse(r, WEB_NOT_FOUND, NULL, gone);
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

static void survey_page(struct web_req *r, const struct survey_view *v, const char *error)
{
    struct buf *b = &r->out;
    page_begin(r, "Your view of working with us", NULL);
    buf_puts(b, "<div class=\"survey\"><h1>A few questions for ");
    buf_html(b, v->sh.name);
    buf_puts(b, "</h1><p class=\"lead\">Thank you for taking a few minutes. We would like to "
                "learn how <strong>");
    buf_html(b, v->a.name);
    buf_puts(b, "</strong> sees working with us. Each statement below speaks of \xE2\x80\x9C"
                "the customer\xE2\x80\x9D: that is ");
    buf_html(b, v->a.name);
    buf_puts(b, ", and your own view of it. Please say how much you agree, ");
    scale_hint(b, &v->ins);
    buf_puts(b, ". Choose \xE2\x80\x9C"
                "Can\xE2\x80\x99t say\xE2\x80\x9D where you cannot "
                "judge. The link works once.</p>");
    if (error)
        page_notice(r, "error", error);
    buf_puts(b, "<form class=\"assess\" method=\"post\" data-progress action=\"/survey/");
    buf_url(b, r->param[0]);
    buf_puts(b, "\">");
    questionnaire(r, &v->ins, error ? &v->answers : NULL, 1);
    buf_puts(b, "<div class=\"submitbar\"><button type=\"submit\">Send my answers</button> "
                "<span class=\"progress\" aria-live=\"polite\"></span></div></form></div>");
    page_end(r);
}

int pages_survey_get(struct web_req *r)
{
    struct survey_view *v = malloc(sizeof *v);
    if (!v)
        return web_fail(r, CVOM_ENOMEM, NULL);
    int http = survey_load(r, v);
    if (!http) {
        survey_seen(r, 0);
        survey_page(r, v, NULL);
        http = 200;
    }
    cvom_instrument_cleanup(&v->ins);
    free(v);
    return http;
}

/* In one transaction: the customer's assessment with its answers, and the link marked used.
 * A link used meanwhile by another answer makes survey_use fail: then nothing is kept. */
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
    struct survey_view *v = malloc(sizeof *v);
    if (!v)
        return web_fail(r, CVOM_ENOMEM, NULL);
    int http = survey_load(r, v);
    if (http)
        goto done;
    survey_seen(r, 1);
    pages_answers_read(r, &v->ins, &v->answers);
    char msg[320];
    if (!pages_answers_ok(&v->ins, &v->answers, msg, sizeof msg)) {
        r->status = 422;
        survey_page(r, v, msg);
        http = 422;
        goto done;
    }
    char digest[CVOM_DIGEST_HEX];
    cvom__secret_digest(r->param[0], digest);
    enum cvom_status st = survey_save(r, v, digest);
    if (st == CVOM_ENOTFOUND) {
        http = web_refuse(r, WEB_NOT_FOUND, NULL, gone);
        goto done;
    }
    if (st) {
        http = web_fail(r, st, &r->err);
        goto done;
    }
    page_begin(r, "Thank you", NULL);
    buf_puts(&r->out, "<section class=\"narrow card\"><h1>Thank you, ");
    buf_html(&r->out, v->sh.name);
    buf_puts(&r->out, "</h1><p class=\"lead\">Your answers have been recorded. You can close "
                      "this page.</p></section>");
    page_end(r);
    http = 200;
done:
    cvom_instrument_cleanup(&v->ins);
    free(v);
    return http;
}
