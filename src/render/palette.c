/* palette.c — the quadrant colours every face draws with (see palette.h). */
#include "render/palette.h"

#include <math.h>
#include <stdio.h>

const struct cvom_rgb cvom__palette_fg[CVOM_Q_COUNT] = {
    [CVOM_Q_TRANSACTIONAL] = {0.800, 0.545, 0.090},
    [CVOM_Q_INTELLECTUAL] = {0.184, 0.467, 0.769},
    [CVOM_Q_EMOTIONAL] = {0.761, 0.275, 0.478},
    [CVOM_Q_PARTNERSHIP] = {0.173, 0.596, 0.329},
};

const struct cvom_rgb cvom__palette_bg[CVOM_Q_COUNT] = {
    [CVOM_Q_TRANSACTIONAL] = {0.984, 0.953, 0.890},
    [CVOM_Q_INTELLECTUAL] = {0.906, 0.941, 0.980},
    [CVOM_Q_EMOTIONAL] = {0.976, 0.910, 0.937},
    [CVOM_Q_PARTNERSHIP] = {0.902, 0.957, 0.914},
};

/* fg darkened until it reads on white and on bg at 4.8:1 or more. */
const struct cvom_rgb cvom__palette_ink[CVOM_Q_COUNT] = {
    [CVOM_Q_TRANSACTIONAL] = {0.560, 0.382, 0.063},
    [CVOM_Q_INTELLECTUAL] = {0.164, 0.416, 0.684},
    [CVOM_Q_EMOTIONAL] = {0.677, 0.245, 0.425},
    [CVOM_Q_PARTNERSHIP] = {0.137, 0.471, 0.260},
};

static unsigned byte_of(double v)
{
    return v <= 0 ? 0u : v >= 1 ? 255u : (unsigned)lround(v * 255);
}

void cvom__palette_hex(struct cvom_rgb c, char out[8])
{
    snprintf(out, 8, "#%02x%02x%02x", byte_of(c.r), byte_of(c.g), byte_of(c.b));
}

size_t cvom__palette_css(char *buf, size_t cap)
{
    size_t used = 0;
    int w = snprintf(buf, cap, ":root {");
    used += w > 0 ? (size_t)w : 0;
    for (int q = 0; q < CVOM_Q_COUNT; q++) {
        char fg[8], bg[8], ink[8];
        const char *name = cvom_quadrant_name((enum cvom_quadrant)q);
        cvom__palette_hex(cvom__palette_fg[q], fg);
        cvom__palette_hex(cvom__palette_bg[q], bg);
        cvom__palette_hex(cvom__palette_ink[q], ink);
        w = snprintf(buf + (used < cap ? used : cap), used < cap ? cap - used : 0,
                     " --q-%s: %s; --q-%s-tint: %s; --q-%s-ink: %s;", name, fg, name, bg, name,
                     ink);
        used += w > 0 ? (size_t)w : 0;
    }
    w = snprintf(buf + (used < cap ? used : cap), used < cap ? cap - used : 0, " }\n");
    used += w > 0 ? (size_t)w : 0;
    return used;
}
