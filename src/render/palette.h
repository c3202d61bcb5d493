/* palette.h — the quadrant colours, defined once: the pictures (PNG, PDF, SVG from cairo),
 * the one-pager, the HTML report and the web application's pages all take them from here,
 * so that a quadrant has one colour wherever it is shown. */
#ifndef CVOM_RENDER_PALETTE_H
#define CVOM_RENDER_PALETTE_H

#include "cvom.h"

#include <stddef.h>

struct cvom_rgb {
    double r, g, b; /* 0–1 each */
};

/* fg: bubbles and marks; bg: the quadrant's soft area; ink: text in the quadrant's colour,
 * dark enough to read on white and on bg (contrast of 4.5:1 or more). */
extern const struct cvom_rgb cvom__palette_fg[CVOM_Q_COUNT];
extern const struct cvom_rgb cvom__palette_bg[CVOM_Q_COUNT];
extern const struct cvom_rgb cvom__palette_ink[CVOM_Q_COUNT];

/* c as CSS writes it, "#rrggbb" (out has room for 8 bytes). */
void cvom__palette_hex(struct cvom_rgb c, char out[8]);

/* The palette as CSS custom properties of :root, for the web's style sheet:
 * --q-NAME (fg), --q-NAME-tint (bg) and --q-NAME-ink for each quadrant's name. Writes at
 * most cap bytes, always NUL-terminated; returns the length it needed (as snprintf). */
size_t cvom__palette_css(char *buf, size_t cap);

#endif
