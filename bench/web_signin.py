#!/usr/bin/env python3
"""web_signin.py — for bench/web.sh: sign in to a running `cvom serve` once through the real
form (CSRF token and all), save the answers to GET / and GET /api/v1/matrix into a directory
(they become nginx's files), and print the session cookie.
    usage: web_signin.py PORT DIR TOKEN"""
import http.client, re, sys, urllib.parse
port, www, token = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def req(method, path, body=None, headers={}):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r, data
r, page = req("GET", "/signin")
pre = re.search(r"cvom_csrf=([^;]+)", r.getheader("Set-Cookie") or "").group(1)
tok = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
body = urllib.parse.urlencode({"csrf": tok, "name": "bench", "password": "quiet lantern harbour 58"})
r, _ = req("POST", "/signin", body, {"Content-Type": "application/x-www-form-urlencoded",
           "Origin": "http://127.0.0.1:%d" % port, "Cookie": "cvom_csrf=" + pre})
m = re.search(r"cvom_session=([^;]+)", r.getheader("Set-Cookie") or "")
if r.status != 303 or not m:
    sys.exit("sign-in failed: %d" % r.status)
cookie = "cvom_session=" + m.group(1)
for path, name, headers in (("/", "index.html", {"Cookie": cookie}),
                            ("/api/v1/matrix", "api/v1/matrix", {"Authorization": "Bearer " + token})):
    r, data = req("GET", path, headers=headers)
    if r.status == 200:
        with open(www + "/" + name, "wb") as f:
            f.write(data)
    else:
        sys.stderr.write("bench/web: GET %s answered %d; it is left out\n" % (path, r.status))
print(cookie)
