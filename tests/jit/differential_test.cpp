// Point kernels against the reference interpreter: thousands of seeded random
// expressions and every op on special inputs (NaN, infinities, signed zeros, points
// outside a function's domain), values and gradients, at O0 and O2.
//
// With JitOptions::integer_powers_by_multiplication off a kernel must give the
// interpreter's bits exactly (or NaN where it gives NaN): codegen follows apply_op.
// With it on, the kernel must give exactly what the interpreter gives for the DAG with
// those powers written out as multiplications (powers_as_products), and within a few
// ulp of the interpreter's pow() for the powers themselves.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/jit.hpp"
#include "gradc/print.hpp"
#include "point_oracle.hpp"
#include "support/random_corpus.hpp"
#include "support/random_expr.hpp"

using namespace gradc;
using testing::Tally;

namespace {

// The four ways a point kernel is compiled here.
struct Config {
    OptLevel level;
    bool powers_by_multiplication;
    std::string name() const {
        return std::string(testing::level_name(level)) +
               (powers_by_multiplication ? ", powers by multiplication" : ", powers by pow()");
    }
    JitOptions options() const {
        JitOptions o;
        o.opt_level = level;
        o.integer_powers_by_multiplication = powers_by_multiplication;
        return o;
    }
};
constexpr std::array<Config, 4> kConfigs = {
    {{OptLevel::O0, false}, {OptLevel::O2, false}, {OptLevel::O0, true}, {OptLevel::O2, true}}};

struct Corpus {
    ExprContext ctx;
    std::vector<Expr> vars{ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
    std::vector<Expr> exprs;

    // Random expressions of varied shape (support/random_corpus.hpp); a quarter also get
    // a power by a constant the kernel may compute by multiplication (or, for 0, 17, -2
    // and 0.5, by pow()).
    Corpus(std::size_t count, std::uint64_t seed) {
        static const std::vector<double> exponents = {-1, 1,  2,  3,  4,  5,  6, 7,  8,  9,  10,
                                                      11, 12, 13, 14, 15, 16, 0, 17, -2, 0.5};
        exprs = testing::random_corpus(ctx, vars, count, seed, exponents);
    }
};

constexpr std::size_t kCorpusSize = 2000;
constexpr std::uint64_t kCorpusSeed = 20261205;

// One kernel for `values` with gradients under `config`, checked at each of `points`
// against the interpreter: exactly (see the top of this file) into `exact`, and within a
// few ulp of the plain interpreter (pow() for every power) into `few_ulp` when given.
void check_kernel(Jit& jit, ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs,
                  const std::vector<std::vector<double>>& points, Tally& exact, Tally* few_ulp,
                  std::size_t* finite = nullptr) {
    const Kernel kernel = compile_point(jit, ctx, values, inputs, Derivatives::Gradient);
    const std::vector<Expr> plain_outputs = testing::compiled_outputs(ctx, values, inputs, jit.options());
    REQUIRE(kernel.output_count() == plain_outputs.size());
    REQUIRE(kernel.output_count() == point_output_count(values.size(), inputs.size(), Derivatives::Gradient));
    const bool products = jit.options().integer_powers_by_multiplication;
    const Interpreter plain(plain_outputs, inputs);
    const Interpreter modelled(products ? testing::powers_as_products(ctx, plain_outputs) : plain_outputs, inputs);
    std::vector<double> got(kernel.output_count());
    for (const std::vector<double>& point : points) {
        kernel(point, got);
        const std::vector<double> want = modelled.run(point);
        const std::vector<double> pow_want = few_ulp ? plain.run(point) : want;
        for (std::size_t k = 0; k < got.size(); ++k) {
            if (finite && std::isfinite(want[k])) ++*finite;
            auto where = [&](double w) {
                return
                    [&, w] { return testing::mismatch(testing::describe_output(k, values, inputs), point, w, got[k]); };
            };
            exact.compare(testing::same_or_both_nan(got[k], want[k]), where(want[k]));
            if (few_ulp) few_ulp->compare(testing::within_a_few_ulp(got[k], pow_want[k]), where(pow_want[k]));
        }
    }
}

// The cases that exercise `op`: on variables, on itself, and with constants (special
// ones included) on either side; for Pow every exponent the kernel treats specially.
std::vector<Expr> op_cases(ExprContext& ctx, Op op, std::span<const Expr> v) {
    const Expr x = v[0], y = v[1], z = v[2];
    std::vector<double> constants = {0.0, -0.0, 1.0, -1.0, 2.0, 0.5, -2.5};
    constants.insert(constants.end(), {testing::kInf, -testing::kInf, testing::kNaN});
    if (op == Op::Pow)
        for (double k : {3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, -2.0, -3.0,
                         -0.5, 1e10})
            constants.push_back(k);
    std::vector<Expr> cases;
    switch (op_info(op).arity) {
        case 1:
            cases = {ctx.make(op, x), ctx.make(op, ctx.neg(x)), ctx.make(op, ctx.mul(x, y)),
                     ctx.mul(ctx.make(op, x), ctx.make(op, y))};
            break;
        case 2:
            cases = {ctx.make(op, x, y), ctx.make(op, y, x), ctx.make(op, x, x)};
            for (double c : constants) {
                cases.push_back(ctx.make(op, x, ctx.constant(c)));
                cases.push_back(ctx.make(op, ctx.constant(c), x));
            }
            break;
        default:  // where: conditions that are numbers, NaN and comparisons; a NaN branch not taken
            cases = {ctx.make(op, x, y, z), ctx.make(op, ctx.make(Op::Lt, x, y), ctx.mul(x, y), z),
                     ctx.make(op, ctx.make(Op::Gt, x, ctx.constant(0.0)), ctx.make(Op::Sqrt, x), ctx.constant(7.0))};
            for (double c : constants) {
                cases.push_back(ctx.make(op, x, y, ctx.constant(c)));
                cases.push_back(ctx.make(op, x, ctx.constant(c), z));
            }
            break;
    }
    return cases;
}

}  // namespace

TEST_CASE("random expressions reach every op and integer powers", "[jit][differential]") {
    Corpus corpus(kCorpusSize, kCorpusSeed);
    std::array<std::size_t, kOpCount> count{};
    std::size_t multiplied_powers = 0;
    for (Expr e : topological_order(corpus.exprs)) {
        ++count[static_cast<std::size_t>(e->op())];
        if (testing::is_multiplied_power(e)) ++multiplied_powers;
    }
    for (Op op : testing::interior_ops()) {
        INFO(op_info(op).spelling << " appears " << count[static_cast<std::size_t>(op)] << " times");
        CHECK(count[static_cast<std::size_t>(op)] >= 20);
    }
    CHECK(multiplied_powers >= 300);
}

TEST_CASE("point kernels agree with the interpreter on random expressions", "[jit][differential]") {
    Corpus corpus(kCorpusSize, kCorpusSeed);
    // Kernels of 1 to 34 expressions each, so single-output kernels and large ones both occur.
    constexpr std::array<std::size_t, 8> kBatch = {1, 2, 3, 5, 8, 13, 21, 34};
    constexpr std::size_t kPointsPerExpression = 4;
    for (const Config& config : kConfigs) {
        Jit jit(config.options());
        std::mt19937_64 rng(99);
        Tally tally;
        std::size_t finite = 0;
        for (std::size_t next = 0, b = 0; next < corpus.exprs.size(); ++b) {
            const std::size_t size = std::min(kBatch[b % kBatch.size()], corpus.exprs.size() - next);
            const std::span<const Expr> values(corpus.exprs.data() + next, size);
            next += size;
            std::vector<std::vector<double>> points;
            for (std::size_t p = 0; p < kPointsPerExpression * size; ++p)
                points.push_back(testing::random_point(rng, corpus.vars.size()));
            check_kernel(jit, corpus.ctx, values, corpus.vars, points, tally, nullptr, &finite);
        }
        INFO(tally.report(config.name()));
        CHECK(tally.mismatches == 0);
        // Not a test of NaN against NaN only.
        CHECK(finite > tally.compared / 3);
    }
}

TEST_CASE("every op agrees with the interpreter on special inputs", "[jit][differential]") {
    const std::vector<double> specials = testing::special_values();
    // Every pair of special values for x and y, z running through them too.
    std::vector<std::vector<double>> pairs;
    for (std::size_t i = 0; i < specials.size(); ++i)
        for (std::size_t j = 0; j < specials.size(); ++j)
            pairs.push_back({specials[i], specials[j], specials[(i * 7 + j) % specials.size()]});
    // where gets every triple.
    std::vector<std::vector<double>> triples;
    for (double a : specials)
        for (double b : specials)
            for (double c : specials) triples.push_back({a, b, c});
    for (const Config& config : kConfigs) {
        Jit jit(config.options());
        for (Op op : testing::interior_ops()) {
            ExprContext ctx;
            const std::vector<Expr> vars = {ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
            const std::vector<Expr> cases = op_cases(ctx, op, vars);
            Tally exact, few_ulp;
            check_kernel(jit, ctx, cases, vars, op == Op::Where ? triples : pairs, exact,
                         config.powers_by_multiplication ? &few_ulp : nullptr);
            INFO(exact.report(std::string(op_info(op).spelling) + ", " + config.name()));
            CHECK(exact.mismatches == 0);
            INFO(few_ulp.report("within a few ulp of pow()"));
            CHECK(few_ulp.mismatches == 0);
        }
    }
}

TEST_CASE("integer powers by multiplication stay within a few ulp of pow", "[jit][differential]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    std::vector<Expr> powers;
    for (double k : {-1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0})
        powers.push_back(ctx.pow(x, ctx.constant(k)));
    // x spread over many magnitudes, both signs, including where x^16 overflows or underflows.
    std::mt19937_64 rng(4242);
    std::vector<double> xs;
    for (int i = 0; i < 4000; ++i) {
        const double magnitude = std::pow(10.0, std::uniform_real_distribution<double>(-25.0, 25.0)(rng));
        xs.push_back(i % 2 == 0 ? magnitude : -magnitude);
    }
    const Interpreter oracle(powers, std::span<const Expr>(&x, 1));
    for (bool by_multiplication : {true, false}) {
        JitOptions options;
        options.integer_powers_by_multiplication = by_multiplication;
        Jit jit(options);
        const Kernel kernel = jit.compile(powers, std::span<const Expr>(&x, 1));
        Tally tally;
        std::size_t differ = 0;
        for (double v : xs) {
            const std::vector<double> got = kernel(std::span<const double>(&v, 1));
            const std::vector<double> want = oracle.run(std::span<const double>(&v, 1));
            for (std::size_t k = 0; k < powers.size(); ++k) {
                const bool agrees = by_multiplication ? testing::within_a_few_ulp(got[k], want[k])
                                                      : testing::same_or_both_nan(got[k], want[k]);
                if (!testing::same_or_both_nan(got[k], want[k])) ++differ;
                tally.compare(agrees, [&] {
                    return testing::mismatch(to_infix(powers[k]), std::span<const double>(&v, 1), want[k], got[k]);
                });
            }
        }
        INFO(tally.report(by_multiplication ? "by multiplication" : "by pow()"));
        CHECK(tally.mismatches == 0);
        // The option does change the code: multiplication is not always pow()'s rounding.
        if (by_multiplication) CHECK(differ > 0);
    }
}
