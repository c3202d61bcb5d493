/* records.c — text to record fields, with the same validation wherever data comes in. */
#include "io/records.h"

#include "io/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const struct cvom_field_def cvom__account_fields[] = {
    {"name", "the customer organisation's name", 1, 0},
    {"external_id", "the id in your CRM (unique)", 0, 0},
    {"owner", "the account manager", 0, 0},
    {"parent", "the parent account (id, external id or name)", 0, 0},
    {"revenue", "annual revenue with us (a number >= 0)", 0, 1},
    {"potential", "annual potential (a number >= 0)", 0, 1},
    {"currency", "ISO 4217 code, e.g. EUR", 0, 0},
    {"industry", "industry", 0, 0},
    {"region", "region", 0, 0},
    {"tags", "comma-separated tags", 0, 0},
    {"notes", "free text", 0, 0},
    {NULL, NULL, 0, 0},
};

const struct cvom_field_def cvom__stakeholder_fields[] = {
    {"name", "the person's name", 1, 0},
    {"external_id", "the id in your CRM (unique within the account)", 0, 0},
    {"role", "role in the decision-making unit (economic buyer, sponsor, user, ...)", 0, 0},
    {"influence", "influence on the decision, 0 to 1 (default 0.5)", 0, 1},
    {"stance", "champion, supporter, neutral, sceptic, opponent or unknown", 0, 0},
    {"email", "e-mail address", 0, 0},
    {NULL, NULL, 0, 0},
};

static enum cvom_status bad(struct cvom_error *err, enum cvom_status st, const char *field,
                            const char *what)
{
    cvom_error_set(err, st, "%s: %s", field, what);
    if (err)
        cvom__copy_str(err->field, sizeof err->field, field);
    return st;
}

static enum cvom_status text(char *dst, size_t cap, const char *field, const char *value,
                             struct cvom_error *err)
{
    if (strlen(value) >= cap) {
        char what[64];
        snprintf(what, sizeof what, "longer than %zu bytes", cap - 1);
        return bad(err, CVOM_ELIMIT, field, what);
    }
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 && *p != '\n' && *p != '\t' && *p != '\r')
            return bad(err, CVOM_EINVAL, field, "contains a control character");
    if (!cvom__utf8_valid(value))
        return bad(err, CVOM_EINVAL, field, "is not valid UTF-8");
    cvom__copy_str(dst, cap, value);
    return CVOM_OK;
}

/* "'lots' is not a number from 0 to 1e15": the value, and what would do. */
static enum cvom_status bad_number(struct cvom_error *err, const char *field, const char *value,
                                   const char *range)
{
    char what[160];
    snprintf(what, sizeof what, "'%.40s' is not a number from %s", value, range);
    return bad(err, CVOM_EINVAL, field, what);
}

static enum cvom_status amount(double *dst, const char *field, const char *value,
                               struct cvom_error *err)
{
    double v = 0;
    if (value[0] && (cvom__parse_double(value, &v) || v < 0 || v > 1e15))
        return bad_number(err, field, value, "0 to 1000000000000000");
    *dst = v;
    return CVOM_OK;
}

/* Tags: trimmed, no empties, no duplicates, joined by ",". */
static enum cvom_status tags(char *dst, size_t cap, const char *value, struct cvom_error *err)
{
    char buf[CVOM_TAGS_MAX], out[CVOM_TAGS_MAX] = "";
    if (strlen(value) >= sizeof buf)
        return bad(err, CVOM_ELIMIT, "tags", "too long");
    cvom__copy_str(buf, sizeof buf, value);
    size_t used = 0;
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        cvom__trim(t);
        if (!t[0])
            continue;
        char probe[CVOM_TAGS_MAX + 2];
        snprintf(probe, sizeof probe, ",%s,", t);
        char have[CVOM_TAGS_MAX + 2];
        snprintf(have, sizeof have, ",%s,", out);
        if (strstr(have, probe))
            continue;
        int w = snprintf(out + used, sizeof out - used, "%s%s", used ? "," : "", t);
        if (w < 0 || (size_t)w >= sizeof out - used)
            return bad(err, CVOM_ELIMIT, "tags", "too long");
        used += (size_t)w;
    }
    cvom__copy_str(dst, cap, out);
    return CVOM_OK;
}

enum cvom_status cvom__account_set(struct cvom_account *a, const char *field, const char *value,
                                   char *parent_ref, struct cvom_error *err)
{
    if (strcmp(field, "name") == 0)
        return text(a->name, sizeof a->name, field, value, err);
    if (strcmp(field, "external_id") == 0)
        return text(a->external_id, sizeof a->external_id, field, value, err);
    if (strcmp(field, "owner") == 0)
        return text(a->owner, sizeof a->owner, field, value, err);
    if (strcmp(field, "parent") == 0)
        return text(parent_ref, CVOM_FIELD_MAX, field, value, err);
    if (strcmp(field, "revenue") == 0)
        return amount(&a->revenue, field, value, err);
    if (strcmp(field, "potential") == 0)
        return amount(&a->potential, field, value, err);
    if (strcmp(field, "currency") == 0) {
        int ok = value[0] == '\0' || strlen(value) == 3;
        for (const char *p = value; ok && *p; p++)
            ok = *p >= 'A' && *p <= 'Z';
        if (!ok)
            return bad(err, CVOM_EINVAL, field, "expected three capital letters, e.g. EUR");
        return text(a->currency, sizeof a->currency, field, value, err);
    }
    if (strcmp(field, "industry") == 0)
        return text(a->industry, sizeof a->industry, field, value, err);
    if (strcmp(field, "region") == 0)
        return text(a->region, sizeof a->region, field, value, err);
    if (strcmp(field, "tags") == 0)
        return tags(a->tags, sizeof a->tags, value, err);
    if (strcmp(field, "notes") == 0)
        return text(a->notes, sizeof a->notes, field, value, err);
    return bad(err, CVOM_EINVAL, field, "no such account field");
}

enum cvom_status cvom__stakeholder_set(struct cvom_stakeholder *s, const char *field,
                                       const char *value, struct cvom_error *err)
{
    if (strcmp(field, "name") == 0)
        return text(s->name, sizeof s->name, field, value, err);
    if (strcmp(field, "external_id") == 0)
        return text(s->external_id, sizeof s->external_id, field, value, err);
    if (strcmp(field, "role") == 0)
        return text(s->role, sizeof s->role, field, value, err);
    if (strcmp(field, "email") == 0) {
        if (value[0] && (!strchr(value, '@') || strpbrk(value, " \t\r\n<>")))
            return bad(err, CVOM_EINVAL, field, "not an e-mail address");
        return text(s->email, sizeof s->email, field, value, err);
    }
    if (strcmp(field, "influence") == 0) {
        double v = 0.5;
        if (value[0] && (cvom__parse_double(value, &v) || v < 0 || v > 1))
            return bad_number(err, field, value, "0 to 1");
        s->influence = v;
        return CVOM_OK;
    }
    if (strcmp(field, "stance") == 0) {
        int k = value[0] ? cvom__stance_parse(value) : CVOM_STANCE_UNKNOWN;
        if (k < 0)
            return bad(err, CVOM_EINVAL, field,
                       "expected champion, supporter, neutral, sceptic, opponent or unknown");
        s->stance = (enum cvom_stance)k;
        return CVOM_OK;
    }
    return bad(err, CVOM_EINVAL, field, "no such stakeholder field");
}

enum cvom_status cvom__account_check(const struct cvom_account *a, struct cvom_error *err)
{
    if (!a->name[0])
        return bad(err, CVOM_EINVAL, "name", "required");
    return CVOM_OK;
}

enum cvom_status cvom__stakeholder_check(const struct cvom_stakeholder *s, struct cvom_error *err)
{
    if (!s->name[0])
        return bad(err, CVOM_EINVAL, "name", "required");
    if (!(s->influence >= 0 && s->influence <= 1))
        return bad(err, CVOM_EINVAL, "influence", "expected a number from 0 to 1");
    return CVOM_OK;
}
