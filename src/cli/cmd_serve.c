/* cmd_serve.c — `cvom serve`: the web application and the JSON API. */
#include "cli/cli.h"

#include "io/util.h"
#include "web/web.h"

#include <string.h>

/* "HOST:PORT", "[V6]:PORT", "HOST" or ":PORT". */
static int parse_listen(const char *s, struct web_options *o)
{
    const char *colon = strrchr(s, ':');
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close)
            return -1;
        colon = close[1] == ':' ? close + 1 : NULL;
    }
    size_t hlen = colon ? (size_t)(colon - s) : strlen(s);
    if (hlen >= sizeof o->host)
        return -1;
    if (hlen) {
        memcpy(o->host, s, hlen);
        o->host[hlen] = '\0';
    }
    long port;
    if (colon && cvom__parse_long(colon + 1, 0, 65535, &port))
        return -1;
    if (colon)
        o->port = (unsigned short)port;
    return 0;
}

int cmd_serve(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "listen",
         .kind = 's',
         .arg = "HOST:PORT",
         .help = "address to listen on (default 127.0.0.1:8080; port 0 picks a free one)"},
        {.name = "threads",
         .kind = 'i',
         .arg = "N",
         .min = 1,
         .max = 256,
         .help = "worker threads (default 8)"},
        {.name = "max-connections",
         .kind = 'i',
         .arg = "N",
         .min = 1,
         .max = 100000,
         .help = "in all (default 512); past it a new one closes the oldest idle one"},
        {.name = "max-per-address",
         .kind = 'i',
         .arg = "N",
         .min = 1,
         .max = 100000,
         .help = "per client (default 64)"},
        {.name = "timeout",
         .kind = 'i',
         .arg = "SECONDS",
         .min = 1,
         .max = 3600,
         .help = "idle connections close (default 30)"},
        {.name = "access-log",
         .kind = 's',
         .arg = "FILE",
         .help = "append one line per request ('-': stdout)"},
        {.name = "secure-cookies", .kind = 'f', .help = "mark cookies Secure (behind a TLS proxy)"},
        {.name = "trusted-proxy",
         .kind = 's',
         .arg = "ADDRESS",
         .help = "the IP address of a proxy in front: the client's address is the last one "
                 "of the X-Forwarded-For it sends"},
        {.name = "port-file", .kind = 's', .arg = "FILE", .help = "write the port once listening"},
        {.name = "print-routes",
         .kind = 'f',
         .help = "print every route (method, pattern, least role) as CSV and exit"},
        {.name = "session-idle",
         .kind = 'i',
         .arg = "SECONDS",
         .min = 1,
         .max = 2592000,
         .help = "inactivity that ends a session (default 7200)"},
        {.name = "session-max",
         .kind = 'i',
         .arg = "SECONDS",
         .min = 1,
         .max = 2592000,
         .help = "time after sign-in that ends a session (default 43200)"},
        {.name = "signin-ceiling",
         .kind = 'i',
         .arg = "N",
         .min = 1,
         .max = 1000000,
         .help = "failed sign-ins a minute from all addresses together before every "
                 "sign-in waits (default 100)"},
        {0},
    };
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, opts, "[--db PATH] [--listen HOST:PORT] [OPTIONS]",
                  "Serve the web application and the JSON API (/api/v1) on the database. On a "
                  "database without users it prints a one-time link to create the first "
                  "administrator. Stops cleanly on Ctrl-C or SIGTERM.",
                  pos, 0, 0, &np, &rc))
        return rc;
    if (cli_opt(opts, "print-routes")->set) {
        web_print_routes(stdout);
        return 0;
    }
    struct web_options o;
    web_options_init(&o);
    if (cli_val(opts, "listen") && parse_listen(cli_val(opts, "listen"), &o))
        return cli_usage_error(c, "--listen takes HOST:PORT, not '%s'", cli_val(opts, "listen"));
    o.threads = (unsigned)cli_num(opts, "threads", o.threads);
    o.max_connections = (unsigned)cli_num(opts, "max-connections", o.max_connections);
    o.max_per_address = (unsigned)cli_num(opts, "max-per-address", o.max_per_address);
    o.timeout = (unsigned)cli_num(opts, "timeout", o.timeout);
    o.session_idle = (long)cli_num(opts, "session-idle", (double)o.session_idle);
    o.session_max = (long)cli_num(opts, "session-max", (double)o.session_max);
    o.signin_ceiling = (unsigned)cli_num(opts, "signin-ceiling", o.signin_ceiling);
    o.secure_cookies = cli_opt(opts, "secure-cookies")->set;
    o.trusted_proxy = cli_val(opts, "trusted-proxy");
    o.access_log = cli_val(opts, "access-log");
    o.port_file = cli_val(opts, "port-file");
    enum cvom_status st = web_serve(c->db, &o, &c->err);
    return st ? cli_fail(c, st, &c->err) : 0;
}
