/* store.c — the entry points shared by every storage back end: choosing a back end from a
 * location, closing a handle, and the names of stakeholder stances.
 */
#include "store/store.h"

#include <string.h>

/* Location prefixes that name a PostgreSQL server rather than a file. */
static const char *const postgres_schemes[] = {"postgresql://", "postgres://"};

static int has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum cvom_status cvom_store_open(const char *location, struct cvom_store **out,
                                 struct cvom_error *err)
{
    if (!location || !*location)
        return cvom_error_set(err, CVOM_EINVAL, "no database location given");
    if (!out)
        return cvom_error_set(err, CVOM_EINVAL, "no place to return the store handle");
    for (size_t i = 0; i < sizeof postgres_schemes / sizeof postgres_schemes[0]; i++) {
        if (has_prefix(location, postgres_schemes[i]))
            return cvom_error_set(err, CVOM_EINVAL,
                                  "PostgreSQL databases (%s…) are not supported yet; "
                                  "give the path of an SQLite file",
                                  postgres_schemes[i]);
    }
    return cvom__sqlite_ops.open(location, out, err);
}

void cvom_store_close(struct cvom_store *st)
{
    if (st)
        st->ops->close(st);
}

static const char *const stance_names[CVOM_STANCE_COUNT] = {
    [CVOM_STANCE_UNKNOWN] = "unknown",   [CVOM_STANCE_CHAMPION] = "champion",
    [CVOM_STANCE_SUPPORTER] = "supporter", [CVOM_STANCE_NEUTRAL] = "neutral",
    [CVOM_STANCE_SCEPTIC] = "sceptic",   [CVOM_STANCE_OPPONENT] = "opponent",
};

const char *cvom_stance_name(enum cvom_stance s)
{
    if ((unsigned)s >= CVOM_STANCE_COUNT)
        return "invalid";
    return stance_names[s];
}

int cvom_stance_parse(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < CVOM_STANCE_COUNT; i++) {
        if (strcmp(s, stance_names[i]) == 0)
            return i;
    }
    return -1;
}

static const char *const role_names[CVOM_ROLE_COUNT] = {
    [CVOM_ROLE_VIEWER] = "viewer",
    [CVOM_ROLE_MANAGER] = "manager",
    [CVOM_ROLE_ADMIN] = "admin",
};

const char *cvom_role_name(enum cvom_role r)
{
    return (unsigned)r < CVOM_ROLE_COUNT ? role_names[r] : "?";
}

int cvom_role_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_ROLE_COUNT; i++)
        if (strcmp(s, role_names[i]) == 0)
            return i;
    return -1;
}

void cvom_account_brief_of(const struct cvom_account *a, struct cvom_account_brief *out)
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
