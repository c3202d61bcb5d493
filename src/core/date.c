/* date.c — calendar dates as day numbers since 1970-01-01, proleptic Gregorian. The
 * conversions are Howard Hinnant's well-known civil-from-days algorithms, restated. */
#include "cvom.h"

#include <stdio.h>

static int32_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int32_t)doe - 719468;
}

static void civil_from_days(int32_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)yoe + era * 400 + (*m <= 2);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

enum cvom_status cvom_date_parse(const char *s, int32_t *days)
{
    int y, m, d;
    if (!s || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
        digits(s + 8, 2, &d) || s[10] != '\0')
        return CVOM_EINVAL;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > 31)
        return CVOM_EINVAL;
    int32_t z = days_from_civil(y, (unsigned)m, (unsigned)d);
    int yy;
    unsigned mm, dd;
    civil_from_days(z, &yy, &mm, &dd);
    if (mm != (unsigned)m || dd != (unsigned)d) /* 31 April and the like */
        return CVOM_EINVAL;
    *days = z;
    return CVOM_OK;
}

/* Days of 0000-03-01 and 9999-12-31: beyond them no date fits four digits (and the
 * arithmetic below would overflow for the extremes of int32_t). */
#define DAYS_MIN (-719468)
#define DAYS_MAX 2932896

void cvom_date_format(int32_t days, char buf[11])
{
    int y;
    unsigned m, d;
    if (days < DAYS_MIN || days > DAYS_MAX) {
        snprintf(buf, 11, "0000-00-00");
        return;
    }
    civil_from_days(days, &y, &m, &d);
    /* The bounds above keep y in 0..9999; the modulo tells the compiler so. */
    snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, m % 100, d % 100);
}
