// Any text that parses is differentiated, simplified and evaluated: none of it may
// crash, hang or break an invariant, and the simplified gradient must be a formula
// the parser reads back.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/parse.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"
#include "parsed_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    gradc::ExprContext ctx;
    const std::optional<gradc::Program> program = gradc::fuzz::parsed_input(ctx, text);
    if (!program) return 0;
    const std::vector<double> at(program->variables.size(), 0.75);
    for (gradc::Expr f : program->outputs) {
        const std::vector<gradc::Expr> g = gradc::gradient(ctx, f, program->variables);
        const std::vector<gradc::Expr> simple = gradc::simplify(ctx, g);
        (void)gradc::evaluate(g, program->variables, at);
        (void)gradc::evaluate(simple, program->variables, at);
        for (gradc::Expr e : simple) (void)gradc::parse_expr(ctx, gradc::to_infix(e));
    }
    return 0;
}
