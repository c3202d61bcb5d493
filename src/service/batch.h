/* batch.h — batch scoring: a long-format responses file (account_id, respondent_id, item_id,
 * score) scored with no database, one row out per account, at the speed of reading the file.
 * The engine behind `cvom score --input`; the numbers are the core's cvom_score_account. */
#ifndef CVOM_SERVICE_BATCH_H
#define CVOM_SERVICE_BATCH_H

#include "cvom.h"

#include <stdio.h>

struct cvom_batch_options {
    const char *input;      /* a path, or "-" for standard input */
    const char *output;     /* a path, or NULL or "-" for standard output */
    const char *instrument; /* an instrument file, or NULL for the default instrument */
    const struct cvom_instrument *items; /* when not NULL: score with it instead (copied) */
    int input_fd;                        /* with input_open: read this descriptor, named o->input in
                                            messages, in one pass (the caller closes it) */
    int input_open;
    FILE *out;     /* when not NULL: write the scores here instead of to o->output
                      (the caller flushes and closes it) */
    int threads;   /* readers: 1 or 2, or 0 to choose by the file's size */
    int exact;     /* numbers to the last digit, with the standard errors */
    int csv_guard; /* guard text cells against spreadsheet formulas (io/csv.h) */
    /* Called now and then while a file is read, with the share read so far (0–1); then once
     * more with 1 when reading is done, or -1 when it stopped on an error. NULL: silent. */
    void (*progress)(void *ctx, const char *input, double share);
    void *progress_ctx;
};

/* Score o->input and write the scores to o->output (or o->out). A file is written whole or,
 * on an error (with file, line and column for bad input), not at all. Threads of a server may
 * score at once. */
enum cvom_status cvom__batch_score(const struct cvom_batch_options *o, struct cvom_error *err);

#endif
