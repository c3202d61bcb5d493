/* cmd_misc.c — `cvom init`, `cvom config` and `cvom backup`. */
#include "cli/cli.h"

#include "io/util.h"
#include "service/analytics.h"

#include <string.h>

int cmd_init(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "[--db PATH]",
                  "Create the database (or bring an existing one up to date) and load the "
                  "default instrument. Safe to run again.",
                  pos, 0, 0, &np, &rc))
        return rc;
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    int v = 0;
    enum cvom_status st = c->store->ops->schema_version(c->store, &v, &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    printf("%s: ready (schema version %d)\n", c->db, v);
    return 0;
}

/* The text of one setting as `cvom config` lists it; "" for an unknown key. */
static enum cvom_status setting_text(struct cli *c, const char *key, char *buf, size_t cap)
{
    struct cvom_config cfg;
    struct cvom_analytics_settings an;
    enum cvom_status st = cvom__config_load(c->store, &cfg, &c->err);
    if (!st)
        st = cvom__analytics_settings_load(c->store, &an, &c->err);
    if (!st)
        cvom__config_value(&cfg, &an, key, buf, cap);
    return st;
}

int cmd_config(struct cli *c, int argc, char **argv)
{
    struct cli_opt opts[] = {
        {.name = "format", .kind = 's', .arg = "FMT", .help = "text (default), csv or json"},
        {0},
    };
    char *pos[2];
    int np, rc;
    enum cli_format fmt;
    if (cli_parse(c, argc, argv, opts, "[KEY VALUE]",
                  "Without arguments, list the settings. With KEY VALUE, change one and say "
                  "how it was and how it is now:\n"
                  "  threshold.intellectual, threshold.emotional  0–100 (default 50)\n"
                  "  confidence       interval coverage (default 0.90)\n"
                  "  min_respondents  customer respondents needed per axis (default 1)\n"
                  "  include_self     1 to count self-assessments in the score (default 0)\n"
                  "  validity_days    age at which an assessment is stale (default 180)\n"
                  "  signals.survey_weight  the survey's weight against the signals blended\n"
                  "                   into the axis scores (default 1; see 'cvom signal')\n"
                  "  overserved_share    over-served above this share of the cost to serve, "
                  "0-1 (default 0.25)\n"
                  "  alignment_at_risk   a partnership aligned below this is at risk, -1 to 1 "
                  "(default 0.3)",
                  pos, 2, 0, &np, &rc) ||
        (rc = cli_format(c, opts, &fmt)))
        return rc;
    if (np == 1)
        return cli_usage_error(c, "give a KEY and a VALUE, or nothing");
    if (cli_store(c))
        return cli_fail(c, c->err.status, &c->err);
    enum cvom_status st;
    if (np == 2) {
        /* Say what changed: the setting as it was and as it is now, both as listed. */
        char was[32] = "", now[32] = "";
        if ((st = cli_begin(c)) != CVOM_OK)
            return cli_fail(c, st, &c->err);
        if ((st = setting_text(c, pos[0], was, sizeof was)) == CVOM_OK &&
            (st = cvom__config_store(c->store, pos[0], pos[1], &c->err)) == CVOM_OK &&
            (st = setting_text(c, pos[0], now, sizeof now)) == CVOM_OK) {
            cli_audit(c, pos[0], "%s to %s", was, now);
            if (strcmp(was, now) == 0)
                cli_audit_unchanged(c);
            st = cli_commit(c);
        }
        if (st) {
            cli_rollback(c);
            return cli_fail(c, st, &c->err);
        }
        if (strcmp(was, now) == 0)
            fprintf(stderr, "%s: %s (unchanged)\n", pos[0], now);
        else
            fprintf(stderr, "%s: %s \u2192 %s\n", pos[0], was, now);
        return 0;
    }
    struct cvom_config cfg;
    struct cvom_analytics_settings an;
    if ((st = cvom__config_load(c->store, &cfg, &c->err)) != CVOM_OK ||
        (st = cvom__analytics_settings_load(c->store, &an, &c->err)) != CVOM_OK)
        return cli_fail(c, st, &c->err);
    static const char *const cols[] = {"key", "value"};
    struct table *t = table_new(cols, "sn");
    for (int i = 0; t && cvom__config_keys[i]; i++) {
        char v[32];
        cvom__config_value(&cfg, &an, cvom__config_keys[i], v, sizeof v);
        const char *cells[] = {cvom__config_keys[i], v};
        table_add(t, cells);
    }
    if (t)
        table_print(t, stdout, fmt);
    table_free(t);
    return 0;
}

int cmd_backup(struct cli *c, int argc, char **argv)
{
    char *pos[1];
    int np, rc;
    if (cli_parse(c, argc, argv, NULL, "DEST",
                  "Copy the database to DEST with the online backup, consistent even while "
                  "others are writing. DEST must not exist.",
                  pos, 1, 1, &np, &rc))
        return rc;
    if (cli_store_existing(c))
        return cli_fail(c, c->err.status, &c->err);
    enum cvom_status st = c->store->ops->backup(c->store, pos[0], &c->err);
    if (st)
        return cli_fail(c, st, &c->err);
    fprintf(stderr, "backed up %s to %s\n", c->db, pos[0]);
    return 0;
}
