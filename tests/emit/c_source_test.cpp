// Emitted C against the reference interpreter: seeded random formulas and every op on
// special inputs, compiled by the system C compiler and loaded with dlopen. C follows
// apply_op, so compiled so that every libm call stays a call (-fno-builtin: GCC would
// otherwise evaluate some, correctly rounded, where it can tell the argument) and
// without FMA contraction (as -std=c99 asks), it gives the interpreter's bits; with
// powers multiplied out, the bits of the DAG with those powers written as products
// (powers_as_products). Compiled as a user would (cc -O2), within a few ulp.
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "corpus.hpp"
#include "gradc/emit.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "jit/point_oracle.hpp"
#include "native_code.hpp"

using namespace gradc;
using testing::Tally;

namespace {

constexpr const char* kExact = "-std=c99 -O2 -fno-builtin -shared -fPIC";
constexpr const char* kTypical = "-O2 -shared -fPIC";

// Builds `source` into the shared library `name`.so in `folder` with the C compiler.
std::string build_library(const testing::ScratchFolder& folder, const std::string& source, const char* flags,
                          const std::string& name = "kernels") {
    const std::string c = folder.file(name + ".c"), so = folder.file(name + ".so");
    testing::write_text(c, source);
    testing::compile("cc", std::string(flags) + " -o " + so + " " + c + " -lm");
    return so;
}

// Each kernel of `library` at each point against the interpreter: exactly the modelled
// DAG's bits into `exact`, and within a few ulp of plain pow() into `few_ulp`.
void check_point_kernels(ExprContext& ctx, const testing::Library& library, std::span<const AotKernel> kernels,
                         const std::vector<std::vector<double>>& points, bool products, Tally& exact, Tally& few_ulp) {
    for (const AotKernel& k : kernels) {
        const auto function = library.function<testing::PointFunction>(k.name);
        const Interpreter plain(k.outputs, k.inputs);
        const Interpreter modelled(products ? testing::powers_as_products(ctx, k.outputs) : k.outputs, k.inputs);
        std::vector<double> got(k.outputs.size());
        for (const std::vector<double>& point : points) {
            function(point.data(), got.data());
            const std::vector<double> want = modelled.run(point);
            const std::vector<double> pow_want = plain.run(point);
            for (std::size_t i = 0; i < got.size(); ++i) {
                auto where = [&](double w) {
                    return [&, w] { return testing::mismatch(k.name + " " + k.output_names[i], point, w, got[i]); };
                };
                exact.compare(testing::same_or_both_nan(got[i], want[i]), where(want[i]));
                few_ulp.compare(testing::within_a_few_ulp(got[i], pow_want[i]), where(pow_want[i]));
            }
        }
    }
}

// Cases that exercise `op`: on variables, negated, and with special constants on
// either side; where with numbers, NaN and comparisons as conditions.
std::vector<Expr> op_cases(ExprContext& ctx, Op op, std::span<const Expr> v) {
    const Expr x = v[0], y = v[1], z = v[2];
    std::vector<double> constants = {0.0, -0.0, 1.0,           -1.0,           2.0,
                                     0.5, -2.5, testing::kInf, -testing::kInf, testing::kNaN};
    if (op == Op::Pow)
        for (double k : {3.0, 4.0, 7.0, 16.0, 17.0, -2.0, -0.5, 1e10}) constants.push_back(k);
    std::vector<Expr> cases;
    switch (op_info(op).arity) {
        case 1: cases = {ctx.make(op, x), ctx.make(op, ctx.neg(x)), ctx.make(op, ctx.mul(x, y))}; break;
        case 2:
            cases = {ctx.make(op, x, y), ctx.make(op, y, x), ctx.make(op, x, x)};
            for (double c : constants) {
                cases.push_back(ctx.make(op, x, ctx.constant(c)));
                cases.push_back(ctx.make(op, ctx.constant(c), x));
            }
            break;
        default:
            cases = {ctx.make(op, x, y, z), ctx.make(op, ctx.make(Op::Lt, x, y), ctx.mul(x, y), z)};
            for (double c : constants) cases.push_back(ctx.make(op, x, y, ctx.constant(c)));
            break;
    }
    return cases;
}

}  // namespace

TEST_CASE("emitted C agrees with the interpreter on random formulas", "[emit][c]") {
    for (bool products : {true, false}) {
        testing::Corpus corpus(300, 20261206);
        const std::vector<AotKernel> kernels = corpus.point_kernels(Derivatives::Gradient);
        JitOptions options;
        options.integer_powers_by_multiplication = products;
        const std::string source = emit_c_source(kernels, options);
        const std::vector<std::vector<double>> points = testing::random_points(7, 6, corpus.vars.size());
        const testing::ScratchFolder folder;
        for (const char* flags : {kExact, kTypical}) {
            const bool exact_build = flags == kExact;
            const testing::Library library(build_library(folder, source, flags, exact_build ? "exact" : "typical"));
            Tally exact, few_ulp;
            check_point_kernels(corpus.ctx, library, kernels, points, products, exact, few_ulp);
            INFO(flags << (products ? ", powers multiplied out" : ", powers by pow()"));
            INFO(exact.report("exactly"));
            if (exact_build) CHECK(exact.mismatches == 0);
            INFO(few_ulp.report("within a few ulp of pow()"));
            CHECK(few_ulp.mismatches == 0);
            CHECK(exact.compared > 5000);
        }
    }
}

TEST_CASE("every op in emitted C agrees with the interpreter on special inputs", "[emit][c]") {
    const std::vector<double> specials = testing::special_values();
    std::vector<std::vector<double>> pairs;
    for (std::size_t i = 0; i < specials.size(); ++i)
        for (std::size_t j = 0; j < specials.size(); ++j)
            pairs.push_back({specials[i], specials[j], specials[(i * 7 + j) % specials.size()]});
    ExprContext ctx;
    const std::vector<Expr> vars = {ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
    std::vector<AotKernel> kernels;
    for (Op op : testing::interior_ops())
        kernels.push_back(aot_point_kernel(ctx, "op_" + std::to_string(static_cast<int>(op)), op_cases(ctx, op, vars),
                                           vars, Derivatives::Gradient));
    const std::string source = emit_c_source(kernels);
    const testing::ScratchFolder folder;
    // The helpers and every op, compiled strictly: the code is clean C99.
    testing::write_text(folder.file("strict.c"), source);
    testing::compile("cc",
                     "-std=c99 -pedantic -Wall -Wextra -Wshadow -Werror -fsyntax-only " + folder.file("strict.c"));
    const testing::Library library(build_library(folder, source, kExact));
    Tally exact, few_ulp;
    check_point_kernels(ctx, library, kernels, pairs, true, exact, few_ulp);
    INFO(exact.report("every op"));
    CHECK(exact.mismatches == 0);
    INFO(few_ulp.report("within a few ulp of pow()"));
    CHECK(few_ulp.mismatches == 0);
}

TEST_CASE("batch kernels in C add rows in the documented order", "[emit][c][batch]") {
    std::mt19937_64 rng(20261207);
    ExprContext ctx;
    const std::vector<Expr> params = {ctx.variable("w"), ctx.variable("b")};
    const std::vector<Expr> columns = {ctx.variable("u"), ctx.variable("v"), ctx.variable("target")};
    std::vector<Expr> all = params;
    all.insert(all.end(), columns.begin(), columns.end());
    testing::RandomExprOptions shape;
    shape.max_depth = 5;
    std::vector<AotKernel> kernels;
    for (int i = 0; i < 40; ++i) {
        shape.domain_safe = i % 2 == 0;
        kernels.push_back(aot_batch_kernel(ctx, "loss" + std::to_string(i), testing::random_expr(ctx, rng, all, shape),
                                           params, columns));
    }
    const std::string source = emit_c_source(kernels);
    const testing::Columns data(rng, columns.size(), 300);
    const std::vector<double> at = {0.75, -0.5};
    const testing::ScratchFolder folder;
    testing::write_text(folder.file("strict.c"), source);
    testing::compile("cc",
                     "-std=c99 -pedantic -Wall -Wextra -Wshadow -Werror -fsyntax-only " + folder.file("strict.c"));
    for (const char* flags : {kExact, kTypical}) {
        const bool exact_build = flags == kExact;
        const testing::Library library(build_library(folder, source, flags, exact_build ? "exact" : "typical"));
        Tally exact, few_ulp;
        for (const AotKernel& k : kernels) {
            const auto function = library.function<testing::SumFunction>(k.name);
            const Interpreter modelled(testing::powers_as_products(ctx, k.outputs), k.inputs);
            for (const auto& [begin, end] :
                 {std::pair<std::uint64_t, std::uint64_t>{0, 0}, {0, 1}, {3, 50}, {7, 5}, {0, 300}}) {
                std::vector<double> got(k.outputs.size());
                function(at.data(), data.pointers.data(), begin, end, got.data());
                const std::vector<double> want = testing::ordered_sums(modelled, at, data, begin, end);
                for (std::size_t i = 0; i < got.size(); ++i) {
                    auto where = [&] {
                        return k.name + " " + k.output_names[i] + " rows [" + std::to_string(begin) + ", " +
                               std::to_string(end) + "): interpreter " + format_number(want[i]) + ", C " +
                               format_number(got[i]);
                    };
                    exact.compare(testing::same_or_both_nan(got[i], want[i]), where);
                    few_ulp.compare(testing::within_a_few_ulp(got[i], want[i]), where);
                }
            }
        }
        INFO(flags);
        INFO(exact.report("exactly"));
        if (exact_build) CHECK(exact.mismatches == 0);
        INFO(few_ulp.report("within a few ulp"));
        CHECK(few_ulp.mismatches == 0);
    }
}

TEST_CASE("a C batch kernel with more partial sums than the stack should hold takes them from malloc",
          "[emit][c][batch]") {
    // loss = sum_i (i+1)·p_i·c: 4,097 outputs of 8 partials each, past 256 KiB.
    const std::size_t n = 4096;
    ExprContext ctx;
    const Expr c = ctx.variable("c");
    std::vector<Expr> params, terms;
    for (std::size_t i = 0; i < n; ++i) {
        params.push_back(ctx.variable("p" + std::to_string(i)));
        terms.push_back(ctx.mul(ctx.constant(static_cast<double>(i + 1)), ctx.mul(params.back(), c)));
    }
    while (terms.size() > 1) {  // added pairwise, so the expression stays shallow
        std::vector<Expr> next;
        for (std::size_t i = 0; i + 1 < terms.size(); i += 2) next.push_back(ctx.add(terms[i], terms[i + 1]));
        if (terms.size() % 2) next.push_back(terms.back());
        terms = std::move(next);
    }
    const AotKernel kernel = aot_batch_kernel(ctx, "big", terms[0], params, std::span<const Expr>(&c, 1));
    REQUIRE(kernel.outputs.size() == n + 1);
    const std::string source = emit_c_source(std::span<const AotKernel>(&kernel, 1));
    CHECK(source.find("malloc(") != std::string::npos);
    CHECK(source.find("#include <stdlib.h>") != std::string::npos);
    std::mt19937_64 rng(11);
    const testing::Columns data(rng, 1, 70);
    std::vector<double> at(n);
    for (std::size_t i = 0; i < n; ++i) at[i] = 0.25 * static_cast<double>(i % 9) - 1.0;
    const testing::ScratchFolder folder;
    // Strictly, and unoptimized: GCC's optimizer takes minutes over 4,097 sums.
    const testing::Library library(build_library(
        folder, source, "-std=c99 -pedantic -Wall -Wextra -Wshadow -Werror -O0 -fno-builtin -shared -fPIC"));
    const Interpreter interpreter(kernel.outputs, kernel.inputs);
    for (const auto& [begin, end] : {std::pair<std::uint64_t, std::uint64_t>{0, 0}, {2, 11}, {0, 70}}) {
        std::vector<double> got(kernel.outputs.size());
        library.function<testing::SumFunction>("big")(at.data(), data.pointers.data(), begin, end, got.data());
        const std::vector<double> want = testing::ordered_sums(interpreter, at, data, begin, end);
        std::size_t mismatches = 0;
        for (std::size_t i = 0; i < got.size(); ++i) mismatches += testing::same_or_both_nan(got[i], want[i]) ? 0 : 1;
        INFO("rows [" << begin << ", " << end << ")");
        CHECK(mismatches == 0);
    }
}

TEST_CASE("variables that C would misread get names of their own", "[emit][c]") {
    ExprContext ctx;
    std::vector<Expr> vars;
    for (const char* name :
         {"in", "t1", "M_PI", "sin", "double", "class", "_x", "sum0", "in_0", "two words", "kernel", "theta_1"})
        vars.push_back(ctx.variable(name));
    Expr f = ctx.constant(1.0);
    for (std::size_t i = 0; i < vars.size(); ++i)
        f = ctx.add(f, ctx.mul(ctx.constant(static_cast<double>(i + 1)), ctx.make(Op::Sin, vars[i])));
    const AotKernel kernel = aot_point_kernel(ctx, "kernel", std::span<const Expr>(&f, 1), vars);
    const std::string source = emit_c_source(std::span<const AotKernel>(&kernel, 1));
    CHECK(source.find("const double in_0 = in[0];") != std::string::npos);
    CHECK(source.find("const double in_11 = in[11];") == std::string::npos);
    CHECK(source.find("const double theta_1 = in[11];") != std::string::npos);
    const testing::ScratchFolder folder;
    const testing::Library library(
        build_library(folder, source, "-std=c99 -pedantic -Wall -Wextra -Wshadow -Werror -O1 -shared -fPIC"));
    std::vector<double> in;
    for (std::size_t i = 0; i < vars.size(); ++i) in.push_back(0.1 * static_cast<double>(i) - 0.4);
    std::vector<double> got(kernel.outputs.size());
    library.function<testing::PointFunction>("kernel")(in.data(), got.data());
    const std::vector<double> want = Interpreter(kernel.outputs, vars).run(in);
    for (std::size_t i = 0; i < got.size(); ++i) CHECK(testing::same_or_both_nan(got[i], want[i]));
}

TEST_CASE("kernel names must be C symbols of their own", "[emit][c][errors]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    auto emit_named = [&](std::vector<std::string> names) {
        std::vector<AotKernel> kernels;
        for (std::string& name : names)
            kernels.push_back(
                aot_point_kernel(ctx, std::move(name), std::span<const Expr>(&x, 1), std::span<const Expr>(&x, 1)));
        return emit_c_source(kernels);
    };
    auto message = [&](std::vector<std::string> names) {
        try {
            emit_named(std::move(names));
        } catch (const SemanticError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK(message({"1f"}) ==
          "the kernel name '1f' is not a C identifier: use letters, digits and '_', not starting "
          "with a digit");
    CHECK(message({""}).find("is not a C identifier") != std::string::npos);
    CHECK(message({"f-g"}).find("is not a C identifier") != std::string::npos);
    for (const char* taken : {"sin", "double", "class", "in", "_f", "gradc_sigmoid", "t3"})
        CHECK(message({taken}) == "the kernel name '" + std::string(taken) +
                                      "' is already used by C, C++ or the emitted code: choose another");
    CHECK(message({"f", "f"}).find("give each kernel a name of its own") != std::string::npos);
    CHECK(message({"f", "f_input_count"}).find("give each kernel a name of its own") != std::string::npos);
    CHECK(message({"f", "g"}) == "no error");
    CHECK_THROWS_AS(emit_c_source(std::span<const AotKernel>()), SemanticError);
}
