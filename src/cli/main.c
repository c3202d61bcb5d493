/* main.c — the cvom command: global options, then a table of commands. Each command
 * parses its own options, calls the service, core and store, and maps the status to an
 * exit code in one place (cli_fail). */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct cli_cmd commands[] = {
    {"init", cmd_init, "create or upgrade a database"},
    {"account", cmd_account, "add, list, show, edit and remove accounts"},
    {"stakeholder", cmd_stakeholder, "add, list and remove an account's stakeholders"},
    {"instrument", cmd_instrument, "list, show, import and export questionnaires"},
    {"assess", cmd_assess, "record an assessment: interactively or from a file"},
    {"import", cmd_import, "import accounts, stakeholders, responses, offerings, ratings, "
                           "values, signals, network"},
    {"score", cmd_score, "score accounts and store a snapshot; or score a CSV file"},
    {"matrix", cmd_matrix, "draw the portfolio on the matrix in the terminal"},
    {"explain", cmd_explain, "show why an account sits where it does"},
    {"export", cmd_export, "export accounts with their scores as CSV or JSON"},
    {"render", cmd_render, "draw the matrix or an account one-pager as PNG, PDF or SVG"},
    {"report", cmd_report, "a portfolio report as HTML, XLSX, CSV or JSON"},
    {"compare", cmd_compare, "quadrant migration between two dates, and a projection"},
    {"pillars", cmd_pillars, "partnership health: the four pillars gated by trust"},
    {"playbook", cmd_playbook, "the plays suggested for an account; edit the playbook"},
    {"action", cmd_action, "add, list and complete the actions of account plans"},
    {"whatif", cmd_whatif, "project planned actions onto the scores, before committing"},
    {"offering", cmd_offering, "the offerings catalogue and each account's ratings of it"},
    {"overserved", cmd_overserved, "accounts that cost us most in what they do not value"},
    {"signal", cmd_signal, "CRM and finance measures blended into the axis scores"},
    {"network", cmd_network, "introductions, peer groups and events we give, and their rating"},
    {"align", cmd_align, "value hierarchies: ours against each account's (Kendall's tau-b)"},
    {"config", cmd_config, "show or change thresholds and other settings"},
    {"serve", cmd_serve, "run the web application and the JSON API"},
    {"user", cmd_user, "add, list and change users of the web application"},
    {"token", cmd_token, "create, list and revoke API tokens"},
    {"backup", cmd_backup, "copy the database safely while it is in use"},
    {"restore", cmd_restore, "put a backup back in place of the database"},
    {"migrate", cmd_migrate, "copy a whole database between SQLite and PostgreSQL, verified"},
    {"audit", cmd_audit, "the audit log: who changed what, and when"},
    {"demo", cmd_demo, "create a demo portfolio"},
    {NULL, NULL, NULL},
};

static void help(void)
{
    printf("cvom %s — the Customer Value Orientation Matrix for key-account teams\n\n"
           "Usage: cvom [--db PATH] [--as USER] COMMAND [OPTIONS]\n\nCommands:\n",
           CVOM_VERSION);
    for (const struct cli_cmd *k = commands; k->name; k++)
        printf("  %-12s %s\n", k->name, k->summary);
    printf("\nGlobal options:\n"
           "  --db PATH     the database file (default: $CVOM_DB, else cvom.db)\n"
           "  --as USER     record changes in the audit log as this user of the database\n"
           "                (default: cli: and the system user's name)\n"
           "  --raw         CSV output as stored, for scripts: text that starts with = + - @\n"
           "                is not guarded with an apostrophe for spreadsheets\n"
           "  --version     print the version\n"
           "  --help        show this help\n\n"
           "Exit codes:\n"
           "  0 success            1 other failure (I/O, memory)   2 bad command line\n"
           "  3 invalid input      4 not found                     5 already exists\n"
           "  6 database error or database locked\n\n"
           "Run 'cvom COMMAND --help' for a command's options.\n");
}

/* Take --db, --as and --raw wherever they appear, so `cvom matrix --db x.db` and
 * `cvom --db x.db matrix` both work; the rest of argv is left in order. */
static int take_db(struct cli *c, int *argc, char **argv, const char **as)
{
    int out = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            while (i < *argc)
                argv[out++] = argv[i++];
            break;
        }
        if (strcmp(argv[i], "--db") == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "cvom: --db needs a path\n");
                return -1;
            }
            c->db = argv[++i];
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            c->db = argv[i] + 5;
        } else if (strcmp(argv[i], "--as") == 0) {
            if (i + 1 >= *argc) {
                fprintf(stderr, "cvom: --as needs a user name\n");
                return -1;
            }
            *as = argv[++i];
        } else if (strncmp(argv[i], "--as=", 5) == 0) {
            *as = argv[i] + 5;
        } else if (strcmp(argv[i], "--raw") == 0) {
            cli_csv_raw(1);
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    return 0;
}

int main(int argc, char **argv)
{
    struct cli c;
    memset(&c, 0, sizeof c);
    c.db = getenv("CVOM_DB");
    if (!c.db || !c.db[0])
        c.db = "cvom.db";
    c.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    argc--;
    argv++;
    const char *as = NULL;
    if (take_db(&c, &argc, argv, &as))
        return EXIT_USAGE;
    if (argc == 0) {
        help();
        return EXIT_USAGE;
    }
    if (strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0 ||
        strcmp(argv[0], "help") == 0) {
        help();
        return EXIT_OKAY;
    }
    if (strcmp(argv[0], "--version") == 0) {
        printf("cvom %s\n", cvom_version());
        return EXIT_OKAY;
    }
    int rc = cli_actor(&c, as);
    if (rc)
        return rc;
    rc = -1;
    for (const struct cli_cmd *k = commands; k->name; k++)
        if (strcmp(k->name, argv[0]) == 0) {
            static char prog[64];
            snprintf(prog, sizeof prog, "cvom %s", k->name);
            c.prog = prog;
            rc = k->fn(&c, argc - 1, argv + 1);
            break;
        }
    if (rc < 0) {
        fprintf(stderr, "cvom: unknown command '%s'\nTry 'cvom --help'.\n", argv[0]);
        rc = EXIT_USAGE;
    }
    cvom__store_close(c.store);
    if (fflush(stdout) != 0 && rc == EXIT_OKAY) {
        fprintf(stderr, "cvom: could not write the output\n");
        rc = EXIT_FAILURE_;
    }
    return rc;
}
