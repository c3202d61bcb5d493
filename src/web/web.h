/* web.h — what the web face shares: the application, one request and its response, the
 * route table, output buffers with escaping for each context, form decoding, and the one
 * mapping from status to HTTP status. Handlers are thin: parse, check, call service and
 * store, render. */
#ifndef CVOM_WEB_H
#define CVOM_WEB_H

#include "cvom.h"
#include "service/portfolio.h"
#include "store/store.h"

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- limits ------------------------------------------------------------------------------ */

#define WEB_URI_MAX 2048                 /* longer request targets get 414 */
#define WEB_HEADERS_MAX (16 * 1024)      /* all request headers; more gets 431 */
#define WEB_BODY_MAX (1 * 1024 * 1024)   /* form and JSON bodies; more gets 413 */
#define WEB_UPLOAD_MAX (8 * 1024 * 1024) /* CSV uploads: imports and files to score */
/* The import preview's Commit form carries the upload again, base64-encoded (4/3 of it),
 * with room for the other fields. */
#define WEB_COMMIT_MAX (WEB_UPLOAD_MAX / 3 * 4 + 1024 * 1024)
#define WEB_FIELDS_MAX 512             /* decoded form fields per request */
#define WEB_OUT_MAX (64 * 1024 * 1024) /* largest response we build */
#define WEB_PARAMS_MAX 4               /* {captures} in a route pattern */

/* ---- output buffer -------------------------------------------------------------------- */

/* A growable byte buffer with a hard cap; once a write fails, `failed` stays set and
 * further writes are ignored, so callers check once at the end. */
struct buf {
    char *p;
    size_t len, cap, max;
    int failed; /* 0, or why the buffer stopped taking text: */
};
enum { BUF_OVER_LIMIT = 1, BUF_NO_MEMORY = 2 };

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Text escaped for HTML element content and quoted attribute values alike: & < > " '. */
void buf_html(struct buf *b, const char *s);
/* Text with every byte that does not start a strict UTF-8 sequence replaced by U+FFFD. */
void buf_utf8(struct buf *b, const char *s);
/* A string escaped for a URL query component (RFC 3986 unreserved kept). */
void buf_url(struct buf *b, const char *s);
/* A number with `decimals` decimals, or an em dash for NaN. */
void buf_num(struct buf *b, double v, int decimals);

/* ---- forms and queries -------------------------------------------------------------------- */

struct form_field {
    char *name;
    char *value;
};

/* Decoded application/x-www-form-urlencoded fields (also used for query strings). */
struct form {
    struct form_field *f;
    size_t n;
    char *storage; /* owns every name and value */
};

/* Decode len bytes of urlencoded text. CVOM_EINVAL for malformed escapes, a NUL (raw or
 * %00), control characters other than tab, CR and LF, or invalid UTF-8; CVOM_ELIMIT past
 * WEB_FIELDS_MAX fields. */
enum cvom_status form_parse(const char *text, size_t len, struct form *out);
void form_free(struct form *f);
/* The first value of a field, or NULL. */
const char *form_get(const struct form *f, const char *name);

/* Split a Cookie header into its cookies, in the order sent (RFC 6265 section 4.2.1: name=value
 * pairs separated by ";"). Blanks (space, tab) around names and values are dropped, and one
 * pair of double quotes around a value; a pair without "=" or with an empty name is skipped.
 * Names are matched exactly. CVOM_ELIMIT when the header has more than WEB_FIELDS_MAX pairs;
 * out is written only on success. */
enum cvom_status web_cookies_parse(const char *header, struct form *out);

/* ---- the application ---------------------------------------------------------------------- */

/* Open stores handed to requests one at a time: SQLite connections are not shared between
 * threads at once, and opening one per request would cost more than the request. */
struct store_pool {
    pthread_mutex_t lock;
    char location[1024];
    struct cvom_store *free[64];
    size_t n_free;
};

/* One open connection, so that a full table can make room: an idle one (no request in a
 * handler) sits on the idle list, oldest first. */
struct web_conn {
    struct web_conn *prev, *next;
    int fd;
    int idle;    /* on the idle list */
    int evicted; /* shut down to make room; not yet closed */
};

/* The open connections. Past `soft_max` open ones, each new connection shuts the oldest
 * idle one down, so that a flood of idle keep-alive connections cannot keep a new client
 * waiting for a place until their timeout. */
struct web_conns {
    pthread_mutex_t lock;
    struct web_conn *head, *tail; /* the idle list */
    unsigned open;                /* open, the evicted included */
    unsigned evicting;            /* evicted and not yet closed */
    unsigned soft_max;
};

struct web_app {
    struct store_pool pool;
    struct web_conns conns;
    FILE *access_log; /* NULL: none */
    pthread_mutex_t log_lock;
    int secure_cookies;               /* 1 behind TLS: cookies get Secure */
    char trusted_proxy[64];           /* a proxy whose X-Forwarded-For names the client; "" none */
    char public_origin[320];          /* scheme://host:port the pages are served at */
    int64_t session_idle;             /* seconds of inactivity that end a session */
    int64_t session_max;              /* seconds after sign-in that end it whatever happens */
    struct cvom_signin_limits signin; /* how failed sign-ins slow the next ones */
    int hashing_max;                  /* concurrent password hashes */
    int hashing_now;
    pthread_mutex_t hash_lock;
    pthread_cond_t hash_cond;
    volatile int stopping;
};

enum cvom_status store_pool_take(struct store_pool *p, struct cvom_store **out,
                                 struct cvom_error *err);
void store_pool_give(struct store_pool *p, struct cvom_store *st);

/* ---- one request ------------------------------------------------------------------------ */

enum web_method { M_GET = 0, M_HEAD, M_POST, M_PUT, M_PATCH, M_DELETE, M_OTHER, M_COUNT };

/* Who may use a route. Ownership of individual accounts is checked by the handler. */
enum web_access {
    A_PUBLIC = 0, /* anyone, signed in or not */
    A_VIEWER,     /* any signed-in user */
    A_MANAGER,    /* managers and admins */
    A_ADMIN,      /* admins only */
};

struct web_req {
    struct web_app *app;
    void *conn; /* struct MHD_Connection * */
    enum web_method method;
    char path[WEB_URI_MAX + 1];
    char param[WEB_PARAMS_MAX][256]; /* the route's {captures}, decoded */
    size_t n_param;
    struct buf body;
    const char *content_type; /* of the request; borrowed from the connection */
    char address[64];         /* the client's IP address */
    int is_api;               /* under /api/: errors and answers are JSON */
    const char *pattern;      /* the matched route's pattern (logged instead of the path,
                                 which may hold a secret) */

    /* who is asking */
    int signed_in;
    int via_token;
    int commit_pending; /* api_finish succeeded: commit once the answer is built */
    struct cvom_user user;
    struct cvom_session session;
    struct cvom_store *store;
    int64_t revision;   /* the data revision, read with the credential */
    int revision_known; /* 1 when revision was read */

    /* the answer */
    int status;
    struct buf out;
    const char *out_type;        /* Content-Type */
    char location[1024];         /* Location, for redirects */
    char cookie[512];            /* Set-Cookie, when set */
    char disposition[256];       /* Content-Disposition, for downloads */
    char cache[64];              /* Cache-Control; default no-store */
    char etag[72];               /* ETag, quoted; a matching If-None-Match gets 304 */
    int etag_version;            /* etag is a record's version, to which an API answer's
                                    digest is added ("N-digest") */
    char allow[64];              /* Allow, for 405 answers */
    char link[WEB_URI_MAX + 64]; /* Link, to an API list's next page */
    char request_id[72];         /* X-Request-Id: the client's when sane, else made here */
    long err_line, err_column;   /* where in an uploaded file an API error lies (0: none) */
    char retry_after[24];        /* Retry-After, in seconds, for 429 answers */
    size_t sent;                 /* bytes of body sent, for the access log */
    /* A body lent by its owner instead of r->out (a cache entry): sent without a copy, then
     * lent_release(lent_cls) once the response is done with it. */
    const char *lent;
    size_t lent_len;
    void (*lent_release)(void *cls);
    void *lent_cls;
    struct cvom_error err;

    /* the request body as a form, decoded on first use by web_form */
    struct form form;
    int form_state; /* 0 not yet, 1 decoded, -1 not a valid form, -2 short of memory */
    /* the query string, raw as it came and decoded on first use by web_query */
    char *raw_query;
    struct form query;
    int query_state; /* 0 not decoded yet, 1 decoded, -1 malformed, -2 short of memory */
    /* the Cookie header, split on first use by web_cookie */
    struct form cookies;
    int cookies_state;              /* as query_state */
    char csrf_new[CVOM_DIGEST_HEX]; /* a pre-session token this response sets */
};

/* The body as an urlencoded form (empty when it is not one); NULL when it is malformed. */
const struct form *web_form(struct web_req *r);
/* A field of the body form, or NULL. */
const char *web_field(struct web_req *r, const char *name);

/* A value of the query string, decoded, or NULL (also when the query string is malformed:
 * bad escapes, %00, invalid UTF-8). */
const char *web_query(struct web_req *r, const char *name);
/* The decoded query string as a form (every value of repeated names), or NULL when it is
 * malformed. */
const struct form *web_query_form(struct web_req *r);
/* A request header, or NULL. */
const char *web_header(struct web_req *r, const char *name);
/* The value of the first cookie of that name in the Cookie header (web_cookies_parse), or
 * NULL (also when the header has too many cookies). */
const char *web_cookie(struct web_req *r, const char *name);

/* ---- answers ------------------------------------------------------------------------------- */

/* The one place a status becomes an HTTP status. */
int web_http_status(enum cvom_status st);
/* An error page (HTML) or {"error": {"code", "message", "field"}} (API), with the HTTP
 * status for st; returns that HTTP status. */
int web_fail(struct web_req *r, enum cvom_status st, const struct cvom_error *err);
/* Why a handler refuses a request that no cvom_status names; each has one HTTP status,
 * given in one place (web_refuse in server.c). */
enum web_refusal {
    WEB_BAD_REQUEST,         /* 400: the request itself is malformed */
    WEB_FORBIDDEN,           /* 403: the role or the account's owner does not allow it */
    WEB_NOT_FOUND,           /* 404, as CVOM_ENOTFOUND */
    WEB_CONFLICT,            /* 409, as CVOM_ECONFLICT */
    WEB_PRECONDITION_FAILED, /* 412: If-Match names another version */
    WEB_TOO_LARGE,           /* 413: a value or body past its bound */
    WEB_UNSUPPORTED_TYPE,    /* 415: a body of another content type */
    WEB_INVALID,             /* 422, as CVOM_EINVAL: a value of the input is wrong */
    WEB_BUSY,                /* 503, as CVOM_EBUSY: try again in a moment */
};
/* The error answer for a refusal: message for the person, field the input at fault (or
 * NULL). Returns the HTTP status. Handlers answer every error through this or web_fail. */
int web_refuse(struct web_req *r, enum web_refusal why, const char *field, const char *message);
/* The same with an explicit HTTP status, for the server's own answers (server.c). */
int web_error(struct web_req *r, int http, const char *code, const char *message,
              const char *field);
/* A strong entity tag for bytes: a quoted digest of them. */
#define WEB_TAG_MAX 40
void web_tag(const void *data, size_t len, char out[WEB_TAG_MAX]);
/* 303 See Other to a path of this site. */
int web_redirect(struct web_req *r, const char *path);

/* ---- routes ------------------------------------------------------------------------------- */

typedef int (*web_handler)(struct web_req *r);

struct web_route {
    enum web_method method;
    const char *pattern; /* "/accounts/{id}": {name} matches one path segment */
    web_handler handler;
    enum web_access access;
    int csrf_exempt; /* 1 for requests authorised by a bearer token or a survey secret */
};

/* Each section keeps its own table, ended by an entry with a NULL pattern; the router walks
 * them in order. */
extern const struct web_route web_auth_routes[];     /* auth.c, assets.c */
extern const struct web_route web_page_routes[];     /* pages.c: matrix, accounts, assessments,
                                                        survey links */
extern const struct web_route web_admin_routes[];    /* admin.c: import, administration */
extern const struct web_route web_api_routes[];      /* api.c: /api/v1 */
extern const struct web_route web_download_routes[]; /* downloads.c: pictures and reports */
extern const struct web_route web_campaign_routes[]; /* pages_campaigns.c */
extern const struct web_route web_plan_routes[];     /* routes.c: actions, what-if, offerings,
                                                        playbooks, and their API */
extern const struct web_route *const web_route_tables[];

/* ---- the server ---------------------------------------------------------------------------- */

struct web_options {
    char host[256];           /* default 127.0.0.1 */
    unsigned short port;      /* default 8080; 0 = any free port */
    unsigned threads;         /* worker threads; default 8 */
    unsigned max_connections; /* default 512 */
    unsigned max_per_address; /* default 64 */
    unsigned timeout;         /* seconds of idleness before a connection is closed; default 30 */
    int secure_cookies;
    const char *trusted_proxy; /* an IP address, or NULL */
    const char *access_log;    /* path, "-" for standard output, NULL for none */
    const char *port_file;     /* write the bound port here once listening (for tests) */
    long session_idle;         /* seconds of inactivity that end a session; default 7200 */
    long session_max;          /* seconds after sign-in that end it; default 43200 */
    unsigned signin_ceiling;   /* failed sign-ins a minute, all addresses together, before
                                  every sign-in waits; default 100 */
};

void web_options_init(struct web_options *o);

/* The largest request body accepted for a path. */
size_t web_body_limit(const char *path);

/* For a request under /api/ routed to pattern: 0 when every query parameter is one the
 * API's description (docs/openapi.json) gives that operation, else the 422 answer naming
 * the first that is not (api.c). */
int web_api_query_check(struct web_req *r, const char *pattern);
/* An Idempotency-Key POST under /api/: the first answer to the key again, or run the route's
 * handler and keep its answer (idempotency.c). Returns the HTTP status. */
int web_api_idempotent(struct web_req *r, int (*run)(struct web_req *r, const void *route),
                       const void *route);

/* Write the route table as CSV: method,pattern,access,csrf_exempt (for tests and docs). */
void web_print_routes(FILE *out);

/* Run the server on the database at location until SIGINT or SIGTERM; then stop taking
 * connections, finish those in flight, and return. */
enum cvom_status web_serve(const char *location, const struct web_options *o,
                           struct cvom_error *err);

#endif
