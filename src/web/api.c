/* api.c — the JSON API under /api/v1: its route table, its OpenAPI description, and CSV
 * imports through the shared import engine. The handlers live in api_accounts.c,
 * api_assess.c and api_score.c; what they share is in api_util.c. */
#include "web/api_util.h"

#include "io/csv.h"
#include "service/batch.h"
#include "service/import.h"
#include "io/util.h"
#include "web/auth.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

extern const unsigned char cvom__openapi_json[];
extern const size_t cvom__openapi_json_len;

/* GET /api/v1/openapi.json: the description of this API, public. */
static int api_openapi(struct web_req *r)
{
    buf_add(&r->out, cvom__openapi_json, cvom__openapi_json_len);
    r->out_type = "application/json";
    snprintf(r->cache, sizeof r->cache, "public, max-age=300");
    return 200;
}

/* ---- query parameters: those the description gives, no others ---------------------------- */

static json_t *description;
static pthread_once_t description_once = PTHREAD_ONCE_INIT;

static void description_load(void)
{
    description = json_loadb((const char *)cvom__openapi_json, cvom__openapi_json_len, 0, NULL);
}

/* A parameter object, following a local "$ref" such as "#/components/parameters/Limit". */
static json_t *parameter(json_t *p)
{
    const char *ref = json_string_value(json_object_get(p, "$ref"));
    static const char prefix[] = "#/components/parameters/";
    if (!ref)
        return p;
    if (strncmp(ref, prefix, sizeof prefix - 1) != 0)
        return NULL;
    return json_object_get(
        json_object_get(json_object_get(description, "components"), "parameters"),
        ref + sizeof prefix - 1);
}

static int same(json_t *v, const char *text)
{
    return json_is_string(v) && strcmp(json_string_value(v), text) == 0;
}

/* Whether the operation's parameters (its own and its path's) have a query parameter name. */
static int described(json_t *path, json_t *op, const char *name)
{
    json_t *lists[] = {json_object_get(path, "parameters"), json_object_get(op, "parameters")};
    for (size_t l = 0; l < 2; l++) {
        size_t i;
        json_t *p;
        json_array_foreach(lists[l], i, p)
        {
            json_t *d = parameter(p);
            if (d && same(json_object_get(d, "in"), "query") &&
                same(json_object_get(d, "name"), name))
                return 1;
        }
    }
    return 0;
}

int web_api_query_check(struct web_req *r, const char *pattern)
{
    static const char *const ops[M_COUNT] = {"get", "get", "post", "put", "patch", "delete", ""};
    pthread_once(&description_once, description_load);
    const struct form *q = web_query_form(r);
    if (!q)
        return api_invalid(r, "query",
                           "The query string is malformed: a bad %-escape, %00 or "
                           "text that is not UTF-8.");
    json_t *path = json_object_get(json_object_get(description, "paths"), pattern);
    json_t *op = json_object_get(path, ops[r->method]);
    for (size_t i = 0; i < q->n; i++) {
        if (op && described(path, op, q->f[i].name))
            continue;
        char field[CVOM_FIELD_MAX], msg[CVOM_FIELD_MAX + 96];
        cvom__copy_str(field, sizeof field, q->f[i].name);
        snprintf(msg, sizeof msg,
                 "There is no query parameter '%s' here; "
                 "see /api/v1/openapi.json.",
                 field);
        return api_invalid(r, field, msg);
    }
    return 0;
}

/* ---- POST /api/v1/imports ----------------------------------------------------------------- */

struct import_req {
    enum cvom_import_kind kind;
    int dry_run;
    struct cvom_csv_opts csv;
    struct cvom_import_opts o;
    struct cvom_import_map map[CVOM_IMPORT_MAP_MAX];
    char text[CVOM_IMPORT_MAP_MAX][2][CVOM_FIELD_MAX]; /* the map's columns and fields */
    size_t n_map;
    int bad_map; /* 1: a map value without '=', 2: an unknown field, 3: too many */
    const char *bad_value;
};

/* Each ?map=COLUMN=FIELD, copied and split at its first '='. */
static void map_arg(struct import_req *q, const char *key, const char *value)
{
    if (!key || strcmp(key, "map") != 0 || q->bad_map)
        return;
    const char *eq = value ? strchr(value, '=') : NULL;
    q->bad_value = value ? value : "";
    if (!eq || (size_t)(eq - value) >= CVOM_FIELD_MAX || strlen(eq + 1) >= CVOM_FIELD_MAX)
        q->bad_map = 1;
    else if (cvom__import_field_index(q->kind, eq + 1) < 0)
        q->bad_map = 2;
    else if (q->n_map == CVOM_IMPORT_MAP_MAX)
        q->bad_map = 3;
    if (q->bad_map)
        return;
    char *column = q->text[q->n_map][0], *field = q->text[q->n_map][1];
    memcpy(column, value, (size_t)(eq - value));
    column[eq - value] = '\0';
    cvom__copy_str(field, CVOM_FIELD_MAX, eq + 1);
    q->map[q->n_map].column = column;
    q->map[q->n_map].field = field;
    q->n_map++;
    return;
}

static int import_params(struct web_req *r, struct import_req *q)
{
    const char *kind = web_query(r, "kind"), *v;
    int k = kind ? cvom__import_kind_parse_all(kind) : -1;
    if (k < 0)
        return api_invalid(r, "kind",
                           "kind must be accounts, stakeholders, responses, "
                           "offerings, ratings, values, signals or network.");
    q->kind = (enum cvom_import_kind)k;
    /* The catalogue and the value hierarchies are the whole team's. */
    if ((q->kind == CVOM_IMPORT_OFFERINGS || q->kind == CVOM_IMPORT_VALUES) &&
        r->user.role != CVOM_ROLE_ADMIN)
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Only an administrator may import offerings or values.");
    if ((v = web_query(r, "dry_run")) && v[0] && cvom__parse_bool(v, &q->dry_run))
        return api_invalid(r, "dry_run", "dry_run must be 1 or 0.");
    cvom__csv_opts_init(&q->csv);
    q->csv.delimiter = 0; /* detected from the header line, as on the command line */
    cvom__import_opts_init(&q->o);
    int e = (v = web_query(r, "encoding")) && v[0] ? cvom__encoding_parse(v) : CVOM_ENC_UTF8;
    if (e < 0)
        return api_invalid(r, "encoding", "encoding must be utf-8 or windows-1252.");
    q->csv.encoding = (enum cvom_encoding)e;
    q->o.default_date = api_today();
    if ((v = web_query(r, "date")) && v[0] && cvom_date_parse(v, &q->o.default_date))
        return api_invalid(r, "date", "date must be a date YYYY-MM-DD.");
    const struct form *query = web_query_form(r);
    for (size_t i = 0; query && i < query->n; i++)
        map_arg(q, query->f[i].name, query->f[i].value);
    if (q->bad_map) {
        static const char *const why[] = {"", "map takes COLUMN=FIELD", "no such field",
                                          "too many map pairs"};
        char msg[CVOM_FIELD_MAX + 64];
        snprintf(msg, sizeof msg, "%s: %.*s", why[q->bad_map], CVOM_FIELD_MAX, q->bad_value);
        return api_invalid(r, "map", msg);
    }
    q->o.map = q->map;
    q->o.n_map = q->n_map;
    /* A manager imports only into the accounts they own; without a display name they own
     * none (an empty scope would be no scope at all). */
    if (r->user.role == CVOM_ROLE_MANAGER && !r->user.display[0])
        return web_refuse(r, WEB_FORBIDDEN, NULL,
                          "Your user has no display name, so it owns no accounts "
                          "to import into.");
    if (r->user.role == CVOM_ROLE_MANAGER)
        q->o.owner_scope = r->user.display;
    return 0;
}

/* The instrument responses are recorded against: ?instrument, else the newest "default". */
static int import_instrument(struct web_req *r, struct import_req *q)
{
    const char *v = web_query(r, "instrument");
    if (q->kind != CVOM_IMPORT_RESPONSES)
        return 0;
    if (!v || !v[0])
        v = "default";
    if (strlen(v) >= CVOM_NAME_MAX)
        return api_invalid(r, "instrument", "There is no such instrument.");
    enum cvom_status st =
        r->store->ops->instrument_latest(r->store, v, &q->o.instrument_id, &r->err);
    if (st == CVOM_ENOTFOUND)
        return api_invalid(r, "instrument", "There is no such instrument.");
    return st ? web_fail(r, st, &r->err) : 0;
}

static int is_csv_type(const char *ct)
{
    static const char want[] = "text/csv";
    if (!ct || strncasecmp(ct, want, sizeof want - 1) != 0)
        return 0;
    char next = ct[sizeof want - 1];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

static json_t *import_json(const struct import_req *q, const struct cvom_import_result *res)
{
    const struct cvom_field_def *fields = cvom__import_fields(q->kind);
    json_t *cols = json_array();
    for (size_t i = 0; i < res->n_columns && i < CVOM_IMPORT_COLUMNS_MAX; i++) {
        const struct cvom_import_column *c = &res->columns[i];
        json_array_append_new(
            cols,
            json_pack("{s:o, s:i, s:o}", "name", api_str(c->name), "column", (int)c->column,
                      "field", c->field >= 0 ? json_string(fields[c->field].name) : json_null()));
    }
    return json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:o}", "kind", cvom__import_kind_name(q->kind),
                     "dry_run", q->dry_run, "rows", (json_int_t)res->rows, "added",
                     (json_int_t)res->added, "updated", (json_int_t)res->updated, "header_line",
                     (json_int_t)res->header_line, "columns", cols);
}

/* A refusal of an uploaded file: bad input is 422 with file, line and column in the message
 * and the field at fault, when known; anything else maps as usual. */
static int upload_error(struct web_req *r, enum cvom_status st, const char *field)
{
    if (st != CVOM_EPARSE && st != CVOM_EINVAL && st != CVOM_ELIMIT && st != CVOM_ENOTFOUND &&
        st != CVOM_EEXIST)
        return web_fail(r, st, &r->err);
    char msg[sizeof r->err.message + sizeof r->err.file + 64];
    if (r->err.line > 0) {
        snprintf(msg, sizeof msg, "%s:%ld:%ld: %s", r->err.file, r->err.line,
                 r->err.column > 0 ? r->err.column : 1L, r->err.message);
        r->err_line = r->err.line; /* also as members of the error, for scripts */
        r->err_column = r->err.column > 0 ? r->err.column : 1L;
    } else if (r->err.file[0])
        snprintf(msg, sizeof msg, "%s: %s", r->err.file, r->err.message);
    else
        snprintf(msg, sizeof msg, "%s", r->err.message);
    return web_refuse(r, WEB_INVALID, r->err.field[0] ? r->err.field : field, msg);
}

/* A failed import, with the field of the column at fault when the error names a cell. */
static int import_error(struct web_req *r, enum cvom_status st, const struct import_req *q,
                        const struct cvom_import_result *res)
{
    const char *field = NULL;
    const struct cvom_field_def *fields = cvom__import_fields(q->kind);
    for (size_t i = 0;
         !field && res->error_cell > 0 && i < res->n_columns && i < CVOM_IMPORT_COLUMNS_MAX; i++)
        if (res->columns[i].column == res->error_cell && res->columns[i].field >= 0)
            field = fields[res->columns[i].field].name;
    return upload_error(r, st, field);
}

/* An import makes or changes many records: its Location is the list they are in, where the
 * API has one for the kind (accounts for those in accounts' own lists). */
static void import_location(struct web_req *r, enum cvom_import_kind kind)
{
    const char *where = kind == CVOM_IMPORT_OFFERINGS ? "/api/v1/offerings"
                        : kind == CVOM_IMPORT_SIGNALS ? "/api/v1/signals"
                                                      : "/api/v1/accounts";
    snprintf(r->location, sizeof r->location, "%s", where);
}

static int api_import(struct web_req *r)
{
    if (!is_csv_type(r->content_type))
        return web_refuse(r, WEB_UNSUPPORTED_TYPE, NULL, "The body must be CSV, sent as text/csv.");
    struct import_req *q = calloc(1, sizeof *q);
    struct cvom_import_result *res = calloc(1, sizeof *res);
    struct cvom_csv *csv = NULL;
    int rc = !q || !res ? web_fail(r, CVOM_ENOMEM, NULL) : 0;
    if (!rc && !(rc = import_params(r, q)) && !(rc = import_instrument(r, q))) {
        enum cvom_status st = cvom__csv_open_mem(r->body.p ? r->body.p : "", r->body.len,
                                                 "upload.csv", &q->csv, &csv, &r->err);
        if (st)
            rc = import_error(r, st, q, res);
    }
    if (!rc && !(rc = api_begin(r))) {
        struct cvom_import_source src = {.csv = csv};
        enum cvom_status st =
            cvom__import_run(r->store, q->kind, &src, "upload.csv", &q->o, res, &r->err);
        if (st) {
            r->store->ops->rollback(r->store);
            rc = import_error(r, st, q, res);
        } else if (q->dry_run) {
            r->store->ops->rollback(r->store);
        } else {
            char detail[128];
            snprintf(detail, sizeof detail, "%zu rows via the API: %zu added, %zu updated",
                     res->rows, res->added, res->updated);
            web_audit(r, "import", cvom__import_kind_name(q->kind), detail);
            rc = api_finish(r, CVOM_OK);
        }
    }
    if (!rc && !q->dry_run)
        import_location(r, q->kind);
    if (!rc)
        rc = api_send(r, q->dry_run ? 200 : 201, import_json(q, res));
    cvom__csv_close(csv);
    free(q);
    free(res);
    return rc;
}

/* ---- POST /api/v1/scores ------------------------------------------------------------------ */

/* Score a responses file with no database write: the engine and the output of `cvom score
 * --input` (service/batch.h), with the team's instrument from the store. The upload goes to
 * an unlinked temporary file because the engine reads a descriptor. */
static enum cvom_status score_upload(struct web_req *r, const struct cvom_instrument *ins,
                                     int exact, char **text, size_t *len)
{
    FILE *in = tmpfile();
    if (!in)
        return cvom_error_set(&r->err, CVOM_EIO, "no room for the upload: %s", strerror(errno));
    enum cvom_status st = CVOM_OK;
    if (r->body.len && fwrite(r->body.p, 1, r->body.len, in) != r->body.len)
        st = cvom_error_set(&r->err, CVOM_EIO, "no room for the upload: %s", strerror(errno));
    if (!st && (fflush(in) || fseek(in, 0, SEEK_SET)))
        st = cvom_error_set(&r->err, CVOM_EIO, "no room for the upload: %s", strerror(errno));
    FILE *out = st ? NULL : open_memstream(text, len);
    if (!st && !out)
        st = cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    if (!st) {
        struct cvom_batch_options o = {.input = "upload.csv",
                                       .input_fd = fileno(in),
                                       .input_open = 1,
                                       .out = out,
                                       .items = ins,
                                       .threads = 1,
                                       .exact = exact,
                                       .csv_guard = 1};
        st = cvom__batch_score(&o, &r->err);
    }
    if (out && fclose(out) && !st)
        st = cvom_error_set(&r->err, CVOM_ENOMEM, "out of memory");
    fclose(in);
    return st;
}

static int api_scores(struct web_req *r)
{
    if (!is_csv_type(r->content_type))
        return web_refuse(r, WEB_UNSUPPORTED_TYPE, NULL, "The body must be CSV, sent as text/csv.");
    const char *name = web_query(r, "instrument"), *v;
    int exact = 0;
    if ((v = web_query(r, "exact")) && v[0] && cvom__parse_bool(v, &exact))
        return api_invalid(r, "exact", "exact must be 1 or 0.");
    if (!name || !name[0])
        name = "default";
    if (strlen(name) >= CVOM_NAME_MAX)
        return api_invalid(r, "instrument", "There is no such instrument.");
    int64_t id = 0;
    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    enum cvom_status st = r->store->ops->instrument_latest(r->store, name, &id, &r->err);
    if (st == CVOM_ENOTFOUND)
        return api_invalid(r, "instrument", "There is no such instrument.");
    if (!st)
        st = r->store->ops->instrument_get(r->store, id, &ins, &r->err);
    char *text = NULL;
    size_t len = 0;
    if (!st)
        st = score_upload(r, &ins, exact, &text, &len);
    cvom_instrument_cleanup(&ins);
    int rc = st ? upload_error(r, st, NULL) : 0;
    if (!rc) {
        buf_reset(&r->out);
        buf_add(&r->out, text, len);
        if (r->out.failed)
            rc = web_fail(r, CVOM_ENOMEM, NULL);
    }
    free(text);
    if (rc)
        return rc;
    r->out_type = "text/csv; charset=utf-8";
    return 200;
}

/* ---- routes ------------------------------------------------------------------------------ */

/* Reads are open to every signed-in user, writes to managers (on their own accounts) and
 * admins. A browser session must send its CSRF token with writes; a bearer token need not. */
const struct web_route web_api_routes[] = {
    {M_GET, "/api/v1/openapi.json", api_openapi, A_PUBLIC, 0},
    {M_GET, "/api/v1/accounts", api_accounts_list, A_VIEWER, 0},
    {M_POST, "/api/v1/accounts", api_accounts_create, A_MANAGER, 0},
    {M_GET, "/api/v1/accounts/{id}", api_account_get, A_VIEWER, 0},
    {M_PATCH, "/api/v1/accounts/{id}", api_account_patch, A_MANAGER, 0},
    {M_DELETE, "/api/v1/accounts/{id}", api_account_delete, A_MANAGER, 0},
    {M_GET, "/api/v1/accounts/{id}/stakeholders", api_stakeholders_list, A_VIEWER, 0},
    {M_POST, "/api/v1/accounts/{id}/stakeholders", api_stakeholders_create, A_MANAGER, 0},
    {M_GET, "/api/v1/accounts/{id}/stakeholders/{sid}", api_stakeholder_get, A_VIEWER, 0},
    {M_PATCH, "/api/v1/accounts/{id}/stakeholders/{sid}", api_stakeholder_patch, A_MANAGER, 0},
    {M_DELETE, "/api/v1/accounts/{id}/stakeholders/{sid}", api_stakeholder_delete, A_MANAGER, 0},
    {M_GET, "/api/v1/accounts/{id}/assessments", api_assessments_list, A_VIEWER, 0},
    {M_POST, "/api/v1/accounts/{id}/assessments", api_assessments_create, A_MANAGER, 0},
    {M_GET, "/api/v1/accounts/{id}/score", api_account_score, A_VIEWER, 0},
    {M_GET, "/api/v1/accounts/{id}/explanation", api_account_explanation, A_VIEWER, 0},
    {M_GET, "/api/v1/accounts/{id}/group", api_account_group, A_VIEWER, 0},
    {M_GET, "/api/v1/accounts/{id}/history", api_account_history, A_VIEWER, 0},
    {M_GET, "/api/v1/matrix", api_matrix, A_VIEWER, 0},
    {M_POST, "/api/v1/imports", api_import, A_MANAGER, 0},
    {M_POST, "/api/v1/scores", api_scores, A_VIEWER, 0},
    {M_GET, "/api/v1/instruments", api_instruments_list, A_VIEWER, 0},
    {M_GET, "/api/v1/instruments/{id}", api_instrument_get, A_VIEWER, 0},
    {0, NULL, NULL, 0, 0},
};
