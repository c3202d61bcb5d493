/* zlib_level.c — the compression level of the libraries cvom loads. cairo (PDF content) and
 * libxlsxwriter's zip writer (the sheets of an XLSX report) deflate at zlib's default level,
 * 6, and offer no setting for it. On a portfolio of 100,000 accounts that level took 85 ms
 * of a PDF's 1.9 MB of content and 1.5 s of an XLSX report's 150 MB of sheets; level 1 takes
 * a fifth to a quarter of that and writes a quarter to a third more bytes. In this program a
 * caller that asks for the default level therefore gets level 1; one that names a level gets
 * that level (libpng is told 1 by chart.c itself).
 *
 * The program defines zlib's two entry points that take a level, deflateInit_ (behind the
 * deflateInit macro) and deflateInit2_, and exports them (-Wl,--export-dynamic-symbol in
 * meson.build): the dynamic linker binds the libraries' calls to these, which pass them on to
 * zlib's own deflateInit2_, found past this program with dlsym(RTLD_NEXT). Checked by
 * tests/scripts/render.py (the PDF's streams) and tests/scripts/report.py (the workbook's). */
#define _GNU_SOURCE /* RTLD_NEXT */
#include <dlfcn.h>
#include <zlib.h>

typedef int deflate_init2_fn(z_streamp, int, int, int, int, int, const char *, int);

int deflateInit2_(z_streamp strm, int level, int method, int window_bits, int mem_level,
                  int strategy, const char *version, int stream_size)
{
    /* Looked up on each call: a stream is opened a few times per file, and a lookup cached
     * in a variable would have to be shared safely between the server's threads. */
    deflate_init2_fn *real;
    *(void **)&real = dlsym(RTLD_NEXT, "deflateInit2_");
    if (!real)
        return Z_VERSION_ERROR;
    if (level == Z_DEFAULT_COMPRESSION)
        level = 1;
    return real(strm, level, method, window_bits, mem_level, strategy, version, stream_size);
}

/* deflateInit(strm, level) with its documented defaults for the rest. */
int deflateInit_(z_streamp strm, int level, const char *version, int stream_size)
{
    return deflateInit2_(strm, level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY, version,
                         stream_size);
}
