/* instrument_csv.c — reading and writing instrument files. The preamble carries what a
 * table cannot (name, version, the minimum items per axis); the table carries the items. */
#include "io/instrument_csv.h"

#include "io/csv.h"
#include "io/util.h"

#include <stdlib.h>
#include <string.h>

extern const unsigned char cvom__default_instrument_csv[];
extern const size_t cvom__default_instrument_csv_len;

enum col {
    C_CODE,
    C_AXIS,
    C_REVERSE,
    C_WEIGHT,
    C_MIN,
    C_MAX,
    C_STATEMENT,
    C_CONSTRUCT,
    C_RESPONDENT,
    C_COUNT
};
static const char *const col_names[C_COUNT] = {
    [C_CODE] = "code",           [C_AXIS] = "axis",           [C_REVERSE] = "reverse",
    [C_WEIGHT] = "weight",       [C_MIN] = "scale_min",       [C_MAX] = "scale_max",
    [C_STATEMENT] = "statement", [C_CONSTRUCT] = "construct", [C_RESPONDENT] = "respondent",
};
static const int col_required[C_COUNT] = {
    [C_CODE] = 1, [C_AXIS] = 1, [C_MIN] = 1, [C_MAX] = 1, [C_STATEMENT] = 1};

enum cvom_status cvom__file_error(struct cvom_error *err, const char *name, long line, long col,
                                  enum cvom_status st, const char *msg, const char *value)
{
    if (!err)
        return st;
    cvom_error_set(err, st, "%s%s%s", msg, value ? ": " : "", value ? value : "");
    cvom__copy_str(err->file, sizeof err->file, name);
    err->line = line;
    err->column = col;
    return st;
}

static enum cvom_status at(struct cvom_error *err, const char *name, long line, long col,
                           enum cvom_status st, const char *msg, const char *value)
{
    return cvom__file_error(err, name, line, col, st, msg, value);
}

/* The instrument's keys of the preamble. */
static enum cvom_status instrument_key(void *ctx, const char *key, const char *val, long line,
                                       long column, struct cvom_error *err)
{
    struct cvom_instrument *ins = ctx;
    long v;
    if (strcmp(key, "name") == 0) {
        if (!val[0] || cvom__copy_str(ins->name, sizeof ins->name, val))
            return at(err, "", line, 1, CVOM_EINVAL, "bad instrument name", val);
    } else if (strcmp(key, "version") == 0 || strcmp(key, "min_items") == 0) {
        if (cvom__parse_long(val, 1, 1000000, &v))
            return at(err, "", line, column, CVOM_EINVAL, "expected a whole number from 1", val);
        *(key[0] == 'v' ? &ins->version : &ins->min_items) = (int)v;
    }
    return CVOM_OK;
}

static enum cvom_status preamble_read(const char *buf, size_t len, const char *name,
                                      enum cvom_status (*fn)(void *ctx, const char *key,
                                                             const char *val, long line,
                                                             long column, struct cvom_error *err),
                                      void *ctx, size_t *off, long *lines, struct cvom_error *err)
{
    size_t p = 0;
    long line = 1;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        p = 3;
    while (p < len && buf[p] == '#') {
        const char *nl = memchr(buf + p, '\n', len - p);
        size_t end = nl ? (size_t)(nl - buf) : len;
        char text[CVOM_TEXT_MAX];
        size_t n = end - p - 1;
        if (n >= sizeof text)
            return at(err, name, line, 1, CVOM_ELIMIT, "preamble line too long", NULL);
        memcpy(text, buf + p + 1, n);
        text[n] = '\0';
        if (n && text[n - 1] == '\r')
            text[n - 1] = '\0';
        if (!cvom__utf8_valid(text))
            return at(err, name, line, 1, CVOM_EPARSE, "invalid UTF-8 byte sequence", NULL);
        char *colon = strchr(text, ':');
        if (colon) {
            *colon = '\0';
            const char *v = colon + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            long column = (long)(v - text) + 2; /* after the '#' */
            char *key = cvom__trim(text), *val = cvom__trim(colon + 1);
            enum cvom_status st = fn(ctx, key, val, line, column, err);
            if (st) {
                if (err)
                    cvom__copy_str(err->file, sizeof err->file, name);
                return st;
            }
        }
        p = nl ? end + 1 : len;
        line++;
    }
    *off = p;
    *lines = line;
    return CVOM_OK;
}

static enum cvom_status header(const struct cvom_csv_row *row, const char *name,
                               const struct cvom_table_spec *spec, int *map, struct cvom_error *err)
{
    for (int c = 0; c < spec->n; c++)
        map[c] = -1;
    for (size_t i = 0; i < row->n; i++) {
        for (int c = 0; c < spec->n; c++)
            if (strcmp(row->fields[i].s, spec->names[c]) == 0) {
                if (map[c] >= 0)
                    return at(err, name, row->fields[i].line, row->fields[i].column, CVOM_EPARSE,
                              "column appears twice", spec->names[c]);
                map[c] = (int)i;
            }
    }
    for (int c = 0; c < spec->n; c++)
        if (spec->required[c] && map[c] < 0)
            return at(err, name, row->line, 1, CVOM_EPARSE, "missing column", spec->names[c]);
    return CVOM_OK;
}

enum cvom_status cvom__table_read(const char *buf, size_t len, const char *name,
                                  const struct cvom_table_spec *spec, void *ctx,
                                  struct cvom_error *err)
{
    size_t off = 0;
    long first = 1;
    enum cvom_status st = preamble_read(buf, len, name, spec->key, ctx, &off, &first, err);
    struct cvom_csv *r = NULL;
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    o.first_line = first;
    if (!st)
        st = cvom__csv_open_mem(buf + off, len - off, name, &o, &r, err);
    int map[CVOM_TABLE_COLUMNS_MAX], have_header = 0;
    if (spec->n > CVOM_TABLE_COLUMNS_MAX)
        st = cvom_error_set(err, CVOM_EINVAL, "too many columns");
    while (!st) {
        struct cvom_csv_row row;
        st = cvom__csv_next(r, &row, err);
        if (st || row.eof)
            break;
        if (!have_header) {
            st = header(&row, name, spec, map, err);
            have_header = 1;
            continue;
        }
        for (int c = 0; c < spec->n && !st; c++)
            if (map[c] >= 0 && (size_t)map[c] >= row.n)
                st = at(err, name, row.line, 1, CVOM_EPARSE, "row has too few fields", NULL);
        if (!st)
            st = spec->row(ctx, &row, map, err);
    }
    cvom__csv_close(r);
    if (!st && !have_header)
        st = at(err, name,
                first > 1 && (off == len && len && buf[len - 1] != '\n') ? first - 1 : first, 1,
                CVOM_EPARSE, spec->missing, NULL);
    return st;
}

static enum cvom_status item_row(const struct cvom_csv_row *row, const int *map, const char *name,
                                 struct cvom_item *it, struct cvom_error *err)
{
    memset(it, 0, sizeof *it);
    it->weight = 1;
    for (int c = 0; c < C_COUNT; c++) {
        if (map[c] < 0)
            continue;
        if ((size_t)map[c] >= row->n)
            return at(err, name, row->line, 1, CVOM_EPARSE, "row has too few fields", NULL);
        const struct cvom_csv_field *f = &row->fields[map[c]];
        long v = 0;
        int bad = 0;
        switch (c) {
        case C_CODE: bad = cvom__copy_str(it->code, sizeof it->code, f->s); break;
        case C_AXIS:
            bad = cvom_axis_parse(f->s) < 0;
            it->axis = (enum cvom_axis)cvom_axis_parse(f->s);
            break;
        case C_REVERSE: bad = f->len && cvom__parse_bool(f->s, &it->reverse); break;
        case C_WEIGHT: bad = f->len && cvom__parse_double(f->s, &it->weight); break;
        case C_MIN:
        case C_MAX:
            bad = cvom__parse_long(f->s, -1000, 1000, &v) != CVOM_OK;
            *(c == C_MIN ? &it->scale_min : &it->scale_max) = (int)v;
            break;
        /* text cvom's export guarded for spreadsheets comes back as it was */
        case C_STATEMENT:
            bad = cvom__copy_str(it->statement, sizeof it->statement, cvom__csv_unguard(f->s));
            break;
        case C_CONSTRUCT:
            bad = cvom__copy_str(it->construct, sizeof it->construct, cvom__csv_unguard(f->s));
            break;
        case C_RESPONDENT:
            bad = cvom__copy_str(it->respondent, sizeof it->respondent, cvom__csv_unguard(f->s)) ||
                  !cvom__utf8_valid(it->respondent);
            break;
        default: break;
        }
        if (bad)
            return at(err, name, f->line, f->column, CVOM_EINVAL, "bad value for", col_names[c]);
    }
    return CVOM_OK;
}

struct parse_ctx {
    struct cvom_instrument ins;
    const char *name;
};

static enum cvom_status instrument_key_ctx(void *ctx, const char *key, const char *val, long line,
                                           long column, struct cvom_error *err)
{
    return instrument_key(&((struct parse_ctx *)ctx)->ins, key, val, line, column, err);
}

static enum cvom_status instrument_row(void *ctx, const struct cvom_csv_row *row, const int *map,
                                       struct cvom_error *err)
{
    struct parse_ctx *p = ctx;
    struct cvom_item it;
    enum cvom_status st = item_row(row, map, p->name, &it, err);
    if (!st && (st = cvom_instrument_add(&p->ins, &it, err)) != CVOM_OK && err) {
        char msg[sizeof err->message];
        cvom__copy_str(msg, sizeof msg, err->message);
        at(err, p->name, row->line, 1, st, msg, NULL);
    }
    return st;
}

enum cvom_status cvom__instrument_parse(const char *buf, size_t len, const char *name,
                                        struct cvom_instrument *out, struct cvom_error *err)
{
    struct parse_ctx p = {.name = name};
    cvom_instrument_init(&p.ins);
    const struct cvom_table_spec spec = {col_names,          col_required,   C_COUNT,
                                         instrument_key_ctx, instrument_row, "no item table"};
    enum cvom_status st = cvom__table_read(buf, len, name, &spec, &p, err);
    if (!st && (st = cvom_instrument_validate(&p.ins, err)) != CVOM_OK && err)
        cvom__copy_str(err->file, sizeof err->file, name);
    if (st) {
        cvom_instrument_cleanup(&p.ins);
        return st;
    }
    cvom_instrument_cleanup(out);
    *out = p.ins;
    return CVOM_OK;
}

enum cvom_status cvom__instrument_load(const char *path, struct cvom_instrument *out,
                                       struct cvom_error *err)
{
    char *buf;
    size_t len;
    enum cvom_status st = cvom__read_file(path, CVOM_INSTRUMENT_FILE_MAX, &buf, &len, err);
    if (st)
        return st;
    st = cvom__instrument_parse(buf, len, path, out, err);
    free(buf);
    return st;
}

enum cvom_status cvom__instrument_default(struct cvom_instrument *out, struct cvom_error *err)
{
    return cvom__instrument_parse((const char *)cvom__default_instrument_csv,
                                  cvom__default_instrument_csv_len, "data/instrument-default.csv",
                                  out, err);
}

int cvom__csv_put(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n"))
        return fputs(s, f) < 0 ? EOF : 0;
    if (putc('"', f) == EOF)
        return EOF;
    for (; *s; s++)
        if ((*s == '"' && putc('"', f) == EOF) || putc(*s, f) == EOF)
            return EOF;
    return putc('"', f) == EOF ? EOF : 0;
}

enum cvom_status cvom__instrument_write(FILE *f, const struct cvom_instrument *ins, int full)
{
    /* The respondent column is written when an item has a respondent text, so that a file
     * written before the column existed reads back and writes out unchanged. */
    int voiced = !full;
    for (size_t i = 0; i < ins->n_items && !voiced; i++)
        voiced = ins->items[i].respondent[0] != '\0';
    if (full)
        fprintf(f, "# name: %s\n# version: %d\n# min_items: %d\n", ins->name, ins->version,
                ins->min_items);
    fputs("code,axis,reverse,weight,scale_min,scale_max,statement", f);
    fputs(full ? ",construct" : "", f);
    fputs(voiced ? ",respondent\n" : "\n", f);
    for (size_t i = 0; i < ins->n_items; i++) {
        const struct cvom_item *it = &ins->items[i];
        char w[32];
        cvom__format_double(w, sizeof w, it->weight);
        cvom__csv_put(f, it->code);
        fprintf(f, ",%s,%d,%s,%d,%d,", cvom_axis_name(it->axis), it->reverse, w, it->scale_min,
                it->scale_max);
        cvom__csv_write_field(f, it->statement, 1);
        if (full) {
            putc(',', f);
            cvom__csv_write_field(f, it->construct, 1);
        }
        if (voiced) {
            putc(',', f);
            cvom__csv_write_field(f, it->respondent[0] || full ? it->respondent : it->statement, 1);
        }
        putc('\n', f);
    }
    return ferror(f) ? CVOM_EIO : CVOM_OK;
}
