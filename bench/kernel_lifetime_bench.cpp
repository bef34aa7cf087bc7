// Compiles and drops 10,000 distinct kernels and reports resident memory: compiled code
// must be freed with its last Kernel, so memory after warm-up stays flat.
// Not a timing benchmark; run it from a release build: bench/kernel_lifetime_bench
#include <gradc/gradc.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

double resident_mib() {
    std::ifstream statm("/proc/self/statm");
    long pages_total = 0, pages_resident = 0;
    statm >> pages_total >> pages_resident;
    return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// One distinct kernel: value and gradient of a small formula with its own constant.
void compile_and_drop(gradc::Jit& jit, int k) {
    gradc::ExprContext ctx;
    const gradc::Program p = gradc::parse(ctx, "x^2*sin(y) + exp(-x*y)*" + std::to_string(k + 2));
    const gradc::Kernel kernel = gradc::compile_point(jit, ctx, p.outputs[0], p.variables);
    const double in[2] = {1.0, 2.0};
    double out[3];
    kernel(in, out);
    if (!(out[0] > 0)) std::printf("kernel %d computed %g\n", k, out[0]);
}

}  // namespace

// `kernel_lifetime_bench [N]`: N kernels in all (10,000 by default), a tenth of them
// warm-up. Fails when a compiled unit outlives its kernels.
int main(int argc, char** argv) {
    gradc::Jit jit;
    const int total = argc > 1 ? std::max(10, std::atoi(argv[1])) : 10000;
    const int warmup = total / 10;
    for (int k = 0; k < warmup; ++k) compile_and_drop(jit, k);
    const double after_warmup = resident_mib();
    std::printf("%-28s %8s %12s\n", "kernels compiled and freed", "RSS MiB", "growth MiB");
    std::printf("%-28d %8.1f %12s\n", warmup, after_warmup, "-");
    for (int k = warmup; k < total; ++k) {
        compile_and_drop(jit, k);
        if ((k + 1) % 3000 == 0 || k + 1 == total)
            std::printf("%-28d %8.1f %12.1f\n", k + 1, resident_mib(), resident_mib() - after_warmup);
    }
    const gradc::JitStats stats = jit.stats();
    std::printf("compiled %zu, live units %zu\n", stats.compiled, stats.live_units);
    return stats.live_units == 0 ? 0 : 1;
}
