// The op table's facts that only gradc's own layers read (the columns of ops.def past
// the public OpInfo), as data: a pass looks a fact up here rather than switching over
// every op, so a new op needs no case in passes that have nothing to do for it.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "gradc/expr.hpp"

namespace gradc::ir {

// Which second derivatives an op has (almost everywhere), for the Hessian's sparsity.
enum class Curvature : std::uint8_t {
    None,      // leaves, linear (+ - neg), piecewise linear or constant, where
    Product,   // a*b: only the mixed term
    Quotient,  // a/b: linear in a
    Full,      // every pair of what it depends on
};

struct OpFacts {
    Curvature curvature;
    std::string_view libm;  // the C library function that computes the op, or ""
    bool libmvec;           // glibc's libmvec has vector variants of `libm`
};

inline constexpr std::array<OpFacts, kOpCount> kOpFacts = {{
#define GRADC_OP(name, spelling, arity, form, commutative, latex, precedence, curvature, libm, libmvec) \
    {Curvature::curvature, libm, libmvec},
#include "gradc/ops.def"
#undef GRADC_OP
}};

static_assert(std::none_of(kOpFacts.begin(), kOpFacts.end(),
                           [](const OpFacts& f) { return f.libmvec && f.libm.empty(); }),
              "an op marked libmvec names its libm function");

constexpr const OpFacts& op_facts(Op op) noexcept { return kOpFacts[static_cast<std::size_t>(op)]; }

// Whether some op computes itself by calling the C library function `name`.
constexpr bool is_libm_function(std::string_view name) noexcept {
    return !name.empty() &&
           std::any_of(kOpFacts.begin(), kOpFacts.end(), [&](const OpFacts& f) { return f.libm == name; });
}

// Whether glibc's libmvec has vector variants of the libm function `name`.
constexpr bool has_libmvec(std::string_view name) noexcept {
    return !name.empty() &&
           std::any_of(kOpFacts.begin(), kOpFacts.end(), [&](const OpFacts& f) { return f.libmvec && f.libm == name; });
}

}  // namespace gradc::ir
