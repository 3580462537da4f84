/*
 * The program whose build flags are tuned (readonly): a textbook (unblocked) matrix multiply,
 * a sieve of Eratosthenes and a small n-body simulation, timed in the CPU time it uses (steadier than wall-clock time on a shared machine).
 * Prints "run_ms: ..." (lower is better) and a checksum that must not change with the flags.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 320
#define SIEVE 4000000
#define BODIES 96
#define STEPS 400

static double a[N][N], b[N][N], c[N][N];
static unsigned char composite[SIEVE + 1];

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double matmul(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            a[i][j] = (double) ((i * 7 + j * 3) % 11) / 11.0;
            b[i][j] = (double) ((i * 5 + j * 13) % 17) / 17.0;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
    double trace = 0;
    for (int i = 0; i < N; i++) trace += c[i][i];
    return trace;
}

static long sieve(void) {
    memset(composite, 0, sizeof composite);
    long count = 0;
    for (long i = 2; i <= SIEVE; i++) {
        if (composite[i]) continue;
        count++;
        for (long j = i * i; j <= SIEVE; j += i) composite[j] = 1;
    }
    return count;
}

static double nbody(void) {
    double x[BODIES], y[BODIES], vx[BODIES], vy[BODIES];
    for (int i = 0; i < BODIES; i++) {
        x[i] = cos(i * 0.7) * (1 + i % 5);
        y[i] = sin(i * 0.7) * (1 + i % 5);
        vx[i] = vy[i] = 0;
    }
    for (int s = 0; s < STEPS; s++) {
        for (int i = 0; i < BODIES; i++) {
            double fx = 0, fy = 0;
            for (int j = 0; j < BODIES; j++) {
                double dx = x[j] - x[i], dy = y[j] - y[i];
                double d2 = dx * dx + dy * dy + 0.01;
                double inv = 1.0 / (d2 * sqrt(d2));
                fx += dx * inv;
                fy += dy * inv;
            }
            vx[i] += 0.001 * fx;
            vy[i] += 0.001 * fy;
        }
        for (int i = 0; i < BODIES; i++) {
            x[i] += 0.001 * vx[i];
            y[i] += 0.001 * vy[i];
        }
    }
    double e = 0;
    for (int i = 0; i < BODIES; i++) e += vx[i] * vx[i] + vy[i] * vy[i];
    return e;
}

int main(void) {
    double started = now_ms();
    double trace = matmul();
    long primes = sieve();
    double energy = nbody();
    double elapsed = now_ms() - started;
    /* rounded so that reassociation under fast-math flags cannot move it */
    printf("checksum: %.3f %ld %.3f\n", trace, primes, energy);
    printf("run_ms: %.2f\n", elapsed);
    return 0;
}
