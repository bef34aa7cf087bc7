// Any text that parses is differentiated three ways and the results are held to
// oracles; a failure aborts with the formula, the partial and the point. Tensor
// programs are held to the oracle of tensor_oracle.hpp.
// - The printed gradient (to_infix) parses back to the very same nodes, unsimplified
//   and simplified (print.hpp promises parse(to_infix(e)) == e).
// - The simplified gradient equals the unsimplified one where both are finite.
// - Forward mode (jvp along each unit vector) equals reverse mode (gradient).
// Two formulas equal in exact arithmetic may still round apart, so values are compared
// only where they say something: both finite, the point well conditioned (moving the
// point by 1e-10 of itself moves neither value by more than 1e-7 of itself), and within
// 1e-6 relative plus 1e-9 of the largest intermediate value of either formula (what
// cancellation in a sum of such terms can lose).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/parse.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"
#include "gradc/tensor_parse.hpp"
#include "parsed_input.hpp"
#include "tensor_oracle.hpp"

namespace {

using gradc::Expr;

struct Failure {
    std::string_view text;
    std::string what;
};

[[noreturn]] void fail(const Failure& f) {
    std::fprintf(stderr, "fuzz_gradient: \"%.*s\": %s\n", static_cast<int>(f.text.size()), f.text.data(),
                 f.what.c_str());
    std::abort();
}

// One formula's value at a point, with the conditioning facts the comparison needs.
struct Reading {
    double value = 0;
    double largest_intermediate = 0;  // max |node value| over the formula's finite nodes
    bool stable = false;              // finite, and barely moved by moving the point
};

Reading read(Expr e, std::span<const Expr> vars, std::span<const double> at) {
    const std::vector<Expr> nodes = gradc::topological_order(e);
    const std::vector<double> values = gradc::evaluate(nodes, vars, at);
    Reading r;
    r.value = gradc::evaluate(e, vars, at);
    for (double v : values)
        if (std::isfinite(v)) r.largest_intermediate = std::max(r.largest_intermediate, std::fabs(v));
    std::vector<double> moved(at.begin(), at.end());
    for (double& x : moved) x += 1e-10 * x;
    const double nearby = gradc::evaluate(e, vars, moved);
    r.stable = std::isfinite(r.value) && std::isfinite(nearby) &&
               std::fabs(nearby - r.value) <= 1e-7 * std::max(std::fabs(r.value), std::fabs(nearby));
    return r;
}

// Whether two formulas for one number disagree at `at` beyond what rounding explains.
bool disagree(Expr a, Expr b, std::span<const Expr> vars, std::span<const double> at) {
    const Reading x = read(a, vars, at), y = read(b, vars, at);
    if (!x.stable || !y.stable) return false;
    const double scale = std::max(x.largest_intermediate, y.largest_intermediate);
    return std::fabs(x.value - y.value) > 1e-6 * std::max(std::fabs(x.value), std::fabs(y.value)) + 1e-9 * scale;
}

std::string point_text(std::span<const Expr> vars, std::span<const double> at) {
    std::string s;
    for (std::size_t i = 0; i < vars.size(); ++i)
        s += (i ? ", " : "") + gradc::to_infix(vars[i]) + " = " + gradc::shortest_number(at[i]);
    return s;
}

void check_prints_back(gradc::ExprContext& ctx, std::string_view text, std::span<const Expr> exprs) {
    for (Expr e : exprs) {
        const std::string printed = gradc::to_infix(e);
        if (gradc::parse_expr(ctx, printed) != e)
            fail({text, "the printed partial \"" + printed + "\" parses back to other nodes"});
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (gradc::declares_tensors(text)) {
        gradc::fuzz::check_tensor_program(text);
        return 0;
    }
    gradc::ExprContext ctx;
    const std::optional<gradc::Program> program = gradc::fuzz::parsed_input(ctx, text);
    if (!program) return 0;
    const std::vector<Expr>& vars = program->variables;
    // Points away from 0 and 1 (where many rules are exact by accident), distinct per
    // coordinate so that x - y is not 0, one with negative coordinates.
    std::vector<std::vector<double>> points(2, std::vector<double>(vars.size()));
    for (std::size_t i = 0; i < vars.size(); ++i) {
        points[0][i] = 0.75 + 0.3125 * static_cast<double>(i);
        points[1][i] = -1.375 + 0.5625 * static_cast<double>(i);
    }
    std::vector<Expr> unit(vars.size());
    for (Expr f : program->outputs) {
        const std::vector<Expr> g = gradc::gradient(ctx, f, vars);
        const std::vector<Expr> simple = gradc::simplify(ctx, g);
        check_prints_back(ctx, text, g);
        check_prints_back(ctx, text, simple);
        // Forward mode costs a pass per variable: check the first few.
        for (std::size_t i = 0; i < std::min<std::size_t>(vars.size(), 6); ++i) {
            for (std::size_t j = 0; j < vars.size(); ++j) unit[j] = ctx.constant(i == j ? 1.0 : 0.0);
            const Expr forward = gradc::jvp(ctx, f, vars, unit);
            for (const std::vector<double>& at : points) {
                const std::string partial =
                    "the partial by " + gradc::to_infix(vars[i]) + " at " + point_text(vars, at);
                if (disagree(g[i], simple[i], vars, at))
                    fail({text, partial + ": simplified " +
                                    gradc::shortest_number(gradc::evaluate(simple[i], vars, at)) + ", unsimplified " +
                                    gradc::shortest_number(gradc::evaluate(g[i], vars, at))});
                if (disagree(g[i], forward, vars, at))
                    fail({text, partial + ": forward mode " +
                                    gradc::shortest_number(gradc::evaluate(forward, vars, at)) + ", reverse mode " +
                                    gradc::shortest_number(gradc::evaluate(g[i], vars, at))});
            }
        }
    }
    return 0;
}
