/* driver.c — a stand-in for libFuzzer's main, so that the fuzz targets run in every build.
 *
 * Usage: fuzz_TARGET CORPUS SECONDS [ITERATIONS] [SEED...]
 * Runs every file of CORPUS (a directory, or one file) and of each further SEED path through
 * LLVMFuzzerTestOneInput, then mutates them with a fixed-seed generator until SECONDS have
 * passed or ITERATIONS inputs were tried (default 10 million), whichever comes first, and
 * prints the count. SECONDS 0 only replays the seeds. FUZZ_SEED=N in the environment changes
 * the generator's seed. When a target fails, the input is written to crash-TARGET-N.bin
 * (in FUZZ_ARTIFACT_DIR, else the current directory) so it can be replayed as CORPUS.
 *
 * There is no coverage feedback: mutants that survive are kept in a small pool at random,
 * which lets mutations pile up over many steps.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Called by the sanitizers just before they end the process; absent without them. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

#define SEED_MAX ((size_t)4 << 20) /* larger seed files are cut */
#define MUTANT_MAX ((size_t)16 << 10)
#define POOL_MAX 512
#define ITERATIONS_DEFAULT 10000000UL

struct input {
    uint8_t *d;
    size_t n;
};

static struct input *pool;
static size_t n_pool, n_seeds;
static uint64_t rng_state;

static const char *target = "fuzz";
static const uint8_t *volatile current;
static volatile size_t current_len;
static volatile unsigned long current_iter;
static char crash_path[4096];

/* ---- failure capture ----------------------------------------------------------------- */

/* Async-signal-safe: writes the input being run to crash_path. */
static void save_current(void)
{
    static volatile sig_atomic_t saved;
    if (saved || !current)
        return;
    saved = 1;
    int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return;
    size_t done = 0;
    while (done < current_len) {
        ssize_t k = write(fd, current + done, current_len - done);
        if (k <= 0)
            break;
        done += (size_t)k;
    }
    close(fd);
    static const char note[] = "\nthe failing input was saved to ";
    if (write(2, note, sizeof note - 1) < 0 || write(2, crash_path, strlen(crash_path)) < 0 ||
        write(2, "\n", 1) < 0)
        return;
}

static void on_signal(int sig)
{
    save_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void set_crash_path(void)
{
    const char *dir = getenv("FUZZ_ARTIFACT_DIR");
    snprintf(crash_path, sizeof crash_path, "%s/crash-%s-%lu.bin", dir && *dir ? dir : ".", target,
             (unsigned long)current_iter);
}

/* The input goes in a buffer of exactly its size, so that AddressSanitizer sees any read
 * past its end. */
static void run_one(const uint8_t *d, size_t n)
{
    uint8_t *exact = malloc(n ? n : 1);
    if (!exact) {
        perror("malloc");
        exit(2);
    }
    memcpy(exact, d, n);
    current = exact;
    current_len = n;
    set_crash_path();
    LLVMFuzzerTestOneInput(exact, n);
    current = NULL;
    free(exact);
}

/* ---- seeds --------------------------------------------------------------------------- */

static void pool_add(uint8_t *d, size_t n)
{
    static size_t cap;
    if (n_pool == cap) {
        cap = cap ? cap * 2 : 64;
        struct input *g = realloc(pool, cap * sizeof *g);
        if (!g) {
            perror("realloc");
            exit(2);
        }
        pool = g;
    }
    pool[n_pool].d = d;
    pool[n_pool].n = n;
    n_pool++;
}

static int load_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", target, path, strerror(errno));
        return -1;
    }
    uint8_t *d = malloc(SEED_MAX);
    size_t n = d ? fread(d, 1, SEED_MAX, f) : 0;
    fclose(f);
    if (!d)
        return -1;
    uint8_t *fit = realloc(d, n ? n : 1);
    pool_add(fit ? fit : d, n);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of a directory, in name order so that runs repeat exactly. */
static int load_dir(const char *path)
{
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "%s: %s: %s\n", target, path, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **g = realloc(names, cap * sizeof *g);
            if (!g) {
                rc = -1;
                break;
            }
            names = g;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(dir);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        char full[4096];
        struct stat sb;
        snprintf(full, sizeof full, "%s/%s", path, names[i]);
        if (rc == 0 && stat(full, &sb) == 0 && S_ISREG(sb.st_mode))
            rc = load_file(full);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int load_path(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        fprintf(stderr, "%s: %s: %s\n", target, path, strerror(errno));
        return -1;
    }
    return S_ISDIR(sb.st_mode) ? load_dir(path) : load_file(path);
}

/* ---- mutations ----------------------------------------------------------------------- */

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull); /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

/* Tokens that mean something to one parser or another: CSV syntax, encodings, instrument
 * preambles, numbers and dates. */
static const char *const tokens[] = {
    "\"",
    "\"\"",
    ",",
    ";",
    "\t",
    "\r",
    "\n",
    "\r\n",
    "\n\n",
    "\r\r\n",
    "\",\"",
    "\"\r\n",
    "\xEF\xBB\xBF",
    "\xC3\xA9",
    "\xE2\x82\xAC",
    "\xF0\x9F\x98\x80",
    "\xC0\xAF",
    "\xED\xA0\x80",
    "\xF4\x90\x80\x80",
    "\xE2\x82",
    "\x80",
    "\x81",
    "\x8D",
    "\x9D",
    "\xFF",
    "# name: ",
    "# version: ",
    "# min_items: ",
    "intellectual",
    "emotional",
    "both",
    "code,axis,reverse,weight,scale_min,scale_max,statement,construct\n",
    "account_id,respondent_id,item_id,score\n",
    "INT01",
    "EMO01",
    "PRI01",
    "0",
    "1",
    "-1",
    "+",
    "-",
    ".",
    "e",
    "E",
    "e-",
    "1e308",
    "1e309",
    "4.9e-324",
    "-0",
    "0x1p3",
    "inf",
    "nan",
    "9223372036854775807",
    "9223372036854775808",
    " ",
    "\v",
    "\f",
    "true",
    "False",
    "YES",
    "n",
    "1900-01-01",
    "2024-02-29",
    "2023-02-29",
    "9999-12-31",
    "0000-00-00",
    "-01-",
    "31",
    "12",
};

/* Make room for k bytes at position at (n grows by k), within cap. */
static int open_gap(uint8_t *d, size_t *n, size_t cap, size_t at, size_t k)
{
    if (*n + k > cap)
        return -1;
    memmove(d + at + k, d + at, *n - at);
    *n += k;
    return 0;
}

static void mutate_once(uint8_t *d, size_t *n, size_t cap)
{
    size_t at = below(*n + 1);
    switch (below(12)) {
    case 0: /* flip a bit */
        if (*n)
            d[below(*n)] ^= (uint8_t)(1u << below(8));
        break;
    case 1: /* replace a byte */
        if (*n)
            d[below(*n)] = (uint8_t)rnd();
        break;
    case 2: /* insert a random byte */
        if (!open_gap(d, n, cap, at, 1))
            d[at] = (uint8_t)rnd();
        break;
    case 3: /* insert a byte that matters to a CSV reader, or a high one */
    {
        static const uint8_t special[] = {'"', '\r', '\n', ',', 0, ';', '\t', '#', ':', ' '};
        uint8_t c = below(3) ? special[below(sizeof special)] : (uint8_t)(0x80 + below(128));
        if (!open_gap(d, n, cap, at, 1))
            d[at] = c;
        break;
    }
    case 4: /* delete a few bytes */
        if (at < *n) {
            size_t k = 1 + below(below(4) ? 4 : *n - at);
            if (k > *n - at)
                k = *n - at;
            memmove(d + at, d + at + k, *n - at - k);
            *n -= k;
        }
        break;
    case 5: /* insert a token */
    {
        const char *t = tokens[below(sizeof tokens / sizeof *tokens)];
        size_t k = strlen(t);
        if (!open_gap(d, n, cap, at, k))
            memcpy(d + at, t, k);
        break;
    }
    case 6: /* splice: keep a prefix, then a piece of another input */
    {
        const struct input *o = &pool[below(n_pool)];
        if (!o->n)
            break;
        size_t from = below(o->n), k = 1 + below(o->n - from);
        if (at + k > cap)
            k = cap - at;
        memcpy(d + at, o->d + from, k);
        *n = at + k;
        break;
    }
    case 7: /* insert a piece of another input */
    {
        const struct input *o = &pool[below(n_pool)];
        if (!o->n)
            break;
        size_t from = below(o->n), k = 1 + below(o->n - from < 256 ? o->n - from : 256);
        if (!open_gap(d, n, cap, at, k))
            memcpy(d + at, o->d + from, k);
        break;
    }
    case 8: /* repeat a piece of this input several times: long fields, rows, numbers */
        if (at < *n) {
            size_t k = 1 + below(*n - at < 64 ? *n - at : 64), times = 1 + below(64);
            uint8_t piece[64];
            memcpy(piece, d + at, k);
            for (size_t i = 0; i < times && !open_gap(d, n, cap, at, k); i++)
                memcpy(d + at, piece, k);
        }
        break;
    case 9: /* swap two bytes */
        if (*n > 1) {
            size_t i = below(*n), j = below(*n);
            uint8_t t = d[i];
            d[i] = d[j];
            d[j] = t;
        }
        break;
    case 10: /* change a digit, so that numbers and dates drift */
        for (size_t i = 0, s = below(*n + 1); i < *n; i++) {
            size_t j = (s + i) % *n;
            if (d[j] >= '0' && d[j] <= '9') {
                d[j] = (uint8_t)('0' + below(10));
                break;
            }
        }
        break;
    default: /* cut the input short */ *n = at; break;
    }
}

/* ---- main ---------------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_count(const char *s, unsigned long *out)
{
    char *end;
    if (!*s || strspn(s, "0123456789.") != strlen(s))
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || v < 0 || v > 1e15)
        return -1;
    *out = (unsigned long)v;
    return 0;
}

int main(int argc, char **argv)
{
    const char *slash = strrchr(argv[0], '/');
    target = slash ? slash + 1 : argv[0];
    unsigned long seconds = 0, max_iter = ITERATIONS_DEFAULT;
    if (argc < 3 || parse_count(argv[2], &seconds)) {
        fprintf(stderr, "usage: %s CORPUS SECONDS [ITERATIONS] [SEED...]\n", target);
        return 2;
    }
    int first_seed_arg = 3;
    if (argc > 3 && parse_count(argv[3], &max_iter) == 0)
        first_seed_arg = 4;
    const char *env = getenv("FUZZ_SEED");
    rng_state = env && *env ? strtoull(env, NULL, 0) : 0x5EED0F0CC0FFEEull;
    uint64_t start_seed = rng_state;

    /* With sanitizers their own reports come first: only abort() is caught here. */
    static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    int sanitized = __sanitizer_set_death_callback != NULL;
    if (sanitized)
        __sanitizer_set_death_callback(save_current);
    for (size_t i = 0; i < (sanitized ? 1 : sizeof sigs / sizeof *sigs); i++)
        signal(sigs[i], on_signal);

    if (load_path(argv[1]))
        return 2;
    for (int i = first_seed_arg; i < argc; i++)
        if (load_path(argv[i]))
            return 2;
    n_seeds = n_pool;
    if (n_pool == 0) {
        uint8_t *empty = malloc(1);
        if (!empty)
            return 2;
        pool_add(empty, 0);
    }

    double t0 = now();
    for (size_t i = 0; i < n_seeds; i++)
        run_one(pool[i].d, pool[i].n);
    double t_seeds = now() - t0;

    uint8_t *buf = malloc(MUTANT_MAX);
    if (!buf)
        return 2;
    double t1 = now(), deadline = t1 + (double)seconds;
    unsigned long iter = 0;
    while (seconds > 0 && iter < max_iter) {
        if ((iter & 15) == 0 && now() >= deadline)
            break;
        const struct input *src = &pool[below(n_pool)];
        size_t n = src->n, from = 0;
        if (n > MUTANT_MAX / 2) { /* a window of a large seed */
            from = below(n - MUTANT_MAX / 2);
            n = MUTANT_MAX / 2;
        }
        memcpy(buf, src->d + from, n);
        for (size_t k = 1 + below(4); k > 0; k--)
            mutate_once(buf, &n, MUTANT_MAX);
        current_iter = ++iter;
        run_one(buf, n);
        /* Keep some survivors so that mutations can build on each other. */
        if (below(16) == 0) {
            uint8_t *copy = malloc(n ? n : 1);
            if (copy) {
                memcpy(copy, buf, n);
                if (n_pool < n_seeds + POOL_MAX) {
                    pool_add(copy, n);
                } else {
                    size_t slot = n_seeds + below(POOL_MAX);
                    free(pool[slot].d);
                    pool[slot].d = copy;
                    pool[slot].n = n;
                }
            }
        }
    }
    double spent = now() - t1;
    printf("%s: %zu seeds in %.2f s; %lu mutated inputs in %.2f s (%.0f/s); seed 0x%llx\n", target,
           n_seeds, t_seeds, iter, spent, spent > 0 ? (double)iter / spent : 0.0,
           (unsigned long long)start_seed);
    free(buf);
    for (size_t i = 0; i < n_pool; i++)
        free(pool[i].d);
    free(pool);
    return 0;
}
