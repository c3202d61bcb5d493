/* store.c — the rules every storage back end shares: choosing a back end from a location,
 * the names enumerations are stored by, how tags are written, and how a reference given by
 * a person (an id, an external id, a name) is read.
 */
#include "store/db.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

/* Location prefixes that name a PostgreSQL server rather than a file. */
static const char *const postgres_schemes[] = {"postgresql://", "postgres://"};

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A libpq connection string of keyword=value pairs ("service=team", "host=/run/pg
 * dbname=cvom"): it starts with a keyword of lower-case letters and underscores and '='. */
static int is_conninfo(const char *s)
{
    size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz_");
    return n > 0 && s[n] == '=';
}

int cvom__store_location_is_server(const char *location)
{
    if (!location)
        return 0;
    for (size_t i = 0; i < sizeof postgres_schemes / sizeof postgres_schemes[0]; i++)
        if (has_prefix(location, postgres_schemes[i]))
            return 1;
    return is_conninfo(location);
}

enum cvom_status cvom__store_open(const char *location, struct cvom_store **out,
                                  struct cvom_error *err)
{
    if (!location || !*location)
        return cvom_error_set(err, CVOM_EINVAL, "no database location given");
    if (!out)
        return cvom_error_set(err, CVOM_EINVAL, "no place to return the store handle");
    if (cvom__store_location_is_server(location))
        return cvom__postgres_open(location, out, err);
    return cvom__sqlite_open(location, out, err);
}

const char *cvom__store_backend(const struct cvom_store *st)
{
    return ((const struct db_store *)st)->drv->name;
}

int cvom__store_retry(struct cvom_store *st)
{
    struct db_store *s = (struct db_store *)st;
    int r = s->retry;
    s->retry = 0;
    return r;
}

void cvom__store_close(struct cvom_store *st)
{
    if (st)
        st->ops->close(st);
}

static const char *const stance_names[CVOM_STANCE_COUNT] = {
    [CVOM_STANCE_UNKNOWN] = "unknown",     [CVOM_STANCE_CHAMPION] = "champion",
    [CVOM_STANCE_SUPPORTER] = "supporter", [CVOM_STANCE_NEUTRAL] = "neutral",
    [CVOM_STANCE_SCEPTIC] = "sceptic",     [CVOM_STANCE_OPPONENT] = "opponent",
};

const char *cvom__stance_name(enum cvom_stance s)
{
    if ((unsigned)s >= CVOM_STANCE_COUNT)
        return "invalid";
    return stance_names[s];
}

int cvom__stance_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < CVOM_STANCE_COUNT; i++) {
        if (strcmp(s, stance_names[i]) == 0)
            return i;
    }
    return -1;
}

static const char *const channel_names[CVOM_CHANNEL_COUNT] = {
    [CVOM_CHANNEL_NONE] = "",       [CVOM_CHANNEL_MEETING] = "meeting",
    [CVOM_CHANNEL_CALL] = "call",   [CVOM_CHANNEL_EMAIL] = "email",
    [CVOM_CHANNEL_EVENT] = "event", [CVOM_CHANNEL_OTHER] = "other",
};

const char *cvom__channel_name(enum cvom_channel c)
{
    return (unsigned)c < CVOM_CHANNEL_COUNT ? channel_names[c] : "invalid";
}

int cvom__channel_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_CHANNEL_COUNT; i++)
        if (strcmp(s, channel_names[i]) == 0)
            return i;
    return -1;
}

static const char *const role_names[CVOM_ROLE_COUNT] = {
    [CVOM_ROLE_VIEWER] = "viewer",
    [CVOM_ROLE_MANAGER] = "manager",
    [CVOM_ROLE_ADMIN] = "admin",
};

const char *cvom__role_name(enum cvom_role r)
{
    return (unsigned)r < CVOM_ROLE_COUNT ? role_names[r] : "?";
}

int cvom__role_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_ROLE_COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

int cvom__language_ok(const char *s, int empty_ok)
{
    size_t n = strnlen(s, CVOM_LANG_MAX), i = 0;
    if (n == 0)
        return empty_ok;
    if (n >= CVOM_LANG_MAX)
        return 0;
    while (i < n && s[i] >= 'a' && s[i] <= 'z')
        i++;
    if (i < 2 || i > 3)
        return 0;
    if (i == n)
        return 1;
    if (s[i] != '-' || n - i - 1 < 2)
        return 0;
    for (i++; i < n; i++)
        if (!isalnum((unsigned char)s[i]))
            return 0;
    return 1;
}

void cvom__account_brief_of(const struct cvom_account *a, struct cvom_account_brief *out)
{
    out->id = a->id;
    memcpy(out->external_id, a->external_id, sizeof out->external_id);
    memcpy(out->name, a->name, sizeof out->name);
    memcpy(out->owner, a->owner, sizeof out->owner);
    out->parent_id = a->parent_id;
    out->revenue = a->revenue;
    out->potential = a->potential;
    memcpy(out->currency, a->currency, sizeof out->currency);
    memcpy(out->industry, a->industry, sizeof out->industry);
    memcpy(out->region, a->region, sizeof out->region);
    memcpy(out->tags, a->tags, sizeof out->tags);
}

void cvom__account_line_of(const struct cvom_account *a, struct cvom_account_line *out)
{
    out->id = a->id;
    out->parent_id = a->parent_id;
    out->revenue = a->revenue;
    out->potential = a->potential;
    memcpy(out->currency, a->currency, sizeof out->currency);
    out->external_id = a->external_id;
    out->name = a->name;
    out->owner = a->owner;
    out->industry = a->industry;
    out->region = a->region;
    out->tags = a->tags;
}

void cvom__tags_normalise(const char *in, size_t cap, char *out)
{
    size_t len = strnlen(in, cap - 1), n = 0, i = 0;
    while (i < len) {
        size_t start = i, end;
        while (i < len && in[i] != ',')
            i++;
        end = i++;
        while (start < end && (in[start] == ' ' || in[start] == '\t'))
            start++;
        while (end > start && (in[end - 1] == ' ' || in[end - 1] == '\t'))
            end--;
        if (end == start)
            continue;
        if (n > 0)
            out[n++] = ',';
        memmove(out + n, in + start, end - start);
        n += end - start;
    }
    out[n] = '\0';
}

int64_t cvom__ref_number(const char *ref)
{
    size_t n = strnlen(ref, 19);
    int64_t v = 0;
    if (n == 0 || n > 18 || ref[n] != '\0')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (ref[i] < '0' || ref[i] > '9')
            return 0;
        v = v * 10 + (ref[i] - '0');
    }
    return v;
}

static const char *const assessment_status_names[CVOM_ASSESS_STATUS_COUNT] = {
    [CVOM_ASSESS_DRAFT] = "draft",
    [CVOM_ASSESS_COMPLETE] = "complete",
};

const char *cvom__assessment_status_name(enum cvom_assessment_status s)
{
    return (unsigned)s < CVOM_ASSESS_STATUS_COUNT ? assessment_status_names[s] : "?";
}

int cvom__assessment_status_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_ASSESS_STATUS_COUNT; i++)
        if (strcmp(s, assessment_status_names[i]) == 0)
            return i;
    return -1;
}

int cvom__state_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_STATE_COUNT; i++)
        if (strcmp(s, cvom_state_name((enum cvom_state)i)) == 0)
            return i;
    return -1;
}

static const char *const action_status_names[CVOM_ACTION_STATUS_COUNT] = {
    [CVOM_ACTION_OPEN] = "open",
    [CVOM_ACTION_DONE] = "done",
};

const char *cvom__action_status_name(enum cvom_action_status s)
{
    return (unsigned)s < CVOM_ACTION_STATUS_COUNT ? action_status_names[s] : "?";
}

int cvom__action_status_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_ACTION_STATUS_COUNT; i++)
        if (strcmp(s, action_status_names[i]) == 0)
            return i;
    return -1;
}

static const char *const network_kind_names[CVOM_NET_KIND_COUNT] = {"introduction", "peer_group",
                                                                    "event"};

const char *cvom__network_kind_name(enum cvom_network_kind k)
{
    return (unsigned)k < CVOM_NET_KIND_COUNT ? network_kind_names[k] : "?";
}

int cvom__network_kind_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_NET_KIND_COUNT; i++)
        if (strcmp(s, network_kind_names[i]) == 0)
            return i;
    return -1;
}
