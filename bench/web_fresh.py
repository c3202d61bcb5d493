#!/usr/bin/env python3
"""web_fresh.py — for bench/web.sh: what a change of the data costs the next request. Five
times: change the portfolio through the command line (a new account, which moves the data
revision), then time the first GET /api/v1/matrix and the one after it (served from the
server's cache), and the same for the matrix page GET /. Prints one line:
    NAME-fresh API_FIRST_MS API_CACHED_MS PAGE_FIRST_MS PAGE_CACHED_MS   (medians)
    usage: web_fresh.py CVOM LOCATION PORT COOKIE TOKEN NAME"""
import http.client
import statistics
import subprocess
import sys
import time


def get(port, path, headers):
    c = http.client.HTTPConnection('127.0.0.1', port, timeout=60)
    t0 = time.perf_counter()
    c.request('GET', path, headers=headers)
    r = c.getresponse()
    r.read()
    dt = (time.perf_counter() - t0) * 1000
    c.close()
    if r.status != 200:
        sys.exit('GET %s answered %d' % (path, r.status))
    return dt


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    cvom, location, port, cookie, token, name = sys.argv[1:]
    port = int(port)
    times = {k: [] for k in ('api_first', 'api_cached', 'page_first', 'page_cached')}
    for i in range(5):
        for what, path, headers in (('api', '/api/v1/matrix', {'Authorization': 'Bearer ' + token}),
                                    ('page', '/', {'Cookie': cookie})):
            subprocess.run([cvom, '--db', location, 'account', 'add',
                            'Web bench change %s %d %s' % (name, i, what)],
                           check=True, capture_output=True)
            times[what + '_first'].append(get(port, path, headers))
            times[what + '_cached'].append(get(port, path, headers))
    print('%s-fresh %.2f %.2f %.2f %.2f' % (name, *(statistics.median(times[k]) for k in
                                                      ('api_first', 'api_cached', 'page_first',
                                                       'page_cached'))))


if __name__ == '__main__':
    main()
