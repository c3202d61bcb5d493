/* postgres/statements.c — the text of every statement in PostgreSQL's dialect, by number
 * (store/statements.h). Parameters are $1, $2 …, cast where PostgreSQL could not tell their
 * type from where they stand. Inserts give a new record the next id after the highest, as
 * SQLite does, so that both back ends number records alike; when another connection took
 * that id first, the insert does nothing and the back end runs it again (postgres/conn.c). Text
 * columns compare and sort bytewise (COLLATE "C" in the schema), as SQLite does, so both give rows
 * in one order.
 */
#include "store/postgres/postgres.h"

#define ACCOUNT_COLUMNS                                                                            \
    "id, external_id, name, owner, parent_id, revenue, potential, currency, industry, "            \
    "region, tags, notes, version"
#define STAKEHOLDER_COLUMNS                                                                        \
    "id, account_id, external_id, name, role, influence, stance, email, reports_to, "              \
    "last_contact, channel, counterpart, notes, language"
#define ASSESSMENT_COLUMNS                                                                         \
    "id, account_id, instrument_id, kind, stakeholder_id, respondent, date, status"
#define SNAPSHOT_COLUMNS                                                                           \
    "account_id, date, intellectual, intellectual_se, intellectual_lo, intellectual_hi, "          \
    "intellectual_respondents, intellectual_self, emotional, emotional_se, emotional_lo, "         \
    "emotional_hi, emotional_respondents, emotional_self, quadrant, state"
#define TOTALS_COLUMNS                                                                             \
    "assessment_id, instrument_id, axes, intellectual_n, intellectual_sw, intellectual_swx, "      \
    "intellectual_swx2, intellectual_sw2, emotional_n, emotional_sw, emotional_swx, "              \
    "emotional_swx2, emotional_sw2"

#define ACTION_COLUMNS                                                                             \
    "id, account_id, title, owner, due, axis, effect, cost, play, status, created, done, "         \
    "version"

/* The statements of copy_tables.h: a cursor over a table's rows in key order, the COPY that
 * writes rows with every column given (ids included), the table emptied. */
#define COPY_SQL(A, id, name, columns, kinds, n, key)                                              \
    [S_COPY_##id##_READ] =                                                                         \
        "DECLARE cvom_rows NO SCROLL CURSOR FOR SELECT " columns " FROM " name " ORDER BY " key,   \
    [S_COPY_##id##_WRITE] = "COPY " name "(" columns ") FROM STDIN",                               \
    [S_COPY_##id##_CLEAR] = "DELETE FROM " name,

const char *const cvom__postgres_sql[S_COUNT] = {
    [S_BEGIN] = "BEGIN",
    /* One snapshot for every statement of the reader, not one per statement. */
    [S_BEGIN_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SAVEPOINT] = "SAVEPOINT cvom_op",
    [S_RELEASE] = "RELEASE cvom_op",
    [S_ROLLBACK_TO] = "ROLLBACK TO cvom_op",
    [S_HAS_MIGRATIONS] = "SELECT count(*) FROM information_schema.tables"
                         " WHERE table_schema = current_schema()"
                         " AND table_name = 'schema_migrations'",
    [S_SCHEMA_VERSION] = "SELECT coalesce(max(version), 0) FROM schema_migrations",
    [S_MIGRATION_TABLE] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          " version integer PRIMARY KEY,"
                          " applied_at timestamptz NOT NULL DEFAULT now())",
    /* Held to the end of the transaction: servers that start at once migrate one after
     * the other, and the second finds nothing left to do. The key spells "CVOM". */
    [S_MIGRATION_LOCK] = "SELECT pg_advisory_xact_lock(1129729869)",
    [S_MIGRATION_MARK] = "INSERT INTO schema_migrations(version) VALUES ($1)",
    [S_REVISION] = "SELECT n FROM data_revision",
    [S_REVISION_BUMP] = "UPDATE data_revision SET n = n + 1",

    [S_SETTING_GET] = "SELECT value FROM settings WHERE key = $1",
    [S_SETTING_SET] = "INSERT INTO settings(key, value) VALUES ($1, $2)"
                      " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    /* Compare and set in one step: a second writer that saw the old value changes nothing. */
    [S_SETTING_SWAP] = "UPDATE settings SET value = $3 WHERE key = $1 AND value = $2",
    [S_SETTING_CREATE] = "INSERT INTO settings(key, value) VALUES ($1, $2)"
                         " ON CONFLICT(key) DO NOTHING",

    [S_ACCOUNT_ADD] =
        "INSERT INTO accounts(id, external_id, name, owner, parent_id, revenue,"
        " potential, currency, industry, region, tags, notes) VALUES ((SELECT"
        " coalesce(max(id), 0) + 1 FROM accounts), $1, $2, $3, $4, $5, $6, $7, $8, $9,"
        " $10, $11) ON CONFLICT (id) DO NOTHING RETURNING id",
    [S_ACCOUNT_UPDATE] = "UPDATE accounts SET external_id = $1, name = $2, owner = $3,"
                         " parent_id = $4, revenue = $5, potential = $6, currency = $7,"
                         " industry = $8, region = $9, tags = $10, notes = $11,"
                         " updated_at = cvom_now(), version = version + 1"
                         " WHERE id = $12 AND ($13::bigint = 0 OR version = $13)"
                         " RETURNING version",
    [S_ACCOUNT_REMOVE] = "DELETE FROM accounts WHERE id = $1",
    [S_ACCOUNT_GET] = "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = $1",
    [S_ACCOUNT_BY_EXTERNAL] = "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE external_id = $1",
    [S_ACCOUNT_BY_NAME] = "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE name = $1"
                          " ORDER BY id LIMIT 2",
    [S_ACCOUNT_LIST] = "SELECT " ACCOUNT_COLUMNS " FROM accounts"
                       " WHERE ($1 = '' OR owner = $1)"
                       " AND ($2 = '' OR strpos(',' || tags || ',', ',' || $2 || ',') > 0)"
                       " AND ($3 = '' OR industry = $3)"
                       " AND ($4 = '' OR region = $4)"
                       " ORDER BY name, id",
    [S_ACCOUNT_COUNT] = "SELECT count(*) FROM accounts",
    /* Is $2 among $1 and its ancestors? */
    [S_ACCOUNT_ANCESTOR] = "WITH RECURSIVE up(id, depth) AS ("
                           " SELECT $1::bigint, 0"
                           " UNION ALL SELECT a.parent_id, up.depth + 1"
                           "  FROM accounts a JOIN up ON a.id = up.id"
                           "  WHERE a.parent_id IS NOT NULL AND up.depth < $3::integer)"
                           " SELECT 1 FROM up WHERE id = $2 LIMIT 1",
    [S_ACCOUNT_EXISTS] = "SELECT 1 FROM accounts WHERE id = $1",

    [S_STAKEHOLDER_ADD] =
        "INSERT INTO stakeholders(id, account_id, external_id, name, role, influence,"
        " stance, email, reports_to, last_contact, channel, counterpart, notes,"
        " language) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM stakeholders),"
        " $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        " ON CONFLICT (id) DO NOTHING RETURNING id",
    [S_STAKEHOLDER_UPDATE] = "UPDATE stakeholders SET external_id = $2, name = $3, role = $4,"
                             " influence = $5, stance = $6, email = $7, reports_to = $8,"
                             " last_contact = $9, channel = $10, counterpart = $11,"
                             " notes = $12, language = $13, updated_at = cvom_now()"
                             " WHERE id = $14 AND account_id = $1",
    [S_STAKEHOLDER_ANCESTOR] = "WITH RECURSIVE up(id, depth) AS ("
                               " SELECT $1::bigint, 0"
                               " UNION ALL SELECT s.reports_to, up.depth + 1"
                               "  FROM stakeholders s JOIN up ON s.id = up.id"
                               "  WHERE s.reports_to IS NOT NULL AND up.depth < $3::integer)"
                               " SELECT 1 FROM up WHERE id = $2 LIMIT 1",
    [S_STAKEHOLDER_REMOVE] = "DELETE FROM stakeholders WHERE id = $1",
    [S_STAKEHOLDER_GET] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders"
                          " WHERE id = $2 AND account_id = $1",
    [S_STAKEHOLDER_BY_EXTERNAL] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders"
                                  " WHERE account_id = $1 AND external_id = $2",
    [S_STAKEHOLDER_BY_NAME] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders"
                              " WHERE account_id = $1 AND name = $2 ORDER BY id LIMIT 2",
    [S_STAKEHOLDER_LIST] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders"
                           " WHERE account_id = $1 ORDER BY name, id",
    [S_STAKEHOLDER_ALL] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders ORDER BY account_id,"
                          " name, id",
    [S_STAKEHOLDER_EXISTS] = "SELECT 1 FROM stakeholders WHERE id = $1",
    [S_STAKEHOLDER_BY_ID] = "SELECT " STAKEHOLDER_COLUMNS " FROM stakeholders WHERE id = $1",

    [S_INSTRUMENT_ADD] =
        "INSERT INTO instruments(id, name, version, min_items) VALUES ((SELECT"
        " coalesce(max(id), 0) + 1 FROM instruments), $1, $2, $3) ON CONFLICT (id) DO"
        " NOTHING RETURNING id",
    [S_ITEM_ADD] = "INSERT INTO items(instrument_id, position, code, axis, reverse, weight,"
                   " scale_min, scale_max, statement, construct, respondent)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    [S_INSTRUMENT_GET] = "SELECT name, version, min_items FROM instruments WHERE id = $1",
    [S_ITEM_LIST] = "SELECT code, axis, reverse, weight, scale_min, scale_max, statement,"
                    " construct, respondent FROM items WHERE instrument_id = $1 ORDER BY position",
    [S_TEXT_PUT] = "INSERT INTO instrument_texts(instrument_id, lang, key, text)"
                   " VALUES ($1, $2, $3, $4) ON CONFLICT (instrument_id, lang, key)"
                   " DO UPDATE SET text = excluded.text",
    [S_TEXT_LIST] = "SELECT lang, key, text FROM instrument_texts WHERE instrument_id = $1"
                    " AND ($2 = '' OR lang = $2) ORDER BY lang, key",
    [S_INSTRUMENT_LATEST] = "SELECT id FROM instruments WHERE name = $1"
                            " ORDER BY version DESC LIMIT 1",
    [S_INSTRUMENT_FIND] = "SELECT id FROM instruments WHERE name = $1 AND version = $2",
    [S_INSTRUMENT_LIST] = "SELECT i.id, i.name, i.version,"
                          " (SELECT count(*) FROM items WHERE instrument_id = i.id)"
                          " FROM instruments i ORDER BY i.name, i.version",
    [S_INSTRUMENT_EXISTS] = "SELECT 1 FROM instruments WHERE id = $1",

    [S_ASSESSMENT_ADD] =
        "INSERT INTO assessments(id, account_id, instrument_id, kind, stakeholder_id,"
        " respondent, date, status) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM"
        " assessments), $1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING"
        " RETURNING id",
    [S_ASSESSMENT_UPDATE] = "UPDATE assessments SET account_id = $1, instrument_id = $2,"
                            " kind = $3, stakeholder_id = $4, respondent = $5, date = $6,"
                            " status = $7, updated_at = cvom_now() WHERE id = $8",
    [S_ASSESSMENT_LIST] = "SELECT " ASSESSMENT_COLUMNS " FROM assessments"
                          " WHERE account_id = $1 ORDER BY date, id",
    [S_ASSESSMENT_EXISTS] = "SELECT 1 FROM assessments WHERE id = $1",

    [S_RESPONSE_PUT] = "INSERT INTO responses(assessment_id, item_code, value)"
                       " VALUES ($1, $2, $3) ON CONFLICT(assessment_id, item_code)"
                       " DO UPDATE SET value = excluded.value",
    /* Imports of many rows (db_defer): the ids the next rows take, as the inserts above
     * give them, and the rows by COPY. */
    [S_ACCOUNT_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM accounts",
    [S_ASSESSMENT_NEXT_ID] = "SELECT coalesce(max(id), 0) + 1 FROM assessments",
    [S_BULK_ACCOUNTS] = "COPY accounts(id, external_id, name, owner, parent_id, revenue, potential,"
                        " currency, industry, region, tags, notes) FROM STDIN",
    [S_BULK_ASSESSMENTS] = "COPY assessments(id, account_id, instrument_id, kind, stakeholder_id,"
                           " respondent, date, status) FROM STDIN",
    [S_BULK_RESPONSES] = "COPY responses(assessment_id, item_code, value) FROM STDIN",
    [S_BULK_TOTALS] = "COPY assessment_totals(" TOTALS_COLUMNS ") FROM STDIN",
    [S_RESPONSE_REMOVE] = "DELETE FROM responses WHERE item_code = $1 AND assessment_id = $2",
    [S_ASSESSMENT_REMOVE] = "DELETE FROM assessments WHERE id = $1",
    [S_RESPONSE_LIST] = "SELECT r.item_code, r.value FROM responses r"
                        " JOIN assessments a ON a.id = r.assessment_id"
                        " LEFT JOIN items i ON i.instrument_id = a.instrument_id"
                        "  AND i.code = r.item_code"
                        " WHERE r.assessment_id = $1 ORDER BY i.position NULLS FIRST, r.item_code",

    [S_SNAPSHOT_PUT] = "INSERT INTO snapshots(" SNAPSHOT_COLUMNS ") VALUES ($1, $2, $3, $4,"
                       " $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
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
                          "  WHERE account_id = s.account_id AND date <= $1)"
                          " ORDER BY s.account_id",
    [S_SNAPSHOT_HISTORY] = "SELECT " SNAPSHOT_COLUMNS " FROM snapshots"
                           " WHERE account_id = $1 ORDER BY date",

    [S_COUNT_ACCOUNTS] = "SELECT count(*) FROM accounts",
    [S_COUNT_STAKEHOLDERS] = "SELECT count(*) FROM stakeholders",
    [S_COUNT_INSTRUMENTS] = "SELECT count(*) FROM instruments",
    [S_COUNT_ITEMS] = "SELECT count(*) FROM items",
    [S_COUNT_ASSESSMENTS] = "SELECT count(*) FROM assessments",
    [S_COUNT_RESPONSES] = "SELECT count(*) FROM responses",
    [S_COUNT_SNAPSHOTS] = "SELECT count(*) FROM snapshots",
    [S_COUNT_SETTINGS] = "SELECT count(*) FROM settings",

#define USER_COLUMNS "id, name, display, role, password, disabled, created"
    [S_USER_ADD] = "INSERT INTO users(id, name, display, role, password, disabled, created) VALUES"
                   " ((SELECT coalesce(max(id), 0) + 1 FROM users), $1, $2, $3, $4, $5, $6) ON"
                   " CONFLICT (id) DO NOTHING RETURNING id",
    [S_USER_UPDATE] = "UPDATE users SET name = $1, display = $2, role = $3, password = $4,"
                      " disabled = $5 WHERE id = $6",
    [S_USER_GET] = "SELECT " USER_COLUMNS " FROM users WHERE id = $1",
    [S_USER_FIND] = "SELECT " USER_COLUMNS " FROM users WHERE name = $1",
    [S_USER_LIST] = "SELECT " USER_COLUMNS " FROM users ORDER BY name",
    [S_USER_COUNT] = "SELECT count(*) FROM users",
    [S_USER_EXISTS] = "SELECT 1 FROM users WHERE id = $1",
    [S_SESSION_PUT] = "INSERT INTO sessions(id, user_id, csrf, created, seen)"
                      " VALUES ($1, $2, $3, $4, $5)",
    [S_SESSION_IDENTIFY] = "SELECT s.id, s.user_id, s.csrf, s.created, s.seen, u.id, u.name,"
                           " u.display, u.role, '', u.disabled, u.created,"
                           " (SELECT n FROM data_revision) FROM sessions s"
                           " JOIN users u ON u.id = s.user_id WHERE s.id = $1",
    [S_SESSION_TOUCH] = "UPDATE sessions SET seen = $2 WHERE id = $1",
    [S_SESSION_REMOVE] = "DELETE FROM sessions WHERE id = $1",
    [S_SESSION_REMOVE_USER] = "DELETE FROM sessions WHERE user_id = $1",
    [S_SESSION_PURGE] = "DELETE FROM sessions WHERE created < $1 OR seen < $2",
    [S_IDEM_CLAIM] = "INSERT INTO idempotency_keys(user_id, key, request, created)"
                     " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING user_id",
    [S_IDEM_GET] = "SELECT request, created, status, location, body FROM idempotency_keys"
                   " WHERE user_id = $1 AND key = $2",
    [S_IDEM_FINISH] = "UPDATE idempotency_keys SET status = $3, location = $4, body = $5"
                      " WHERE user_id = $1 AND key = $2",
    [S_IDEM_DROP] = "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2",
    [S_IDEM_PURGE] = "DELETE FROM idempotency_keys WHERE created < $1",
    [S_TOKEN_ADD] = "INSERT INTO api_tokens(id, user_id, name, hash, created, used) VALUES ((SELECT"
                    " coalesce(max(id), 0) + 1 FROM api_tokens), $1, $2, $3, $4, $5) ON CONFLICT"
                    " (id) DO NOTHING RETURNING id",
    [S_TOKEN_IDENTIFY] = "SELECT t.id, t.user_id, t.name, t.hash, t.created, t.used, u.id, u.name,"
                         " u.display, u.role, '', u.disabled, u.created,"
                         " (SELECT n FROM data_revision) FROM api_tokens t"
                         " JOIN users u ON u.id = t.user_id WHERE t.hash = $1",
    [S_TOKEN_TOUCH] = "UPDATE api_tokens SET used = $2 WHERE id = $1",
    [S_TOKEN_LIST] = "SELECT id, user_id, name, hash, created, used FROM api_tokens"
                     " ORDER BY user_id, name, id",
    [S_TOKEN_REMOVE] = "DELETE FROM api_tokens WHERE id = $1",
    [S_AUDIT_ADD] = "INSERT INTO audit_log(id, at, actor, action, target, detail, address) VALUES"
                    " ((SELECT coalesce(max(id), 0) + 1 FROM audit_log), $1, $2, $3, $4, $5, $6) ON"
                    " CONFLICT (id) DO NOTHING RETURNING id",
    [S_AUDIT_LIST] = "SELECT id, at, actor, action, target, detail, address FROM audit_log"
                     " ORDER BY id DESC LIMIT $1 OFFSET $2",
    [S_AUDIT_FIND] =
        "SELECT id, at, actor, action, target, detail, address FROM audit_log"
        " WHERE at >= $3 AND at < $4 AND ($5 = '' OR actor = $5 OR actor = 'cli:' || $5)"
        " AND ($6 = '' OR target = $6 OR target = $7)"
        " ORDER BY id DESC LIMIT $1 OFFSET $2",
    [S_FAILURE_ADD] = "INSERT INTO login_failures(key, at) VALUES ($1, $2)",
    [S_FAILURE_COUNT] =
        "SELECT count(*), coalesce(min(at), 0), coalesce(max(at), 0) FROM login_failures "
        "WHERE key = $1 AND at >= $2",
    [S_FAILURE_CLEAR] = "DELETE FROM login_failures WHERE key = $1",
    [S_FAILURE_PURGE] = "DELETE FROM login_failures WHERE at < $1",
#define SURVEY_COLUMNS                                                                             \
    "hash, account_id, stakeholder_id, instrument_id, created, expires, used,"                     \
    " assessment_id, created_by, language"
    [S_SURVEY_ADD] = "INSERT INTO survey_links(" SURVEY_COLUMNS ")"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    [S_SURVEY_GET] = "SELECT " SURVEY_COLUMNS " FROM survey_links WHERE hash = $1",
    [S_SURVEY_USE] = "UPDATE survey_links SET used = $2, assessment_id = $3,"
                     " draft = '', draft_comment = ''"
                     " WHERE hash = $1 AND used = 0 AND expires > $2",
    [S_SURVEY_LIST] = "SELECT " SURVEY_COLUMNS " FROM survey_links WHERE account_id = $1"
                      " ORDER BY created DESC, hash",
#define CAMPAIGN_COLUMNS "id, name, language, instrument_id, created, closes, closed, created_by"
#define CAMPAIGN_SENDS_OF                                                                          \
    " FROM campaign_sends c WHERE c.campaign_id = l.campaign_id"                                   \
    " AND c.stakeholder_id = l.stakeholder_id"
    [S_CAMPAIGN_ADD] = "INSERT INTO campaigns(id, name, language, instrument_id, created, closes,"
                       " closed, created_by) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM"
                       " campaigns), $1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING"
                       " RETURNING id",
    [S_CAMPAIGN_GET] = "SELECT " CAMPAIGN_COLUMNS " FROM campaigns WHERE id = $1",
    [S_CAMPAIGN_BY_NAME] = "SELECT " CAMPAIGN_COLUMNS " FROM campaigns WHERE name = $1",
    [S_CAMPAIGN_LIST] = "SELECT " CAMPAIGN_COLUMNS " FROM campaigns ORDER BY created DESC, id DESC",
    [S_CAMPAIGN_CLOSE] = "UPDATE campaigns SET closed = $2 WHERE id = $1 AND closed = 0",
    [S_CAMPAIGN_EXPIRE] = "UPDATE survey_links SET expires = $2 WHERE expires > $2 AND hash IN"
                          " (SELECT hash FROM campaign_links WHERE campaign_id = $1)",
    [S_CAMPAIGN_EXISTS] = "SELECT 1 FROM campaigns WHERE id = $1",
    [S_CAMPAIGN_LINK_ADD] = "INSERT INTO campaign_links(campaign_id, stakeholder_id, account_id,"
                            " hash, secret) VALUES ($1, $2, $3, $4, $5)",
    [S_CAMPAIGN_LINK_LIST] =
        "SELECT l.campaign_id, l.stakeholder_id, l.account_id, l.hash, l.secret, l.opened,"
        " l.started, s.used, sh.name, sh.email, sh.language, a.name, a.owner,"
        " (SELECT count(*)" CAMPAIGN_SENDS_OF "),"
        " (SELECT count(*)" CAMPAIGN_SENDS_OF " AND c.state = 'sent'),"
        " (SELECT count(*)" CAMPAIGN_SENDS_OF " AND c.state = 'refused'),"
        " coalesce((SELECT max(c.at)" CAMPAIGN_SENDS_OF "), 0),"
        " coalesce((SELECT c.state" CAMPAIGN_SENDS_OF " ORDER BY c.round DESC LIMIT 1), ''),"
        " coalesce((SELECT c.error" CAMPAIGN_SENDS_OF " AND c.error <> ''"
        " ORDER BY c.round DESC LIMIT 1), '')"
        " FROM campaign_links l JOIN survey_links s ON s.hash = l.hash"
        " JOIN stakeholders sh ON sh.id = l.stakeholder_id"
        " JOIN accounts a ON a.id = l.account_id"
        " WHERE l.campaign_id = $1 ORDER BY a.name, a.id, sh.name, sh.id",
    [S_CAMPAIGN_LINK_SEEN] =
        "UPDATE campaign_links SET opened = CASE WHEN opened = 0 THEN $2::bigint ELSE opened END,"
        " started = CASE WHEN $3::bigint <> 0 AND started = 0 THEN $2::bigint ELSE started END"
        " WHERE hash = $1",
    [S_CAMPAIGN_SEND_CLAIM] =
        "INSERT INTO campaign_sends(id, campaign_id, stakeholder_id, round, state, at)"
        " VALUES ((SELECT coalesce(max(id), 0) + 1 FROM campaign_sends), $1, $2, $3,"
        " 'sending', $4) ON CONFLICT DO NOTHING RETURNING id",
    [S_CAMPAIGN_SEND_END] = "UPDATE campaign_sends SET state = $4, error = $5"
                            " WHERE campaign_id = $1 AND stakeholder_id = $2 AND round = $3",
    [S_SURVEY_DRAFT_PUT] = "UPDATE survey_links SET draft = $2, draft_comment = $3"
                           " WHERE hash = $1 AND used = 0 AND expires > $4",
    [S_SURVEY_DRAFT_GET] = "SELECT draft, draft_comment FROM survey_links WHERE hash = $1",
    [S_COMMENT_PUT] = "INSERT INTO assessment_comments(assessment_id, comment) VALUES ($1, $2)",
    [S_COMMENT_LIST] = "SELECT c.assessment_id, c.comment FROM assessment_comments c"
                       " JOIN assessments a ON a.id = c.assessment_id WHERE a.account_id = $1"
                       " ORDER BY a.date DESC, a.id DESC",

    [S_ACTION_ADD] = "INSERT INTO actions(id, account_id, title, owner, due, axis, effect, cost,"
                     " play, status, created, done) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM"
                     " actions), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO"
                     " NOTHING RETURNING id",
    [S_ACTION_GET] = "SELECT " ACTION_COLUMNS " FROM actions WHERE id = $1",
    [S_ACTION_LIST] = "SELECT " ACTION_COLUMNS " FROM actions"
                      " WHERE ($1::bigint = 0 OR account_id = $1)"
                      " AND ($2 = '' OR status = $2)"
                      " AND ($3::bigint = 0 OR (due IS NOT NULL AND due < $3))"
                      " AND ($4::bigint = 0 OR owner = '')"
                      " ORDER BY account_id, due IS NULL, due, id",
    [S_ACTION_STATUS] = "UPDATE actions SET status = $2, done = $3, version = version + 1"
                        " WHERE id = $1 AND ($4::bigint = 0 OR version = $4)"
                        " RETURNING version",
    [S_PLAYBOOK_CLEAR] = "DELETE FROM playbook",
    [S_PLAYBOOK_PUT] =
        "INSERT INTO playbook(position, key, title, play, axis, cost) VALUES ((SELECT"
        " coalesce(max(position), 0) + 1 FROM playbook), $1, $2, $3, $4, $5) ON"
        " CONFLICT (position) DO NOTHING RETURNING position",
    [S_PLAYBOOK_LIST] = "SELECT key, title, play, axis, cost FROM playbook ORDER BY position",

    [S_OFFERING_ADD] = "INSERT INTO offerings(id, code, name, category) VALUES ((SELECT"
                       " coalesce(max(id), 0) + 1 FROM offerings), $1, $2, $3) ON CONFLICT (id) DO"
                       " NOTHING RETURNING id",
    [S_OFFERING_UPDATE] = "UPDATE offerings SET name = $2, category = $3 WHERE code = $1",
    [S_OFFERING_BY_CODE] = "SELECT id, code, name, category FROM offerings WHERE code = $1",
    [S_OFFERING_GET] = "SELECT id, code, name, category FROM offerings WHERE id = $1",
    [S_OFFERING_LIST] = "SELECT id, code, name, category FROM offerings ORDER BY code",
    [S_OFFERING_REMOVE] = "DELETE FROM offerings WHERE id = $1",
    [S_OFFERING_EXISTS] = "SELECT 1 FROM offerings WHERE id = $1",
    [S_RATING_PUT] = "INSERT INTO offering_ratings(account_id, offering_id, importance,"
                     " performance, cost) VALUES ($1, $2, $3, $4, $5)"
                     " ON CONFLICT(account_id, offering_id) DO UPDATE SET"
                     " importance = excluded.importance, performance = excluded.performance,"
                     " cost = excluded.cost",
    [S_RATING_LIST] = "SELECT r.account_id, r.offering_id, r.importance, r.performance, r.cost,"
                      " o.code, o.name, o.category"
                      " FROM offering_ratings r JOIN offerings o ON o.id = r.offering_id"
                      " WHERE ($1::bigint = 0 OR r.account_id = $1)"
                      " ORDER BY r.account_id, o.code",
    [S_VALUE_ADD] = "INSERT INTO value_names(id, name) VALUES ((SELECT coalesce(max(id), 0) + 1"
                    " FROM value_names), $1) ON CONFLICT (id) DO NOTHING RETURNING id",
    [S_VALUE_REMOVE] = "DELETE FROM value_names WHERE name = $1",
    [S_VALUE_LIST] = "SELECT id, name FROM value_names ORDER BY name",
    [S_RANKING_CLEAR] = "DELETE FROM value_rankings WHERE account_id = $1",
    [S_RANKING_PUT] = "INSERT INTO value_rankings(account_id, value_id, rank)"
                      " SELECT $1::bigint, id, $3::bigint FROM value_names WHERE name = $2",
    [S_RANKING_LIST] =
        "SELECT v.account_id, v.rank, n.name"
        " FROM value_rankings v JOIN value_names n ON n.id = v.value_id"
        " WHERE ($1::bigint >= 0 AND v.account_id = $1) OR ($1 < 0 AND v.account_id <> 0)"
        " ORDER BY v.account_id, v.rank",
#define SIGNAL_COLUMNS "id, name, label, axis, direction, norm, p1, p2, weight, source"
    /* An upsert by name that gives a new signal the next id, as SQLite's rowid would. */
    [S_SIGNAL_PUT] = "WITH changed AS (UPDATE signals SET label = $2, axis = $3,"
                     " direction = $4, norm = $5, p1 = $6, p2 = $7, weight = $8, source = $9"
                     " WHERE name = $1 RETURNING id)"
                     " INSERT INTO signals(id, name, label, axis, direction, norm, p1, p2,"
                     " weight, source) SELECT (SELECT coalesce(max(id), 0) + 1 FROM signals),"
                     " $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE NOT EXISTS (SELECT 1 FROM changed)"
                     " ON CONFLICT (id) DO NOTHING",
    [S_SIGNAL_BY_NAME] = "SELECT " SIGNAL_COLUMNS " FROM signals WHERE name = $1",
    [S_SIGNAL_GET] = "SELECT " SIGNAL_COLUMNS " FROM signals WHERE id = $1",
    [S_SIGNAL_LIST] = "SELECT " SIGNAL_COLUMNS " FROM signals ORDER BY name",
    [S_SIGNAL_REMOVE] = "DELETE FROM signals WHERE id = $1",
    [S_SIGNAL_EXISTS] = "SELECT 1 FROM signals WHERE id = $1",
    [S_SIGNAL_VALUE_PUT] = "INSERT INTO signal_values(account_id, signal_id, date, value)"
                           " VALUES ($1, $2, $3, $4) ON CONFLICT(signal_id, account_id, date)"
                           " DO UPDATE SET value = excluded.value",
    /* The newest row per account. */
    [S_SIGNAL_LATEST] = "SELECT DISTINCT ON (account_id) account_id, signal_id, date, value"
                        " FROM signal_values WHERE signal_id = $1 AND date <= $2"
                        " AND ($3::bigint = 0 OR account_id = $3)"
                        " ORDER BY account_id, date DESC",
    [S_SIGNAL_HISTORY] = "SELECT v.account_id, v.signal_id, v.date, v.value"
                         " FROM signal_values v JOIN signals s ON s.id = v.signal_id"
                         " WHERE ($1::bigint = 0 OR v.account_id = $1)"
                         " ORDER BY v.account_id, s.name, v.date",
    [S_NETWORK_ADD] =
        "INSERT INTO network_entries(id, account_id, date, kind, title, rating, notes)"
        " VALUES ((SELECT coalesce(max(id), 0) + 1 FROM network_entries), $1, $2, $3,"
        " $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING id",
    [S_NETWORK_LIST] = "SELECT id, account_id, date, kind, title, rating, notes"
                       " FROM network_entries WHERE ($1::bigint = 0 OR account_id = $1)"
                       " ORDER BY date DESC, id DESC",
    [S_NETWORK_REMOVE] = "DELETE FROM network_entries WHERE id = $1",
    [S_NETWORK_MEANS] = "SELECT account_id, avg(rating), count(rating) FROM network_entries"
                        " WHERE date >= $1 AND date <= $2 AND rating IS NOT NULL"
                        " GROUP BY account_id ORDER BY account_id",

    /* The bulk reads of a portfolio scan. */
    [S_ASSESSMENT_SCAN] = "SELECT a.id, a.account_id, a.instrument_id, a.kind, a.stakeholder_id,"
                          " a.respondent, a.date, a.status, s.account_id, s.influence,"
                          " t.axes, t.intellectual_n, t.intellectual_sw, t.intellectual_swx,"
                          " t.intellectual_swx2, t.intellectual_sw2, t.emotional_n,"
                          " t.emotional_sw, t.emotional_swx, t.emotional_swx2, t.emotional_sw2"
                          " FROM assessments a LEFT JOIN stakeholders s ON s.id = a.stakeholder_id"
                          " LEFT JOIN assessment_totals t ON t.assessment_id = a.id"
                          "  AND t.instrument_id = a.instrument_id"
                          " WHERE a.status = 'complete' AND a.date <= $1"
                          " ORDER BY a.account_id, a.date, a.id",
    [S_RESPONSE_SCAN] = "SELECT assessment_id, item_code, value FROM responses"
                        " ORDER BY assessment_id, item_code",

    /* Assessment totals (migration 14): the ones kept, by assessment; keeping one; and what
     * keeping them holds meanwhile so that no answer changes under it. */
    [S_TOTALS_SCAN] = "SELECT " TOTALS_COLUMNS " FROM assessment_totals ORDER BY assessment_id",
    [S_TOTALS_PUT] = "INSERT INTO assessment_totals(" TOTALS_COLUMNS ")"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7,"
                     " $8, $9, $10, $11, $12, $13)"
                     " ON CONFLICT(assessment_id) DO UPDATE SET"
                     " instrument_id = excluded.instrument_id, axes = excluded.axes,"
                     " intellectual_n = excluded.intellectual_n,"
                     " intellectual_sw = excluded.intellectual_sw,"
                     " intellectual_swx = excluded.intellectual_swx,"
                     " intellectual_swx2 = excluded.intellectual_swx2,"
                     " intellectual_sw2 = excluded.intellectual_sw2,"
                     " emotional_n = excluded.emotional_n, emotional_sw = excluded.emotional_sw,"
                     " emotional_swx = excluded.emotional_swx,"
                     " emotional_swx2 = excluded.emotional_swx2,"
                     " emotional_sw2 = excluded.emotional_sw2",
    [S_TOTALS_LOCK] = "LOCK TABLE responses IN SHARE MODE",
    [S_TOTALS_WAIT] = "SET LOCAL lock_timeout = '2s'",

    /* Moving a whole database (store/copy.c). The source is read in one snapshot; a table is
     * read through a cursor a batch at a time, so that a large one is never held in memory
     * whole, and written by COPY FROM STDIN (postgres/conn.c), whose references are checked
     * at its end: an account may name a parent that comes after it, and nothing needs
     * deferring. */
    [S_COPY_SNAPSHOT] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    [S_COPY_DEFER] = NULL,
    [S_COPY_FETCH] = "FETCH FORWARD 5000 FROM cvom_rows",
    [S_COPY_CLOSE] = "CLOSE cvom_rows",
    [S_COPY_TABLES] = "SELECT table_name FROM information_schema.tables"
                      " WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    [S_COPY_COLUMNS] = "SELECT column_name, CASE data_type WHEN 'bigint' THEN 'i'"
                       " WHEN 'double precision' THEN 'r' WHEN 'text' THEN 't' ELSE '?' END"
                       " FROM information_schema.columns WHERE table_schema = current_schema()"
                       " AND table_name = $1 ORDER BY ordinal_position",
    CVOM_COPY_TABLES(COPY_SQL, )};
