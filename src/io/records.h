/* records.h — the fields of accounts and stakeholders as text: one table per record type
 * that the command line, CSV import and (later) web forms all validate through. */
#ifndef CVOM_IO_RECORDS_H
#define CVOM_IO_RECORDS_H

#include "store/store.h"

struct cvom_field_def {
    const char *name;
    const char *help;
    int required; /* must be given when a record is created */
    int number;   /* 1: a number (imports read it with the file's decimal mark) */
};

extern const struct cvom_field_def cvom__account_fields[];     /* NULL-name terminated */
extern const struct cvom_field_def cvom__stakeholder_fields[]; /* NULL-name terminated */

/* Set one field of a from its text form, validating it. The "parent" field is a reference
 * to another account that only the store can resolve: it is copied into parent_ref (of
 * CVOM_FIELD_MAX bytes) instead. CVOM_EINVAL / CVOM_ELIMIT with err->field and message. */
enum cvom_status cvom__account_set(struct cvom_account *a, const char *field, const char *value,
                                   char *parent_ref, struct cvom_error *err);
enum cvom_status cvom__stakeholder_set(struct cvom_stakeholder *s, const char *field,
                                       const char *value, struct cvom_error *err);
/* Check a whole record before it is stored (required fields). */
enum cvom_status cvom__account_check(const struct cvom_account *a, struct cvom_error *err);
enum cvom_status cvom__stakeholder_check(const struct cvom_stakeholder *s, struct cvom_error *err);

#endif
