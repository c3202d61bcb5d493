/* instrument.c — versioned questionnaires: items, validation, and turning a raw answer
 * into a 0–100 score. */
#include "cvom.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cvom_instrument_init(struct cvom_instrument *ins)
{
    memset(ins, 0, sizeof *ins);
    ins->version = 1;
    ins->min_items = 1;
}

void cvom_instrument_cleanup(struct cvom_instrument *ins)
{
    if (!ins)
        return;
    free(ins->items);
    ins->items = NULL;
    ins->n_items = 0;
}

static int code_valid(const char *code)
{
    size_t n = strnlen(code, CVOM_CODE_MAX);
    if (n == 0 || n >= CVOM_CODE_MAX)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = code[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

static enum cvom_status item_validate(const struct cvom_item *it, struct cvom_error *err)
{
    if (!code_valid(it->code))
        return cvom_error_set(err, CVOM_EINVAL,
                              "item code must be 1-%d letters, digits, '_', '.' or '-'",
                              CVOM_CODE_MAX - 1);
    if ((unsigned)it->axis >= CVOM_AXIS_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "item %s: unknown axis", it->code);
    if (!(it->weight > 0) || !isfinite(it->weight))
        return cvom_error_set(err, CVOM_EINVAL, "item %s: weight must be a positive number",
                              it->code);
    if (it->scale_min >= it->scale_max)
        return cvom_error_set(err, CVOM_EINVAL, "item %s: scale minimum must be below maximum",
                              it->code);
    if (it->statement[0] == '\0')
        return cvom_error_set(err, CVOM_EINVAL, "item %s: statement is empty", it->code);
    return CVOM_OK;
}

int cvom_instrument_find(const struct cvom_instrument *ins, const char *code)
{
    for (size_t i = 0; i < ins->n_items; i++)
        if (strcmp(ins->items[i].code, code) == 0)
            return (int)i;
    return -1;
}

enum cvom_status cvom_instrument_add(struct cvom_instrument *ins, const struct cvom_item *item,
                                     struct cvom_error *err)
{
    enum cvom_status st = item_validate(item, err);
    if (st)
        return st;
    if (cvom_instrument_find(ins, item->code) >= 0)
        return cvom_error_set(err, CVOM_EEXIST, "item code %s appears twice", item->code);
    if (ins->n_items >= CVOM_ITEMS_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "an instrument holds at most %d items",
                              CVOM_ITEMS_MAX);
    struct cvom_item *grown = realloc(ins->items, (ins->n_items + 1) * sizeof *grown);
    if (!grown)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    ins->items = grown;
    ins->items[ins->n_items++] = *item;
    return CVOM_OK;
}

/* Partnership items (pillars and trust) fall through to 0: they must never move a value
 * axis, so that adding them to an instrument leaves every placement where it was. */
int cvom_item_on_dim(const struct cvom_item *item, enum cvom_dim d)
{
    if (item->axis == CVOM_AXIS_BOTH)
        return 1;
    return (d == CVOM_DIM_INTELLECTUAL && item->axis == CVOM_AXIS_INTELLECTUAL) ||
           (d == CVOM_DIM_EMOTIONAL && item->axis == CVOM_AXIS_EMOTIONAL);
}

enum cvom_status cvom_instrument_validate(const struct cvom_instrument *ins, struct cvom_error *err)
{
    if (ins->name[0] == '\0')
        return cvom_error_set(err, CVOM_EINVAL, "instrument has no name");
    if (ins->version < 1)
        return cvom_error_set(err, CVOM_EINVAL, "instrument version must be 1 or more");
    if (ins->min_items < 1)
        return cvom_error_set(err, CVOM_EINVAL, "min_items must be 1 or more");
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        int n = 0;
        for (size_t i = 0; i < ins->n_items; i++)
            n += cvom_item_on_dim(&ins->items[i], (enum cvom_dim)d);
        if (n < ins->min_items)
            return cvom_error_set(err, CVOM_EINVAL,
                                  "the %s axis has %d items, fewer than min_items (%d)",
                                  cvom_dim_name((enum cvom_dim)d), n, ins->min_items);
    }
    return CVOM_OK;
}

enum cvom_status cvom_item_normalise(const struct cvom_item *item, double raw, double *out)
{
    if (!(raw >= item->scale_min && raw <= item->scale_max))
        return CVOM_EINVAL;
    double s = 100.0 * (raw - item->scale_min) / (item->scale_max - item->scale_min);
    *out = item->reverse ? 100.0 - s : s;
    return CVOM_OK;
}
