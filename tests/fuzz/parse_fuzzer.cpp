// Any text into the parser: it must either parse or throw a gradc::Error with a place
// inside the text, and whatever parses must print and parse back to the same DAG.
// Crashes, hangs, leaks and InternalError (a broken invariant) are what this finds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>

#include "gradc/error.hpp"
#include "gradc/parse.hpp"
#include "gradc/print.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    gradc::ExprContext ctx;
    gradc::ParseLimits limits;
    limits.max_nesting = 500;  // deep inputs are covered by the tests; keep runs fast
    gradc::Program program;
    try {
        program = gradc::parse(ctx, text, limits);
    } catch (const gradc::ParseError& e) {
        if (e.diagnostic().offset > size) std::abort();  // the place must be in the text
        return 0;
    } catch (const gradc::Error&) {
        return 0;
    }
    // Printing and parsing back gives the very same nodes (hash-consing makes that
    // pointer equality).
    for (gradc::Expr e : program.outputs) {
        const std::string printed = gradc::to_infix(e);
        if (gradc::parse_expr(ctx, printed) != e) std::abort();
        (void)gradc::to_latex(e);
        (void)gradc::to_dot(std::span<const gradc::Expr>(&e, 1));
    }
    return 0;
}
