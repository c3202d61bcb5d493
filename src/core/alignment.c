/* alignment.c — how closely an account's value hierarchy follows ours: Kendall's tau-b
 * between the ranks both lists give to the values they share, and the partnerships whose
 * alignment is too low to rest on. */
#include "cvom.h"

#include <math.h>
#include <string.h>

static enum cvom_status check_list(const char *const *v, size_t n, const char *whose,
                                   struct cvom_error *err)
{
    if (n > CVOM_VALUES_MAX)
        return cvom_error_set(err, CVOM_EINVAL, "%s ranking has more than %d values", whose,
                              CVOM_VALUES_MAX);
    for (size_t i = 0; i < n; i++) {
        if (!v[i] || !v[i][0])
            return cvom_error_set(err, CVOM_EINVAL, "%s ranking has an empty value", whose);
        for (size_t j = 0; j < i; j++)
            if (strcmp(v[i], v[j]) == 0)
                return cvom_error_set(err, CVOM_EINVAL, "%s ranking names '%s' twice", whose, v[i]);
    }
    return CVOM_OK;
}

enum cvom_status cvom_value_alignment(const char *const *ours, size_t n_ours,
                                      const char *const *theirs, size_t n_theirs,
                                      struct cvom_alignment *out, struct cvom_error *err)
{
    enum cvom_status st = check_list(ours, n_ours, "our", err);
    if (!st)
        st = check_list(theirs, n_theirs, "the account's", err);
    if (st)
        return st;
    /* Ranks are positions in each list; values only one side ranks do not count. */
    double x[CVOM_VALUES_MAX], y[CVOM_VALUES_MAX];
    size_t n = 0;
    for (size_t i = 0; i < n_ours; i++)
        for (size_t j = 0; j < n_theirs; j++)
            if (strcmp(ours[i], theirs[j]) == 0) {
                x[n] = (double)(i + 1);
                y[n] = (double)(j + 1);
                n++;
                break;
            }
    struct cvom_alignment a = {.common = n, .tau = NAN};
    if (n >= 2 && cvom_kendall_tau_b(x, y, n, &a.tau) != CVOM_OK)
        a.tau = NAN; /* cannot happen with distinct ranks; kept unknown if it did */
    *out = a;
    return CVOM_OK;
}

int cvom_partnership_at_risk(enum cvom_quadrant q, enum cvom_state state, double tau,
                             double threshold)
{
    return q == CVOM_Q_PARTNERSHIP && state != CVOM_STATE_INSUFFICIENT && !isnan(tau) &&
           tau < threshold;
}
