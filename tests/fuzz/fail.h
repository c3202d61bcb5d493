/* fail.h — how a fuzz target reports a broken invariant: fail() prints what broke and the
 * input being run (printable ASCII as it is, other bytes as \xNN, the first 2 KiB), then
 * aborts, so that the driver or libFuzzer keeps the input. Each target defines FUZZ_NAME
 * before including this and calls fuzz_input() first thing with its input. */
#ifndef CVOM_FUZZ_FAIL_H
#define CVOM_FUZZ_FAIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t *fuzz_data;
static size_t fuzz_size;

static void fuzz_input(const uint8_t *data, size_t size)
{
    fuzz_data = data;
    fuzz_size = size;
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
static void
fail(const char *fmt, ...)
{
    fputs(FUZZ_NAME ": invariant broken: ", stderr);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\ninput (%zu bytes): \"", fuzz_size);
    for (size_t i = 0; i < fuzz_size && i < 2048; i++) {
        unsigned char c = fuzz_data[i];
        if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            fputc(c, stderr);
        else
            fprintf(stderr, "\\x%02X", c);
    }
    fputs("\"\n", stderr);
    abort();
}

/* Lines of an input: 1 + its line feeds. */
static inline long fuzz_lines(const char *buf, size_t len)
{
    long n = 1;
    for (size_t i = 0; i < len; i++)
        n += buf[i] == '\n';
    return n;
}

/* A refusal at a place names the file name, a line of the input (or just past its end) and
 * a column from 1. */
static inline void fuzz_refusal_place(const char *file, const char *message, long line, long column,
                                      const char *name, const char *buf, size_t len)
{
    if (strcmp(file, name) != 0)
        fail("an error names the file \"%s\": %s", file, message);
    if (line < 1 || line > fuzz_lines(buf, len) || column < 1)
        fail("an error at line %ld, column %ld of %ld lines: %s", line, column,
             fuzz_lines(buf, len), message);
}

#endif
