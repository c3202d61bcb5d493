/* pages_signals.h — the account page's signals table and network ledger section. Internal
 * to the web face. */
#ifndef CVOM_WEB_PAGES_SIGNALS_H
#define CVOM_WEB_PAGES_SIGNALS_H

#include "service/signals.h"
#include "web/pages_util.h"

#define PAGES_LEDGER_ROWS 50

/* The survey's part and each signal's on every axis; nothing when there are no signals. */
void pages_signals_table(struct buf *b, const struct cvom_explanation *ex,
                         const struct cvom_signals_shown *sig);

/* The account's newest ledger entries, escaped, and for an editor the form that adds one. */
enum cvom_status pages_network_section(struct web_req *r, int64_t account_id, int edit);

/* A ledger entry as sent by a form or the API: text fields, any of them NULL or "". The
 * date defaults to today. CVOM_EINVAL with err->field naming the bad field. */
struct pages_network_fields {
    const char *kind, *title, *date, *rating, *notes;
};
enum cvom_status pages_network_read(const struct pages_network_fields *in, int32_t today,
                                    struct cvom_network_entry *out, struct cvom_error *err);

int pages_network_post(struct web_req *r); /* POST /accounts/{id}/network */
int admin_signals_get(struct web_req *r);  /* GET /admin/signals */
int admin_signals_post(struct web_req *r); /* POST /admin/signals */
int api_signals_list(struct web_req *r);   /* GET /api/v1/signals */
int api_network_list(struct web_req *r);   /* GET /api/v1/accounts/{id}/network */
int api_network_create(struct web_req *r); /* POST /api/v1/accounts/{id}/network */

extern const struct web_route web_signal_routes[];

#endif
