/* term.c — the portfolio matrix drawn on a character grid for a terminal: axes with their
 * meaning, threshold lines, quadrant names and one marker per account, followed by a key,
 * the legend, the accounts without enough evidence and the count per quadrant. Output is
 * UTF-8; ANSI colour is written only when asked for. */
#include "render/term.h"
#include "core/mem.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH_MAX 512
#define HEIGHT_MAX 256
#define TEXT_CAP (1u << 20) /* longest paragraph below the plot; the rest is cut */
#define NAME_MIN 8          /* narrowest account-name column */
#define QUAD_W 13           /* "Transactional" */
#define STATE_W 10          /* "borderline" */
#define STATE_BOTH_W 17     /* "borderline, stale" */

enum { X = CVOM_DIM_INTELLECTUAL, Y = CVOM_DIM_EMOTIONAL };

/* What occupies a cell of the plot. An anchor is the exact cell of an account, reserved
 * before any marker is written so that no other marker's digits can cover it. */
enum cell_kind { CELL_EMPTY, CELL_LINE, CELL_ANCHOR, CELL_MARK, CELL_LABEL };

/* Attributes: the low three bits are 1 + quadrant (0: no colour). */
#define ATTR_QUAD(q) ((int)(q) + 1)
#define ATTR_COLOUR 7
#define ATTR_BOLD 8
#define ATTR_DIM 16

/* Glyphs for places that cannot show a number. I, O, l and o are left out because they
 * read as digits. */
static const char letters[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";
#define LETTER_COUNT (sizeof letters - 1)
#define LETTER_NONE (-1)    /* shown by its number */
#define LETTER_PENDING (-2) /* needs a letter; assigned in number order */
#define GLUE "\x1f"         /* a space where a line must not break, in our own text */

static const char *const quad_sgr[CVOM_Q_COUNT] = {
    [CVOM_Q_TRANSACTIONAL] = "33",
    [CVOM_Q_INTELLECTUAL] = "36",
    [CVOM_Q_EMOTIONAL] = "35",
    [CVOM_Q_PARTNERSHIP] = "32",
};

struct cell {
    uint32_t cp;
    size_t owner; /* group of an anchor or marker */
    unsigned char kind, attr;
};

/* A plotted account. */
struct mark {
    size_t pt;    /* index into the caller's points */
    size_t num;   /* 1-based, in input order among plotted accounts */
    size_t group; /* accounts in the same cell share a group */
    int row, col;
    double rev; /* revenue for ordering; unknown sorts last */
};

/* The accounts shown at one place: those in one cell, and lone neighbours in the same row
 * that had no room for their numbers. */
struct group {
    int row, col;
    size_t count; /* 0 once merged into a neighbour */
    size_t lead;  /* index into marks of the lowest-numbered member */
    long letter;
};

struct term {
    FILE *out;
    int ascii;
    const struct cvom_term_opts *o;
    const struct cvom_term_point *pts;
    size_t n;
    int color, attr;  /* attr: what the terminal currently shows */
    int w, h, pw, lw; /* width, plot rows, plot columns, tick label width */
    int a, l;         /* row of the emotional and column of the intellectual threshold */
    double thr[CVOM_DIM_COUNT];
    char tick[CVOM_DIM_COUNT][16];
    struct cell *grid;
    struct mark *marks; /* by number */
    size_t k;
    struct group *groups;
    size_t ng, nletters;
};

struct sbuf {
    char *p;
    size_t len, cap;
    int oom, cut;
};

void cvom__term_opts_init(struct cvom_term_opts *o)
{
    memset(o, 0, sizeof *o);
    o->width = 80;
    o->height = 24;
    o->color = 0;
    o->threshold[X] = 50.0;
    o->threshold[Y] = 50.0;
    o->title = NULL;
    o->subtitle = NULL;
    o->noun = "accounts";
}

/* ---- text ----------------------------------------------------------------------------- */

/* Decode one code point of s (n > 0 bytes available) into *cp and return the bytes used.
 * Malformed, overlong and surrogate sequences, and control characters, come out as U+FFFD
 * so that a name can neither break the encoding nor drive the terminal. */
static size_t next_cp(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t len = 1;
    uint32_t v = s[0], min = 0;
    if (v >= 0xC2 && v <= 0xDF)
        len = 2, v &= 0x1F, min = 0x80;
    else if (v >= 0xE0 && v <= 0xEF)
        len = 3, v &= 0x0F, min = 0x800;
    else if (v >= 0xF0 && v <= 0xF4)
        len = 4, v &= 0x07, min = 0x10000;
    else if (v >= 0x80)
        goto bad;
    if (len > n)
        goto bad;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (s[i] & 0x3Fu);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto bad;
    *cp = (v < 0x20 || (v >= 0x7F && v < 0xA0)) ? 0xFFFD : v;
    return len;
bad:
    *cp = 0xFFFD;
    return 1;
}

/* Display width of n bytes of s, counted in code points. */
static int width_n(const char *s, size_t n)
{
    int w = 0;
    uint32_t cp;
    for (size_t i = 0; i < n; w++)
        i += next_cp(s + i, n - i, &cp);
    return w;
}

static int text_width(const char *s)
{
    return width_n(s, strlen(s));
}

/* What stands for a character outside ASCII when only ASCII may be written: the lines and
 * arrows of the drawing by their nearest look-alike, anything else by '?'. One column
 * each, so the layout does not move. */
static uint32_t ascii_of(uint32_t cp)
{
    switch (cp) {
    case 0x2500: return '-';
    case 0x2502: return '|';
    case 0x253C:
    case 0x2524:
    case 0x2514:
    case 0x2534: return '+';
    case 0x2026: return '~';
    case 0x00B7: return '-';
    case 0x2192: return '>';
    case 0x2191: return '^';
    default: return '?';
    }
}

static void put_cp(const struct term *t, uint32_t cp)
{
    char b[4];
    size_t n = 0;
    FILE *f = t->out;
    if (t->ascii && cp >= 0x80)
        cp = ascii_of(cp);
    if (cp < 0x80) {
        b[n++] = (char)cp;
    } else if (cp < 0x800) {
        b[n++] = (char)(0xC0 | cp >> 6);
        b[n++] = (char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        b[n++] = (char)(0xE0 | cp >> 12);
        b[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[n++] = (char)(0x80 | (cp & 0x3F));
    } else {
        b[n++] = (char)(0xF0 | cp >> 18);
        b[n++] = (char)(0x80 | (cp >> 12 & 0x3F));
        b[n++] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[n++] = (char)(0x80 | (cp & 0x3F));
    }
    fwrite(b, 1, n, f);
}

static void put_spaces(FILE *f, int n)
{
    while (n-- > 0)
        fputc(' ', f);
}

/* Switch the terminal to attr; a no-op without colour. Every change starts from a reset so
 * no attribute leaks from one run of text into the next. */
static void set_attr(struct term *t, int attr)
{
    if (!t->color || attr == t->attr)
        return;
    fputs("\033[0", t->out);
    if (attr & ATTR_BOLD)
        fputs(";1", t->out);
    if (attr & ATTR_DIM)
        fputs(";2", t->out);
    if (attr & ATTR_COLOUR) {
        fputc(';', t->out);
        fputs(quad_sgr[(attr & ATTR_COLOUR) - 1], t->out);
    }
    fputc('m', t->out);
    t->attr = attr;
}

static void end_line(struct term *t)
{
    set_attr(t, 0);
    fputc('\n', t->out);
}

/* Write s in w columns, cut on a character boundary with '…' when it is wider. pad > 0
 * fills with spaces on the right, pad < 0 on the left (right-aligned), 0 not at all. */
static void put_text(struct term *t, const char *s, int w, int pad)
{
    size_t n = strlen(s), i = 0;
    int total = width_n(s, n), shown = total <= w ? total : w;
    uint32_t cp;
    if (w <= 0)
        return;
    if (pad < 0)
        put_spaces(t->out, w - shown);
    for (int col = 0; col < (total <= w ? total : w - 1); col++) {
        i += next_cp(s + i, n - i, &cp);
        put_cp(t, cp);
    }
    if (total > w)
        put_cp(t, 0x2026);
    if (pad > 0)
        put_spaces(t->out, w - shown);
}

static void new_line_indent(struct term *t, int indent)
{
    end_line(t);
    put_spaces(t->out, indent);
}

/* Write one word starting at column col, breaking it where it would pass the width. With
 * glue, GLUE bytes are written as spaces. */
static int put_word(struct term *t, const char *s, size_t len, int col, int indent, int glue)
{
    uint32_t cp;
    for (size_t i = 0; i < len; col++) {
        if (col >= t->w && col > indent) {
            new_line_indent(t, indent);
            col = indent;
        }
        if (glue && s[i] == GLUE[0])
            cp = ' ', i++;
        else
            i += next_cp(s + i, len - i, &cp);
        put_cp(t, cp);
    }
    return col;
}

/* Write prefix and then s word by word, wrapping at the width; continuation lines are
 * indented to the width of the prefix. glue is set only for text made here, never for
 * names, which keep every control byte replaced. */
static void put_wrapped(struct term *t, const char *prefix, const char *s, int glue)
{
    int indent = text_width(prefix), col = indent;
    fputs(prefix, t->out);
    while (*s) {
        size_t len;
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        len = strcspn(s, " ");
        if (col > indent && col + 1 + width_n(s, len) > t->w) {
            new_line_indent(t, indent);
            col = indent;
        } else if (col > indent) {
            fputc(' ', t->out);
            col++;
        }
        col = put_word(t, s, len, col, indent, glue);
        s += len;
    }
    end_line(t);
}

static void sb_add(struct sbuf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->oom || b->cut)
        return;
    if (b->len + n + 4 > TEXT_CAP) {
        b->cut = 1;
        s = "…", n = strlen(s);
    }
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

/* ---- numbers and names ---------------------------------------------------------------- */

/* A threshold as a tick label: "50", "62.5", "33.33". */
static void fmt_tick(char *buf, size_t n, double v)
{
    size_t len;
    if (v == floor(v)) {
        snprintf(buf, n, "%.0f", v);
        return;
    }
    snprintf(buf, n, "%.2f", v);
    len = strlen(buf);
    while (len > 1 && buf[len - 1] == '0')
        buf[--len] = '\0';
    if (len > 1 && buf[len - 1] == '.')
        buf[--len] = '\0';
}

/* Revenue in at most six columns: "850", "12.5k", "2.4M". */
static void fmt_money(char *buf, size_t n, double v)
{
    static const char suffix[] = " kMBT";
    int i = 0;
    if (!(v >= 0)) {
        snprintf(buf, n, "-");
        return;
    }
    while (v >= 999.5 && i < 4) {
        v /= 1000.0;
        i++;
    }
    if (i == 0)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, v < 9.95 ? "%.1f%c" : "%.0f%c", v, suffix[i]);
}

static double clamp100(double v)
{
    return v < 0.0 ? 0.0 : v > 100.0 ? 100.0 : v + 0.0;
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static int digits(size_t v)
{
    int d = 1;
    while (v >= 10)
        v /= 10, d++;
    return d;
}

static const char *label_of(const struct cvom_term_point *p)
{
    return p->label ? p->label : "(unnamed)";
}

static const char *quad_title(enum cvom_quadrant q)
{
    const char *s = cvom_quadrant_title(q);
    return s ? s : "?";
}

static int plottable(const struct cvom_term_point *p)
{
    return !p->unassessed && p->state != CVOM_STATE_INSUFFICIENT && !isnan(p->x) && !isnan(p->y);
}

static int borderline(const struct term *t, const struct mark *m)
{
    return t->pts[m->pt].state == CVOM_STATE_BORDERLINE;
}

static int mark_attr(const struct term *t, const struct mark *m)
{
    return ATTR_QUAD(t->pts[m->pt].quadrant) | ATTR_BOLD;
}

/* ---- validation and layout ------------------------------------------------------------ */

static int opts_valid(const struct cvom_term_opts *o)
{
    if (o->width < 40 || o->width > WIDTH_MAX || o->height < 10 || o->height > HEIGHT_MAX)
        return 0;
    for (int d = 0; d < CVOM_DIM_COUNT; d++)
        if (!(o->threshold[d] >= 0.0 && o->threshold[d] <= 100.0))
            return 0;
    return 1;
}

/* Quadrant and state index tables, so values outside the enums are refused up front. An
 * insufficient account's quadrant is not meaningful and is not looked at. */
static int points_valid(const struct cvom_term_point *pts, size_t n)
{
    if (n && !pts)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)pts[i].state >= CVOM_STATE_COUNT)
            return 0;
        if (plottable(&pts[i]) && (unsigned)pts[i].quadrant >= CVOM_Q_COUNT)
            return 0;
    }
    return 1;
}

/* The plot is pw columns by h rows. The threshold lines take a column and a row of their
 * own, so no marker sits on a line and a marker's side of it is its quadrant (a score at
 * the threshold counts as high, as in classification). Each side is scaled on its own;
 * the sides get columns and rows in proportion to the range they cover. */
static void layout(struct term *t)
{
    t->w = t->o->width;
    t->h = t->o->height;
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        t->thr[d] = t->o->threshold[d];
        fmt_tick(t->tick[d], sizeof t->tick[d], t->thr[d]);
    }
    t->lw = (int)strlen(t->tick[Y]);
    if (t->lw < 3)
        t->lw = 3;
    t->pw = t->w - t->lw - 2;
    if (t->pw > CVOM_TERM_PLOT_MAX)
        t->pw = CVOM_TERM_PLOT_MAX;
    t->a = clampi((int)lround((100.0 - t->thr[Y]) / 100.0 * (t->h - 1)), 1, t->h - 2);
    t->l = clampi((int)lround(t->thr[X] / 100.0 * (t->pw - 1)), 1, t->pw - 2);
}

/* Which of n equal bins covering [lo, hi] holds v. */
static int bin(double v, double lo, double hi, int n)
{
    double f = hi > lo ? (v - lo) / (hi - lo) : 0.0;
    int i = (int)floor(f * n);
    return clampi(i, 0, n - 1);
}

static int col_of(const struct term *t, double x)
{
    if (x < t->thr[X])
        return bin(x, 0.0, t->thr[X], t->l);
    return t->l + 1 + bin(x, t->thr[X], 100.0, t->pw - 1 - t->l);
}

static int row_of(const struct term *t, double y)
{
    if (y >= t->thr[Y])
        return t->a - 1 - bin(y, t->thr[Y], 100.0, t->a);
    return t->h - 1 - bin(y, 0.0, t->thr[Y], t->h - 1 - t->a);
}

static struct cell *cell_at(const struct term *t, int r, int c)
{
    return &t->grid[(size_t)r * (size_t)t->pw + (size_t)c];
}

static void draw_lines(struct term *t)
{
    for (int r = 0; r < t->h; r++)
        for (int c = 0; c < t->pw; c++)
            *cell_at(t, r, c) = (struct cell){.cp = ' ', .kind = CELL_EMPTY};
    for (int c = 0; c < t->pw; c++)
        *cell_at(t, t->a, c) = (struct cell){.cp = 0x2500, .kind = CELL_LINE, .attr = ATTR_DIM};
    for (int r = 0; r < t->h; r++)
        *cell_at(t, r, t->l) = (struct cell){.cp = 0x2502, .kind = CELL_LINE, .attr = ATTR_DIM};
    cell_at(t, t->a, t->l)->cp = 0x253C;
}

/* ---- markers -------------------------------------------------------------------------- */

static int cmp_cell(const void *pa, const void *pb)
{
    const struct mark *a = pa, *b = pb;
    if (a->row != b->row)
        return a->row < b->row ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->num < b->num ? -1 : a->num > b->num;
}

/* Bigger accounts first, then by number: the order of the legend, and the order in which
 * markers claim room for their numbers. */
static int cmp_revenue(const void *pa, const void *pb)
{
    const struct mark *a = pa, *b = pb;
    if (a->rev != b->rev)
        return a->rev > b->rev ? -1 : 1;
    return a->num < b->num ? -1 : a->num > b->num;
}

static enum cvom_status collect(struct term *t)
{
    size_t cap = t->n ? t->n : 1;
    t->marks = calloc(cap, sizeof *t->marks);
    t->groups = calloc(cap, sizeof *t->groups);
    if (!t->marks || !t->groups)
        return CVOM_ENOMEM;
    for (size_t i = 0; i < t->n; i++) {
        const struct cvom_term_point *p = &t->pts[i];
        struct mark *m = &t->marks[t->k];
        if (!plottable(p))
            continue;
        m->pt = i;
        m->num = ++t->k;
        m->row = row_of(t, clamp100(p->y));
        m->col = col_of(t, clamp100(p->x));
        m->rev = p->revenue >= 0.0 ? p->revenue : -1.0;
    }
    return CVOM_OK;
}

/* Group the accounts by cell and reserve each group's cell. Several accounts in one cell
 * are shown by a letter. */
static enum cvom_status group_cells(struct term *t)
{
    struct mark *by_cell = malloc((t->k ? t->k : 1) * sizeof *by_cell);
    if (!by_cell)
        return CVOM_ENOMEM;
    cvom__copy(by_cell, t->marks, t->k * sizeof *t->marks);
    cvom__sort(by_cell, t->k, sizeof *by_cell, cmp_cell);
    for (size_t i = 0; i < t->k; i++) {
        const struct mark *m = &by_cell[i];
        struct group *g = &t->groups[t->ng];
        if (i > 0 && m->row == m[-1].row && m->col == m[-1].col) {
            g[-1].count++;
            g[-1].letter = LETTER_PENDING;
        } else {
            *g = (struct group){.row = m->row,
                                .col = m->col,
                                .count = 1,
                                .lead = m->num - 1,
                                .letter = LETTER_NONE};
            *cell_at(t, m->row, m->col) =
                (struct cell){.cp = ' ', .owner = t->ng++, .kind = CELL_ANCHOR};
        }
        t->marks[m->num - 1].group = t->ng - 1;
    }
    free(by_cell);
    return CVOM_OK;
}

/* Whether column c of row r would run into another account's marker: digits side by side
 * would read as one number. */
static int crowds(const struct term *t, size_t g, int r, int c)
{
    const struct cell *x;
    if (c < 0 || c >= t->pw)
        return 0;
    x = cell_at(t, r, c);
    return x->kind == CELL_MARK || (x->kind == CELL_ANCHOR && x->owner != g);
}

static int text_fits(const struct term *t, size_t g, int r, int s, int w)
{
    int left = t->groups[g].col < t->l, lo = left ? 0 : t->l + 1, hi = left ? t->l - 1 : t->pw - 1;
    if (s < lo || s + w - 1 > hi)
        return 0;
    for (int c = s; c < s + w; c++) {
        const struct cell *x = cell_at(t, r, c);
        if (x->kind != CELL_EMPTY && !(x->kind == CELL_ANCHOR && x->owner == g))
            return 0;
    }
    return !crowds(t, g, r, s - 1) && !crowds(t, g, r, s + w);
}

static void write_mark(struct term *t, size_t g, int r, int s, const char *text, int attr)
{
    for (int i = 0; text[i]; i++)
        *cell_at(t, r, s + i) = (struct cell){.cp = (unsigned char)text[i],
                                              .owner = g,
                                              .kind = CELL_MARK,
                                              .attr = (unsigned char)attr};
}

/* Write a lone account's number (with '?' when borderline) through its cell: starting
 * there, else ending there, else straddling it. Returns 0 when there is no room. */
static int place_number(struct term *t, const struct mark *m)
{
    char text[32];
    int w = snprintf(text, sizeof text, "%zu%s", m->num, borderline(t, m) ? "?" : "");
    for (int i = 0; i < w; i++) {
        int left = i == 0 ? 0 : i == 1 ? w - 1 : i - 1;
        if (text_fits(t, m->group, m->row, m->col - left, w)) {
            write_mark(t, m->group, m->row, m->col - left, text, mark_attr(t, m));
            return 1;
        }
    }
    return 0;
}

/* Letters go to groups in the order of their lowest account number, so the list under the
 * key reads in order. Past the last letter, '*' stands for the rest. */
static void place_letters(struct term *t)
{
    for (size_t i = 0; i < t->k; i++) {
        struct group *g = &t->groups[t->marks[i].group];
        char text[2] = {'*', '\0'};
        if (g->letter != LETTER_PENDING)
            continue;
        g->letter = (long)t->nletters++;
        if ((size_t)g->letter < LETTER_COUNT)
            text[0] = letters[g->letter];
        write_mark(t, t->marks[i].group, g->row, g->col, text, mark_attr(t, &t->marks[g->lead]));
    }
}

/* A lone account without room for its number joins a lettered neighbour in the next cell
 * of its row, when there is one, rather than take a letter of its own: letters side by
 * side would read as a word. It moves by one column; the legend keeps its exact scores. */
static void join_or_letter(struct term *t, const struct mark *m)
{
    for (int dc = -1; dc <= 1; dc += 2) {
        const struct cell *x;
        struct group *g;
        if (m->col + dc < 0 || m->col + dc >= t->pw)
            continue;
        x = cell_at(t, m->row, m->col + dc);
        if (x->kind != CELL_ANCHOR || t->groups[x->owner].letter != LETTER_PENDING)
            continue;
        g = &t->groups[x->owner];
        g->count++;
        if (m->num - 1 < g->lead)
            g->lead = m->num - 1;
        t->groups[m->group].count = 0;
        t->marks[m->num - 1].group = x->owner;
        *cell_at(t, m->row, m->col) = (struct cell){.cp = ' ', .kind = CELL_EMPTY};
        return;
    }
    t->groups[m->group].letter = LETTER_PENDING;
}

static enum cvom_status place_marks(struct term *t)
{
    struct mark *order = malloc((t->k ? t->k : 1) * sizeof *order);
    size_t n = 0;
    if (!order)
        return CVOM_ENOMEM;
    for (size_t i = 0; i < t->k; i++)
        if (t->groups[t->marks[i].group].count == 1)
            order[n++] = t->marks[i];
    cvom__sort(order, n, sizeof *order, cmp_revenue);
    for (size_t i = 0; i < n; i++)
        if (!place_number(t, &order[i]))
            join_or_letter(t, &order[i]);
    free(order);
    place_letters(t);
    return CVOM_OK;
}

/* ---- quadrant names ------------------------------------------------------------------- */

struct region {
    int r0, r1, c0, c1;
    int top, left;
};

static struct region quad_region(const struct term *t, enum cvom_quadrant q)
{
    int high_x = q == CVOM_Q_INTELLECTUAL || q == CVOM_Q_PARTNERSHIP;
    int high_y = q == CVOM_Q_EMOTIONAL || q == CVOM_Q_PARTNERSHIP;
    struct region g = {.top = high_y, .left = !high_x};
    g.r0 = high_y ? 0 : t->a + 1;
    g.r1 = high_y ? t->a - 1 : t->h - 1;
    g.c0 = high_x ? t->l + 1 : 0;
    g.c1 = high_x ? t->pw - 1 : t->l - 1;
    return g;
}

/* Whether the name fits at row r from column s with no marker on it or within two
 * columns of it, so that a number is not read as part of the name. */
static int label_fits(const struct term *t, const struct region *g, int r, int s, int len)
{
    for (int c = s; c < s + len; c++)
        if (cell_at(t, r, c)->kind != CELL_EMPTY)
            return 0;
    for (int c = s - 2; c < s + len + 2; c++)
        if (c >= g->c0 && c <= g->c1 && cell_at(t, r, c)->kind == CELL_MARK)
            return 0;
    return 1;
}

/* Find the spot nearest the quadrant's outer corner where the name covers no marker, a
 * step along the edge costing less than a step inwards. -1 in *row when there is none. */
static void label_spot(const struct term *t, const struct region *g, int len, int pad, int *row,
                       int *start)
{
    int rows = g->r1 - g->r0 + 1, slack = g->c1 - g->c0 + 1 - len - pad, best = -1;
    *row = -1;
    for (int dr = 0; dr < rows && (best < 0 || dr * 4 < best); dr++) {
        int r = g->top ? g->r0 + dr : g->r1 - dr;
        for (int dc = 0; dc <= slack; dc++) {
            int s = g->left ? g->c0 + pad + dc : g->c1 - len + 1 - dc;
            if ((best < 0 || dr * 4 + dc < best) && label_fits(t, g, r, s, len)) {
                best = dr * 4 + dc;
                *row = r;
                *start = s;
            }
        }
    }
}

/* Write the quadrant's name in capitals into its outer corner, clear of markers where
 * there is room; where there is none the markers stay and the name shows around them. */
static void place_label(struct term *t, enum cvom_quadrant q)
{
    struct region g = quad_region(t, q);
    const char *title = quad_title(q);
    int room = g.c1 - g.c0 + 1, len = (int)strlen(title), pad, r, s;
    uint32_t text[QUAD_W + 8];
    if (room < 2 || len >= (int)(sizeof text / sizeof *text))
        return;
    for (int i = 0; i < len; i++)
        text[i] = (unsigned char)(title[i] >= 'a' && title[i] <= 'z' ? title[i] - 32 : title[i]);
    if (len > room)
        text[room - 1] = 0x2026, len = room;
    pad = room >= len + 2 && g.left;
    label_spot(t, &g, len, pad, &r, &s);
    if (r < 0) {
        r = g.top ? g.r0 : g.r1;
        s = g.left ? g.c0 + pad : g.c1 - len + 1;
    }
    for (int i = 0; i < len; i++) {
        struct cell *x = cell_at(t, r, s + i);
        if (x->kind == CELL_EMPTY)
            *x = (struct cell){
                .cp = text[i], .kind = CELL_LABEL, .attr = (unsigned char)ATTR_QUAD(q)};
    }
}

/* ---- the plot ------------------------------------------------------------------------- */

static void put_titles(struct term *t)
{
    if (t->o->title) {
        set_attr(t, ATTR_BOLD);
        put_text(t, t->o->title, t->w, 0);
        end_line(t);
    }
    if (t->o->subtitle) {
        set_attr(t, ATTR_DIM);
        put_text(t, t->o->subtitle, t->w, 0);
        end_line(t);
    }
    if (t->o->title || t->o->subtitle)
        end_line(t);
}

static void put_row(struct term *t, int r)
{
    const char *tick = r == t->a                          ? t->tick[Y]
                       : r == 0 && t->thr[Y] < 100.0      ? "100"
                       : r == t->h - 1 && t->thr[Y] > 0.0 ? "0"
                                                          : "";
    int last = t->pw - 1;
    fprintf(t->out, "%*s ", t->lw, tick);
    put_cp(t, r == t->a ? 0x253C : *tick ? 0x2524 : 0x2502);
    while (last >= 0 && cell_at(t, r, last)->kind == CELL_EMPTY)
        last--;
    for (int c = 0; c <= last; c++) {
        const struct cell *x = cell_at(t, r, c);
        set_attr(t, x->attr);
        put_cp(t, x->cp);
    }
    end_line(t);
}

/* The x axis, its ticks at 0, the threshold and 100, and its name. The threshold's tick is
 * left out when it would touch the others (a threshold at 0 or 100). */
static void put_x_axis(struct term *t)
{
    char ticks[WIDTH_MAX + 1];
    int g = t->lw + 2, len = (int)strlen(t->tick[X]), s = g + t->l - len / 2;
    put_spaces(t->out, t->lw + 1);
    put_cp(t, 0x2514);
    for (int c = 0; c < t->pw; c++)
        put_cp(t, c == t->l ? 0x2534 : 0x2500);
    end_line(t);
    memset(ticks, ' ', (size_t)t->w);
    ticks[g] = '0';
    memcpy(ticks + g + t->pw - 3, "100", 3);
    if (s >= g + 2 && s + len <= g + t->pw - 4)
        memcpy(ticks + s, t->tick[X], (size_t)len);
    fprintf(t->out, "%.*s", g + t->pw, ticks);
    end_line(t);
    put_spaces(t->out, g + (t->pw - 20) / 2);
    fputs("Intellectual value ", t->out);
    put_cp(t, 0x2192);
    end_line(t);
}

static void put_plot(struct term *t)
{
    put_spaces(t->out, t->lw + 1);
    put_cp(t, 0x2191);
    fputs(" Emotional value", t->out);
    end_line(t);
    for (int r = 0; r < t->h; r++)
        put_row(t, r);
    put_x_axis(t);
}

/* ---- below the plot ------------------------------------------------------------------- */

static void sb_add_num(struct sbuf *b, size_t num, int flag)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu%s", num, flag ? "?" : "");
    sb_add(b, buf);
}

/* An account shown by a letter, for the list under the key. */
struct lettered {
    long letter;
    size_t num;
    int borderline;
};

static int cmp_lettered(const void *pa, const void *pb)
{
    const struct lettered *a = pa, *b = pb;
    if (a->letter != b->letter)
        return a->letter < b->letter ? -1 : 1;
    return a->num < b->num ? -1 : a->num > b->num;
}

/* "A = 3, 9? · B = 12", glued so that lines break only after a comma or before a dot. */
static enum cvom_status list_letters(const struct term *t, struct sbuf *b)
{
    struct lettered *v = malloc((t->k ? t->k : 1) * sizeof *v);
    size_t n = 0;
    if (!v)
        return CVOM_ENOMEM;
    for (size_t i = 0; i < t->k; i++) {
        long letter = t->groups[t->marks[i].group].letter;
        if (letter >= 0)
            v[n++] = (struct lettered){letter, t->marks[i].num, borderline(t, &t->marks[i])};
    }
    cvom__sort(v, n, sizeof *v, cmp_lettered);
    for (size_t i = 0; i < n; i++) {
        char head[32];
        if (i == 0 || v[i].letter != v[i - 1].letter) {
            snprintf(head, sizeof head, "%s%c" GLUE "=" GLUE, i ? " \u00b7" GLUE : " ",
                     (size_t)v[i].letter < LETTER_COUNT ? letters[v[i].letter] : '*');
            sb_add(b, head);
        } else {
            sb_add(b, ", ");
        }
        sb_add_num(b, v[i].num, v[i].borderline);
    }
    free(v);
    return CVOM_OK;
}

static enum cvom_status put_key(struct term *t)
{
    struct sbuf b = {0};
    put_wrapped(t, "Key: ",
                "7 = account 7 below \u00b7 7? = borderline, its interval crosses "
                "a threshold",
                0);
    if (t->nletters) {
        sb_add(&b, "Letters mark accounts too close to number:");
        if (list_letters(t, &b) != CVOM_OK || b.oom) {
            free(b.p);
            return CVOM_ENOMEM;
        }
        put_wrapped(t, "     ", b.p, 1);
    }
    free(b.p);
    return CVOM_OK;
}

/* Column widths of the legend; 0 hides a column. */
struct cols {
    int num, flag, name, rev, state;
    int intel, emot, decimals; /* score columns: "Intel." 82.4 or, narrow, "Int." 82 */
};

static int fixed_width(const struct cols *c)
{
    return c->num + c->flag + 2 + 2 + (c->rev ? c->rev + 2 : 0) + c->intel + 2 + c->emot + 2 +
           QUAD_W + (c->state ? 2 + c->state : 0);
}

/* Fit the legend into the width: the name column takes what is left, and where that gets
 * too narrow the revenue column goes, then the state column (the '?' after the number
 * still shows a borderline account), then the decimals of the scores. */
static void legend_cols(const struct term *t, struct cols *c)
{
    int name_max = 7;
    *c = (struct cols){.num = digits(t->k), .state = STATE_W, .intel = 6, .emot = 5, .decimals = 1};
    for (size_t i = 0; i < t->k; i++) {
        const struct cvom_term_point *p = &t->pts[t->marks[i].pt];
        char buf[32];
        int w = text_width(label_of(p));
        name_max = w > name_max ? w : name_max;
        c->flag |= p->state == CVOM_STATE_BORDERLINE;
        if (p->state == CVOM_STATE_BORDERLINE && p->stale)
            c->state = STATE_BOTH_W;
        if (p->revenue > 0.0) {
            fmt_money(buf, sizeof buf, p->revenue);
            c->rev = clampi((int)strlen(buf), c->rev > 7 ? c->rev : 7, 16);
        }
    }
    if (c->rev && t->w - fixed_width(c) < 16)
        c->rev = 0;
    if (t->w - fixed_width(c) < 12)
        c->state = 0;
    if (t->w - fixed_width(c) < NAME_MIN)
        c->intel = c->emot = 4, c->decimals = 0;
    c->name = t->w - fixed_width(c);
    c->name = c->name < NAME_MIN ? NAME_MIN : c->name > name_max ? name_max : c->name;
}

static void put_legend_head(struct term *t, const struct cols *c)
{
    set_attr(t, ATTR_BOLD);
    fprintf(t->out, "%*s%*s  ", c->num, "#", c->flag, "");
    put_text(t, "Account", c->name, 1);
    if (c->rev)
        fprintf(t->out, "  %*s", c->rev, "Revenue");
    fprintf(t->out, "  %s  %s  %s", c->decimals ? "Intel." : "Int.", c->decimals ? "Emot." : "Emo.",
            c->state ? "Quadrant       State" : "Quadrant");
    end_line(t);
}

static void put_legend_row(struct term *t, const struct cols *c, const struct mark *m)
{
    const struct cvom_term_point *p = &t->pts[m->pt];
    int bl = p->state == CVOM_STATE_BORDERLINE;
    char rev[32];
    set_attr(t, mark_attr(t, m));
    fprintf(t->out, "%*zu%s", c->num, m->num, bl ? "?" : c->flag ? " " : "");
    set_attr(t, 0);
    fputs("  ", t->out);
    put_text(t, label_of(p), c->name, 1);
    if (c->rev) {
        fmt_money(rev, sizeof rev, p->revenue);
        fprintf(t->out, "  %*s", c->rev, rev);
    }
    fprintf(t->out, "  %*.*f  %*.*f  ", c->intel, c->decimals, clamp100(p->x), c->emot, c->decimals,
            clamp100(p->y));
    set_attr(t, ATTR_QUAD(p->quadrant));
    put_text(t, quad_title(p->quadrant), QUAD_W, c->state ? 1 : 0);
    set_attr(t, 0);
    if (c->state) {
        fputs("  ", t->out);
        set_attr(t, bl || p->stale ? ATTR_BOLD : 0);
        fputs(bl && p->stale ? "borderline, stale"
              : bl           ? "borderline"
              : p->stale     ? "stale"
                             : "ok",
              t->out);
    }
    end_line(t);
}

static enum cvom_status put_legend(struct term *t)
{
    struct mark *order;
    struct cols c;
    if (!t->k)
        return CVOM_OK;
    order = malloc(t->k * sizeof *order);
    if (!order)
        return CVOM_ENOMEM;
    cvom__copy(order, t->marks, t->k * sizeof *order);
    cvom__sort(order, t->k, sizeof *order, cmp_revenue);
    legend_cols(t, &c);
    end_line(t);
    put_legend_head(t, &c);
    for (size_t i = 0; i < t->k; i++)
        put_legend_row(t, &c, &order[i]);
    free(order);
    return CVOM_OK;
}

/* The accounts that are not plotted, by name: those assessed without enough evidence
 * (unassessed 0), or those never assessed (1). */
static enum cvom_status put_unplotted(struct term *t, int unassessed, const char *prefix)
{
    struct sbuf b = {0};
    size_t count = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (plottable(&t->pts[i]) || !t->pts[i].unassessed != !unassessed)
            continue;
        sb_add(&b, count++ ? ", " : "");
        sb_add(&b, label_of(&t->pts[i]));
    }
    if (b.oom) {
        free(b.p);
        return CVOM_ENOMEM;
    }
    if (count) {
        end_line(t);
        put_wrapped(t, prefix, b.p, 0);
    }
    free(b.p);
    return CVOM_OK;
}

/* The counts laid out like the matrix itself: emotional and partnership above,
 * transactional and intellectual below. */
static void put_counts(struct term *t)
{
    static const enum cvom_quadrant grid[2][2] = {
        {CVOM_Q_EMOTIONAL, CVOM_Q_PARTNERSHIP},
        {CVOM_Q_TRANSACTIONAL, CVOM_Q_INTELLECTUAL},
    };
    size_t count[CVOM_Q_COUNT] = {0}, bl = 0, never = 0;
    char line[256];
    int cw, len;
    for (size_t i = 0; i < t->k; i++) {
        const struct cvom_term_point *p = &t->pts[t->marks[i].pt];
        count[p->quadrant]++;
        bl += p->state == CVOM_STATE_BORDERLINE;
    }
    for (size_t i = 0; i < t->n; i++)
        never += t->pts[i].unassessed != 0;
    cw = digits(t->k);
    end_line(t);
    /* Every account is counted: plotted, in another quadrant, without enough evidence, or
     * never assessed. */
    len = snprintf(line, sizeof line, "%zu of %zu %s plotted, %zu of them borderline", t->k,
                   t->n + t->o->elsewhere, t->o->noun ? t->o->noun : "accounts", bl);
    if (t->o->elsewhere && len > 0 && (size_t)len < sizeof line)
        len += snprintf(line + len, sizeof line - (size_t)len, "; %zu in other quadrants",
                        t->o->elsewhere);
    if (t->n - t->k - never && len > 0 && (size_t)len < sizeof line)
        len += snprintf(line + len, sizeof line - (size_t)len, "; %zu without enough evidence",
                        t->n - t->k - never);
    if (never && len > 0 && (size_t)len < sizeof line)
        snprintf(line + len, sizeof line - (size_t)len, "; %zu never assessed", never);
    put_wrapped(t, "", line, 0);
    for (int r = 0; r < 2; r++) {
        for (int c = 0; c < 2; c++) {
            enum cvom_quadrant q = grid[r][c];
            fputs(c ? "   " : "  ", t->out);
            set_attr(t, ATTR_QUAD(q));
            put_text(t, quad_title(q), QUAD_W, 1);
            set_attr(t, 0);
            fprintf(t->out, " %*zu", cw, count[q]);
        }
        end_line(t);
    }
}

static enum cvom_status render(struct term *t)
{
    enum cvom_status st;
    size_t cells = (size_t)t->h * (size_t)t->pw;
    t->grid = calloc(cells, sizeof *t->grid);
    if (!t->grid)
        return CVOM_ENOMEM;
    draw_lines(t);
    if ((st = collect(t)) != CVOM_OK)
        return st;
    if ((st = group_cells(t)) != CVOM_OK || (st = place_marks(t)) != CVOM_OK)
        return st;
    for (int q = 0; q < CVOM_Q_COUNT; q++)
        place_label(t, (enum cvom_quadrant)q);
    put_titles(t);
    put_plot(t);
    end_line(t);
    if ((st = put_key(t)) != CVOM_OK || (st = put_legend(t)) != CVOM_OK ||
        (st = put_unplotted(t, 0, "Not enough evidence: ")) != CVOM_OK ||
        (st = put_unplotted(t, 1, "Never assessed: ")) != CVOM_OK)
        return st;
    put_counts(t);
    return CVOM_OK;
}

enum cvom_status cvom__term_matrix(FILE *out, const struct cvom_term_point *pts, size_t n,
                                   const struct cvom_term_opts *o)
{
    struct term t = {.out = out, .ascii = o ? o->ascii : 0, .o = o, .pts = pts, .n = n};
    enum cvom_status st;
    if (!out || !o || !opts_valid(o) || !points_valid(pts, n))
        return CVOM_EINVAL;
    t.color = o->color != 0;
    layout(&t);
    st = render(&t);
    free(t.grid);
    free(t.marks);
    free(t.groups);
    if (st == CVOM_OK && (fflush(out) != 0 || ferror(out)))
        st = CVOM_EIO;
    return st;
}
