/* inject.c — fault injection for the cvom binary built as cvom-faulty (tests only).
 *
 * Linked with -Wl,--wrap=malloc,... so that every allocation made by cvom's own code (and,
 * through sqlite3_config and json_set_alloc_funcs, by SQLite and Jansson) passes through a
 * counter here. With CVOM_FAULT_ALLOC=N the N-th allocation fails (returns NULL) once; with
 * CVOM_FAULT_IO=N the N-th write or sync that SQLite makes to a file fails with an I/O error
 * (a VFS shim over the default VFS). Counting starts at the first allocation of the process,
 * or — with CVOM_FAULT_ARM=signal, for the server — only once SIGUSR2 arrives: each SIGUSR2
 * re-arms with the N written in the file CVOM_FAULT_CONTROL names (0: count, fail nothing),
 * and SIGUSR1 writes the count since arming back into that file. CVOM_FAULT_REPORT=PATH receives,
 * at exit, how many allocations and writes were counted and whether the fault was reached,
 * so that a driver knows when it has walked past the last one.
 *
 * Written by hand: no library offers allocation-failure injection into a program's own
 * calls; libfiu does it by LD_PRELOAD, which cannot stand before AddressSanitizer's
 * allocator the way the linker's --wrap can.
 */
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static atomic_long alloc_at; /* the allocation to fail, counted from arming; 0: none */
static long io_at;           /* the write or sync to fail; 0: none */
static atomic_long allocs;   /* allocations since arming */
static atomic_long ios;      /* writes and syncs since the start */
static atomic_int alloc_hit; /* the fault happened */
static atomic_int io_hit;
static atomic_int armed; /* 1 from main on; under CVOM_FAULT_ARM=signal, from SIGUSR2 */

/* 1 when this allocation is the one to fail. */
static int alloc_fails(void)
{
    if (!atomic_load(&armed))
        return 0;
    long k = atomic_fetch_add(&allocs, 1) + 1;
    long at = atomic_load(&alloc_at);
    if (at > 0 && k == at) {
        atomic_store(&alloc_hit, 1);
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n)
{
    return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
    return alloc_fails() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    return alloc_fails() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
    return alloc_fails() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
    return alloc_fails() ? NULL : __real_strndup(s, n);
}

/* SQLite's allocator: the default one, each call counted. */
static sqlite3_mem_methods sqlite_default;

static void *sq_malloc(int n)
{
    return alloc_fails() ? NULL : sqlite_default.xMalloc(n);
}

static void *sq_realloc(void *p, int n)
{
    return alloc_fails() ? NULL : sqlite_default.xRealloc(p, n);
}

static void *js_malloc(size_t n)
{
    return __wrap_malloc(n);
}

static void js_free(void *p)
{
    free(p);
}

/* The VFS shim: the default VFS with xWrite and xSync of every file counted. */
struct shim_file {
    sqlite3_file base;  /* pMethods points at shim_io */
    sqlite3_file *real; /* the default VFS's file, allocated after this struct */
};

static sqlite3_vfs *real_vfs;
static sqlite3_io_methods shim_io;

static int io_fails(void)
{
    long k = atomic_fetch_add(&ios, 1) + 1;
    if (io_at > 0 && k == io_at) {
        atomic_store(&io_hit, 1);
        return 1;
    }
    return 0;
}

#define REAL(f) (((struct shim_file *)(f))->real)

static int shim_close(sqlite3_file *f)
{
    int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
    return rc;
}

static int shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    if (io_fails())
        return SQLITE_IOERR_WRITE;
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int shim_sync(sqlite3_file *f, int flags)
{
    if (io_fails())
        return SQLITE_IOERR_FSYNC;
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int shim_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int shim_lock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int shim_unlock(sqlite3_file *f, int level)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int shim_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int shim_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int shim_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int shim_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int shim_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void shim_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int shim_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    struct shim_file *s = (struct shim_file *)f;
    s->real = (sqlite3_file *)(s + 1);
    int rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out);
    /* SQLite calls xClose only when pMethods is set: leave it NULL when the open failed. */
    s->base.pMethods = s->real->pMethods ? &shim_io : NULL;
    return rc;
}

static sqlite3_vfs shim_vfs;

static void shim_install(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs) {
        fputs("cvom-faulty: no default SQLite VFS\n", stderr);
        abort();
    }
    shim_vfs = *real_vfs;
    shim_vfs.iVersion = 1; /* no xSetSystemCall & co.: nothing here needs them */
    shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
    shim_vfs.zName = "cvom-faulty";
    shim_vfs.pAppData = NULL;
    shim_vfs.xOpen = shim_open;
    shim_io = (sqlite3_io_methods){
        .iVersion = 2,
        .xClose = shim_close,
        .xRead = shim_read,
        .xWrite = shim_write,
        .xTruncate = shim_truncate,
        .xSync = shim_sync,
        .xFileSize = shim_size,
        .xLock = shim_lock,
        .xUnlock = shim_unlock,
        .xCheckReservedLock = shim_check_lock,
        .xFileControl = shim_control,
        .xSectorSize = shim_sector,
        .xDeviceCharacteristics = shim_device,
        .xShmMap = shim_shm_map,
        .xShmLock = shim_shm_lock,
        .xShmBarrier = shim_shm_barrier,
        .xShmUnmap = shim_shm_unmap,
    };
    if (sqlite3_vfs_register(&shim_vfs, 1) != SQLITE_OK) {
        fputs("cvom-faulty: could not register the VFS shim\n", stderr);
        abort();
    }
}

static char control_path[512];

/* SIGUSR2: arm afresh with the count that the control file names (then removed, which tells
 * the driver that the signal was taken). Only async-signal-safe calls here. */
static void on_usr2(int sig)
{
    (void)sig;
    int fd = open(control_path, O_RDONLY);
    if (fd < 0)
        return;
    char text[32];
    ssize_t got = read(fd, text, sizeof text - 1);
    close(fd);
    long n = 0;
    for (ssize_t i = 0; i < got && text[i] >= '0' && text[i] <= '9'; i++)
        n = n * 10 + (text[i] - '0');
    atomic_store(&alloc_at, n);
    atomic_store(&allocs, 0);
    atomic_store(&alloc_hit, 0);
    atomic_store(&armed, 1);
    unlink(control_path);
}

/* Write "allocs N hit H\n" to fd, by hand: snprintf is not async-signal-safe. */
static void put_count(int fd)
{
    char text[64];
    size_t at = sizeof text;
    text[--at] = '\n';
    text[--at] = (char)('0' + atomic_load(&alloc_hit));
    memcpy(text + (at -= 5), " hit ", 5);
    long n = atomic_load(&allocs);
    do {
        text[--at] = (char)('0' + n % 10);
        n /= 10;
    } while (n > 0);
    memcpy(text + (at -= 7), "allocs ", 7);
    ssize_t rc = write(fd, text + at, sizeof text - at);
    (void)rc;
}

/* SIGUSR1: write how many allocations the armed count has seen to the control file. */
static void on_usr1(int sig)
{
    (void)sig;
    int fd = open(control_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return;
    put_count(fd);
    close(fd);
}

static long env_count(const char *name)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return 0;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 0) {
        fprintf(stderr, "cvom-faulty: %s must be a count, not '%s'\n", name, v);
        exit(2);
    }
    return n;
}

static void report(void)
{
    const char *path = getenv("CVOM_FAULT_REPORT");
    if (!path || !*path)
        return;
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fprintf(f, "allocs %ld\nalloc_hit %d\nios %ld\nio_hit %d\n", atomic_load(&allocs),
            atomic_load(&alloc_hit), atomic_load(&ios), atomic_load(&io_hit));
    fclose(f);
}

/* A fork server, so that a walk over thousands of n does not pay for starting the program
 * (its libraries and AddressSanitizer) each time. With CVOM_FAULT_SERVER=R,W the process
 * reads lines "alloc N" or "io N" from descriptor R; for each it forks a child that goes on
 * to run main with that fault, its standard output and error in the files out and err of
 * CVOM_FAULT_DIR, and writes the child's wait status as a decimal line to W. It ends at
 * the end of R. */
static void serve_forks(const char *spec)
{
    int rfd, wfd;
    const char *dir = getenv("CVOM_FAULT_DIR");
    if (sscanf(spec, "%d,%d", &rfd, &wfd) != 2 || !dir) {
        fputs("cvom-faulty: CVOM_FAULT_SERVER=R,W needs CVOM_FAULT_DIR too\n", stderr);
        exit(2);
    }
    FILE *in = fdopen(rfd, "r");
    char line[64], path[4096];
    while (in && fgets(line, sizeof line, in)) {
        char kind[8];
        long n;
        if (sscanf(line, "%7s %ld", kind, &n) != 2 || n < 0)
            _exit(2);
        fflush(NULL);
        pid_t pid = fork();
        if (pid < 0)
            _exit(1);
        if (pid == 0) {
            close(wfd);
            fclose(in);
            snprintf(path, sizeof path, "%s/out", dir);
            int out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            snprintf(path, sizeof path, "%s/err", dir);
            int err = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
                _exit(1);
            close(out);
            close(err);
            if (strcmp(kind, "io") == 0)
                io_at = n;
            else
                atomic_store(&alloc_at, n);
            return;
        }
        int status = 0;
        if (waitpid(pid, &status, 0) < 0)
            _exit(1);
        char text[32];
        int len = snprintf(text, sizeof text, "%d\n", status);
        if (write(wfd, text, (size_t)len) != len)
            _exit(1);
    }
    _exit(0);
}

__attribute__((constructor)) static void inject_init(void)
{
    atomic_store(&alloc_at, env_count("CVOM_FAULT_ALLOC"));
    io_at = env_count("CVOM_FAULT_IO");
    const char *arm = getenv("CVOM_FAULT_ARM");
    if (arm && strcmp(arm, "signal") == 0) {
        const char *control = getenv("CVOM_FAULT_CONTROL");
        if (!control || strlen(control) >= sizeof control_path) {
            fputs("cvom-faulty: CVOM_FAULT_ARM=signal needs CVOM_FAULT_CONTROL=PATH\n", stderr);
            exit(2);
        }
        strcpy(control_path, control);
        signal(SIGUSR2, on_usr2);
        signal(SIGUSR1, on_usr1);
    }
    /* Before anything opens a database: SQLite takes its allocator only before it starts. */
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_default);
    sqlite3_mem_methods counted = sqlite_default;
    counted.xMalloc = sq_malloc;
    counted.xRealloc = sq_realloc;
    sqlite3_config(SQLITE_CONFIG_MALLOC, &counted);
    json_set_alloc_funcs(js_malloc, js_free);
    shim_install();
    atexit(report);
    const char *server = getenv("CVOM_FAULT_SERVER");
    if (server && *server)
        serve_forks(server);
    /* Counted from here: what the set-up above allocates is not cvom's to handle. */
    if (!arm || strcmp(arm, "signal") != 0)
        atomic_store(&armed, 1);
}
