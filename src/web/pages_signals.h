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

/* The account's newest ledger entries, escaped. */
enum cvom_status pages_network_section(struct buf *b, struct cvom_store *st, int64_t account_id,
                                       struct cvom_error *err);

#endif
