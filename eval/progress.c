/* progress.c - a progress bar with an ETA on stderr, only when stderr is a
 * terminal (logs and pipes stay clean), redrawn at most ten times a
 * second.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "eval.h"

double eval_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Redraws the bar in place (carriage return): label, bar, done/total,
 * percent, and the ETA from the mean rate so far. */
static void draw(struct eval_progress *p)
{
    double el = eval_now() - p->t0, eta = p->done ? el * (double)(p->total - p->done) / (double)p->done : 0;
    int width = 30, fill = p->total ? (int)((double)width * (double)p->done / (double)p->total) : width, i;
    char bar[64];
    for (i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r%-22.22s [%s] %zu/%zu  %3.0f%%  ETA %d:%02d ", p->label, bar, p->done, p->total,
            p->total ? 100.0 * (double)p->done / (double)p->total : 100.0, (int)eta / 60, (int)eta % 60);
    p->last = eval_now();
}

void eval_progress_start(struct eval_progress *p, const char *label, size_t total)
{
    p->tty = isatty(2);
    p->t0 = eval_now();
    p->last = 0;
    p->total = total;
    p->done = 0;
    p->label = label;
    if (p->tty)
        draw(p);
}

void eval_progress_step(struct eval_progress *p, size_t n)
{
    p->done += n;
    if (p->tty && (eval_now() - p->last > 0.1 || p->done == p->total))
        draw(p);
}

void eval_progress_end(struct eval_progress *p)
{
    if (p->tty) {
        draw(p);
        fputc('\n', stderr);
    }
}
