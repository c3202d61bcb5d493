/* report.c — the portfolio report. cvom__report_build sorts a scored portfolio into its
 * sections (pure: no I/O); the writers then lay the same sections out as an HTML page, an
 * XLSX workbook, one CSV table or one JSON object. One table of columns drives all four,
 * so a value means the same wherever it appears. */
#include "render/report.h"

#include "render/chart.h"
#include "render/palette.h"
#include "io/util.h"
#include "io/csv.h"
#include "core/mem.h"

#include "lazy_xlsxwriter.h" /* loaded by the first XLSX report */

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- building the sections ------------------------------------------------------------ */

static int placed(const struct cvom_score *s)
{
    return s->state != CVOM_STATE_INSUFFICIENT;
}

enum cvom_report_axes cvom__report_borderline_axes(const struct cvom_score *s,
                                                   const double threshold[CVOM_DIM_COUNT])
{
    if (s->state != CVOM_STATE_BORDERLINE)
        return CVOM_REPORT_AXES_NONE;
    unsigned on = cvom_borderline_axes(s, threshold);
    int i = (on >> CVOM_DIM_INTELLECTUAL) & 1, e = (on >> CVOM_DIM_EMOTIONAL) & 1;
    return i && e ? CVOM_REPORT_AXES_BOTH
           : i    ? CVOM_REPORT_AXES_INTELLECTUAL
           : e    ? CVOM_REPORT_AXES_EMOTIONAL
                  : CVOM_REPORT_AXES_NONE;
}

/* Order a list of account indices by revenue, largest first, then name. -1 when memory runs
 * out. */
static int order_list(const struct cvom_report *r, size_t *list, size_t n,
                      struct cvom_revenue_rank *keys)
{
    for (size_t i = 0; i < n; i++)
        keys[i] = (struct cvom_revenue_rank){r->accounts[list[i]].revenue,
                                             r->accounts[list[i]].name, list[i]};
    if (cvom__rank_by_revenue(keys, n))
        return -1;
    for (size_t i = 0; i < n; i++)
        list[i] = keys[i].index;
    return 0;
}

void cvom__report_cleanup(struct cvom_report *r)
{
    free(r->movers);
    free(r->borderline);
    free(r->stale);
    free(r->insufficient);
    r->movers = r->borderline = r->stale = r->insufficient = NULL;
    r->n_movers = r->n_borderline = r->n_stale = r->n_insufficient = 0;
}

enum cvom_status cvom__report_build(struct cvom_report *r, struct cvom_error *err)
{
    if (r->since > r->as_of)
        return cvom_error_set(err, CVOM_EINVAL, "the since date is after the as-of date");
    memset(r->count, 0, sizeof r->count);
    memset(r->revenue, 0, sizeof r->revenue);
    r->placed = r->insufficient_count = r->unassessed_count = 0;
    r->insufficient_revenue = r->total_revenue = 0;
    size_t n = r->n_accounts ? r->n_accounts : 1;
    r->movers = malloc(n * sizeof *r->movers);
    r->borderline = malloc(n * sizeof *r->borderline);
    r->stale = malloc(n * sizeof *r->stale);
    r->insufficient = malloc(n * sizeof *r->insufficient);
    struct cvom_revenue_rank *keys = cvom__alloc_array(n * sizeof *keys);
    r->n_movers = r->n_borderline = r->n_stale = r->n_insufficient = 0;
    if (!r->movers || !r->borderline || !r->stale || !r->insufficient || !keys) {
        free(keys);
        cvom__report_cleanup(r);
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < r->n_accounts; i++) {
        const struct cvom_report_account *a = &r->accounts[i];
        r->total_revenue += a->revenue;
        if (placed(&a->now)) {
            r->count[a->now.quadrant]++;
            r->revenue[a->now.quadrant] += a->revenue;
            r->placed++;
        } else {
            r->insufficient_count++;
            r->unassessed_count += a->assessments == 0;
            r->insufficient_revenue += a->revenue;
            r->insufficient[r->n_insufficient++] = i;
        }
        /* A mover was a point on both dates and is in another quadrant now; an account
         * that only gained or lost its evidence has not moved anywhere. */
        if (placed(&a->now) && placed(&a->before) && a->now.quadrant != a->before.quadrant)
            r->movers[r->n_movers++] = i;
        if (a->now.state == CVOM_STATE_BORDERLINE)
            r->borderline[r->n_borderline++] = i;
        if (a->stale)
            r->stale[r->n_stale++] = i;
    }
    int failed = order_list(r, r->movers, r->n_movers, keys) ||
                 order_list(r, r->borderline, r->n_borderline, keys) ||
                 order_list(r, r->stale, r->n_stale, keys) ||
                 order_list(r, r->insufficient, r->n_insufficient, keys);
    free(keys);
    if (failed) {
        cvom__report_cleanup(r);
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    }
    return CVOM_OK;
}

int cvom__report_format_parse(const char *s)
{
    static const char *const names[CVOM_REPORT_FORMAT_COUNT] = {"html", "xlsx", "csv", "json"};
    for (int i = 0; s && i < CVOM_REPORT_FORMAT_COUNT; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

/* ---- columns and sections ------------------------------------------------------------- */

enum kind {
    K_TEXT,   /* a string */
    K_INT,    /* a whole number */
    K_SCORE,  /* 0–100 with two decimals */
    K_MONEY,  /* revenue with two decimals */
    K_CHANGE, /* a signed difference of scores */
    K_SHARE,  /* a fraction 0–1 with four decimals (a percentage in HTML and XLSX) */
    K_DEC3,   /* three decimals: a rank correlation −1..1, a weight */
    K_DATE,   /* a calendar date */
};

/* Every column any section has; the CSV table has them all in this order. */
enum col {
    C_ACCOUNT_ID,
    C_EXTERNAL_ID,
    C_NAME,
    C_OWNER,
    C_REVENUE,
    C_INT,
    C_EMO,
    C_INT_LO,
    C_INT_HI,
    C_EMO_LO,
    C_EMO_HI,
    C_QUADRANT,
    C_STATE,
    C_RESPONDENTS,
    C_LAST,
    C_STALE,
    C_ACCOUNTS,
    C_SHARE_ACCOUNTS,
    C_SHARE_REVENUE,
    C_FROM,
    C_INT_BEFORE,
    C_EMO_BEFORE,
    C_INT_CHANGE,
    C_EMO_CHANGE,
    C_AXES,
    C_AGE,
    C_ASSESSMENTS,
    C_FALL,
    C_ENTERED,
    C_TOTAL_COST,
    C_UNVALUED_COST,
    C_UNVALUED_SHARE,
    C_OFFERINGS,
    C_COMMON,
    C_TAU,
    C_PASSION,
    C_RESONANCE,
    C_SECURITY,
    C_CREATIVITY,
    C_TRUST,
    C_HEALTH,
    C_CAPPED,
    C_WEAKEST,
    C_SIGNAL,
    C_SIGNAL_LABEL,
    C_AXIS,
    C_DIRECTION,
    C_NORM,
    C_WEIGHT,
    C_SOURCE,
    C_MEAN_SCORE,
    C_MEAN_POINTS,
    C_MEMBERS,
    C_PLACED,
    C_WEIGHTS,
    C_SPLIT,
    C_LABEL, /* the summary's row name for people (HTML, XLSX); not in CSV or JSON */
    C_COUNT
};

struct column {
    const char *key;   /* CSV header and JSON key */
    const char *title; /* XLSX and HTML header */
    enum kind kind;
    int empty_null; /* text that is empty when there is no value: JSON null */
};

static const struct column columns[C_COUNT] = {
    [C_ACCOUNT_ID] = {"account_id", "Account ID", K_INT},
    [C_EXTERNAL_ID] = {"external_id", "External ID", K_TEXT},
    [C_NAME] = {"name", "Account", K_TEXT},
    [C_OWNER] = {"owner", "Owner", K_TEXT},
    [C_REVENUE] = {"revenue", "Revenue", K_MONEY},
    [C_INT] = {"intellectual", "Intellectual", K_SCORE},
    [C_EMO] = {"emotional", "Emotional", K_SCORE},
    [C_INT_LO] = {"intellectual_lo", "Intellectual low", K_SCORE},
    [C_INT_HI] = {"intellectual_hi", "Intellectual high", K_SCORE},
    [C_EMO_LO] = {"emotional_lo", "Emotional low", K_SCORE},
    [C_EMO_HI] = {"emotional_hi", "Emotional high", K_SCORE},
    [C_QUADRANT] = {"quadrant", "Quadrant", K_TEXT, 1},
    [C_STATE] = {"state", "State", K_TEXT},
    [C_RESPONDENTS] = {"respondents", "Respondents", K_INT},
    [C_LAST] = {"last_assessed", "Last assessed", K_DATE},
    [C_STALE] = {"stale", "Stale", K_TEXT},
    [C_ACCOUNTS] = {"accounts", "Accounts", K_INT},
    [C_SHARE_ACCOUNTS] = {"share_accounts", "Share of accounts", K_SHARE},
    [C_SHARE_REVENUE] = {"share_revenue", "Share of revenue", K_SHARE},
    [C_FROM] = {"from_quadrant", "From", K_TEXT, 1},
    [C_INT_BEFORE] = {"intellectual_before", "Intellectual before", K_SCORE},
    [C_EMO_BEFORE] = {"emotional_before", "Emotional before", K_SCORE},
    [C_INT_CHANGE] = {"intellectual_change", "Intellectual change", K_CHANGE},
    [C_EMO_CHANGE] = {"emotional_change", "Emotional change", K_CHANGE},
    [C_AXES] = {"borderline_axes", "Borderline on", K_TEXT},
    [C_AGE] = {"age_days", "Age (days)", K_INT},
    [C_ASSESSMENTS] = {"assessments", "Assessments", K_INT},
    [C_FALL] = {"fall", "Fall (points)", K_SCORE},
    [C_ENTERED] = {"entered", "Entered Transactional", K_TEXT},
    [C_TOTAL_COST] = {"total_cost", "Cost to serve", K_MONEY},
    [C_UNVALUED_COST] = {"unvalued_cost", "Unvalued cost", K_MONEY},
    [C_UNVALUED_SHARE] = {"unvalued_share", "Unvalued share", K_SHARE},
    [C_OFFERINGS] = {"offerings", "Unvalued offerings", K_TEXT},
    [C_COMMON] = {"common", "Values in common", K_INT},
    [C_TAU] = {"tau_b", "Alignment (tau-b)", K_DEC3},
    [C_PASSION] = {"passion", "Passion", K_SCORE},
    [C_RESONANCE] = {"resonance", "Resonance", K_SCORE},
    [C_SECURITY] = {"security", "Security", K_SCORE},
    [C_CREATIVITY] = {"creativity", "Creativity", K_SCORE},
    [C_TRUST] = {"trust", "Trust", K_SCORE},
    [C_HEALTH] = {"health", "Health", K_SCORE},
    [C_CAPPED] = {"capped", "Capped by trust", K_TEXT},
    [C_WEAKEST] = {"weakest", "Weakest pillar", K_TEXT},
    [C_SIGNAL] = {"signal", "Signal", K_TEXT},
    [C_SIGNAL_LABEL] = {"signal_label", "What it measures", K_TEXT},
    [C_AXIS] = {"axis", "Axis", K_TEXT},
    [C_DIRECTION] = {"direction", "Direction", K_TEXT},
    [C_NORM] = {"norm", "Normalisation", K_TEXT},
    [C_WEIGHT] = {"weight", "Weight", K_DEC3},
    [C_SOURCE] = {"source", "Source", K_TEXT},
    [C_MEAN_SCORE] = {"mean_score", "Mean score", K_SCORE},
    [C_MEAN_POINTS] = {"mean_points", "Mean points added", K_SCORE},
    [C_MEMBERS] = {"members", "Members", K_INT},
    [C_PLACED] = {"placed", "Placed", K_INT},
    [C_WEIGHTS] = {"weights", "Weighted by", K_TEXT},
    [C_SPLIT] = {"split", "Split between", K_TEXT},
    [C_LABEL] = {"", "Quadrant", K_TEXT},
};

enum section {
    S_SUMMARY,
    S_MOVERS,
    S_BORDERLINE,
    S_STALE,
    S_INSUFFICIENT,
    S_TRANSITIONS,
    S_SLIDING,
    S_OVERSERVED,
    S_AT_RISK,
    S_HEALTH,
    S_SIGNALS, /* the analytics */
    S_GROUPS,
    S_ACCOUNTS,
    S_COUNT
};

#define END C_COUNT
static const enum col summary_cols[] = {C_QUADRANT, C_STATE,         C_ACCOUNTS, C_SHARE_ACCOUNTS,
                                        C_REVENUE,  C_SHARE_REVENUE, END};
static const enum col summary_human[] = {C_LABEL,   C_ACCOUNTS,      C_SHARE_ACCOUNTS,
                                         C_REVENUE, C_SHARE_REVENUE, END};
static const enum col mover_cols[] = {C_ACCOUNT_ID, C_EXTERNAL_ID, C_NAME,       C_OWNER,
                                      C_REVENUE,    C_FROM,        C_QUADRANT,   C_INT_BEFORE,
                                      C_INT,        C_INT_CHANGE,  C_EMO_BEFORE, C_EMO,
                                      C_EMO_CHANGE, C_STATE,       END};
static const enum col borderline_cols[] = {
    C_ACCOUNT_ID, C_EXTERNAL_ID, C_NAME, C_OWNER,  C_REVENUE, C_QUADRANT,    C_AXES, C_INT,
    C_INT_LO,     C_INT_HI,      C_EMO,  C_EMO_LO, C_EMO_HI,  C_RESPONDENTS, END};
static const enum col stale_cols[] = {C_ACCOUNT_ID, C_EXTERNAL_ID, C_NAME,     C_OWNER, C_REVENUE,
                                      C_LAST,       C_AGE,         C_QUADRANT, C_STATE, END};
static const enum col insufficient_cols[] = {
    C_ACCOUNT_ID,  C_EXTERNAL_ID, C_NAME, C_OWNER, C_REVENUE,
    C_ASSESSMENTS, C_RESPONDENTS, C_LAST, C_STALE, END};
#define ACCOUNT_COLS C_ACCOUNT_ID, C_EXTERNAL_ID, C_NAME, C_OWNER, C_REVENUE
static const enum col transition_cols[] = {C_FROM, C_QUADRANT, C_ACCOUNTS, C_REVENUE, END};
static const enum col sliding_cols[] = {
    ACCOUNT_COLS, C_FROM,       C_QUADRANT, C_INT_BEFORE, C_INT,   C_INT_CHANGE, C_EMO_BEFORE,
    C_EMO,        C_EMO_CHANGE, C_FALL,     C_ENTERED,    C_STATE, END};
static const enum col overserved_cols[] = {
    ACCOUNT_COLS, C_QUADRANT, C_TOTAL_COST, C_UNVALUED_COST, C_UNVALUED_SHARE, C_OFFERINGS, END};
static const enum col at_risk_cols[] = {ACCOUNT_COLS, C_QUADRANT, C_STATE, C_COMMON, C_TAU, END};
static const enum col health_cols[] = {ACCOUNT_COLS, C_QUADRANT,   C_PASSION, C_RESONANCE,
                                       C_SECURITY,   C_CREATIVITY, C_TRUST,   C_HEALTH,
                                       C_CAPPED,     C_WEAKEST,    END};
static const enum col signal_cols[] = {C_SIGNAL,     C_SIGNAL_LABEL, C_AXIS,   C_DIRECTION,
                                       C_NORM,       C_WEIGHT,       C_SOURCE, C_ACCOUNTS,
                                       C_MEAN_SCORE, C_MEAN_POINTS,  END};
static const enum col group_cols[] = {C_ACCOUNT_ID, C_EXTERNAL_ID, C_NAME,   C_OWNER,    C_REVENUE,
                                      C_MEMBERS,    C_PLACED,      C_INT,    C_EMO,      C_INT_LO,
                                      C_INT_HI,     C_EMO_LO,      C_EMO_HI, C_QUADRANT, C_STATE,
                                      C_WEIGHTS,    C_SPLIT,       END};
/* Exactly the columns of `cvom export`, in its order. */
static const enum col account_cols[] = {
    C_ACCOUNT_ID, C_EXTERNAL_ID, C_NAME,   C_OWNER,  C_REVENUE, C_INT,
    C_EMO,        C_INT_LO,      C_INT_HI, C_EMO_LO, C_EMO_HI,  C_QUADRANT,
    C_STATE,      C_RESPONDENTS, C_LAST,   C_STALE,  END};

struct section_def {
    const char *key;       /* JSON key and the CSV `section` value */
    const char *title;     /* sheet name and heading */
    const char *note;      /* one sentence under the heading in HTML */
    const enum col *cols;  /* CSV, JSON */
    const enum col *human; /* HTML, XLSX */
};

static const struct section_def sections[S_COUNT] = {
    [S_SUMMARY] = {"summary", "Summary",
                   "Placed accounts per quadrant with their revenue; accounts without enough "
                   "evidence are counted apart.",
                   summary_cols, summary_human},
    [S_MOVERS] = {"movers", "Movers",
                  "Accounts that were placed on both dates and are in another quadrant now, "
                  "largest revenue first.",
                  mover_cols, mover_cols},
    [S_BORDERLINE] = {"borderline", "Borderline",
                      "An interval crosses a threshold: the point sits on the line, so its "
                      "quadrant should not be over-read.",
                      borderline_cols, borderline_cols},
    [S_STALE] = {"stale", "Stale",
                 "The newest assessment is older than the validity period: the account is due "
                 "for a new one.",
                 stale_cols, stale_cols},
    [S_INSUFFICIENT] = {"insufficient", "Insufficient evidence",
                        "Too few respondents or answers to place these accounts on the matrix; "
                        "those with 0 assessments were never assessed.",
                        insufficient_cols, insufficient_cols},
    [S_TRANSITIONS] = {"transitions", "Transitions",
                       "Every account counted once by its quadrant on the since date (rows) and "
                       "now (columns); not placed: not enough evidence on that date.",
                       transition_cols, transition_cols},
    [S_SLIDING] = {"sliding", "Sliding towards Transactional",
                   "Placed on both dates, and either entered Transactional or lost at least "
                   "the slide points of intellectual + emotional value together (the fall); "
                   "entered first, then the largest fall.",
                   sliding_cols, sliding_cols},
    [S_OVERSERVED] = {"overserved", "Over-served",
                      "Much of what we spend on these accounts goes on offerings they rate "
                      "below the importance midpoint; most unvalued cost first.",
                      overserved_cols, overserved_cols},
    [S_AT_RISK] = {"at_risk", "Partnerships at risk",
                   "Partnership accounts whose value hierarchy does not match ours: "
                   "Kendall's tau-b below the threshold, least aligned first.",
                   at_risk_cols, at_risk_cols},
    [S_HEALTH] = {"health", "Partnership health",
                  "The four pillars and trust where all five are known; health is the "
                  "pillars' mean, never more than 10 points above trust. Weakest first.",
                  health_cols, health_cols},
    [S_SIGNALS] = {"signals", "Signals",
                   "CRM and finance figures blended with the survey into the axis scores: "
                   "the accounts each entered, its mean 0\u2013100 score and the mean points "
                   "it added.",
                   signal_cols, signal_cols},
    [S_GROUPS] = {"groups", "Groups",
                  "Each account with accounts below it, rolled up: the placed members' points "
                  "weighted by revenue (equally when one has none), the group's revenue, and "
                  "the quadrants of a split group; largest revenue first.",
                  group_cols, group_cols},
    [S_ACCOUNTS] = {"accounts", "Accounts",
                    "Every account with its score, as `cvom export` lists it.", account_cols,
                    account_cols},
};

/* The summary rows: the quadrants from the most valued relationship down, then the
 * accounts that are not placed. */
static const enum cvom_quadrant summary_order[CVOM_Q_COUNT] = {
    CVOM_Q_PARTNERSHIP, CVOM_Q_INTELLECTUAL, CVOM_Q_EMOTIONAL, CVOM_Q_TRANSACTIONAL};
#define SUMMARY_ROWS (CVOM_Q_COUNT + 1)

static size_t section_rows(const struct cvom_report *r, enum section s)
{
    switch (s) {
    case S_SUMMARY: return SUMMARY_ROWS;
    case S_MOVERS: return r->n_movers;
    case S_BORDERLINE: return r->n_borderline;
    case S_STALE: return r->n_stale;
    case S_INSUFFICIENT: return r->n_insufficient;
    case S_TRANSITIONS: return r->has_migration ? CVOM_MIG_STATES * CVOM_MIG_STATES : 0;
    case S_SLIDING: return r->n_slides;
    case S_OVERSERVED: return r->n_overserved;
    case S_AT_RISK: return r->n_at_risk;
    case S_HEALTH: return r->n_health;
    case S_SIGNALS: return r->n_signals;
    case S_GROUPS: return r->n_groups;
    default: return r->n_accounts;
    }
}

static const struct cvom_report_account *section_account(const struct cvom_report *r,
                                                         enum section s, size_t i)
{
    switch (s) {
    case S_MOVERS: return &r->accounts[r->movers[i]];
    case S_BORDERLINE: return &r->accounts[r->borderline[i]];
    case S_STALE: return &r->accounts[r->stale[i]];
    case S_INSUFFICIENT: return &r->accounts[r->insufficient[i]];
    case S_SLIDING: return &r->accounts[r->slides[i].account];
    case S_OVERSERVED: return &r->accounts[r->overserved[i].account];
    case S_AT_RISK: return &r->accounts[r->at_risk[i].account];
    case S_HEALTH: return &r->accounts[r->health[i].account];
    case S_GROUPS: return &r->accounts[r->groups[i].account];
    case S_ACCOUNTS: return &r->accounts[i];
    default: return NULL;
    }
}

/* One cell's value: a number (NaN = empty) or a text (NULL = empty). */
struct cell {
    double num;
    const char *text;
    char buf[16];
};

/* Round as the CSV shows it, so every format carries the very same number. */
static double rounded(double v, int decimals)
{
    return cvom__fixed_round(v, decimals);
}

static int decimals_of(enum kind k)
{
    return k == K_SHARE ? 4 : k == K_DEC3 ? 3 : k == K_INT || k == K_DATE ? 0 : 2;
}

static double share(double part, double whole)
{
    return whole > 0 ? part / whole : NAN;
}

static void summary_cell(const struct cvom_report *r, size_t row, enum col c, struct cell *out)
{
    int rest = row == CVOM_Q_COUNT; /* the accounts that are not placed */
    enum cvom_quadrant q = rest ? CVOM_Q_TRANSACTIONAL : summary_order[row];
    double n = rest ? (double)r->insufficient_count : (double)r->count[q];
    double rev = rest ? r->insufficient_revenue : r->revenue[q];
    switch (c) {
    case C_QUADRANT: out->text = rest ? "" : cvom_quadrant_name(q); break;
    case C_STATE: out->text = rest ? "insufficient" : ""; break;
    case C_LABEL: out->text = rest ? "Insufficient evidence" : cvom_quadrant_title(q); break;
    case C_ACCOUNTS: out->num = n; break;
    case C_SHARE_ACCOUNTS: out->num = share(n, (double)r->n_accounts); break;
    case C_REVENUE: out->num = rev; break;
    case C_SHARE_REVENUE: out->num = share(rev, r->total_revenue); break;
    default: break;
    }
}

static const char *quadrant_text(const struct cvom_score *s, int human)
{
    if (!placed(s))
        return "";
    return human ? cvom_quadrant_title(s->quadrant) : cvom_quadrant_name(s->quadrant);
}

static void account_cell(const struct cvom_report *r, const struct cvom_report_account *a,
                         enum col c, int human, struct cell *out)
{
    static const char *const axes[CVOM_REPORT_AXES_COUNT] = {"", "intellectual", "emotional",
                                                             "both"};
    const struct cvom_score *s = &a->now, *b = &a->before;
    switch (c) {
    case C_ACCOUNT_ID: out->num = (double)a->id; break;
    case C_EXTERNAL_ID: out->text = a->external_id; break;
    case C_NAME: out->text = human && a->label ? a->label : a->name; break;
    case C_OWNER: out->text = a->owner; break;
    case C_REVENUE: out->num = a->revenue; break;
    case C_INT: out->num = s->value[CVOM_DIM_INTELLECTUAL]; break;
    case C_EMO: out->num = s->value[CVOM_DIM_EMOTIONAL]; break;
    case C_INT_LO: out->num = s->lo[CVOM_DIM_INTELLECTUAL]; break;
    case C_INT_HI: out->num = s->hi[CVOM_DIM_INTELLECTUAL]; break;
    case C_EMO_LO: out->num = s->lo[CVOM_DIM_EMOTIONAL]; break;
    case C_EMO_HI: out->num = s->hi[CVOM_DIM_EMOTIONAL]; break;
    case C_QUADRANT: out->text = quadrant_text(s, human); break;
    case C_STATE: out->text = cvom_state_name(s->state); break;
    case C_RESPONDENTS:
        out->num = s->respondents[0] < s->respondents[1] ? s->respondents[0] : s->respondents[1];
        break;
    case C_LAST:
        out->num = a->last_assessed ? (double)a->last_assessed : NAN;
        if (a->last_assessed) {
            cvom_date_format(a->last_assessed, out->buf);
            out->text = out->buf;
        }
        break;
    case C_STALE: out->text = a->stale ? "yes" : "no"; break;
    case C_FROM: out->text = quadrant_text(b, human); break;
    case C_INT_BEFORE: out->num = placed(b) ? b->value[CVOM_DIM_INTELLECTUAL] : NAN; break;
    case C_EMO_BEFORE: out->num = placed(b) ? b->value[CVOM_DIM_EMOTIONAL] : NAN; break;
    case C_INT_CHANGE:
    case C_EMO_CHANGE: {
        int d = c == C_INT_CHANGE ? CVOM_DIM_INTELLECTUAL : CVOM_DIM_EMOTIONAL;
        out->num = placed(b) ? s->value[d] - b->value[d] : NAN;
        break;
    }
    case C_AXES: out->text = axes[cvom__report_borderline_axes(s, r->threshold)]; break;
    case C_AGE: out->num = a->last_assessed ? (double)(r->as_of - a->last_assessed) : NAN; break;
    case C_ASSESSMENTS: out->num = a->assessments; break;
    default: break;
    }
}

/* Row i of the transitions: the state on the since date is i / 5, now i % 5 (the fifth
 * is "not placed", empty in CSV and JSON). */
static void transition_cell(const struct cvom_report *r, size_t i, enum col c, int human,
                            struct cell *out)
{
    size_t from = i / CVOM_MIG_STATES, to = i % CVOM_MIG_STATES;
    size_t st = c == C_FROM ? from : to;
    switch (c) {
    case C_FROM:
    case C_QUADRANT:
        out->text = st == CVOM_MIG_NOT_PLACED ? (human ? "Not placed" : "")
                    : human                   ? cvom_quadrant_title((enum cvom_quadrant)st)
                                              : cvom_quadrant_name((enum cvom_quadrant)st);
        break;
    case C_ACCOUNTS: out->num = (double)r->transition_count[from][to]; break;
    case C_REVENUE: out->num = r->transition_revenue[from][to]; break;
    default: break;
    }
}

static void signal_cell(const struct cvom_report *r, size_t i, enum col c, struct cell *out)
{
    const struct cvom_report_signal *g = &r->signals[i];
    switch (c) {
    case C_SIGNAL: out->text = g->name; break;
    case C_SIGNAL_LABEL: out->text = g->label; break;
    case C_AXIS: out->text = cvom_dim_name(g->axis); break;
    case C_DIRECTION: out->text = g->direction < 0 ? "-" : "+"; break;
    case C_NORM: out->text = cvom_norm_name(g->norm); break;
    case C_WEIGHT: out->num = g->weight; break;
    case C_SOURCE: out->text = g->ledger ? "ledger" : "imported"; break;
    case C_ACCOUNTS: out->num = (double)g->accounts; break;
    case C_MEAN_SCORE: out->num = g->mean_score; break;
    case C_MEAN_POINTS: out->num = g->mean_points; break;
    default: break;
    }
}

/* A group's own columns: its revenue, members, roll-up and split; 0 for its account's. */
static int group_cell(const struct cvom_report_group *g, enum col c, int human, struct cell *out)
{
    const struct cvom_score *s = &g->group.score;
    switch (c) {
    case C_REVENUE: out->num = g->group.revenue; return 1;
    case C_MEMBERS: out->num = (double)g->group.members; return 1;
    case C_PLACED: out->num = (double)g->group.placed; return 1;
    case C_INT:
    case C_EMO: out->num = s->value[c == C_INT ? 0 : 1]; return 1;
    case C_INT_LO:
    case C_EMO_LO: out->num = s->lo[c == C_INT_LO ? 0 : 1]; return 1;
    case C_INT_HI:
    case C_EMO_HI: out->num = s->hi[c == C_INT_HI ? 0 : 1]; return 1;
    case C_QUADRANT: out->text = quadrant_text(s, human); return 1;
    case C_STATE: out->text = cvom_state_name(s->state); return 1;
    case C_WEIGHTS: out->text = cvom_group_weights_name(g->group.weights); return 1;
    case C_SPLIT: out->text = g->group.split ? g->split : ""; return 1;
    default: return 0;
    }
}

/* The columns only an analytics section has; 0 when c is not one of them (an account
 * column, filled by account_cell). */
static int analytics_cell(const struct cvom_report *r, enum section s, size_t i, enum col c,
                          struct cell *out)
{
    if (s == S_SLIDING && (c == C_FALL || c == C_ENTERED)) {
        if (c == C_FALL)
            out->num = r->slides[i].fall;
        else
            out->text = r->slides[i].entered ? "yes" : "no";
        return 1;
    }
    if (s == S_OVERSERVED && c >= C_TOTAL_COST && c <= C_OFFERINGS) {
        const struct cvom_report_served *v = &r->overserved[i];
        if (c == C_OFFERINGS)
            out->text = v->offerings;
        else
            out->num = c == C_TOTAL_COST      ? v->total_cost
                       : c == C_UNVALUED_COST ? v->unvalued_cost
                                              : v->share;
        return 1;
    }
    if (s == S_AT_RISK && (c == C_COMMON || c == C_TAU)) {
        out->num = c == C_COMMON ? (double)r->at_risk[i].common : r->at_risk[i].tau;
        return 1;
    }
    if (s == S_HEALTH && c >= C_PASSION && c <= C_WEAKEST) {
        const struct cvom_report_health *h = &r->health[i];
        if (c <= C_TRUST)
            out->num = h->measure[c - C_PASSION];
        else if (c == C_HEALTH)
            out->num = h->health;
        else if (c == C_CAPPED)
            out->text = h->capped ? "yes" : "no";
        else
            out->text = h->weakest >= 0 ? cvom_pillar_name((enum cvom_pillar)h->weakest) : "";
        return 1;
    }
    return 0;
}

/* The value of column c in row i of section s. human: quadrant titles ("Partnership")
 * instead of names ("partnership"). Numbers come rounded as the CSV prints them. */
static void cell_get(const struct cvom_report *r, enum section s, size_t i, enum col c, int human,
                     struct cell *out)
{
    out->num = NAN;
    out->text = NULL;
    out->buf[0] = '\0';
    if (s == S_SUMMARY)
        summary_cell(r, i, c, out);
    else if (s == S_TRANSITIONS)
        transition_cell(r, i, c, human, out);
    else if (s == S_SIGNALS)
        signal_cell(r, i, c, out);
    else if (!(s == S_GROUPS && group_cell(&r->groups[i], c, human, out)) &&
             !analytics_cell(r, s, i, c, out))
        account_cell(r, section_account(r, s, i), c, human, out);
    if (columns[c].kind != K_TEXT && columns[c].kind != K_DATE)
        out->num = rounded(out->num, decimals_of(columns[c].kind));
}

/* The text of a cell as CSV and JSON carry it; "" when empty. */
static const char *cell_plain(const struct cell *v, enum kind k, char *buf, size_t cap)
{
    if (k == K_TEXT || k == K_DATE)
        return v->text ? v->text : "";
    if (isnan(v->num))
        return "";
    cvom__fixed_format(buf, cap, v->num, decimals_of(k));
    return buf;
}

/* ---- CSV ------------------------------------------------------------------------------- */

/* A field in RFC 4180 quoting, with text that a spreadsheet would take for a formula
 * prefixed by a single quote. */
static void csv_field(FILE *f, const char *s, int neutralise)
{
    cvom__csv_write_field(f, s, neutralise);
}

static int in_list(const enum col *list, enum col c)
{
    for (; *list != END; list++)
        if (*list == c)
            return 1;
    return 0;
}

static void write_csv(const struct cvom_report *r, FILE *f)
{
    fputs("section", f);
    for (int c = 0; c < C_LABEL; c++)
        fprintf(f, ",%s", columns[c].key);
    putc('\n', f);
    for (int s = 0; s < S_COUNT; s++) {
        size_t n = section_rows(r, (enum section)s);
        for (size_t i = 0; i < n; i++) {
            fputs(sections[s].key, f);
            for (int c = 0; c < C_LABEL; c++) {
                putc(',', f);
                if (!in_list(sections[s].cols, (enum col)c))
                    continue;
                struct cell v;
                char buf[64];
                cell_get(r, (enum section)s, i, (enum col)c, 0, &v);
                csv_field(f, cell_plain(&v, columns[c].kind, buf, sizeof buf),
                          columns[c].kind == K_TEXT);
            }
            putc('\n', f);
        }
    }
}

/* ---- JSON ------------------------------------------------------------------------------ */

static json_t *json_cell(const struct cell *v, enum kind k)
{
    if (k == K_TEXT)
        return json_string(v->text ? v->text : "");
    if (k == K_DATE)
        return v->text ? json_string(v->text) : json_null();
    if (isnan(v->num))
        return json_null();
    if (k == K_INT)
        return json_integer((json_int_t)v->num);
    return json_real(v->num);
}

static json_t *json_section(const struct cvom_report *r, enum section s)
{
    json_t *arr = json_array();
    size_t n = section_rows(r, s);
    for (size_t i = 0; arr && i < n; i++) {
        json_t *o = json_object();
        if (!o || json_array_append_new(arr, o)) {
            json_decref(arr);
            return NULL;
        }
        for (const enum col *c = sections[s].cols; *c != END; c++) {
            struct cell v;
            cell_get(r, s, i, *c, 0, &v);
            json_object_set_new(o, columns[*c].key,
                                columns[*c].empty_null && (!v.text || !v.text[0])
                                    ? json_null()
                                    : json_cell(&v, columns[*c].kind));
        }
    }
    return arr;
}

static json_t *report_json(const struct cvom_report *r)
{
    char as_of[11], since[11];
    cvom_date_format(r->as_of, as_of);
    cvom_date_format(r->since, since);
    json_t *o =
        json_pack("{s:s, s:s, s:{s:f, s:f}, s:f, s:i, s:o, s:I, s:I, s:I}", "as_of", as_of, "since",
                  since, "thresholds", "intellectual", r->threshold[CVOM_DIM_INTELLECTUAL],
                  "emotional", r->threshold[CVOM_DIM_EMOTIONAL], "confidence", r->confidence,
                  "validity_days", r->validity_days, "filters",
                  r->filters && r->filters[0] ? json_string(r->filters) : json_null(),
                  "accounts_total", (json_int_t)r->n_accounts, "placed", (json_int_t)r->placed,
                  "insufficient_total", (json_int_t)r->insufficient_count);
    if (o &&
        json_object_set_new(o, "unassessed_total", json_integer((json_int_t)r->unassessed_count))) {
        json_decref(o);
        return NULL;
    }
    if (o &&
        json_object_update_new(
            o, json_pack("{s:b, s:f, s:f, s:I, s:f, s:f, s:f, s:b, s:I, s:f}", "migration",
                         r->has_migration, "slide_points", r->slide_points, "overserved_share",
                         r->overserved_share, "rated_accounts", (json_int_t)r->rated_accounts,
                         "unvalued_cost", rounded(r->unvalued_cost, 2), "cost_to_serve",
                         rounded(r->cost_to_serve, 2), "alignment_threshold", r->at_risk_threshold,
                         "our_ranking", r->has_our_ranking, "ranked_accounts",
                         (json_int_t)r->ranked_accounts, "survey_weight", r->survey_weight))) {
        json_decref(o);
        return NULL;
    }
    for (int s = 0; o && s < S_COUNT; s++) {
        json_t *a = json_section(r, (enum section)s);
        if (!a || json_object_set_new(o, sections[s].key, a)) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static enum cvom_status write_json(const struct cvom_report *r, FILE *f, struct cvom_error *err)
{
    json_t *o = report_json(r);
    if (!o)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    int rc = json_dumpf(o, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
    json_decref(o);
    putc('\n', f);
    return rc ? cvom_error_set(err, CVOM_EIO, "writing the report failed") : CVOM_OK;
}

/* ---- HTML ------------------------------------------------------------------------------ */

/* The rows of the tables go out through a buffer of their own: millions of small pieces,
 * each a memcpy here rather than a call into the stream. A long table is handed to the disk
 * as it grows (cvom__write_behind): the report of 100,000 accounts is 58 MB, and its fsync
 * had waited 160 ms for all of it. */
struct html_out {
    FILE *f;
    int behind;          /* hand f to the disk as it grows: not for a scratch file */
    size_t n, unchecked; /* bytes in b; bytes written since the last write-behind */
    off_t handed;
    char b[8192];
};

#define OUT_BEHIND_EVERY ((size_t)1 << 20)

static void out_flush(struct html_out *o)
{
    fwrite(o->b, 1, o->n, o->f);
    o->unchecked += o->n;
    o->n = 0;
    if (o->behind && o->unchecked >= OUT_BEHIND_EVERY) {
        o->unchecked = 0;
        cvom__write_behind(o->f, &o->handed);
    }
}

static void out_put(struct html_out *o, const char *s, size_t len)
{
    if (len > sizeof o->b - o->n) {
        out_flush(o);
        if (len > sizeof o->b) {
            fwrite(s, 1, len, o->f);
            o->unchecked += len;
            return;
        }
    }
    memcpy(o->b + o->n, s, len);
    o->n += len;
}

static void out_puts(struct html_out *o, const char *s)
{
    out_put(o, s, strlen(s));
}

/* Text made safe for HTML element content and quoted attribute values alike; control
 * characters, which no valid document holds, become spaces. */
static void html_put(struct html_out *o, const char *s)
{
    while (s && *s) {
        /* The characters that stay as they are go out as one run. */
        size_t run = 0;
        for (unsigned char ch; (ch = (unsigned char)s[run]) != '\0'; run++)
            if (ch == '&' || ch == '<' || ch == '>' || ch == '"' || ch == '\'' ||
                (ch < 0x20 && ch != '\n' && ch != '\t'))
                break;
        out_put(o, s, run);
        s += run;
        switch (*s) {
        case '\0': return;
        case '&': out_puts(o, "&amp;"); break;
        case '<': out_puts(o, "&lt;"); break;
        case '>': out_puts(o, "&gt;"); break;
        case '"': out_puts(o, "&quot;"); break;
        case '\'': out_puts(o, "&#39;"); break;
        default: out_puts(o, " "); break;
        }
        s++;
    }
}

/* The same straight to a stream, for the few texts outside the tables. */
static void html_put_file(FILE *f, const char *s)
{
    struct html_out o = {.f = f};
    html_put(&o, s);
    out_flush(&o);
}

/* 1840000 -> "1,840,000" (whole units: the report is read, not summed, in HTML), as every
 * face shows money. */
static void group_digits(char *buf, size_t cap, double v)
{
    cvom__money_format(buf, cap, v, NULL);
}

static void html_number(struct html_out *o, const struct cell *v, enum kind k)
{
    char buf[64];
    if (isnan(v->num))
        return;
    switch (k) {
    case K_MONEY: group_digits(buf, sizeof buf, v->num); break;
    case K_SCORE: cvom__fixed_format(buf, sizeof buf, v->num, 1); break;
    case K_SHARE:
        cvom__fixed_format(buf, sizeof buf - 3, 100 * v->num, 1);
        snprintf(buf + strlen(buf), 3, " %%");
        break;
    case K_DEC3: cvom__fixed_format(buf, sizeof buf, v->num, 3); break;
    case K_CHANGE:
        /* A true minus sign reads better than a hyphen; the sign is the meaning, not the
         * colour. */
        out_puts(o, v->num > 0.049 ? "+" : v->num < -0.049 ? "\u2212" : "");
        cvom__fixed_format(buf, sizeof buf, fabs(v->num), 1);
        break;
    default: cvom__fixed_format(buf, sizeof buf, v->num, 0); break;
    }
    out_puts(o, buf);
}

static const char *const quadrant_class[CVOM_Q_COUNT] = {"q-transactional", "q-intellectual",
                                                         "q-emotional", "q-partnership"};

static void html_cell(struct html_out *o, const struct cvom_report *r, enum section s, size_t i,
                      enum col c)
{
    struct cell v;
    enum kind k = columns[c].kind;
    cell_get(r, s, i, c, 1, &v);
    if (k == K_TEXT || k == K_DATE) {
        int q = -1;
        if (v.text && v.text[0] && (c == C_QUADRANT || c == C_FROM || c == C_LABEL))
            for (int j = 0; j < CVOM_Q_COUNT && q < 0; j++) {
                const char *title = cvom_quadrant_title((enum cvom_quadrant)j);
                if (v.text == title || strcmp(v.text, title) == 0)
                    q = j;
            }
        out_puts(o, c == C_NAME ? "<th scope=\"row\">" : "<td>");
        if (q >= 0) {
            out_puts(o, "<span class=\"q ");
            out_puts(o, quadrant_class[q]);
            out_puts(o, "\">");
        }
        html_put(o, v.text);
        out_puts(o, q >= 0 ? "</span>" : "");
        out_puts(o, c == C_NAME ? "</th>" : "</td>");
        return;
    }
    /* Numbers are aligned by their column's rule (html_column_css), not a class on each of
     * millions of cells; a change keeps the class of its colour. */
    out_puts(o, k != K_CHANGE || isnan(v.num) ? "<td>"
                : v.num > 0.049               ? "<td class=\"up\">"
                : v.num < -0.049              ? "<td class=\"down\">"
                                              : "<td>");
    html_number(o, &v, k);
    out_puts(o, "</td>");
}

static void html_table(FILE *f, const struct cvom_report *r, enum section s, int behind)
{
    size_t n = section_rows(r, s);
    if (n == 0) {
        fputs("<p class=\"empty\">None.</p>\n", f);
        return;
    }
    fputs("<table>\n<thead><tr>", f);
    for (const enum col *c = sections[s].human; *c != END; c++)
        fprintf(f, "<th scope=\"col\"%s>%s</th>",
                columns[*c].kind == K_TEXT || columns[*c].kind == K_DATE ? "" : " class=\"num\"",
                columns[*c].title);
    fputs("</tr></thead>\n<tbody>\n", f);
    struct html_out o = {.f = f, .behind = behind};
    for (size_t i = 0; i < n; i++) {
        out_puts(&o, "<tr>");
        for (const enum col *c = sections[s].human; *c != END; c++)
            html_cell(&o, r, s, i, *c);
        out_puts(&o, "</tr>\n");
    }
    out_flush(&o);
    if (s == S_SUMMARY) {
        char rev[64];
        group_digits(rev, sizeof rev, r->total_revenue);
        fprintf(f,
                "<tr class=\"total\"><td>All accounts</td><td class=\"num\">%zu</td>"
                "<td class=\"num\">100.0 %%</td><td class=\"num\">%s</td>"
                "<td class=\"num\">100.0 %%</td></tr>\n",
                r->n_accounts, rev);
    }
    fputs("</tbody>\n</table>\n", f);
}

/* A growing memory buffer the chart writes its SVG into. */
struct membuf {
    unsigned char *p;
    size_t n, cap;
};

#define SVG_MAX ((size_t)256 << 20)

static int membuf_write(void *closure, const unsigned char *data, size_t len)
{
    struct membuf *b = closure;
    if (len > SVG_MAX - b->n)
        return -1;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->n + len + 1)
            cap *= 2;
        unsigned char *g = realloc(b->p, cap);
        if (!g)
            return -1;
        b->p = g;
        b->cap = cap;
    }
    cvom__copy(b->p + b->n, data, len);
    b->n += len;
    b->p[b->n] = '\0';
    return 0;
}

static void chart_footer(const struct cvom_report *r, char *buf, size_t cap)
{
    char as_of[11], since[11];
    cvom_date_format(r->as_of, as_of);
    cvom_date_format(r->since, since);
    snprintf(buf, cap, "as of %s · arrows: movers since %s%s%s", as_of, since,
             r->filters && r->filters[0] ? " · " : "", r->filters ? r->filters : "");
}

/* The matrix as SVG: every placed account, with an arrow from where each mover stood. */
static enum cvom_status matrix_svg(const struct cvom_report *r, struct membuf *out,
                                   struct cvom_error *err)
{
    size_t n = 0;
    struct cvom_chart_point *pts = cvom__alloc_array(r->n_accounts * sizeof *pts); /* set whole */
    if (!pts)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    for (size_t i = 0; i < r->n_accounts; i++) {
        const struct cvom_report_account *a = &r->accounts[i];
        if (!placed(&a->now))
            continue;
        int moved = placed(&a->before) && a->before.quadrant != a->now.quadrant;
        pts[n++] = (struct cvom_chart_point){
            .label = a->label ? a->label : a->name,
            .x = a->now.value[CVOM_DIM_INTELLECTUAL],
            .y = a->now.value[CVOM_DIM_EMOTIONAL],
            .x0 = moved ? a->before.value[CVOM_DIM_INTELLECTUAL] : NAN,
            .y0 = moved ? a->before.value[CVOM_DIM_EMOTIONAL] : NAN,
            .revenue = a->revenue > 0 ? a->revenue : 0,
            .quadrant = a->now.quadrant,
            .state = a->now.state,
        };
    }
    struct cvom_chart_opts o;
    cvom__chart_opts_init(&o);
    o.width = 800;
    o.height = 640;
    o.threshold[0] = r->threshold[0];
    o.threshold[1] = r->threshold[1];
    o.arrows = 1;
    char footer[512];
    chart_footer(r, footer, sizeof footer);
    o.title = "Customer Value Orientation Matrix";
    o.footer = footer;
    enum cvom_status st = cvom__chart_matrix(CVOM_CHART_SVG, pts, n, &o, membuf_write, out, err);
    free(pts);
    return st;
}

static const char html_style[] =
    ":root{--ink:#1d2430;--muted:#5b6473;--rule:#d5dae1;--head:#eef1f5}\n"
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 'DejaVu Sans',system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
    "color:var(--ink);margin:0 auto;padding:24px 32px 48px;max-width:1280px}\n"
    "h1{font-size:26px;margin:0 0 4px}\n"
    "h2{font-size:19px;margin:0 0 4px;border-bottom:2px solid var(--ink);padding-bottom:3px}\n"
    "h2 .count{color:var(--muted);font-weight:normal}\n"
    "section{margin-top:36px}\n"
    ".meta{color:var(--muted);margin:0}\n"
    ".note{color:var(--muted);margin:4px 0 10px}\n"
    ".figures{display:flex;flex-wrap:wrap;gap:12px 28px;margin:14px 0 6px;padding:0;"
    "list-style:none}\n"
    ".figures li{border-left:4px solid var(--rule);padding-left:8px}\n"
    ".figures b{display:block;font-size:22px}\n"
    ".scroll{overflow-x:auto}\n"
    "table{border-collapse:collapse;font-size:13px;margin:6px 0 4px}\n"
    "th,td{padding:4px 9px;border-bottom:1px solid var(--rule);text-align:left;"
    "vertical-align:top}\n"
    "thead th{background:var(--head);border-bottom:2px solid var(--ink);vertical-align:bottom}\n"
    "tbody th{font-weight:600;min-width:11em}\n"
    "td{white-space:nowrap}\n"
    ".num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    ".up{color:#1e7a45}.down{color:#b3261e}\n"
    "tr.total td{font-weight:bold;border-top:2px solid var(--ink)}\n"
    ".q{white-space:nowrap;border-left:4px solid;padding-left:5px}\n"
    ".q-transactional{border-color:var(--q-transactional)}"
    ".q-intellectual{border-color:var(--q-intellectual)}"
    ".q-emotional{border-color:var(--q-emotional)}"
    ".q-partnership{border-color:var(--q-partnership)}\n"
    ".empty{color:var(--muted);font-style:italic}\n"
    "caption{text-align:left;font-weight:600;padding:4px 0}\n"
    "table.transitions{margin-right:24px;display:inline-table}\n"
    ".stay{background:var(--head)}\n"
    "figure{margin:18px 0 0}\n"
    "figure svg{display:block;width:100%;max-width:820px;height:auto}\n"
    "figcaption{color:var(--muted);font-size:12px;margin-top:4px}\n"

    "@page{size:A4;margin:14mm}\n"
    "@page wide{size:A4 landscape;margin:12mm}\n"
    "@media print{\n"
    "body{font-size:10pt;padding:0;max-width:none}\n"
    "section{margin-top:0;break-before:page}\n"
    "#summary{break-before:auto;margin-top:18px}\n"
    "table{font-size:8.5pt}\n"
    "#movers,#borderline,#sliding,#overserved,#health,#accounts{page:wide}\n"
    "#accounts table{font-size:7.5pt}\n"
    "tbody th{min-width:0}\n"
    "th,td{padding:2px 5px}\n"
    "thead{display:table-header-group}\n"
    "tr,figure{break-inside:avoid}\n"
    "h2{break-after:avoid}\n"
    ".scroll{overflow:visible}\n"
    "figure svg{width:100%;max-width:none;max-height:170mm}\n"
    "a{color:inherit;text-decoration:none}\n"
    "}\n";

/* The number columns of each table drawn by html_table, right-aligned by position: one rule
 * in the head instead of a class on every cell, a quarter of the bytes of a large report. */
static void html_column_css(FILE *f)
{
    const char *sep = "";
    for (int s = 0; s < S_COUNT; s++) {
        if (s == S_TRANSITIONS) /* its own tables, with classes */
            continue;
        int at = 1;
        for (const enum col *c = sections[s].human; *c != END; c++, at++)
            if (columns[*c].kind != K_TEXT && columns[*c].kind != K_DATE) {
                fprintf(f, "%s#%s td:nth-child(%d)", sep, sections[s].key, at);
                sep = ",";
            }
    }
    if (*sep)
        fputs("{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n", f);
}

static void html_header(FILE *f, const struct cvom_report *r)
{
    char as_of[11], since[11], palette[640];
    cvom_date_format(r->as_of, as_of);
    cvom_date_format(r->since, since);
    cvom__palette_css(palette, sizeof palette);
    fprintf(f,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"cvom %s\">\n"
            "<title>Portfolio report as of %s</title>\n<style>\n%s%s",
            CVOM_VERSION, as_of, palette, html_style);
    html_column_css(f);
    fputs("</style>\n</head>\n<body>\n<header>\n<h1>Portfolio report</h1>\n", f);
    fprintf(f,
            "<p class=\"meta\">As of <b>%s</b> · movers since %s · thresholds %g "
            "(intellectual) and %g (emotional) · scores 0–100 with %.0f %% intervals, "
            "shown to one decimal · assessments valid for %d days · made with cvom %s · ",
            as_of, since, r->threshold[0], r->threshold[1], 100 * r->confidence, r->validity_days,
            CVOM_VERSION);
    if (r->filters && r->filters[0]) {
        fputs("accounts where ", f);
        html_put_file(f, r->filters);
    } else {
        fputs("all accounts", f);
    }
    fputs("</p>\n<ul class=\"figures\">\n", f);
    struct {
        const char *label;
        size_t n;
    } figs[] = {{"accounts", r->n_accounts},
                {"placed on the matrix", r->placed},
                {"moved quadrant", r->n_movers},
                {"borderline", r->n_borderline},
                {"stale", r->n_stale},
                {"insufficient evidence", r->n_insufficient},
                {"of them never assessed", r->unassessed_count},
                {"sliding towards Transactional", r->n_slides},
                {"over-served", r->n_overserved},
                {"partnerships at risk", r->n_at_risk}};
    for (size_t i = 0; i < sizeof figs / sizeof *figs; i++)
        fprintf(f, "<li><b>%zu</b>%s</li>\n", figs[i].n, figs[i].label);
    fputs("</ul>\n</header>\n", f);
}

/* What the analytics sections were made with, after their note. */
static void html_analytics_note(FILE *f, const struct cvom_report *r, enum section s)
{
    char a[64], b[64];
    switch (s) {
    case S_TRANSITIONS:
    case S_SLIDING:
        if (!r->has_migration)
            fputs(" The report's two dates are the same day: there is nothing to compare.", f);
        else if (s == S_SLIDING)
            fprintf(f, " Slide points: %g.", r->slide_points);
        break;
    case S_OVERSERVED:
        group_digits(a, sizeof a, r->unvalued_cost);
        group_digits(b, sizeof b, r->cost_to_serve);
        fprintf(f,
                " Over-served: unvalued cost above %.1f %% of the cost to serve. %zu of %zu "
                "rated accounts; unvalued cost %s of %s in all.",
                100 * r->overserved_share, r->n_overserved, r->rated_accounts, a, b);
        break;
    case S_AT_RISK:
        if (!r->has_our_ranking)
            fputs(" We have no value hierarchy of our own yet, so alignment is unknown.", f);
        else
            fprintf(f, " Threshold %.2f; %zu accounts have a hierarchy.", r->at_risk_threshold,
                    r->ranked_accounts);
        break;
    default: break;
    }
}

/* The transitions as two cross tables, accounts and revenue: rows the since date, columns
 * now, with totals. */
static void html_transitions(FILE *f, const struct cvom_report *r)
{
    if (!r->has_migration) {
        fputs("<p class=\"empty\">None.</p>\n", f);
        return;
    }
    char since[11], as_of[11];
    cvom_date_format(r->since, since);
    cvom_date_format(r->as_of, as_of);
    for (int rev = 0; rev < 2; rev++) {
        double row_sum[CVOM_MIG_STATES] = {0}, col_sum[CVOM_MIG_STATES] = {0}, all = 0;
        for (int i = 0; i < CVOM_MIG_STATES; i++)
            for (int j = 0; j < CVOM_MIG_STATES; j++) {
                double v = rev ? r->transition_revenue[i][j] : (double)r->transition_count[i][j];
                row_sum[i] += v;
                col_sum[j] += v;
                all += v;
            }
        fprintf(f,
                "<table class=\"transitions\">\n<caption>By %s</caption>\n<thead><tr>"
                "<th scope=\"col\">%s \\ %s</th>",
                rev ? "revenue" : "accounts", since, as_of);
        for (int j = 0; j <= CVOM_MIG_STATES; j++)
            fprintf(f, "<th scope=\"col\" class=\"num\">%s</th>",
                    j == CVOM_MIG_STATES       ? "Total"
                    : j == CVOM_MIG_NOT_PLACED ? "Not placed"
                                               : cvom_quadrant_title((enum cvom_quadrant)j));
        fputs("</tr></thead>\n<tbody>\n", f);
        for (int i = 0; i <= CVOM_MIG_STATES; i++) {
            fprintf(f, "<tr%s><th scope=\"row\">%s</th>",
                    i == CVOM_MIG_STATES ? " class=\"total\"" : "",
                    i == CVOM_MIG_STATES       ? "Total"
                    : i == CVOM_MIG_NOT_PLACED ? "Not placed"
                                               : cvom_quadrant_title((enum cvom_quadrant)i));
            for (int j = 0; j <= CVOM_MIG_STATES; j++) {
                double v =
                    i < CVOM_MIG_STATES && j < CVOM_MIG_STATES
                        ? (rev ? r->transition_revenue[i][j] : (double)r->transition_count[i][j])
                    : i < CVOM_MIG_STATES ? row_sum[i]
                    : j < CVOM_MIG_STATES ? col_sum[j]
                                          : all;
                char buf[64];
                group_digits(buf, sizeof buf, v);
                fprintf(f, "<td class=\"num%s\">%s</td>", i == j ? " stay" : "", buf);
            }
            fputs("</tr>\n", f);
        }
        fputs("</tbody>\n</table>\n", f);
    }
}

static void html_section(FILE *f, const struct cvom_report *r, enum section s,
                         const struct membuf *svg, int behind)
{
    fprintf(f, "<section id=\"%s\">\n<h2>%s", sections[s].key, sections[s].title);
    if (s == S_MOVERS || s == S_TRANSITIONS || s == S_SLIDING) {
        char since[11];
        cvom_date_format(r->since, since);
        fprintf(f, " since %s", since);
    }
    if (s != S_SUMMARY && s != S_TRANSITIONS)
        fprintf(f, " <span class=\"count\">(%zu)</span>", section_rows(r, s));
    fprintf(f, "</h2>\n<p class=\"note\">%s", sections[s].note);
    html_analytics_note(f, r, s);
    fputs("</p>\n<div class=\"scroll\">\n", f);
    if (s == S_TRANSITIONS)
        html_transitions(f, r);
    else
        html_table(f, r, s, behind);
    fputs("</div>\n", f);
    if (s == S_SUMMARY && svg) {
        /* Inline the SVG without its XML declaration, which HTML does not allow. */
        const char *p = strstr((const char *)svg->p, "<svg");
        fputs("<figure>\n", f);
        fputs(p ? p : "", f);
        fputs("\n<figcaption>Intellectual value across, emotional value up; bubble area "
              "grows with revenue; arrows show where movers stood on the since date. "
              "Accounts without enough evidence are not drawn.</figcaption>\n</figure>\n",
              f);
    }
    fputs("</section>\n", f);
}

/* The matrix is drawn on a thread of its own while the sections after the summary, where
 * it goes, are written to a scratch file; they follow it into f once it is there. For
 * 100,000 accounts the picture takes about 160 ms and those sections some 150 ms. The
 * scratch file is tmpfile()'s: it has no name, only its owner may read it, and it is gone
 * when closed, or when the process ends however it ends. */
#define SCRATCH_CHUNK ((size_t)1 << 16)

struct svg_job {
    const struct cvom_report *r;
    struct membuf svg;
    enum cvom_status st;
    struct cvom_error err;
};

static void *svg_job_run(void *arg)
{
    struct svg_job *j = arg;
    j->st = matrix_svg(j->r, &j->svg, &j->err);
    return NULL;
}

/* What scratch holds, after what f holds, handed to the disk as it goes: 0; -1 when nothing
 * could be read back (f is as it was); -2 when reading back failed part way. */
static int append_scratch(FILE *f, FILE *scratch)
{
    char *buf = malloc(SCRATCH_CHUNK);
    off_t handed = 0;
    size_t n, since = 0;
    int rc = 0;
    if (!buf || fflush(scratch) || ferror(scratch) || fseeko(scratch, 0, SEEK_SET)) {
        free(buf);
        return -1;
    }
    while ((n = fread(buf, 1, SCRATCH_CHUNK, scratch)) > 0) {
        if (fwrite(buf, 1, n, f) != n)
            break; /* f's error shows where the report is completed */
        if ((since += n) >= OUT_BEHIND_EVERY) {
            since = 0;
            cvom__write_behind(f, &handed);
        }
    }
    if (ferror(scratch))
        rc = -2;
    free(buf);
    return rc;
}

/* Every section after the summary, the one that holds the picture. */
static void html_after_summary(FILE *f, const struct cvom_report *r, int behind)
{
    for (int s = S_SUMMARY + 1; s < S_COUNT; s++)
        html_section(f, r, (enum section)s, NULL, behind);
}

static enum cvom_status write_html(const struct cvom_report *r, FILE *f, struct cvom_error *err)
{
    struct svg_job job = {.r = r};
    pthread_t t;
    int threaded = pthread_create(&t, NULL, svg_job_run, &job) == 0;
    FILE *scratch = NULL;
    if (threaded) {
        /* A scratch file that cannot be made, or written, only costs the overlap. */
        if ((scratch = tmpfile()) != NULL) {
            html_after_summary(scratch, r, 0);
            if (fflush(scratch) || ferror(scratch)) {
                fclose(scratch);
                scratch = NULL;
            }
        }
        pthread_join(t, NULL);
    } else {
        svg_job_run(&job);
    }
    enum cvom_status st = job.st;
    if (st) {
        if (err)
            *err = job.err;
    } else if (!job.svg.p || !strstr((const char *)job.svg.p, "<svg")) {
        st = cvom_error_set(err, CVOM_EIO, "the matrix picture came out empty");
    }
    if (!st) {
        html_header(f, r);
        fputs("<main>\n", f);
        html_section(f, r, S_SUMMARY, &job.svg, 1);
        int rc = scratch ? append_scratch(f, scratch) : -1;
        if (rc == -1)
            html_after_summary(f, r, 1);
        if (rc == -2)
            st = cvom_error_set(err, CVOM_EIO, "reading back the report's scratch file failed");
        fputs("</main>\n</body>\n</html>\n", f);
    }
    if (scratch)
        fclose(scratch);
    free(job.svg.p);
    return st;
}

/* ---- XLSX ------------------------------------------------------------------------------ */

struct xlsx {
    lxw_workbook *wb;
    lxw_format *head, *num[K_DATE + 1], *bold, *bold_num[K_DATE + 1], *label;
};

/* Quadrant colours of the Excel chart: the picture's, and the HTML report's marks. */
static const lxw_color_t quadrant_rgb[CVOM_Q_COUNT] = {0xCC8B17, 0x2F77C4, 0xC2467A, 0x2C9854};

static const char *const number_format[K_DATE + 1] = {[K_TEXT] = "@",
                                                      [K_INT] = "0",
                                                      [K_SCORE] = "0.00",
                                                      [K_MONEY] = "#,##0",
                                                      [K_CHANGE] = "+0.00;-0.00;0.00",
                                                      [K_SHARE] = "0.0%",
                                                      [K_DEC3] = "0.000",
                                                      [K_DATE] = "yyyy-mm-dd"};
static const double number_width[K_DATE + 1] = {
    [K_TEXT] = 8,   [K_INT] = 8,   [K_SCORE] = 8, [K_MONEY] = 12,
    [K_CHANGE] = 8, [K_SHARE] = 8, [K_DEC3] = 8,  [K_DATE] = 11};

/* Days from 1899-12-30, Excel's day zero, to 1970-01-01. */
#define EXCEL_EPOCH_OFFSET 25569.0

static size_t utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static void xlsx_formats(struct xlsx *x)
{
    x->head = workbook_add_format(x->wb);
    format_set_bold(x->head);
    format_set_bg_color(x->head, 0xEEF1F5);
    format_set_bottom(x->head, LXW_BORDER_MEDIUM);
    format_set_align(x->head, LXW_ALIGN_VERTICAL_CENTER);
    x->bold = workbook_add_format(x->wb);
    format_set_bold(x->bold);
    x->label = workbook_add_format(x->wb);
    format_set_font_color(x->label, 0x5B6473);
    for (int k = K_INT; k <= K_DATE; k++) {
        x->num[k] = workbook_add_format(x->wb);
        format_set_num_format(x->num[k], number_format[k]);
        x->bold_num[k] = workbook_add_format(x->wb);
        format_set_num_format(x->bold_num[k], number_format[k]);
        format_set_bold(x->bold_num[k]);
        format_set_top(x->bold_num[k], LXW_BORDER_THIN);
    }
    x->num[K_TEXT] = NULL;
    x->bold_num[K_TEXT] = x->bold;
}

/* Text as a string cell, never a formula; text a spreadsheet would take for a formula
 * gets the same single-quote prefix as in the CSV. */
static lxw_error xlsx_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
                           lxw_format *f)
{
    if (!s || !s[0])
        return LXW_NO_ERROR;
    if (!s || !cvom__csv_needs_guard(s))
        return worksheet_write_string(ws, row, col, s, f);
    size_t n = strlen(s);
    char *t = malloc(n + 2);
    if (!t)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    t[0] = '\'';
    memcpy(t + 1, s, n + 1);
    lxw_error e = worksheet_write_string(ws, row, col, t, f);
    free(t);
    return e;
}

static lxw_error xlsx_cell(struct xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col,
                           const struct cvom_report *r, enum section s, size_t i, enum col c,
                           double *width)
{
    struct cell v;
    enum kind k = columns[c].kind;
    cell_get(r, s, i, c, 0, &v);
    if (k == K_TEXT) {
        if (v.text && (double)utf8_len(v.text) + 1 > *width)
            *width = (double)utf8_len(v.text) + 1;
        return xlsx_text(ws, row, col, v.text, NULL);
    }
    if (isnan(v.num))
        return LXW_NO_ERROR;
    return worksheet_write_number(ws, row, col, k == K_DATE ? v.num + EXCEL_EPOCH_OFFSET : v.num,
                                  x->num[k]);
}

static size_t col_count(const enum col *list)
{
    size_t n = 0;
    while (list[n] != END)
        n++;
    return n;
}

static void xlsx_page(lxw_worksheet *ws, int landscape)
{
    worksheet_set_paper(ws, 9); /* A4 */
    if (landscape)
        worksheet_set_landscape(ws);
    worksheet_repeat_rows(ws, 0, 0);
    worksheet_fit_to_pages(ws, 1, 0);
}

/* A sheet holding one section: bold frozen header, autofilter, widths that fit. */
/* One sheet of a section: its rows are written apart from the rest (xlsx_rows_fill), so that
 * two sheets can take theirs at once. */
struct xlsx_rows {
    struct xlsx *x;
    const struct cvom_report *r;
    enum section s;
    lxw_worksheet *ws;
    double width[C_COUNT]; /* of each column, grown to its longest text */
    lxw_error e;
};

/* The sheet of section s with its heading row. */
static lxw_error xlsx_sheet_begin(struct xlsx *x, const struct cvom_report *r, enum section s,
                                  struct xlsx_rows *out)
{
    *out = (struct xlsx_rows){.x = x, .r = r, .s = s};
    lxw_worksheet *ws = out->ws = workbook_add_worksheet(x->wb, sections[s].title);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    const enum col *cols = sections[s].human;
    lxw_error e = LXW_NO_ERROR;
    for (size_t j = 0; !e && cols[j] != END; j++) {
        /* Room for the title and the autofilter's drop-down button. */
        double *w = &out->width[j];
        *w = (double)utf8_len(columns[cols[j]].title) + 4;
        if (*w < number_width[columns[cols[j]].kind] + 1)
            *w = number_width[columns[cols[j]].kind] + 1;
        e = worksheet_write_string(ws, 0, (lxw_col_t)j, columns[cols[j]].title, x->head);
    }
    return e;
}

static void xlsx_rows_fill(struct xlsx_rows *j)
{
    const enum col *cols = sections[j->s].human;
    size_t ncol = col_count(cols), n = section_rows(j->r, j->s);
    for (size_t i = 0; !j->e && i < n; i++)
        for (size_t c = 0; !j->e && c < ncol; c++)
            j->e = xlsx_cell(j->x, j->ws, (lxw_row_t)(i + 1), (lxw_col_t)c, j->r, j->s, i, cols[c],
                             &j->width[c]);
}

static void *xlsx_rows_run(void *arg)
{
    xlsx_rows_fill(arg);
    return NULL;
}

/* The widths, frozen heading, filter and page of a sheet whose rows are written. */
static lxw_error xlsx_sheet_end(const struct xlsx_rows *j)
{
    size_t ncol = col_count(sections[j->s].human), n = section_rows(j->r, j->s);
    lxw_error e = LXW_NO_ERROR;
    for (size_t c = 0; !e && c < ncol; c++)
        e = worksheet_set_column(j->ws, (lxw_col_t)c, (lxw_col_t)c,
                                 j->width[c] > 48 ? 48 : j->width[c], NULL);
    if (!e)
        worksheet_freeze_panes(j->ws, 1, 0);
    if (!e)
        e = worksheet_autofilter(j->ws, 0, 0, (lxw_row_t)n, (lxw_col_t)(ncol - 1));
    xlsx_page(j->ws, ncol > 8);
    return e;
}

/* Below the summary table: the total and what the report was made from. */
static lxw_error xlsx_summary_extra(struct xlsx *x, const struct cvom_report *r, lxw_worksheet *ws)
{
    lxw_row_t t = SUMMARY_ROWS + 2;
    lxw_error e = worksheet_write_string(ws, t, 0, "All accounts", x->bold);
    if (!e)
        e = worksheet_write_number(ws, t, 1, (double)r->n_accounts, x->bold_num[K_INT]);
    if (!e)
        e = worksheet_write_number(ws, t, 2, r->n_accounts ? 1.0 : 0.0, x->bold_num[K_SHARE]);
    if (!e)
        e = worksheet_write_number(ws, t, 3, rounded(r->total_revenue, 2), x->bold_num[K_MONEY]);
    if (!e)
        e = worksheet_write_number(ws, t, 4, r->total_revenue > 0 ? 1.0 : 0.0,
                                   x->bold_num[K_SHARE]);
    /* Every account is counted: those never assessed are among the insufficient evidence. */
    if (!e)
        e = worksheet_write_string(ws, t + 1, 0, "Never assessed (of Insufficient evidence)",
                                   x->label);
    if (!e)
        e = worksheet_write_number(ws, t + 1, 1, (double)r->unassessed_count, x->num[K_INT]);
    char thresholds[96], interval[32];
    snprintf(thresholds, sizeof thresholds, "intellectual %g, emotional %g", r->threshold[0],
             r->threshold[1]);
    snprintf(interval, sizeof interval, "%.0f %%", 100 * r->confidence);
    lxw_row_t m = t + 3;
    const char *labels[] = {"As of",     "Movers since",     "Thresholds",
                            "Intervals", "Valid for (days)", "Filters",
                            "Made with"};
    /* Row by row, the label and then its value: the rows are streamed (constant memory). */
    for (size_t i = 0; !e && i < sizeof labels / sizeof *labels; i++) {
        lxw_row_t row = m + (lxw_row_t)i;
        e = worksheet_write_string(ws, row, 0, labels[i], x->label);
        if (e)
            break;
        switch (i) {
        case 0:
            e = worksheet_write_number(ws, row, 1, r->as_of + EXCEL_EPOCH_OFFSET, x->num[K_DATE]);
            break;
        case 1:
            e = worksheet_write_number(ws, row, 1, r->since + EXCEL_EPOCH_OFFSET, x->num[K_DATE]);
            break;
        case 2: e = worksheet_write_string(ws, row, 1, thresholds, NULL); break;
        case 3: e = worksheet_write_string(ws, row, 1, interval, NULL); break;
        case 4: e = worksheet_write_number(ws, row, 1, r->validity_days, x->num[K_INT]); break;
        case 5:
            e = xlsx_text(ws, row, 1, r->filters && r->filters[0] ? r->filters : "none", NULL);
            break;
        default: e = worksheet_write_string(ws, row, 1, "cvom " CVOM_VERSION, NULL); break;
        }
    }
    return e;
}

/* Threshold line i (0–3: two points per line) in row 1 + i, columns G–I. Rows are written in
 * order, each whole before the next: the workbook streams them to disk (constant memory). */
static lxw_error xlsx_threshold_line(lxw_worksheet *ws, int i, const double line[4][2],
                                     struct xlsx *x)
{
    lxw_error e = worksheet_write_string(
        ws, (lxw_row_t)(1 + i), 6, i < 2 ? "intellectual threshold" : "emotional threshold", NULL);
    for (int d = 0; !e && d < 2; d++)
        e = worksheet_write_number(ws, (lxw_row_t)(1 + i), (lxw_col_t)(7 + d), line[i][d],
                                   x->num[K_SCORE]);
    return e;
}

/* The data behind the chart, grouped by quadrant so that each quadrant is one series:
 * rows first[q]..last[q] (none when first[q] > last[q]); threshold lines in rows 1–4 of
 * columns G–H. */
static lxw_error xlsx_chart_data(const struct cvom_report *r, lxw_worksheet *ws,
                                 lxw_row_t first[CVOM_Q_COUNT], lxw_row_t last[CVOM_Q_COUNT],
                                 struct xlsx *x)
{
    static const char *const head[] = {"Quadrant",       "Account",      "Intellectual",
                                       "Emotional",      "Revenue",      "",
                                       "Threshold line", "Intellectual", "Emotional"};
    lxw_error e = LXW_NO_ERROR;
    for (size_t j = 0; !e && j < sizeof head / sizeof *head; j++)
        if (head[j][0])
            e = worksheet_write_string(ws, 0, (lxw_col_t)j, head[j], x->head);
    const double ti = r->threshold[CVOM_DIM_INTELLECTUAL], te = r->threshold[CVOM_DIM_EMOTIONAL];
    const double line[4][2] = {{ti, 0}, {ti, 100}, {0, te}, {100, te}};
    int lines = 0; /* the threshold lines written so far, each in row 1 + its index */
    lxw_row_t row = 1, placed_rows = 0;
    for (size_t i = 0; i < r->n_accounts; i++)
        placed_rows += placed(&r->accounts[i].now);
    /* Before the rows: a streamed sheet takes no range that ends above its last row. */
    e = e ? e : worksheet_autofilter(ws, 0, 0, placed_rows, 4);
    for (int k = 0; !e && k < CVOM_Q_COUNT; k++) {
        enum cvom_quadrant q = summary_order[k];
        first[q] = row;
        for (size_t i = 0; !e && i < r->n_accounts; i++) {
            const struct cvom_report_account *a = &r->accounts[i];
            if (!placed(&a->now) || a->now.quadrant != q)
                continue;
            e = worksheet_write_string(ws, row, 0, cvom_quadrant_name(q), NULL);
            if (!e)
                e = xlsx_text(ws, row, 1, a->label ? a->label : a->name, NULL);
            for (int d = 0; !e && d < CVOM_DIM_COUNT; d++)
                e = worksheet_write_number(ws, row, (lxw_col_t)(2 + d), rounded(a->now.value[d], 2),
                                           x->num[K_SCORE]);
            if (!e)
                e = worksheet_write_number(ws, row, 4, rounded(a->revenue, 2), x->num[K_MONEY]);
            if (!e && lines < 4)
                e = xlsx_threshold_line(ws, lines++, line, x);
            row++;
        }
        last[q] = row - 1;
    }
    while (!e && lines < 4) /* fewer than four accounts placed */
        e = xlsx_threshold_line(ws, lines++, line, x);
    static const double widths[] = {14, 34, 12, 12, 13, 3, 22, 12, 12};
    for (size_t j = 0; !e && j < sizeof widths / sizeof *widths; j++)
        e = worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, widths[j], NULL);
    if (!e)
        worksheet_freeze_panes(ws, 1, 0);
    return e;
}

/* A native scatter chart of the matrix on the summary sheet: one series per quadrant and
 * the two thresholds as dashed lines. (libxlsxwriter has no bubble charts.) */
static lxw_error xlsx_chart(struct xlsx *x, const struct cvom_report *r, lxw_worksheet *summary)
{
    static const char data[] = "Matrix data";
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, data);
    if (!ws)
        return LXW_ERROR_MEMORY_MALLOC_FAILED;
    lxw_row_t first[CVOM_Q_COUNT], last[CVOM_Q_COUNT];
    lxw_error e = xlsx_chart_data(r, ws, first, last, x);
    lxw_chart *ch = e ? NULL : workbook_add_chart(x->wb, LXW_CHART_SCATTER);
    if (!ch)
        return e ? e : LXW_ERROR_MEMORY_MALLOC_FAILED;
    int16_t series = 0, hide[3] = {-1, -1, -1};
    for (int k = 0; k < CVOM_Q_COUNT; k++) {
        enum cvom_quadrant q = summary_order[k];
        if (first[q] > last[q])
            continue;
        lxw_chart_series *sr = chart_add_series(ch, NULL, NULL);
        if (!sr)
            return LXW_ERROR_MEMORY_MALLOC_FAILED;
        chart_series_set_categories(sr, data, first[q], 2, last[q], 2);
        chart_series_set_values(sr, data, first[q], 3, last[q], 3);
        chart_series_set_name(sr, cvom_quadrant_title(q));
        chart_series_set_marker_type(sr, LXW_CHART_MARKER_CIRCLE);
        chart_series_set_marker_size(sr, 8);
        lxw_chart_fill fill = {.color = quadrant_rgb[q], .transparency = 15};
        lxw_chart_line edge = {.color = 0xFFFFFF, .width = 0.75};
        chart_series_set_marker_fill(sr, &fill);
        chart_series_set_marker_line(sr, &edge);
        series++;
    }
    for (int i = 0; i < 2; i++) {
        lxw_chart_series *sr = chart_add_series(ch, NULL, NULL);
        if (!sr)
            return LXW_ERROR_MEMORY_MALLOC_FAILED;
        lxw_row_t r0 = (lxw_row_t)(1 + 2 * i);
        chart_series_set_categories(sr, data, r0, 7, r0 + 1, 7);
        chart_series_set_values(sr, data, r0, 8, r0 + 1, 8);
        chart_series_set_name(sr, i ? "Emotional threshold" : "Intellectual threshold");
        chart_series_set_marker_type(sr, LXW_CHART_MARKER_NONE);
        lxw_chart_line dash = {
            .color = 0x444444, .width = 1.25, .dash_type = LXW_CHART_LINE_DASH_DASH};
        chart_series_set_line(sr, &dash);
        hide[i] = series++;
    }
    chart_legend_delete_series(ch, hide);
    char title[96], as_of[11];
    cvom_date_format(r->as_of, as_of);
    snprintf(title, sizeof title, "Customer Value Orientation Matrix, as of %s", as_of);
    chart_title_set_name(ch, title);
    lxw_chart_axis *axes[2] = {ch->x_axis, ch->y_axis};
    static const char *const names[2] = {"Intellectual value (expertise, know-how, network)",
                                         "Emotional value (trust, loyalty, relationship)"};
    for (int d = 0; d < 2; d++) {
        chart_axis_set_name(axes[d], names[d]);
        chart_axis_set_min(axes[d], 0);
        chart_axis_set_max(axes[d], 100);
        chart_axis_set_major_unit(axes[d], 25);
        chart_axis_major_gridlines_set_visible(axes[d], LXW_FALSE);
    }
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options place = {.x_offset = 10, .y_offset = 4, .x_scale = 1.35, .y_scale = 1.9};
    return worksheet_insert_chart_opt(summary, 1, 6, ch, &place);
}

/* The formats of the sheets' rows get their style numbers before two threads write cells
 * with them: a format is numbered on its first use, in a table of the workbook's that is not
 * made for two writers at once. Numbered, it is only read. (The bold and label formats are
 * used after the rows, by one thread.) */
static void xlsx_number_formats(struct xlsx *x)
{
    lxw_format_get_xf_index(x->head);
    for (int k = K_INT; k <= K_DATE; k++)
        lxw_format_get_xf_index(x->num[k]);
}

static lxw_error xlsx_fill(struct xlsx *x, const struct cvom_report *r)
{
    xlsx_formats(x);
    xlsx_number_formats(x);
    struct xlsx_rows sheet[S_COUNT];
    lxw_error e = LXW_NO_ERROR;
    for (int s = 0; !e && s < S_COUNT; s++)
        e = xlsx_sheet_begin(x, r, (enum section)s, &sheet[s]);
    /* The rows are most of the report's time, printed cell by cell by libxlsxwriter into
     * each sheet's own temporary file: the Accounts sheet, the longest, takes its rows on a
     * thread of its own while this one writes every other sheet's. That holds only in
     * constant_memory mode (write_xlsx), where strings go inline: otherwise both threads
     * would add to the workbook's one shared-string table. */
    pthread_t t;
    int threaded = !e && pthread_create(&t, NULL, xlsx_rows_run, &sheet[S_ACCOUNTS]) == 0;
    for (int s = 0; !e && s < S_COUNT; s++)
        if (s != S_ACCOUNTS || !threaded) {
            xlsx_rows_fill(&sheet[s]);
            e = sheet[s].e;
        }
    if (threaded) {
        pthread_join(t, NULL);
        if (!e)
            e = sheet[S_ACCOUNTS].e;
    }
    for (int s = 0; !e && s < S_COUNT; s++)
        e = xlsx_sheet_end(&sheet[s]);
    if (!e)
        e = xlsx_summary_extra(x, r, sheet[S_SUMMARY].ws);
    if (!e)
        e = worksheet_set_column(sheet[S_SUMMARY].ws, 0, 0, 22, NULL);
    if (!e)
        e = xlsx_chart(x, r, sheet[S_SUMMARY].ws);
    if (!e) {
        worksheet_activate(sheet[S_SUMMARY].ws);
        char title[] = "Portfolio report", subject[] = "Customer Value Orientation Matrix";
        lxw_doc_properties props = {.title = title, .subject = subject};
        e = workbook_set_properties(x->wb, &props);
    }
    return e;
}

static enum cvom_status write_xlsx(const struct cvom_report *r, const char *path,
                                   struct cvom_error *err)
{
    const char *why = cvom__lazy_xlsxwriter_load();
    if (why)
        return cvom_error_set(err, CVOM_EIO, "cannot write a workbook: %s", why);
    struct xlsx x = {0};
    /* Rows go to disk as they are written, and strings inline: a portfolio of 100,000
     * accounts otherwise keeps every cell in memory and a shared-string table in a tree, and
     * takes three times as long. Every sheet is written row after row for that. */
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    x.wb = workbook_new_opt(path, &opt);
    if (!x.wb)
        return cvom_error_set(err, CVOM_ENOMEM, "out of memory");
    lxw_error e = xlsx_fill(&x, r);
    if (e) {
        lxw_workbook_free(x.wb);
        return cvom_error_set(err, e == LXW_ERROR_MEMORY_MALLOC_FAILED ? CVOM_ENOMEM : CVOM_EIO,
                              "%s: %s", path, lxw_strerror(e));
    }
    e = workbook_close(x.wb);
    return e ? cvom_error_set(err, CVOM_EIO, "%s: %s", path, lxw_strerror(e)) : CVOM_OK;
}

/* ---- output ---------------------------------------------------------------------------- */

enum cvom_status cvom__report_write(const struct cvom_report *r, enum cvom_report_format fmt,
                                    FILE *out, struct cvom_error *err)
{
    enum cvom_status st = CVOM_OK;
    switch (fmt) {
    case CVOM_REPORT_HTML: st = write_html(r, out, err); break;
    case CVOM_REPORT_CSV: write_csv(r, out); break;
    case CVOM_REPORT_JSON: st = write_json(r, out, err); break;
    default: return cvom_error_set(err, CVOM_EINVAL, "an XLSX report must go to a file");
    }
    if (!st && ferror(out))
        st = cvom_error_set(err, CVOM_EIO, "writing the report failed: %s", strerror(errno));
    return st;
}

/* Into a temporary file (already created and open as fd) that becomes path on success. */
static enum cvom_status write_tmp(const struct cvom_report *r, enum cvom_report_format fmt, int fd,
                                  const char *tmp, struct cvom_error *err)
{
    if (fmt == CVOM_REPORT_XLSX) {
        close(fd);
        enum cvom_status st = write_xlsx(r, tmp, err);
        /* libxlsxwriter writes the workbook by its name and closes it: it is synced here,
         * as every other file is before the rename that makes it the report. */
        int wfd = st ? -1 : open(tmp, O_RDONLY | O_CLOEXEC);
        if (!st && (wfd < 0 || fsync(wfd) != 0))
            st = cvom_error_set(err, CVOM_EIO, "%s: %s", tmp, strerror(errno));
        if (wfd >= 0)
            close(wfd);
        return st;
    }
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return cvom_error_set(err, CVOM_EIO, "%s: %s", tmp, strerror(errno));
    }
    enum cvom_status st = cvom__report_write(r, fmt, f, err);
    if (!st && (fflush(f) || fsync(fileno(f))))
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", tmp, strerror(errno));
    if (fclose(f) && !st)
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", tmp, strerror(errno));
    return st;
}

enum cvom_status cvom__report_write_file(const struct cvom_report *r, enum cvom_report_format fmt,
                                         const char *path, struct cvom_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        /* A device such as /dev/null cannot be replaced by a rename: write it directly. */
        if (fmt == CVOM_REPORT_XLSX)
            return write_xlsx(r, path, err);
        FILE *f = fopen(path, "w");
        if (!f)
            return cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
        enum cvom_status st = cvom__report_write(r, fmt, f, err);
        if (fclose(f) && !st)
            st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
        return st;
    }
    char tmp[PATH_MAX];
    int fd = cvom__open_beside(path, tmp, sizeof tmp);
    if (fd < 0)
        return cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    enum cvom_status st = write_tmp(r, fmt, fd, tmp, err);
    if (!st && rename(tmp, path))
        st = cvom_error_set(err, CVOM_EIO, "%s: %s", path, strerror(errno));
    if (st)
        unlink(tmp);
    return st;
}
