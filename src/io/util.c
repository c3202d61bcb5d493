/* util.c — checked number parsing, bounded whole-file reads, and UTF-8-safe copying. */
#define _GNU_SOURCE /* sync_file_range */
#include "io/util.h"
#include "core/mem.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

char *cvom__trim(char *s)
{
    size_t n = strlen(s);
    while (n && is_space(s[n - 1]))
        s[--n] = '\0';
    size_t i = 0;
    while (is_space(s[i]))
        i++;
    if (i)
        memmove(s, s + i, n - i + 1);
    return s;
}

static int tail_blank(const char *end)
{
    while (is_space(*end))
        end++;
    return *end == '\0';
}

enum cvom_status cvom__parse_double(const char *s, double *out)
{
    if (!s)
        return CVOM_EINVAL;
    while (is_space(*s))
        s++;
    if (!*s)
        return CVOM_EINVAL;
    /* strtod accepts hex floats, "inf" and "nan": none is a number a person meant here. */
    for (const char *p = s; *p && !is_space(*p); p++)
        if (!strchr("0123456789+-.eE", *p))
            return CVOM_EINVAL;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(v) || !tail_blank(end))
        return CVOM_EINVAL;
    *out = v;
    return CVOM_OK;
}

enum cvom_status cvom__parse_long(const char *s, long min, long max, long *out)
{
    if (!s)
        return CVOM_EINVAL;
    while (is_space(*s))
        s++;
    /* strtol would skip further white space such as \v and \f: only a sign or a digit. */
    if (!(*s == '-' || *s == '+' || (*s >= '0' && *s <= '9')))
        return CVOM_EINVAL;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || errno == ERANGE || !tail_blank(end) || v < min || v > max)
        return CVOM_EINVAL;
    *out = v;
    return CVOM_OK;
}

enum cvom_status cvom__parse_bool(const char *s, int *out)
{
    static const char *const yes[] = {"1", "true", "yes", "y"};
    static const char *const no[] = {"0", "false", "no", "n"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = 1;
            return CVOM_OK;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = 0;
            return CVOM_OK;
        }
    }
    return CVOM_EINVAL;
}

enum cvom_status cvom__read_file(const char *path, size_t cap, char **buf, size_t *len,
                                 struct cvom_error *err)
{
    int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    size_t size = 0, alloc = 65536;
    char *b = malloc(alloc);
    enum cvom_status st = CVOM_OK;
    while (b) {
        if (size + 1 >= alloc) {
            if (alloc > cap) {
                st = cvom_error_set(err, CVOM_ELIMIT, "%s: larger than %zu bytes", path, cap);
                break;
            }
            char *g = realloc(b, alloc * 2);
            if (!g)
                break;
            b = g;
            alloc *= 2;
        }
        ssize_t r = read(fd, b + size, alloc - size - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
            break;
        }
        if (r == 0)
            break;
        size += (size_t)r;
        if (size > cap) {
            st = cvom_error_set(err, CVOM_ELIMIT, "%s: larger than %zu bytes", path, cap);
            break;
        }
    }
    if (fd != STDIN_FILENO)
        close(fd);
    if (!b)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (st) {
        free(b);
        return st;
    }
    b[size] = '\0';
    *buf = b;
    *len = size;
    return CVOM_OK;
}

int cvom__money_format(char *buf, size_t cap, double v, const char *currency)
{
    char raw[400], grouped[540];
    if (!cap)
        return 1;
    buf[0] = '\0';
    if (!isfinite(v))
        return 0;
    /* -0.4 rounds to "0", which takes no sign. */
    int n = cvom__fixed_format(raw, sizeof raw, fabs(v), 0);
    if (n <= 0 || (size_t)n >= sizeof raw)
        return 1;
    size_t o = 0;
    if (v <= -0.5)
        grouped[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            grouped[o++] = ',';
        grouped[o++] = raw[i];
    }
    grouped[o] = '\0';
    int has = currency && currency[0];
    int w = snprintf(buf, cap, "%s%s%s", has ? currency : "", has ? "\u00a0" : "", grouped);
    return w < 0 || (size_t)w >= cap;
}

#define FIXED_FAST_DECIMALS 6 /* 10^6: exact, and a whole number of them stays below 2^53 */
#define FIXED_FAST_LIMIT 1e15 /* |v| × 10^decimals below this: whole numbers are exact */

static const double fixed_scale[FIXED_FAST_DECIMALS + 1] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

/* |v| rounded to `decimals` decimals as printf rounds it, as a whole number of 10^-decimals
 * in *units; 0 when it cannot be decided here (NaN, infinity, too large, or a product so
 * small that its rounding error is not a double), and the caller asks the C library. */
static int fixed_units(double v, int decimals, uint64_t *units)
{
    if (decimals < 0 || decimals > FIXED_FAST_DECIMALS)
        return 0;
    double a = fabs(v), t = a * fixed_scale[decimals];
    if (!(t < FIXED_FAST_LIMIT))
        return 0;
    /* t is within half a unit in its last place of the exact product; t - floor(t) is exact. */
    double whole = floor(t), frac = t - whole;
    if (fabs(frac - 0.5) > t * 0x1p-50 + 0x1p-60) {
        *units = (uint64_t)whole + (frac > 0.5);
        return 1;
    }
    /* Near a half the rounding of t may have decided it: the exact product is t + e, with e
     * from a fused multiply-add, so the exact fraction less a half is (frac - 0.5) + e, whose
     * sign the comparison below reads without rounding (frac - 0.5 is exact here). Values
     * rounded to one more decimal (65.85 to one decimal) land here often, and the C library
     * took a microsecond for each. An exact half goes to the even neighbour, as printf
     * rounds it. Below 2^-900 the error could be lost to underflow: left to the library. */
    if (a < 0x1p-900)
        return 0;
    double e = fma(a, fixed_scale[decimals], -t), above = frac - 0.5;
    uint64_t w = (uint64_t)whole;
    *units = w + (above > -e || (above == -e && (w & 1)));
    return 1;
}

int cvom__fixed_format(char *buf, size_t cap, double v, int decimals)
{
    uint64_t units;
    if (!fixed_units(v, decimals, &units))
        return snprintf(buf, cap, "%.*f", decimals, v);
    char text[48];
    size_t n = sizeof text;
    text[--n] = '\0';
    for (int d = 0; d < decimals; d++, units /= 10)
        text[--n] = (char)('0' + units % 10);
    if (decimals)
        text[--n] = '.';
    do {
        text[--n] = (char)('0' + units % 10);
        units /= 10;
    } while (units);
    if (signbit(v)) /* printf keeps the sign of a negative value that rounds to zero */
        text[--n] = '-';
    size_t len = sizeof text - 1 - n;
    if (cap) { /* cut as snprintf cuts */
        size_t m = len < cap ? len : cap - 1;
        memcpy(buf, text + n, m);
        buf[m] = '\0';
    }
    return (int)len;
}

double cvom__fixed_round(double v, int decimals)
{
    uint64_t units;
    double r;
    if (isnan(v))
        return v;
    if (fixed_units(v, decimals, &units)) {
        /* Both exact, and division rounds correctly: the double nearest the decimal text. */
        r = (double)units / fixed_scale[decimals];
        r = signbit(v) ? -r : r;
    } else {
        char text[400];
        snprintf(text, sizeof text, "%.*f", decimals, v);
        r = strtod(text, NULL);
    }
    return r == 0 ? 0.0 : r; /* never "-0.00" */
}

int cvom__copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n < cap) {
        memcpy(dst, src, n + 1);
        return 0;
    }
    n = cap - 1;
    /* Step back over continuation bytes so a multi-byte character is not cut in half. */
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
        n--;
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 1;
}

int cvom__utf8_valid(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    while (*s) {
        unsigned char c = *s;
        if (c < 0x80) {
            s++;
            continue;
        }
        int n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
        if (n < 0 || c > 0xF4)
            return 0;
        uint32_t cp = c & (0x3Fu >> n);
        for (int i = 1; i <= n; i++) {
            if ((s[i] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[i] & 0x3Fu);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        s += n + 1;
    }
    return 1;
}

void cvom__format_double(char *buf, size_t cap, double v)
{
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, cap, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

int cvom__open_beside(const char *path, char *tmp, size_t cap)
{
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    size_t len = strlen(path);
    if (len + sizeof ".tmp" + 6 > cap) { /* ".tmp", six characters, the NUL */
        errno = ENAMETOOLONG;
        return -1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
                    ((uint64_t)getpid() << 40) ^ (uint64_t)(uintptr_t)tmp;
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t z = (seed += 0x9e3779b97f4a7c15ull); /* splitmix64 steps */
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        memcpy(tmp, path, len);
        memcpy(tmp + len, ".tmp", 4);
        for (int i = 0; i < 6; i++, z /= 36)
            tmp[len + 4 + (size_t)i] = digits[z % 36];
        tmp[len + 10] = '\0';
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

#define WRITE_BEHIND ((off_t)8 << 20)

void cvom__write_behind(FILE *f, off_t *handed)
{
    int fd = fileno(f);
    if (fd < 0 || fflush(f) != 0)
        return; /* a write error shows again where the file is completed */
    off_t at = lseek(fd, 0, SEEK_CUR);
    if (at < 0 || at - *handed < WRITE_BEHIND)
        return;
    /* Advice: where it fails (a pipe, another system), the final fsync does all the work. */
    (void)sync_file_range(fd, *handed, at - *handed, SYNC_FILE_RANGE_WRITE);
    *handed = at;
}

void cvom__rows_init(struct cvom_rows *l, size_t size, size_t max)
{
    memset(l, 0, sizeof *l);
    l->size = size;
    l->max = max;
}

int cvom__rows_push(struct cvom_rows *l, const void *rec)
{
    void *g = cvom__grow(l->v, &l->cap, l->n + 1, l->size, l->max);
    if (!g) {
        l->failed = l->n + 1 > l->max ? CVOM_ELIMIT : CVOM_ENOMEM;
        return 1;
    }
    l->v = g;
    cvom__copy((char *)l->v + l->n * l->size, rec, l->size);
    l->n++;
    return 0;
}

enum cvom_status cvom__rows_status(const struct cvom_rows *l, const char *too_many,
                                   struct cvom_error *err)
{
    if (l->failed == CVOM_ENOMEM)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    if (l->failed && too_many)
        return cvom_error_set(err, CVOM_ELIMIT, "%s", too_many);
    return CVOM_OK;
}

void cvom__rows_free(struct cvom_rows *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

/* Written by hand: the C library has qsort and nothing that stops after the first k. */
void cvom__sort_first(void *base, size_t n, size_t k, size_t size,
                      int (*cmp)(const void *, const void *))
{
    unsigned char *v = base;
    /* heap[0] is the last of the first k found so far; one more slot holds an element
     * while it moves, and rest the others. */
    unsigned char *heap = k < n / 4 ? malloc((k + 1) * size) : NULL;
    unsigned char *rest = heap ? malloc(n * size) : NULL;
    if (!rest) {
        free(heap);
        cvom__sort(base, n, size, cmp);
        return;
    }
    unsigned char *x = heap + k * size;
    size_t h = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *e = v + i * size;
        size_t at;
        if (h < k) {
            for (at = h++; at > 0 && cmp(heap + (at - 1) / 2 * size, e) < 0; at = (at - 1) / 2)
                memcpy(heap + at * size, heap + (at - 1) / 2 * size, size);
        } else if (h && cmp(e, heap) < 0) {
            for (at = 0;;) {
                size_t c = 2 * at + 1;
                if (c >= h)
                    break;
                if (c + 1 < h && cmp(heap + c * size, heap + (c + 1) * size) < 0)
                    c++;
                if (cmp(heap + c * size, e) <= 0)
                    break;
                memcpy(heap + at * size, heap + c * size, size);
                at = c;
            }
        } else {
            continue;
        }
        memcpy(heap + at * size, e, size);
    }
    cvom__sort(heap, h, size, cmp);
    size_t m = 0;
    if (h)
        memcpy(x, heap + (h - 1) * size, size); /* the last of the first k */
    for (size_t i = 0; i < n; i++)
        if (!h || cmp(v + i * size, x) > 0)
            memcpy(rest + m++ * size, v + i * size, size);
    cvom__copy(v, heap, h * size);
    cvom__copy(v + h * size, rest, m * size);
    free(rest);
    free(heap);
}

void *cvom__grow(void *v, size_t *cap, size_t need, size_t size, size_t max)
{
    if (need <= *cap)
        return v;
    size_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    if (n > max)
        n = max;
    if (need > max || n > SIZE_MAX / size) /* past the bound, or n * size would overflow */
        return NULL;
    void *g = realloc(v, n * size);
    if (g)
        *cap = n;
    return g;
}

void cvom__sort_keyed(struct cvom_keyed *v, struct cvom_keyed *tmp, size_t n)
{
    if (n < 2)
        return;
    uint64_t all_and = ~(uint64_t)0, all_or = 0;
    for (size_t i = 0; i < n; i++) {
        all_and &= v[i].key;
        all_or |= v[i].key;
    }
    uint64_t varies = all_and ^ all_or; /* the bits that are not the same in every key */
    struct cvom_keyed *from = v, *to = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        if (!((varies >> shift) & 0xff))
            continue;
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((from[i].key >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            to[count[(from[i].key >> shift) & 0xff]++] = from[i];
        struct cvom_keyed *t = from;
        from = to;
        to = t;
    }
    if (from != v)
        memcpy(v, from, n * sizeof *v);
}

static int by_name_index(const void *x, const void *y)
{
    const struct cvom_revenue_rank *a = x, *b = y;
    int k = strcmp(a->name, b->name);
    if (k)
        return k;
    return a->index < b->index ? -1 : a->index > b->index;
}

int cvom__rank_by_revenue(struct cvom_revenue_rank *v, size_t n)
{
    if (n < 2)
        return 0;
    struct cvom_keyed *e = cvom__alloc_array(2 * n * sizeof *e);
    struct cvom_revenue_rank *out = cvom__alloc_array(n * sizeof *out);
    if (!e || !out) {
        free(e);
        free(out);
        return -1;
    }
    for (size_t i = 0; i < n; i++) /* largest first: the complement of the ascending key */
        e[i] = (struct cvom_keyed){~cvom__double_key(v[i].revenue + 0.0), i};
    cvom__sort_keyed(e, e + n, n);
    for (size_t a = 0, b; a < n; a = b) {
        for (b = a + 1; b < n && e[b].key == e[a].key; b++)
            ;
        for (size_t k = a; k < b; k++)
            out[k] = v[e[k].index];
        if (b - a > 1)
            qsort(out + a, b - a, sizeof *out, by_name_index);
    }
    memcpy(v, out, n * sizeof *v);
    free(e);
    free(out);
    return 0;
}

#define HUGE_PAGE ((size_t)2 << 20)

void *cvom__alloc_array(size_t n)
{
    if (n < HUGE_PAGE)
        return malloc(n ? n : 1);
    /* Whole huge pages: the kernel backs only whole 2 MiB ranges with them, so the part of
     * an array past its last 2 MiB boundary would take a fault per 4 KiB page. */
    size_t whole = (n + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p;
    if (whole < n || posix_memalign(&p, HUGE_PAGE, whole) != 0)
        return NULL;
#ifdef MADV_HUGEPAGE
    /* Advice only: where the kernel has no huge pages to give, small ones back it as before. */
    madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}

uint64_t cvom__double_key(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}
