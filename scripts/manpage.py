#!/usr/bin/env python3
"""Write the manual page cvom(1) from the program's own --help texts, so that the page and
the help cannot drift apart: the overview from `cvom --help`, then every command and every
subcommand with its help, as the program prints it.
    usage: manpage.py PATH/TO/cvom OUTPUT"""
import os
import re
import subprocess
import sys


def help_of(cvom, words):
    out = subprocess.run([cvom] + words + ['--help'], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, NO_COLOR='1', COLUMNS='80'))
    if out.returncode != 0:
        sys.exit('manpage.py: cvom %s --help exited %d: %s'
                 % (' '.join(words), out.returncode, out.stderr.strip()))
    return out.stdout


def commands_in(text):
    """The names listed under a help text's "Commands:" heading."""
    names, inside = [], False
    for line in text.splitlines():
        if line.strip() == 'Commands:':
            inside = True
        elif inside and re.match(r'^  [a-z][a-z-]*\s', line):
            names.append(line.split()[0])
        elif inside and line.strip():
            inside = False
    return names


def roff_text(line):
    """One line as roff reads it literally: backslashes escaped, no request at its start."""
    line = line.replace('\\', '\\e')
    if line.startswith(('.', "'")):
        line = '\\&' + line
    return line


def block(text):
    """Preformatted, as the terminal shows it."""
    return ['.nf'] + [roff_text(l) for l in text.rstrip('\n').splitlines()] + ['.fi']


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    cvom, output = sys.argv[1], sys.argv[2]
    top = help_of(cvom, [])
    version = subprocess.run([cvom, '--version'], capture_output=True, text=True,
                             timeout=60).stdout.split()[-1]
    title, _, rest = top.partition('\n')
    summary = title.split('\u2014', 1)[-1].strip()
    page = ['.\\" cvom(1), written from the --help texts of cvom %s by scripts/manpage.py'
            % version,
            '.TH CVOM 1 "" "cvom %s" "User Commands"' % version,
            '.SH NAME', 'cvom \\- %s' % roff_text(summary),
            '.SH SYNOPSIS', '.B cvom', '[\\fB\\-\\-db\\fR \\fIPATH\\fR] \\fICOMMAND\\fR '
            '[\\fIOPTIONS\\fR]',
            '.SH DESCRIPTION']
    page += block(rest.strip('\n'))
    page.append('.SH COMMANDS')
    for name in commands_in(top):
        text = help_of(cvom, [name])
        page += ['.SS "cvom %s"' % name] + block(text)
        for sub in commands_in(text):
            page += ['.TP', '.B cvom %s %s' % (name, sub)] + block(help_of(cvom, [name, sub]))
    page += ['.SH ENVIRONMENT', '.TP', '.B CVOM_DB',
             'The database used when \\fB\\-\\-db\\fR is not given: a file path or a',
             'PostgreSQL URL.', '.TP', '.B NO_COLOR',
             'When set, the terminal output has no colour.',
             '.SH SEE ALSO', 'The README and docs/ of the source distribution.']
    with open(output, 'w', encoding='utf-8') as f:
        f.write('\n'.join(page) + '\n')


if __name__ == '__main__':
    main()
