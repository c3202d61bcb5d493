/* postgres/schema.c — the PostgreSQL schema as numbered migrations. A new database goes
 * straight to version 7, the schema SQLite reaches through migrations 1 to 7, so that both
 * back ends report the same version for the same tables; later versions are added to both,
 * with the same numbers.
 *
 * The tables mirror SQLite's: the same names, columns, defaults and constraints, each
 * constraint named after the column it guards so that a refusal names the field. Text
 * compares bytewise (COLLATE "C"); whole numbers are bigint, real numbers double precision.
 * Ids are given by the inserts themselves (the next after the highest, as SQLite's rowids),
 * not by sequences, so that both back ends number the same records alike.
 * What SQLite's triggers do with RAISE(ABORT) is done by PL/pgSQL functions whose messages
 * start with the field, in the same words.
 */
#include "store/postgres/postgres.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const schema_7[] = {
    /* The moment a row changed, in the text form SQLite's CURRENT_TIMESTAMP gives. */
    "CREATE FUNCTION cvom_now() RETURNS text LANGUAGE sql STABLE AS"
    " $$SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')$$;",

    "CREATE TABLE accounts ("
    " id bigint PRIMARY KEY,"
    " external_id text COLLATE \"C\" UNIQUE CONSTRAINT external_id CHECK (external_id <> ''),"
    " name text COLLATE \"C\" NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " owner text COLLATE \"C\" NOT NULL DEFAULT '',"
    " parent_id bigint REFERENCES accounts(id) ON DELETE SET NULL,"
    " revenue double precision NOT NULL DEFAULT 0"
    "  CONSTRAINT revenue CHECK (revenue >= 0 AND revenue <= 1e308),"
    " potential double precision NOT NULL DEFAULT 0"
    "  CONSTRAINT potential CHECK (potential >= 0 AND potential <= 1e308),"
    " currency text COLLATE \"C\" NOT NULL DEFAULT '',"
    " industry text COLLATE \"C\" NOT NULL DEFAULT '',"
    " region text COLLATE \"C\" NOT NULL DEFAULT '',"
    " tags text COLLATE \"C\" NOT NULL DEFAULT '',"
    " notes text COLLATE \"C\" NOT NULL DEFAULT '',"
    " created_at text NOT NULL DEFAULT cvom_now(),"
    " updated_at text NOT NULL DEFAULT cvom_now()"
    ");"
    "CREATE INDEX accounts_name ON accounts(name);"
    "CREATE INDEX accounts_parent ON accounts(parent_id);",

    "CREATE TABLE stakeholders ("
    " id bigint PRIMARY KEY,"
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " external_id text COLLATE \"C\" CONSTRAINT external_id CHECK (external_id <> ''),"
    " name text COLLATE \"C\" NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " role text COLLATE \"C\" NOT NULL DEFAULT '',"
    " influence double precision NOT NULL DEFAULT 1"
    "  CONSTRAINT influence CHECK (influence >= 0 AND influence <= 1),"
    " stance text COLLATE \"C\" NOT NULL DEFAULT 'unknown' CONSTRAINT stance CHECK (stance IN"
    "  ('unknown', 'champion', 'supporter', 'neutral', 'sceptic', 'opponent')),"
    " email text COLLATE \"C\" NOT NULL DEFAULT '',"
    " created_at text NOT NULL DEFAULT cvom_now(),"
    " updated_at text NOT NULL DEFAULT cvom_now(),"
    " UNIQUE (account_id, external_id)"
    ");"
    "CREATE INDEX stakeholders_account ON stakeholders(account_id, name);",

    "CREATE TABLE instruments ("
    " id bigint PRIMARY KEY,"
    " name text COLLATE \"C\" NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " version bigint NOT NULL CONSTRAINT version CHECK (version >= 1),"
    " min_items bigint NOT NULL CONSTRAINT min_items CHECK (min_items >= 0),"
    " created_at text NOT NULL DEFAULT cvom_now(),"
    " UNIQUE (name, version)"
    ");"
    "CREATE TABLE items ("
    " instrument_id bigint NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,"
    " position bigint NOT NULL,"
    " code text COLLATE \"C\" NOT NULL CONSTRAINT code CHECK (code <> ''),"
    " axis text COLLATE \"C\" NOT NULL,"
    " reverse bigint NOT NULL CONSTRAINT reverse CHECK (reverse IN (0, 1)),"
    " weight double precision NOT NULL CONSTRAINT weight CHECK (weight > 0 AND weight <= 1e308),"
    " scale_min bigint NOT NULL,"
    " scale_max bigint NOT NULL CONSTRAINT scale_max CHECK (scale_max > scale_min),"
    " statement text COLLATE \"C\" NOT NULL DEFAULT '',"
    " construct text COLLATE \"C\" NOT NULL DEFAULT '',"
    " PRIMARY KEY (instrument_id, position),"
    " UNIQUE (instrument_id, code)"
    ");",

    "CREATE TABLE assessments ("
    " id bigint PRIMARY KEY,"
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " instrument_id bigint NOT NULL REFERENCES instruments(id),"
    " kind text COLLATE \"C\" NOT NULL,"
    " stakeholder_id bigint REFERENCES stakeholders(id) ON DELETE SET NULL,"
    " respondent text COLLATE \"C\" NOT NULL DEFAULT '',"
    " date bigint NOT NULL,"
    " status text COLLATE \"C\" NOT NULL"
    "  CONSTRAINT status CHECK (status IN ('draft', 'complete')),"
    " created_at text NOT NULL DEFAULT cvom_now(),"
    " updated_at text NOT NULL DEFAULT cvom_now()"
    ");"
    "CREATE INDEX assessments_account ON assessments(account_id, date);"
    "CREATE INDEX assessments_instrument ON assessments(instrument_id);"
    "CREATE INDEX assessments_stakeholder ON assessments(stakeholder_id);",

    /* A respondent stakeholder must belong to the assessed account (a missing account is
     * left to the foreign key, which names it); answers are keyed by item code, so the
     * instrument of an answered assessment is fixed. */
    "CREATE FUNCTION cvom_assessments_check() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " IF NEW.stakeholder_id IS NOT NULL AND EXISTS (SELECT 1 FROM stakeholders"
    "   WHERE id = NEW.stakeholder_id AND account_id <> NEW.account_id)"
    "   AND EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id) THEN"
    "  RAISE EXCEPTION 'stakeholder_id: the stakeholder belongs to another account';"
    " END IF;"
    " IF TG_OP = 'UPDATE' AND NEW.instrument_id IS DISTINCT FROM OLD.instrument_id"
    "   AND EXISTS (SELECT 1 FROM responses WHERE assessment_id = OLD.id) THEN"
    "  RAISE EXCEPTION 'instrument_id: the assessment already has answers for another"
    " instrument';"
    " END IF;"
    " RETURN NEW;"
    "END $$;",

    "CREATE TABLE responses ("
    " assessment_id bigint NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,"
    " item_code text COLLATE \"C\" NOT NULL,"
    " value double precision NOT NULL,"
    " PRIMARY KEY (assessment_id, item_code)"
    ");"
    "CREATE TRIGGER assessments_check BEFORE INSERT OR UPDATE ON assessments"
    " FOR EACH ROW EXECUTE FUNCTION cvom_assessments_check();"
    /* An answer must be to an item of the assessment's instrument. */
    "CREATE FUNCTION cvom_responses_check() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " IF EXISTS (SELECT 1 FROM assessments WHERE id = NEW.assessment_id)"
    "   AND NOT EXISTS (SELECT 1 FROM assessments a JOIN items i"
    "    ON i.instrument_id = a.instrument_id"
    "    WHERE a.id = NEW.assessment_id AND i.code = NEW.item_code) THEN"
    "  RAISE EXCEPTION 'item_code: the assessment''s instrument has no such item';"
    " END IF;"
    " RETURN NEW;"
    "END $$;"
    "CREATE TRIGGER responses_item_insert BEFORE INSERT ON responses"
    " FOR EACH ROW EXECUTE FUNCTION cvom_responses_check();",

    /* NULL in a score column means "no value" (NaN in struct cvom_score). */
    "CREATE TABLE snapshots ("
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " date bigint NOT NULL,"
    " intellectual double precision, intellectual_se double precision,"
    " intellectual_lo double precision, intellectual_hi double precision,"
    " intellectual_respondents bigint NOT NULL DEFAULT 0, intellectual_self double precision,"
    " emotional double precision, emotional_se double precision,"
    " emotional_lo double precision, emotional_hi double precision,"
    " emotional_respondents bigint NOT NULL DEFAULT 0, emotional_self double precision,"
    " quadrant text COLLATE \"C\" NOT NULL,"
    " state text COLLATE \"C\" NOT NULL,"
    " PRIMARY KEY (account_id, date)"
    ");"
    "CREATE INDEX snapshots_date ON snapshots(date);"
    "CREATE TABLE settings ("
    " key text COLLATE \"C\" PRIMARY KEY CONSTRAINT key CHECK (key <> ''),"
    " value text COLLATE \"C\" NOT NULL"
    ");",

    /* The web application's tables. Secrets are never stored, only their digests. */
    "CREATE TABLE users ("
    " id bigint PRIMARY KEY,"
    " name text COLLATE \"C\" NOT NULL UNIQUE CONSTRAINT name CHECK (name <> ''),"
    " display text COLLATE \"C\" NOT NULL DEFAULT '',"
    " role text COLLATE \"C\" NOT NULL"
    "  CONSTRAINT role CHECK (role IN ('viewer', 'manager', 'admin')),"
    " password text COLLATE \"C\" NOT NULL DEFAULT '',"
    " disabled bigint NOT NULL DEFAULT 0 CONSTRAINT disabled CHECK (disabled IN (0, 1)),"
    " created bigint NOT NULL"
    ");"
    "CREATE TABLE sessions ("
    " id text COLLATE \"C\" PRIMARY KEY,"
    " user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " csrf text COLLATE \"C\" NOT NULL,"
    " created bigint NOT NULL,"
    " seen bigint NOT NULL"
    ");"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE TABLE api_tokens ("
    " id bigint PRIMARY KEY,"
    " user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " name text COLLATE \"C\" NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " hash text COLLATE \"C\" NOT NULL UNIQUE,"
    " created bigint NOT NULL,"
    " used bigint NOT NULL DEFAULT 0"
    ");"
    "CREATE TABLE audit_log ("
    " id bigint PRIMARY KEY,"
    " at bigint NOT NULL,"
    " actor text COLLATE \"C\" NOT NULL DEFAULT '',"
    " action text COLLATE \"C\" NOT NULL CONSTRAINT action CHECK (action <> ''),"
    " target text COLLATE \"C\" NOT NULL DEFAULT '',"
    " detail text COLLATE \"C\" NOT NULL DEFAULT '',"
    " address text COLLATE \"C\" NOT NULL DEFAULT ''"
    ");"
    "CREATE TABLE login_failures ("
    " key text COLLATE \"C\" NOT NULL,"
    " at bigint NOT NULL"
    ");"
    "CREATE INDEX login_failures_key ON login_failures(key, at);"
    "CREATE TABLE survey_links ("
    " hash text COLLATE \"C\" PRIMARY KEY,"
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " stakeholder_id bigint NOT NULL REFERENCES stakeholders(id) ON DELETE CASCADE,"
    " instrument_id bigint NOT NULL REFERENCES instruments(id),"
    " created bigint NOT NULL,"
    " expires bigint NOT NULL,"
    " used bigint NOT NULL DEFAULT 0,"
    " assessment_id bigint REFERENCES assessments(id) ON DELETE SET NULL,"
    " created_by text COLLATE \"C\" NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX survey_links_account ON survey_links(account_id);",

    /* The revision every committed change to the portfolio's data moves on (the store does
     * it, once per transaction). */
    "CREATE TABLE data_revision (n bigint NOT NULL);"
    "INSERT INTO data_revision(n) VALUES (1);",

    "CREATE TABLE actions ("
    " id bigint PRIMARY KEY,"
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " title text COLLATE \"C\" NOT NULL CONSTRAINT title CHECK (title <> ''),"
    " owner text COLLATE \"C\" NOT NULL DEFAULT '',"
    " due bigint,"
    " axis text COLLATE \"C\" CONSTRAINT axis CHECK (axis IN ('intellectual', 'emotional')),"
    " effect double precision NOT NULL DEFAULT 0"
    "  CONSTRAINT effect CHECK (effect >= -100 AND effect <= 100),"
    " cost double precision CONSTRAINT cost CHECK (cost >= 0 AND cost <= 1e308),"
    " play text COLLATE \"C\" NOT NULL DEFAULT '',"
    " status text COLLATE \"C\" NOT NULL CONSTRAINT status CHECK (status IN ('open', 'done')),"
    " created bigint NOT NULL,"
    " done bigint"
    ");"
    "CREATE INDEX actions_account ON actions(account_id, status);"
    "CREATE TABLE playbook ("
    " position bigint PRIMARY KEY,"
    " key text COLLATE \"C\" NOT NULL UNIQUE CONSTRAINT key CHECK (key <> ''),"
    " title text COLLATE \"C\" NOT NULL,"
    " play text COLLATE \"C\" NOT NULL,"
    " axis text COLLATE \"C\" NOT NULL"
    "  CONSTRAINT axis CHECK (axis IN ('intellectual', 'emotional', 'both')),"
    " cost text COLLATE \"C\" NOT NULL CONSTRAINT cost CHECK (cost IN ('low', 'medium', 'high'))"
    ");",

    "CREATE TABLE offerings ("
    " id bigint PRIMARY KEY,"
    " code text COLLATE \"C\" NOT NULL UNIQUE CONSTRAINT code CHECK (code <> ''),"
    " name text COLLATE \"C\" NOT NULL CONSTRAINT name CHECK (name <> ''),"
    " category text COLLATE \"C\" NOT NULL DEFAULT ''"
    ");"
    "CREATE TABLE offering_ratings ("
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " offering_id bigint NOT NULL REFERENCES offerings(id) ON DELETE CASCADE,"
    " importance double precision NOT NULL"
    "  CONSTRAINT importance CHECK (importance >= 1 AND importance <= 7),"
    " performance double precision NOT NULL"
    "  CONSTRAINT performance CHECK (performance >= 1 AND performance <= 7),"
    " cost double precision NOT NULL DEFAULT 0"
    "  CONSTRAINT cost CHECK (cost >= 0 AND cost <= 1e308),"
    " PRIMARY KEY (account_id, offering_id)"
    ");"
    "CREATE INDEX offering_ratings_offering ON offering_ratings(offering_id);"
    "CREATE TABLE value_names ("
    " id bigint PRIMARY KEY,"
    " name text COLLATE \"C\" NOT NULL UNIQUE CONSTRAINT name CHECK (name <> '')"
    ");"
    "INSERT INTO value_names(id, name) VALUES (1, 'quality'), (2, 'price'), (3, 'innovation'),"
    " (4, 'reliability'), (5, 'sustainability'), (6, 'local presence'), (7, 'expertise'),"
    " (8, 'relationship');"
    /* Our own hierarchy is kept under account 0, so account_id is not a foreign key: the
     * functions below check the account and follow its removal. */
    "CREATE TABLE value_rankings ("
    " account_id bigint NOT NULL,"
    " value_id bigint NOT NULL REFERENCES value_names(id) ON DELETE CASCADE,"
    " rank bigint NOT NULL CONSTRAINT rank CHECK (rank >= 1),"
    " PRIMARY KEY (account_id, value_id),"
    " UNIQUE (account_id, rank)"
    ");"
    "CREATE FUNCTION cvom_rankings_check() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " IF NEW.account_id <> 0"
    "   AND NOT EXISTS (SELECT 1 FROM accounts WHERE id = NEW.account_id) THEN"
    "  RAISE EXCEPTION 'account_id: no such account';"
    " END IF;"
    " RETURN NEW;"
    "END $$;"
    "CREATE TRIGGER value_rankings_account BEFORE INSERT ON value_rankings"
    " FOR EACH ROW EXECUTE FUNCTION cvom_rankings_check();"
    "CREATE FUNCTION cvom_accounts_removed() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " DELETE FROM value_rankings WHERE account_id = OLD.id;"
    " RETURN OLD;"
    "END $$;"
    "CREATE TRIGGER accounts_delete_rankings AFTER DELETE ON accounts"
    " FOR EACH ROW EXECUTE FUNCTION cvom_accounts_removed();",

    "CREATE TABLE signals ("
    " id bigint PRIMARY KEY,"
    " name text COLLATE \"C\" NOT NULL UNIQUE CONSTRAINT name CHECK (name <> ''),"
    " label text COLLATE \"C\" NOT NULL DEFAULT '',"
    " axis text COLLATE \"C\" NOT NULL"
    "  CONSTRAINT axis CHECK (axis IN ('intellectual', 'emotional')),"
    " direction bigint NOT NULL CONSTRAINT direction CHECK (direction IN (1, -1)),"
    " norm text COLLATE \"C\" NOT NULL"
    "  CONSTRAINT norm CHECK (norm IN ('fixed', 'percentile', 'logistic')),"
    " p1 double precision NOT NULL DEFAULT 0,"
    " p2 double precision NOT NULL DEFAULT 0,"
    " weight double precision NOT NULL CONSTRAINT weight CHECK (weight > 0 AND weight <= 100),"
    " source text COLLATE \"C\" NOT NULL DEFAULT 'imported'"
    "  CONSTRAINT source CHECK (source IN ('imported', 'ledger'))"
    ");"
    "CREATE TABLE signal_values ("
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " signal_id bigint NOT NULL REFERENCES signals(id) ON DELETE CASCADE,"
    " date bigint NOT NULL,"
    " value double precision NOT NULL"
    "  CONSTRAINT value CHECK (value >= -1e300 AND value <= 1e300),"
    " PRIMARY KEY (signal_id, account_id, date)"
    ");"
    "CREATE INDEX signal_values_account ON signal_values(account_id);"
    "CREATE TABLE network_entries ("
    " id bigint PRIMARY KEY,"
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " date bigint NOT NULL,"
    " kind text COLLATE \"C\" NOT NULL"
    "  CONSTRAINT kind CHECK (kind IN ('introduction', 'peer_group', 'event')),"
    " title text COLLATE \"C\" NOT NULL CONSTRAINT title CHECK (title <> ''),"
    " rating double precision CONSTRAINT rating CHECK (rating >= 1 AND rating <= 5),"
    " notes text COLLATE \"C\" NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX network_entries_account ON network_entries(account_id, date);"
    "CREATE INDEX network_entries_date ON network_entries(date);"
    "INSERT INTO signals(id, name, label, axis, direction, norm, p1, p2, weight, source)"
    " VALUES (1, 'network', 'Network ledger: the customer''s rating of our introductions,"
    " peer groups and events', 'intellectual', 1, 'fixed', 1, 5, 0.25, 'ledger');",
    NULL,
};

/* Accounts and actions carry a version that every change moves on (SQLite's migration 8). */
static const char *const schema_8[] = {
    "ALTER TABLE accounts ADD COLUMN version bigint NOT NULL DEFAULT 1;"
    "ALTER TABLE actions ADD COLUMN version bigint NOT NULL DEFAULT 1;",
    NULL,
};

/* Idempotency keys of API requests (SQLite's migration 10). */
static const char *const schema_10[] = {
    "CREATE TABLE idempotency_keys ("
    " user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    " key text COLLATE \"C\" NOT NULL,"
    " request text COLLATE \"C\" NOT NULL,"
    " created bigint NOT NULL,"
    " status bigint NOT NULL DEFAULT 0,"
    " location text COLLATE \"C\" NOT NULL DEFAULT '',"
    " body text COLLATE \"C\" NOT NULL DEFAULT '',"
    " PRIMARY KEY (user_id, key)"
    ");"
    "CREATE INDEX idempotency_keys_created ON idempotency_keys(created);",
    NULL,
};

/* Survey campaigns (SQLite's migration 11): a language for each stakeholder ('' : the campaign's),
 * campaigns over a selection of accounts, one personal link per stakeholder (its secret kept, so
 * that the link can be sent and sent again: the database holds the answers it protects anyway), and
 * every message sent, recorded before it is attempted, so that no message goes out twice. */
static const char *const schema_11[] = {
    "ALTER TABLE stakeholders ADD COLUMN language text COLLATE \"C\" NOT NULL DEFAULT '';"

    "CREATE TABLE campaigns ("
    " id bigint PRIMARY KEY,"
    " name text COLLATE \"C\" NOT NULL UNIQUE CONSTRAINT name CHECK (name <> ''),"
    " language text COLLATE \"C\" NOT NULL DEFAULT 'en' CONSTRAINT language CHECK (language <> ''),"
    " instrument_id bigint NOT NULL REFERENCES instruments(id),"
    " created bigint NOT NULL,"
    " closes bigint NOT NULL CONSTRAINT closes CHECK (closes > created),"
    " closed bigint NOT NULL DEFAULT 0,"
    " created_by text COLLATE \"C\" NOT NULL DEFAULT ''"
    ");"

    "CREATE TABLE campaign_links ("
    " campaign_id bigint NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    " stakeholder_id bigint NOT NULL REFERENCES stakeholders(id) ON DELETE CASCADE,"
    " account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,"
    " hash text COLLATE \"C\" NOT NULL UNIQUE REFERENCES survey_links(hash) ON DELETE CASCADE,"
    " secret text COLLATE \"C\" NOT NULL,"
    " opened bigint NOT NULL DEFAULT 0,"
    " started bigint NOT NULL DEFAULT 0,"
    " PRIMARY KEY (campaign_id, stakeholder_id)"
    ");"
    "CREATE INDEX campaign_links_account ON campaign_links(account_id);"

    "CREATE TABLE campaign_sends ("
    " id bigint PRIMARY KEY,"
    " campaign_id bigint NOT NULL,"
    " stakeholder_id bigint NOT NULL,"
    " round bigint NOT NULL CONSTRAINT round CHECK (round >= 0),"
    " state text COLLATE \"C\" NOT NULL CONSTRAINT state CHECK (state IN"
    "  ('sending', 'sent', 'failed', 'refused')),"
    " at bigint NOT NULL,"
    " error text COLLATE \"C\" NOT NULL DEFAULT '',"
    " UNIQUE (campaign_id, stakeholder_id, round),"
    " FOREIGN KEY (campaign_id, stakeholder_id)"
    "  REFERENCES campaign_links(campaign_id, stakeholder_id) ON DELETE CASCADE"
    ");",
    NULL,
};

/* Respondent texts, the texts of an instrument in other languages, a survey link's language
 * and draft, and the comment sent with an assessment (SQLite's migration 12). */
static const char *const schema_12[] = {
    "ALTER TABLE items ADD COLUMN respondent text COLLATE \"C\" NOT NULL DEFAULT '';"
    "CREATE TABLE instrument_texts ("
    " instrument_id bigint NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,"
    " lang text COLLATE \"C\" NOT NULL CONSTRAINT lang CHECK (lang <> ''),"
    " key text COLLATE \"C\" NOT NULL CONSTRAINT key CHECK (key <> ''),"
    " text text COLLATE \"C\" NOT NULL CONSTRAINT text CHECK (text <> ''),"
    " PRIMARY KEY (instrument_id, lang, key)"
    ");"
    "ALTER TABLE survey_links ADD COLUMN language text COLLATE \"C\" NOT NULL DEFAULT '';"
    "ALTER TABLE survey_links ADD COLUMN draft text COLLATE \"C\" NOT NULL DEFAULT '';"
    "ALTER TABLE survey_links ADD COLUMN draft_comment text COLLATE \"C\" NOT NULL DEFAULT '';"
    "CREATE TABLE assessment_comments ("
    " assessment_id bigint PRIMARY KEY REFERENCES assessments(id) ON DELETE CASCADE,"
    " comment text COLLATE \"C\" NOT NULL CONSTRAINT comment CHECK (comment <> '')"
    ");",
    NULL,
};

/* The relationship map, as SQLite's migration 13. */
static const char *const schema_13[] = {
    "ALTER TABLE stakeholders ADD COLUMN reports_to bigint"
    " REFERENCES stakeholders(id) ON DELETE SET NULL;"
    "ALTER TABLE stakeholders ADD COLUMN last_contact bigint;"
    "ALTER TABLE stakeholders ADD COLUMN channel text COLLATE \"C\" NOT NULL DEFAULT ''"
    " CONSTRAINT channel CHECK (channel IN ('', 'meeting', 'call', 'email', 'event', 'other'));"
    "ALTER TABLE stakeholders ADD COLUMN counterpart text COLLATE \"C\" NOT NULL DEFAULT '';"
    "ALTER TABLE stakeholders ADD COLUMN notes text COLLATE \"C\" NOT NULL DEFAULT '';"
    "CREATE INDEX stakeholders_reports_to ON stakeholders(reports_to);",
    NULL,
};

/* Each assessment's answers as the scoring code adds them up (SQLite's migration 14). The
 * answers' triggers run once per statement, so that a COPY of a million answers removes
 * the rows of their assessments in one go. */
static const char *const schema_14[] = {
    "CREATE TABLE assessment_totals ("
    " assessment_id bigint PRIMARY KEY REFERENCES assessments(id) ON DELETE CASCADE,"
    " instrument_id bigint NOT NULL,"
    " axes integer NOT NULL,"
    " intellectual_n bigint NOT NULL, intellectual_sw double precision NOT NULL,"
    " intellectual_swx double precision NOT NULL, intellectual_swx2 double precision NOT NULL,"
    " intellectual_sw2 double precision NOT NULL,"
    " emotional_n bigint NOT NULL, emotional_sw double precision NOT NULL,"
    " emotional_swx double precision NOT NULL, emotional_swx2 double precision NOT NULL,"
    " emotional_sw2 double precision NOT NULL"
    ");"
    "CREATE FUNCTION cvom_totals_new() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " IF EXISTS (SELECT 1 FROM assessment_totals) THEN"
    "  DELETE FROM assessment_totals"
    "   WHERE assessment_id IN (SELECT assessment_id FROM new_rows);"
    " END IF;"
    " RETURN NULL;"
    "END $$;"
    "CREATE FUNCTION cvom_totals_old() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " IF EXISTS (SELECT 1 FROM assessment_totals) THEN"
    "  DELETE FROM assessment_totals"
    "   WHERE assessment_id IN (SELECT assessment_id FROM old_rows);"
    " END IF;"
    " RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER responses_insert_totals AFTER INSERT ON responses"
    " REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION cvom_totals_new();"
    "CREATE TRIGGER responses_update_new_totals AFTER UPDATE ON responses"
    " REFERENCING NEW TABLE AS new_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION cvom_totals_new();"
    "CREATE TRIGGER responses_update_old_totals AFTER UPDATE ON responses"
    " REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION cvom_totals_old();"
    "CREATE TRIGGER responses_delete_totals AFTER DELETE ON responses"
    " REFERENCING OLD TABLE AS old_rows"
    " FOR EACH STATEMENT EXECUTE FUNCTION cvom_totals_old();"
    "CREATE FUNCTION cvom_totals_instrument() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " DELETE FROM assessment_totals"
    "  WHERE instrument_id IN (OLD.instrument_id, NEW.instrument_id);"
    " RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER items_update_totals"
    " AFTER UPDATE OF instrument_id, position, code, axis, reverse, weight, scale_min, scale_max"
    " ON items FOR EACH ROW EXECUTE FUNCTION cvom_totals_instrument();"
    "CREATE TRIGGER items_delete_totals AFTER DELETE ON items"
    " FOR EACH ROW EXECUTE FUNCTION cvom_totals_instrument();"
    "CREATE FUNCTION cvom_totals_min_items() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " DELETE FROM assessment_totals WHERE instrument_id = OLD.id;"
    " RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER instruments_update_totals AFTER UPDATE OF min_items ON instruments"
    " FOR EACH ROW EXECUTE FUNCTION cvom_totals_min_items();"
    "CREATE FUNCTION cvom_totals_assessment() RETURNS trigger LANGUAGE plpgsql AS $$"
    "BEGIN"
    " DELETE FROM assessment_totals WHERE assessment_id = OLD.id;"
    " RETURN NULL;"
    "END $$;"
    "CREATE TRIGGER assessments_instrument_totals AFTER UPDATE OF instrument_id ON assessments"
    " FOR EACH ROW EXECUTE FUNCTION cvom_totals_assessment();",
    NULL,
};

static const struct db_migration migrations[] = {
    {7, schema_7},   {8, schema_8},   {10, schema_10}, {11, schema_11},
    {12, schema_12}, {13, schema_13}, {14, schema_14},
};

/* Tables of another program in the schema, and no migration table of ours: not ours to
 * write into. */
static enum cvom_status check_ownership(struct pg_store *s, const char *where,
                                        struct cvom_error *err)
{
    int64_t ours = 0, tables = 0;
    enum cvom_status st = db_query_int(&s->base, S_HAS_MIGRATIONS, 0, 0, &ours, err);
    if (st != CVOM_OK)
        return st;
    if (ours)
        return CVOM_OK;
    if (cvom__pg_count(s,
                       "SELECT count(*) FROM information_schema.tables"
                       " WHERE table_schema = current_schema()",
                       &tables) != 0)
        return db_fail(&s->base, "reading the database", err);
    if (tables == 0)
        return CVOM_OK;
    return cvom_error_set(err, CVOM_EINVAL,
                          "%s holds tables of another program in schema %s; give cvom an "
                          "empty database or schema of its own",
                          where, s->schema);
}

enum cvom_status cvom__postgres_schema(struct pg_store *s, const char *where,
                                       struct cvom_error *err)
{
    enum cvom_status st = check_ownership(s, where, err);
    if (st == CVOM_OK)
        st = db_migrate(&s->base, migrations, sizeof migrations / sizeof migrations[0], where, err);
    return st;
}
