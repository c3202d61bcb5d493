/* test_csv_corpus.c — runs the CSV reader over every NAME.csv in the corpus directory
 * (argv[1]) and compares the outcome with NAME.expect; the format is described in
 * tests/data/csv/README.md. Prints one line per failing file. */
#include "check.h"
#include "io/csv.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <unistd.h>

#define MIN_FILES 30

struct lines {
    char **v;
    size_t n, cap;
};

static void add_line(struct lines *l, const char *s, size_t n)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    char *c = malloc(n + 1);
    if (!c)
        abort();
    memcpy(c, s, n);
    c[n] = 0;
    l->v[l->n++] = c;
}

static void free_lines(struct lines *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* The whole file into memory; NULL when it cannot be read. */
static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t k;
    while (buf && (k = fread(buf + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Parse "options: key=value ..." into o; returns 0 on success. */
static int parse_options(const char *line, struct cvom_csv_opts *o, char *why, size_t why_len)
{
    char copy[512];
    snprintf(copy, sizeof copy, "%s", line + strlen("options:"));
    for (char *save = NULL, *tok = strtok_r(copy, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            snprintf(why, why_len, "bad option \"%s\"", tok);
            return -1;
        }
        *eq = 0;
        const char *key = tok, *val = eq + 1;
        char *endp = NULL;
        errno = 0;
        unsigned long long num = strtoull(val, &endp, 10);
        int is_num = errno == 0 && endp != val && *endp == 0;
        if (strcmp(key, "encoding") == 0) {
            int e = cvom__encoding_parse(val);
            if (e < 0)
                goto bad;
            o->encoding = (enum cvom_encoding)e;
        } else if (strcmp(key, "delimiter") == 0) {
            if (strcmp(val, "tab") == 0)
                o->delimiter = '\t';
            else if (strlen(val) == 1)
                o->delimiter = val[0];
            else
                goto bad;
        } else if (strcmp(key, "max_field") == 0 && is_num) {
            o->max_field = (size_t)num;
        } else if (strcmp(key, "max_fields") == 0 && is_num) {
            o->max_fields = (size_t)num;
        } else if (strcmp(key, "max_row") == 0 && is_num) {
            o->max_row = (size_t)num;
        } else if (strcmp(key, "first_line") == 0 && is_num && num < 1000000000) {
            o->first_line = (long)num;
        } else {
            goto bad;
        }
        continue;
    bad:
        snprintf(why, why_len, "bad option %s=%s", key, val);
        return -1;
    }
    return 0;
}

/* The reader's outcome as lines in the .expect format ("LINE [json]" per row, then
 * "error LINE:COL: message" on failure). block != 0 reads from memory in blocks of that
 * size, otherwise from the file. */
static int run(const char *path, const char *data, size_t len, const struct cvom_csv_opts *o,
               size_t block, struct lines *out)
{
    struct cvom_csv *r = NULL;
    struct cvom_error err;
    enum cvom_status st;
    int fd = -1;
    if (block) {
        st = cvom__csv_open_mem(data, len, path, o, &r, &err);
    } else {
        fd = open(path, O_RDONLY);
        if (fd < 0)
            return -1;
        st = cvom__csv_open_fd(fd, path, o, &r, &err);
    }
    if (st == CVOM_OK && block)
        cvom__csv_set_block_size(r, block);
    while (st == CVOM_OK) {
        struct cvom_csv_row row;
        st = cvom__csv_next(r, &row, &err);
        if (st != CVOM_OK || row.eof)
            break;
        json_t *a = json_array();
        for (size_t i = 0; i < row.n; i++)
            json_array_append_new(a, json_stringn(row.fields[i].s, row.fields[i].len));
        char *js = json_dumps(a, JSON_COMPACT);
        char head[32];
        int hl = snprintf(head, sizeof head, "%ld ", row.line);
        size_t jl = js ? strlen(js) : 0;
        char *line = malloc((size_t)hl + jl + 1);
        if (!line)
            abort();
        memcpy(line, head, (size_t)hl);
        memcpy(line + hl, js ? js : "", jl + 1);
        add_line(out, line, (size_t)hl + jl);
        free(line);
        free(js);
        json_decref(a);
    }
    if (st != CVOM_OK) {
        char msg[400];
        int n = snprintf(msg, sizeof msg, "error %ld:%ld: %s", err.line, err.column, err.message);
        add_line(out, msg, (size_t)n);
        /* limits are CVOM_ELIMIT, everything else in the input is CVOM_EPARSE */
        int limit = strstr(err.message, "longer than") || strstr(err.message, "more than");
        if (st != (limit ? CVOM_ELIMIT : CVOM_EPARSE))
            add_line(out, "(unexpected status)", 19);
    }
    cvom__csv_close(r);
    if (fd >= 0)
        close(fd);
    return 0;
}

/* Compare one expected line with one actual line: rows are compared as JSON values. */
static int line_matches(const char *want, const char *got)
{
    if (strncmp(want, "error ", 6) == 0 || strncmp(got, "error ", 6) == 0)
        return strcmp(want, got) == 0;
    char *we, *ge;
    long wl = strtol(want, &we, 10), gl = strtol(got, &ge, 10);
    if (wl != gl || *we != ' ' || *ge != ' ')
        return 0;
    json_t *wj = json_loads(we + 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    json_t *gj = json_loads(ge + 1, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    int ok = wj && gj && json_is_array(wj) && json_equal(wj, gj);
    json_decref(wj);
    json_decref(gj);
    return ok;
}

/* Check one corpus file; returns 1 when it passes, printing why when it does not. */
static int check_file(const char *dir, const char *name)
{
    char path[4096], expect_path[4096], why[600] = "";
    size_t base = strlen(name) - 4;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(expect_path, sizeof expect_path, "%s/%.*s.expect", dir, (int)base, name);
    size_t elen = 0, dlen = 0;
    char *etext = slurp(expect_path, &elen), *data = slurp(path, &dlen);
    struct lines want = {0}, got = {0}, got_mem = {0};
    struct cvom_csv_opts o;
    cvom__csv_opts_init(&o);
    int ok = 0;
    if (!etext || !data) {
        snprintf(why, sizeof why, "cannot read the %s file", etext ? ".csv" : ".expect");
        goto done;
    }
    for (size_t i = 0; i < elen;) {
        const char *nl = memchr(etext + i, '\n', elen - i);
        size_t n = nl ? (size_t)(nl - etext) - i : elen - i;
        add_line(&want, etext + i, n);
        i += n + 1;
    }
    size_t first = 0;
    if (want.n && strncmp(want.v[0], "options:", 8) == 0) {
        if (parse_options(want.v[0], &o, why, sizeof why) != 0)
            goto done;
        first = 1;
    }
    if (run(path, NULL, 0, &o, 0, &got) != 0) {
        snprintf(why, sizeof why, "cannot open the .csv file");
        goto done;
    }
    size_t i = 0;
    for (; first + i < want.n && i < got.n; i++) {
        if (!line_matches(want.v[first + i], got.v[i])) {
            snprintf(why, sizeof why, "line %zu of the expectation: expected %s, got %s",
                     first + i + 1, want.v[first + i], got.v[i]);
            goto done;
        }
    }
    if (first + i < want.n || i < got.n) {
        snprintf(why, sizeof why, "expected %s, got %s",
                 first + i < want.n ? want.v[first + i] : "(nothing more)",
                 i < got.n ? got.v[i] : "(nothing more)");
        goto done;
    }
    /* the same outcome from memory, one byte per block */
    run(path, data, dlen, &o, 1, &got_mem);
    for (i = 0; i < got.n || i < got_mem.n; i++) {
        if (i >= got.n || i >= got_mem.n || strcmp(got.v[i], got_mem.v[i]) != 0) {
            snprintf(why, sizeof why, "reading from memory differs: expected %s, got %s",
                     i < got.n ? got.v[i] : "(nothing more)",
                     i < got_mem.n ? got_mem.v[i] : "(nothing more)");
            goto done;
        }
    }
    ok = 1;
done:
    if (!ok)
        fprintf(stderr, "FAIL %s: %s\n", name, why);
    free(etext);
    free(data);
    free_lines(&want);
    free_lines(&got);
    free_lines(&got_mem);
    return ok;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s CORPUS-DIR\n", argv[0]);
        return 2;
    }
    DIR *d = opendir(argv[1]);
    if (!d) {
        fprintf(stderr, "cannot open %s: %s\n", argv[1], strerror(errno));
        return 2;
    }
    struct lines names = {0};
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".csv") == 0)
            add_line(&names, e->d_name, n);
    }
    closedir(d);
    qsort(names.v, names.n, sizeof *names.v, by_name);
    size_t passed = 0;
    for (size_t i = 0; i < names.n; i++) {
        int ok = check_file(argv[1], names.v[i]);
        CHECK(ok);
        passed += (size_t)ok;
    }
    fprintf(stderr, "%zu of %zu corpus files pass\n", passed, names.n);
    CHECK(names.n >= MIN_FILES);
    if (names.n < MIN_FILES)
        fprintf(stderr, "only %zu corpus files checked, at least %d expected\n", names.n,
                MIN_FILES);
    free_lines(&names);
    return CHECK_DONE();
}
