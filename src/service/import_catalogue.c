/* import_catalogue.c — the rows of offerings, ratings, value rankings, signal values and
 * network ledger entries. Each kind that stores one record per key (an offering's code, an
 * account's rating of an offering, a place in a ranking, a measure on a date) refuses a
 * second row with the same key, naming both lines. */
#include "service/import_internal.h"

#include "io/util.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- offerings, ratings and value rankings ------------------------------------------ */

enum cvom_status cvom__import_offering(struct importer *im)
{
    struct cvom_offering o;
    memset(&o, 0, sizeof o);
    const struct cvom_csv_field *fc = cvom__imp_cell(im, "code"), *fn = cvom__imp_cell(im, "name");
    const struct cvom_csv_field *fk = cvom__imp_cell(im, "category");
    if (!fc || !fn)
        return cvom__imp_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    if (cvom__copy_str(o.code, sizeof o.code, fc->s) || !cvom__trim(o.code)[0])
        return cvom__imp_error(im, fc, CVOM_EINVAL, "code must be 1 to 63 bytes of text");
    if (cvom__copy_str(o.name, sizeof o.name, fn->s) || !cvom__trim(o.name)[0])
        return cvom__imp_error(im, fn, CVOM_EINVAL, "name must be 1 to 127 bytes of text");
    if (fk && cvom__copy_str(o.category, sizeof o.category, fk->s))
        return cvom__imp_error(im, fk, CVOM_ELIMIT, "category is longer than 127 bytes");
    cvom__trim(o.category);
    char key[CVOM_OFFERING_CODE_MAX + 4], what[CVOM_OFFERING_CODE_MAX + 16];
    snprintf(key, sizeof key, "o|%s", o.code);
    snprintf(what, sizeof what, "code '%s'", o.code);
    enum cvom_status s = cvom__imp_once(im, key, fc, what);
    if (s)
        return s;
    /* A known code updates its offering. */
    s = im->st->ops->offering_update(im->st, &o, im->err);
    if (s == CVOM_ENOTFOUND) {
        if ((s = im->st->ops->offering_add(im->st, &o, im->err)) == CVOM_OK)
            im->res->added++;
    } else if (s == CVOM_OK) {
        im->res->updated++;
    }
    return s ? cvom__imp_error(im, NULL, s, im->err->message) : CVOM_OK;
}

static enum cvom_status rating_number(struct importer *im, const char *field, double dflt,
                                      double *out)
{
    const struct cvom_csv_field *f = cvom__imp_cell(im, field);
    if (!f || f->len == 0) {
        if (isnan(dflt))
            return cvom__imp_error(im, f, CVOM_EINVAL, "a rating needs importance and performance");
        *out = dflt;
        return CVOM_OK;
    }
    if (cvom__parse_double(f->s, out)) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s: '%.40s' is not a number%s", field, f->s,
                 isnan(dflt) ? " from 1 to 7" : " of 0 or more");
        return cvom__imp_error(im, f, CVOM_EINVAL, msg);
    }
    return CVOM_OK;
}

enum cvom_status cvom__import_rating(struct importer *im)
{
    struct cvom_offering_rating r;
    memset(&r, 0, sizeof r);
    struct cvom_account a;
    enum cvom_status s = cvom__imp_find_account(im, "account", &a);
    if (s)
        return s;
    const struct cvom_csv_field *fo = cvom__imp_cell(im, "offering");
    if (!fo)
        return cvom__imp_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    struct cvom_offering o;
    s = im->st->ops->offering_find(im->st, fo->s, &o, im->err);
    if (s == CVOM_ENOTFOUND) {
        char msg[200];
        snprintf(msg, sizeof msg, "no offering '%.100s' (import the offerings first)", fo->s);
        return cvom__imp_error(im, fo, s, msg);
    }
    if (s)
        return cvom__imp_error(im, fo, s, im->err->message);
    if ((s = rating_number(im, "importance", NAN, &r.r.importance)) != CVOM_OK ||
        (s = rating_number(im, "performance", NAN, &r.r.performance)) != CVOM_OK ||
        (s = rating_number(im, "cost", 0, &r.r.cost)) != CVOM_OK)
        return s;
    if ((s = cvom_offer_rating_validate(&r.r, im->err)) != CVOM_OK)
        return cvom__imp_error(im, cvom__imp_cell(im, im->err->field), s, im->err->message);
    char key[64], what[CVOM_FIELD_MAX + CVOM_OFFERING_CODE_MAX + 40];
    snprintf(key, sizeof key, "r|%" PRId64 "|%" PRId64, a.id, o.id);
    snprintf(what, sizeof what, "the rating of '%s' by '%.60s'", o.code, a.name);
    if ((s = cvom__imp_once(im, key, fo, what)) != CVOM_OK)
        return s;
    r.account_id = a.id;
    r.offering_id = o.id;
    if ((s = im->st->ops->rating_put(im->st, &r, im->err)) != CVOM_OK)
        return cvom__imp_error(im, NULL, s, im->err->message);
    im->res->added++; /* ratings stored, new or replaced */
    return CVOM_OK;
}

/* The first row of a hierarchy in this file clears what the database held for it. */
static enum cvom_status start_ranking(struct importer *im, int64_t account_id)
{
    for (size_t i = 0; i < im->n_ranked; i++)
        if (im->ranked[i] == account_id)
            return CVOM_OK;
    int64_t *g =
        cvom__grow(im->ranked, &im->cap_ranked, im->n_ranked + 1, sizeof *g, (size_t)1 << 26);
    if (!g)
        return cvom_error_set(im->err, CVOM_ENOMEM, "out of memory");
    im->ranked = g;
    im->ranked[im->n_ranked++] = account_id;
    enum cvom_status s = im->st->ops->ranking_clear(im->st, account_id, im->err);
    if (s)
        return cvom__imp_error(im, NULL, s, im->err->message);
    im->res->added++;
    return CVOM_OK;
}

enum cvom_status cvom__import_value(struct importer *im)
{
    const struct cvom_csv_field *fa = cvom__imp_cell(im, "account"),
                                *fv = cvom__imp_cell(im, "value");
    const struct cvom_csv_field *fr = cvom__imp_cell(im, "rank");
    if (!fa || !fv || !fr)
        return cvom__imp_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    long rank;
    if (cvom__parse_long(fr->s, 1, CVOM_VALUES_MAX, &rank)) {
        char msg[120];
        snprintf(msg, sizeof msg, "rank: '%.40s' is not a whole number from 1 to %d", fr->s,
                 CVOM_VALUES_MAX);
        return cvom__imp_error(im, fr, CVOM_EINVAL, msg);
    }
    char value[CVOM_VALUE_NAME_MAX];
    if (cvom__copy_str(value, sizeof value, fv->s) || !cvom__trim(value)[0])
        return cvom__imp_error(im, fv, CVOM_EINVAL, "value must be 1 to 63 bytes of text");
    int64_t account_id = 0;
    enum cvom_status s;
    if (strcmp(fa->s, "ours") != 0) {
        struct cvom_account a;
        if ((s = cvom__imp_find_account(im, "account", &a)) != CVOM_OK)
            return s;
        account_id = a.id;
    }
    char key[CVOM_VALUE_NAME_MAX + 48], what[CVOM_VALUE_NAME_MAX + 48];
    snprintf(key, sizeof key, "k|%" PRId64 "|%ld", account_id, rank);
    snprintf(what, sizeof what, "rank %ld of this ranking", rank);
    if ((s = cvom__imp_once(im, key, fr, what)) != CVOM_OK)
        return s;
    snprintf(key, sizeof key, "v|%" PRId64 "|%s", account_id, value);
    snprintf(what, sizeof what, "the value '%s' in this ranking", value);
    if ((s = cvom__imp_once(im, key, fv, what)) != CVOM_OK)
        return s;
    if ((s = start_ranking(im, account_id)) != CVOM_OK)
        return s;
    s = im->st->ops->ranking_put(im->st, account_id, value, (int)rank, im->err);
    if (s == CVOM_EEXIST) {
        char msg[200];
        snprintf(msg, sizeof msg, "this ranking already has rank %ld or the value '%.60s'", rank,
                 value);
        return cvom__imp_error(im, fr, s, msg);
    }
    if (s)
        return cvom__imp_error(im, s == CVOM_ENOTFOUND ? fv : NULL, s, im->err->message);
    im->res->updated++;
    return CVOM_OK;
}

/* ---- signal values and the network ledger -------------------------------------------- */

enum cvom_status cvom__import_signal(struct importer *im)
{
    const struct cvom_csv_field *fg = cvom__imp_cell(im, "signal"),
                                *fv = cvom__imp_cell(im, "value");
    if (!fg || !fv)
        return cvom__imp_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    struct cvom_signal_value v = {0};
    enum cvom_status s;
    /* Consecutive rows usually name the same signal: look it up once per change. */
    if (strcmp(fg->s, im->signal.def.name) != 0 || !im->signal.id) {
        s = im->st->ops->signal_find(im->st, fg->s, &im->signal, im->err);
        if (s) {
            im->signal.id = 0;
            return cvom__imp_error(im, fg, s, im->err->message);
        }
    }
    if (im->signal.source == CVOM_SIGNAL_LEDGER) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "%.60s comes from the network ledger (import network "
                 "entries instead)",
                 im->signal.def.name);
        return cvom__imp_error(im, fg, CVOM_EINVAL, msg);
    }
    if (fv->len == 0)
        return CVOM_OK; /* not measured */
    if (cvom__parse_double(fv->s, &v.value) || !(fabs(v.value) <= 1e300)) {
        char msg[160];
        snprintf(msg, sizeof msg, "value: '%.40s' is not a number", fv->s);
        return cvom__imp_error(im, fv, CVOM_EINVAL, msg);
    }
    if ((s = cvom__imp_date(im, cvom__imp_cell(im, "date"), &v.date)) != CVOM_OK)
        return s;
    struct cvom_account a;
    if ((s = cvom__imp_find_account(im, "account", &a)) != CVOM_OK)
        return s;
    v.account_id = a.id;
    v.signal_id = im->signal.id;
    char key[80], what[CVOM_FIELD_MAX + 64], date[11];
    cvom_date_format(v.date, date);
    snprintf(key, sizeof key, "g|%" PRId64 "|%" PRId64 "|%" PRId32, a.id, v.signal_id, v.date);
    snprintf(what, sizeof what, "%.40s of '%.60s' on %s", im->signal.def.name, a.name, date);
    if ((s = cvom__imp_once(im, key, fv, what)) != CVOM_OK)
        return s;
    if ((s = im->st->ops->signal_value_put(im->st, &v, im->err)) != CVOM_OK)
        return cvom__imp_error(im, NULL, s, im->err->message);
    im->res->added++; /* values stored, new or replaced */
    return CVOM_OK;
}

enum cvom_status cvom__import_network(struct importer *im)
{
    const struct cvom_csv_field *fk = cvom__imp_cell(im, "kind"), *ft = cvom__imp_cell(im, "title");
    const struct cvom_csv_field *fr = cvom__imp_cell(im, "rating"),
                                *fn = cvom__imp_cell(im, "notes");
    if (!fk || !ft)
        return cvom__imp_error(im, NULL, CVOM_EPARSE, "row has fewer fields than the header");
    struct cvom_network_entry e;
    memset(&e, 0, sizeof e);
    e.rating = NAN;
    int kind = cvom__network_kind_parse(fk->s);
    if (kind < 0)
        return cvom__imp_error(im, fk, CVOM_EINVAL,
                               "kind must be introduction, peer_group or event");
    e.kind = (enum cvom_network_kind)kind;
    if (cvom__copy_str(e.title, sizeof e.title, ft->s) || !cvom__trim(e.title)[0])
        return cvom__imp_error(im, ft, CVOM_EINVAL, "title must be 1 to 127 bytes of text");
    if (fn && cvom__copy_str(e.notes, sizeof e.notes, fn->s))
        return cvom__imp_error(im, fn, CVOM_ELIMIT, "notes are longer than 127 bytes");
    if (fr && fr->len &&
        (cvom__parse_double(fr->s, &e.rating) || !(e.rating >= 1 && e.rating <= 5))) {
        char msg[120];
        snprintf(msg, sizeof msg, "rating: '%.40s' is not a number from 1 to 5", fr->s);
        return cvom__imp_error(im, fr, CVOM_EINVAL, msg);
    }
    enum cvom_status s = cvom__imp_date(im, cvom__imp_cell(im, "date"), &e.date);
    struct cvom_account a;
    if (s || (s = cvom__imp_find_account(im, "account", &a)) != CVOM_OK)
        return s;
    e.account_id = a.id;
    if ((s = im->st->ops->network_add(im->st, &e, im->err)) != CVOM_OK)
        return cvom__imp_error(im, NULL, s, im->err->message);
    im->res->added++;
    return CVOM_OK;
}
