/* bare.c — the floor for the batch-scoring benchmark: one pass over the file that does the
 * least any CSV scorer must do (read every byte, find every row and field boundary) and
 * nothing else. The command under test is compared against this figure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BLOCK_SIZE (1u << 20)

/* Counting with two independent sums keeps the loop branch-free so the compiler can
 * vectorise it. */
static void count_block(const unsigned char *p, size_t n, uint64_t *newlines, uint64_t *commas)
{
    uint64_t nl = 0, cm = 0;
    for (size_t i = 0; i < n; i++) {
        nl += p[i] == '\n';
        cm += p[i] == ',';
    }
    *newlines += nl;
    *commas += cm;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: bench_bare FILE\n");
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "bench_bare: %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    unsigned char *buf = malloc(BLOCK_SIZE);
    if (buf == NULL) {
        fprintf(stderr, "bench_bare: out of memory\n");
        close(fd);
        return 1;
    }
    uint64_t bytes = 0, newlines = 0, commas = 0;
    int rc = 0;
    for (;;) {
        ssize_t got = read(fd, buf, BLOCK_SIZE);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            fprintf(stderr, "bench_bare: %s: %s\n", argv[1], strerror(errno));
            rc = 1;
            break;
        }
        if (got == 0)
            break;
        bytes += (uint64_t)got;
        count_block(buf, (size_t)got, &newlines, &commas);
    }
    free(buf);
    close(fd);
    if (rc == 0)
        printf("bytes %llu newlines %llu commas %llu\n", (unsigned long long)bytes,
               (unsigned long long)newlines, (unsigned long long)commas);
    return rc;
}
