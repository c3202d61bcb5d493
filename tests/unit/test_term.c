/* test_term.c — the terminal matrix rendered into memory and read back: where markers
 * land relative to the threshold lines, what the key, legend and lists say, colour only
 * when asked, valid UTF-8 whatever the names, and refusal of bad options. */
#include "check.h"
#include "render/term.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINES 512

struct out {
    char *text; /* the whole output */
    char *copy; /* the output with newlines turned into NULs */
    char *line[MAX_LINES];
    int n;
    enum cvom_status st;
};

static void render(struct out *r, const struct cvom_term_point *p, size_t n,
                   const struct cvom_term_opts *o)
{
    size_t len = 0;
    FILE *f = open_memstream(&r->text, &len);
    memset(r->line, 0, sizeof r->line);
    r->n = 0;
    r->st = cvom__term_matrix(f, p, n, o);
    fclose(f);
    r->copy = malloc(len + 1);
    memcpy(r->copy, r->text, len + 1);
    for (char *s = r->copy; *s && r->n < MAX_LINES;) {
        char *nl = strchr(s, '\n');
        r->line[r->n++] = s;
        if (!nl)
            break;
        *nl = '\0';
        s = nl + 1;
    }
}

static void release(struct out *r)
{
    free(r->text);
    free(r->copy);
}

static struct cvom_term_point pt(const char *label, double x, double y, enum cvom_quadrant q,
                                 enum cvom_state s)
{
    return (struct cvom_term_point){
        .label = label, .x = x, .y = y, .quadrant = q, .state = s, .revenue = 0};
}

/* Whether s is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF). */
static int valid_utf8(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        int len = *s < 0x80                  ? 1
                  : *s >= 0xC2 && *s <= 0xDF ? 2
                  : *s >= 0xE0 && *s <= 0xEF ? 3
                  : *s >= 0xF0 && *s <= 0xF4 ? 4
                                             : 0;
        uint32_t v = len == 1 ? *s : len == 2 ? *s & 0x1Fu : len == 3 ? *s & 0x0Fu : *s & 7u;
        if (!len)
            return 0;
        for (int i = 1; i < len; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return 0;
            v = v << 6 | (s[i] & 0x3Fu);
        }
        if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) ||
            (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        s += len;
    }
    return 1;
}

/* Display column of byte offset off in line: code points before it, escapes skipped. */
static int column(const char *line, size_t off)
{
    int col = 0;
    for (size_t i = 0; i < off; i++) {
        if (line[i] == '\033') {
            while (i < off && line[i] != 'm')
                i++;
            continue;
        }
        col += ((unsigned char)line[i] & 0xC0) != 0x80;
    }
    return col;
}

static int width(const char *line)
{
    return column(line, strlen(line));
}

static int find_line(const struct out *r, const char *needle)
{
    for (int i = 0; i < r->n; i++)
        if (strstr(r->line[i], needle))
            return i;
    return -1;
}

/* The plot as read back: its rows, the threshold row, and the columns of the y axis and
 * the vertical threshold line, all in display columns. */
struct plot {
    int top, rows, thr_row, axis_col, thr_col;
};

static int read_plot(const struct out *r, int height, struct plot *p)
{
    int axis;
    const char *s;
    p->top = find_line(r, "\u2191 Emotional value") + 1;
    p->rows = height;
    if (p->top <= 0 || p->top + height >= r->n)
        return 0;
    axis = p->top + height;
    s = strstr(r->line[axis], "\u2514");
    p->axis_col = s ? column(r->line[axis], (size_t)(s - r->line[axis])) : -1;
    s = strstr(r->line[axis], "\u2534");
    p->thr_col = s ? column(r->line[axis], (size_t)(s - r->line[axis])) : -1;
    p->thr_row = -1;
    for (int i = 0; i < height; i++)
        if (strstr(r->line[p->top + i], "\u2500\u253c\u2500") ||
            strstr(r->line[p->top + i], "\u253c\u2500"))
            p->thr_row = p->thr_row < 0 ? i : p->thr_row;
    return p->axis_col >= 0 && p->thr_col > p->axis_col && p->thr_row > 0;
}

/* Find the marker text (a number, possibly with '?', or a letter) standing alone in the
 * plot, right of the axis: no letter or digit next to it, so a quadrant name's letters and
 * a longer number's digits do not count. Row within the plot and display column, or 0
 * when absent. */
static int find_marker(const struct out *r, const struct plot *p, const char *mark, int *row,
                       int *col)
{
    size_t len = strlen(mark);
    for (int i = 0; i < p->rows; i++) {
        const char *line = r->line[p->top + i];
        for (const char *s = strstr(line, mark); s; s = strstr(s + 1, mark)) {
            int c = column(line, (size_t)(s - line));
            char before = s > line ? s[-1] : ' ', after = s[len];
            if (c <= p->axis_col || isalnum((unsigned char)before) ||
                isalnum((unsigned char)after) || (after == '?' && mark[len - 1] != '?'))
                continue;
            *row = i;
            *col = c;
            return 1;
        }
    }
    return 0;
}

static void test_layout(void)
{
    struct cvom_term_opts o;
    struct cvom_term_point p[2] = {
        pt("Acme Manufacturing", 90, 90, CVOM_Q_PARTNERSHIP, CVOM_STATE_OK),
        pt("Brightside Retail", 10, 10, CVOM_Q_TRANSACTIONAL, CVOM_STATE_OK),
    };
    struct out r;
    struct plot pl;
    int row, col;
    cvom__term_opts_init(&o);
    CHECK_INT(o.width, 80);
    CHECK_INT(o.height, 24);
    CHECK_NEAR(o.threshold[CVOM_DIM_INTELLECTUAL], 50, 0);
    o.title = "Portfolio matrix";
    o.subtitle = "2024-06-30 \u00b7 all owners";
    render(&r, p, 2, &o);
    CHECK_INT(r.st, CVOM_OK);
    CHECK(strchr(r.text, '\033') == NULL);
    CHECK(valid_utf8(r.text));
    CHECK_STR(r.line[0], "Portfolio matrix");
    CHECK_STR(r.line[1], "2024-06-30 \u00b7 all owners");
    CHECK(find_line(&r, "Emotional value") >= 0);
    CHECK(find_line(&r, "Intellectual value") >= 0);
    CHECK(find_line(&r, "EMOTIONAL") >= 0);
    CHECK(find_line(&r, "PARTNERSHIP") >= 0);
    CHECK(find_line(&r, "TRANSACTIONAL") >= 0);
    CHECK(find_line(&r, "INTELLECTUAL") >= 0);
    CHECK(read_plot(&r, o.height, &pl));
    /* y ticks: 100 at the top, the threshold on its line, 0 at the bottom */
    CHECK(strncmp(r.line[pl.top], "100 ", 4) == 0);
    CHECK(strncmp(r.line[pl.top + pl.thr_row], " 50 \u253c", 4 + 3) == 0);
    CHECK(strncmp(r.line[pl.top + o.height - 1], "  0 ", 4) == 0);
    /* x ticks: 0, the threshold and 100 under the axis */
    {
        const char *ticks = r.line[pl.top + o.height + 1];
        const char *fifty = strstr(ticks, "50");
        CHECK(strstr(ticks, " 0 ") != NULL);
        CHECK(strstr(ticks, "100") != NULL);
        CHECK(fifty && abs(column(ticks, (size_t)(fifty - ticks)) - pl.thr_col) <= 1);
    }
    /* (90, 90) above and right of both threshold lines, (10, 10) below and left */
    CHECK(find_marker(&r, &pl, "1", &row, &col));
    CHECK(row < pl.thr_row && col > pl.thr_col);
    CHECK(row < pl.thr_row / 2 + 1 && col > pl.thr_col + (80 - pl.thr_col) / 2);
    CHECK(find_marker(&r, &pl, "2", &row, &col));
    CHECK(row > pl.thr_row && col < pl.thr_col && col > pl.axis_col);
    CHECK(row > pl.thr_row + (o.height - pl.thr_row) / 2 && col < pl.thr_col / 2);
    CHECK(find_line(&r, "Key:") > pl.top);
    for (int i = 0; i < r.n; i++)
        CHECK(width(r.line[i]) <= 80);
    release(&r);
}

/* Every colour escape removed, the coloured drawing is the plain one. */
static void test_color(void)
{
    struct cvom_term_opts o;
    struct cvom_term_point p[3] = {
        pt("A", 70, 80, CVOM_Q_PARTNERSHIP, CVOM_STATE_OK),
        pt("B", 20, 70, CVOM_Q_EMOTIONAL, CVOM_STATE_BORDERLINE),
        pt("C", 80, 20, CVOM_Q_INTELLECTUAL, CVOM_STATE_OK),
    };
    struct out plain, colour;
    char *stripped;
    size_t j = 0;
    cvom__term_opts_init(&o);
    render(&plain, p, 3, &o);
    o.color = 1;
    render(&colour, p, 3, &o);
    CHECK_INT(colour.st, CVOM_OK);
    CHECK(strchr(plain.text, '\033') == NULL);
    CHECK(strchr(colour.text, '\033') != NULL);
    CHECK(strstr(colour.text, "\033[0;1;32m") != NULL); /* a partnership marker */
    stripped = malloc(strlen(colour.text) + 1);
    for (const char *s = colour.text; *s; s++) {
        if (*s == '\033') {
            while (*s && *s != 'm')
                s++;
            continue;
        }
        stripped[j++] = *s;
    }
    stripped[j] = '\0';
    CHECK_STR(stripped, plain.text);
    free(stripped);
    release(&plain);
    release(&colour);
}

static void test_borderline(void)
{
    struct cvom_term_opts o;
    struct cvom_term_point p[2] = {
        pt("Steady", 80, 80, CVOM_Q_PARTNERSHIP, CVOM_STATE_OK),
        pt("Wobbly", 52, 30, CVOM_Q_INTELLECTUAL, CVOM_STATE_BORDERLINE),
    };
    struct out r;
    struct plot pl;
    int row, col, legend;
    cvom__term_opts_init(&o);
    render(&r, p, 2, &o);
    CHECK(read_plot(&r, o.height, &pl));
    CHECK(find_marker(&r, &pl, "2?", &row, &col));
    CHECK(row > pl.thr_row && col > pl.thr_col);
    CHECK(!find_marker(&r, &pl, "1?", &row, &col));
    CHECK(find_line(&r, "7? = borderline") >= 0);
    legend = find_line(&r, "Wobbly");
    CHECK(legend >= 0 && strstr(r.line[legend], "borderline") && strstr(r.line[legend], "2?"));
    legend = find_line(&r, "Steady");
    CHECK(legend >= 0 && !strstr(r.line[legend], "borderline"));
    release(&r);
}

static void test_insufficient(void)
{
    struct cvom_term_opts o;
    struct cvom_term_point p[4] = {
        pt("Plotted One", 60, 60, CVOM_Q_PARTNERSHIP, CVOM_STATE_OK),
        pt("Thin Evidence", 20, 20, CVOM_Q_TRANSACTIONAL, CVOM_STATE_INSUFFICIENT),
        pt("No Number", NAN, 40, CVOM_Q_TRANSACTIONAL, CVOM_STATE_OK),
        pt("Plotted Two", 30, 60, CVOM_Q_EMOTIONAL, CVOM_STATE_OK),
    };
    struct out r;
    struct plot pl;
    int row, col, list;
    cvom__term_opts_init(&o);
    render(&r, p, 4, &o);
    CHECK_INT(r.st, CVOM_OK);
    CHECK(read_plot(&r, o.height, &pl));
    CHECK(find_marker(&r, &pl, "1", &row, &col));
    CHECK(find_marker(&r, &pl, "2", &row, &col));
    CHECK(!find_marker(&r, &pl, "3", &row, &col));
    CHECK(!find_marker(&r, &pl, "4", &row, &col));
    list = find_line(&r, "Not enough evidence: ");
    CHECK(list > pl.top + pl.rows);
    CHECK(list >= 0 && strstr(r.line[list], "Thin Evidence") && strstr(r.line[list], "No Number"));
    CHECK_INT(find_line(&r, "Thin Evidence"), list);
    CHECK_INT(find_line(&r, "No Number"), list);
    CHECK(find_line(&r, "Plotted Two") >= 0);
    CHECK(find_line(&r, "2 of 4 accounts plotted") >= 0);
    release(&r);
}

/* A long name in several scripts is cut on a character boundary; bytes that are not UTF-8
 * and control characters in a name never reach the terminal. */
static void test_utf8(void)
{
    static const char name[] = "\u00dcberseehandel Gr\u00f6\u00dfenwahn \u00c6r\u00f8 "
                               "\u65e5\u672c\u8cbf\u6613 \u0421\u0438\u0431\u0438\u0440\u044c "
                               "\u00c9tablissements R\u00e9unis \u00e0 Qu\u00e9bec";
    struct cvom_term_opts o;
    struct cvom_term_point p[3] = {
        pt(name, 40, 70, CVOM_Q_EMOTIONAL, CVOM_STATE_OK),
        pt("Bad \xff\xfe bytes \xc3", 70, 40, CVOM_Q_INTELLECTUAL, CVOM_STATE_OK),
        pt("Sneaky \033[2J\a name", 70, 70, CVOM_Q_PARTNERSHIP, CVOM_STATE_OK),
    };
    struct out r;
    int row;
    cvom__term_opts_init(&o);
    render(&r, p, 3, &o);
    CHECK_INT(r.st, CVOM_OK);
    CHECK(valid_utf8(r.text));
    CHECK(strchr(r.text, '\033') == NULL);
    CHECK(strchr(r.text, '\a') == NULL);
    CHECK(strstr(r.text, name) == NULL);
    row = find_line(&r, "\u00dcberseehandel");
    CHECK(row >= 0 && strstr(r.line[row], "\u2026"));
    CHECK(row >= 0 && width(r.line[row]) <= 80);
    CHECK(find_line(&r, "Bad \ufffd\ufffd bytes \ufffd") >= 0);
    release(&r);
}

static uint32_t lcg(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

/* Whether number num can be found: alone in the plot, or in the list of lettered places
 * ("A = 3, 9? · B = 12", possibly over several lines) with its letter in the plot. */
static int findable(const struct out *r, const struct plot *pl, size_t num)
{
    char buf[16], list[4096] = "";
    size_t len = 0;
    int row, col, key = find_line(r, "Letters mark");
    snprintf(buf, sizeof buf, "%zu", num);
    if (find_marker(r, pl, buf, &row, &col))
        return 1;
    snprintf(buf, sizeof buf, "%zu?", num);
    if (find_marker(r, pl, buf, &row, &col))
        return 1;
    for (int i = key; key >= 0 && i < r->n && r->line[i][0]; i++) {
        size_t n = strlen(r->line[i]);
        if (len + n + 2 > sizeof list)
            return 0;
        memcpy(list + len, r->line[i], n);
        len += n;
        list[len++] = ' ';
        list[len] = '\0';
    }
    for (const char *s = strstr(list, " = "); s; s = strstr(s + 1, " = ")) {
        char letter[2] = {s[-1], '\0'};
        const char *end = strstr(s, "\u00b7");
        for (const char *d = s + 3; *d && (!end || d < end); d++) {
            char *stop;
            if (d[-1] == ' ' && strtoul(d, &stop, 10) == num && d != stop)
                return find_marker(r, pl, letter, &row, &col);
        }
    }
    return 0;
}

static void test_many(void)
{
    enum { N = 100 };
    static char names[N][32];
    struct cvom_term_point p[N];
    struct cvom_term_opts o;
    struct out r, again;
    struct plot pl;
    uint32_t seed = 12345;
    int seen[N + 1] = {0}, head;
    cvom__term_opts_init(&o);
    for (int i = 0; i < N; i++) {
        double x = (double)(lcg(&seed) % 1001) / 10.0, y = (double)(lcg(&seed) % 1001) / 10.0;
        enum cvom_quadrant q = x >= 50 ? (y >= 50 ? CVOM_Q_PARTNERSHIP : CVOM_Q_INTELLECTUAL)
                                       : (y >= 50 ? CVOM_Q_EMOTIONAL : CVOM_Q_TRANSACTIONAL);
        snprintf(names[i], sizeof names[i], "Account %03d", i + 1);
        p[i] = pt(names[i], x, y, q, i % 7 == 0 ? CVOM_STATE_BORDERLINE : CVOM_STATE_OK);
        p[i].revenue = (double)(lcg(&seed) % 5000000);
    }
    p[5].x = p[6].x = p[7].x = 33.3; /* three in one cell */
    p[5].y = p[6].y = p[7].y = 66.6;
    render(&r, p, N, &o);
    render(&again, p, N, &o);
    CHECK_INT(r.st, CVOM_OK);
    CHECK_STR(r.text, again.text);
    CHECK(valid_utf8(r.text));
    CHECK(read_plot(&r, o.height, &pl));
    head = find_line(&r, "Account  ");
    CHECK(head > pl.top);
    for (int i = head + 1; head > 0 && i < r.n && r.line[i][0]; i++) {
        char *end;
        unsigned long v = strtoul(r.line[i], &end, 10);
        if (end != r.line[i] && v >= 1 && v <= N)
            seen[v]++;
    }
    for (int i = 1; i <= N; i++) {
        CHECK_INT(seen[i], 1);
        if (!findable(&r, &pl, (size_t)i))
            fprintf(stderr, "account %d cannot be found in the plot\n", i);
        CHECK(findable(&r, &pl, (size_t)i));
    }
    for (int i = 0; i < r.n; i++)
        CHECK(width(r.line[i]) <= 80);
    release(&r);
    release(&again);
}

static void test_same_cell_and_clamp(void)
{
    struct cvom_term_opts o;
    struct cvom_term_point p[4] = {
        pt("Twin A", 25, 75, CVOM_Q_EMOTIONAL, CVOM_STATE_OK),
        pt("Twin B", 25, 75, CVOM_Q_EMOTIONAL, CVOM_STATE_BORDERLINE),
        pt("Too High", 150, -20, CVOM_Q_INTELLECTUAL, CVOM_STATE_OK),
        pt("Too Low", -5, INFINITY, CVOM_Q_EMOTIONAL, CVOM_STATE_OK),
    };
    struct out r;
    struct plot pl;
    int row, col, line;
    cvom__term_opts_init(&o);
    render(&r, p, 4, &o);
    CHECK_INT(r.st, CVOM_OK);
    CHECK(read_plot(&r, o.height, &pl));
    CHECK(find_marker(&r, &pl, "A", &row, &col));
    CHECK(row < pl.thr_row && col < pl.thr_col);
    CHECK(find_line(&r, "A = 1, 2?") >= 0);
    CHECK(find_marker(&r, &pl, "3", &row, &col));
    CHECK_INT(row, pl.rows - 1);
    CHECK(col > pl.thr_col);
    CHECK(find_marker(&r, &pl, "4", &row, &col));
    CHECK_INT(row, 0);
    CHECK_INT(col, pl.axis_col + 1);
    line = find_line(&r, "Too High");
    CHECK(line >= 0 && strstr(r.line[line], "100.0    0.0"));
    release(&r);
}

/* Thresholds away from 50 move the lines and their ticks, and the lines still separate
 * the quadrants exactly: a score at the threshold counts as high. */
static void test_thresholds(void)
{
    struct cvom_term_opts o;
    struct cvom_term_point p[2] = {
        pt("Left Above", 69.9, 30, CVOM_Q_EMOTIONAL, CVOM_STATE_OK),
        pt("Right Below", 70, 29.9, CVOM_Q_INTELLECTUAL, CVOM_STATE_OK),
    };
    struct out r;
    struct plot pl;
    int row, col;
    cvom__term_opts_init(&o);
    o.threshold[CVOM_DIM_INTELLECTUAL] = 70;
    o.threshold[CVOM_DIM_EMOTIONAL] = 30;
    o.width = 40;
    o.height = 12;
    render(&r, p, 2, &o);
    CHECK_INT(r.st, CVOM_OK);
    CHECK(read_plot(&r, o.height, &pl));
    CHECK(strncmp(r.line[pl.top + pl.thr_row], " 30 ", 4) == 0);
    CHECK(strstr(r.line[pl.top + o.height + 1], "70") != NULL);
    CHECK(pl.thr_row > o.height / 2 && pl.thr_col > 40 / 2);
    CHECK(find_marker(&r, &pl, "1", &row, &col));
    CHECK(row < pl.thr_row && col < pl.thr_col);
    CHECK(find_marker(&r, &pl, "2", &row, &col));
    CHECK(row > pl.thr_row && col > pl.thr_col);
    for (int i = 0; i < r.n; i++)
        CHECK(width(r.line[i]) <= 40);
    release(&r);
}

/* The legend's state says stale beside ok and borderline, as the report and the web do. */
static void test_stale(void)
{
    struct cvom_term_opts o;
    struct cvom_term_point p[3] = {
        pt("Fresh Co", 80, 80, CVOM_Q_PARTNERSHIP, CVOM_STATE_OK),
        pt("Old Co", 20, 80, CVOM_Q_EMOTIONAL, CVOM_STATE_OK),
        pt("Old Borderline Co", 55, 20, CVOM_Q_INTELLECTUAL, CVOM_STATE_BORDERLINE),
    };
    p[1].stale = p[2].stale = 1;
    struct out r;
    const char *fresh = NULL, *old = NULL, *both = NULL;
    cvom__term_opts_init(&o);
    o.width = 100;
    render(&r, p, 3, &o);
    CHECK_INT(r.st, CVOM_OK);
    for (int i = 0; i < r.n; i++) {
        if (strstr(r.line[i], "Fresh Co"))
            fresh = r.line[i];
        else if (strstr(r.line[i], "Old Co"))
            old = r.line[i];
        else if (strstr(r.line[i], "Old Borderline Co"))
            both = r.line[i];
    }
    CHECK(fresh && old && both);
    if (fresh && old && both) {
        size_t lf = strlen(fresh), lo = strlen(old), lb = strlen(both);
        CHECK(lf > 4 && strcmp(fresh + lf - 4, "  ok") == 0);
        CHECK(lo > 7 && strcmp(old + lo - 7, "  stale") == 0);
        CHECK(lb > 19 && strcmp(both + lb - 19, "  borderline, stale") == 0);
    }
    release(&r);
}

static void test_empty(void)
{
    struct cvom_term_opts o;
    struct out r;
    cvom__term_opts_init(&o);
    render(&r, NULL, 0, &o);
    CHECK_INT(r.st, CVOM_OK);
    CHECK(find_line(&r, "PARTNERSHIP") >= 0);
    CHECK(find_line(&r, "0 of 0 accounts plotted") >= 0);
    release(&r);
}

static void test_invalid(void)
{
    struct cvom_term_opts o;
    struct cvom_term_point p = pt("X", 50, 50, CVOM_Q_PARTNERSHIP, CVOM_STATE_OK);
    FILE *f = fopen("/dev/null", "w"), *ro = fopen("/dev/null", "r");
    cvom__term_opts_init(&o);
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_OK);
    CHECK_INT(cvom__term_matrix(NULL, &p, 1, &o), CVOM_EINVAL);
    CHECK_INT(cvom__term_matrix(f, &p, 1, NULL), CVOM_EINVAL);
    CHECK_INT(cvom__term_matrix(f, NULL, 1, &o), CVOM_EINVAL);
    o.width = 39;
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_EINVAL);
    o.width = 100000;
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_EINVAL);
    cvom__term_opts_init(&o);
    o.height = 9;
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_EINVAL);
    cvom__term_opts_init(&o);
    o.threshold[CVOM_DIM_EMOTIONAL] = NAN;
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_EINVAL);
    o.threshold[CVOM_DIM_EMOTIONAL] = 100.5;
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_EINVAL);
    o.threshold[CVOM_DIM_EMOTIONAL] = -1;
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_EINVAL);
    cvom__term_opts_init(&o);
    p.quadrant = (enum cvom_quadrant)CVOM_Q_COUNT;
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_EINVAL);
    p.state = CVOM_STATE_INSUFFICIENT; /* its quadrant is not looked at */
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_OK);
    p.state = (enum cvom_state)CVOM_STATE_COUNT;
    CHECK_INT(cvom__term_matrix(f, &p, 1, &o), CVOM_EINVAL);
    p = pt("X", 50, 50, CVOM_Q_PARTNERSHIP, CVOM_STATE_OK);
    CHECK_INT(cvom__term_matrix(ro, &p, 1, &o), CVOM_EIO);
    fclose(f);
    fclose(ro);
}

int main(void)
{
    CHECK_CASE(test_layout);
    CHECK_CASE(test_color);
    CHECK_CASE(test_borderline);
    CHECK_CASE(test_insufficient);
    CHECK_CASE(test_utf8);
    CHECK_CASE(test_many);
    CHECK_CASE(test_same_cell_and_clamp);
    CHECK_CASE(test_thresholds);
    CHECK_CASE(test_stale);
    CHECK_CASE(test_empty);
    CHECK_CASE(test_invalid);
    return CHECK_DONE();
}
