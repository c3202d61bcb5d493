/* playbook.c — the plays a team runs on an account: a list filed under situation keys (a
 * quadrant, a move between quadrants, an evidence state), checked row by row as it is read,
 * and the pure choice of the situations an account is in. */
#include "cvom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const axis_names[CVOM_PLAY_AXIS_COUNT] = {
    [CVOM_PLAY_INTELLECTUAL] = "intellectual",
    [CVOM_PLAY_EMOTIONAL] = "emotional",
    [CVOM_PLAY_BOTH] = "both",
};
static const char *const cost_names[CVOM_COST_COUNT] = {
    [CVOM_COST_LOW] = "low",
    [CVOM_COST_MEDIUM] = "medium",
    [CVOM_COST_HIGH] = "high",
};
static const char *const column_names[CVOM_PLAY_COLUMNS] = {"key", "title", "play", "axis", "cost"};

const char *cvom_play_axis_name(enum cvom_play_axis a)
{
    return (unsigned)a < CVOM_PLAY_AXIS_COUNT ? axis_names[a] : "?";
}

int cvom_play_axis_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_PLAY_AXIS_COUNT; i++)
        if (strcmp(s, axis_names[i]) == 0)
            return i;
    return -1;
}

const char *cvom_cost_level_name(enum cvom_cost_level c)
{
    return (unsigned)c < CVOM_COST_COUNT ? cost_names[c] : "?";
}

int cvom_cost_level_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_COST_COUNT; i++)
        if (strcmp(s, cost_names[i]) == 0)
            return i;
    return -1;
}

const char *cvom_play_column(size_t i)
{
    return i < CVOM_PLAY_COLUMNS ? column_names[i] : NULL;
}

void cvom_playbook_init(struct cvom_playbook *b)
{
    b->n = 0;
    b->plays = NULL;
}

void cvom_playbook_cleanup(struct cvom_playbook *b)
{
    if (!b)
        return;
    free(b->plays);
    cvom_playbook_init(b);
}

static int blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

static int key_ok(const char *k, size_t cap)
{
    size_t n = strnlen(k, cap);
    if (n == 0 || n == cap)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = k[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return 0;
    }
    return 1;
}

static enum cvom_status field_error(struct cvom_error *err, const char *field, const char *msg)
{
    enum cvom_status st = cvom_error_set(err, CVOM_EINVAL, "%s: %s", field, msg);
    if (err) {
        size_t n = strnlen(field, sizeof err->field - 1);
        memcpy(err->field, field, n);
        err->field[n] = '\0';
    }
    return st;
}

enum cvom_status cvom_play_validate(const struct cvom_play *p, struct cvom_error *err)
{
    if (!key_ok(p->key, sizeof p->key))
        return field_error(err, "key", "a key is 1 to 63 characters of a-z, 0-9, '_', '.' and '-'");
    if (strnlen(p->title, sizeof p->title) == sizeof p->title || blank(p->title))
        return field_error(err, "title", "a play needs a title (at most 127 bytes)");
    if (strnlen(p->text, sizeof p->text) == sizeof p->text || blank(p->text))
        return field_error(err, "play", "a play needs its text (at most 1023 bytes)");
    if ((unsigned)p->axis >= CVOM_PLAY_AXIS_COUNT)
        return field_error(err, "axis", "the axis is intellectual, emotional or both");
    if ((unsigned)p->cost >= CVOM_COST_COUNT)
        return field_error(err, "cost", "the cost is low, medium or high");
    return CVOM_OK;
}

enum cvom_status cvom_playbook_add(struct cvom_playbook *b, const struct cvom_play *p,
                                   struct cvom_error *err)
{
    enum cvom_status st = cvom_play_validate(p, err);
    if (st)
        return st;
    if (cvom_playbook_find(b, p->key) >= 0) {
        st = field_error(err, "key", "this key is already in the playbook");
        if (err)
            err->status = CVOM_EEXIST;
        return CVOM_EEXIST;
    }
    if (b->n >= CVOM_PLAYS_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "a playbook holds at most %d plays",
                              CVOM_PLAYS_MAX);
    struct cvom_play *g = realloc(b->plays, (b->n + 1) * sizeof *g);
    if (!g)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    b->plays = g;
    b->plays[b->n++] = *p;
    return CVOM_OK;
}

int cvom_playbook_find(const struct cvom_playbook *b, const char *key)
{
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->plays[i].key, key) == 0)
            return (int)i;
    return -1;
}

/* Copy s into buf, without the blanks around it when trim is set. 0, or -1 when it does
 * not fit. */
static int copy_field(char *buf, size_t cap, const char *s, int trim)
{
    size_t n = strlen(s);
    if (trim) {
        while (n && (*s == ' ' || *s == '\t')) {
            s++;
            n--;
        }
        while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
    }
    if (n >= cap)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 0;
}

enum cvom_status cvom_play_from_fields(const char *const *fields, size_t n, struct cvom_play *out,
                                       size_t *bad, struct cvom_error *err)
{
    struct cvom_play p;
    char word[16];
    memset(&p, 0, sizeof p);
    if (n != CVOM_PLAY_COLUMNS) {
        if (bad)
            *bad = n < CVOM_PLAY_COLUMNS ? (n ? n - 1 : 0) : CVOM_PLAY_COLUMNS;
        return cvom_error_set(err, CVOM_EINVAL,
                              "a play has %d fields (key,title,play,axis,"
                              "cost), not %zu",
                              CVOM_PLAY_COLUMNS, n);
    }
    size_t at = 0;
    enum cvom_status st = CVOM_OK;
    if (copy_field(p.key, sizeof p.key, fields[0], 1))
        st = field_error(err, "key", "longer than 63 bytes");
    else if ((at = 1, copy_field(p.title, sizeof p.title, fields[1], 0)))
        st = field_error(err, "title", "longer than 127 bytes");
    else if ((at = 2, copy_field(p.text, sizeof p.text, fields[2], 0)))
        st = field_error(err, "play", "longer than 1023 bytes");
    else if ((at = 3, copy_field(word, sizeof word, fields[3], 1)) ||
             cvom_play_axis_parse(word) < 0)
        st = field_error(err, "axis", "the axis is intellectual, emotional or both");
    else if ((at = 4, copy_field(word, sizeof word, fields[4], 1)) ||
             cvom_cost_level_parse(word) < 0)
        st = field_error(err, "cost", "the cost is low, medium or high");
    if (!st) {
        copy_field(word, sizeof word, fields[3], 1);
        p.axis = (enum cvom_play_axis)cvom_play_axis_parse(word);
        copy_field(word, sizeof word, fields[4], 1);
        p.cost = (enum cvom_cost_level)cvom_cost_level_parse(word);
        st = cvom_play_validate(&p, err);
        if (st && err)
            for (size_t i = 0; i < CVOM_PLAY_COLUMNS; i++)
                if (strcmp(err->field, column_names[i]) == 0)
                    at = i;
    }
    if (st) {
        if (bad)
            *bad = at;
        return st;
    }
    *out = p;
    return CVOM_OK;
}

void cvom_play_quadrant_key(enum cvom_quadrant q, char buf[CVOM_PLAY_KEY_MAX])
{
    snprintf(buf, CVOM_PLAY_KEY_MAX, "%s", cvom_quadrant_name(q));
}

void cvom_play_move_key(enum cvom_quadrant from, enum cvom_quadrant to, char buf[CVOM_PLAY_KEY_MAX])
{
    snprintf(buf, CVOM_PLAY_KEY_MAX, "%s-to-%s", cvom_quadrant_name(from), cvom_quadrant_name(to));
}

static void choose_add(struct cvom_play_choice *out, const char *key)
{
    if (out->n < CVOM_PLAY_CHOICE_MAX)
        snprintf(out->keys[out->n++], CVOM_PLAY_KEY_MAX, "%s", key);
}

void cvom_playbook_choose(int then, enum cvom_quadrant now, enum cvom_state state,
                          struct cvom_play_choice *out)
{
    char key[CVOM_PLAY_KEY_MAX];
    memset(out, 0, sizeof *out);
    if (state == CVOM_STATE_INSUFFICIENT || (unsigned)now >= CVOM_Q_COUNT) {
        choose_add(out, "insufficient");
        return;
    }
    if (then >= 0 && then < CVOM_Q_COUNT && (enum cvom_quadrant)then != now) {
        cvom_play_move_key((enum cvom_quadrant)then, now, key);
        choose_add(out, key);
    }
    cvom_play_quadrant_key(now, key);
    choose_add(out, key);
    if (state == CVOM_STATE_BORDERLINE)
        choose_add(out, "borderline");
}
