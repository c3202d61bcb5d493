/* instrument_csv.h — instruments as files: a preamble of '# key: value' lines (name,
 * version, min_items) followed by a CSV table with the header
 * code,axis,reverse,weight,scale_min,scale_max,statement[,construct]. */
#ifndef CVOM_IO_INSTRUMENT_CSV_H
#define CVOM_IO_INSTRUMENT_CSV_H

#include "cvom.h"

#include <stdio.h>

/* Largest instrument file accepted. */
#define CVOM_INSTRUMENT_FILE_MAX (4u << 20)

/* Parse an instrument from buf (name is used in error messages). out must be initialised;
 * on failure it is left empty and err names the line and column. */
enum cvom_status cvom__instrument_parse(const char *buf, size_t len, const char *name,
                                        struct cvom_instrument *out, struct cvom_error *err);
/* Read and parse a file ("-" for standard input). */
enum cvom_status cvom__instrument_load(const char *path, struct cvom_instrument *out,
                                       struct cvom_error *err);
/* The instrument that ships with cvom (data/instrument-default.csv, embedded). */
enum cvom_status cvom__instrument_default(struct cvom_instrument *out, struct cvom_error *err);

/* Write the instrument: full = 1 writes the file format (preamble and construct column, so
 * it reads back identically); full = 0 writes only the table with the header
 * code,axis,reverse,weight,scale_min,scale_max,statement. CVOM_EIO on a write error. */
enum cvom_status cvom__instrument_write(FILE *f, const struct cvom_instrument *ins, int full);

/* Write one CSV field, quoted when it needs to be. Returns 0 or EOF. */
int cvom__csv_put(FILE *f, const char *s);

#endif
