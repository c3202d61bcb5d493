/* score_account.c — libcvom from a program of your own: a four-item questionnaire, three
 * people's answers about one customer account, and where the account sits on the Customer
 * Value Orientation Matrix, with its intervals.
 *
 *   cc score_account.c $(pkg-config --cflags --libs cvom) -o score_account
 */
#include <cvom.h>

#include <stdio.h>
#include <string.h>

static void item(struct cvom_instrument *ins, const char *code, enum cvom_axis axis, int reverse)
{
    struct cvom_item it;
    memset(&it, 0, sizeof it);
    snprintf(it.code, sizeof it.code, "%s", code);
    snprintf(it.statement, sizeof it.statement, "statement %s", code);
    it.axis = axis;
    it.reverse = reverse;
    it.weight = 1.0;
    it.scale_min = 1;
    it.scale_max = 7;
    struct cvom_error err = {0};
    if (cvom_instrument_add(ins, &it, &err) != CVOM_OK)
        fprintf(stderr, "score_account: %s\n", err.message);
}

int main(void)
{
    printf("libcvom %s (built against %s)\n", cvom_version(), CVOM_VERSION);

    struct cvom_instrument ins;
    cvom_instrument_init(&ins);
    item(&ins, "INT1", CVOM_AXIS_INTELLECTUAL, 0); /* "They ask our advice before deciding" */
    item(&ins, "INT2", CVOM_AXIS_INTELLECTUAL, 0);
    item(&ins, "EMO1", CVOM_AXIS_EMOTIONAL, 0); /* "They trust us without checking" */
    item(&ins, "EMO2", CVOM_AXIS_EMOTIONAL, 1); /* reverse: "They watch us closely" */

    /* Three stakeholders' answers on the 1–7 scale, in the order of the items. */
    static const double answers[3][4] = {{6, 7, 3, 5}, {5, 6, 2, 6}, {7, 6, 4, 4}};
    static const double influence[3] = {1.0, 0.5, 1.0};
    struct cvom_respondent r[3];
    memset(r, 0, sizeof r);
    for (int i = 0; i < 3; i++) {
        r[i].kind = CVOM_RESP_CUSTOMER;
        r[i].influence = influence[i];
        for (size_t j = 0; j < ins.n_items; j++)
            if (cvom_respondent_answer(&r[i], &ins.items[j], answers[i][j]) != CVOM_OK)
                return 1;
    }

    struct cvom_config cfg;
    cvom_config_init(&cfg);
    struct cvom_score s;
    if (cvom_score_account(&cfg, 1, r, 3, &s) != CVOM_OK) {
        cvom_instrument_cleanup(&ins);
        return 1;
    }
    printf("intellectual %.1f (%.1f to %.1f), emotional %.1f (%.1f to %.1f)\n", s.value[0], s.lo[0],
           s.hi[0], s.value[1], s.lo[1], s.hi[1]);
    printf("%s, %s\n", cvom_quadrant_title(s.quadrant), cvom_state_name(s.state));
    cvom_instrument_cleanup(&ins);
    return 0;
}
