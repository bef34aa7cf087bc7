// The fuzz input as a program, for the fuzzers that go on past the parser (whose own
// fuzzer checks the errors): nullopt when it does not parse.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "gradc/error.hpp"
#include "gradc/parse.hpp"

namespace gradc::fuzz {

inline std::optional<Program> parsed_input(ExprContext& ctx, std::string_view text) {
    ParseLimits limits;
    limits.max_nesting = 200;  // deep inputs are covered by the tests; keep runs fast
    try {
        return parse(ctx, text, limits);
    } catch (const Error&) {
        return std::nullopt;
    }
}

}  // namespace gradc::fuzz
