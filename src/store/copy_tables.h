/* copy_tables.h — the tables a whole-database copy moves (store/copy.c), parents before the
 * tables that refer to them, each with its columns in the schema's order, their kinds (i a
 * whole number, r a real number, t text), how many there are, and the key its rows are read
 * in. Both dialects' statements are written from this one list, and the copy checks it
 * against the schema before it starts, so that a column a later migration adds cannot be
 * left behind unnoticed.
 *
 * CVOM_COPY_TABLES(T, A) calls T(A, ID, "name", "columns", "kinds", count, "key") per table;
 * A is passed through, so that the statement list can hand its own X along.
 */
#ifndef CVOM_STORE_COPY_TABLES_H
#define CVOM_STORE_COPY_TABLES_H

#define CVOM_COPY_TABLES(T, A)                                                                     \
    T(A, ACCOUNTS, "accounts",                                                                     \
      "id, external_id, name, owner, parent_id, revenue, potential, currency, industry, region, "  \
      "tags, notes, created_at, updated_at, version",                                              \
      "itttirrttttttti", 15, "id")                                                                 \
    T(A, STAKEHOLDERS, "stakeholders",                                                             \
      "id, account_id, external_id, name, role, influence, stance, email, created_at, "            \
      "updated_at, "                                                                               \
      "language, reports_to, last_contact, channel, counterpart, notes",                           \
      "iitttrtttttiittt", 16, "id")                                                                \
    T(A, INSTRUMENTS, "instruments", "id, name, version, min_items, created_at", "itiit", 5, "id") \
    T(A, ITEMS, "items",                                                                           \
      "instrument_id, position, code, axis, reverse, weight, scale_min, scale_max, statement, "    \
      "construct, respondent",                                                                     \
      "iittiriittt", 11, "instrument_id, position")                                                \
    T(A, INSTRUMENT_TEXTS, "instrument_texts", "instrument_id, lang, key, text", "ittt", 4,        \
      "instrument_id, lang, key")                                                                  \
    T(A, ASSESSMENTS, "assessments",                                                               \
      "id, account_id, instrument_id, kind, stakeholder_id, respondent, date, status, "            \
      "created_at, updated_at",                                                                    \
      "iiititittt", 10, "id")                                                                      \
    T(A, ASSESSMENT_COMMENTS, "assessment_comments", "assessment_id, comment", "it", 2,            \
      "assessment_id")                                                                             \
    T(A, RESPONSES, "responses", "assessment_id, item_code, value", "itr", 3,                      \
      "assessment_id, item_code")                                                                  \
    T(A, SNAPSHOTS, "snapshots",                                                                   \
      "account_id, date, intellectual, intellectual_se, intellectual_lo, intellectual_hi, "        \
      "intellectual_respondents, intellectual_self, emotional, emotional_se, emotional_lo, "       \
      "emotional_hi, emotional_respondents, emotional_self, quadrant, state",                      \
      "iirrrrirrrrrirtt", 16, "account_id, date")                                                  \
    T(A, SETTINGS, "settings", "key, value", "tt", 2, "key")                                       \
    T(A, USERS, "users", "id, name, display, role, password, disabled, created", "ittttii", 7,     \
      "id")                                                                                        \
    T(A, SESSIONS, "sessions", "id, user_id, csrf, created, seen", "titii", 5, "id")               \
    T(A, API_TOKENS, "api_tokens", "id, user_id, name, hash, created, used", "iittii", 6, "id")    \
    T(A, AUDIT_LOG, "audit_log", "id, at, actor, action, target, detail, address", "iittttt", 7,   \
      "id")                                                                                        \
    T(A, LOGIN_FAILURES, "login_failures", "key, at", "ti", 2, "key, at")                          \
    T(A, SURVEY_LINKS, "survey_links",                                                             \
      "hash, account_id, stakeholder_id, instrument_id, created, expires, used, assessment_id, "   \
      "created_by, language, draft, draft_comment",                                                \
      "tiiiiiiitttt", 12, "hash")                                                                  \
    T(A, CAMPAIGNS, "campaigns",                                                                   \
      "id, name, language, instrument_id, created, closes, closed, created_by", "ittiiiit", 8,     \
      "id")                                                                                        \
    T(A, CAMPAIGN_LINKS, "campaign_links",                                                         \
      "campaign_id, stakeholder_id, account_id, hash, secret, opened, started", "iiittii", 7,      \
      "campaign_id, stakeholder_id")                                                               \
    T(A, CAMPAIGN_SENDS, "campaign_sends",                                                         \
      "id, campaign_id, stakeholder_id, round, state, at, "                                        \
      "error",                                                                                     \
      "iiiitit", 7, "id")                                                                          \
    T(A, ACTIONS, "actions",                                                                       \
      "id, account_id, title, owner, due, axis, effect, cost, play, status, created, done, "       \
      "version",                                                                                   \
      "iittitrrttiii", 13, "id")                                                                   \
    T(A, PLAYBOOK, "playbook", "position, key, title, play, axis, cost", "ittttt", 6, "position")  \
    T(A, OFFERINGS, "offerings", "id, code, name, category", "ittt", 4, "id")                      \
    T(A, OFFERING_RATINGS, "offering_ratings",                                                     \
      "account_id, offering_id, importance, performance, cost", "iirrr", 5,                        \
      "account_id, offering_id")                                                                   \
    T(A, VALUE_NAMES, "value_names", "id, name", "it", 2, "id")                                    \
    T(A, VALUE_RANKINGS, "value_rankings", "account_id, value_id, rank", "iii", 3,                 \
      "account_id, value_id")                                                                      \
    T(A, SIGNALS, "signals", "id, name, label, axis, direction, norm, p1, p2, weight, source",     \
      "itttitrrrt", 10, "id")                                                                      \
    T(A, SIGNAL_VALUES, "signal_values", "account_id, signal_id, date, value", "iiir", 4,          \
      "signal_id, account_id, date")                                                               \
    T(A, NETWORK_ENTRIES, "network_entries", "id, account_id, date, kind, title, rating, notes",   \
      "iiittrt", 7, "id")

#endif
