/* A plain C program that calls kernels gradc emitted ahead of time (generate.cpp): it
 * includes model.h and links libmodel.so, with no gradc or LLVM at run time. It checks
 * the kernels' numbers against the same formulas written out by hand. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "model.h"

static int failures = 0;

static void check(const char* what, double got, double want) {
    if (fabs(got - want) <= 1e-12 * (1.0 + fabs(want))) return;
    printf("MISMATCH %s: kernel %.17g, by hand %.17g\n", what, got, want);
    ++failures;
}

int main(void) {
    /* surface: in = {x, y}, out = {f, df/dx, df/dy} */
    const double in[surface_input_count] = {1.5, 0.5};
    double out[surface_output_count];
    surface(in, out);
    const double x = in[0], y = in[1], e = exp(-x * y);
    check("f", out[0], x * x * sin(y) + e);
    check("df/dx", out[1], 2 * x * sin(y) - y * e);
    check("df/dy", out[2], x * x * cos(y) - x * e);
    printf("surface at x=1.5, y=0.5: f=%.6f df/dx=%.6f df/dy=%.6f\n", out[0], out[1], out[2]);

    /* line_loss: params = {a, b}, columns = {t, y}; out = {loss, dloss/da, dloss/db},
     * each summed over rows [begin, end) */
    enum { rows = 100 };
    double t[rows], target[rows];
    for (int i = 0; i < rows; ++i) {
        t[i] = i / 50.0;
        target[i] = 2.0 * t[i] + 1.0 + 0.01 * sin(3.0 * i);
    }
    const double* columns[line_loss_column_count] = {t, target};
    double params[line_loss_param_count] = {0.5, 0.0};
    double sums[line_loss_output_count];
    line_loss(params, columns, 0, rows, sums);
    double loss = 0.0, da = 0.0, db = 0.0;
    for (int i = 0; i < rows; ++i) {
        const double r = params[0] * t[i] + params[1] - target[i];
        loss += r * r;
        da += 2 * r * t[i];
        db += 2 * r;
    }
    check("loss", sums[0], loss);
    check("dloss/da", sums[1], da);
    check("dloss/db", sums[2], db);
    printf("line_loss at a=0.5, b=0: loss=%.6f dloss/da=%.6f dloss/db=%.6f\n", sums[0], sums[1], sums[2]);

    /* Fit the line by gradient descent on the mean loss. */
    for (int step = 0; step < 2000; ++step) {
        line_loss(params, columns, 0, rows, sums);
        params[0] -= 0.3 * sums[1] / rows;
        params[1] -= 0.3 * sums[2] / rows;
    }
    printf("fitted line: a=%.2f b=%.2f\n", params[0], params[1]);
    if (fabs(params[0] - 2.0) > 0.01 || fabs(params[1] - 1.0) > 0.01) {
        printf("MISMATCH: the fit should find a=2, b=1\n");
        ++failures;
    }
    return failures == 0 ? 0 : 1;
}
