// Compiled tensor programs against the tensor interpreter, bit for bit: random programs
// and their gradients at O0 and O2, fused and unfused, for several SIMD widths and
// thread counts.
#include <bit>
#include <cfloat>
#include <cmath>
#include <map>
#include <random>

#include <catch2/catch.hpp>

#include "gradc/tensor_jit.hpp"
#include "gradc/tensor_parse.hpp"
#include "gradc/thread_pool.hpp"
#include "tensor/random_program.hpp"

using namespace gradc;
using RandomProgram = gradc::testing::Program;

namespace {

// Equal bits, or both NaN (a NaN's sign and payload are not specified).
bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) || (std::isnan(a) && std::isnan(b));
}

// Options under which a kernel must equal the interpreter exactly: libm in every lane
// and pow() for integer powers, as the interpreter calls them.
JitOptions exact(OptLevel level, unsigned lanes) {
    JitOptions o;
    o.opt_level = level;
    o.lanes = lanes;
    o.vector_math = false;
    o.integer_powers_by_multiplication = false;
    return o;
}

std::size_t count_differences(const std::vector<TensorValue>& got, const std::vector<TensorValue>& want) {
    std::size_t differences = 0;
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
        REQUIRE(got[k].shape == want[k].shape);
        for (std::size_t i = 0; i < want[k].reals.size(); ++i)
            if (!same_bits(got[k].reals[i], want[k].reals[i])) {
                UNSCOPED_INFO("output " << k << " element " << i << ": " << got[k].reals[i]
                                        << " != " << want[k].reals[i]);
                ++differences;
            }
    }
    return differences;
}

// The program's value and gradient by its real inputs; inputs are its params and data.
std::vector<Tensor> value_and_gradient(RandomProgram& p) {
    std::vector<Tensor> outputs{p.f};
    for (const Tensor g : tensor_gradient(p.ctx, p.f, p.inputs)) outputs.push_back(g);
    return outputs;
}

std::vector<Tensor> all_inputs(const RandomProgram& p) {
    std::vector<Tensor> inputs = p.inputs;
    inputs.push_back(p.index);
    return inputs;
}

// Values in [-1, 1) for real inputs, seeded, with N = rows.
TensorBindings random_bindings(std::initializer_list<Tensor> inputs, std::size_t rows, std::uint64_t seed) {
    TensorBindings bindings;
    bindings.rows = rows;
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    for (const Tensor in : inputs) {
        TensorValue v{in->shape().bound(rows), {}, {}};
        v.reals.resize(in->shape().elements(rows));
        for (double& value : v.reals) value = u(random);
        bindings.inputs.emplace_back(std::string(in->name()), v);
    }
    return bindings;
}

}  // namespace

TEST_CASE("compiled random tensor programs equal the interpreter bit for bit", "[jit][tensor][differential]") {
    Jit o0(exact(OptLevel::O0, 0)), o2(exact(OptLevel::O2, 0));
    std::mt19937_64 random(20261208);
    std::map<TensorKind, int> built, reached;
    std::size_t compared = 0;
    for (int trial = 0; trial < 120; ++trial) {
        RandomProgram p;
        testing::build(p, random, built);
        INFO("trial " << trial);
        std::vector<Tensor> outputs = value_and_gradient(p);
        if (trial % 3 == 0) outputs.push_back(tensor_hessian(p.ctx, p.f, p.inputs[3]));  // deltas
        if (trial % 2) outputs = canonicalize(p.ctx, outputs);
        for (const Tensor t : tensor_order(outputs)) ++reached[t->kind()];
        const std::vector<TensorValue> want = evaluate(outputs, p.bindings);
        for (const bool fuse : {true, false})
            for (Jit* jit : {&o0, &o2}) {
                INFO((fuse ? "fused" : "unfused") << (jit == &o0 ? " O0" : " O2"));
                const TensorKernel kernel = compile_tensor(*jit, outputs, all_inputs(p), TensorCompileOptions{fuse});
                CHECK(count_differences(kernel(p.bindings), want) == 0);
            }
        for (const TensorValue& v : want) compared += v.reals.size();
    }
    CHECK(compared > 2000);
    // Every kind, Delta too (the adjoints of diagonals and reshapes build it).
    for (int k = 0; k <= static_cast<int>(TensorKind::ViewAdjoint); ++k) {
        INFO(tensor_kind_name(static_cast<TensorKind>(k)));
        CHECK(reached[static_cast<TensorKind>(k)] >= (k == static_cast<int>(TensorKind::Delta) ? 5 : 10));
    }
}

TEST_CASE("tensor kernels have the same bits for every SIMD width and thread count", "[jit][tensor][threads]") {
    // A layer wide enough for several tasks of the forward and the backward contraction
    // (each some 2^18 multiply-adds): tanh(X W + b) squared and summed, N = 401.
    TensorContext ctx;
    const Tensor X = ctx.data("X", Shape{{kRows, 49}});
    const Tensor W = ctx.param("W", Shape{{49, 83}});
    const Tensor b = ctx.param("b", Shape{{83}});
    const Tensor h = ctx.map(Op::Tanh, ctx.add(ctx.matmul(X, W), b));
    const Tensor f = ctx.sum(ctx.mul(h, h));
    std::vector<Tensor> outputs{f};
    for (const Tensor g : tensor_gradient(ctx, f, std::vector<Tensor>{W, b})) outputs.push_back(g);
    const TensorBindings bindings = random_bindings({X, W, b}, 401, 7);
    const std::vector<TensorValue> want = evaluate(outputs, bindings);
    const std::vector<Tensor> inputs{W, b, X};
    for (const unsigned lanes : {1u, 2u, 4u, 8u}) {
        Jit jit(exact(OptLevel::O2, lanes));
        const TensorKernel kernel = compile_tensor(jit, outputs, inputs);
        for (const std::size_t threads : {1, 2, 3, 8}) {
            INFO(lanes << " lanes, " << threads << " threads");
            ThreadPool pool(threads);
            CHECK(count_differences(kernel(bindings, &pool), want) == 0);
        }
    }
}

TEST_CASE("wide slices, pads and windows compile to the interpreter's bits", "[jit][tensor][views]") {
    // Rows of 37 and 300: whole vectors, overlapping last vectors, and lanes that fall
    // off a slice's edge (the lane-by-lane path of a view's adjoint).
    TensorContext ctx;
    const Tensor x = ctx.param("x", Shape{{37}});
    const Tensor X = ctx.data("X", Shape{{kRows, 37}});
    const Tensor head = ctx.slice(x, 0, 0, 36), tail = ctx.slice(x, 0, 1, 37);
    const Tensor d = ctx.sub(tail, ctx.mul(head, head));
    const Tensor rosenbrock =
        ctx.sum(ctx.add(ctx.mul(ctx.scalar(100), ctx.mul(d, d)),
                        ctx.map(Op::Mul, ctx.sub(ctx.scalar(1), head), ctx.sub(ctx.scalar(1), head))));
    const Tensor padded = ctx.pad(ctx.slice(X, 1, 3, 37, 2), 1, 2, 5);
    const Tensor windows = ctx.sum(ctx.windows(ctx.map(Op::Tanh, X), 1, 4), std::vector<std::size_t>{2});
    const Tensor f =
        ctx.add(rosenbrock, ctx.add(ctx.sum(ctx.map(Op::Sin, padded)), ctx.sum(ctx.mul(windows, windows))));
    std::vector<Tensor> outputs{f};
    for (const Tensor g : tensor_gradient(ctx, f, std::vector<Tensor>{x, X})) outputs.push_back(g);
    const TensorBindings bindings = random_bindings({x, X}, 300, 11);
    for (const bool canonical : {false, true}) {
        const std::vector<Tensor> program = canonical ? canonicalize(ctx, outputs) : outputs;
        const std::vector<TensorValue> want = evaluate(program, bindings);
        for (const unsigned lanes : {1u, 4u, 8u}) {
            INFO(lanes << " lanes" << (canonical ? ", canonical" : ""));
            Jit jit(exact(OptLevel::O2, lanes));
            CHECK(count_differences(compile_tensor(jit, program, std::vector<Tensor>{x, X})(bindings), want) == 0);
        }
    }
}

TEST_CASE("fusion computes maps, epilogues and one-to-one adjoints inside their consumers", "[jit][tensor][fusion]") {
    // The chained Rosenbrock value and gradient as the language writes it (one map per
    // elementwise expression): the slices are read in place, the map fuses into the sum
    // and the maps of the gradient into the adjoints of the slices, which fuse into the
    // sum of the two: one stage for the value, one for the gradient.
    TensorContext ctx;
    const TensorProgram program =
        parse_tensor_program(ctx, "x: param[40]; sum(100*(x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2)");
    const Tensor x = program.inputs[0], f = program.outputs[0];
    std::vector<Tensor> outputs{f};
    for (const Tensor g : tensor_gradient(ctx, f, std::vector<Tensor>{x})) outputs.push_back(g);
    outputs = canonicalize(ctx, outputs);
    Jit jit(exact(OptLevel::O2, 0));
    const TensorKernel fused = compile_tensor(jit, outputs, std::vector<Tensor>{x});
    const TensorKernel unfused = compile_tensor(jit, outputs, std::vector<Tensor>{x}, TensorCompileOptions{false});
    CHECK(fused.stage_count() == 2);
    CHECK(unfused.stage_count() > 2 * fused.stage_count());
    const TensorBindings bindings = random_bindings({x}, 0, 3);
    CHECK(count_differences(fused(bindings), evaluate(outputs, bindings)) == 0);
}

TEST_CASE("contractions tiled along either axis, and their packs, equal the interpreter", "[jit][tensor][tiles]") {
    // Along the output: few terms (20 and 35) or a sum over N (the weight gradients), on
    // rows of 36 (the last vector overlapping), 16 and 2040 elements, in tiles of 3 units
    // and a rest; N = 13 and 37 end with a block of 5 terms, N = 0 has none, and N = 270
    // is past kOutputLanesMostTerms: the weight gradients run along the summed index.
    // Along the summed index: Y V sums 70 terms, so V is packed 8 columns at a time, in
    // tasks of the pack that start and end inside a block of 8.
    TensorContext ctx;
    const Tensor X = ctx.data("X", Shape{{kRows, 20}});
    const Tensor W = ctx.param("W", Shape{{20, 36}});
    const Tensor b = ctx.param("b", Shape{{36}});
    const Tensor A = ctx.param("A", Shape{{9, 35}});
    const Tensor B = ctx.param("B", Shape{{35, 16}});
    const Tensor Y = ctx.data("Y", Shape{{kRows, 70}});
    const Tensor V = ctx.param("V", Shape{{70, 2040}});
    const Tensor layer = ctx.map(Op::Tanh, ctx.add(ctx.matmul(X, W), b));
    const Tensor product = ctx.matmul(A, B);
    const Tensor wide = ctx.matmul(Y, V);
    const Tensor f = ctx.add(ctx.add(ctx.sum(ctx.mul(layer, layer)), ctx.sum(ctx.map(Op::Sin, product))),
                             ctx.sum(ctx.mul(wide, wide)));
    std::vector<Tensor> outputs{f};
    for (const Tensor g : tensor_gradient(ctx, f, std::vector<Tensor>{W, b, A, B, V})) outputs.push_back(g);
    const std::vector<Tensor> inputs{W, b, A, B, V, X, Y};
    Jit jit(exact(OptLevel::O2, 8));
    const TensorKernel kernel = compile_tensor(jit, outputs, inputs);
    for (const std::size_t rows : {0, 13, 37, 270}) {
        const TensorBindings bindings = random_bindings({W, b, A, B, V, X, Y}, rows, rows + 1);
        const std::vector<TensorValue> want = evaluate(outputs, bindings);
        for (const std::size_t threads : {1, 3}) {
            INFO("N = " << rows << ", " << threads << " threads");
            ThreadPool pool(threads);
            CHECK(count_differences(kernel(bindings, &pool), want) == 0);
        }
    }
}

TEST_CASE("symmetric products compute one triangle and mirror it", "[jit][tensor][symmetric]") {
    // The logistic loss's Hessian X' @ diag(d) @ X, 36 wide (8-row blocks of the mirror
    // and a rest), at N = 37 (tiles along the output) and 300 (along the summed index);
    // X' @ X; and X' @ Y, which is not symmetric and must not be mirrored.
    TensorContext ctx;
    const TensorProgram program = parse_tensor_program(
        ctx, "X: data[N,36]; Y: data[N,36]; y: data[N]; w: param[36]; z = X @ w; sum(softplus(z) - y*z)");
    const Tensor X = program.inputs[0], Y = program.inputs[1], y = program.inputs[2], w = program.inputs[3];
    const Tensor hessian = tensor_hessian(ctx, program.outputs[0], w);
    std::vector<Tensor> outputs = canonicalize(ctx, std::span<const Tensor>(&hessian, 1));
    outputs.push_back(ctx.contract("ab,ac->bc", X, X));
    outputs.push_back(ctx.contract("ab,ac->bc", X, Y));
    const std::vector<Tensor> inputs{w, X, Y};
    Jit jit(exact(OptLevel::O2, 8));
    const TensorKernel exact_kernel = compile_tensor(jit, outputs, inputs);
    const TensorKernel kernel = compile_tensor(jit, outputs, inputs, TensorCompileOptions{true, true});
    CHECK(kernel.stage_count() == exact_kernel.stage_count() + 2);  // a mirror for each symmetric product
    for (const std::size_t rows : {37, 300}) {
        const TensorBindings bindings = random_bindings({w, X, Y, y}, rows, rows);
        const std::vector<TensorValue> want = evaluate(outputs, bindings);
        for (const std::size_t threads : {1, 3}) {
            INFO("N = " << rows << ", " << threads << " threads");
            ThreadPool pool(threads);
            const std::vector<TensorValue> got = kernel(bindings, &pool);
            REQUIRE(got.size() == 3);
            std::size_t upper = 0, mirrored = 0, far = 0;
            for (std::size_t i = 0; i < 36; ++i)
                for (std::size_t j = 0; j < 36; ++j) {
                    const double h = got[0].reals[i * 36 + j], reference = want[0].reals[i * 36 + j];
                    if (i <= j)
                        upper += !same_bits(h, reference);
                    else
                        mirrored += !same_bits(h, got[0].reals[j * 36 + i]);
                    // |X|ᵀ D |X| bounds the rounding; D <= 1/4 and |X| < 1, so N/4 bounds it.
                    far += std::abs(h - reference) > 8 * DBL_EPSILON * static_cast<double>(rows) / 4;
                }
            CHECK(upper == 0);
            CHECK(mirrored == 0);
            CHECK(far == 0);
            const std::vector<TensorValue> rest_got(got.begin() + 1, got.end()),
                rest_want(want.begin() + 1, want.end());
            CHECK(count_differences(rest_got, rest_want) == 0);
        }
    }
}

TEST_CASE("tensor kernels agree with the interpreter at the edges", "[jit][tensor][edges]") {
    TensorContext ctx;
    // The adjoint of a step-2 slice reading a map that reads the adjoint of a pad: both
    // one-to-one views, fused, one inside the other's lanes.
    const Tensor x = ctx.param("x", Shape{{16}});
    const Tensor w = ctx.param("w", Shape{{10}});
    const Tensor f = ctx.sum(ctx.mul(w, ctx.pad(ctx.map(Op::Tanh, ctx.slice(x, 0, 0, 16, 2)), 0, 1, 1)));
    // Sums inside sums inside sums.
    const Tensor c = ctx.param("c", Shape{{9, 9, 9}});
    const std::size_t last[] = {2}, middle[] = {1};
    const Tensor nested =
        ctx.sum(ctx.map(Op::Exp, ctx.sum(ctx.map(Op::Exp, ctx.sum(ctx.map(Op::Sin, c), last)), middle)));
    std::vector<Tensor> outputs{f, nested};
    for (const Tensor g : tensor_gradient(ctx, ctx.add(f, nested), std::vector<Tensor>{x, w, c})) outputs.push_back(g);
    const TensorBindings bindings = random_bindings({x, w, c}, 0, 5);
    const std::vector<TensorValue> want = evaluate(outputs, bindings);
    for (const unsigned lanes : {1u, 2u, 8u}) {
        INFO(lanes << " lanes");
        Jit jit(exact(OptLevel::O2, lanes));
        CHECK(count_differences(compile_tensor(jit, outputs, std::vector<Tensor>{x, w, c})(bindings), want) == 0);
    }

    // A max over an empty axis is an error only where the max has elements: N = 0 has none.
    const Tensor e = ctx.data("e", Shape{{kRows, 0}});
    const std::size_t columns[] = {1};
    const Tensor m = ctx.max(e, columns);
    Jit jit;
    const TensorKernel kernel = compile_tensor(jit, std::vector<Tensor>{m}, std::vector<Tensor>{e});
    TensorBindings empty;
    empty.inputs.emplace_back("e", TensorValue{{0, 0}, {}, {}});
    CHECK(kernel(empty)[0].reals.empty());
    CHECK(evaluate(std::vector<Tensor>{m}, empty)[0].reals.empty());
    empty.rows = 2;
    empty.inputs[0].second.shape = {2, 0};
    CHECK_THROWS_WITH(kernel(empty), Catch::Contains("max over an empty axis"));
    CHECK_THROWS_WITH(evaluate(std::vector<Tensor>{m}, empty), Catch::Contains("max over an empty axis"));
}

TEST_CASE("tensor kernels refuse bad calls", "[jit][tensor][errors]") {
    TensorContext ctx;
    const Tensor z = ctx.data("z", Shape{{kRows, 3}});
    const Tensor y = ctx.data("y", Shape{{kRows}}, ElementType::Index);
    const Tensor picked = ctx.gather(z, 1, ctx.reshape(y, Shape{{kRows, 1}}));
    const Tensor f = ctx.sum(picked);
    Jit jit;
    CHECK_THROWS_AS(compile_tensor(jit, std::vector<Tensor>{f}, std::vector<Tensor>{z}), SemanticError);
    CHECK_THROWS_AS(compile_tensor(jit, std::vector<Tensor>{y}, std::vector<Tensor>{y}), SemanticError);
    const TensorKernel kernel = compile_tensor(jit, std::vector<Tensor>{f}, std::vector<Tensor>{z, y});
    TensorBindings bindings;
    bindings.rows = 2;
    bindings.inputs.emplace_back("z", TensorValue{{2, 3}, {1, 2, 3, 4, 5, 6}, {}});
    bindings.inputs.emplace_back("y", TensorValue{{2}, {}, {2, 0}});
    CHECK(kernel(bindings)[0].reals[0] == 3 + 4);
    bindings.inputs[1].second.indices = {3, 0};
    CHECK_THROWS_WITH(kernel(bindings), Catch::Contains("'y' holds 3, outside 0 ... 3 - 1"));
    bindings.inputs[1].second.indices = {1};
    CHECK_THROWS_AS(kernel(bindings), SemanticError);
    double out = 0;
    std::vector<double*> outputs{&out};
    std::vector<const void*> none;
    std::vector<double> scratch;
    CHECK_THROWS_AS(kernel(none, 2, outputs, scratch), SemanticError);
    CHECK_THROWS_AS(TensorKernel()(bindings), SemanticError);
}
