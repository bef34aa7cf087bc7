// The IR of batch kernels: rows in SIMD lanes, transcendental functions from libmvec
// (or from scalar libm lane by lane when vector math is off).
#include <catch2/catch.hpp>
#include <string>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>

#include "codegen/row_function.hpp"
#include "codegen/schedule.hpp"
#include "codegen/vector_math.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/parse.hpp"

namespace {

std::string batch_ir(const char* formula, unsigned lanes, bool vector_math) {
    gradc::ExprContext ctx;
    const gradc::Program p = gradc::parse(ctx, formula);
    // The first variable is the parameter, the rest are columns.
    std::vector<gradc::Expr> outputs = gradc::gradient(ctx, p.outputs[0], std::span(p.variables).first(1));
    outputs.insert(outputs.begin(), p.outputs[0]);
    const gradc::codegen::Schedule schedule = gradc::codegen::make_schedule(outputs, p.variables);
    llvm::LLVMContext context;
    llvm::Module module("test", context);
    gradc::codegen::RowFunctionOptions options;
    options.params = 1;
    options.lanes = lanes;
    options.lowering.vector_math = vector_math;
    gradc::codegen::emit_row_function(module, "batch", schedule, options);
    std::string text;
    llvm::raw_string_ostream out(text);
    module.print(out, nullptr);
    return text;
}

}  // namespace

TEST_CASE("batch kernels call libmvec for transcendental functions", "[jit][batch][ir]") {
    const std::string avx2 = batch_ir("w*exp(-x) + log1p(w*w*x) + sin(y)*pow(x, w)", 4, true);
    CHECK(avx2.find("<4 x double>") != std::string::npos);
    for (const char* symbol : {"@_ZGVdN4v_exp(", "@_ZGVdN4v_log1p(", "@_ZGVdN4v_sin(", "@_ZGVdN4vv_pow("}) {
        INFO(symbol);
        CHECK(avx2.find(symbol) != std::string::npos);
    }
    CHECK(avx2.find("@llvm.masked.load.v4f64") != std::string::npos);
    const std::string avx512 = batch_ir("w*exp(-x) + y", 8, true);
    CHECK(avx512.find("@_ZGVeN8v_exp(") != std::string::npos);
    CHECK(avx512.find("<8 x double>") != std::string::npos);
}

TEST_CASE("erfc, like erf, comes from libmvec", "[jit][batch][ir]") {
    const std::string ir = batch_ir("erfc(w*x) + erf(x)", 4, true);
    CHECK(ir.find("@_ZGVdN4v_erfc(") != std::string::npos);
    CHECK(ir.find("@_ZGVdN4v_erf(") != std::string::npos);
}

TEST_CASE("without vector math, batch kernels call scalar libm in each lane", "[jit][batch][ir]") {
    const std::string ir = batch_ir("w*exp(-x) + log1p(w*w*x)", 4, false);
    CHECK(ir.find("_ZGV") == std::string::npos);
    CHECK(ir.find("@exp(double") != std::string::npos);
    CHECK(ir.find("@log1p(double") != std::string::npos);
    CHECK(ir.find("<4 x double>") != std::string::npos);
}

TEST_CASE("libmvec names follow the x86-64 vector function ABI", "[jit][ir]") {
    CHECK(gradc::codegen::libmvec_name("exp", 2, 1) == "_ZGVbN2v_exp");
    CHECK(gradc::codegen::libmvec_name("atan2", 4, 2) == "_ZGVdN4vv_atan2");
    CHECK(gradc::codegen::libmvec_name("tanh", 8, 1) == "_ZGVeN8v_tanh");
    CHECK(gradc::codegen::libmvec_name("erf", 4, 1) == "_ZGVdN4v_erf");
    CHECK(gradc::codegen::libmvec_name("erfc", 8, 1) == "_ZGVeN8v_erfc");
    CHECK(gradc::codegen::libmvec_name("floor", 4, 1).empty());  // an instruction, not a libm call
    CHECK(gradc::codegen::libmvec_name("exp", 3, 1).empty());
}
