/* values.c — numbers, dates and name keys as values.h describes them. Case folding and
 * normalisation come from GLib (already linked through Pango), whose Unicode tables are
 * kept current, rather than a table of our own. */
#include "io/values.h"

#include "io/util.h"

#include <ctype.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

/* ---- numbers ------------------------------------------------------------------------ */

/* Length of the thousands separator at s in this mode, or 0. */
static size_t group_sep(const char *s, int decimal_comma)
{
    if (!decimal_comma)
        return *s == ',';
    if (*s == '.' || *s == ' ')
        return 1;
    if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2; /* U+00A0 no-break space */
    if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0xAF)
        return 3; /* U+202F narrow no-break space */
    return 0;
}

static enum cvom_status refuse(char *why, size_t cap, const char *s, const char *reason)
{
    snprintf(why, cap, "'%.40s' is not a number: %s", s, reason);
    return CVOM_EINVAL;
}

/* Digits in groups: 1 to 3, then groups of exactly 3 after each separator. Copies the
 * digits to out; *end is where the grouping stopped. 0 when the grouping is broken. */
static int grouped(const char *p, int decimal_comma, char *out, size_t *n, size_t cap,
                   const char **end)
{
    size_t lead = 0;
    while (isdigit((unsigned char)p[lead]))
        lead++;
    /* more than three leading digits only when no separator follows them: "1234,5" */
    if (lead < 1 || (lead > 3 && group_sep(p + lead, decimal_comma)) || *n + lead >= cap)
        return 0;
    memcpy(out + *n, p, lead);
    *n += lead;
    p += lead;
    size_t k;
    while ((k = group_sep(p, decimal_comma)) != 0) {
        for (int i = 0; i < 3; i++)
            if (!isdigit((unsigned char)p[k + (size_t)i]))
                return 0;
        if (isdigit((unsigned char)p[k + 3]) || *n + 3 >= cap)
            return 0;
        memcpy(out + *n, p + k, 3);
        *n += 3;
        p += k + 3;
    }
    *end = p;
    return 1;
}

static int has_separator(const char *s, int decimal_comma)
{
    for (const char *p = s; *p; p++)
        if (*p == ',' || (decimal_comma && group_sep(p, 1)))
            return 1;
    return 0;
}

enum cvom_status cvom__number_canonical(const char *s, int decimal_comma, char *out, size_t cap,
                                        char *why, size_t why_cap)
{
    char text[CVOM_NUMBER_TEXT_MAX * 2];
    if (cvom__copy_str(text, sizeof text, s))
        return refuse(why, why_cap, s, "too long");
    cvom__trim(text);
    if (!has_separator(text, decimal_comma)) {
        if (cvom__copy_str(out, cap, text))
            return refuse(why, why_cap, s, "too long");
        return CVOM_OK;
    }
    size_t n = 0;
    const char *p = text, *end;
    if (*p == '-' || *p == '+') {
        if (*p == '-')
            out[n++] = '-';
        p++;
    }
    if (!grouped(p, decimal_comma, out, &n, cap, &end))
        return refuse(why, why_cap, text,
                      decimal_comma ? "thousands come in groups of three (1.234.567,89)"
                                    : "',' only separates thousands, in groups of three "
                                      "(1,234,567.89); for a decimal comma (1.234,50) use "
                                      "--decimal-comma");
    char mark = decimal_comma ? ',' : '.';
    if (*end == mark && isdigit((unsigned char)end[1])) {
        out[n++] = '.';
        for (end++; isdigit((unsigned char)*end) && n + 1 < cap; end++)
            out[n++] = *end;
    }
    if (*end)
        return refuse(why, why_cap, text, "unexpected characters after the digits");
    out[n] = '\0';
    return CVOM_OK;
}

/* ---- dates -------------------------------------------------------------------------- */

static const char *const month_names[12] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December",
};

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && leap(y) ? 29 : days[m - 1];
}

static int number_at(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int date_shaped(const char *s)
{
    static const char shape[] = "dddd-dd-dd";
    for (int i = 0; i < 10; i++)
        if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != '-')
            return 0;
    return s[10] == '\0';
}

enum cvom_status cvom__date_check(const char *s, int32_t *days, char *why, size_t why_cap)
{
    if (s && cvom_date_parse(s, days) == CVOM_OK)
        return CVOM_OK;
    if (!s || !date_shaped(s)) {
        snprintf(why, why_cap, "'%.40s' is not a date YYYY-MM-DD", s ? s : "");
        return CVOM_EINVAL;
    }
    int y = number_at(s, 4), m = number_at(s + 5, 2), d = number_at(s + 8, 2);
    if (y < 1900)
        snprintf(why, why_cap, "'%s' is not a date cvom accepts: years start at 1900", s);
    else if (m < 1 || m > 12)
        snprintf(why, why_cap, "'%s' is not a real date: there is no month %d", s, m);
    else
        snprintf(why, why_cap, "'%s' is not a real date: %s %d has %d days", s, month_names[m - 1],
                 y, month_days(y, m));
    (void)d;
    return CVOM_EINVAL;
}

/* ---- names -------------------------------------------------------------------------- */

static char *ascii_key(const char *name, char *out, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p && n + 1 < cap; p++)
        if (!isspace(*p))
            out[n++] = (char)tolower(*p);
    out[n] = '\0';
    return out;
}

/* The key of a name written in ASCII and the letters of Latin-1 (U+00C0..U+00FF, as
 * UTF-8), without asking the Unicode tables: NFKC leaves these as they are, case folding
 * lowers A-Z and U+00C0..U+00DE (but U+00D7) by 0x20 and makes U+00DF "ss", and the only
 * white space among them is ASCII's. 0 when the name has anything else, for the full path;
 * 1 with the key in out otherwise. */
static int latin_key(const char *name, char *out, size_t cap)
{
    const unsigned char *p = (const unsigned char *)name;
    for (const unsigned char *q = p; *q; q++)
        if (*q >= 0x80 && (*q != 0xC3 || q[1] < 0x80 || q[1] > 0xBF || !*++q))
            return 0;
    size_t n = 0;
    for (; *p; p++) {
        unsigned char c = *p;
        if (c < 0x80) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')
                continue;
            if (n + 1 >= cap)
                break;
            out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 0x20 : c);
            continue;
        }
        unsigned char d = *++p;
        if (d == 0x9F) { /* sharp s: "ss", one character at a time */
            for (int i = 0; i < 2 && n + 1 < cap; i++)
                out[n++] = 's';
            if (n + 1 >= cap)
                break;
            continue;
        }
        if (n + 2 >= cap)
            break;
        out[n++] = (char)0xC3;
        out[n++] = (char)(d <= 0x9E && d != 0x97 ? d + 0x20 : d);
    }
    out[n] = '\0';
    return 1;
}

char *cvom__name_key(const char *name, char *out, size_t cap)
{
    if (cap == 0 || latin_key(name, out, cap))
        return out;
    gchar *norm =
        g_utf8_validate(name, -1, NULL) ? g_utf8_normalize(name, -1, G_NORMALIZE_NFKC) : NULL;
    gchar *folded = norm ? g_utf8_casefold(norm, -1) : NULL;
    g_free(norm);
    if (!folded)
        return ascii_key(name, out, cap);
    size_t n = 0;
    for (gchar *p = folded; *p; p = g_utf8_next_char(p)) {
        gunichar c = g_utf8_get_char(p);
        size_t len = (size_t)(g_utf8_next_char(p) - p);
        if (g_unichar_isspace(c) || c == 0x200B || c == 0xFEFF)
            continue; /* spaces, and the invisible ones exports leave behind */
        if (n + len >= cap)
            break;
        memcpy(out + n, p, len);
        n += len;
    }
    out[n] = '\0';
    g_free(folded);
    return out;
}
