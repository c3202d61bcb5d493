/* fuzz_scalars.c — fuzz target for the small parsers: cvom__parse_double, cvom__parse_long,
 * cvom__parse_bool (src/io/util.h) and cvom_date_parse / cvom_date_format (cvom.h).
 *
 * The input, cut at its first NUL, is given to every parser. Each outcome is compared with
 * a grammar checked here independently: a number is accepted exactly when the text between
 * leading and trailing blanks (space, tab, CR, LF) is a plain decimal number in range, a
 * boolean when it is one of the eight words, a date when it is a real YYYY-MM-DD calendar
 * date from 1900 on. Accepted values must round-trip through their printed form, and a
 * rejected parse must leave its output alone. The first bytes of the input, read as an
 * integer, also drive cvom_date_format over the whole range of day numbers.
 * Day numbers outside 0000-03-01..9999-12-31 format as the placeholder 0000-00-00.
 */
#include "io/util.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TEXT_MAX 512

#define FUZZ_NAME "fuzz_scalars"
#include "fail.h"

static int blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The text between leading and trailing blanks: [*b, *e). */
static void core(const char *s, const char **b, const char **e)
{
    *b = s;
    while (blank(**b))
        (*b)++;
    *e = *b + strlen(*b);
    while (*e > *b && blank((*e)[-1]))
        (*e)--;
}

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

/* [+-]? (D+ (. D*)? | . D+) ([eE] [+-]? D+)? over all of [b, e). */
static int decimal_grammar(const char *b, const char *e)
{
    const char *p = b;
    if (p < e && (*p == '+' || *p == '-'))
        p++;
    size_t before = 0, after = 0;
    while (p < e && digit(*p))
        p++, before++;
    if (p < e && *p == '.') {
        p++;
        while (p < e && digit(*p))
            p++, after++;
    }
    if (before + after == 0)
        return 0;
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        size_t exp = 0;
        while (p < e && digit(*p))
            p++, exp++;
        if (!exp)
            return 0;
    }
    return p == e;
}

static void check_double(const char *s)
{
    const char *b, *e;
    core(s, &b, &e);
    double v = -12345.678, sentinel = v;
    enum cvom_status st = cvom__parse_double(s, &v);
    int grammar = decimal_grammar(b, e);
    if (st != CVOM_OK) {
        if (st != CVOM_EINVAL || memcmp(&v, &sentinel, sizeof v) != 0)
            fail("parse_double failed with status %d and wrote its output\n", (int)st);
        if (grammar) { /* only a value out of range may be refused */
            char copy[TEXT_MAX + 1];
            memcpy(copy, b, (size_t)(e - b));
            copy[e - b] = '\0';
            errno = 0;
            double w = strtod(copy, NULL);
            if (errno != ERANGE && isfinite(w))
                fail("parse_double refused a plain number in range (%.17g)\n", w);
        }
        return;
    }
    if (!grammar)
        fail("parse_double accepted text that is not a plain decimal number: %.17g\n", v);
    if (!isfinite(v))
        fail("parse_double gave a value that is not finite\n");
    char buf[64];
    snprintf(buf, sizeof buf, "%.17g", v);
    double w;
    if (cvom__parse_double(buf, &w) != CVOM_OK || memcmp(&v, &w, sizeof v) != 0)
        fail("parse_double does not read back its own %%.17g form %s\n", buf);
}

static void check_long(const char *s)
{
    static const long ranges[][2] = {{LONG_MIN, LONG_MAX}, {-1000, 1000}, {1, 1000000}, {0, 0}};
    const char *b, *e;
    core(s, &b, &e);
    /* [+-]? D+ over the whole core, and its value (saturated) */
    const char *p = b;
    int neg = 0;
    if (p < e && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    int grammar = p < e;
    unsigned long long mag = 0;
    int big = 0;
    for (; p < e; p++) {
        if (!digit(*p)) {
            grammar = 0;
            break;
        }
        if (mag > (ULLONG_MAX - 9) / 10)
            big = 1;
        else
            mag = mag * 10 + (unsigned long long)(*p - '0');
    }
    for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++) {
        long lo = ranges[r][0], hi = ranges[r][1], v = 42;
        enum cvom_status st = cvom__parse_long(s, lo, hi, &v);
        int fits =
            grammar && !big &&
            (neg ? mag <= (unsigned long long)LONG_MAX + 1 : mag <= (unsigned long long)LONG_MAX);
        long want = 0;
        if (fits)
            want =
                neg ? (mag == (unsigned long long)LONG_MAX + 1 ? LONG_MIN : -(long)mag) : (long)mag;
        int should = fits && want >= lo && want <= hi;
        if (st == CVOM_OK && !should)
            fail("parse_long in [%ld, %ld] accepted %ld\n", lo, hi, v);
        if (st != CVOM_OK && should)
            fail("parse_long in [%ld, %ld] refused %ld\n", lo, hi, want);
        if (st != CVOM_OK && v != 42)
            fail("parse_long failed and wrote its output\n");
        if (st == CVOM_OK && v != want)
            fail("parse_long gave %ld for %ld\n", v, want);
    }
}

static void check_bool(const char *s)
{
    static const char *const words[] = {"1", "true", "yes", "y", "0", "false", "no", "n"};
    int want = -1;
    for (size_t i = 0; i < sizeof words / sizeof *words; i++)
        if (strcasecmp(s, words[i]) == 0)
            want = i < 4;
    int v = 7;
    enum cvom_status st = cvom__parse_bool(s, &v);
    if ((st == CVOM_OK) != (want >= 0) || (st == CVOM_OK && v != want) || (st != CVOM_OK && v != 7))
        fail("parse_bool gave status %d, value %d; expected %d\n", (int)st, v, want);
}

/* Days from 1970-01-01, counted in a different way from src/core/date.c. */
static int leap(long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static long days_of(long y, int m, int d)
{
    static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    long yy = y - 1; /* leap days in years 1..y-1, minus those in 1..1969 */
    long leaps = (yy / 4 - yy / 100 + yy / 400) - (1969 / 4 - 1969 / 100 + 1969 / 400);
    return (y - 1970) * 365 + leaps + before[m - 1] + (m > 2 && leap(y)) + d - 1;
}

static int month_len(long y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return len[m - 1] + (m == 2 && leap(y));
}

static void check_date(const char *s)
{
    int shape = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
    for (int i = 0; shape && i < 10; i++)
        shape = i == 4 || i == 7 || digit(s[i]);
    long y = 0;
    int m = 0, d = 0, real = 0;
    if (shape) {
        y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        m = (s[5] - '0') * 10 + (s[6] - '0');
        d = (s[8] - '0') * 10 + (s[9] - '0');
        real = y >= 1900 && m >= 1 && m <= 12 && d >= 1 && d <= month_len(y, m);
    }
    int32_t days = 4242;
    enum cvom_status st = cvom_date_parse(s, &days);
    if ((st == CVOM_OK) != real)
        fail("date_parse gave status %d for a %s date\n", (int)st, real ? "real" : "bad");
    if (!real) {
        if (days != 4242)
            fail("date_parse failed and wrote its output\n");
        return;
    }
    if (days != days_of(y, m, d))
        fail("date_parse gave day %ld, expected %ld\n", (long)days, days_of(y, m, d));
    char buf[11];
    cvom_date_format(days, buf);
    if (strcmp(buf, s) != 0)
        fail("date_format(date_parse(s)) gave %s\n", buf);
}

/* Any day number: a well-formed string, and a round trip for the years it can show. */
static void check_day_number(int32_t z)
{
    char buf[16];
    memset(buf, 'x', sizeof buf);
    cvom_date_format(z, buf);
    int shape = buf[10] == '\0' && buf[4] == '-' && buf[7] == '-';
    for (int i = 0; shape && i < 10; i++)
        shape = i == 4 || i == 7 || digit(buf[i]);
    if (!shape || buf[11] != 'x')
        fail("date_format(%ld) wrote '%.16s'\n", (long)z, buf);
    long lo = days_of(1900, 1, 1), hi = days_of(9999, 12, 31);
    int32_t back;
    if (z >= lo && z <= hi && (cvom_date_parse(buf, &back) != CVOM_OK || back != z))
        fail("date_format(%ld) = %s does not parse back\n", (long)z, buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[TEXT_MAX + 1];
    size_t n = size < TEXT_MAX ? size : TEXT_MAX;
    memcpy(text, data, n);
    text[n] = '\0';
    fuzz_input((const uint8_t *)text, strlen(text));
    check_double(text);
    check_long(text);
    check_bool(text);
    check_date(text);
    uint32_t z = 0;
    for (size_t i = 0; i < 4 && i < size; i++)
        z = z << 8 | data[i];
    check_day_number((int32_t)z);
    /* and a day number near the dates people use */
    check_day_number((int32_t)(z % 3000000) - 1000000);
    return 0;
}
