/* check.h — the smallest test harness that says what failed: file:line, the expression
 * and both values. Each case (CHECK_CASE) runs in a process of its own, so that a crash or a
 * leak names its case and cannot take the others down; main() returns the outcome via
 * CHECK_DONE(). */
#ifndef CVOM_CHECK_H
#define CVOM_CHECK_H

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int check_failures;
static int check_count;

#define CHECK(expr)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(expr)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #expr);               \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        check_count++;                                                                             \
        if (check_a_ != check_b_) {                                                                \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == %s failed: %lld != %lld\n", __FILE__, __LINE__, #a, #b,  \
                    check_a_, check_b_);                                                           \
        }                                                                                          \
    } while (0)

/* Absolute tolerance; NaN equals NaN so "no score" can be asserted too. */
#define CHECK_NEAR(a, b, tol)                                                                      \
    do {                                                                                           \
        double check_a_ = (double)(a), check_b_ = (double)(b);                                     \
        check_count++;                                                                             \
        if (!((isnan(check_a_) && isnan(check_b_)) || fabs(check_a_ - check_b_) <= (tol))) {       \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s ~= %s failed: %.17g != %.17g (tol %g)\n", __FILE__,         \
                    __LINE__, #a, #b, check_a_, check_b_, (double)(tol));                          \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        check_count++;                                                                             \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0) {                           \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s == %s failed: \"%s\" != \"%s\"\n", __FILE__, __LINE__, #a,  \
                    #b, check_a_ ? check_a_ : "(null)", check_b_ ? check_b_ : "(null)");           \
        }                                                                                          \
    } while (0)

/* Run fn in a child process and count its checks here. A case whose process fails (a crash,
 * a sanitizer report, a leak found at exit) counts as one more failure, with its name. */
static inline void check_case(const char *name, void (*fn)(void))
{
    int fd[2];
    fflush(NULL);
    if (pipe(fd) != 0) {
        perror("check_case: pipe");
        check_failures++;
        return;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("check_case: fork");
        close(fd[0]);
        close(fd[1]);
        check_failures++;
        return;
    }
    if (pid == 0) {
        close(fd[0]);
        check_count = check_failures = 0;
        fn();
        int counts[2] = {check_count, check_failures};
        if (write(fd[1], counts, sizeof counts) != (ssize_t)sizeof counts)
            perror("check_case: write");
        close(fd[1]);
        exit(0); /* exit, not _exit: the leak checker runs at exit */
    }
    close(fd[1]);
    int counts[2] = {0, 0};
    ssize_t got = read(fd[0], counts, sizeof counts);
    close(fd[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        ;
    check_count += counts[0];
    check_failures += counts[1];
    if (got != (ssize_t)sizeof counts || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        check_failures++;
        if (WIFSIGNALED(status))
            fprintf(stderr, "case %s: died of signal %d (%s)\n", name, WTERMSIG(status),
                    strsignal(WTERMSIG(status)));
        else
            fprintf(stderr, "case %s: FAILED (its process %s %d)\n", name,
                    got != (ssize_t)sizeof counts ? "stopped early, exit" : "exited",
                    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    } else
        fprintf(stderr, "case %s: %s (%d checks)\n", name, counts[1] ? "FAILED" : "ok", counts[0]);
}
#define CHECK_CASE(fn) check_case(#fn, fn)

#define CHECK_DONE()                                                                               \
    (fprintf(stderr, "%d checks, %d failed\n", check_count, check_failures), check_failures ? 1 : 0)

#endif
