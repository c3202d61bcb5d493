/* statements.h — every statement the store runs, by number. Each back end gives the text of
 * each one in its own dialect (sqlite/statements.c, postgres/statements.c); the shared
 * operations name them only by number, so both back ends run the same operations.
 *
 * The kind says what a statement does to the database, so that the store can check that
 * writes run inside a transaction and move the data revision once per transaction that
 * changed the portfolio's data:
 *   STMT_TX    transaction control
 *   STMT_READ  reads only
 *   STMT_WRITE writes what caches do not rest on (users, sessions, the audit log …)
 *   STMT_DATA  writes the portfolio's data: commits move the revision
 */
#ifndef CVOM_STORE_STATEMENTS_H
#define CVOM_STORE_STATEMENTS_H

#include "store/copy_tables.h"

enum stmt_kind { STMT_TX, STMT_READ, STMT_WRITE, STMT_DATA };

/* Moving a whole database (copy.c): a transaction that reads one state of the source
 * throughout, foreign keys checked at the commit where a back end checks them row by row,
 * the next rows and the end of a cursor where a back end reads a table through one, the
 * schema's tables and one table's columns with their kinds; then for each table of
 * copy_tables.h its rows in key order, the writing of a row, and its emptying. */
#define CVOM_COPY_STATEMENTS(X)                                                                    \
    X(COPY_SNAPSHOT, STMT_TX)                                                                      \
    X(COPY_DEFER, STMT_TX)                                                                         \
    X(COPY_FETCH, STMT_READ)                                                                       \
    X(COPY_CLOSE, STMT_READ)                                                                       \
    X(COPY_TABLES, STMT_READ)                                                                      \
    X(COPY_COLUMNS, STMT_READ)                                                                     \
    CVOM_COPY_TABLES(COPY_TABLE_STATEMENTS, X)
#define COPY_TABLE_STATEMENTS(X, id, name, columns, kinds, n, key)                                 \
    X(COPY_##id##_READ, STMT_READ) X(COPY_##id##_WRITE, STMT_DATA) X(COPY_##id##_CLEAR, STMT_DATA)

#define CVOM_STATEMENTS(X)                                                                         \
    X(BEGIN, STMT_TX)                                                                              \
    X(BEGIN_READ, STMT_TX)                                                                         \
    X(COMMIT, STMT_TX)                                                                             \
    X(ROLLBACK, STMT_TX)                                                                           \
    X(SAVEPOINT, STMT_TX)                                                                          \
    X(RELEASE, STMT_TX)                                                                            \
    X(ROLLBACK_TO, STMT_TX)                                                                        \
    X(HAS_MIGRATIONS, STMT_READ)                                                                   \
    X(MIGRATION_TABLE, STMT_WRITE)                                                                 \
    X(MIGRATION_LOCK, STMT_READ)                                                                   \
    X(SCHEMA_VERSION, STMT_READ)                                                                   \
    X(MIGRATION_MARK, STMT_WRITE)                                                                  \
    X(REVISION, STMT_READ)                                                                         \
    X(REVISION_BUMP, STMT_WRITE)                                                                   \
    X(SETTING_GET, STMT_READ)                                                                      \
    X(SETTING_SET, STMT_DATA)                                                                      \
    X(SETTING_SWAP, STMT_DATA)                                                                     \
    X(SETTING_CREATE, STMT_DATA)                                                                   \
    X(ACCOUNT_ADD, STMT_DATA)                                                                      \
    X(ACCOUNT_UPDATE, STMT_DATA)                                                                   \
    X(ACCOUNT_REMOVE, STMT_DATA)                                                                   \
    X(ACCOUNT_GET, STMT_READ)                                                                      \
    X(ACCOUNT_BY_EXTERNAL, STMT_READ)                                                              \
    X(ACCOUNT_BY_NAME, STMT_READ)                                                                  \
    X(ACCOUNT_LIST, STMT_READ)                                                                     \
    X(ACCOUNT_COUNT, STMT_READ)                                                                    \
    X(ACCOUNT_ANCESTOR, STMT_READ)                                                                 \
    X(ACCOUNT_EXISTS, STMT_READ)                                                                   \
    X(STAKEHOLDER_ADD, STMT_DATA)                                                                  \
    X(STAKEHOLDER_UPDATE, STMT_DATA)                                                               \
    X(STAKEHOLDER_REMOVE, STMT_DATA)                                                               \
    X(STAKEHOLDER_GET, STMT_READ)                                                                  \
    X(STAKEHOLDER_BY_EXTERNAL, STMT_READ)                                                          \
    X(STAKEHOLDER_BY_NAME, STMT_READ)                                                              \
    X(STAKEHOLDER_LIST, STMT_READ)                                                                 \
    X(STAKEHOLDER_ALL, STMT_READ)                                                                  \
    X(STAKEHOLDER_EXISTS, STMT_READ)                                                               \
    X(STAKEHOLDER_ANCESTOR, STMT_READ)                                                             \
    X(STAKEHOLDER_BY_ID, STMT_READ)                                                                \
    X(INSTRUMENT_ADD, STMT_DATA)                                                                   \
    X(ITEM_ADD, STMT_DATA)                                                                         \
    X(INSTRUMENT_GET, STMT_READ)                                                                   \
    X(ITEM_LIST, STMT_READ)                                                                        \
    X(INSTRUMENT_LATEST, STMT_READ)                                                                \
    X(INSTRUMENT_FIND, STMT_READ)                                                                  \
    X(INSTRUMENT_LIST, STMT_READ)                                                                  \
    X(INSTRUMENT_EXISTS, STMT_READ)                                                                \
    X(ASSESSMENT_ADD, STMT_DATA)                                                                   \
    X(ASSESSMENT_UPDATE, STMT_DATA)                                                                \
    X(ASSESSMENT_LIST, STMT_READ)                                                                  \
    X(ASSESSMENT_EXISTS, STMT_READ)                                                                \
    X(RESPONSE_PUT, STMT_DATA)                                                                     \
    X(ACCOUNT_NEXT_ID, STMT_READ)                                                                  \
    X(ASSESSMENT_NEXT_ID, STMT_READ)                                                               \
    X(BULK_ACCOUNTS, STMT_DATA)                                                                    \
    X(BULK_ASSESSMENTS, STMT_DATA)                                                                 \
    X(BULK_RESPONSES, STMT_DATA)                                                                   \
    X(BULK_TOTALS, STMT_WRITE)                                                                     \
    X(RESPONSE_LIST, STMT_READ)                                                                    \
    X(RESPONSE_REMOVE, STMT_DATA)                                                                  \
    X(ASSESSMENT_REMOVE, STMT_DATA)                                                                \
    X(SNAPSHOT_PUT, STMT_DATA)                                                                     \
    X(SNAPSHOT_LATEST, STMT_READ)                                                                  \
    X(SNAPSHOT_HISTORY, STMT_READ)                                                                 \
    X(COUNT_ACCOUNTS, STMT_READ)                                                                   \
    X(COUNT_STAKEHOLDERS, STMT_READ)                                                               \
    X(COUNT_INSTRUMENTS, STMT_READ)                                                                \
    X(COUNT_ITEMS, STMT_READ)                                                                      \
    X(COUNT_ASSESSMENTS, STMT_READ)                                                                \
    X(COUNT_RESPONSES, STMT_READ)                                                                  \
    X(COUNT_SNAPSHOTS, STMT_READ)                                                                  \
    X(COUNT_SETTINGS, STMT_READ)                                                                   \
    X(USER_ADD, STMT_WRITE)                                                                        \
    X(USER_UPDATE, STMT_WRITE)                                                                     \
    X(USER_GET, STMT_READ)                                                                         \
    X(USER_FIND, STMT_READ)                                                                        \
    X(USER_LIST, STMT_READ)                                                                        \
    X(USER_COUNT, STMT_READ)                                                                       \
    X(USER_EXISTS, STMT_READ)                                                                      \
    X(SESSION_PUT, STMT_WRITE)                                                                     \
    X(SESSION_IDENTIFY, STMT_READ)                                                                 \
    X(SESSION_TOUCH, STMT_WRITE)                                                                   \
    X(SESSION_REMOVE, STMT_WRITE)                                                                  \
    X(SESSION_REMOVE_USER, STMT_WRITE)                                                             \
    X(SESSION_PURGE, STMT_WRITE)                                                                   \
    X(TOKEN_ADD, STMT_WRITE)                                                                       \
    X(TOKEN_IDENTIFY, STMT_READ)                                                                   \
    X(TOKEN_TOUCH, STMT_WRITE)                                                                     \
    X(TOKEN_LIST, STMT_READ)                                                                       \
    X(TOKEN_REMOVE, STMT_WRITE)                                                                    \
    X(AUDIT_ADD, STMT_WRITE)                                                                       \
    X(AUDIT_LIST, STMT_READ)                                                                       \
    X(AUDIT_FIND, STMT_READ)                                                                       \
    X(FAILURE_ADD, STMT_WRITE)                                                                     \
    X(FAILURE_COUNT, STMT_READ)                                                                    \
    X(FAILURE_CLEAR, STMT_WRITE)                                                                   \
    X(FAILURE_PURGE, STMT_WRITE)                                                                   \
    X(IDEM_CLAIM, STMT_WRITE)                                                                      \
    X(IDEM_GET, STMT_READ)                                                                         \
    X(IDEM_FINISH, STMT_WRITE)                                                                     \
    X(IDEM_DROP, STMT_WRITE)                                                                       \
    X(IDEM_PURGE, STMT_WRITE)                                                                      \
    X(SURVEY_ADD, STMT_WRITE)                                                                      \
    X(SURVEY_GET, STMT_READ)                                                                       \
    X(SURVEY_USE, STMT_WRITE)                                                                      \
    X(SURVEY_LIST, STMT_READ)                                                                      \
    X(CAMPAIGN_ADD, STMT_WRITE)                                                                    \
    X(CAMPAIGN_GET, STMT_READ)                                                                     \
    X(CAMPAIGN_BY_NAME, STMT_READ)                                                                 \
    X(CAMPAIGN_LIST, STMT_READ)                                                                    \
    X(CAMPAIGN_CLOSE, STMT_WRITE)                                                                  \
    X(CAMPAIGN_EXPIRE, STMT_WRITE)                                                                 \
    X(CAMPAIGN_EXISTS, STMT_READ)                                                                  \
    X(CAMPAIGN_LINK_ADD, STMT_WRITE)                                                               \
    X(CAMPAIGN_LINK_LIST, STMT_READ)                                                               \
    X(CAMPAIGN_LINK_SEEN, STMT_WRITE)                                                              \
    X(CAMPAIGN_SEND_CLAIM, STMT_WRITE)                                                             \
    X(CAMPAIGN_SEND_END, STMT_WRITE)                                                               \
    X(SURVEY_DRAFT_PUT, STMT_WRITE)                                                                \
    X(SURVEY_DRAFT_GET, STMT_READ)                                                                 \
    X(TEXT_PUT, STMT_DATA)                                                                         \
    X(TEXT_LIST, STMT_READ)                                                                        \
    X(COMMENT_PUT, STMT_DATA)                                                                      \
    X(COMMENT_LIST, STMT_READ)                                                                     \
    X(ACTION_ADD, STMT_DATA)                                                                       \
    X(ACTION_GET, STMT_READ)                                                                       \
    X(ACTION_LIST, STMT_READ)                                                                      \
    X(ACTION_STATUS, STMT_DATA)                                                                    \
    X(PLAYBOOK_CLEAR, STMT_DATA)                                                                   \
    X(PLAYBOOK_PUT, STMT_DATA)                                                                     \
    X(PLAYBOOK_LIST, STMT_READ)                                                                    \
    X(OFFERING_ADD, STMT_DATA)                                                                     \
    X(OFFERING_UPDATE, STMT_DATA)                                                                  \
    X(OFFERING_BY_CODE, STMT_READ)                                                                 \
    X(OFFERING_GET, STMT_READ)                                                                     \
    X(OFFERING_LIST, STMT_READ)                                                                    \
    X(OFFERING_REMOVE, STMT_DATA)                                                                  \
    X(OFFERING_EXISTS, STMT_READ)                                                                  \
    X(RATING_PUT, STMT_DATA)                                                                       \
    X(RATING_LIST, STMT_READ)                                                                      \
    X(VALUE_ADD, STMT_DATA)                                                                        \
    X(VALUE_REMOVE, STMT_DATA)                                                                     \
    X(VALUE_LIST, STMT_READ)                                                                       \
    X(RANKING_CLEAR, STMT_DATA)                                                                    \
    X(RANKING_PUT, STMT_DATA)                                                                      \
    X(RANKING_LIST, STMT_READ)                                                                     \
    X(SIGNAL_PUT, STMT_DATA)                                                                       \
    X(SIGNAL_BY_NAME, STMT_READ)                                                                   \
    X(SIGNAL_GET, STMT_READ)                                                                       \
    X(SIGNAL_LIST, STMT_READ)                                                                      \
    X(SIGNAL_REMOVE, STMT_DATA)                                                                    \
    X(SIGNAL_EXISTS, STMT_READ)                                                                    \
    X(SIGNAL_VALUE_PUT, STMT_DATA)                                                                 \
    X(SIGNAL_LATEST, STMT_READ)                                                                    \
    X(SIGNAL_HISTORY, STMT_READ)                                                                   \
    X(NETWORK_ADD, STMT_DATA)                                                                      \
    X(NETWORK_LIST, STMT_READ)                                                                     \
    X(NETWORK_REMOVE, STMT_DATA)                                                                   \
    X(NETWORK_MEANS, STMT_READ)                                                                    \
    X(ASSESSMENT_SCAN, STMT_READ)                                                                  \
    X(RESPONSE_SCAN, STMT_READ)                                                                    \
    X(TOTALS_SCAN, STMT_READ)                                                                      \
    X(TOTALS_PUT, STMT_WRITE)                                                                      \
    X(TOTALS_LOCK, STMT_TX)                                                                        \
    X(TOTALS_WAIT, STMT_TX)                                                                        \
    CVOM_COPY_STATEMENTS(X)

enum stmt {
#define X(name, kind) S_##name,
    CVOM_STATEMENTS(X)
#undef X
        S_COUNT
};

/* The kind of each statement, by number. */
extern const unsigned char cvom__stmt_kind[S_COUNT];

#endif
