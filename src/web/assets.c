/* assets.c — serving the embedded static files. */
#include "web/assets.h"

#include "render/palette.h"

#include <string.h>

extern const unsigned char cvom__web_css[];
extern const size_t cvom__web_css_len;
extern const unsigned char cvom__web_js[];
extern const size_t cvom__web_js_len;

static const struct {
    const char *name;
    const char *type;
    const unsigned char *data;
    const size_t *len;
    int palette; /* the quadrant colours follow (src/render/palette.c) */
} assets[] = {
    {"cvom.css", "text/css; charset=utf-8", cvom__web_css, &cvom__web_css_len, 1},
    {"cvom.js", "text/javascript; charset=utf-8", cvom__web_js, &cvom__web_js_len, 0},
};

int web_static(struct web_req *r)
{
    for (size_t i = 0; i < sizeof assets / sizeof *assets; i++) {
        if (strcmp(r->param[0], assets[i].name) != 0)
            continue;
        buf_add(&r->out, assets[i].data, *assets[i].len);
        if (assets[i].palette) {
            char palette[640];
            cvom__palette_css(palette, sizeof palette);
            buf_puts(&r->out, palette);
        }
        r->out_type = assets[i].type;
        snprintf(r->cache, sizeof r->cache, "public, max-age=3600");
        return 200;
    }
    return web_refuse(r, WEB_NOT_FOUND, NULL, "There is no such file.");
}

int web_health(struct web_req *r)
{
    int64_t n;
    enum cvom_status st = r->store->ops->account_count(r->store, &n, &r->err);
    if (st)
        return web_fail(r, st, &r->err);
    r->out_type = "text/plain; charset=utf-8";
    buf_puts(&r->out, "ok\n");
    return 200;
}
