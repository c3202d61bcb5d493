/* alerts.h — what needs attention today: one list of alerts over the accounts a filter
 * selects, each of a kind, on an account, saying why it fired and where it is fixed. The
 * rules of each kind are those of the report's sections (slides, stale, borderline,
 * over-serving, alignment, partnership health), of the stakeholders' spread, and of the
 * action plans and survey links; docs/commands.md lists them. It knows no SQL and prints
 * nothing. */
#ifndef CVOM_SERVICE_ALERTS_H
#define CVOM_SERVICE_ALERTS_H

#include "cvom.h"
#include "service/documents.h"
#include "store/store.h"

enum cvom_alert_kind {
    CVOM_ALERT_SLID = 0,   /* slid towards Transactional since the since date */
    CVOM_ALERT_STALE,      /* newest assessment older than the validity period */
    CVOM_ALERT_DUE,        /* it will be within the settings' due days */
    CVOM_ALERT_BORDERLINE, /* an interval crosses a threshold */
    CVOM_ALERT_SPLIT,      /* weighty stakeholders in different quadrants */
    CVOM_ALERT_AT_RISK,    /* a partnership aligned below the setting */
    CVOM_ALERT_OVERSERVED, /* unvalued cost above the setting's share */
    CVOM_ALERT_CRUMBLED,   /* a pillar sound on the since date, weak now */
    CVOM_ALERT_OVERDUE,    /* an open action past its due date */
    CVOM_ALERT_UNOWNED,    /* an open action nobody owns */
    CVOM_ALERT_UNANSWERED, /* a survey link unanswered after the settings' days */
    CVOM_ALERT_COVERAGE,   /* a coverage gap on the relationship map */
    CVOM_ALERT_KIND_COUNT
};

/* "slid", "stale", "due", "borderline", "split", "at_risk", "overserved", "crumbled",
 * "overdue_action", "unowned_action", "unanswered_survey", "coverage_gap". */
const char *cvom__alert_kind_name(enum cvom_alert_kind k);
/* The kind of a name, or -1. */
int cvom__alert_kind_parse(const char *s);

struct cvom_alert {
    enum cvom_alert_kind kind;
    size_t account; /* index into the document's report accounts */
    int64_t ref;    /* the action's id for action alerts; 0 otherwise */
    int32_t date;   /* the day it concerns (due date, newest answer, link made); 0: none */
    char why[320];  /* one sentence, for people */
    char where[96]; /* the web page where it is fixed, a path from the site's root */
};

struct cvom_alerts {
    struct cvom_report_doc doc; /* the accounts and the report's sections behind the alerts */
    int32_t as_of, since;
    int due_days, unanswered_days;
    struct cvom_alert *v; /* by account (in the report's order), then kind */
    size_t n, cap;
    size_t count[CVOM_ALERT_KIND_COUNT];
};

/* The alerts on the accounts f selects as of as_of, comparing with since (since < as_of).
 * On failure *out is left empty. */
enum cvom_status cvom__alerts_gather(struct cvom_store *st, const struct cvom_account_filter *f,
                                     int32_t as_of, int32_t since, struct cvom_alerts *out,
                                     struct cvom_error *err);
void cvom__alerts_cleanup(struct cvom_alerts *a);

/* The date alerts compare with when none is given: the previous scoring round, the snapshot
 * date before the newest one on or before as_of (the newest normally holds the scores of
 * now); the newest when it is the only one; else 90 days before as_of. */
enum cvom_status cvom__alerts_default_since(struct cvom_store *st, int32_t as_of, int32_t *since,
                                            struct cvom_error *err);

#endif
