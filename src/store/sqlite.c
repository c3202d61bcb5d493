/* sqlite.c — the SQLite back end of the storage interface (store.h).
 *
 * One file, WAL journal, foreign keys on. The schema is a list of numbered migrations, each
 * applied in its own write transaction together with its row in schema_migrations. Every
 * query is a prepared statement with bound parameters, cached per handle.
 */
#include "store/store.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Written into the file header so that cvom recognises its own databases ("CVOM"). */
#define APPLICATION_ID 1129729869
#define BUSY_TIMEOUT_MS 5000
/* Guards the walk up an account's parents; real hierarchies are a few levels deep. */
#define MAX_PARENT_DEPTH 10000

/* ---------------------------------------------------------------------------------------
 * Schema
 * ------------------------------------------------------------------------------------- */

/* A migration's SQL comes in pieces (C compilers need not accept very long strings); each
 * piece holds one or more statements. */
struct migration {
    int version;
    const char *const *sql; /* NULL-terminated */
};

/* Constraints are named after the column they guard, so that a failed check can name the
 * field. Optional text is stored as '' (external ids as NULL, so that several records may
 * lack one). Enumerations are stored by their lower-case names. */
static const char *const migration_1[] = {
    "PRAGMA application_id = 1129729869;" /* APPLICATION_ID */

    "CREATE TABLE accounts ("
    " id INTEGER PRIMARY KEY,"
    " external_id TEXT UNIQUE CONSTRAINT external_id CHECK (external_id <> ''),"
    " name TEXT NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " owner TEXT NOT NULL DEFAULT '',"
    " parent_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
    " revenue REAL NOT NULL DEFAULT 0"
    "  CONSTRAINT revenue CHECK (revenue >= 0 AND revenue <= 1e308),"
    " potential REAL NOT NULL DEFAULT 0"
    "  CONSTRAINT potential CHECK (potential >= 0 AND potential <= 1e308),"
    " currency TEXT NOT NULL DEFAULT '',"
    " industry TEXT NOT NULL DEFAULT '',"
    " region TEXT NOT NULL DEFAULT '',"
    " tags TEXT NOT NULL DEFAULT '',"
    " notes TEXT NOT NULL DEFAULT '',"
    " created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
    " updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP"
    ");"
    "CREATE INDEX accounts_name ON accounts(name);"
    "CREATE INDEX accounts_parent ON accounts(parent_id);",

    "CREATE TABLE stakeholders ("
    " id INTEGER PRIMARY KEY,"
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " external_id TEXT CONSTRAINT external_id CHECK (external_id <> ''),"
    " name TEXT NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " role TEXT NOT NULL DEFAULT '',"
    " influence REAL NOT NULL DEFAULT 1"
    "  CONSTRAINT influence CHECK (influence >= 0 AND influence <= 1),"
    " stance TEXT NOT NULL DEFAULT 'unknown' CONSTRAINT stance CHECK (stance IN"
    "  ('unknown', 'champion', 'supporter', 'neutral', 'sceptic', 'opponent')),"
    " email TEXT NOT NULL DEFAULT '',"
    " created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
    " updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
    " UNIQUE (account_id, external_id)"
    ");"
    "CREATE INDEX stakeholders_account ON stakeholders(account_id, name);",

    "CREATE TABLE instruments ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " version INTEGER NOT NULL CONSTRAINT version CHECK (version >= 1),"
    " min_items INTEGER NOT NULL CONSTRAINT min_items CHECK (min_items >= 0),"
    " created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
    " UNIQUE (name, version)"
    ");"

    "CREATE TABLE items ("
    " instrument_id INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,"
    " position INTEGER NOT NULL,"
    " code TEXT NOT NULL CONSTRAINT code CHECK (code <> ''),"
    " axis TEXT NOT NULL,"
    " reverse INTEGER NOT NULL CONSTRAINT reverse CHECK (reverse IN (0, 1)),"
    " weight REAL NOT NULL CONSTRAINT weight CHECK (weight > 0 AND weight <= 1e308),"
    " scale_min INTEGER NOT NULL,"
    " scale_max INTEGER NOT NULL CONSTRAINT scale_max CHECK (scale_max > scale_min),"
    " statement TEXT NOT NULL DEFAULT '',"
    " construct TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (instrument_id, position),"
    " UNIQUE (instrument_id, code)"
    ") WITHOUT ROWID;",

    "CREATE TABLE assessments ("
    " id INTEGER PRIMARY KEY,"
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
    " kind TEXT NOT NULL,"
    " stakeholder_id INTEGER REFERENCES stakeholders(id) ON DELETE SET NULL,"
    " respondent TEXT NOT NULL DEFAULT '',"
    " date INTEGER NOT NULL,"
    " status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('draft', 'complete')),"
    " created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,"
    " updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP"
    ");"
    "CREATE INDEX assessments_account ON assessments(account_id, date);"
    "CREATE INDEX assessments_instrument ON assessments(instrument_id);"
    "CREATE INDEX assessments_stakeholder ON assessments(stakeholder_id);"

    /* A respondent stakeholder must belong to the assessed account. A missing account is
     * left to the foreign key, which names it. */
    "CREATE TRIGGER assessments_stakeholder_insert BEFORE INSERT ON assessments"
    " WHEN NEW.stakeholder_id IS NOT NULL AND EXISTS (SELECT 1 FROM stakeholders"
    "  WHERE id = NEW.stakeholder_id AND account_id <> NEW.account_id)"
    "  AND EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id)"
    " BEGIN SELECT RAISE(ABORT, 'stakeholder_id: the stakeholder belongs to another"
    " account'); END;"
    "CREATE TRIGGER assessments_stakeholder_update"
    " BEFORE UPDATE OF stakeholder_id, account_id ON assessments"
    " WHEN NEW.stakeholder_id IS NOT NULL AND EXISTS (SELECT 1 FROM stakeholders"
    "  WHERE id = NEW.stakeholder_id AND account_id <> NEW.account_id)"
    "  AND EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id)"
    " BEGIN SELECT RAISE(ABORT, 'stakeholder_id: the stakeholder belongs to another"
    " account'); END;"
    /* Answers are keyed by item code, so the instrument of an answered assessment is fixed. */
    "CREATE TRIGGER assessments_instrument_update BEFORE UPDATE OF instrument_id ON assessments"
    " WHEN NEW.instrument_id IS NOT OLD.instrument_id"
    "  AND EXISTS (SELECT 1 FROM responses WHERE assessment_id = OLD.id)"
    " BEGIN SELECT RAISE(ABORT, 'instrument_id: the assessment already has answers for"
    " another instrument'); END;",

    "CREATE TABLE responses ("
    " assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,"
    " item_code TEXT NOT NULL,"
    " value REAL NOT NULL,"
    " PRIMARY KEY (assessment_id, item_code)"
    ") WITHOUT ROWID;"
    /* An answer must be to an item of the assessment's instrument. */
    "CREATE TRIGGER responses_item_insert BEFORE INSERT ON responses"
    " WHEN EXISTS (SELECT 1 FROM assessments WHERE id = NEW.assessment_id)"
    "  AND NOT EXISTS (SELECT 1 FROM assessments a JOIN items i"
    "   ON i.instrument_id = a.instrument_id"
    "   WHERE a.id = NEW.assessment_id AND i.code = NEW.item_code)"
    " BEGIN SELECT RAISE(ABORT, 'item_code: the assessment''s instrument has no such"
    " item'); END;",

    /* NULL in a score column means "no value" (NaN in struct cvom_score). */
    "CREATE TABLE snapshots ("
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " date INTEGER NOT NULL,"
    " intellectual REAL, intellectual_se REAL, intellectual_lo REAL, intellectual_hi REAL,"
    " intellectual_respondents INTEGER NOT NULL DEFAULT 0, intellectual_self REAL,"
    " emotional REAL, emotional_se REAL, emotional_lo REAL, emotional_hi REAL,"
    " emotional_respondents INTEGER NOT NULL DEFAULT 0, emotional_self REAL,"
    " quadrant TEXT NOT NULL,"
    " state TEXT NOT NULL,"
    " PRIMARY KEY (account_id, date)"
    ") WITHOUT ROWID;"
    "CREATE INDEX snapshots_date ON snapshots(date);"

    "CREATE TABLE settings ("
    " key TEXT PRIMARY KEY CONSTRAINT key CHECK (key <> ''),"
    " value TEXT NOT NULL"
    ");",
    NULL,
};

/* The web application's tables: users, sessions, tokens, the audit log, failed sign-ins
 * and survey links. Secrets are never stored, only their digests. */
static const char *const migration_2[] = {
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE CONSTRAINT name CHECK (name <> ''),"
    " display TEXT NOT NULL DEFAULT '',"
    " role TEXT NOT NULL CONSTRAINT role CHECK (role IN ('viewer', 'manager', 'admin')),"
    " password TEXT NOT NULL DEFAULT '',"
    " disabled INTEGER NOT NULL DEFAULT 0 CONSTRAINT disabled CHECK (disabled IN (0, 1)),"
    " created INTEGER NOT NULL"
    ");",

    "CREATE TABLE sessions ("
    " id TEXT PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " seen INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX sessions_user ON sessions(user_id);",

    "CREATE TABLE api_tokens ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " name TEXT NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " hash TEXT NOT NULL UNIQUE,"
    " created INTEGER NOT NULL,"
    " used INTEGER NOT NULL DEFAULT 0"
    ");",

    "CREATE TABLE audit_log ("
    " id INTEGER PRIMARY KEY,"
    " at INTEGER NOT NULL,"
    " actor TEXT NOT NULL DEFAULT '',"
    " action TEXT NOT NULL CONSTRAINT action CHECK (action <> ''),"
    " target TEXT NOT NULL DEFAULT '',"
    " detail TEXT NOT NULL DEFAULT '',"
    " address TEXT NOT NULL DEFAULT ''"
    ");",

    "CREATE TABLE login_failures ("
    " key TEXT NOT NULL,"
    " at INTEGER NOT NULL"
    ");"
    "CREATE INDEX login_failures_key ON login_failures(key, at);",

    "CREATE TABLE survey_links ("
    " hash TEXT PRIMARY KEY,"
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " stakeholder_id INTEGER NOT NULL REFERENCES stakeholders(id) ON DELETE CASCADE,"
    " instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
    " created INTEGER NOT NULL,"
    " expires INTEGER NOT NULL,"
    " used INTEGER NOT NULL DEFAULT 0,"
    " assessment_id INTEGER REFERENCES assessments(id) ON DELETE SET NULL,"
    " created_by TEXT NOT NULL DEFAULT ''"
    ") WITHOUT ROWID;"
    "CREATE INDEX survey_links_account ON survey_links(account_id);",
    NULL,
};

/* A counter that every change to the portfolio's data moves on, so that servers can keep
 * computed pages and answers until the data they rest on changes, even when another
 * process or server made the change. */
static const char *const migration_3[] = {
    "CREATE TABLE data_revision (n INTEGER NOT NULL);"
    "INSERT INTO data_revision(n) VALUES (1);",
    "CREATE TRIGGER accounts_insert_rev AFTER INSERT ON accounts BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER accounts_update_rev AFTER UPDATE ON accounts BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER accounts_delete_rev AFTER DELETE ON accounts BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER stakeholders_insert_rev AFTER INSERT ON stakeholders BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER stakeholders_update_rev AFTER UPDATE ON stakeholders BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER stakeholders_delete_rev AFTER DELETE ON stakeholders BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER instruments_insert_rev AFTER INSERT ON instruments BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER instruments_update_rev AFTER UPDATE ON instruments BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER instruments_delete_rev AFTER DELETE ON instruments BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER items_insert_rev AFTER INSERT ON items BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER items_update_rev AFTER UPDATE ON items BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER items_delete_rev AFTER DELETE ON items BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER assessments_insert_rev AFTER INSERT ON assessments BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER assessments_update_rev AFTER UPDATE ON assessments BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER assessments_delete_rev AFTER DELETE ON assessments BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER responses_insert_rev AFTER INSERT ON responses BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER responses_update_rev AFTER UPDATE ON responses BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER responses_delete_rev AFTER DELETE ON responses BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER snapshots_insert_rev AFTER INSERT ON snapshots BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER snapshots_update_rev AFTER UPDATE ON snapshots BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER snapshots_delete_rev AFTER DELETE ON snapshots BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER settings_insert_rev AFTER INSERT ON settings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER settings_update_rev AFTER UPDATE ON settings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER settings_delete_rev AFTER DELETE ON settings BEGIN UPDATE data_revision SET n = n + 1; END;",
    NULL,
};

/* Action plans, and the team's own playbook (which replaces the built-in one while it has
 * any play). Both move the data revision: the one-pager shows them. */
static const char *const migration_4[] = {
    "CREATE TABLE actions ("
    " id INTEGER PRIMARY KEY,"
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " title TEXT NOT NULL CONSTRAINT title CHECK (title <> ''),"
    " owner TEXT NOT NULL DEFAULT '',"
    " due INTEGER,"
    " axis TEXT CONSTRAINT axis CHECK (axis IN ('intellectual', 'emotional')),"
    " effect REAL NOT NULL DEFAULT 0"
    "  CONSTRAINT effect CHECK (effect >= -100 AND effect <= 100),"
    " cost REAL CONSTRAINT cost CHECK (cost >= 0 AND cost <= 1e308),"
    " play TEXT NOT NULL DEFAULT '',"
    " status TEXT NOT NULL CONSTRAINT status CHECK (status IN ('open', 'done')),"
    " created INTEGER NOT NULL,"
    " done INTEGER"
    ");"
    "CREATE INDEX actions_account ON actions(account_id, status);"
    "CREATE TABLE playbook ("
    " position INTEGER PRIMARY KEY,"
    " key TEXT NOT NULL UNIQUE CONSTRAINT key CHECK (key <> ''),"
    " title TEXT NOT NULL,"
    " play TEXT NOT NULL,"
    " axis TEXT NOT NULL CONSTRAINT axis CHECK (axis IN ('intellectual', 'emotional', 'both')),"
    " cost TEXT NOT NULL CONSTRAINT cost CHECK (cost IN ('low', 'medium', 'high'))"
    ");",
    "CREATE TRIGGER actions_insert_rev AFTER INSERT ON actions BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER actions_update_rev AFTER UPDATE ON actions BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER actions_delete_rev AFTER DELETE ON actions BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER playbook_insert_rev AFTER INSERT ON playbook BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER playbook_update_rev AFTER UPDATE ON playbook BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER playbook_delete_rev AFTER DELETE ON playbook BEGIN UPDATE data_revision SET n = n + 1; END;",
    NULL,
};

/* Offerings with each account's ratings and our cost to serve them; the values that
 * hierarchies rank, seeded with eight; and the hierarchies themselves, ours under account
 * 0 (so not a foreign key: triggers check the account and follow its removal). */
static const char *const migration_5[] = {
    "CREATE TABLE offerings ("
    " id INTEGER PRIMARY KEY,"
    " code TEXT NOT NULL UNIQUE CONSTRAINT code CHECK (code <> ''),"
    " name TEXT NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " category TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE TABLE offering_ratings ("
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " offering_id INTEGER NOT NULL REFERENCES offerings(id) ON DELETE CASCADE,"
    " importance REAL NOT NULL CONSTRAINT importance CHECK (importance >= 1 AND importance <= 7),"
    " performance REAL NOT NULL"
    "  CONSTRAINT performance CHECK (performance >= 1 AND performance <= 7),"
    " cost REAL NOT NULL DEFAULT 0 CONSTRAINT cost CHECK (cost >= 0 AND cost <= 1e308),"
    " PRIMARY KEY (account_id, offering_id)"
    ");"
    "CREATE INDEX offering_ratings_offering ON offering_ratings(offering_id);",
    "CREATE TABLE value_names ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE CONSTRAINT name CHECK (name <> '')"
    ");"
    "INSERT INTO value_names(name) VALUES ('quality'), ('price'), ('innovation'),"
    " ('reliability'), ('sustainability'), ('local presence'), ('expertise'),"
    " ('relationship');"
    "CREATE TABLE value_rankings ("
    " account_id INTEGER NOT NULL,"
    " value_id INTEGER NOT NULL REFERENCES value_names(id) ON DELETE CASCADE,"
    " rank INTEGER NOT NULL CONSTRAINT rank CHECK (rank >= 1),"
    " PRIMARY KEY (account_id, value_id),"
    " UNIQUE (account_id, rank)"
    ");",
    "CREATE TRIGGER value_rankings_account BEFORE INSERT ON value_rankings"
    " WHEN new.account_id <> 0 AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = new.account_id)"
    " BEGIN SELECT RAISE(ABORT, 'account_id: no such account'); END;",
    "CREATE TRIGGER accounts_delete_rankings AFTER DELETE ON accounts"
    " BEGIN DELETE FROM value_rankings WHERE account_id = old.id; END;",
    "CREATE TRIGGER offerings_insert_rev AFTER INSERT ON offerings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER offerings_update_rev AFTER UPDATE ON offerings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER offerings_delete_rev AFTER DELETE ON offerings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER offering_ratings_insert_rev AFTER INSERT ON offering_ratings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER offering_ratings_update_rev AFTER UPDATE ON offering_ratings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER offering_ratings_delete_rev AFTER DELETE ON offering_ratings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER value_names_insert_rev AFTER INSERT ON value_names BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER value_names_delete_rev AFTER DELETE ON value_names BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER value_rankings_insert_rev AFTER INSERT ON value_rankings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER value_rankings_update_rev AFTER UPDATE ON value_rankings BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER value_rankings_delete_rev AFTER DELETE ON value_rankings BEGIN UPDATE data_revision SET n = n + 1; END;",
    NULL,
};

/* Signals: their definitions (the network ledger's among them, computed from the ledger
 * rather than imported), their measured values per account and date, and the ledger of
 * introductions, peer groups and events with the customer's rating of each. */
static const char *const migration_6[] = {
    "CREATE TABLE signals ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE CONSTRAINT name CHECK (name <> ''),"
    " label TEXT NOT NULL DEFAULT '',"
    " axis TEXT NOT NULL CONSTRAINT axis CHECK (axis IN ('intellectual', 'emotional')),"
    " direction INTEGER NOT NULL CONSTRAINT direction CHECK (direction IN (1, -1)),"
    " norm TEXT NOT NULL CONSTRAINT norm CHECK (norm IN ('fixed', 'percentile', 'logistic')),"
    " p1 REAL NOT NULL DEFAULT 0,"
    " p2 REAL NOT NULL DEFAULT 0,"
    " weight REAL NOT NULL CONSTRAINT weight CHECK (weight > 0 AND weight <= 100),"
    " source TEXT NOT NULL DEFAULT 'imported'"
    "  CONSTRAINT source CHECK (source IN ('imported', 'ledger'))"
    ");"
    "CREATE TABLE signal_values ("
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " signal_id INTEGER NOT NULL REFERENCES signals(id) ON DELETE CASCADE,"
    " date INTEGER NOT NULL,"
    " value REAL NOT NULL CONSTRAINT value CHECK (value >= -1e300 AND value <= 1e300),"
    " PRIMARY KEY (signal_id, account_id, date)"
    ") WITHOUT ROWID;"
    "CREATE INDEX signal_values_account ON signal_values(account_id);"
    "CREATE TABLE network_entries ("
    " id INTEGER PRIMARY KEY,"
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " date INTEGER NOT NULL,"
    " kind TEXT NOT NULL"
    "  CONSTRAINT kind CHECK (kind IN ('introduction', 'peer_group', 'event')),"
    " title TEXT NOT NULL CONSTRAINT title CHECK (title <> ''),"
    " rating REAL CONSTRAINT rating CHECK (rating >= 1 AND rating <= 5),"
    " notes TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX network_entries_account ON network_entries(account_id, date);"
    "CREATE INDEX network_entries_date ON network_entries(date);"
    "INSERT INTO signals(name, label, axis, direction, norm, p1, p2, weight, source)"
    " VALUES ('network', 'Network ledger: the customer''s rating of our introductions,"
    " peer groups and events', 'intellectual', 1, 'fixed', 1, 5, 0.25, 'ledger');",
    "CREATE TRIGGER signals_insert_rev AFTER INSERT ON signals BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER signals_update_rev AFTER UPDATE ON signals BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER signals_delete_rev AFTER DELETE ON signals BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER signal_values_insert_rev AFTER INSERT ON signal_values BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER signal_values_update_rev AFTER UPDATE ON signal_values BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER signal_values_delete_rev AFTER DELETE ON signal_values BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER network_entries_insert_rev AFTER INSERT ON network_entries BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER network_entries_update_rev AFTER UPDATE ON network_entries BEGIN UPDATE data_revision SET n = n + 1; END;",
    "CREATE TRIGGER network_entries_delete_rev AFTER DELETE ON network_entries BEGIN UPDATE data_revision SET n = n + 1; END;",
    NULL,
};

static const struct migration migrations[] = {
    {1, migration_1},
    {2, migration_2},
    {3, migration_3},
    {4, migration_4},
    {5, migration_5},
    {6, migration_6},
};

#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])

/* Applied to every connection; they are not stored in the file (except journal_mode). */
static const char connection_pragmas[] = "PRAGMA foreign_keys = ON;"
                                         "PRAGMA journal_mode = WAL;"
                                         "PRAGMA synchronous = NORMAL;";

/* ---------------------------------------------------------------------------------------
 * Statements
 * ------------------------------------------------------------------------------------- */

enum stmt {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_SAVEPOINT,
    S_RELEASE,
    S_ROLLBACK_TO,
    S_APPLICATION_ID,
    S_USER_TABLES,
    S_HAS_MIGRATIONS,
    S_SCHEMA_VERSION,
    S_MIGRATION_MARK,
    S_SETTING_GET,
    S_SETTING_SET,
    S_ACCOUNT_ADD,
    S_ACCOUNT_UPDATE,
    S_ACCOUNT_REMOVE,
    S_ACCOUNT_GET,
    S_ACCOUNT_BY_EXTERNAL,
    S_ACCOUNT_BY_NAME,
    S_ACCOUNT_LIST,
    S_ACCOUNT_COUNT,
    S_ACCOUNT_ANCESTOR,
    S_ACCOUNT_EXISTS,
    S_STAKEHOLDER_ADD,
    S_STAKEHOLDER_UPDATE,
    S_STAKEHOLDER_REMOVE,
    S_STAKEHOLDER_GET,
    S_STAKEHOLDER_BY_EXTERNAL,
    S_STAKEHOLDER_BY_NAME,
    S_STAKEHOLDER_LIST,
    S_STAKEHOLDER_EXISTS,
    S_INSTRUMENT_ADD,
    S_ITEM_ADD,
    S_INSTRUMENT_GET,
    S_ITEM_LIST,
    S_INSTRUMENT_LATEST,
    S_INSTRUMENT_FIND,
    S_INSTRUMENT_LIST,
    S_INSTRUMENT_EXISTS,
    S_ASSESSMENT_ADD,
    S_ASSESSMENT_UPDATE,
    S_ASSESSMENT_LIST,
    S_ASSESSMENT_EXISTS,
    S_RESPONSE_PUT,
    S_RESPONSE_LIST,
    S_SNAPSHOT_PUT,
    S_SNAPSHOT_LATEST,
    S_SNAPSHOT_HISTORY,
    S_COUNT_ACCOUNTS,
    S_COUNT_STAKEHOLDERS,
    S_COUNT_INSTRUMENTS,
    S_COUNT_ITEMS,
    S_COUNT_ASSESSMENTS,
    S_COUNT_RESPONSES,
    S_COUNT_SNAPSHOTS,
    S_COUNT_SETTINGS,
    S_USER_ADD,
    S_USER_UPDATE,
    S_USER_GET,
    S_USER_FIND,
    S_USER_LIST,
    S_USER_COUNT,
    S_USER_EXISTS,
    S_SESSION_PUT,
    S_SESSION_GET,
    S_SESSION_TOUCH,
    S_SESSION_REMOVE,
    S_SESSION_REMOVE_USER,
    S_SESSION_PURGE,
    S_TOKEN_ADD,
    S_TOKEN_FIND,
    S_TOKEN_TOUCH,
    S_TOKEN_LIST,
    S_TOKEN_REMOVE,
    S_AUDIT_ADD,
    S_AUDIT_LIST,
    S_FAILURE_ADD,
    S_FAILURE_COUNT,
    S_FAILURE_CLEAR,
    S_FAILURE_PURGE,
    S_SURVEY_ADD,
    S_SURVEY_GET,
    S_SURVEY_USE,
    S_SURVEY_LIST,
    S_REVISION,
    S_ACTION_ADD,
    S_ACTION_GET,
    S_ACTION_LIST,
    S_ACTION_STATUS,
    S_PLAYBOOK_CLEAR,
    S_PLAYBOOK_PUT,
    S_PLAYBOOK_LIST,
    S_OFFERING_ADD,
    S_OFFERING_UPDATE,
    S_OFFERING_BY_CODE,
    S_OFFERING_GET,
    S_OFFERING_LIST,
    S_OFFERING_REMOVE,
    S_OFFERING_EXISTS,
    S_RATING_PUT,
    S_RATING_LIST,
    S_VALUE_ADD,
    S_VALUE_REMOVE,
    S_VALUE_LIST,
    S_RANKING_CLEAR,
    S_RANKING_PUT,
    S_RANKING_LIST,
    S_SIGNAL_PUT,
    S_SIGNAL_BY_NAME,
    S_SIGNAL_GET,
    S_SIGNAL_LIST,
    S_SIGNAL_REMOVE,
    S_SIGNAL_EXISTS,
    S_SIGNAL_VALUE_PUT,
    S_SIGNAL_LATEST,
    S_SIGNAL_HISTORY,
    S_NETWORK_ADD,
    S_NETWORK_LIST,
    S_NETWORK_REMOVE,
    S_NETWORK_MEANS,
    S_COUNT
};

#define ACCOUNT_COLUMNS                                                                      \
    "id, external_id, name, owner, parent_id, revenue, potential, currency, industry, "      \
    "region, tags, notes"
#define STAKEHOLDER_COLUMNS "id, account_id, external_id, name, role, influence, stance, email"
#define ASSESSMENT_COLUMNS                                                                   \
    "id, account_id, instrument_id, kind, stakeholder_id, respondent, date, status"
#define SNAPSHOT_COLUMNS                                                                     \
    "account_id, date, intellectual, intellectual_se, intellectual_lo, intellectual_hi, "    \
    "intellectual_respondents, intellectual_self, emotional, emotional_se, emotional_lo, "   \
    "emotional_hi, emotional_respondents, emotional_self, quadrant, state"

#define ACTION_COLUMNS                                                                       \
    "id, account_id, title, owner, due, axis, effect, cost, play, status, created, done"

static const char *const stmt_sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT cvom_op",
    [S_RELEASE] = "RELEASE cvom_op",
    [S_ROLLBACK_TO] = "ROLLBACK TO cvom_op",
    [S_APPLICATION_ID] = "PRAGMA application_id",
    [S_USER_TABLES] = "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                      " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
    [S_HAS_MIGRATIONS] = "SELECT count(*) FROM sqlite_schema"
                         " WHERE type = 'table' AND name = 'schema_migrations'",
    [S_SCHEMA_VERSION] = "SELECT coalesce(max(version), 0) FROM schema_migrations",
    [S_MIGRATION_MARK] = "INSERT INTO schema_migrations(version) VALUES (?1)",

    [S_SETTING_GET] = "SELECT value FROM settings WHERE key = ?1",
    [S_SETTING_SET] = "INSERT INTO settings(key, value) VALUES (?1, ?2)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",

    [S_ACCOUNT_ADD] = "INSERT INTO accounts(external_id, name, owner, parent_id, revenue,"
                      " potential, currency, industry, region, tags, notes)"
                      " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [S_ACCOUNT_UPDATE] = "UPDATE accounts SET external_id = ?2, name = ?3, owner = ?4,"
                         " parent_id = ?5, revenue = ?6, potential = ?7, currency = ?8,"
                         " industry = ?9, region = ?10, tags = ?11, notes = ?12,"
                         " updated_at = CURRENT_TIMESTAMP WHERE id = ?1",
    [S_ACCOUNT_REMOVE] = "DELETE FROM accounts WHERE id = ?1",
    [S_ACCOUNT_GET] = "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1",
    [S_ACCOUNT_BY_EXTERNAL] = "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE external_id = ?1",
    [S_ACCOUNT_BY_NAME] = "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE name = ?1"
                          " ORDER BY id LIMIT 2",
    [S_ACCOUNT_LIST] = "SELECT " ACCOUNT_COLUMNS " FROM accounts"
                       " WHERE (?1 = '' OR owner = ?1)"
                       " AND (?2 = '' OR instr(',' || tags || ',', ',' || ?2 || ',') > 0)"
                       " AND (?3 = '' OR industry = ?3)"
                       " AND (?4 = '' OR region = ?4)"
                       " ORDER BY name, id",
    [S_ACCOUNT_COUNT] = "SELECT count(*) FROM accounts",
    /* Is ?2 among ?1 and its ancestors? */
    [S_ACCOUNT_ANCESTOR] = "WITH RECURSIVE up(id, depth) AS ("
                           " SELECT ?1, 0"
                           " UNION ALL SELECT a.parent_id, up.depth + 1"
                           "  FROM accounts a JOIN up ON a.id = up.id"
                           "  WHERE a.parent_id IS NOT NULL AND up.depth < ?3)"
                           " SELECT 1 FROM up WHERE id = ?2 LIMIT 1",
    [S_ACCOUNT_EXISTS] = "SELECT 1 FROM accounts WHERE id = ?1",

    [S_STAKEHOLDER_ADD] = "INSERT INTO stakeholders(account_id, external_id, name, role,"
                          " influence, stance, email) VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_STAKEHOLDER_UPDATE] = "UPDATE stakeholders SET external_id = ?3, name = ?4, role = ?5,"
                             " influence = ?6, stance = ?7, email = ?8,"
                             " updated_at = CURRENT_TIMESTAMP"
                             " WHERE id = ?1 AND account_id = ?2",
    [S_STAKEHOLDER_REMOVE] = "DELETE FROM stakeholders WHERE id = ?1",
    [S_STAKEHOLDER_GET] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders"
                          " WHERE id = ?2 AND account_id = ?1",
    [S_STAKEHOLDER_BY_EXTERNAL] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders"
                                  " WHERE account_id = ?1 AND external_id = ?2",
    [S_STAKEHOLDER_BY_NAME] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders"
                              " WHERE account_id = ?1 AND name = ?2 ORDER BY id LIMIT 2",
    [S_STAKEHOLDER_LIST] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders"
                           " WHERE account_id = ?1 ORDER BY name, id",
    [S_STAKEHOLDER_EXISTS] = "SELECT 1 FROM stakeholders WHERE id = ?1",

    [S_INSTRUMENT_ADD] = "INSERT INTO instruments(name, version, min_items) VALUES (?1, ?2, ?3)",
    [S_ITEM_ADD] = "INSERT INTO items(instrument_id, position, code, axis, reverse, weight,"
                   " scale_min, scale_max, statement, construct)"
                   " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    [S_INSTRUMENT_GET] = "SELECT name, version, min_items FROM instruments WHERE id = ?1",
    [S_ITEM_LIST] = "SELECT code, axis, reverse, weight, scale_min, scale_max, statement,"
                    " construct FROM items WHERE instrument_id = ?1 ORDER BY position",
    [S_INSTRUMENT_LATEST] = "SELECT id FROM instruments WHERE name = ?1"
                            " ORDER BY version DESC LIMIT 1",
    [S_INSTRUMENT_FIND] = "SELECT id FROM instruments WHERE name = ?1 AND version = ?2",
    [S_INSTRUMENT_LIST] = "SELECT i.id, i.name, i.version,"
                          " (SELECT count(*) FROM items WHERE instrument_id = i.id)"
                          " FROM instruments i ORDER BY i.name, i.version",
    [S_INSTRUMENT_EXISTS] = "SELECT 1 FROM instruments WHERE id = ?1",

    [S_ASSESSMENT_ADD] = "INSERT INTO assessments(account_id, instrument_id, kind,"
                         " stakeholder_id, respondent, date, status)"
                         " VALUES (?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [S_ASSESSMENT_UPDATE] = "UPDATE assessments SET account_id = ?2, instrument_id = ?3,"
                            " kind = ?4, stakeholder_id = ?5, respondent = ?6, date = ?7,"
                            " status = ?8, updated_at = CURRENT_TIMESTAMP WHERE id = ?1",
    [S_ASSESSMENT_LIST] = "SELECT " ASSESSMENT_COLUMNS " FROM assessments"
                          " WHERE account_id = ?1 ORDER BY date, id",
    [S_ASSESSMENT_EXISTS] = "SELECT 1 FROM assessments WHERE id = ?1",

    [S_RESPONSE_PUT] = "INSERT INTO responses(assessment_id, item_code, value)"
                       " VALUES (?1, ?2, ?3) ON CONFLICT(assessment_id, item_code)"
                       " DO UPDATE SET value = excluded.value",
    [S_RESPONSE_LIST] = "SELECT r.item_code, r.value FROM responses r"
                        " JOIN assessments a ON a.id = r.assessment_id"
                        " LEFT JOIN items i ON i.instrument_id = a.instrument_id"
                        "  AND i.code = r.item_code"
                        " WHERE r.assessment_id = ?1 ORDER BY i.position, r.item_code",

    [S_SNAPSHOT_PUT] = "INSERT INTO snapshots(" SNAPSHOT_COLUMNS ") VALUES (?1, ?2, ?3, ?4,"
                       " ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
                       " ON CONFLICT(account_id, date) DO UPDATE SET"
                       " intellectual = excluded.intellectual,"
                       " intellectual_se = excluded.intellectual_se,"
                       " intellectual_lo = excluded.intellectual_lo,"
                       " intellectual_hi = excluded.intellectual_hi,"
                       " intellectual_respondents = excluded.intellectual_respondents,"
                       " intellectual_self = excluded.intellectual_self,"
                       " emotional = excluded.emotional,"
                       " emotional_se = excluded.emotional_se,"
                       " emotional_lo = excluded.emotional_lo,"
                       " emotional_hi = excluded.emotional_hi,"
                       " emotional_respondents = excluded.emotional_respondents,"
                       " emotional_self = excluded.emotional_self,"
                       " quadrant = excluded.quadrant, state = excluded.state",
    [S_SNAPSHOT_LATEST] = "SELECT " SNAPSHOT_COLUMNS " FROM snapshots s"
                          " WHERE s.date = (SELECT max(date) FROM snapshots"
                          "  WHERE account_id = s.account_id AND date <= ?1)"
                          " ORDER BY s.account_id",
    [S_SNAPSHOT_HISTORY] = "SELECT " SNAPSHOT_COLUMNS " FROM snapshots"
                           " WHERE account_id = ?1 ORDER BY date",

    [S_COUNT_ACCOUNTS] = "SELECT count(*) FROM accounts",
    [S_COUNT_STAKEHOLDERS] = "SELECT count(*) FROM stakeholders",
    [S_COUNT_INSTRUMENTS] = "SELECT count(*) FROM instruments",
    [S_COUNT_ITEMS] = "SELECT count(*) FROM items",
    [S_COUNT_ASSESSMENTS] = "SELECT count(*) FROM assessments",
    [S_COUNT_RESPONSES] = "SELECT count(*) FROM responses",
    [S_COUNT_SNAPSHOTS] = "SELECT count(*) FROM snapshots",
    [S_COUNT_SETTINGS] = "SELECT count(*) FROM settings",

#define USER_COLUMNS "id, name, display, role, password, disabled, created"
    [S_USER_ADD] = "INSERT INTO users(name, display, role, password, disabled, created)"
                   " VALUES (?2, ?3, ?4, ?5, ?6, ?7)",
    [S_USER_UPDATE] = "UPDATE users SET name = ?2, display = ?3, role = ?4, password = ?5,"
                      " disabled = ?6 WHERE id = ?1",
    [S_USER_GET] = "SELECT " USER_COLUMNS " FROM users WHERE id = ?1",
    [S_USER_FIND] = "SELECT " USER_COLUMNS " FROM users WHERE name = ?1",
    [S_USER_LIST] = "SELECT " USER_COLUMNS " FROM users ORDER BY name",
    [S_USER_COUNT] = "SELECT count(*) FROM users",
    [S_USER_EXISTS] = "SELECT 1 FROM users WHERE id = ?1",
    [S_SESSION_PUT] = "INSERT INTO sessions(id, user_id, csrf, created, seen)"
                      " VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_SESSION_GET] = "SELECT id, user_id, csrf, created, seen FROM sessions WHERE id = ?1",
    [S_SESSION_TOUCH] = "UPDATE sessions SET seen = ?2 WHERE id = ?1",
    [S_SESSION_REMOVE] = "DELETE FROM sessions WHERE id = ?1",
    [S_SESSION_REMOVE_USER] = "DELETE FROM sessions WHERE user_id = ?1",
    [S_SESSION_PURGE] = "DELETE FROM sessions WHERE created < ?1 OR seen < ?2",
    [S_TOKEN_ADD] = "INSERT INTO api_tokens(user_id, name, hash, created, used)"
                    " VALUES (?2, ?3, ?4, ?5, ?6)",
    [S_TOKEN_FIND] = "SELECT id, user_id, name, hash, created, used FROM api_tokens"
                     " WHERE hash = ?1",
    [S_TOKEN_TOUCH] = "UPDATE api_tokens SET used = ?2 WHERE id = ?1",
    [S_TOKEN_LIST] = "SELECT id, user_id, name, hash, created, used FROM api_tokens"
                     " ORDER BY user_id, name, id",
    [S_TOKEN_REMOVE] = "DELETE FROM api_tokens WHERE id = ?1",
    [S_AUDIT_ADD] = "INSERT INTO audit_log(at, actor, action, target, detail, address)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_AUDIT_LIST] = "SELECT id, at, actor, action, target, detail, address FROM audit_log"
                     " ORDER BY id DESC LIMIT ?1 OFFSET ?2",
    [S_FAILURE_ADD] = "INSERT INTO login_failures(key, at) VALUES (?1, ?2)",
    [S_FAILURE_COUNT] = "SELECT count(*) FROM login_failures WHERE key = ?1 AND at >= ?2",
    [S_FAILURE_CLEAR] = "DELETE FROM login_failures WHERE key = ?1",
    [S_FAILURE_PURGE] = "DELETE FROM login_failures WHERE at < ?1",
#define SURVEY_COLUMNS                                                                       \
    "hash, account_id, stakeholder_id, instrument_id, created, expires, used,"               \
    " assessment_id, created_by"
    [S_SURVEY_ADD] = "INSERT INTO survey_links(" SURVEY_COLUMNS ")"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [S_SURVEY_GET] = "SELECT " SURVEY_COLUMNS " FROM survey_links WHERE hash = ?1",
    [S_SURVEY_USE] = "UPDATE survey_links SET used = ?2, assessment_id = ?3"
                     " WHERE hash = ?1 AND used = 0 AND expires > ?2",
    [S_SURVEY_LIST] = "SELECT " SURVEY_COLUMNS " FROM survey_links WHERE account_id = ?1"
                      " ORDER BY created DESC",
    [S_REVISION] = "SELECT n FROM data_revision",

    [S_ACTION_ADD] = "INSERT INTO actions(account_id, title, owner, due, axis, effect, cost,"
                     " play, status, created, done)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [S_ACTION_GET] = "SELECT " ACTION_COLUMNS " FROM actions WHERE id = ?1",
    [S_ACTION_LIST] = "SELECT " ACTION_COLUMNS " FROM actions"
                      " WHERE (?1 = 0 OR account_id = ?1)"
                      " AND (?2 = '' OR status = ?2)"
                      " AND (?3 = 0 OR (due IS NOT NULL AND due < ?3))"
                      " AND (?4 = 0 OR owner = '')"
                      " ORDER BY account_id, due IS NULL, due, id",
    [S_ACTION_STATUS] = "UPDATE actions SET status = ?2, done = ?3 WHERE id = ?1",
    [S_PLAYBOOK_CLEAR] = "DELETE FROM playbook",
    [S_PLAYBOOK_PUT] = "INSERT INTO playbook(key, title, play, axis, cost)"
                       " VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_PLAYBOOK_LIST] = "SELECT key, title, play, axis, cost FROM playbook ORDER BY position",

    [S_OFFERING_ADD] = "INSERT INTO offerings(code, name, category) VALUES (?1, ?2, ?3)",
    [S_OFFERING_UPDATE] = "UPDATE offerings SET name = ?2, category = ?3 WHERE code = ?1",
    [S_OFFERING_BY_CODE] = "SELECT id, code, name, category FROM offerings WHERE code = ?1",
    [S_OFFERING_GET] = "SELECT id, code, name, category FROM offerings WHERE id = ?1",
    [S_OFFERING_LIST] = "SELECT id, code, name, category FROM offerings ORDER BY code",
    [S_OFFERING_REMOVE] = "DELETE FROM offerings WHERE id = ?1",
    [S_OFFERING_EXISTS] = "SELECT 1 FROM offerings WHERE id = ?1",
    [S_RATING_PUT] = "INSERT INTO offering_ratings(account_id, offering_id, importance,"
                     " performance, cost) VALUES (?1, ?2, ?3, ?4, ?5)"
                     " ON CONFLICT(account_id, offering_id) DO UPDATE SET"
                     " importance = excluded.importance, performance = excluded.performance,"
                     " cost = excluded.cost",
    [S_RATING_LIST] = "SELECT r.account_id, r.offering_id, r.importance, r.performance, r.cost,"
                      " o.code, o.name, o.category"
                      " FROM offering_ratings r JOIN offerings o ON o.id = r.offering_id"
                      " WHERE (?1 = 0 OR r.account_id = ?1)"
                      " ORDER BY r.account_id, o.code",
    [S_VALUE_ADD] = "INSERT INTO value_names(name) VALUES (?1)",
    [S_VALUE_REMOVE] = "DELETE FROM value_names WHERE name = ?1",
    [S_VALUE_LIST] = "SELECT id, name FROM value_names ORDER BY name",
    [S_RANKING_CLEAR] = "DELETE FROM value_rankings WHERE account_id = ?1",
    [S_RANKING_PUT] = "INSERT INTO value_rankings(account_id, value_id, rank)"
                      " SELECT ?1, id, ?3 FROM value_names WHERE name = ?2",
    [S_RANKING_LIST] = "SELECT v.account_id, v.rank, n.name"
                       " FROM value_rankings v JOIN value_names n ON n.id = v.value_id"
                       " WHERE (?1 >= 0 AND v.account_id = ?1) OR (?1 < 0 AND v.account_id <> 0)"
                       " ORDER BY v.account_id, v.rank",
#define SIGNAL_COLUMNS "id, name, label, axis, direction, norm, p1, p2, weight, source"
    [S_SIGNAL_PUT] = "INSERT INTO signals(name, label, axis, direction, norm, p1, p2, weight,"
                     " source) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
                     " ON CONFLICT(name) DO UPDATE SET label = excluded.label,"
                     " axis = excluded.axis, direction = excluded.direction,"
                     " norm = excluded.norm, p1 = excluded.p1, p2 = excluded.p2,"
                     " weight = excluded.weight, source = excluded.source",
    [S_SIGNAL_BY_NAME] = "SELECT " SIGNAL_COLUMNS " FROM signals WHERE name = ?1",
    [S_SIGNAL_GET] = "SELECT " SIGNAL_COLUMNS " FROM signals WHERE id = ?1",
    [S_SIGNAL_LIST] = "SELECT " SIGNAL_COLUMNS " FROM signals ORDER BY name",
    [S_SIGNAL_REMOVE] = "DELETE FROM signals WHERE id = ?1",
    [S_SIGNAL_EXISTS] = "SELECT 1 FROM signals WHERE id = ?1",
    [S_SIGNAL_VALUE_PUT] = "INSERT INTO signal_values(account_id, signal_id, date, value)"
                           " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(signal_id, account_id, date)"
                           " DO UPDATE SET value = excluded.value",
    /* The newest row per account: SQLite takes the bare column from the row max() picked. */
    [S_SIGNAL_LATEST] = "SELECT account_id, signal_id, max(date), value FROM signal_values"
                        " WHERE signal_id = ?1 AND date <= ?2 AND (?3 = 0 OR account_id = ?3)"
                        " GROUP BY account_id"
                        " ORDER BY account_id",
    [S_SIGNAL_HISTORY] = "SELECT v.account_id, v.signal_id, v.date, v.value"
                         " FROM signal_values v JOIN signals s ON s.id = v.signal_id"
                         " WHERE (?1 = 0 OR v.account_id = ?1)"
                         " ORDER BY v.account_id, s.name, v.date",
    [S_NETWORK_ADD] = "INSERT INTO network_entries(account_id, date, kind, title, rating, notes)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_NETWORK_LIST] = "SELECT id, account_id, date, kind, title, rating, notes"
                       " FROM network_entries WHERE (?1 = 0 OR account_id = ?1)"
                       " ORDER BY date DESC, id DESC",
    [S_NETWORK_REMOVE] = "DELETE FROM network_entries WHERE id = ?1",
    [S_NETWORK_MEANS] = "SELECT account_id, avg(rating), count(rating) FROM network_entries"
                        " WHERE date >= ?1 AND date <= ?2 AND rating IS NOT NULL"
                        " GROUP BY account_id ORDER BY account_id",
};

/* The tables reported by table_counts, in this order. */
static const struct {
    const char *name;
    enum stmt count;
} counted_tables[] = {
    {"accounts", S_COUNT_ACCOUNTS},       {"stakeholders", S_COUNT_STAKEHOLDERS},
    {"instruments", S_COUNT_INSTRUMENTS}, {"items", S_COUNT_ITEMS},
    {"assessments", S_COUNT_ASSESSMENTS}, {"responses", S_COUNT_RESPONSES},
    {"snapshots", S_COUNT_SNAPSHOTS},     {"settings", S_COUNT_SETTINGS},
};

/* A cached statement and whether a caller is using it right now. */
struct slot {
    sqlite3_stmt *stmt;
    int busy;
};

struct sq_store {
    struct cvom_store base; /* first, so that a struct cvom_store * converts */
    sqlite3 *db;
    struct slot slots[S_COUNT];
};

/* A statement in use. A listing callback may run another query, even the same one; the
 * cached copy is then busy and a private one is prepared and finalized afterwards. The
 * first failure to bind is kept in rc and reported by the step. */
struct query {
    struct sq_store *s;
    sqlite3_stmt *stmt;
    int slot; /* -1: private */
    int rc;
};

static struct sq_store *sq(struct cvom_store *st)
{
    return (struct sq_store *)st;
}

/* ---------------------------------------------------------------------------------------
 * Errors
 * ------------------------------------------------------------------------------------- */

/* A reference that may be the cause of a foreign-key failure: the field, a statement that
 * tells whether the referenced record exists, and the value. 0 means "no reference". */
struct fk_ref {
    const char *field;
    enum stmt exists;
    int64_t value;
};

static void set_field(struct cvom_error *err, const char *field)
{
    if (!err)
        return;
    size_t n = strnlen(field, sizeof err->field - 1);
    memcpy(err->field, field, n);
    err->field[n] = '\0';
}

/* The column list after "… constraint failed: " with "table." prefixes removed, e.g.
 * "accounts.external_id" → "external_id", "instruments.name, instruments.version" →
 * "name, version". */
static void constraint_columns(const char *msg, char *out, size_t cap)
{
    const char *p = strstr(msg, "failed: ");
    size_t n = 0;
    out[0] = '\0';
    if (!p)
        return;
    p += strlen("failed: ");
    while (*p && n + 1 < cap) {
        const char *end = p + strcspn(p, ",");
        const char *dot = memchr(p, '.', (size_t)(end - p));
        const char *start = dot ? dot + 1 : p;
        size_t len = (size_t)(end - start);
        if (n > 0 && n + 2 < cap) {
            out[n++] = ',';
            out[n++] = ' ';
        }
        if (len > cap - 1 - n)
            len = cap - 1 - n;
        memcpy(out + n, start, len);
        n += len;
        p = end;
        while (*p == ',' || *p == ' ')
            p++;
    }
    out[n] = '\0';
}

static int row_exists(struct sq_store *s, enum stmt id, int64_t value);

static enum cvom_status fk_fail(struct sq_store *s, const char *what, const struct fk_ref *refs,
                                size_t n_refs, struct cvom_error *err)
{
    for (size_t i = 0; i < n_refs; i++) {
        if (refs[i].value == 0 || row_exists(s, refs[i].exists, refs[i].value) != 0)
            continue;
        cvom_error_set(err, CVOM_EINVAL, "%s: %s %" PRId64 " does not exist", what,
                       refs[i].field, refs[i].value);
        set_field(err, refs[i].field);
        return CVOM_EINVAL;
    }
    return cvom_error_set(err, CVOM_EINVAL,
                          "%s: the record refers to, or is still referred to by, another "
                          "record",
                          what);
}

static enum cvom_status constraint_fail(struct sq_store *s, int rc, const char *what,
                                        const struct fk_ref *refs, size_t n_refs,
                                        struct cvom_error *err)
{
    char msg[256], cols[64];
    const char *m = sqlite3_errmsg(s->db);
    size_t n = strnlen(m, sizeof msg - 1);
    memcpy(msg, m, n);
    msg[n] = '\0';
    constraint_columns(msg, cols, sizeof cols);

    enum cvom_status st;
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        st = cvom_error_set(err, CVOM_EEXIST, "%s: another record already has this %s", what,
                            cols);
        break;
    case SQLITE_CONSTRAINT_NOTNULL:
        st = cvom_error_set(err, CVOM_EINVAL, "%s: %s needs a value", what, cols);
        break;
    case SQLITE_CONSTRAINT_CHECK:
        st = cvom_error_set(err, CVOM_EINVAL, "%s: %s is out of range", what, cols);
        break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return fk_fail(s, what, refs, n_refs, err);
    case SQLITE_CONSTRAINT_TRIGGER: {
        /* Our triggers' messages start with the field: "stakeholder_id: …". */
        size_t f = strcspn(msg, ":");
        if (msg[f] == ':' && f < sizeof cols) {
            memcpy(cols, msg, f);
            cols[f] = '\0';
        }
        st = cvom_error_set(err, CVOM_EINVAL, "%s: %s", what, msg);
        break;
    }
    default:
        st = cvom_error_set(err, CVOM_EINVAL, "%s: %s", what, msg);
        break;
    }
    if (cols[0])
        set_field(err, cols);
    return st;
}

/* Map an SQLite result code (extended codes are on) to a status, with the database's own
 * words in the message. Call it before any other statement runs on the connection. */
static enum cvom_status db_fail_refs(struct sq_store *s, int rc, const char *what,
                                     const struct fk_ref *refs, size_t n_refs,
                                     struct cvom_error *err)
{
    if (err)
        err->field[0] = '\0';
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return cvom_error_set(err, CVOM_EBUSY,
                              "%s: the database is locked by another connection (%s)", what,
                              sqlite3_errmsg(s->db));
    case SQLITE_CONSTRAINT:
        return constraint_fail(s, rc, what, refs, n_refs, err);
    case SQLITE_NOMEM:
        return cvom_error_set(err, CVOM_ENOMEM, "%s: out of memory", what);
    default:
        return cvom_error_set(err, CVOM_ESTORE, "%s: %s", what, sqlite3_errmsg(s->db));
    }
}

static enum cvom_status db_fail(struct sq_store *s, int rc, const char *what,
                                struct cvom_error *err)
{
    return db_fail_refs(s, rc, what, NULL, 0, err);
}

/* ---------------------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------------------- */

static enum cvom_status q_open(struct sq_store *s, enum stmt id, struct query *q,
                               struct cvom_error *err)
{
    struct slot *sl = &s->slots[id];
    int rc;
    q->s = s;
    q->rc = SQLITE_OK;
    if (!sl->busy) {
        if (!sl->stmt) {
            rc = sqlite3_prepare_v3(s->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                                    &sl->stmt, NULL);
            if (rc != SQLITE_OK) {
                sl->stmt = NULL;
                return db_fail(s, rc, "preparing a query", err);
            }
        }
        sl->busy = 1;
        q->stmt = sl->stmt;
        q->slot = (int)id;
        return CVOM_OK;
    }
    q->slot = -1;
    rc = sqlite3_prepare_v2(s->db, stmt_sql[id], -1, &q->stmt, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(q->stmt);
        q->stmt = NULL;
        return db_fail(s, rc, "preparing a query", err);
    }
    return CVOM_OK;
}

/* Reset (or finalize) the statement so that it holds no lock and no borrowed buffer. */
static void q_close(struct query *q)
{
    if (!q->stmt)
        return;
    if (q->slot >= 0) {
        sqlite3_reset(q->stmt);
        sqlite3_clear_bindings(q->stmt);
        q->s->slots[q->slot].busy = 0;
    } else {
        sqlite3_finalize(q->stmt);
    }
    q->stmt = NULL;
}

static void q_keep(struct query *q, int rc)
{
    if (q->rc == SQLITE_OK && rc != SQLITE_OK)
        q->rc = rc;
}

/* Text from a fixed-size record buffer: never reads past cap. The buffer must outlive the
 * step (it is bound without a copy). */
static void bind_text(struct query *q, int i, const char *buf, size_t cap)
{
    size_t n = strnlen(buf, cap);
    q_keep(q, sqlite3_bind_text(q->stmt, i, buf, (int)n, SQLITE_STATIC));
}

/* Like bind_text, but an empty string is stored as NULL. */
static void bind_opt_text(struct query *q, int i, const char *buf, size_t cap)
{
    if (buf[0] == '\0')
        q_keep(q, sqlite3_bind_null(q->stmt, i));
    else
        bind_text(q, i, buf, cap);
}

static void bind_int(struct query *q, int i, int64_t v)
{
    q_keep(q, sqlite3_bind_int64(q->stmt, i, v));
}

/* An id where 0 means "none", stored as NULL. */
static void bind_ref(struct query *q, int i, int64_t id)
{
    if (id == 0)
        q_keep(q, sqlite3_bind_null(q->stmt, i));
    else
        bind_int(q, i, id);
}

/* NaN is stored as NULL. */
static void bind_real(struct query *q, int i, double v)
{
    if (isnan(v))
        q_keep(q, sqlite3_bind_null(q->stmt, i));
    else
        q_keep(q, sqlite3_bind_double(q->stmt, i, v));
}

static int q_step(struct query *q)
{
    if (q->rc != SQLITE_OK)
        return q->rc;
    return sqlite3_step(q->stmt);
}

/* Copy a text column into a record buffer, cutting at a UTF-8 character boundary when it
 * does not fit. NULL reads as "". */
static void col_text(sqlite3_stmt *stmt, int i, char *buf, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(stmt, i);
    size_t n = t ? (size_t)sqlite3_column_bytes(stmt, i) : 0;
    if (n >= cap) {
        n = cap - 1;
        while (n > 0 && (t[n] & 0xC0) == 0x80)
            n--;
    }
    if (n)
        memcpy(buf, t, n);
    buf[n] = '\0';
}

static double col_real(sqlite3_stmt *stmt, int i)
{
    if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
        return NAN;
    return sqlite3_column_double(stmt, i);
}

/* Run a statement that returns no rows. */
static enum cvom_status q_exec(struct query *q, const char *what, const struct fk_ref *refs,
                               size_t n_refs, struct cvom_error *err)
{
    int rc = q_step(q);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW)
        return CVOM_OK;
    return db_fail_refs(q->s, rc, what, refs, n_refs, err);
}

/* Run a statement without parameters, e.g. BEGIN. */
static enum cvom_status run(struct sq_store *s, enum stmt id, const char *what,
                            struct cvom_error *err)
{
    struct query q;
    enum cvom_status st = q_open(s, id, &q, err);
    if (st != CVOM_OK)
        return st;
    st = q_exec(&q, what, NULL, 0, err);
    q_close(&q);
    return st;
}

/* A single integer from a query with at most one integer parameter (ignored when
 * has_param is 0). CVOM_ENOTFOUND when there is no row. */
static enum cvom_status query_int(struct sq_store *s, enum stmt id, int has_param,
                                  int64_t param, int64_t *out, struct cvom_error *err)
{
    struct query q;
    enum cvom_status st = q_open(s, id, &q, err);
    if (st != CVOM_OK)
        return st;
    if (has_param)
        bind_int(&q, 1, param);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(q.stmt, 0);
    else if (rc == SQLITE_DONE)
        st = CVOM_ENOTFOUND;
    else
        st = db_fail(s, rc, "reading the database", err);
    q_close(&q);
    return st;
}

/* 1 when the row exists, 0 when not, -1 when the question failed. */
static int row_exists(struct sq_store *s, enum stmt id, int64_t value)
{
    int64_t one;
    enum cvom_status st = query_int(s, id, 1, value, &one, NULL);
    return st == CVOM_OK ? 1 : st == CVOM_ENOTFOUND ? 0 : -1;
}

/* Run several statements of static SQL text (a migration, the connection settings). */
static enum cvom_status run_script(struct sq_store *s, const char *sql, const char *what,
                                   struct cvom_error *err)
{
    const char *tail = sql;
    while (*tail) {
        sqlite3_stmt *stmt = NULL;
        int rc = sqlite3_prepare_v2(s->db, tail, -1, &stmt, &tail);
        if (rc != SQLITE_OK) {
            enum cvom_status st = db_fail(s, rc, what, err);
            sqlite3_finalize(stmt);
            return st;
        }
        if (!stmt) /* only whitespace or a comment was left */
            break;
        do
            rc = sqlite3_step(stmt);
        while (rc == SQLITE_ROW);
        if (rc != SQLITE_DONE) {
            enum cvom_status st = db_fail(s, rc, what, err);
            sqlite3_finalize(stmt);
            return st;
        }
        sqlite3_finalize(stmt);
    }
    return CVOM_OK;
}

/* Operations of several statements run inside a savepoint, so that they take effect whole
 * or not at all, inside or outside the caller's transaction. On failure, undo back to the
 * savepoint and drop it; the status passes through. */
static enum cvom_status savepoint_end(struct sq_store *s, enum cvom_status st)
{
    if (st != CVOM_OK) {
        run(s, S_ROLLBACK_TO, "undoing a partial change", NULL);
        run(s, S_RELEASE, "undoing a partial change", NULL);
        return st;
    }
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Enumerations stored by name
 * ------------------------------------------------------------------------------------- */

static const char *const status_names[CVOM_ASSESS_STATUS_COUNT] = {
    [CVOM_ASSESS_DRAFT] = "draft",
    [CVOM_ASSESS_COMPLETE] = "complete",
};

static int parse_status(const char *s)
{
    for (int i = 0; i < CVOM_ASSESS_STATUS_COUNT; i++) {
        if (strcmp(s, status_names[i]) == 0)
            return i;
    }
    return -1;
}

static int parse_state(const char *s)
{
    for (int i = 0; i < CVOM_STATE_COUNT; i++) {
        if (strcmp(s, cvom_state_name((enum cvom_state)i)) == 0)
            return i;
    }
    return -1;
}

static enum cvom_status bad_column(const char *table, const char *column, const char *value,
                                   struct cvom_error *err)
{
    cvom_error_set(err, CVOM_ESTORE, "%s.%s holds '%s', which this version does not know",
                   table, column, value);
    set_field(err, column);
    return CVOM_ESTORE;
}

static enum cvom_status bad_enum(const char *what, const char *field, struct cvom_error *err)
{
    cvom_error_set(err, CVOM_EINVAL, "%s: %s is not a known value", what, field);
    set_field(err, field);
    return CVOM_EINVAL;
}

/* ---------------------------------------------------------------------------------------
 * Open, close, transactions, migrations
 * ------------------------------------------------------------------------------------- */

static enum cvom_status schema_version_of(struct sq_store *s, int *version,
                                          struct cvom_error *err)
{
    int64_t n = 0, v = 0;
    enum cvom_status st = query_int(s, S_HAS_MIGRATIONS, 0, 0, &n, err);
    if (st == CVOM_OK && n > 0)
        st = query_int(s, S_SCHEMA_VERSION, 0, 0, &v, err);
    if (st != CVOM_OK)
        return st;
    *version = (int)v;
    return CVOM_OK;
}

/* Refuse a database that some other program made: it has another application id, or it has
 * tables but was never migrated by us. */
static enum cvom_status check_ownership(struct sq_store *s, const char *path,
                                        struct cvom_error *err)
{
    int64_t app_id = 0, tables = 0;
    enum cvom_status st = query_int(s, S_APPLICATION_ID, 0, 0, &app_id, err);
    if (st == CVOM_OK)
        st = query_int(s, S_USER_TABLES, 0, 0, &tables, err);
    if (st != CVOM_OK)
        return st;
    if (app_id == APPLICATION_ID || (app_id == 0 && tables == 0))
        return CVOM_OK;
    return cvom_error_set(err, CVOM_EINVAL, "%s is an SQLite database of another program", path);
}

/* Apply one migration unless another connection got there first. */
static enum cvom_status apply_migration(struct sq_store *s, const struct migration *m,
                                        struct cvom_error *err)
{
    struct query q;
    int version = 0;
    enum cvom_status st = run(s, S_BEGIN, "starting a schema migration", err);
    if (st != CVOM_OK)
        return st;
    st = schema_version_of(s, &version, err);
    if (st != CVOM_OK || version >= m->version)
        goto out;
    if (version == 0) {
        st = run_script(s,
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        " version INTEGER PRIMARY KEY,"
                        " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)",
                        "creating the migration table", err);
        if (st != CVOM_OK)
            goto out;
    }
    for (const char *const *piece = m->sql; *piece && st == CVOM_OK; piece++)
        st = run_script(s, *piece, "applying a schema migration", err);
    if (st != CVOM_OK)
        goto out;
    st = q_open(s, S_MIGRATION_MARK, &q, err);
    if (st != CVOM_OK)
        goto out;
    bind_int(&q, 1, m->version);
    st = q_exec(&q, "recording a schema migration", NULL, 0, err);
    q_close(&q);
    if (st != CVOM_OK)
        goto out;
    return run(s, S_COMMIT, "committing a schema migration", err);
out:
    run(s, S_ROLLBACK, "ending a schema migration", NULL);
    return st;
}

static enum cvom_status migrate(struct sq_store *s, const char *path, struct cvom_error *err)
{
    int version = 0;
    enum cvom_status st = check_ownership(s, path, err);
    if (st == CVOM_OK)
        st = schema_version_of(s, &version, err);
    if (st != CVOM_OK)
        return st;
    if (version > migrations[N_MIGRATIONS - 1].version)
        return cvom_error_set(err, CVOM_ESTORE,
                              "%s has schema version %d, newer than this program knows (%d); "
                              "use a newer cvom",
                              path, version, migrations[N_MIGRATIONS - 1].version);
    for (size_t i = 0; i < N_MIGRATIONS; i++) {
        if (migrations[i].version <= version)
            continue;
        st = apply_migration(s, &migrations[i], err);
        if (st != CVOM_OK)
            return st;
    }
    return CVOM_OK;
}

static void sq_close(struct cvom_store *st)
{
    struct sq_store *s = sq(st);
    if (!s)
        return;
    if (s->db) {
        for (size_t i = 0; i < S_COUNT; i++)
            sqlite3_finalize(s->slots[i].stmt);
        if (!sqlite3_get_autocommit(s->db))
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        int rc = sqlite3_close(s->db);
        assert(rc == SQLITE_OK); /* every statement is finalized by now */
        (void)rc;
    }
    free(s);
}

static enum cvom_status sq_open(const char *path, struct cvom_store **out,
                                struct cvom_error *err)
{
    if (!path || !*path)
        return cvom_error_set(err, CVOM_EINVAL, "no database path given");
    struct sq_store *s = calloc(1, sizeof *s);
    if (!s)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory opening %s", path);
    s->base.ops = &cvom__sqlite_ops;

    enum cvom_status st;
    int rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        if (!s->db) {
            st = cvom_error_set(err, CVOM_ENOMEM, "out of memory opening %s", path);
        } else {
            st = cvom_error_set(err, CVOM_ESTORE, "cannot open %s: %s", path,
                                sqlite3_errmsg(s->db));
        }
        goto fail;
    }
    sqlite3_extended_result_codes(s->db, 1);
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    st = run_script(s, connection_pragmas, "configuring the connection", err);
    if (st == CVOM_OK)
        st = migrate(s, path, err);
    if (st != CVOM_OK)
        goto fail;
    *out = &s->base;
    return CVOM_OK;
fail:
    sq_close(&s->base);
    return st;
}

static enum cvom_status sq_begin(struct cvom_store *st, struct cvom_error *err)
{
    return run(sq(st), S_BEGIN, "starting a transaction", err);
}

static enum cvom_status sq_commit(struct cvom_store *st, struct cvom_error *err)
{
    return run(sq(st), S_COMMIT, "committing", err);
}

static void sq_rollback(struct cvom_store *st)
{
    struct sq_store *s = sq(st);
    /* SQLite may already have rolled back on its own after some errors. */
    if (!sqlite3_get_autocommit(s->db))
        run(s, S_ROLLBACK, "rolling back", NULL);
}

static enum cvom_status sq_schema_version(struct cvom_store *st, int *version,
                                          struct cvom_error *err)
{
    int v;
    enum cvom_status status = schema_version_of(sq(st), &v, err);
    if (status == CVOM_OK)
        *version = v;
    return status;
}

static enum cvom_status sq_set_busy_timeout(struct cvom_store *st, int ms,
                                            struct cvom_error *err)
{
    if (ms < 0)
        return cvom_error_set(err, CVOM_EINVAL, "busy timeout must be 0 or more milliseconds");
    sqlite3_busy_timeout(sq(st)->db, ms);
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Backup
 * ------------------------------------------------------------------------------------- */

/* Copy every page into dest, which must be a new file: it is created exclusively here, so
 * nothing that exists is ever overwritten. A failed backup removes the file again. */
static enum cvom_status sq_backup(struct cvom_store *st, const char *dest,
                                  struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    if (!dest || !*dest)
        return cvom_error_set(err, CVOM_EINVAL, "no backup destination given");
    if (!sqlite3_get_autocommit(s->db))
        return cvom_error_set(err, CVOM_EINVAL, "finish the transaction before a backup");

    /* Backups hold customer data: readable by the owner only. */
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return cvom_error_set(err, CVOM_EEXIST, "%s already exists; not overwriting it",
                                  dest);
        return cvom_error_set(err, CVOM_EIO, "cannot create %s: %s", dest, strerror(errno));
    }
    close(fd);

    enum cvom_status status = CVOM_OK;
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *bk = sqlite3_backup_init(dst, "main", s->db, "main");
        if (bk) {
            /* Another connection may hold a lock for a moment; wait about the busy
             * timeout before giving up. */
            for (int tries = 0; tries < BUSY_TIMEOUT_MS / 50; tries++) {
                rc = sqlite3_backup_step(bk, -1);
                if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                    break;
                sqlite3_sleep(50);
            }
            sqlite3_backup_finish(bk);
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        } else {
            rc = sqlite3_errcode(dst);
        }
    }
    if (rc != SQLITE_OK) {
        const char *msg = dst ? sqlite3_errmsg(dst) : "out of memory";
        if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
            status = cvom_error_set(err, CVOM_EBUSY, "backup to %s: the database is locked",
                                    dest);
        else
            status = cvom_error_set(err, CVOM_ESTORE, "backup to %s failed: %s (%s)", dest,
                                    sqlite3_errstr(rc), msg);
    }
    if (sqlite3_close(dst) != SQLITE_OK && status == CVOM_OK)
        status = cvom_error_set(err, CVOM_ESTORE, "backup to %s: closing failed", dest);
    if (status != CVOM_OK)
        unlink(dest);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Settings
 * ------------------------------------------------------------------------------------- */

static enum cvom_status sq_setting_get(struct cvom_store *st, const char *key, char *buf,
                                       size_t cap, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    if (!key || !*key || !buf || cap == 0)
        return cvom_error_set(err, CVOM_EINVAL, "setting: no key or no buffer");
    if (strnlen(key, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "setting: key too long");
    enum cvom_status status = q_open(s, S_SETTING_GET, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_text(&q, 1, key, CVOM_FIELD_MAX);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(q.stmt, 0);
        size_t n = v ? (size_t)sqlite3_column_bytes(q.stmt, 0) : 0;
        if (n >= cap) {
            status = cvom_error_set(err, CVOM_ELIMIT, "setting %s: value longer than %zu bytes",
                                    key, cap - 1);
        } else {
            if (n)
                memcpy(buf, v, n);
            buf[n] = '\0';
        }
    } else if (rc == SQLITE_DONE) {
        status = cvom_error_set(err, CVOM_ENOTFOUND, "setting %s is not set", key);
    } else {
        status = db_fail(s, rc, "reading a setting", err);
    }
    q_close(&q);
    return status;
}

static enum cvom_status sq_setting_set(struct cvom_store *st, const char *key,
                                       const char *value, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    if (!key || !*key || !value)
        return cvom_error_set(err, CVOM_EINVAL, "setting: no key or no value");
    if (strnlen(key, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "setting: key too long");
    if (strnlen(value, CVOM_NOTES_MAX) >= CVOM_NOTES_MAX)
        return cvom_error_set(err, CVOM_ELIMIT, "setting %s: value too long", key);
    enum cvom_status status = q_open(s, S_SETTING_SET, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_text(&q, 1, key, CVOM_FIELD_MAX);
    bind_text(&q, 2, value, CVOM_NOTES_MAX);
    status = q_exec(&q, "saving a setting", NULL, 0, err);
    q_close(&q);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Accounts
 * ------------------------------------------------------------------------------------- */

/* Tags as stored: each trimmed, empty ones dropped, joined by ",". The result is never
 * longer than the input (at most cap - 1 bytes of it are read), so out may be in itself or
 * a buffer of the same size. */
static void normalise_tags(const char *in, size_t cap, char *out)
{
    size_t len = strnlen(in, cap - 1), n = 0, i = 0;
    while (i < len) {
        size_t start = i, end;
        while (i < len && in[i] != ',')
            i++;
        end = i++;
        while (start < end && (in[start] == ' ' || in[start] == '\t'))
            start++;
        while (end > start && (in[end - 1] == ' ' || in[end - 1] == '\t'))
            end--;
        if (end == start)
            continue;
        if (n > 0)
            out[n++] = ',';
        memmove(out + n, in + start, end - start);
        n += end - start;
    }
    out[n] = '\0';
}

static void read_account(sqlite3_stmt *stmt, struct cvom_account *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(stmt, 0);
    col_text(stmt, 1, a->external_id, sizeof a->external_id);
    col_text(stmt, 2, a->name, sizeof a->name);
    col_text(stmt, 3, a->owner, sizeof a->owner);
    a->parent_id = sqlite3_column_int64(stmt, 4); /* NULL reads as 0 */
    a->revenue = sqlite3_column_double(stmt, 5);
    a->potential = sqlite3_column_double(stmt, 6);
    col_text(stmt, 7, a->currency, sizeof a->currency);
    col_text(stmt, 8, a->industry, sizeof a->industry);
    col_text(stmt, 9, a->region, sizeof a->region);
    col_text(stmt, 10, a->tags, sizeof a->tags);
    col_text(stmt, 11, a->notes, sizeof a->notes);
}

/* Bind ?2..?12 of S_ACCOUNT_ADD / S_ACCOUNT_UPDATE. tags must outlive the step. */
static void bind_account(struct query *q, const struct cvom_account *a, const char *tags)
{
    bind_opt_text(q, 2, a->external_id, sizeof a->external_id);
    bind_text(q, 3, a->name, sizeof a->name);
    bind_text(q, 4, a->owner, sizeof a->owner);
    bind_ref(q, 5, a->parent_id);
    bind_real(q, 6, a->revenue);
    bind_real(q, 7, a->potential);
    bind_text(q, 8, a->currency, sizeof a->currency);
    bind_text(q, 9, a->industry, sizeof a->industry);
    bind_text(q, 10, a->region, sizeof a->region);
    bind_text(q, 11, tags, CVOM_TAGS_MAX);
    bind_text(q, 12, a->notes, sizeof a->notes);
}

static enum cvom_status sq_account_add(struct cvom_store *st, struct cvom_account *a,
                                       struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    char tags[CVOM_TAGS_MAX];
    const struct fk_ref refs[] = {{"parent_id", S_ACCOUNT_EXISTS, a->parent_id}};
    enum cvom_status status = q_open(s, S_ACCOUNT_ADD, &q, err);
    if (status != CVOM_OK)
        return status;
    normalise_tags(a->tags, sizeof a->tags, tags);
    bind_account(&q, a, tags);
    status = q_exec(&q, "adding an account", refs, 1, err);
    if (status == CVOM_OK)
        a->id = sqlite3_last_insert_rowid(s->db);
    q_close(&q);
    return status;
}

/* CVOM_EINVAL when making parent the parent of id would put id among its own ancestors. */
static enum cvom_status check_parent(struct sq_store *s, int64_t id, int64_t parent,
                                     struct cvom_error *err)
{
    struct query q;
    if (parent == 0)
        return CVOM_OK;
    enum cvom_status status = q_open(s, S_ACCOUNT_ANCESTOR, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, parent);
    bind_int(&q, 2, id);
    bind_int(&q, 3, MAX_PARENT_DEPTH);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW) {
        status = cvom_error_set(err, CVOM_EINVAL,
                                "updating an account: parent_id %" PRId64
                                " would make account %" PRId64 " its own ancestor",
                                parent, id);
        set_field(err, "parent_id");
    } else if (rc != SQLITE_DONE) {
        status = db_fail(s, rc, "checking the account hierarchy", err);
    }
    q_close(&q);
    return status;
}

static enum cvom_status sq_account_update(struct cvom_store *st, const struct cvom_account *a,
                                          struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    char tags[CVOM_TAGS_MAX];
    const struct fk_ref refs[] = {{"parent_id", S_ACCOUNT_EXISTS, a->parent_id}};
    enum cvom_status status = check_parent(s, a->id, a->parent_id, err);
    if (status != CVOM_OK)
        return status;
    status = q_open(s, S_ACCOUNT_UPDATE, &q, err);
    if (status != CVOM_OK)
        return status;
    normalise_tags(a->tags, sizeof a->tags, tags);
    bind_int(&q, 1, a->id);
    bind_account(&q, a, tags);
    status = q_exec(&q, "updating an account", refs, 1, err);
    if (status == CVOM_OK && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no account with id %" PRId64, a->id);
    q_close(&q);
    return status;
}

static enum cvom_status sq_account_remove(struct cvom_store *st, int64_t id,
                                          struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_ACCOUNT_REMOVE, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, id);
    status = q_exec(&q, "removing an account", NULL, 0, err);
    if (status == CVOM_OK && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no account with id %" PRId64, id);
    q_close(&q);
    return status;
}

/* One account from a query whose parameters are ?1 (an id) or ?1 (a text). */
static enum cvom_status account_one(struct sq_store *s, enum stmt id, int64_t num,
                                    const char *text, struct cvom_account *out,
                                    struct cvom_error *err)
{
    struct query q;
    enum cvom_status status = q_open(s, id, &q, err);
    if (status != CVOM_OK)
        return status;
    if (text)
        bind_text(&q, 1, text, CVOM_FIELD_MAX);
    else
        bind_int(&q, 1, num);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW)
        read_account(q.stmt, out);
    else if (rc == SQLITE_DONE)
        status = CVOM_ENOTFOUND;
    else
        status = db_fail(s, rc, "reading an account", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_account_get(struct cvom_store *st, int64_t id,
                                       struct cvom_account *out, struct cvom_error *err)
{
    enum cvom_status status = account_one(sq(st), S_ACCOUNT_GET, id, NULL, out, err);
    if (status == CVOM_ENOTFOUND)
        cvom_error_set(err, status, "no account with id %" PRId64, id);
    return status;
}

/* A reference that is all digits (and fits an id) as a number; 0 otherwise. */
static int64_t ref_number(const char *ref)
{
    size_t n = strnlen(ref, 19);
    int64_t v = 0;
    if (n == 0 || n > 18 || ref[n] != '\0')
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (ref[i] < '0' || ref[i] > '9')
            return 0;
        v = v * 10 + (ref[i] - '0');
    }
    return v;
}

static enum cvom_status sq_account_find(struct cvom_store *st, const char *ref,
                                        struct cvom_account *out, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_account a;
    if (!ref || !*ref)
        return cvom_error_set(err, CVOM_EINVAL, "no account given");
    if (strnlen(ref, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no account '%.40s…'", ref);

    int64_t id = ref_number(ref);
    enum cvom_status status = CVOM_ENOTFOUND;
    if (id > 0)
        status = account_one(s, S_ACCOUNT_GET, id, NULL, &a, err);
    if (status == CVOM_ENOTFOUND)
        status = account_one(s, S_ACCOUNT_BY_EXTERNAL, 0, ref, &a, err);
    if (status == CVOM_OK) {
        *out = a;
        return CVOM_OK;
    }
    if (status != CVOM_ENOTFOUND)
        return status;

    status = q_open(s, S_ACCOUNT_BY_NAME, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_text(&q, 1, ref, CVOM_FIELD_MAX);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW) {
        read_account(q.stmt, &a);
        rc = q_step(&q);
        if (rc == SQLITE_DONE)
            *out = a;
        else if (rc == SQLITE_ROW)
            status = cvom_error_set(err, CVOM_EINVAL,
                                    "ambiguous account '%s': several accounts have that name; "
                                    "use the id or the external id",
                                    ref);
        else
            status = db_fail(s, rc, "finding an account", err);
    } else if (rc == SQLITE_DONE) {
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no account '%s'", ref);
    } else {
        status = db_fail(s, rc, "finding an account", err);
    }
    q_close(&q);
    return status;
}

static enum cvom_status sq_account_list(struct cvom_store *st,
                                        const struct cvom_account_filter *f, cvom_account_cb cb,
                                        void *ctx, struct cvom_error *err)
{
    static const struct cvom_account_filter any;
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_account a;
    char tag[CVOM_FIELD_MAX];
    if (!f)
        f = &any;
    size_t tag_len = strnlen(f->tag, sizeof f->tag - 1);
    memcpy(tag, f->tag, tag_len);
    tag[tag_len] = '\0';
    if (strchr(tag, ','))
        return cvom_error_set(err, CVOM_EINVAL, "tag filter '%s' is more than one tag", tag);
    normalise_tags(tag, sizeof tag, tag);

    enum cvom_status status = q_open(s, S_ACCOUNT_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_text(&q, 1, f->owner, sizeof f->owner);
    bind_text(&q, 2, tag, sizeof tag);
    bind_text(&q, 3, f->industry, sizeof f->industry);
    bind_text(&q, 4, f->region, sizeof f->region);
    int rc;
    while ((rc = q_step(&q)) == SQLITE_ROW) {
        read_account(q.stmt, &a);
        if (cb(ctx, &a)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        status = db_fail(s, rc, "listing accounts", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_account_count(struct cvom_store *st, int64_t *n,
                                         struct cvom_error *err)
{
    return query_int(sq(st), S_ACCOUNT_COUNT, 0, 0, n, err);
}

/* ---------------------------------------------------------------------------------------
 * Stakeholders
 * ------------------------------------------------------------------------------------- */

static enum cvom_status read_stakeholder(sqlite3_stmt *stmt, struct cvom_stakeholder *sh,
                                         struct cvom_error *err)
{
    char stance[16];
    memset(sh, 0, sizeof *sh);
    sh->id = sqlite3_column_int64(stmt, 0);
    sh->account_id = sqlite3_column_int64(stmt, 1);
    col_text(stmt, 2, sh->external_id, sizeof sh->external_id);
    col_text(stmt, 3, sh->name, sizeof sh->name);
    col_text(stmt, 4, sh->role, sizeof sh->role);
    sh->influence = sqlite3_column_double(stmt, 5);
    col_text(stmt, 6, stance, sizeof stance);
    int v = cvom_stance_parse(stance);
    if (v < 0)
        return bad_column("stakeholders", "stance", stance, err);
    sh->stance = (enum cvom_stance)v;
    col_text(stmt, 7, sh->email, sizeof sh->email);
    return CVOM_OK;
}

static enum cvom_status bind_stakeholder(struct query *q, const struct cvom_stakeholder *sh,
                                         const char *what, struct cvom_error *err)
{
    if ((unsigned)sh->stance >= CVOM_STANCE_COUNT)
        return bad_enum(what, "stance", err);
    bind_int(q, 1, sh->id);
    bind_int(q, 2, sh->account_id);
    bind_opt_text(q, 3, sh->external_id, sizeof sh->external_id);
    bind_text(q, 4, sh->name, sizeof sh->name);
    bind_text(q, 5, sh->role, sizeof sh->role);
    bind_real(q, 6, sh->influence);
    q_keep(q, sqlite3_bind_text(q->stmt, 7, cvom_stance_name(sh->stance), -1, SQLITE_STATIC));
    bind_text(q, 8, sh->email, sizeof sh->email);
    return CVOM_OK;
}

static enum cvom_status sq_stakeholder_add(struct cvom_store *st, struct cvom_stakeholder *sh,
                                           struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    const struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, sh->account_id}};
    enum cvom_status status = q_open(s, S_STAKEHOLDER_ADD, &q, err);
    if (status != CVOM_OK)
        return status;
    /* ?1 (the id) is not used by the insert. */
    status = bind_stakeholder(&q, sh, "adding a stakeholder", err);
    if (status == CVOM_OK)
        status = q_exec(&q, "adding a stakeholder", refs, 1, err);
    if (status == CVOM_OK)
        sh->id = sqlite3_last_insert_rowid(s->db);
    q_close(&q);
    return status;
}

static enum cvom_status sq_stakeholder_update(struct cvom_store *st,
                                              const struct cvom_stakeholder *sh,
                                              struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_STAKEHOLDER_UPDATE, &q, err);
    if (status != CVOM_OK)
        return status;
    status = bind_stakeholder(&q, sh, "updating a stakeholder", err);
    if (status == CVOM_OK)
        status = q_exec(&q, "updating a stakeholder", NULL, 0, err);
    if (status == CVOM_OK && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND,
                                "no stakeholder with id %" PRId64 " at account %" PRId64,
                                sh->id, sh->account_id);
    q_close(&q);
    return status;
}

static enum cvom_status sq_stakeholder_remove(struct cvom_store *st, int64_t id,
                                              struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_STAKEHOLDER_REMOVE, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, id);
    status = q_exec(&q, "removing a stakeholder", NULL, 0, err);
    if (status == CVOM_OK && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no stakeholder with id %" PRId64, id);
    q_close(&q);
    return status;
}

/* Up to two stakeholders of account matching key (an id when text is NULL). *found is the
 * number of rows seen (0, 1 or 2); out receives the first. */
static enum cvom_status stakeholder_match(struct sq_store *s, enum stmt id, int64_t account,
                                          int64_t num, const char *text,
                                          struct cvom_stakeholder *out, int *found,
                                          struct cvom_error *err)
{
    struct query q;
    struct cvom_stakeholder sh;
    enum cvom_status status = q_open(s, id, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, account);
    if (text)
        bind_text(&q, 2, text, CVOM_FIELD_MAX);
    else
        bind_int(&q, 2, num);
    int rc = SQLITE_DONE;
    *found = 0;
    while (*found < 2 && (rc = q_step(&q)) == SQLITE_ROW) {
        if (*found == 0) {
            status = read_stakeholder(q.stmt, &sh, err);
            if (status != CVOM_OK)
                break;
            *out = sh;
        }
        ++*found;
    }
    if (status == CVOM_OK && *found < 2 && rc != SQLITE_DONE)
        status = db_fail(s, rc, "finding a stakeholder", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_stakeholder_find(struct cvom_store *st, int64_t account_id,
                                            const char *ref, struct cvom_stakeholder *out,
                                            struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct cvom_stakeholder sh;
    int found = 0;
    if (!ref || !*ref)
        return cvom_error_set(err, CVOM_EINVAL, "no stakeholder given");
    if (strnlen(ref, CVOM_FIELD_MAX) >= CVOM_FIELD_MAX)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no stakeholder '%.40s…'", ref);

    int64_t id = ref_number(ref);
    enum cvom_status status = CVOM_OK;
    if (id > 0)
        status = stakeholder_match(s, S_STAKEHOLDER_GET, account_id, id, NULL, &sh, &found,
                                   err);
    if (status == CVOM_OK && found == 0)
        status = stakeholder_match(s, S_STAKEHOLDER_BY_EXTERNAL, account_id, 0, ref, &sh,
                                   &found, err);
    if (status == CVOM_OK && found == 0)
        status = stakeholder_match(s, S_STAKEHOLDER_BY_NAME, account_id, 0, ref, &sh, &found,
                                   err);
    if (status != CVOM_OK)
        return status;
    if (found == 0)
        return cvom_error_set(err, CVOM_ENOTFOUND,
                              "no stakeholder '%s' at account %" PRId64, ref, account_id);
    if (found > 1)
        return cvom_error_set(err, CVOM_EINVAL,
                              "ambiguous stakeholder '%s': several stakeholders of account "
                              "%" PRId64 " have that name; use the id or the external id",
                              ref, account_id);
    *out = sh;
    return CVOM_OK;
}

static enum cvom_status sq_stakeholder_list(struct cvom_store *st, int64_t account_id,
                                            cvom_stakeholder_cb cb, void *ctx,
                                            struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_stakeholder sh;
    enum cvom_status status = q_open(s, S_STAKEHOLDER_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, account_id);
    int rc;
    while ((rc = q_step(&q)) == SQLITE_ROW) {
        status = read_stakeholder(q.stmt, &sh, err);
        if (status != CVOM_OK || cb(ctx, &sh)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        status = db_fail(s, rc, "listing stakeholders", err);
    q_close(&q);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Instruments
 * ------------------------------------------------------------------------------------- */

static enum cvom_status put_item(struct sq_store *s, int64_t instrument, int position,
                                 const struct cvom_item *it, struct cvom_error *err)
{
    struct query q;
    char what[64];
    snprintf(what, sizeof what, "instrument item %.32s", it->code);
    if ((unsigned)it->axis >= CVOM_AXIS_COUNT)
        return bad_enum(what, "axis", err);
    enum cvom_status status = q_open(s, S_ITEM_ADD, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, instrument);
    bind_int(&q, 2, position);
    bind_text(&q, 3, it->code, sizeof it->code);
    q_keep(&q, sqlite3_bind_text(q.stmt, 4, cvom_axis_name(it->axis), -1, SQLITE_STATIC));
    bind_int(&q, 5, it->reverse ? 1 : 0);
    bind_real(&q, 6, it->weight);
    bind_int(&q, 7, it->scale_min);
    bind_int(&q, 8, it->scale_max);
    bind_text(&q, 9, it->statement, sizeof it->statement);
    bind_text(&q, 10, it->construct, sizeof it->construct);
    status = q_exec(&q, what, NULL, 0, err);
    q_close(&q);
    return status;
}

static enum cvom_status put_instrument(struct sq_store *s, const struct cvom_instrument *ins,
                                       int64_t *id, struct cvom_error *err)
{
    struct query q;
    enum cvom_status status = q_open(s, S_INSTRUMENT_ADD, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_text(&q, 1, ins->name, sizeof ins->name);
    bind_int(&q, 2, ins->version);
    bind_int(&q, 3, ins->min_items);
    status = q_exec(&q, "adding an instrument", NULL, 0, err);
    q_close(&q);
    if (status == CVOM_EEXIST)
        return cvom_error_set(err, CVOM_EEXIST, "instrument '%s' version %d already exists",
                              ins->name, ins->version);
    if (status != CVOM_OK)
        return status;
    int64_t new_id = sqlite3_last_insert_rowid(s->db);
    for (size_t i = 0; i < ins->n_items && status == CVOM_OK; i++)
        status = put_item(s, new_id, (int)i, &ins->items[i], err);
    if (status == CVOM_OK)
        *id = new_id;
    return status;
}

static enum cvom_status sq_instrument_put(struct cvom_store *st,
                                          const struct cvom_instrument *ins, int64_t *id,
                                          struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    int64_t new_id = 0;
    if (!ins || ins->n_items > CVOM_ITEMS_MAX || (ins->n_items && !ins->items))
        return cvom_error_set(err, CVOM_EINVAL, "adding an instrument: no valid instrument");
    enum cvom_status status = run(s, S_SAVEPOINT, "adding an instrument", err);
    if (status != CVOM_OK)
        return status;
    status = put_instrument(s, ins, &new_id, err);
    if (status != CVOM_OK)
        return savepoint_end(s, status);
    status = run(s, S_RELEASE, "adding an instrument", err);
    if (status != CVOM_OK)
        return savepoint_end(s, status);
    if (id)
        *id = new_id;
    return CVOM_OK;
}

static enum cvom_status read_item(sqlite3_stmt *stmt, struct cvom_item *it,
                                  struct cvom_error *err)
{
    char axis[32];
    memset(it, 0, sizeof *it);
    col_text(stmt, 0, it->code, sizeof it->code);
    col_text(stmt, 1, axis, sizeof axis);
    int v = cvom_axis_parse(axis);
    if (v < 0)
        return bad_column("items", "axis", axis, err);
    it->axis = (enum cvom_axis)v;
    it->reverse = sqlite3_column_int(stmt, 2);
    it->weight = sqlite3_column_double(stmt, 3);
    it->scale_min = sqlite3_column_int(stmt, 4);
    it->scale_max = sqlite3_column_int(stmt, 5);
    col_text(stmt, 6, it->statement, sizeof it->statement);
    col_text(stmt, 7, it->construct, sizeof it->construct);
    return CVOM_OK;
}

/* Load instrument id into ins (already initialised and empty). */
static enum cvom_status load_instrument(struct sq_store *s, int64_t id,
                                        struct cvom_instrument *ins, struct cvom_error *err)
{
    struct query q;
    struct cvom_item it;
    enum cvom_status status = q_open(s, S_INSTRUMENT_GET, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, id);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW) {
        col_text(q.stmt, 0, ins->name, sizeof ins->name);
        ins->version = sqlite3_column_int(q.stmt, 1);
        ins->min_items = sqlite3_column_int(q.stmt, 2);
    } else if (rc == SQLITE_DONE) {
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no instrument with id %" PRId64, id);
    } else {
        status = db_fail(s, rc, "reading an instrument", err);
    }
    q_close(&q);
    if (status != CVOM_OK)
        return status;

    status = q_open(s, S_ITEM_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, id);
    while ((rc = q_step(&q)) == SQLITE_ROW) {
        status = read_item(q.stmt, &it, err);
        if (status == CVOM_OK)
            status = cvom_instrument_add(ins, &it, err);
        if (status != CVOM_OK)
            break;
    }
    if (status == CVOM_OK && rc != SQLITE_DONE)
        status = db_fail(s, rc, "reading instrument items", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_instrument_get(struct cvom_store *st, int64_t id,
                                          struct cvom_instrument *out, struct cvom_error *err)
{
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    enum cvom_status status = load_instrument(sq(st), id, &ins, err);
    if (status != CVOM_OK) {
        cvom_instrument_cleanup(&ins);
        return status;
    }
    /* The caller's instrument is replaced only now, so that a failure leaves it as it was. */
    cvom_instrument_cleanup(out);
    *out = ins;
    return CVOM_OK;
}

static enum cvom_status sq_instrument_latest(struct cvom_store *st, const char *name,
                                             int64_t *id, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    if (!name)
        return cvom_error_set(err, CVOM_EINVAL, "no instrument name given");
    enum cvom_status status = q_open(s, S_INSTRUMENT_LATEST, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_text(&q, 1, name, CVOM_NAME_MAX);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(q.stmt, 0);
    else if (rc == SQLITE_DONE)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no instrument '%s'", name);
    else
        status = db_fail(s, rc, "finding an instrument", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_instrument_find(struct cvom_store *st, const char *name, int version,
                                           int64_t *id, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    if (!name)
        return cvom_error_set(err, CVOM_EINVAL, "no instrument name given");
    enum cvom_status status = q_open(s, S_INSTRUMENT_FIND, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_text(&q, 1, name, CVOM_NAME_MAX);
    bind_int(&q, 2, version);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(q.stmt, 0);
    else if (rc == SQLITE_DONE)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no instrument '%s' version %d", name,
                                version);
    else
        status = db_fail(s, rc, "finding an instrument", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_instrument_list(struct cvom_store *st, cvom_instrument_cb cb,
                                           void *ctx, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    char name[CVOM_NAME_MAX];
    enum cvom_status status = q_open(s, S_INSTRUMENT_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    int rc;
    while ((rc = q_step(&q)) == SQLITE_ROW) {
        col_text(q.stmt, 1, name, sizeof name);
        if (cb(ctx, sqlite3_column_int64(q.stmt, 0), name, sqlite3_column_int(q.stmt, 2),
               (size_t)sqlite3_column_int64(q.stmt, 3))) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        status = db_fail(s, rc, "listing instruments", err);
    q_close(&q);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Assessments and responses
 * ------------------------------------------------------------------------------------- */

static enum cvom_status read_assessment(sqlite3_stmt *stmt, struct cvom_assessment *a,
                                        struct cvom_error *err)
{
    char text[32];
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(stmt, 0);
    a->account_id = sqlite3_column_int64(stmt, 1);
    a->instrument_id = sqlite3_column_int64(stmt, 2);
    col_text(stmt, 3, text, sizeof text);
    int v = cvom_respondent_kind_parse(text);
    if (v < 0)
        return bad_column("assessments", "kind", text, err);
    a->kind = (enum cvom_respondent_kind)v;
    a->stakeholder_id = sqlite3_column_int64(stmt, 4);
    col_text(stmt, 5, a->respondent, sizeof a->respondent);
    a->date = (int32_t)sqlite3_column_int64(stmt, 6);
    col_text(stmt, 7, text, sizeof text);
    v = parse_status(text);
    if (v < 0)
        return bad_column("assessments", "status", text, err);
    a->status = (enum cvom_assessment_status)v;
    return CVOM_OK;
}

static enum cvom_status bind_assessment(struct query *q, const struct cvom_assessment *a,
                                        const char *what, struct cvom_error *err)
{
    if ((unsigned)a->kind >= CVOM_RESP_COUNT)
        return bad_enum(what, "kind", err);
    if ((unsigned)a->status >= CVOM_ASSESS_STATUS_COUNT)
        return bad_enum(what, "status", err);
    bind_int(q, 1, a->id);
    bind_int(q, 2, a->account_id);
    bind_int(q, 3, a->instrument_id);
    q_keep(q, sqlite3_bind_text(q->stmt, 4, cvom_respondent_kind_name(a->kind), -1,
                                SQLITE_STATIC));
    bind_ref(q, 5, a->stakeholder_id);
    bind_text(q, 6, a->respondent, sizeof a->respondent);
    bind_int(q, 7, a->date);
    q_keep(q, sqlite3_bind_text(q->stmt, 8, status_names[a->status], -1, SQLITE_STATIC));
    return CVOM_OK;
}

static enum cvom_status write_assessment(struct sq_store *s, enum stmt id,
                                         const struct cvom_assessment *a, const char *what,
                                         struct cvom_error *err)
{
    struct query q;
    const struct fk_ref refs[] = {
        {"account_id", S_ACCOUNT_EXISTS, a->account_id},
        {"instrument_id", S_INSTRUMENT_EXISTS, a->instrument_id},
        {"stakeholder_id", S_STAKEHOLDER_EXISTS, a->stakeholder_id},
    };
    enum cvom_status status = q_open(s, id, &q, err);
    if (status != CVOM_OK)
        return status;
    status = bind_assessment(&q, a, what, err);
    if (status == CVOM_OK)
        status = q_exec(&q, what, refs, sizeof refs / sizeof refs[0], err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_assessment_add(struct cvom_store *st, struct cvom_assessment *a,
                                          struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status = write_assessment(s, S_ASSESSMENT_ADD, a, "adding an assessment",
                                               err);
    if (status == CVOM_OK)
        a->id = sqlite3_last_insert_rowid(s->db);
    return status;
}

static enum cvom_status sq_assessment_update(struct cvom_store *st,
                                             const struct cvom_assessment *a,
                                             struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status = write_assessment(s, S_ASSESSMENT_UPDATE, a,
                                               "updating an assessment", err);
    if (status == CVOM_OK && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no assessment with id %" PRId64, a->id);
    return status;
}

static enum cvom_status sq_assessment_list(struct cvom_store *st, int64_t account_id,
                                           cvom_assessment_cb cb, void *ctx,
                                           struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_assessment a;
    enum cvom_status status = q_open(s, S_ASSESSMENT_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, account_id);
    int rc;
    while ((rc = q_step(&q)) == SQLITE_ROW) {
        status = read_assessment(q.stmt, &a, err);
        if (status != CVOM_OK || cb(ctx, &a)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        status = db_fail(s, rc, "listing assessments", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_response_put(struct cvom_store *st, const struct cvom_response *r,
                                        struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    const struct fk_ref refs[] = {{"assessment_id", S_ASSESSMENT_EXISTS, r->assessment_id}};
    if (!isfinite(r->value)) {
        cvom_error_set(err, CVOM_EINVAL, "saving an answer: value must be a finite number");
        set_field(err, "value");
        return CVOM_EINVAL;
    }
    enum cvom_status status = q_open(s, S_RESPONSE_PUT, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, r->assessment_id);
    bind_text(&q, 2, r->item_code, sizeof r->item_code);
    bind_real(&q, 3, r->value);
    status = q_exec(&q, "saving an answer", refs, 1, err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_response_list(struct cvom_store *st, int64_t assessment_id,
                                         cvom_response_cb cb, void *ctx, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_response r;
    enum cvom_status status = q_open(s, S_RESPONSE_LIST, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, assessment_id);
    int rc;
    while ((rc = q_step(&q)) == SQLITE_ROW) {
        memset(&r, 0, sizeof r);
        r.assessment_id = assessment_id;
        col_text(q.stmt, 0, r.item_code, sizeof r.item_code);
        r.value = sqlite3_column_double(q.stmt, 1);
        if (cb(ctx, &r)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        status = db_fail(s, rc, "listing answers", err);
    q_close(&q);
    return status;
}

/* ---------------------------------------------------------------------------------------
 * Snapshots
 * ------------------------------------------------------------------------------------- */

/* Columns 2.. of SNAPSHOT_COLUMNS hold these fields, per dimension in this order. */
static enum cvom_status read_snapshot(sqlite3_stmt *stmt, struct cvom_snapshot *sn,
                                      struct cvom_error *err)
{
    char text[32];
    memset(sn, 0, sizeof *sn);
    sn->account_id = sqlite3_column_int64(stmt, 0);
    sn->date = (int32_t)sqlite3_column_int64(stmt, 1);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        int c = 2 + 6 * d;
        sn->score.value[d] = col_real(stmt, c);
        sn->score.se[d] = col_real(stmt, c + 1);
        sn->score.lo[d] = col_real(stmt, c + 2);
        sn->score.hi[d] = col_real(stmt, c + 3);
        sn->score.respondents[d] = sqlite3_column_int(stmt, c + 4);
        sn->score.self_value[d] = col_real(stmt, c + 5);
    }
    col_text(stmt, 14, text, sizeof text);
    int v = cvom_quadrant_parse(text);
    if (v < 0)
        return bad_column("snapshots", "quadrant", text, err);
    sn->score.quadrant = (enum cvom_quadrant)v;
    col_text(stmt, 15, text, sizeof text);
    v = parse_state(text);
    if (v < 0)
        return bad_column("snapshots", "state", text, err);
    sn->score.state = (enum cvom_state)v;
    return CVOM_OK;
}

static enum cvom_status sq_snapshot_put(struct cvom_store *st, const struct cvom_snapshot *sn,
                                        struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    const struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, sn->account_id}};
    const struct cvom_score *sc = &sn->score;
    if ((unsigned)sc->quadrant >= CVOM_Q_COUNT)
        return bad_enum("saving a snapshot", "quadrant", err);
    if ((unsigned)sc->state >= CVOM_STATE_COUNT)
        return bad_enum("saving a snapshot", "state", err);
    enum cvom_status status = q_open(s, S_SNAPSHOT_PUT, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, sn->account_id);
    bind_int(&q, 2, sn->date);
    for (int d = 0; d < CVOM_DIM_COUNT; d++) {
        int c = 3 + 6 * d;
        bind_real(&q, c, sc->value[d]);
        bind_real(&q, c + 1, sc->se[d]);
        bind_real(&q, c + 2, sc->lo[d]);
        bind_real(&q, c + 3, sc->hi[d]);
        bind_int(&q, c + 4, sc->respondents[d]);
        bind_real(&q, c + 5, sc->self_value[d]);
    }
    q_keep(&q, sqlite3_bind_text(q.stmt, 15, cvom_quadrant_name(sc->quadrant), -1,
                                 SQLITE_STATIC));
    q_keep(&q, sqlite3_bind_text(q.stmt, 16, cvom_state_name(sc->state), -1, SQLITE_STATIC));
    status = q_exec(&q, "saving a snapshot", refs, 1, err);
    q_close(&q);
    return status;
}

static enum cvom_status snapshot_each(struct sq_store *s, enum stmt id, int64_t param,
                                      cvom_snapshot_cb cb, void *ctx, struct cvom_error *err)
{
    struct query q;
    struct cvom_snapshot sn;
    enum cvom_status status = q_open(s, id, &q, err);
    if (status != CVOM_OK)
        return status;
    bind_int(&q, 1, param);
    int rc;
    while ((rc = q_step(&q)) == SQLITE_ROW) {
        status = read_snapshot(q.stmt, &sn, err);
        if (status != CVOM_OK || cb(ctx, &sn)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (rc != SQLITE_DONE)
        status = db_fail(s, rc, "listing snapshots", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_snapshot_list_latest(struct cvom_store *st, int32_t as_of,
                                                cvom_snapshot_cb cb, void *ctx,
                                                struct cvom_error *err)
{
    return snapshot_each(sq(st), S_SNAPSHOT_LATEST, as_of, cb, ctx, err);
}

static enum cvom_status sq_snapshot_history(struct cvom_store *st, int64_t account_id,
                                            cvom_snapshot_cb cb, void *ctx,
                                            struct cvom_error *err)
{
    return snapshot_each(sq(st), S_SNAPSHOT_HISTORY, account_id, cb, ctx, err);
}

/* ---------------------------------------------------------------------------------------
 * Counts
 * ------------------------------------------------------------------------------------- */

static enum cvom_status sq_table_counts(struct cvom_store *st, char names[][32],
                                        int64_t *counts, size_t cap, size_t *n,
                                        struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    size_t total = sizeof counted_tables / sizeof counted_tables[0];
    size_t filled = 0;
    for (; filled < total && filled < cap; filled++) {
        int64_t c = 0;
        enum cvom_status status = query_int(s, counted_tables[filled].count, 0, 0, &c, err);
        if (status != CVOM_OK)
            return status;
        size_t len = strlen(counted_tables[filled].name);
        memcpy(names[filled], counted_tables[filled].name, len + 1);
        counts[filled] = c;
    }
    *n = filled;
    return CVOM_OK;
}

/* ---------------------------------------------------------------------------------------
 * Users, sessions, tokens, audit log, failed sign-ins and survey links
 * ------------------------------------------------------------------------------------- */

static enum cvom_status read_user(sqlite3_stmt *stmt, struct cvom_user *u, struct cvom_error *err)
{
    char role[16];
    memset(u, 0, sizeof *u);
    u->id = sqlite3_column_int64(stmt, 0);
    col_text(stmt, 1, u->name, sizeof u->name);
    col_text(stmt, 2, u->display, sizeof u->display);
    col_text(stmt, 3, role, sizeof role);
    col_text(stmt, 4, u->password, sizeof u->password);
    u->disabled = sqlite3_column_int(stmt, 5) != 0;
    u->created = sqlite3_column_int64(stmt, 6);
    int r = cvom_role_parse(role);
    if (r < 0)
        return bad_column("users", "role", role, err);
    u->role = (enum cvom_role)r;
    return CVOM_OK;
}

static enum cvom_status write_user(struct sq_store *s, enum stmt id, const struct cvom_user *u,
                                   const char *what, struct cvom_error *err)
{
    if ((unsigned)u->role >= CVOM_ROLE_COUNT)
        return bad_enum(what, "role", err);
    struct query q;
    enum cvom_status st = q_open(s, id, &q, err);
    if (st)
        return st;
    bind_int(&q, 1, u->id);
    bind_text(&q, 2, u->name, sizeof u->name);
    bind_text(&q, 3, u->display, sizeof u->display);
    q_keep(&q, sqlite3_bind_text(q.stmt, 4, cvom_role_name(u->role), -1, SQLITE_STATIC));
    bind_text(&q, 5, u->password, sizeof u->password);
    bind_int(&q, 6, u->disabled != 0);
    if (id == S_USER_ADD) /* the moment of creation never changes */
        bind_int(&q, 7, u->created);
    st = q_exec(&q, what, NULL, 0, err);
    q_close(&q);
    return st;
}

static enum cvom_status sq_user_add(struct cvom_store *st, struct cvom_user *u,
                                    struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status = write_user(s, S_USER_ADD, u, "adding a user", err);
    if (!status)
        u->id = sqlite3_last_insert_rowid(s->db);
    return status;
}

static enum cvom_status sq_user_update(struct cvom_store *st, const struct cvom_user *u,
                                       struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status = write_user(s, S_USER_UPDATE, u, "changing a user", err);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no user %" PRId64, u->id);
    return status;
}

/* One row of a query with one parameter (an id or a text key) into a record. */
static enum cvom_status one_row(struct sq_store *s, enum stmt id, int64_t num, const char *text,
                                size_t text_cap, const char *missing,
                                enum cvom_status (*read)(sqlite3_stmt *, void *,
                                                         struct cvom_error *),
                                void *out, struct cvom_error *err)
{
    struct query q;
    enum cvom_status st = q_open(s, id, &q, err);
    if (st)
        return st;
    if (text)
        bind_text(&q, 1, text, text_cap);
    else
        bind_int(&q, 1, num);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW)
        st = read(q.stmt, out, err);
    else if (rc == SQLITE_DONE)
        st = cvom_error_set(err, CVOM_ENOTFOUND, "%s", missing);
    else
        st = db_fail(s, rc, "reading the database", err);
    q_close(&q);
    return st;
}

static enum cvom_status read_user_v(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    return read_user(stmt, out, err);
}

static enum cvom_status sq_user_get(struct cvom_store *st, int64_t id, struct cvom_user *out,
                                    struct cvom_error *err)
{
    struct cvom_user u;
    enum cvom_status status = one_row(sq(st), S_USER_GET, id, NULL, 0, "no such user",
                                      read_user_v, &u, err);
    if (!status)
        *out = u;
    return status;
}

static enum cvom_status sq_user_find(struct cvom_store *st, const char *name,
                                     struct cvom_user *out, struct cvom_error *err)
{
    struct cvom_user u;
    enum cvom_status status = one_row(sq(st), S_USER_FIND, 0, name, CVOM_FIELD_MAX,
                                      "no such user", read_user_v, &u, err);
    if (!status)
        *out = u;
    return status;
}

/* Call cb for every row of a query; read converts a row into rec. */
static enum cvom_status each_row(struct sq_store *s, struct query *q, void *rec,
                                 enum cvom_status (*read)(sqlite3_stmt *, void *,
                                                          struct cvom_error *),
                                 int (*cb)(void *, const void *), void *ctx,
                                 struct cvom_error *err)
{
    enum cvom_status st = CVOM_OK;
    int rc;
    while ((rc = q_step(q)) == SQLITE_ROW) {
        if ((st = read(q->stmt, rec, err)) != CVOM_OK || cb(ctx, rec))
            break;
    }
    if (!st && rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = db_fail(s, rc, "reading the database", err);
    q_close(q);
    return st;
}

struct user_walk {
    cvom_user_cb cb;
    void *ctx;
};

static int user_walk_cb(void *ctx, const void *rec)
{
    struct user_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_user_list(struct cvom_store *st, cvom_user_cb cb, void *ctx,
                                     struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_user u;
    struct user_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_USER_LIST, &q, err);
    return status ? status : each_row(s, &q, &u, read_user_v, user_walk_cb, &w, err);
}

static enum cvom_status sq_user_count(struct cvom_store *st, int64_t *n, struct cvom_error *err)
{
    return query_int(sq(st), S_USER_COUNT, 0, 0, n, err);
}

static enum cvom_status read_session(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_session *x = out;
    (void)err;
    memset(x, 0, sizeof *x);
    col_text(stmt, 0, x->id, sizeof x->id);
    x->user_id = sqlite3_column_int64(stmt, 1);
    col_text(stmt, 2, x->csrf, sizeof x->csrf);
    x->created = sqlite3_column_int64(stmt, 3);
    x->seen = sqlite3_column_int64(stmt, 4);
    return CVOM_OK;
}

static enum cvom_status sq_session_put(struct cvom_store *st, const struct cvom_session *x,
                                       struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_SESSION_PUT, &q, err);
    if (status)
        return status;
    bind_text(&q, 1, x->id, sizeof x->id);
    bind_int(&q, 2, x->user_id);
    bind_text(&q, 3, x->csrf, sizeof x->csrf);
    bind_int(&q, 4, x->created);
    bind_int(&q, 5, x->seen);
    struct fk_ref refs[] = {{"user_id", S_USER_EXISTS, x->user_id}};
    status = q_exec(&q, "starting a session", refs, 1, err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_session_get(struct cvom_store *st, const char *id,
                                       struct cvom_session *out, struct cvom_error *err)
{
    struct cvom_session x;
    enum cvom_status status = one_row(sq(st), S_SESSION_GET, 0, id, CVOM_DIGEST_HEX,
                                      "no such session", read_session, &x, err);
    if (!status)
        *out = x;
    return status;
}

/* A statement without rows whose parameters are an optional text key (when text is not
 * NULL) followed by nints (0 to 2) integers a, b. */
static enum cvom_status exec_keyed(struct sq_store *s, enum stmt id, const char *text,
                                   size_t cap, int nints, int64_t a, int64_t b,
                                   const char *what, struct cvom_error *err)
{
    struct query q;
    enum cvom_status status = q_open(s, id, &q, err);
    if (status)
        return status;
    int i = 1;
    if (text)
        bind_text(&q, i++, text, cap);
    if (nints > 0)
        bind_int(&q, i++, a);
    if (nints > 1)
        bind_int(&q, i, b);
    status = q_exec(&q, what, NULL, 0, err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_session_touch(struct cvom_store *st, const char *id, int64_t seen,
                                         struct cvom_error *err)
{
    return exec_keyed(sq(st), S_SESSION_TOUCH, id, CVOM_DIGEST_HEX, 1, seen, 0, "keeping a session",
                 err);
}

static enum cvom_status sq_session_remove(struct cvom_store *st, const char *id,
                                          struct cvom_error *err)
{
    return exec_keyed(sq(st), S_SESSION_REMOVE, id, CVOM_DIGEST_HEX, 0, 0, 0, "ending a session",
                 err);
}

static enum cvom_status sq_session_remove_user(struct cvom_store *st, int64_t user_id,
                                               struct cvom_error *err)
{
    return exec_keyed(sq(st), S_SESSION_REMOVE_USER, NULL, 0, 1, user_id, 0,
                 "ending a user's sessions", err);
}

static enum cvom_status sq_session_purge(struct cvom_store *st, int64_t created_before,
                                         int64_t seen_before, struct cvom_error *err)
{
    return exec_keyed(sq(st), S_SESSION_PURGE, NULL, 0, 2, created_before, seen_before,
                 "removing expired sessions", err);
}

static enum cvom_status read_token(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_token *t = out;
    (void)err;
    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(stmt, 0);
    t->user_id = sqlite3_column_int64(stmt, 1);
    col_text(stmt, 2, t->name, sizeof t->name);
    col_text(stmt, 3, t->hash, sizeof t->hash);
    t->created = sqlite3_column_int64(stmt, 4);
    t->used = sqlite3_column_int64(stmt, 5);
    return CVOM_OK;
}

static enum cvom_status sq_token_add(struct cvom_store *st, struct cvom_token *t,
                                     struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_TOKEN_ADD, &q, err);
    if (status)
        return status;
    bind_int(&q, 2, t->user_id);
    bind_text(&q, 3, t->name, sizeof t->name);
    bind_text(&q, 4, t->hash, sizeof t->hash);
    bind_int(&q, 5, t->created);
    bind_int(&q, 6, t->used);
    struct fk_ref refs[] = {{"user_id", S_USER_EXISTS, t->user_id}};
    status = q_exec(&q, "adding a token", refs, 1, err);
    q_close(&q);
    if (!status)
        t->id = sqlite3_last_insert_rowid(s->db);
    return status;
}

static enum cvom_status sq_token_find(struct cvom_store *st, const char *hash,
                                      struct cvom_token *out, struct cvom_error *err)
{
    struct cvom_token t;
    enum cvom_status status = one_row(sq(st), S_TOKEN_FIND, 0, hash, CVOM_DIGEST_HEX,
                                      "no such token", read_token, &t, err);
    if (!status)
        *out = t;
    return status;
}

static enum cvom_status sq_token_touch(struct cvom_store *st, int64_t id, int64_t used,
                                       struct cvom_error *err)
{
    return exec_keyed(sq(st), S_TOKEN_TOUCH, NULL, 0, 2, id, used, "recording a token's use",
                      err);
}

struct token_walk {
    cvom_token_cb cb;
    void *ctx;
};

static int token_walk_cb(void *ctx, const void *rec)
{
    struct token_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_token_list(struct cvom_store *st, cvom_token_cb cb, void *ctx,
                                      struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_token t;
    struct token_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_TOKEN_LIST, &q, err);
    return status ? status : each_row(s, &q, &t, read_token, token_walk_cb, &w, err);
}

static enum cvom_status sq_token_remove(struct cvom_store *st, int64_t id,
                                        struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status = exec_keyed(s, S_TOKEN_REMOVE, NULL, 0, 1, id, 0, "removing a token",
                                    err);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no token %" PRId64, id);
    return status;
}

static enum cvom_status read_audit(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_audit *a = out;
    (void)err;
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(stmt, 0);
    a->at = sqlite3_column_int64(stmt, 1);
    col_text(stmt, 2, a->actor, sizeof a->actor);
    col_text(stmt, 3, a->action, sizeof a->action);
    col_text(stmt, 4, a->target, sizeof a->target);
    col_text(stmt, 5, a->detail, sizeof a->detail);
    col_text(stmt, 6, a->address, sizeof a->address);
    return CVOM_OK;
}

static enum cvom_status sq_audit_add(struct cvom_store *st, struct cvom_audit *a,
                                     struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_AUDIT_ADD, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, a->at);
    bind_text(&q, 2, a->actor, sizeof a->actor);
    bind_text(&q, 3, a->action, sizeof a->action);
    bind_text(&q, 4, a->target, sizeof a->target);
    bind_text(&q, 5, a->detail, sizeof a->detail);
    bind_text(&q, 6, a->address, sizeof a->address);
    status = q_exec(&q, "writing the audit log", NULL, 0, err);
    q_close(&q);
    if (!status)
        a->id = sqlite3_last_insert_rowid(s->db);
    return status;
}

struct audit_walk {
    cvom_audit_cb cb;
    void *ctx;
};

static int audit_walk_cb(void *ctx, const void *rec)
{
    struct audit_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_audit_list(struct cvom_store *st, int64_t limit, int64_t offset,
                                      cvom_audit_cb cb, void *ctx, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_audit a;
    struct audit_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_AUDIT_LIST, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, limit);
    bind_int(&q, 2, offset);
    return each_row(s, &q, &a, read_audit, audit_walk_cb, &w, err);
}

static enum cvom_status sq_failure_add(struct cvom_store *st, const char *key, int64_t at,
                                       struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    /* Old failures matter to no limit: drop those a day old as new ones come. */
    enum cvom_status status = exec_keyed(s, S_FAILURE_PURGE, NULL, 0, 1, at - 86400, 0,
                                    "recording a failed sign-in", err);
    if (!status)
        status = exec_keyed(s, S_FAILURE_ADD, key, CVOM_FIELD_MAX, 1, at, 0,
                       "recording a failed sign-in", err);
    return status;
}

static enum cvom_status sq_failure_count(struct cvom_store *st, const char *key, int64_t since,
                                         int64_t *n, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_FAILURE_COUNT, &q, err);
    if (status)
        return status;
    bind_text(&q, 1, key, CVOM_FIELD_MAX);
    bind_int(&q, 2, since);
    int rc = q_step(&q);
    if (rc == SQLITE_ROW)
        *n = sqlite3_column_int64(q.stmt, 0);
    else
        status = db_fail(s, rc, "counting failed sign-ins", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_failure_clear(struct cvom_store *st, const char *key,
                                         struct cvom_error *err)
{
    return exec_keyed(sq(st), S_FAILURE_CLEAR, key, CVOM_FIELD_MAX, 0, 0, 0,
                 "clearing failed sign-ins", err);
}

static enum cvom_status read_survey(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_survey *x = out;
    (void)err;
    memset(x, 0, sizeof *x);
    col_text(stmt, 0, x->hash, sizeof x->hash);
    x->account_id = sqlite3_column_int64(stmt, 1);
    x->stakeholder_id = sqlite3_column_int64(stmt, 2);
    x->instrument_id = sqlite3_column_int64(stmt, 3);
    x->created = sqlite3_column_int64(stmt, 4);
    x->expires = sqlite3_column_int64(stmt, 5);
    x->used = sqlite3_column_int64(stmt, 6);
    x->assessment_id = sqlite3_column_int64(stmt, 7);
    col_text(stmt, 8, x->created_by, sizeof x->created_by);
    return CVOM_OK;
}

static enum cvom_status sq_survey_add(struct cvom_store *st, const struct cvom_survey *x,
                                      struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_SURVEY_ADD, &q, err);
    if (status)
        return status;
    bind_text(&q, 1, x->hash, sizeof x->hash);
    bind_int(&q, 2, x->account_id);
    bind_int(&q, 3, x->stakeholder_id);
    bind_int(&q, 4, x->instrument_id);
    bind_int(&q, 5, x->created);
    bind_int(&q, 6, x->expires);
    bind_int(&q, 7, x->used);
    bind_ref(&q, 8, x->assessment_id);
    bind_text(&q, 9, x->created_by, sizeof x->created_by);
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, x->account_id},
                            {"stakeholder_id", S_STAKEHOLDER_EXISTS, x->stakeholder_id},
                            {"instrument_id", S_INSTRUMENT_EXISTS, x->instrument_id}};
    status = q_exec(&q, "adding a survey link", refs, 3, err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_survey_get(struct cvom_store *st, const char *hash,
                                      struct cvom_survey *out, struct cvom_error *err)
{
    struct cvom_survey x;
    enum cvom_status status = one_row(sq(st), S_SURVEY_GET, 0, hash, CVOM_DIGEST_HEX,
                                      "no such survey link", read_survey, &x, err);
    if (!status)
        *out = x;
    return status;
}

static enum cvom_status sq_survey_use(struct cvom_store *st, const char *hash, int64_t now,
                                      int64_t assessment_id, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_SURVEY_USE, &q, err);
    if (status)
        return status;
    bind_text(&q, 1, hash, CVOM_DIGEST_HEX);
    bind_int(&q, 2, now);
    bind_ref(&q, 3, assessment_id);
    status = q_exec(&q, "using a survey link", NULL, 0, err);
    q_close(&q);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "the survey link is used or expired");
    return status;
}

struct survey_walk {
    cvom_survey_cb cb;
    void *ctx;
};

static int survey_walk_cb(void *ctx, const void *rec)
{
    struct survey_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_survey_list(struct cvom_store *st, int64_t account_id,
                                       cvom_survey_cb cb, void *ctx, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_survey x;
    struct survey_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_SURVEY_LIST, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, account_id);
    return each_row(s, &q, &x, read_survey, survey_walk_cb, &w, err);
}

static enum cvom_status sq_revision(struct cvom_store *st, int64_t *n, struct cvom_error *err)
{
    return query_int(sq(st), S_REVISION, 0, 0, n, err);
}

/* ---------------------------------------------------------------------------------------
 * Action plans and the team's playbook
 * ------------------------------------------------------------------------------------- */

static const char *const action_status_names[CVOM_ACTION_STATUS_COUNT] = {
    [CVOM_ACTION_OPEN] = "open",
    [CVOM_ACTION_DONE] = "done",
};

const char *cvom_action_status_name(enum cvom_action_status s)
{
    return (unsigned)s < CVOM_ACTION_STATUS_COUNT ? action_status_names[s] : "?";
}

int cvom_action_status_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_ACTION_STATUS_COUNT; i++)
        if (strcmp(s, action_status_names[i]) == 0)
            return i;
    return -1;
}

static enum cvom_status read_action(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_action *a = out;
    char word[32];
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(stmt, 0);
    a->account_id = sqlite3_column_int64(stmt, 1);
    col_text(stmt, 2, a->title, sizeof a->title);
    col_text(stmt, 3, a->owner, sizeof a->owner);
    a->due = (int32_t)sqlite3_column_int64(stmt, 4); /* NULL reads as 0: no date */
    a->axis = -1;
    if (sqlite3_column_type(stmt, 5) != SQLITE_NULL) {
        col_text(stmt, 5, word, sizeof word);
        if (strcmp(word, cvom_dim_name(CVOM_DIM_INTELLECTUAL)) == 0)
            a->axis = CVOM_DIM_INTELLECTUAL;
        else if (strcmp(word, cvom_dim_name(CVOM_DIM_EMOTIONAL)) == 0)
            a->axis = CVOM_DIM_EMOTIONAL;
        else
            return bad_column("actions", "axis", word, err);
    }
    a->effect = sqlite3_column_double(stmt, 6);
    a->cost = col_real(stmt, 7);
    col_text(stmt, 8, a->play, sizeof a->play);
    col_text(stmt, 9, word, sizeof word);
    int status = cvom_action_status_parse(word);
    if (status < 0)
        return bad_column("actions", "status", word, err);
    a->status = (enum cvom_action_status)status;
    a->created = (int32_t)sqlite3_column_int64(stmt, 10);
    a->done = (int32_t)sqlite3_column_int64(stmt, 11);
    return CVOM_OK;
}

static enum cvom_status sq_action_add(struct cvom_store *st, struct cvom_action *a,
                                      struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    if (a->axis < -1 || a->axis >= CVOM_DIM_COUNT ||
        (unsigned)a->status >= CVOM_ACTION_STATUS_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "adding an action: axis or status out of range");
    struct query q;
    enum cvom_status status = q_open(s, S_ACTION_ADD, &q, err);
    if (status)
        return status;
    const char *axis = a->axis >= 0 ? cvom_dim_name((enum cvom_dim)a->axis) : NULL;
    const char *state = action_status_names[a->status];
    bind_int(&q, 1, a->account_id);
    bind_text(&q, 2, a->title, sizeof a->title);
    bind_text(&q, 3, a->owner, sizeof a->owner);
    bind_ref(&q, 4, a->due);
    if (axis)
        bind_text(&q, 5, axis, strlen(axis) + 1);
    else
        q_keep(&q, sqlite3_bind_null(q.stmt, 5));
    q_keep(&q, sqlite3_bind_double(q.stmt, 6, isfinite(a->effect) ? a->effect : 1e9));
    bind_real(&q, 7, a->cost);
    bind_text(&q, 8, a->play, sizeof a->play);
    bind_text(&q, 9, state, strlen(state) + 1);
    bind_int(&q, 10, a->created);
    bind_ref(&q, 11, a->done);
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, a->account_id}};
    status = q_exec(&q, "adding an action", refs, 1, err);
    q_close(&q);
    if (!status)
        a->id = sqlite3_last_insert_rowid(s->db);
    return status;
}

static enum cvom_status sq_action_get(struct cvom_store *st, int64_t id,
                                      struct cvom_action *out, struct cvom_error *err)
{
    struct cvom_action a;
    enum cvom_status status =
        one_row(sq(st), S_ACTION_GET, id, NULL, 0, "no such action", read_action, &a, err);
    if (status == CVOM_ENOTFOUND)
        cvom_error_set(err, CVOM_ENOTFOUND, "no action %" PRId64, id);
    if (!status)
        *out = a;
    return status;
}

struct action_walk {
    cvom_action_cb cb;
    void *ctx;
};

static int action_walk_cb(void *ctx, const void *rec)
{
    struct action_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_action_list(struct cvom_store *st, const struct cvom_action_filter *f,
                                       cvom_action_cb cb, void *ctx, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_action a;
    struct action_walk w = {cb, ctx};
    const char *state = f && f->status >= 0 && f->status < CVOM_ACTION_STATUS_COUNT
                            ? action_status_names[f->status]
                            : "";
    enum cvom_status status = q_open(s, S_ACTION_LIST, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, f ? f->account_id : 0);
    bind_text(&q, 2, state, strlen(state) + 1);
    bind_int(&q, 3, f && f->due_before > 0 ? f->due_before : 0);
    bind_int(&q, 4, f && f->unowned ? 1 : 0);
    return each_row(s, &q, &a, read_action, action_walk_cb, &w, err);
}

static enum cvom_status sq_action_set_status(struct cvom_store *st, int64_t id,
                                             enum cvom_action_status status_to, int32_t day,
                                             struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    if ((unsigned)status_to >= CVOM_ACTION_STATUS_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "changing an action: status out of range");
    const char *state = action_status_names[status_to];
    struct query q;
    enum cvom_status status = q_open(s, S_ACTION_STATUS, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, id);
    bind_text(&q, 2, state, strlen(state) + 1);
    bind_ref(&q, 3, status_to == CVOM_ACTION_DONE ? day : 0);
    status = q_exec(&q, "changing an action", NULL, 0, err);
    q_close(&q);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no action %" PRId64, id);
    return status;
}

static enum cvom_status sq_playbook_clear(struct cvom_store *st, struct cvom_error *err)
{
    return exec_keyed(sq(st), S_PLAYBOOK_CLEAR, NULL, 0, 0, 0, 0, "clearing the playbook",
                      err);
}

static enum cvom_status sq_playbook_put(struct cvom_store *st, const struct cvom_play *p,
                                        struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    if ((unsigned)p->axis >= CVOM_PLAY_AXIS_COUNT || (unsigned)p->cost >= CVOM_COST_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "storing a play: axis or cost out of range");
    const char *axis = cvom_play_axis_name(p->axis);
    const char *cost = cvom_cost_level_name(p->cost);
    struct query q;
    enum cvom_status status = q_open(s, S_PLAYBOOK_PUT, &q, err);
    if (status)
        return status;
    bind_text(&q, 1, p->key, sizeof p->key);
    bind_text(&q, 2, p->title, sizeof p->title);
    bind_text(&q, 3, p->text, sizeof p->text);
    bind_text(&q, 4, axis, strlen(axis) + 1);
    bind_text(&q, 5, cost, strlen(cost) + 1);
    status = q_exec(&q, "storing a play", NULL, 0, err);
    q_close(&q);
    return status;
}

static enum cvom_status read_play(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_play *p = out;
    char word[32];
    memset(p, 0, sizeof *p);
    col_text(stmt, 0, p->key, sizeof p->key);
    col_text(stmt, 1, p->title, sizeof p->title);
    col_text(stmt, 2, p->text, sizeof p->text);
    col_text(stmt, 3, word, sizeof word);
    int axis = cvom_play_axis_parse(word);
    if (axis < 0)
        return bad_column("playbook", "axis", word, err);
    col_text(stmt, 4, word, sizeof word);
    int cost = cvom_cost_level_parse(word);
    if (cost < 0)
        return bad_column("playbook", "cost", word, err);
    p->axis = (enum cvom_play_axis)axis;
    p->cost = (enum cvom_cost_level)cost;
    return CVOM_OK;
}

struct play_walk {
    cvom_play_cb cb;
    void *ctx;
};

static int play_walk_cb(void *ctx, const void *rec)
{
    struct play_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_playbook_list(struct cvom_store *st, cvom_play_cb cb, void *ctx,
                                         struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_play p;
    struct play_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_PLAYBOOK_LIST, &q, err);
    return status ? status : each_row(s, &q, &p, read_play, play_walk_cb, &w, err);
}

/* ---------------------------------------------------------------------------------------
 * Offerings, ratings and value hierarchies
 * ------------------------------------------------------------------------------------- */

static enum cvom_status read_offering(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_offering *o = out;
    (void)err;
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(stmt, 0);
    col_text(stmt, 1, o->code, sizeof o->code);
    col_text(stmt, 2, o->name, sizeof o->name);
    col_text(stmt, 3, o->category, sizeof o->category);
    return CVOM_OK;
}

static enum cvom_status write_offering(struct sq_store *s, enum stmt id,
                                       const struct cvom_offering *o, const char *what,
                                       struct cvom_error *err)
{
    struct query q;
    enum cvom_status status = q_open(s, id, &q, err);
    if (status)
        return status;
    bind_text(&q, 1, o->code, sizeof o->code);
    bind_text(&q, 2, o->name, sizeof o->name);
    bind_text(&q, 3, o->category, sizeof o->category);
    status = q_exec(&q, what, NULL, 0, err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_offering_add(struct cvom_store *st, struct cvom_offering *o,
                                        struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status = write_offering(s, S_OFFERING_ADD, o, "adding an offering", err);
    if (!status)
        o->id = sqlite3_last_insert_rowid(s->db);
    return status;
}

static enum cvom_status sq_offering_find(struct cvom_store *st, const char *ref,
                                         struct cvom_offering *out, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct cvom_offering o;
    enum cvom_status status = one_row(s, S_OFFERING_BY_CODE, 0, ref, CVOM_OFFERING_CODE_MAX,
                                      "no such offering", read_offering, &o, err);
    int64_t num = ref_number(ref);
    if (status == CVOM_ENOTFOUND && num > 0)
        status = one_row(s, S_OFFERING_GET, num, NULL, 0, "no such offering", read_offering,
                         &o, err);
    if (status == CVOM_ENOTFOUND)
        cvom_error_set(err, CVOM_ENOTFOUND, "no offering '%.100s'", ref);
    if (!status)
        *out = o;
    return status;
}

static enum cvom_status sq_offering_update(struct cvom_store *st, struct cvom_offering *o,
                                           struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status =
        write_offering(s, S_OFFERING_UPDATE, o, "changing an offering", err);
    if (!status && sqlite3_changes(s->db) == 0)
        return cvom_error_set(err, CVOM_ENOTFOUND, "no offering '%.100s'", o->code);
    struct cvom_offering got;
    if (!status && !(status = one_row(s, S_OFFERING_BY_CODE, 0, o->code, sizeof o->code,
                                      "no such offering", read_offering, &got, err)))
        o->id = got.id;
    return status;
}

struct offering_walk {
    cvom_offering_cb cb;
    void *ctx;
};

static int offering_walk_cb(void *ctx, const void *rec)
{
    struct offering_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_offering_list(struct cvom_store *st, cvom_offering_cb cb, void *ctx,
                                         struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_offering o;
    struct offering_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_OFFERING_LIST, &q, err);
    return status ? status : each_row(s, &q, &o, read_offering, offering_walk_cb, &w, err);
}

static enum cvom_status sq_offering_remove(struct cvom_store *st, int64_t id,
                                           struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status =
        exec_keyed(s, S_OFFERING_REMOVE, NULL, 0, 1, id, 0, "removing an offering", err);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no offering %" PRId64, id);
    return status;
}

static enum cvom_status sq_rating_put(struct cvom_store *st, const struct cvom_offering_rating *r,
                                      struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_RATING_PUT, &q, err);
    if (status)
        return status;
    /* Non-finite numbers are sent as values the schema's checks refuse, so that the
     * database names the field. */
    bind_int(&q, 1, r->account_id);
    bind_int(&q, 2, r->offering_id);
    q_keep(&q, sqlite3_bind_double(q.stmt, 3, isfinite(r->r.importance) ? r->r.importance : 0));
    q_keep(&q, sqlite3_bind_double(q.stmt, 4,
                                   isfinite(r->r.performance) ? r->r.performance : 0));
    q_keep(&q, sqlite3_bind_double(q.stmt, 5, isfinite(r->r.cost) ? r->r.cost : -1));
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, r->account_id},
                            {"offering_id", S_OFFERING_EXISTS, r->offering_id}};
    status = q_exec(&q, "rating an offering", refs, 2, err);
    q_close(&q);
    return status;
}

static enum cvom_status read_rating(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_offering_rating *r = out;
    (void)err;
    memset(r, 0, sizeof *r);
    r->account_id = sqlite3_column_int64(stmt, 0);
    r->offering_id = sqlite3_column_int64(stmt, 1);
    r->r.importance = sqlite3_column_double(stmt, 2);
    r->r.performance = sqlite3_column_double(stmt, 3);
    r->r.cost = sqlite3_column_double(stmt, 4);
    col_text(stmt, 5, r->code, sizeof r->code);
    col_text(stmt, 6, r->name, sizeof r->name);
    col_text(stmt, 7, r->category, sizeof r->category);
    return CVOM_OK;
}

struct rating_walk {
    cvom_rating_cb cb;
    void *ctx;
};

static int rating_walk_cb(void *ctx, const void *rec)
{
    struct rating_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_rating_list(struct cvom_store *st, int64_t account_id,
                                       cvom_rating_cb cb, void *ctx, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_offering_rating r;
    struct rating_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_RATING_LIST, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, account_id);
    return each_row(s, &q, &r, read_rating, rating_walk_cb, &w, err);
}

static enum cvom_status sq_value_add(struct cvom_store *st, const char *name,
                                     struct cvom_error *err)
{
    return exec_keyed(sq(st), S_VALUE_ADD, name, CVOM_VALUE_NAME_MAX, 0, 0, 0,
                      "adding a value", err);
}

static enum cvom_status sq_value_remove(struct cvom_store *st, const char *name,
                                        struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status = exec_keyed(s, S_VALUE_REMOVE, name, CVOM_VALUE_NAME_MAX, 0, 0, 0,
                                         "removing a value", err);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no value '%.60s'", name);
    return status;
}

static enum cvom_status sq_value_list(struct cvom_store *st, cvom_value_cb cb, void *ctx,
                                      struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_VALUE_LIST, &q, err);
    if (status)
        return status;
    int rc;
    char name[CVOM_VALUE_NAME_MAX];
    while ((rc = q_step(&q)) == SQLITE_ROW) {
        col_text(q.stmt, 1, name, sizeof name);
        if (cb(ctx, sqlite3_column_int64(q.stmt, 0), name))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = db_fail(s, rc, "reading the database", err);
    q_close(&q);
    return status;
}

static enum cvom_status sq_ranking_clear(struct cvom_store *st, int64_t account_id,
                                         struct cvom_error *err)
{
    return exec_keyed(sq(st), S_RANKING_CLEAR, NULL, 0, 1, account_id, 0,
                      "clearing a value ranking", err);
}

static enum cvom_status sq_ranking_put(struct cvom_store *st, int64_t account_id,
                                       const char *value, int rank, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_RANKING_PUT, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, account_id);
    bind_text(&q, 2, value, CVOM_VALUE_NAME_MAX);
    bind_int(&q, 3, rank);
    status = q_exec(&q, "ranking a value", NULL, 0, err);
    q_close(&q);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND,
                                "no value '%.60s' (see 'cvom align values')", value);
    return status;
}

static enum cvom_status read_value_rank(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_value_rank *v = out;
    (void)err;
    memset(v, 0, sizeof *v);
    v->account_id = sqlite3_column_int64(stmt, 0);
    v->rank = (int)sqlite3_column_int64(stmt, 1);
    col_text(stmt, 2, v->value, sizeof v->value);
    return CVOM_OK;
}

struct value_rank_walk {
    cvom_value_rank_cb cb;
    void *ctx;
};

static int value_rank_walk_cb(void *ctx, const void *rec)
{
    struct value_rank_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_ranking_list(struct cvom_store *st, int64_t account_id,
                                        cvom_value_rank_cb cb, void *ctx,
                                        struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_value_rank v;
    struct value_rank_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_RANKING_LIST, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, account_id);
    return each_row(s, &q, &v, read_value_rank, value_rank_walk_cb, &w, err);
}

/* ---------------------------------------------------------------------------------------
 * Signals and the network ledger
 * ------------------------------------------------------------------------------------- */

static const char *const network_kind_names[CVOM_NET_KIND_COUNT] = {"introduction",
                                                                     "peer_group", "event"};

const char *cvom_network_kind_name(enum cvom_network_kind k)
{
    return (unsigned)k < CVOM_NET_KIND_COUNT ? network_kind_names[k] : "?";
}

int cvom_network_kind_parse(const char *s)
{
    for (int i = 0; s && i < CVOM_NET_KIND_COUNT; i++)
        if (strcmp(s, network_kind_names[i]) == 0)
            return i;
    return -1;
}

static enum cvom_status read_signal(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_signal *g = out;
    char word[32];
    memset(g, 0, sizeof *g);
    g->id = sqlite3_column_int64(stmt, 0);
    col_text(stmt, 1, g->def.name, sizeof g->def.name);
    col_text(stmt, 2, g->def.label, sizeof g->def.label);
    col_text(stmt, 3, word, sizeof word);
    int axis = strcmp(word, "emotional") == 0 ? CVOM_DIM_EMOTIONAL
               : strcmp(word, "intellectual") == 0 ? CVOM_DIM_INTELLECTUAL : -1;
    if (axis < 0)
        return bad_column("signals", "axis", word, err);
    g->def.axis = (enum cvom_dim)axis;
    g->def.direction = sqlite3_column_int(stmt, 4) < 0 ? -1 : 1;
    col_text(stmt, 5, word, sizeof word);
    int norm = cvom_norm_parse(word);
    if (norm < 0)
        return bad_column("signals", "norm", word, err);
    g->def.norm = (enum cvom_norm)norm;
    g->def.p1 = sqlite3_column_double(stmt, 6);
    g->def.p2 = sqlite3_column_double(stmt, 7);
    g->def.weight = sqlite3_column_double(stmt, 8);
    col_text(stmt, 9, word, sizeof word);
    g->source = strcmp(word, "ledger") == 0 ? CVOM_SIGNAL_LEDGER : CVOM_SIGNAL_IMPORTED;
    return CVOM_OK;
}

static enum cvom_status sq_signal_find(struct cvom_store *st, const char *ref,
                                       struct cvom_signal *out, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct cvom_signal g;
    enum cvom_status status = one_row(s, S_SIGNAL_BY_NAME, 0, ref, CVOM_CODE_MAX,
                                      "no such signal", read_signal, &g, err);
    int64_t num = ref_number(ref);
    if (status == CVOM_ENOTFOUND && num > 0)
        status = one_row(s, S_SIGNAL_GET, num, NULL, 0, "no such signal", read_signal, &g, err);
    if (status == CVOM_ENOTFOUND)
        cvom_error_set(err, CVOM_ENOTFOUND, "no signal '%.60s' (see 'cvom signal list')", ref);
    if (!status)
        *out = g;
    return status;
}

static enum cvom_status sq_signal_put(struct cvom_store *st, struct cvom_signal *g,
                                      struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status = cvom_signal_def_validate(&g->def, err);
    if (status)
        return status;
    struct query q;
    if ((status = q_open(s, S_SIGNAL_PUT, &q, err)) != CVOM_OK)
        return status;
    bind_text(&q, 1, g->def.name, sizeof g->def.name);
    bind_text(&q, 2, g->def.label, sizeof g->def.label);
    q_keep(&q, sqlite3_bind_text(q.stmt, 3, cvom_dim_name(g->def.axis), -1, SQLITE_STATIC));
    bind_int(&q, 4, g->def.direction);
    q_keep(&q, sqlite3_bind_text(q.stmt, 5, cvom_norm_name(g->def.norm), -1, SQLITE_STATIC));
    q_keep(&q, sqlite3_bind_double(q.stmt, 6, g->def.p1));
    q_keep(&q, sqlite3_bind_double(q.stmt, 7, g->def.p2));
    q_keep(&q, sqlite3_bind_double(q.stmt, 8, g->def.weight));
    q_keep(&q, sqlite3_bind_text(q.stmt, 9,
                                 g->source == CVOM_SIGNAL_LEDGER ? "ledger" : "imported", -1,
                                 SQLITE_STATIC));
    status = q_exec(&q, "storing a signal", NULL, 0, err);
    q_close(&q);
    struct cvom_signal got;
    if (!status && !(status = one_row(s, S_SIGNAL_BY_NAME, 0, g->def.name, sizeof g->def.name,
                                      "no such signal", read_signal, &got, err)))
        g->id = got.id;
    return status;
}

struct signal_walk {
    cvom_signal_cb cb;
    void *ctx;
};

static int signal_walk_cb(void *ctx, const void *rec)
{
    struct signal_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_signal_list(struct cvom_store *st, cvom_signal_cb cb, void *ctx,
                                       struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_signal g;
    struct signal_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_SIGNAL_LIST, &q, err);
    return status ? status : each_row(s, &q, &g, read_signal, signal_walk_cb, &w, err);
}

static enum cvom_status sq_signal_remove(struct cvom_store *st, int64_t id,
                                         struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status =
        exec_keyed(s, S_SIGNAL_REMOVE, NULL, 0, 1, id, 0, "removing a signal", err);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no signal %" PRId64, id);
    return status;
}

static enum cvom_status sq_signal_value_put(struct cvom_store *st,
                                            const struct cvom_signal_value *v,
                                            struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_SIGNAL_VALUE_PUT, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, v->account_id);
    bind_int(&q, 2, v->signal_id);
    bind_int(&q, 3, v->date);
    /* A non-finite value is sent as one the schema refuses, so the database names it. */
    q_keep(&q, sqlite3_bind_double(q.stmt, 4, isfinite(v->value) ? v->value : 1e308));
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, v->account_id},
                            {"signal_id", S_SIGNAL_EXISTS, v->signal_id}};
    status = q_exec(&q, "storing a signal value", refs, 2, err);
    q_close(&q);
    return status;
}

static enum cvom_status read_signal_value(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_signal_value *v = out;
    (void)err;
    v->account_id = sqlite3_column_int64(stmt, 0);
    v->signal_id = sqlite3_column_int64(stmt, 1);
    v->date = (int32_t)sqlite3_column_int64(stmt, 2);
    v->value = sqlite3_column_double(stmt, 3);
    return CVOM_OK;
}

struct signal_value_walk {
    cvom_signal_value_cb cb;
    void *ctx;
};

static int signal_value_walk_cb(void *ctx, const void *rec)
{
    struct signal_value_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_signal_latest(struct cvom_store *st, int64_t signal_id, int32_t as_of,
                                         int64_t account_id, cvom_signal_value_cb cb, void *ctx,
                                         struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_signal_value v;
    struct signal_value_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_SIGNAL_LATEST, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, signal_id);
    bind_int(&q, 2, as_of);
    bind_int(&q, 3, account_id);
    return each_row(s, &q, &v, read_signal_value, signal_value_walk_cb, &w, err);
}

static enum cvom_status sq_signal_history(struct cvom_store *st, int64_t account_id,
                                          cvom_signal_value_cb cb, void *ctx,
                                          struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_signal_value v;
    struct signal_value_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_SIGNAL_HISTORY, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, account_id);
    return each_row(s, &q, &v, read_signal_value, signal_value_walk_cb, &w, err);
}

static enum cvom_status sq_network_add(struct cvom_store *st, struct cvom_network_entry *e,
                                       struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    if ((unsigned)e->kind >= CVOM_NET_KIND_COUNT)
        return cvom_error_set(err, CVOM_EINVAL, "kind must be introduction, peer_group or event");
    struct query q;
    enum cvom_status status = q_open(s, S_NETWORK_ADD, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, e->account_id);
    bind_int(&q, 2, e->date);
    q_keep(&q, sqlite3_bind_text(q.stmt, 3, cvom_network_kind_name(e->kind), -1, SQLITE_STATIC));
    bind_text(&q, 4, e->title, sizeof e->title);
    /* NaN (not rated) is NULL; any other non-finite value is refused by the schema. */
    if (isnan(e->rating))
        bind_real(&q, 5, NAN);
    else
        q_keep(&q, sqlite3_bind_double(q.stmt, 5, isfinite(e->rating) ? e->rating : 0));
    bind_text(&q, 6, e->notes, sizeof e->notes);
    struct fk_ref refs[] = {{"account_id", S_ACCOUNT_EXISTS, e->account_id}};
    status = q_exec(&q, "adding to the network ledger", refs, 1, err);
    q_close(&q);
    if (!status)
        e->id = sqlite3_last_insert_rowid(s->db);
    return status;
}

static enum cvom_status read_network(sqlite3_stmt *stmt, void *out, struct cvom_error *err)
{
    struct cvom_network_entry *e = out;
    char word[32];
    memset(e, 0, sizeof *e);
    e->id = sqlite3_column_int64(stmt, 0);
    e->account_id = sqlite3_column_int64(stmt, 1);
    e->date = (int32_t)sqlite3_column_int64(stmt, 2);
    col_text(stmt, 3, word, sizeof word);
    int kind = cvom_network_kind_parse(word);
    if (kind < 0)
        return bad_column("network_entries", "kind", word, err);
    e->kind = (enum cvom_network_kind)kind;
    col_text(stmt, 4, e->title, sizeof e->title);
    e->rating = sqlite3_column_type(stmt, 5) == SQLITE_NULL ? NAN
                                                            : sqlite3_column_double(stmt, 5);
    col_text(stmt, 6, e->notes, sizeof e->notes);
    return CVOM_OK;
}

struct network_walk {
    cvom_network_cb cb;
    void *ctx;
};

static int network_walk_cb(void *ctx, const void *rec)
{
    struct network_walk *w = ctx;
    return w->cb(w->ctx, rec);
}

static enum cvom_status sq_network_list(struct cvom_store *st, int64_t account_id,
                                        cvom_network_cb cb, void *ctx, struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    struct cvom_network_entry e;
    struct network_walk w = {cb, ctx};
    enum cvom_status status = q_open(s, S_NETWORK_LIST, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, account_id);
    return each_row(s, &q, &e, read_network, network_walk_cb, &w, err);
}

static enum cvom_status sq_network_remove(struct cvom_store *st, int64_t id,
                                          struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    enum cvom_status status =
        exec_keyed(s, S_NETWORK_REMOVE, NULL, 0, 1, id, 0, "removing a ledger entry", err);
    if (!status && sqlite3_changes(s->db) == 0)
        status = cvom_error_set(err, CVOM_ENOTFOUND, "no ledger entry %" PRId64, id);
    return status;
}

static enum cvom_status sq_network_means(struct cvom_store *st, int32_t from, int32_t to,
                                         cvom_network_mean_cb cb, void *ctx,
                                         struct cvom_error *err)
{
    struct sq_store *s = sq(st);
    struct query q;
    enum cvom_status status = q_open(s, S_NETWORK_MEANS, &q, err);
    if (status)
        return status;
    bind_int(&q, 1, from);
    bind_int(&q, 2, to);
    int rc;
    while ((rc = q_step(&q)) == SQLITE_ROW)
        if (cb(ctx, sqlite3_column_int64(q.stmt, 0), sqlite3_column_double(q.stmt, 1),
               sqlite3_column_int(q.stmt, 2)))
            break;
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        status = db_fail(s, rc, "reading the database", err);
    q_close(&q);
    return status;
}

const struct cvom_store_ops cvom__sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .schema_version = sq_schema_version,
    .backup = sq_backup,
    .setting_get = sq_setting_get,
    .setting_set = sq_setting_set,
    .account_add = sq_account_add,
    .account_update = sq_account_update,
    .account_remove = sq_account_remove,
    .account_get = sq_account_get,
    .account_find = sq_account_find,
    .account_list = sq_account_list,
    .account_count = sq_account_count,
    .stakeholder_add = sq_stakeholder_add,
    .stakeholder_update = sq_stakeholder_update,
    .stakeholder_remove = sq_stakeholder_remove,
    .stakeholder_find = sq_stakeholder_find,
    .stakeholder_list = sq_stakeholder_list,
    .instrument_put = sq_instrument_put,
    .instrument_get = sq_instrument_get,
    .instrument_latest = sq_instrument_latest,
    .instrument_find = sq_instrument_find,
    .instrument_list = sq_instrument_list,
    .assessment_add = sq_assessment_add,
    .assessment_update = sq_assessment_update,
    .assessment_list = sq_assessment_list,
    .response_put = sq_response_put,
    .response_list = sq_response_list,
    .snapshot_put = sq_snapshot_put,
    .snapshot_list_latest = sq_snapshot_list_latest,
    .snapshot_history = sq_snapshot_history,
    .table_counts = sq_table_counts,
    .set_busy_timeout = sq_set_busy_timeout,
    .user_add = sq_user_add,
    .user_update = sq_user_update,
    .user_get = sq_user_get,
    .user_find = sq_user_find,
    .user_list = sq_user_list,
    .user_count = sq_user_count,
    .session_put = sq_session_put,
    .session_get = sq_session_get,
    .session_touch = sq_session_touch,
    .session_remove = sq_session_remove,
    .session_remove_user = sq_session_remove_user,
    .session_purge = sq_session_purge,
    .token_add = sq_token_add,
    .token_find = sq_token_find,
    .token_touch = sq_token_touch,
    .token_list = sq_token_list,
    .token_remove = sq_token_remove,
    .audit_add = sq_audit_add,
    .audit_list = sq_audit_list,
    .failure_add = sq_failure_add,
    .failure_count = sq_failure_count,
    .failure_clear = sq_failure_clear,
    .survey_add = sq_survey_add,
    .survey_get = sq_survey_get,
    .survey_use = sq_survey_use,
    .survey_list = sq_survey_list,
    .revision = sq_revision,
    .action_add = sq_action_add,
    .action_get = sq_action_get,
    .action_list = sq_action_list,
    .action_set_status = sq_action_set_status,
    .playbook_clear = sq_playbook_clear,
    .playbook_put = sq_playbook_put,
    .playbook_list = sq_playbook_list,
    .offering_add = sq_offering_add,
    .offering_update = sq_offering_update,
    .offering_find = sq_offering_find,
    .offering_list = sq_offering_list,
    .offering_remove = sq_offering_remove,
    .rating_put = sq_rating_put,
    .rating_list = sq_rating_list,
    .value_add = sq_value_add,
    .value_remove = sq_value_remove,
    .value_list = sq_value_list,
    .ranking_clear = sq_ranking_clear,
    .ranking_put = sq_ranking_put,
    .ranking_list = sq_ranking_list,
    .signal_put = sq_signal_put,
    .signal_find = sq_signal_find,
    .signal_list = sq_signal_list,
    .signal_remove = sq_signal_remove,
    .signal_value_put = sq_signal_value_put,
    .signal_latest = sq_signal_latest,
    .signal_history = sq_signal_history,
    .network_add = sq_network_add,
    .network_list = sq_network_list,
    .network_remove = sq_network_remove,
    .network_means = sq_network_means,
};
