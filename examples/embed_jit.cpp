// Parse a formula, compile its value and gradient to native code, call it from threads.
#include <gradc/gradc.hpp>

#include <cstdio>
#include <thread>
#include <vector>

int main() {
    gradc::ExprContext ctx;
    gradc::Program p = gradc::parse(ctx, "x^2*sin(y) + exp(-x*y)");

    // One kernel: out = {f, df/dx, df/dy} for in = {x, y} (variables in source order).
    gradc::Jit jit;
    gradc::Kernel kernel = gradc::compile_point(jit, ctx, p.outputs[0], p.variables);

    // Kernels keep no state: call one from as many threads as you like.
    std::vector<std::vector<double>> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&, t] { results[t] = kernel(std::vector<double>{1.0 + double(t), 0.5}); });
    for (std::thread& t : threads) t.join();

    for (std::size_t t = 0; t < results.size(); ++t)
        std::printf("x=%.1f y=0.5: f=%.6f df/dx=%.6f df/dy=%.6f\n", 1.0 + double(t), results[t][0], results[t][1],
                    results[t][2]);
}
