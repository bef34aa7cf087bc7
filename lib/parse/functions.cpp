// The function spellings the language accepts: every call-form op of the op table under
// its canonical spelling, then the aliases people bring from NumPy, SymPy and textbooks.
#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <vector>

#include "gradc/parse.hpp"
#include "parse/lower.hpp"
#include "support/edit_distance.hpp"

namespace gradc {

namespace {

struct OpRow {
    std::string_view spelling;
    Op op;
    OpForm form;
};

constexpr OpRow kOpRows[] = {
#define GRADC_OP(name, spelling, arity, form, ...) {spelling, Op::name, OpForm::form},
#include "gradc/ops.def"
#undef GRADC_OP
};

constexpr FunctionSpelling kAliases[] = {
    {"ln", Op::Log},        {"arcsin", Op::Asin},   {"arccos", Op::Acos},      {"arctan", Op::Atan},
    {"arcsinh", Op::Asinh}, {"arccosh", Op::Acosh}, {"arctanh", Op::Atanh},    {"arctan2", Op::Atan2},
    {"pow", Op::Pow},       {"fabs", Op::Abs},      {"logistic", Op::Sigmoid},
};

constexpr std::size_t kCallCount = static_cast<std::size_t>(
    std::count_if(std::begin(kOpRows), std::end(kOpRows), [](const OpRow& r) { return r.form == OpForm::Call; }));

// Canonical spellings in op-table order, then the aliases.
constexpr auto kSpellings = [] {
    std::array<FunctionSpelling, kCallCount + std::size(kAliases)> all{};
    std::size_t n = 0;
    for (const OpRow& r : kOpRows)
        if (r.form == OpForm::Call) all[n++] = {r.spelling, r.op};
    for (const FunctionSpelling& a : kAliases) all[n++] = a;
    return all;
}();

// The same spellings sorted by name, for lookup by binary search.
constexpr auto kSorted = [] {
    auto sorted = kSpellings;
    std::sort(sorted.begin(), sorted.end(),
              [](const FunctionSpelling& a, const FunctionSpelling& b) { return a.name < b.name; });
    return sorted;
}();

static_assert(std::adjacent_find(kSorted.begin(), kSorted.end(),
                                 [](const auto& a, const auto& b) { return a.name == b.name; }) == kSorted.end(),
              "a function spelling is listed twice");

}  // namespace

std::span<const FunctionSpelling> function_spellings() noexcept { return kSpellings; }

namespace syntax {

const FunctionSpelling* find_function(std::string_view name) noexcept {
    auto it = std::lower_bound(kSorted.begin(), kSorted.end(), name,
                               [](const FunctionSpelling& f, std::string_view n) { return f.name < n; });
    return it != kSorted.end() && it->name == name ? &*it : nullptr;
}

std::string_view closest_function(std::string_view name) {
    // One edit for short names, two for longer ones: close enough to be a typo, far
    // enough that `foo` does not suggest `cos`.
    const std::size_t allowed = name.size() <= 4 ? 1 : 2;
    std::string_view best;
    std::size_t best_distance = allowed + 1;
    for (const FunctionSpelling& f : kSpellings) {
        // The length difference bounds the distance from below; it also keeps a huge
        // name from costing |name| * |spelling| per spelling.
        const std::size_t gap = name.size() > f.name.size() ? name.size() - f.name.size() : f.name.size() - name.size();
        if (gap > allowed) continue;
        const std::size_t d = support::edit_distance(name, f.name);
        if (d < best_distance) {
            best = f.name;
            best_distance = d;
        }
    }
    return best;
}

}  // namespace syntax

}  // namespace gradc
