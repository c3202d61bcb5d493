"""oracle.py — what every route of `cvom serve` must allow, written by hand from the product's
rules, never read from the server: the least role that may use it, whether a manager reaches
only the accounts they own through it, and whether it is exempt from the CSRF check (with the
reason). The access tests judge the server by this table; a test also asserts that
`cvom serve --print-routes` says the same, so a route added, removed or changed in the server
without a decision here fails.

The rules, from the product description:
  - a viewer reads everything; a manager sees and edits only the accounts whose owner is their
    display name (another manager's account answers 404, like a missing one); an admin does
    everything, including users and settings;
  - every form carries a CSRF token and every unsafe request must come from the site's own
    origin. A request with a bearer token carries no ambient credential and needs no CSRF
    token (the server decides that per request, not per route: it is not an exemption here).
"""

PUBLIC, VIEWER, MANAGER, ADMIN = "public", "viewer", "manager", "admin"
LEVEL = {PUBLIC: 0, VIEWER: 1, MANAGER: 2, ADMIN: 3}
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")

# What a {param} names, by its name, unless the route says otherwise.
DEFAULT_KIND = {"id": "account", "sid": "stakeholder", "action": "action",
                "offering": "offering"}
KINDS = ("account", "stakeholder", "action", "offering", "user", "instrument", "asset",
         "setup-link", "survey-link", "campaign")


class Route:
    """One row of the table. params: {name: kind} for each {name} in the pattern."""

    def __init__(self, method, pattern, least, owner=False, exempt=None, **kinds):
        self.method, self.pattern, self.least = method, pattern, least
        self.owner = owner          # a manager reaches only their own accounts through it
        self.exempt = exempt        # None: CSRF-checked; else why it is exempt
        self.rule = ""
        names = [seg[1:-1] for seg in pattern.split("/") if seg.startswith("{")]
        self.params = {n: kinds.get(n, DEFAULT_KIND.get(n)) for n in names}
        for n, k in self.params.items():
            assert k in KINDS, "%s %s: {%s} has no kind" % (method, pattern, n)

    @property
    def unsafe(self):
        return self.method in UNSAFE

    @property
    def api(self):
        return self.pattern.startswith("/api/")

    @property
    def name(self):
        return "%s %s" % (self.method, self.pattern)

    def __repr__(self):
        return "<%s %s>" % (self.name, self.least)


ROUTES = []


def rule(text, *routes):
    for r in routes:
        r.rule = text
        ROUTES.append(r)


R = Route
SURVEY_EXEMPT = ("a customer answers a survey link without an account or a session: the "
                 "unguessable secret in the link is the whole authorisation, so there is no "
                 "ambient credential for another site to borrow")

rule("anyone may sign in, see the health check, the assets and the API description; a "
     "first-run link or a survey link authorises by its secret",
     R("GET", "/signin", PUBLIC),
     R("POST", "/signin", PUBLIC),
     R("GET", "/setup/{token}", PUBLIC, token="setup-link"),
     R("POST", "/setup/{token}", PUBLIC, token="setup-link"),
     R("GET", "/static/{name}", PUBLIC, name="asset"),
     R("GET", "/healthz", PUBLIC),
     R("GET", "/survey/{token}", PUBLIC, token="survey-link"),
     R("POST", "/survey/{token}", PUBLIC, exempt=SURVEY_EXEMPT, token="survey-link"),
     R("POST", "/survey/{token}/draft", PUBLIC, exempt=SURVEY_EXEMPT, token="survey-link"),
     R("GET", "/api/v1/openapi.json", PUBLIC))

rule("whoever is signed in may sign out",
     R("POST", "/signout", VIEWER))

rule("a viewer reads everything: the matrix, accounts, plans, offerings, analytics, "
     "downloads and their API",
     R("GET", "/", VIEWER),
     R("GET", "/accounts", VIEWER),
     R("GET", "/accounts/{id}", VIEWER, owner=True),
     R("GET", "/accounts/{id}/whatif", VIEWER, owner=True),
     R("GET", "/accounts/{id}/onepager.pdf", VIEWER, owner=True),
     R("GET", "/accounts/{id}/onepager.png", VIEWER, owner=True),
     R("GET", "/actions", VIEWER),
     R("GET", "/offerings", VIEWER),
     R("GET", "/compare", VIEWER),
     R("GET", "/overserved", VIEWER),
     R("GET", "/alignment", VIEWER),
     R("GET", "/alerts", VIEWER),
     R("GET", "/matrix.png", VIEWER),
     R("GET", "/matrix.pdf", VIEWER),
     R("GET", "/matrix.svg", VIEWER),
     R("GET", "/report.html", VIEWER),
     R("GET", "/report.xlsx", VIEWER),
     R("GET", "/report.csv", VIEWER),
     R("GET", "/report.json", VIEWER),
     R("GET", "/api/v1/accounts", VIEWER),
     R("GET", "/api/v1/accounts/{id}", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/stakeholders", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/stakeholders/{sid}", VIEWER, owner=True),
     R("GET", "/api/v1/actions/{id}", VIEWER, owner=True, id="action"),
     R("GET", "/api/v1/accounts/{id}/assessments", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/score", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/explanation", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/group", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/history", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/actions", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/whatif", VIEWER, owner=True),
     R("GET", "/api/v1/accounts/{id}/network", VIEWER, owner=True),
     R("GET", "/api/v1/matrix", VIEWER),
     R("GET", "/api/v1/instruments", VIEWER),
     R("GET", "/api/v1/instruments/{id}", VIEWER, id="instrument"),
     R("GET", "/api/v1/offerings", VIEWER),
     R("GET", "/api/v1/signals", VIEWER),
     R("GET", "/api/v1/compare", VIEWER),
     R("GET", "/api/v1/overserved", VIEWER),
     R("GET", "/api/v1/alignment", VIEWER))

rule("a manager edits only the accounts they own: notes, assessments, survey links, plans, "
     "ratings, the network ledger, stakeholders; another manager's account answers 404",
     R("POST", "/accounts/{id}/notes", MANAGER, owner=True),
     R("GET", "/accounts/{id}/assess", MANAGER, owner=True),
     R("POST", "/accounts/{id}/assess", MANAGER, owner=True),
     R("POST", "/accounts/{id}/survey", MANAGER, owner=True),
     R("POST", "/accounts/{id}/actions", MANAGER, owner=True),
     R("POST", "/accounts/{id}/actions/{action}", MANAGER, owner=True),
     R("POST", "/accounts/{id}/ratings", MANAGER, owner=True),
     R("POST", "/accounts/{id}/network", MANAGER, owner=True),
     R("POST", "/accounts/{id}/edit", MANAGER, owner=True),
     R("POST", "/accounts/{id}/remove", MANAGER, owner=True),
     R("POST", "/accounts/{id}/stakeholders", MANAGER, owner=True),
     R("POST", "/accounts/{id}/stakeholders/{sid}", MANAGER, owner=True),
     R("POST", "/accounts/{id}/stakeholders/{sid}/remove", MANAGER, owner=True),
     R("PATCH", "/api/v1/accounts/{id}", MANAGER, owner=True),
     R("DELETE", "/api/v1/accounts/{id}", MANAGER, owner=True),
     R("POST", "/api/v1/accounts/{id}/stakeholders", MANAGER, owner=True),
     R("PATCH", "/api/v1/accounts/{id}/stakeholders/{sid}", MANAGER, owner=True),
     R("DELETE", "/api/v1/accounts/{id}/stakeholders/{sid}", MANAGER, owner=True),
     R("POST", "/api/v1/accounts/{id}/assessments", MANAGER, owner=True),
     R("POST", "/api/v1/accounts/{id}/actions", MANAGER, owner=True),
     R("POST", "/api/v1/actions/{id}", MANAGER, owner=True, id="action"),
     R("PATCH", "/api/v1/actions/{id}", MANAGER, owner=True, id="action"),
     R("PUT", "/api/v1/accounts/{id}/ratings/{offering}", MANAGER, owner=True),
     R("POST", "/api/v1/accounts/{id}/network", MANAGER, owner=True))

rule("a manager adds accounts and imports, within their own accounts, and adds offerings to "
     "the catalogue",
     R("GET", "/import", MANAGER),
     R("POST", "/import", MANAGER),
     R("POST", "/import/commit", MANAGER),
     R("GET", "/accounts/new", MANAGER),
     R("POST", "/accounts", MANAGER),
     R("POST", "/api/v1/accounts", MANAGER),
     R("POST", "/api/v1/imports", MANAGER),
     R("POST", "/api/v1/scores", VIEWER),  # scores an upload; reads no account, writes nothing
     R("POST", "/offerings", MANAGER))

rule("survey campaigns are for administrators and managers: a manager sees only the campaigns "
     "that reach their own accounts, and only those accounts in them, puts only their own "
     "accounts into a new one, and closes one that reaches only their own accounts",
     R("GET", "/campaigns", MANAGER),
     R("POST", "/campaigns", MANAGER),
     R("GET", "/campaigns/{id}", MANAGER, id="campaign"),
     R("POST", "/campaigns/{id}/close", MANAGER, id="campaign"))

rule("administration is for administrators: users and roles, settings, instruments, the audit "
     "log, the playbook, signals, and removing an offering (which removes every account's "
     "rating of it)",
     R("GET", "/admin", ADMIN),
     R("GET", "/admin/users", ADMIN),
     R("POST", "/admin/users", ADMIN),
     R("POST", "/admin/users/{id}", ADMIN, id="user"),
     R("GET", "/admin/settings", ADMIN),
     R("POST", "/admin/settings", ADMIN),
     R("GET", "/admin/instruments", ADMIN),
     R("POST", "/admin/instruments", ADMIN),
     R("GET", "/admin/audit", ADMIN),
     R("GET", "/admin/playbooks", ADMIN),
     R("POST", "/admin/playbooks", ADMIN),
     R("GET", "/admin/signals", ADMIN),
     R("POST", "/admin/signals", ADMIN),
     R("POST", "/offerings/{offering}/remove", ADMIN))

BY_NAME = {r.name: r for r in ROUTES}
assert len(BY_NAME) == len(ROUTES), "a route is in the table twice"


def compare(printed):
    """The differences between this table and the server's own (the rows of
    `cvom serve --print-routes` as dicts), each as a sentence naming the route and the rule;
    [] when they agree."""
    out = []
    seen = set()
    for p in printed:
        name = "%s %s" % (p["method"], p["pattern"])
        seen.add(name)
        r = BY_NAME.get(name)
        if r is None:
            out.append("%s: the server routes it, this table has no row for it (decide its "
                       "least role, owner scope and CSRF rule in tests/web/oracle.py)" % name)
            continue
        if p["access"] != r.least:
            out.append("%s: the server lets '%s' in, the rules say '%s' (%s)"
                       % (name, p["access"], r.least, r.rule))
        server_exempt = p["csrf_exempt"]
        if server_exempt and not r.exempt:
            out.append("%s: the server exempts it from the CSRF check, the rules do not (every "
                       "unsafe request must carry the form's token and come from this site)"
                       % name)
        elif r.exempt and not server_exempt:
            out.append("%s: the rules exempt it from the CSRF check (%s), the server does not"
                       % (name, r.exempt))
    for r in ROUTES:
        if r.name not in seen:
            out.append("%s: in the rules (%s), but the server does not route it" % (r.name,
                                                                                    r.rule))
    return out
