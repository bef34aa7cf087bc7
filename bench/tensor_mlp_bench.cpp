// The 784-128-10 network's softmax cross-entropy and its gradient by every parameter as
// a tensor program: how many tensor nodes, and how long building it and taking the
// gradient takes, beside the scalar unrolling it replaces (one node per weight and
// operation: about 400,000 nodes for this network, tens of seconds to compile).
//
//   build/release/bench/tensor_mlp_bench
#include <benchmark/benchmark.h>

#include "gradc/tensor.hpp"

namespace {

struct MlpProgram {
    std::size_t nodes = 0;
    gradc::Tensor loss = nullptr;
};

MlpProgram build(gradc::TensorContext& ctx) {
    using gradc::kRows;
    using gradc::Shape;
    const gradc::Tensor x = ctx.data("x", Shape{{kRows, 784}});
    const gradc::Tensor y = ctx.data("y", Shape{{kRows, 1}}, gradc::ElementType::Index);
    const gradc::Tensor W1 = ctx.param("W1", Shape{{784, 128}}), b1 = ctx.param("b1", Shape{{128}});
    const gradc::Tensor W2 = ctx.param("W2", Shape{{128, 10}}), b2 = ctx.param("b2", Shape{{10}});
    const gradc::Tensor h = ctx.map(gradc::Op::Relu, ctx.add(ctx.matmul(x, W1), b1));
    const gradc::Tensor z = ctx.add(ctx.matmul(h, W2), b2);
    const std::size_t classes[] = {1};
    const gradc::Tensor loss = ctx.sub(ctx.sum(ctx.logsumexp(z, classes)), ctx.sum(ctx.gather(z, 1, y)));
    const gradc::Tensor params[] = {W1, b1, W2, b2};
    const std::vector<gradc::Tensor> grads = gradc::tensor_gradient(ctx, loss, params);
    std::vector<gradc::Tensor> all{loss};
    all.insert(all.end(), grads.begin(), grads.end());
    return {gradc::tensor_order(all).size(), loss};
}

void BM_TensorMlpBuildAndGradient(benchmark::State& state) {
    std::size_t nodes = 0;
    for (auto _ : state) {
        gradc::TensorContext ctx;
        nodes = build(ctx).nodes;
        benchmark::DoNotOptimize(nodes);
    }
    state.counters["tensor_nodes"] = static_cast<double>(nodes);
}
BENCHMARK(BM_TensorMlpBuildAndGradient)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
