/* The raw LMDB floor for tools/bench-compare: liblmdb's C API, no wrapper, no hashing, no parsing.
 *
 *   lmdb_bench batch   EVENTS DIR   one put per event (MDB_APPEND, 8-byte big-endian key),
 *                                   batches of 1,000, one synced commit per batch
 *   lmdb_bench scan    DIR          a cursor over every record in one read transaction
 *   lmdb_bench durable DIR K SIZE   K synced transactions of one SIZE-byte record each
 *
 * EVENTS holds one event per line. Prints `key value` lines. */
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void check(int rc, const char *what) {
    if (rc != 0) {
        fprintf(stderr, "lmdb_bench: %s: %s\n", what, mdb_strerror(rc));
        exit(2);
    }
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void open_env(const char *dir, MDB_env **env, MDB_dbi *dbi) {
    MDB_txn *txn;
    check(mdb_env_create(env), "create");
    check(mdb_env_set_mapsize(*env, (size_t)16 << 30), "mapsize");
    check(mdb_env_open(*env, dir, MDB_NOTLS, 0600), "open");
    check(mdb_txn_begin(*env, NULL, 0, &txn), "begin");
    check(mdb_dbi_open(txn, NULL, 0, dbi), "dbi");
    check(mdb_txn_commit(txn), "commit");
}

static void put_seq(MDB_txn *txn, MDB_dbi dbi, uint64_t seq, void *data, size_t size) {
    unsigned char key[8];
    for (int i = 0; i < 8; i++) key[i] = (unsigned char)(seq >> (56 - 8 * i));
    MDB_val k = {8, key}, v = {size, data};
    check(mdb_put(txn, dbi, &k, &v, MDB_APPEND), "put");
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    MDB_env *env;
    MDB_dbi dbi;
    MDB_txn *txn;
    if (argc == 4 && strcmp(argv[1], "batch") == 0) {
        FILE *f = fopen(argv[2], "rb");
        if (!f) { perror(argv[2]); return 2; }
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc(size + 1);
        if (!buf || fread(buf, 1, size, f) != (size_t)size) { fprintf(stderr, "lmdb_bench: cannot read %s\n", argv[2]); return 2; }
        fclose(f);
        /* Split into lines before timing: the events are in memory, as ours are. */
        size_t count = 0, cap = 1 << 16;
        char **starts = malloc(cap * sizeof *starts);
        size_t *lens = malloc(cap * sizeof *lens);
        for (char *p = buf, *end = buf + size; p < end;) {
            char *nl = memchr(p, '\n', end - p);
            if (!nl) nl = end;
            if (count == cap) {
                cap *= 2;
                starts = realloc(starts, cap * sizeof *starts);
                lens = realloc(lens, cap * sizeof *lens);
            }
            starts[count] = p;
            lens[count++] = nl - p;
            p = nl + 1;
        }
        open_env(argv[3], &env, &dbi);
        double t0 = now();
        for (size_t b = 0; b < count; b += 1000) {
            check(mdb_txn_begin(env, NULL, 0, &txn), "begin");
            for (size_t i = b; i < count && i < b + 1000; i++) put_seq(txn, dbi, i + 1, starts[i], lens[i]);
            check(mdb_txn_commit(txn), "commit");
        }
        double s = now() - t0;
        printf("batch_events %zu\nbatch_events_per_s %.0f\n", count, count / s);
        mdb_env_close(env);
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "scan") == 0) {
        open_env(argv[2], &env, &dbi);
        double t0 = now();
        check(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn), "begin");
        MDB_cursor *cur;
        check(mdb_cursor_open(txn, dbi, &cur), "cursor");
        MDB_val k, v;
        size_t count = 0;
        uint64_t sum = 0;
        while (mdb_cursor_get(cur, &k, &v, MDB_NEXT) == 0) {
            const unsigned char *d = v.mv_data;
            for (size_t i = 0; i < v.mv_size; i += 64) sum += d[i]; /* touch every cache line */
            count++;
        }
        mdb_cursor_close(cur);
        mdb_txn_abort(txn);
        double s = now() - t0;
        printf("scan_events %zu\nscan_events_per_s %.0f\nscan_checksum %llu\n", count, count / s, (unsigned long long)sum);
        mdb_env_close(env);
        return 0;
    }
    if (argc == 5 && strcmp(argv[1], "durable") == 0) {
        int k = atoi(argv[3]), size = atoi(argv[4]);
        if (k < 1 || size < 1) { fprintf(stderr, "lmdb_bench: K and SIZE must be positive\n"); return 2; }
        char *value = malloc(size);
        memset(value, 'a', size);
        double *samples = malloc(k * sizeof *samples);
        open_env(argv[2], &env, &dbi);
        for (int i = 0; i < k; i++) {
            double t0 = now();
            check(mdb_txn_begin(env, NULL, 0, &txn), "begin");
            put_seq(txn, dbi, i + 1, value, size);
            check(mdb_txn_commit(txn), "commit");
            samples[i] = (now() - t0) * 1e6;
        }
        qsort(samples, k, sizeof *samples, cmp_double);
        printf("durable_p50_us %.0f\ndurable_p99_us %.0f\n", samples[k / 2], samples[(int)(k * 0.99)]);
        mdb_env_close(env);
        return 0;
    }
    fprintf(stderr, "usage: lmdb_bench batch EVENTS DIR | scan DIR | durable DIR K SIZE\n");
    return 2;
}
