// Which tile form, packs and mirrors the loop plan chooses: the kernels' bits are the
// same whichever it chooses, so tensor_kernel_test.cpp cannot tell; the plan can.
#include <algorithm>

#include <catch2/catch.hpp>

#include "codegen/loop_plan.hpp"
#include "gradc/tensor_parse.hpp"

using namespace gradc;
using codegen::LoopPlan;
using codegen::Stage;

namespace {

constexpr const char* kNetwork =
    "X: data[N,784]; y: data[N] int; W1: param[784,128]; b1: param[128]; W2: param[128,10]; b2: param[10]; "
    "h = relu(X @ W1 + b1); z = h @ W2 + b2; sum(logsumexp(z, axis=1)) - sum(take_along_axis(z, y, axis=1))";

// The loss and its gradient by the params, canonical, planned with `lanes`.
LoopPlan plan_gradient(TensorContext& ctx, const char* source, unsigned lanes, bool symmetric = false) {
    const TensorProgram p = parse_tensor_program(ctx, source);
    std::vector<Tensor> params;
    for (const Tensor t : p.inputs)
        if (t->kind() == TensorKind::Param) params.push_back(t);
    std::vector<Tensor> outputs{p.outputs[0]};
    for (const Tensor g : tensor_gradient(ctx, p.outputs[0], params)) outputs.push_back(g);
    return codegen::plan_loops(canonicalize(ctx, outputs), p.inputs, true, lanes, symmetric);
}

std::size_t count_if(const LoopPlan& plan, bool (*test)(const Stage&)) {
    return static_cast<std::size_t>(std::count_if(plan.stages.begin(), plan.stages.end(), test));
}

}  // namespace

TEST_CASE("the plan tiles a layer's sums over N along the output, and its forward product through a pack",
          "[jit][tensor][plan]") {
    TensorContext ctx;
    const LoopPlan plan = plan_gradient(ctx, kNetwork, 8);
    // The weight gradients (sums over N) are a stage in each form; the packs of the one
    // along the summed index run only past 256 rows, as it does.
    CHECK(count_if(plan, [](const Stage& s) { return s.output_lanes && s.only_if && !s.only_if->past; }) == 2);
    CHECK(count_if(plan, [](const Stage& s) { return !s.output_lanes && s.tiled && s.only_if && s.only_if->past; }) ==
          2);
    CHECK(count_if(plan, [](const Stage& s) { return s.pack && s.only_if; }) >= 2);
    // X W1 sums 784 terms: along the summed index, W1 packed on every call.
    CHECK(count_if(plan, [](const Stage& s) { return s.tiled != nullptr && !s.output_lanes; }) >= 1);
    CHECK(count_if(plan, [](const Stage& s) { return s.pack && !s.only_if; }) >= 1);
    CHECK(count_if(plan, [](const Stage& s) { return s.upper || s.mirror; }) == 0);

    // Below 8 lanes, tiles run along the summed index only.
    TensorContext narrow_ctx;
    const LoopPlan narrow = plan_gradient(narrow_ctx, kNetwork, 4);
    CHECK(count_if(narrow, [](const Stage& s) { return s.tiled != nullptr; }) >= 3);
    CHECK(count_if(narrow, [](const Stage& s) { return s.output_lanes; }) == 0);
}

TEST_CASE("the plan needs no pack for a product of few terms", "[jit][tensor][plan]") {
    TensorContext ctx;
    const TensorProgram p = parse_tensor_program(ctx, "A: param[9,35]; B: param[35,16]; A @ B");
    const LoopPlan plan = codegen::plan_loops(p.outputs, p.inputs, true, 8);
    REQUIRE(plan.stages.size() == 1);
    CHECK(plan.stages[0].output_lanes);
    CHECK(plan.stages[0].tile_terms.rows == 0);
}

TEST_CASE("the plan mirrors symmetric products only when asked, and only those", "[jit][tensor][plan]") {
    TensorContext ctx;
    const TensorProgram p = parse_tensor_program(
        ctx, "X: data[N,36]; Y: data[N,36]; y: data[N]; w: param[36]; z = X @ w; sum(softplus(z) - y*z)");
    const Tensor X = p.inputs[0], Y = p.inputs[1], w = p.inputs[3];
    const Tensor hessian = tensor_hessian(ctx, p.outputs[0], w);
    std::vector<Tensor> outputs = canonicalize(ctx, std::span<const Tensor>(&hessian, 1));
    outputs.push_back(ctx.contract("ab,ac->bc", X, X));
    outputs.push_back(ctx.contract("ab,ac->bc", X, Y));
    const std::vector<Tensor> inputs{w, X, Y};
    const auto mirrors = [](const LoopPlan& plan) { return count_if(plan, [](const Stage& s) { return s.mirror; }); };
    CHECK(mirrors(codegen::plan_loops(outputs, inputs, true, 8)) == 0);
    const LoopPlan symmetric = codegen::plan_loops(outputs, inputs, true, 8, true);
    CHECK(mirrors(symmetric) == 2);  // X' diag(d) X and X' X, not X' Y
    for (std::size_t s = 0; s < symmetric.stages.size(); ++s)
        if (symmetric.stages[s].mirror) {
            REQUIRE(s > 0);
            CHECK(symmetric.stages[s - 1].upper);
            CHECK(symmetric.stages[s - 1].root == symmetric.stages[s].root);
        }
}
