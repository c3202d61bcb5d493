/* status.c — status names, error filling, and the names of the core's enumerations as
 * they appear in files and output. */
#include "cvom.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const status_names[CVOM_STATUS_COUNT] = {
    [CVOM_OK] = "ok",
    [CVOM_ENOMEM] = "out of memory",
    [CVOM_EINVAL] = "invalid input",
    [CVOM_ENOTFOUND] = "not found",
    [CVOM_EEXIST] = "already exists",
    [CVOM_EPARSE] = "parse error",
    [CVOM_EIO] = "input/output error",
    [CVOM_ESTORE] = "database error",
    [CVOM_ELIMIT] = "limit exceeded",
    [CVOM_EBUSY] = "database busy",
    [CVOM_ECONFLICT] = "changed meanwhile",
};

const char *cvom_version(void)
{
    return CVOM_VERSION;
}

const char *cvom_status_str(enum cvom_status st)
{
    if ((unsigned)st >= CVOM_STATUS_COUNT)
        return "unknown status";
    return status_names[st];
}

enum cvom_status cvom_error_set(struct cvom_error *err, enum cvom_status st, const char *fmt, ...)
{
    if (!err)
        return st;
    /* A fresh error: nothing of an earlier one may linger in the position fields. */
    err->status = st;
    err->file[0] = '\0';
    err->field[0] = '\0';
    err->line = 0;
    err->column = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return st;
}

static const char *const dim_names[CVOM_DIM_COUNT] = {
    [CVOM_DIM_INTELLECTUAL] = "intellectual",
    [CVOM_DIM_EMOTIONAL] = "emotional",
};
static const char *const axis_names[CVOM_AXIS_COUNT] = {
    [CVOM_AXIS_INTELLECTUAL] = "intellectual",
    [CVOM_AXIS_EMOTIONAL] = "emotional",
    [CVOM_AXIS_BOTH] = "both",
    [CVOM_AXIS_PASSION] = "passion",
    [CVOM_AXIS_RESONANCE] = "resonance",
    [CVOM_AXIS_SECURITY] = "security",
    [CVOM_AXIS_CREATIVITY] = "creativity",
    [CVOM_AXIS_TRUST] = "trust",
};
static const char *const quadrant_names[CVOM_Q_COUNT] = {
    [CVOM_Q_TRANSACTIONAL] = "transactional",
    [CVOM_Q_INTELLECTUAL] = "intellectual",
    [CVOM_Q_EMOTIONAL] = "emotional",
    [CVOM_Q_PARTNERSHIP] = "partnership",
};
static const char *const quadrant_titles[CVOM_Q_COUNT] = {
    [CVOM_Q_TRANSACTIONAL] = "Transactional",
    [CVOM_Q_INTELLECTUAL] = "Intellectual",
    [CVOM_Q_EMOTIONAL] = "Emotional",
    [CVOM_Q_PARTNERSHIP] = "Partnership",
};
static const char *const state_names[CVOM_STATE_COUNT] = {
    [CVOM_STATE_OK] = "ok",
    [CVOM_STATE_BORDERLINE] = "borderline",
    [CVOM_STATE_INSUFFICIENT] = "insufficient",
};
static const char *const kind_names[CVOM_RESP_COUNT] = {
    [CVOM_RESP_CUSTOMER] = "customer",
    [CVOM_RESP_SELF] = "self",
};

static const char *name_at(const char *const *names, unsigned count, unsigned i)
{
    return i < count ? names[i] : "?";
}

static int name_find(const char *const *names, int count, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < count; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

const char *cvom_dim_name(enum cvom_dim d)
{
    return name_at(dim_names, CVOM_DIM_COUNT, d);
}
const char *cvom_axis_name(enum cvom_axis a)
{
    return name_at(axis_names, CVOM_AXIS_COUNT, a);
}
const char *cvom_quadrant_name(enum cvom_quadrant q)
{
    return name_at(quadrant_names, CVOM_Q_COUNT, q);
}
const char *cvom_quadrant_title(enum cvom_quadrant q)
{
    return name_at(quadrant_titles, CVOM_Q_COUNT, q);
}
const char *cvom_state_name(enum cvom_state s)
{
    return name_at(state_names, CVOM_STATE_COUNT, s);
}
const char *cvom_respondent_kind_name(enum cvom_respondent_kind k)
{
    return name_at(kind_names, CVOM_RESP_COUNT, k);
}
int cvom_axis_parse(const char *s)
{
    return name_find(axis_names, CVOM_AXIS_COUNT, s);
}
int cvom_quadrant_parse(const char *s)
{
    return name_find(quadrant_names, CVOM_Q_COUNT, s);
}
int cvom_respondent_kind_parse(const char *s)
{
    return name_find(kind_names, CVOM_RESP_COUNT, s);
}
