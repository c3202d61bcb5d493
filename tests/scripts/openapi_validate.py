#!/usr/bin/env python3
"""docs/openapi.json through an independent OpenAPI validator from npm
(@seriousme/openapi-schema-validator, against the official 3.0 schema), and every API route of
`cvom serve --print-routes` described in it, nothing else (tests/openapi/validate.mjs).
Needs node and the npm packages of the repository, which scripts/setup.sh installs; skipped
as a whole only when setup.sh cannot install them.
    usage: openapi_validate.py PATH/TO/cvom"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import need  # noqa: E402

REPO = need.ROOT


def main():
    cvom = os.path.abspath(sys.argv[1])
    node = need.program('openapi_validate', 'node', 'nodejs')
    need.npm_package('openapi_validate', '', os.path.join('@seriousme',
                                                          'openapi-schema-validator'))
    with tempfile.TemporaryDirectory() as d:
        routes = os.path.join(d, 'routes.csv')
        with open(routes, 'w') as f:
            f.write(subprocess.run([cvom, 'serve', '--print-routes'], capture_output=True,
                                   text=True, check=True).stdout)
        p = subprocess.run([node, os.path.join(REPO, 'tests', 'openapi', 'validate.mjs'),
                            os.path.join(REPO, 'docs', 'openapi.json'), '--routes', routes],
                           capture_output=True, text=True, timeout=120, cwd=REPO)
    print(p.stdout.strip())
    if p.returncode != 0:
        print('FAIL: the OpenAPI validator refused the description:\n' + p.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
