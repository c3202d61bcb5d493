/* values.h — reading the values people type into spreadsheets: numbers with thousands
 * separators or a decimal comma, dates that must exist, and names compared the way a person
 * compares them (ignoring case and spaces). Each refusal says why, quoting the value. */
#ifndef CVOM_IO_VALUES_H
#define CVOM_IO_VALUES_H

#include "cvom.h"

#include <stddef.h>
#include <stdint.h>

#define CVOM_NUMBER_TEXT_MAX 64 /* the canonical text of a number, with its NUL */

/* Bring the text of a number into the plain form the validators read: an optional '-',
 * digits, and a '.' before any decimals ("1,234,567.5" -> "1234567.5").
 *
 * Without decimal_comma the decimal mark is '.', and ',' may separate thousands in groups
 * of three ("1,234,567"). With it the decimal mark is ',' and '.', a space, a no-break space
 * or a narrow no-break space may separate thousands ("1.234,50", "1 234,50"). Anything else
 * with a separator — "1,5" without decimal_comma, "1.23,4", "12,34,567" — is ambiguous and
 * refused. Text without separators is left to the caller's own parser (it is copied as it
 * is, trimmed), so that exponents keep working.
 *
 * Outcomes: CVOM_OK with the canonical text in out (cap bytes); CVOM_EINVAL with the reason
 * in why (why_cap bytes), quoting the value. */
enum cvom_status cvom__number_canonical(const char *s, int decimal_comma, char *out, size_t cap,
                                        char *why, size_t why_cap);

/* Parse a date YYYY-MM-DD. On failure the reason, quoting the text, goes into why: not of
 * that form, a month that does not exist, or a day the month does not have ("February 2026
 * has 28 days"). CVOM_OK or CVOM_EINVAL; *days is written only on success. */
enum cvom_status cvom__date_check(const char *s, int32_t *days, char *why, size_t why_cap);

/* The key two names share when a person would call them the same: Unicode compatibility
 * normalisation (NFKC), case folding, and every white space removed ("ACME  Corp" and
 * "acme corp" give "acmecorp"). Text that is not UTF-8 is folded byte by byte (ASCII only).
 * Writes at most cap bytes (cut at a character) into out; returns out. */
char *cvom__name_key(const char *name, char *out, size_t cap);

#endif
