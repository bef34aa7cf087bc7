// Emits a shared library and its C header ahead of time, so that a plain C program
// (main.c) can call the kernels with no gradc or LLVM at run time:
//
//     example_emit_kernel_generate DIR     writes DIR/libmodel.so and DIR/model.h
#include <gradc/gradc.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR (where libmodel.so and model.h are written)\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    try {
        gradc::ExprContext ctx;
        // A point kernel: in = {x, y}, out = {f, df/dx, df/dy}.
        const gradc::Program surface = gradc::parse(ctx, "x^2*sin(y) + exp(-x*y)");
        // A batch kernel: a line's squared error at data rows (t, y), summed over rows
        // with its gradient by the parameters a and b.
        const gradc::Program line = gradc::parse(ctx, "(a*t + b - y)^2");
        const std::vector<gradc::Expr> params = {ctx.find_variable("a"), ctx.find_variable("b")};
        const std::vector<gradc::Expr> columns = {ctx.find_variable("t"), ctx.find_variable("y")};

        std::vector<gradc::AotKernel> kernels = {
            gradc::aot_point_kernel(ctx, "surface", surface.outputs, surface.variables),
            gradc::aot_batch_kernel(ctx, "line_loss", line.outputs[0], params, columns)};
        // The header's comments show the formulas as written here.
        kernels[0].formula = "x^2*sin(y) + exp(-x*y)";
        kernels[1].formula = "(a*t + b - y)^2";
        // Machine code for this computer's CPU; JitOptions::cpu names another one.
        gradc::emit_shared_library(kernels, dir + "/libmodel.so");
        std::ofstream header(dir + "/model.h");
        header << gradc::emit_c_header(kernels);
        if (!header) throw gradc::Error("cannot write " + dir + "/model.h");
    } catch (const gradc::Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
