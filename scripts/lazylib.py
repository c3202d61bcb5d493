#!/usr/bin/env python3
"""Load a shared library on first use instead of at start-up.

Debian's libpq, cairo with Pango, libcurl, libmicrohttpd, libxlsxwriter and libzip bring about
60 shared libraries with them (Kerberos, LDAP, GnuTLS, X11, HarfBuzz, ...). Mapping and
relocating them all took 25 ms of every `cvom` run, which was most of the time of a small
command: a program that only links SQLite starts in 3 ms. GNU ld has no lazy loading of a
DT_NEEDED library (Solaris' -z lazyload), so each of these libraries is instead opened with
dlopen(3) by the first call that needs it.

A list file names the library's functions that cvom calls, one per line ('#' starts a comment),
and the headers that declare them:

    header libpq-fe.h
    PQconnectdbParams
    PQexec

From it this script writes lazy_NAME.h and lazy_NAME.c. The header declares a table with one
pointer per function, typed from the library's own declaration, and then defines each function's
name as a call through its pointer, so that the code calling the library reads as before and the
compiler still checks every call against the library's prototypes. A file calls
cvom__lazy_NAME_load() before its first call into the library; it loads the library once
(thread-safe) and says why when it cannot.

    usage: lazylib.py soname LIBRARY CC [ARG]...   print the soname CC links for -lLIBRARY
           lazylib.py NAME LIST OUT.h OUT.c SONAME...
"""
import os
import re
import subprocess
import sys


def soname(library, cc):
    """The soname of the shared library that `cc -lLIBRARY` links, read from its dynamic
    section with objdump, so that dlopen asks for the same major version the build was
    compiled against."""
    path = subprocess.run(cc + ['-print-file-name=lib%s.so' % library], capture_output=True,
                          text=True, check=True).stdout.strip()
    if not os.path.isabs(path) or not os.path.exists(path):
        sys.exit('lazylib.py: %s does not find lib%s.so' % (' '.join(cc), library))
    dump = subprocess.run(['objdump', '-p', path], capture_output=True, text=True,
                          check=True).stdout
    m = re.search(r'^\s*SONAME\s+(\S+)', dump, re.M)
    if not m:
        sys.exit('lazylib.py: %s has no SONAME' % path)
    return m.group(1)


def read_list(path):
    headers, names = [], []
    for n, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        if line.startswith('header '):
            headers.append(line.split(None, 1)[1])
        elif re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', line):
            names.append(line)
        else:
            sys.exit('%s:%d:1: not a function name: %s' % (path, n, line))
    if not headers or not names:
        sys.exit('%s: needs a header line and at least one function' % path)
    if len(set(names)) != len(names):
        sys.exit('%s: a function is listed twice' % path)
    return headers, names


def generate(name, list_path, out_h, out_c, sonames):
    headers, names = read_list(list_path)
    guard = 'CVOM_LAZY_%s_H' % name.upper()
    impl = 'CVOM_LAZY_%s_IMPL' % name.upper()
    api = 'cvom__lazy_%s' % name
    source = os.path.basename(list_path)
    h = ['/* Generated from %s by scripts/lazylib.py; do not edit. */' % source,
         '#ifndef %s' % guard, '#define %s' % guard, '',
         ] + ['#include <%s>' % x for x in headers] + ['',
         '/* One pointer per function of %s that cvom calls. */' % ', '.join(sonames),
         'struct %s_api {' % api]
    h += ['    __typeof__(%s) *%s;' % (f, f) for f in names]
    h += ['};', 'extern struct %s_api %s;' % (api, api), '',
          '/* Load the library the first time (safe from any thread). NULL once it is loaded,',
          ' * else why it could not be. */',
          'const char *%s_load(void);' % api,
          '/* 1 when the library has been loaded. */',
          'int %s_loaded(void);' % api, '',
          '#ifndef %s' % impl]
    for f in names:
        h += ['#undef %s' % f, '#define %s (*%s.%s)' % (f, api, f)]
    h += ['#endif', '#endif', '']

    c = ['/* Generated from %s by scripts/lazylib.py; do not edit. */' % source,
         '#define %s' % impl,
         '#include "%s"' % os.path.basename(out_h), '',
         '#include <dlfcn.h>', '#include <pthread.h>', '#include <stdatomic.h>',
         '#include <stdio.h>', '#include <string.h>', '',
         'struct %s_api %s;' % (api, api), '',
         'static const char *const sonames[] = {%s};' % ', '.join('"%s"' % s for s in sonames),
         'static const char all_sonames[] = "%s";' % ' or '.join(sonames),
         '#define SONAMES (sizeof sonames / sizeof sonames[0])',
         'static pthread_once_t once = PTHREAD_ONCE_INIT;',
         'static atomic_int loaded;',
         'static char why[512];', '',
         '/* A function by name from the first library that has it. The pointer is copied as',
         ' * bytes: POSIX gives data and function pointers one representation, ISO C no',
         ' * conversion between them. */',
         'static int find(void *const *handles, const char *fn, void *slot, size_t size)',
         '{',
         '    for (size_t i = 0; i < SONAMES; i++) {',
         '        void *p = dlsym(handles[i], fn);',
         '        if (p) {',
         '            memcpy(slot, &p, size);',
         '            return 0;',
         '        }',
         '    }',
         '    snprintf(why, sizeof why, "%s has no function %s", all_sonames, fn);',
         '    return -1;',
         '}', '',
         'static void load(void)',
         '{',
         '    void *handles[SONAMES];',
         '    for (size_t i = 0; i < SONAMES; i++) {',
         '        handles[i] = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);',
         '        if (!handles[i]) {',
         '            const char *e = dlerror();',
         '            snprintf(why, sizeof why, "%s", e ? e : sonames[i]);',
         '            return;',
         '        }',
         '    }',
         '    /* The libraries stay loaded until the process ends, as linked ones would. */']
    for f in names:
        c.append('    if (find(handles, "%s", &%s.%s, sizeof %s.%s) != 0)' % (f, api, f, api, f))
        c.append('        return;')
    c += ['    atomic_store(&loaded, 1);', '}', '',
          'const char *%s_load(void)' % api, '{',
          '    pthread_once(&once, load);',
          '    return atomic_load(&loaded) ? NULL : why;', '}', '',
          'int %s_loaded(void)' % api, '{',
          '    return atomic_load(&loaded);', '}', '']
    open(out_h, 'w').write('\n'.join(h))
    open(out_c, 'w').write('\n'.join(c))


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == 'soname':
        print(soname(sys.argv[2], sys.argv[3:]))
    elif len(sys.argv) >= 6:
        generate(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
