/* sqlite/schema.c — the SQLite schema as numbered migrations, the settings of every
 * connection, and the check that a file is one of ours before anything is written to it.
 */
#include "store/sqlite/sqlite.h"

#include <stdint.h>

/* Constraints are named after the column they guard, so that a failed check can name the
 * field. Optional text is stored as '' (external ids as NULL, so that several records may
 * lack one). Enumerations are stored by their lower-case names. */
static const char *const migration_1[] = {
    "PRAGMA application_id = 1129729869;" /* CVOM_SQLITE_APPLICATION_ID */

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
    "CREATE TRIGGER accounts_insert_rev AFTER INSERT ON accounts BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
    "CREATE TRIGGER accounts_update_rev AFTER UPDATE ON accounts BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
    "CREATE TRIGGER accounts_delete_rev AFTER DELETE ON accounts BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
    "CREATE TRIGGER stakeholders_insert_rev AFTER INSERT ON stakeholders BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER stakeholders_update_rev AFTER UPDATE ON stakeholders BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER stakeholders_delete_rev AFTER DELETE ON stakeholders BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER instruments_insert_rev AFTER INSERT ON instruments BEGIN UPDATE data_revision "
    "SET n = n + 1; END;",
    "CREATE TRIGGER instruments_update_rev AFTER UPDATE ON instruments BEGIN UPDATE data_revision "
    "SET n = n + 1; END;",
    "CREATE TRIGGER instruments_delete_rev AFTER DELETE ON instruments BEGIN UPDATE data_revision "
    "SET n = n + 1; END;",
    "CREATE TRIGGER items_insert_rev AFTER INSERT ON items BEGIN UPDATE data_revision SET n = n + "
    "1; END;",
    "CREATE TRIGGER items_update_rev AFTER UPDATE ON items BEGIN UPDATE data_revision SET n = n + "
    "1; END;",
    "CREATE TRIGGER items_delete_rev AFTER DELETE ON items BEGIN UPDATE data_revision SET n = n + "
    "1; END;",
    "CREATE TRIGGER assessments_insert_rev AFTER INSERT ON assessments BEGIN UPDATE data_revision "
    "SET n = n + 1; END;",
    "CREATE TRIGGER assessments_update_rev AFTER UPDATE ON assessments BEGIN UPDATE data_revision "
    "SET n = n + 1; END;",
    "CREATE TRIGGER assessments_delete_rev AFTER DELETE ON assessments BEGIN UPDATE data_revision "
    "SET n = n + 1; END;",
    "CREATE TRIGGER responses_insert_rev AFTER INSERT ON responses BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER responses_update_rev AFTER UPDATE ON responses BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER responses_delete_rev AFTER DELETE ON responses BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER snapshots_insert_rev AFTER INSERT ON snapshots BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER snapshots_update_rev AFTER UPDATE ON snapshots BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER snapshots_delete_rev AFTER DELETE ON snapshots BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER settings_insert_rev AFTER INSERT ON settings BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
    "CREATE TRIGGER settings_update_rev AFTER UPDATE ON settings BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
    "CREATE TRIGGER settings_delete_rev AFTER DELETE ON settings BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
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
    "CREATE TRIGGER actions_insert_rev AFTER INSERT ON actions BEGIN UPDATE data_revision SET n = "
    "n + 1; END;",
    "CREATE TRIGGER actions_update_rev AFTER UPDATE ON actions BEGIN UPDATE data_revision SET n = "
    "n + 1; END;",
    "CREATE TRIGGER actions_delete_rev AFTER DELETE ON actions BEGIN UPDATE data_revision SET n = "
    "n + 1; END;",
    "CREATE TRIGGER playbook_insert_rev AFTER INSERT ON playbook BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
    "CREATE TRIGGER playbook_update_rev AFTER UPDATE ON playbook BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
    "CREATE TRIGGER playbook_delete_rev AFTER DELETE ON playbook BEGIN UPDATE data_revision SET n "
    "= n + 1; END;",
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
    "CREATE TRIGGER offerings_insert_rev AFTER INSERT ON offerings BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER offerings_update_rev AFTER UPDATE ON offerings BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER offerings_delete_rev AFTER DELETE ON offerings BEGIN UPDATE data_revision SET "
    "n = n + 1; END;",
    "CREATE TRIGGER offering_ratings_insert_rev AFTER INSERT ON offering_ratings BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER offering_ratings_update_rev AFTER UPDATE ON offering_ratings BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER offering_ratings_delete_rev AFTER DELETE ON offering_ratings BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER value_names_insert_rev AFTER INSERT ON value_names BEGIN UPDATE data_revision "
    "SET n = n + 1; END;",
    "CREATE TRIGGER value_names_delete_rev AFTER DELETE ON value_names BEGIN UPDATE data_revision "
    "SET n = n + 1; END;",
    "CREATE TRIGGER value_rankings_insert_rev AFTER INSERT ON value_rankings BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER value_rankings_update_rev AFTER UPDATE ON value_rankings BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER value_rankings_delete_rev AFTER DELETE ON value_rankings BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
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
    "CREATE TRIGGER signals_insert_rev AFTER INSERT ON signals BEGIN UPDATE data_revision SET n = "
    "n + 1; END;",
    "CREATE TRIGGER signals_update_rev AFTER UPDATE ON signals BEGIN UPDATE data_revision SET n = "
    "n + 1; END;",
    "CREATE TRIGGER signals_delete_rev AFTER DELETE ON signals BEGIN UPDATE data_revision SET n = "
    "n + 1; END;",
    "CREATE TRIGGER signal_values_insert_rev AFTER INSERT ON signal_values BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER signal_values_update_rev AFTER UPDATE ON signal_values BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER signal_values_delete_rev AFTER DELETE ON signal_values BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER network_entries_insert_rev AFTER INSERT ON network_entries BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER network_entries_update_rev AFTER UPDATE ON network_entries BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    "CREATE TRIGGER network_entries_delete_rev AFTER DELETE ON network_entries BEGIN UPDATE "
    "data_revision SET n = n + 1; END;",
    NULL,
};

/* The revision moves once per committed transaction that changed the portfolio's data,
 * done by the store itself (store/settings.c): per-row triggers made bulk imports pay an
 * extra write for every row. */
static const char *const migration_7[] = {
    "DROP TRIGGER accounts_insert_rev;"
    "DROP TRIGGER accounts_update_rev;"
    "DROP TRIGGER accounts_delete_rev;"
    "DROP TRIGGER stakeholders_insert_rev;"
    "DROP TRIGGER stakeholders_update_rev;"
    "DROP TRIGGER stakeholders_delete_rev;"
    "DROP TRIGGER instruments_insert_rev;"
    "DROP TRIGGER instruments_update_rev;"
    "DROP TRIGGER instruments_delete_rev;"
    "DROP TRIGGER items_insert_rev;"
    "DROP TRIGGER items_update_rev;"
    "DROP TRIGGER items_delete_rev;"
    "DROP TRIGGER assessments_insert_rev;"
    "DROP TRIGGER assessments_update_rev;"
    "DROP TRIGGER assessments_delete_rev;"
    "DROP TRIGGER responses_insert_rev;"
    "DROP TRIGGER responses_update_rev;"
    "DROP TRIGGER responses_delete_rev;"
    "DROP TRIGGER snapshots_insert_rev;"
    "DROP TRIGGER snapshots_update_rev;"
    "DROP TRIGGER snapshots_delete_rev;"
    "DROP TRIGGER settings_insert_rev;"
    "DROP TRIGGER settings_update_rev;"
    "DROP TRIGGER settings_delete_rev;"
    "DROP TRIGGER actions_insert_rev;"
    "DROP TRIGGER actions_update_rev;"
    "DROP TRIGGER actions_delete_rev;"
    "DROP TRIGGER playbook_insert_rev;"
    "DROP TRIGGER playbook_update_rev;"
    "DROP TRIGGER playbook_delete_rev;"
    "DROP TRIGGER offerings_insert_rev;"
    "DROP TRIGGER offerings_update_rev;"
    "DROP TRIGGER offerings_delete_rev;"
    "DROP TRIGGER offering_ratings_insert_rev;"
    "DROP TRIGGER offering_ratings_update_rev;"
    "DROP TRIGGER offering_ratings_delete_rev;"
    "DROP TRIGGER value_names_insert_rev;"
    "DROP TRIGGER value_names_delete_rev;"
    "DROP TRIGGER value_rankings_insert_rev;"
    "DROP TRIGGER value_rankings_update_rev;"
    "DROP TRIGGER value_rankings_delete_rev;"
    "DROP TRIGGER signals_insert_rev;"
    "DROP TRIGGER signals_update_rev;"
    "DROP TRIGGER signals_delete_rev;"
    "DROP TRIGGER signal_values_insert_rev;"
    "DROP TRIGGER signal_values_update_rev;"
    "DROP TRIGGER signal_values_delete_rev;"
    "DROP TRIGGER network_entries_insert_rev;"
    "DROP TRIGGER network_entries_update_rev;"
    "DROP TRIGGER network_entries_delete_rev;",
    NULL,
};

/* Accounts and actions carry a version that every change moves on, so that an edit made on
 * an old copy is refused instead of overwriting a newer one. */
static const char *const migration_8[] = {
    "ALTER TABLE accounts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE actions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;",
    NULL,
};

/* Idempotency keys of API requests: the first answer to a key, kept for a day so that a
 * retried request (to any server of the database) gets it again instead of doing the work
 * twice. Only digests of the keys are stored. */
static const char *const migration_10[] = {
    "CREATE TABLE idempotency_keys ("
    " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " key TEXT NOT NULL,"
    " request TEXT NOT NULL,"
    " created INTEGER NOT NULL,"
    " status INTEGER NOT NULL DEFAULT 0,"
    " location TEXT NOT NULL DEFAULT '',"
    " body TEXT NOT NULL DEFAULT '',"
    " PRIMARY KEY (user_id, key)"
    ");"
    "CREATE INDEX idempotency_keys_created ON idempotency_keys(created);",
    NULL,
};

/* Survey campaigns: a language for each stakeholder ('' : the campaign's), campaigns over a
 * selection of accounts, one personal link per stakeholder (its secret kept, so that the
 * link can be sent and sent again: the database holds the answers it protects anyway), and
 * every message sent, recorded before it is attempted, so that no message goes out twice. */
static const char *const migration_11[] = {
    "ALTER TABLE stakeholders ADD COLUMN language TEXT NOT NULL DEFAULT '';"

    "CREATE TABLE campaigns ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE CONSTRAINT name CHECK (name <> ''),"
    " language TEXT NOT NULL DEFAULT 'en' CONSTRAINT language CHECK (language <> ''),"
    " instrument_id INTEGER NOT NULL REFERENCES instruments(id),"
    " created INTEGER NOT NULL,"
    " closes INTEGER NOT NULL CONSTRAINT closes CHECK (closes > created),"
    " closed INTEGER NOT NULL DEFAULT 0,"
    " created_by TEXT NOT NULL DEFAULT ''"
    ");"

    "CREATE TABLE campaign_links ("
    " campaign_id INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    " stakeholder_id INTEGER NOT NULL REFERENCES stakeholders(id) ON DELETE CASCADE,"
    " account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " hash TEXT NOT NULL UNIQUE REFERENCES survey_links(hash) ON DELETE CASCADE,"
    " secret TEXT NOT NULL,"
    " opened INTEGER NOT NULL DEFAULT 0,"
    " started INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY (campaign_id, stakeholder_id)"
    ");"
    "CREATE INDEX campaign_links_account ON campaign_links(account_id);"

    "CREATE TABLE campaign_sends ("
    " id INTEGER PRIMARY KEY,"
    " campaign_id INTEGER NOT NULL,"
    " stakeholder_id INTEGER NOT NULL,"
    " round INTEGER NOT NULL CONSTRAINT round CHECK (round >= 0),"
    " state TEXT NOT NULL CONSTRAINT state CHECK (state IN"
    "  ('sending', 'sent', 'failed', 'refused')),"
    " at INTEGER NOT NULL,"
    " error TEXT NOT NULL DEFAULT '',"
    " UNIQUE (campaign_id, stakeholder_id, round),"
    " FOREIGN KEY (campaign_id, stakeholder_id)"
    "  REFERENCES campaign_links(campaign_id, stakeholder_id) ON DELETE CASCADE"
    ");",
    NULL,
};

/* The survey in the customer's own words and language: each item's respondent text; the
 * texts of an instrument in other languages (an item's respondent text under the key
 * "item.CODE", the survey page's texts under their message ids); the language a survey link
 * was issued in and the answers saved as a draft while the customer answers (they count
 * nowhere until sent); and the comment sent with an assessment. */
static const char *const migration_12[] = {
    "ALTER TABLE items ADD COLUMN respondent TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE instrument_texts ("
    " instrument_id INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,"
    " lang TEXT NOT NULL CONSTRAINT lang CHECK (lang <> ''),"
    " key TEXT NOT NULL CONSTRAINT key CHECK (key <> ''),"
    " text TEXT NOT NULL CONSTRAINT text CHECK (text <> ''),"
    " PRIMARY KEY (instrument_id, lang, key)"
    ") WITHOUT ROWID;"
    "ALTER TABLE survey_links ADD COLUMN language TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE survey_links ADD COLUMN draft TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE survey_links ADD COLUMN draft_comment TEXT NOT NULL DEFAULT '';"
    "CREATE TABLE assessment_comments ("
    " assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id) ON DELETE CASCADE,"
    " comment TEXT NOT NULL CONSTRAINT comment CHECK (comment <> '')"
    ");",
    NULL,
};

/* The relationship map: whom each stakeholder reports to (another stakeholder of the same
 * account; the store refuses a loop), when and how we last spoke with them, who at our
 * side looks after them, and notes. */
static const char *const migration_13[] = {
    "ALTER TABLE stakeholders ADD COLUMN reports_to INTEGER"
    " REFERENCES stakeholders(id) ON DELETE SET NULL;"
    "ALTER TABLE stakeholders ADD COLUMN last_contact INTEGER;"
    "ALTER TABLE stakeholders ADD COLUMN channel TEXT NOT NULL DEFAULT ''"
    " CONSTRAINT channel CHECK (channel IN ('', 'meeting', 'call', 'email', 'event', 'other'));"
    "ALTER TABLE stakeholders ADD COLUMN counterpart TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE stakeholders ADD COLUMN notes TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX stakeholders_reports_to ON stakeholders(reports_to);",
    NULL,
};

/* Each assessment's answers as the scoring code adds them up: per value axis the count
 * and sums of struct cvom_acc, exactly as accumulating the answers gives them, and the
 * axes its answers touch, so that scoring a portfolio reads one row per assessment instead
 * of every answer (service/portfolio.c). The rows are a cache the scan fills: a change of
 * an assessment's answers or instrument, or of the items or minimum of its instrument,
 * removes its row, and a row for another instrument than the assessment's counts as none. */
static const char *const migration_14[] = {
    "CREATE TABLE assessment_totals ("
    " assessment_id INTEGER PRIMARY KEY REFERENCES assessments(id) ON DELETE CASCADE,"
    " instrument_id INTEGER NOT NULL,"
    " axes INTEGER NOT NULL,"
    " intellectual_n INTEGER NOT NULL, intellectual_sw REAL NOT NULL,"
    " intellectual_swx REAL NOT NULL, intellectual_swx2 REAL NOT NULL,"
    " intellectual_sw2 REAL NOT NULL,"
    " emotional_n INTEGER NOT NULL, emotional_sw REAL NOT NULL,"
    " emotional_swx REAL NOT NULL, emotional_swx2 REAL NOT NULL,"
    " emotional_sw2 REAL NOT NULL"
    ");"
    "CREATE TRIGGER responses_insert_totals AFTER INSERT ON responses BEGIN"
    " DELETE FROM assessment_totals WHERE assessment_id = NEW.assessment_id; END;"
    "CREATE TRIGGER responses_update_totals AFTER UPDATE ON responses BEGIN"
    " DELETE FROM assessment_totals"
    "  WHERE assessment_id IN (OLD.assessment_id, NEW.assessment_id); END;"
    "CREATE TRIGGER responses_delete_totals AFTER DELETE ON responses BEGIN"
    " DELETE FROM assessment_totals WHERE assessment_id = OLD.assessment_id; END;"
    "CREATE TRIGGER items_update_totals"
    " AFTER UPDATE OF instrument_id, position, code, axis, reverse, weight, scale_min, scale_max"
    " ON items BEGIN"
    " DELETE FROM assessment_totals"
    "  WHERE instrument_id IN (OLD.instrument_id, NEW.instrument_id); END;"
    "CREATE TRIGGER items_delete_totals AFTER DELETE ON items BEGIN"
    " DELETE FROM assessment_totals WHERE instrument_id = OLD.instrument_id; END;"
    "CREATE TRIGGER instruments_update_totals AFTER UPDATE OF min_items ON instruments BEGIN"
    " DELETE FROM assessment_totals WHERE instrument_id = OLD.id; END;"
    "CREATE TRIGGER assessments_instrument_totals AFTER UPDATE OF instrument_id ON assessments"
    " BEGIN DELETE FROM assessment_totals WHERE assessment_id = OLD.id; END;",
    NULL,
};

static const struct db_migration migrations[] = {
    {1, migration_1},   {2, migration_2},   {3, migration_3},   {4, migration_4},
    {5, migration_5},   {6, migration_6},   {7, migration_7},   {8, migration_8},
    {10, migration_10}, {11, migration_11}, {12, migration_12}, {13, migration_13},
    {14, migration_14},
};

/* Applied to every connection; they are not stored in the file (except journal_mode). Reads
 * go through a memory map of up to 1 GiB of the file: a portfolio scan then reads the pages
 * where they lie instead of copying each into a cache of its own (writes still go through
 * the journal as before). */
static const char connection_pragmas[] = "PRAGMA foreign_keys = ON;"
                                         "PRAGMA journal_mode = WAL;"
                                         "PRAGMA synchronous = NORMAL;"
                                         "PRAGMA cache_size = -32768;"
                                         "PRAGMA mmap_size = 1073741824;";

int cvom__sqlite_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(stmt);
        if (rc == SQLITE_ROW) {
            *out = sqlite3_column_int64(stmt, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(stmt);
    return rc;
}

enum cvom_status cvom__sqlite_check_ownership(sqlite3 *db, const char *path, struct cvom_error *err)
{
    int64_t app_id = 0, tables = 0;
    int rc = cvom__sqlite_int(db, "PRAGMA application_id", &app_id);
    if (rc == SQLITE_OK)
        rc = cvom__sqlite_int(db,
                              "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
                              " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
                              &tables);
    if (rc != SQLITE_OK)
        return cvom_error_set(err, (rc & 0xff) == SQLITE_BUSY ? CVOM_EBUSY : CVOM_ESTORE,
                              "cannot read %s: %s", path, sqlite3_errmsg(db));
    if (app_id == CVOM_SQLITE_APPLICATION_ID || (app_id == 0 && tables == 0))
        return CVOM_OK;
    return cvom_error_set(err, CVOM_EINVAL, "%s is an SQLite database of another program", path);
}

enum cvom_status cvom__sqlite_schema(struct sq_store *s, const char *path, struct cvom_error *err)
{
    if (s->base.drv->script(&s->base, connection_pragmas) != DB_DONE)
        return db_fail(&s->base, "configuring the connection", err);
    enum cvom_status st = cvom__sqlite_check_ownership(s->db, path, err);
    if (st == CVOM_OK)
        st = db_migrate(&s->base, migrations, sizeof migrations / sizeof migrations[0], path, err);
    return st;
}

int cvom__sqlite_newest_version(void)
{
    return migrations[sizeof migrations / sizeof migrations[0] - 1].version;
}
