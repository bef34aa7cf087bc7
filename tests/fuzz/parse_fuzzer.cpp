// Any text into the parser: it must either parse or throw a gradc::Error with a place
// inside the text, and whatever parses must print and parse back to the same DAG. A
// tensor program (one with a declaration) must print in the matrix and index forms and
// read back from the matrix form.
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
#include "gradc/tensor.hpp"
#include "gradc/tensor_parse.hpp"
#include "gradc/tensor_print.hpp"

namespace {

// The declarations of a program's inputs, as the language writes them.
std::string declarations(const gradc::TensorProgram& program) {
    std::string text;
    for (const gradc::Tensor in : program.inputs) {
        text += std::string(in->name()) + ": " + (in->kind() == gradc::TensorKind::Param ? "param" : "data");
        if (in->shape().rank() > 0) text += in->shape().text();
        text += in->type() == gradc::ElementType::Index ? " int;\n" : ";\n";
    }
    return text;
}

int tensor_program(std::string_view text, const gradc::ParseLimits& limits) {
    gradc::TensorContext ctx;
    ctx.set_max_nodes(20'000);
    gradc::TensorProgram program;
    try {
        program = gradc::parse_tensor_program(ctx, text, limits);
    } catch (const gradc::ParseError& e) {
        if (e.diagnostic().offset > text.size()) std::abort();
        return 0;
    } catch (const gradc::Error&) {
        return 0;
    }
    (void)gradc::tensor_text(program.outputs, gradc::TensorForm::Index);
    (void)gradc::tensor_latex(program.outputs);
    const std::string printed = declarations(program) + gradc::tensor_text(program.outputs);
    try {
        (void)gradc::parse_tensor_program(ctx, printed, limits);
    } catch (const gradc::LimitError&) {
    } catch (const gradc::ParseError&) {
        std::abort();  // the matrix form of a program the parser built must read back
    }
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    gradc::ExprContext ctx;
    gradc::ParseLimits limits;
    limits.max_nesting = 500;  // deep inputs are covered by the tests; keep runs fast
    if (gradc::declares_tensors(text)) return tensor_program(text, limits);
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
