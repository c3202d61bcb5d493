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

#endif
