// What the point-kernel tests share: how a kernel's number is compared with the
// interpreter's, the interpreter oracle for JitOptions::integer_powers_by_multiplication,
// seeded test points, and a tally of mismatches for failure messages.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/expr.hpp"
#include "gradc/jit.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"

namespace gradc::testing {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The exact rule: the same bits, or both NaN (payloads are not specified).
inline bool same_or_both_nan(double got, double want) {
    return std::bit_cast<std::uint64_t>(got) == std::bit_cast<std::uint64_t>(want) ||
           (std::isnan(got) && std::isnan(want));
}

// The rule for integer powers computed by multiplication: the exact rule, or within
// 1e-13 relative (a few ulp, compounded over a few operations), or both below 1e-300
// apart (subnormal intermediates lose relative precision).
inline bool within_a_few_ulp(double got, double want) {
    if (same_or_both_nan(got, want)) return true;
    if (!std::isfinite(got) || !std::isfinite(want)) return false;
    const double diff = std::fabs(got - want);
    return diff <= 1e-13 * std::max(std::fabs(got), std::fabs(want)) || diff <= 1e-300;
}

// True when the kernel computes `node` by multiplication rather than by pow() under
// JitOptions::integer_powers_by_multiplication: x^k for an integer constant
// 1 <= k <= 16, and x^-1.
inline bool is_multiplied_power(Expr node) {
    if (node->op() != Op::Pow || !node->arg(1)->is_const()) return false;
    const double k = node->arg(1)->value();
    return k == -1.0 || (k >= 1.0 && k <= 16.0 && k == std::floor(k));
}

// `outputs` with every multiplied power written out as the operations jit.hpp documents
// for it: x^-1 as 1/x, x^k by repeated squaring (right to left over k's bits, the
// running product times the current square). Interpreting the result gives, bit for
// bit, what such a kernel computes; with no multiplied power it is `outputs` itself.
inline std::vector<Expr> powers_as_products(ExprContext& ctx, std::span<const Expr> outputs) {
    std::unordered_map<Expr, Expr> rewritten;
    for (Expr e : topological_order(outputs)) {
        if (e->is_const() || e->is_var()) {
            rewritten[e] = e;
            continue;
        }
        std::vector<Expr> args;
        for (Expr a : e->args()) args.push_back(rewritten.at(a));
        if (!is_multiplied_power(e)) {
            rewritten[e] = ctx.make(e->op(), args);
            continue;
        }
        const double k = e->arg(1)->value();
        if (k == -1.0) {
            rewritten[e] = ctx.div(ctx.constant(1.0), args[0]);
            continue;
        }
        auto bits = static_cast<unsigned>(k);
        Expr result = nullptr, square = args[0];
        while (true) {
            if ((bits & 1u) != 0) result = result ? ctx.mul(result, square) : square;
            bits >>= 1u;
            if (bits == 0) break;
            square = ctx.mul(square, square);
        }
        rewritten[e] = result;
    }
    std::vector<Expr> result;
    for (Expr e : outputs) result.push_back(rewritten.at(e));
    return result;
}

// Inputs that break careless code: signed zeros, infinities, NaN, subnormals, numbers
// whose exp or square overflows, negative numbers (outside sqrt's and log's domain).
inline std::vector<double> special_values() {
    return {0.0,    -0.0,    1.0,   -1.0,   0.5,   -0.5,   2.0,  -2.5,  3.0,
            1e-310, -5e-324, 1e300, -1e300, 710.0, -746.0, 40.0, -40.0, 1.5707963267948966,
            kInf,   -kInf,   kNaN,  -kNaN};
}

// A coordinate of a random test point: mostly ordinary numbers, sometimes a small
// integer (ties in comparisons, min and max, poles) or a special value.
inline double random_coordinate(std::mt19937_64& rng) {
    static const std::vector<double> specials = special_values();
    const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    if (u < 0.7) return std::uniform_real_distribution<double>(-3.0, 3.0)(rng);
    if (u < 0.82) return static_cast<double>(std::uniform_int_distribution<int>(-2, 2)(rng));
    return specials[std::uniform_int_distribution<std::size_t>(0, specials.size() - 1)(rng)];
}

inline std::vector<double> random_point(std::mt19937_64& rng, std::size_t n) {
    std::vector<double> p(n);
    for (double& v : p) v = random_coordinate(rng);
    return p;
}

inline std::vector<std::vector<double>> random_points(std::uint64_t seed, std::size_t count, std::size_t n) {
    std::mt19937_64 rng(seed);
    std::vector<std::vector<double>> points;
    for (std::size_t i = 0; i < count; ++i) points.push_back(random_point(rng, n));
    return points;
}

// compile_point()'s outputs with Derivatives::Gradient, built independently of it: the
// values, then each value's gradient.
inline std::vector<Expr> with_gradients(ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> inputs) {
    std::vector<Expr> outputs(values.begin(), values.end());
    for (Expr f : values)
        for (Expr d : gradient(ctx, f, inputs)) outputs.push_back(d);
    return outputs;
}

// What a kernel with gradients computes under `options`, as jit.hpp documents it:
// with JitOptions::stable_forms, the values in their stable forms, differentiated by
// `wrt`, and everything rewritten once more; without, with_gradients() alone. Laid out
// as compile_point()'s and compile_map()'s outputs, and compile_batch()'s for one value.
inline std::vector<Expr> compiled_outputs(ExprContext& ctx, std::span<const Expr> values, std::span<const Expr> wrt,
                                          const JitOptions& options) {
    if (!options.stable_forms) return with_gradients(ctx, values, wrt);
    return stable_forms(ctx, with_gradients(ctx, stable_forms(ctx, values), wrt));
}

inline std::string format_point(std::span<const double> p) {
    std::string s = "(";
    for (std::size_t i = 0; i < p.size(); ++i) s += (i ? ", " : "") + format_number(p[i]);
    return s + ")";
}

// Which entry of compile_point()'s layout output `k` is, for `values` of `inputs`.
inline std::string describe_output(std::size_t k, std::span<const Expr> values, std::span<const Expr> inputs) {
    const std::size_t m = values.size(), n = inputs.size();
    std::ostringstream s;
    if (k < m) {
        s << "value of " << to_infix(values[k]);
    } else if (k < m + m * n) {
        const std::size_t r = (k - m) / n, i = (k - m) % n;
        s << "d/d" << inputs[i]->name() << " of " << to_infix(values[r]);
    } else {
        s << "Hessian entry " << (k - m - m * n) << " (values " << m << ", inputs " << n << ")";
    }
    return s.str();
}

// Mismatches counted, with the first few described for the failure message.
struct Tally {
    std::size_t compared = 0;
    std::size_t mismatches = 0;
    std::string examples;

    void compare(bool agrees, const auto& describe) {
        ++compared;
        if (agrees) return;
        if (++mismatches <= 6) examples += "  " + describe() + "\n";
    }
    std::string report(const std::string& what) const {
        std::ostringstream s;
        s << what << ": " << mismatches << " mismatches in " << compared << " comparisons";
        if (mismatches != 0) s << ", the first:\n" << examples;
        return s.str();
    }
};

// A mismatch line: where, at which point, what the oracle said and what the kernel gave.
inline std::string mismatch(const std::string& where, std::span<const double> point, double want, double got) {
    return where + " at " + format_point(point) + ": interpreter " + format_number(want) + ", kernel " +
           format_number(got);
}

inline const char* level_name(OptLevel level) {
    switch (level) {
        case OptLevel::O0: return "O0";
        case OptLevel::O1: return "O1";
        case OptLevel::O2: return "O2";
        case OptLevel::O3: return "O3";
    }
    return "?";
}

}  // namespace gradc::testing
