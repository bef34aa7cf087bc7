// Emitted machine code: shared libraries and objects against the interpreter, batch
// sums in the documented order at every lane count, code for a named CPU that uses nothing newer than that CPU, and
// output that is the same every time.
#include <catch2/catch.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "corpus.hpp"
#include "gradc/emit.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/parse.hpp"
#include "jit/point_oracle.hpp"
#include "native_code.hpp"

using namespace gradc;
using testing::Tally;

namespace {

// A few kernels of one formula: point kernels with and without derivatives, and a
// batch kernel whose loss calls transcendental functions (libmvec in vector code).
struct Formulas {
    ExprContext ctx;
    Program point, loss;
    std::vector<Expr> params, columns;

    // `padding` nodes built first give every node of the formulas other ids.
    explicit Formulas(int padding = 0) {
        for (int i = 0; i < padding; ++i) ctx.variable("pad" + std::to_string(i));
        point = parse(ctx, "r = sqrt(x^2 + y^2); exp(-r)*cos(3*r)/r + log1p(x^2)*sigmoid(y)");
        loss = parse(ctx, "(w*u + b - log(1 + exp(-w*v)))^2 + 0.1*sin(b)");
        params = {ctx.variable("w"), ctx.variable("b")};
        columns = {ctx.variable("u"), ctx.variable("v")};
    }

    std::vector<AotKernel> kernels() {
        return {aot_point_kernel(ctx, "value", point.outputs, point.variables, Derivatives::None),
                aot_point_kernel(ctx, "hessian", point.outputs, point.variables, Derivatives::Hessian),
                aot_batch_kernel(ctx, "loss", loss.outputs[0], params, columns)};
    }
};

// The mnemonics objdump shows in `library` that need AVX: VEX- or EVEX-encoded
// instructions (vmovapd, vaddsd, ...) and any use of ymm or zmm registers.
std::vector<std::string> avx_instructions(const std::string& library) {
    const testing::CommandResult dump = testing::run_command("objdump -d --no-show-raw-insn " + library);
    REQUIRE(dump.exit_code == 0);
    std::vector<std::string> found;
    std::istringstream lines(dump.out);
    for (std::string line; std::getline(lines, line);) {
        // "    1130:\tvmovsd (%rdi),%xmm0": the instruction follows the first tab.
        const std::size_t tab = line.find('\t');
        if (tab == std::string::npos) continue;
        const std::string instruction = line.substr(tab + 1);
        if (instruction.rfind('v', 0) == 0 || instruction.find("ymm") != std::string::npos ||
            instruction.find("zmm") != std::string::npos)
            found.push_back(instruction);
    }
    return found;
}

std::string header_constant(const std::string& header, const std::string& name) {
    const std::size_t at = header.find(name + " = ");
    if (at == std::string::npos) return "";
    const std::size_t start = at + name.size() + 3;
    return header.substr(start, header.find_first_of(", }", start) - start);
}

}  // namespace

TEST_CASE("an emitted shared library agrees with the interpreter on random formulas", "[emit][so]") {
    testing::Corpus corpus(120, 20261208);
    std::vector<AotKernel> kernels = corpus.point_kernels(Derivatives::Gradient);
    // Some Hessians too, for the layout of compile_point's third part.
    for (std::size_t i = 0; i < 6; ++i)
        kernels.push_back(aot_point_kernel(corpus.ctx, "h" + std::to_string(i),
                                           std::span<const Expr>(&corpus.exprs[i], 1), corpus.vars,
                                           Derivatives::Hessian));
    const testing::ScratchFolder folder;
    emit_shared_library(kernels, folder.file("libkernels.so"));
    const testing::Library library(folder.file("libkernels.so"));
    const std::vector<std::vector<double>> points = testing::random_points(11, 6, corpus.vars.size());
    Tally exact;
    for (const AotKernel& k : kernels) {
        const auto function = library.function<testing::PointFunction>(k.name);
        const Interpreter modelled(testing::powers_as_products(corpus.ctx, k.outputs), k.inputs);
        std::vector<double> got(k.outputs.size());
        for (const std::vector<double>& point : points) {
            function(point.data(), got.data());
            const std::vector<double> want = modelled.run(point);
            for (std::size_t i = 0; i < got.size(); ++i)
                exact.compare(testing::same_or_both_nan(got[i], want[i]), [&] {
                    return testing::mismatch(k.name + " " + k.output_names[i], point, want[i], got[i]);
                });
        }
    }
    INFO(exact.report("shared library"));
    CHECK(exact.mismatches == 0);
    CHECK(exact.compared > 3000);
}

TEST_CASE("an emitted object file links with the system C compiler", "[emit][obj]") {
    Formulas f;
    const std::vector<AotKernel> kernels = f.kernels();
    const std::string object = emit_object(kernels[1]);
    REQUIRE(object.size() > 4);
    CHECK(object.substr(0, 4) ==
          "\x7f"
          "ELF");
    const testing::ScratchFolder folder;
    testing::write_text(folder.file("hessian.o"), object);
    testing::compile("cc", "-shared -o " + folder.file("libhessian.so") + " " + folder.file("hessian.o") + " -lm");
    const testing::Library library(folder.file("libhessian.so"));
    const std::vector<double> in = {0.7, -1.3};
    std::vector<double> got(kernels[1].outputs.size());
    library.function<testing::PointFunction>("hessian")(in.data(), got.data());
    const std::vector<double> want =
        Interpreter(testing::powers_as_products(f.ctx, kernels[1].outputs), kernels[1].inputs).run(in);
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO(kernels[1].output_names[i]);
        CHECK(testing::same_or_both_nan(got[i], want[i]));
    }
}

TEST_CASE("batch kernels in a shared library add rows in the documented order at every lane count",
          "[emit][so][batch]") {
    std::mt19937_64 rng(20261209);
    ExprContext ctx;
    const std::vector<Expr> params = {ctx.variable("p0"), ctx.variable("p1")};
    const std::vector<Expr> columns = {ctx.variable("c0"), ctx.variable("c1")};
    std::vector<Expr> all = params;
    all.insert(all.end(), columns.begin(), columns.end());
    testing::RandomExprOptions shape;
    shape.max_depth = 4;
    shape.domain_safe = true;
    std::vector<AotKernel> kernels;
    for (int i = 0; i < 12; ++i)
        kernels.push_back(aot_batch_kernel(ctx, "loss" + std::to_string(i), testing::random_expr(ctx, rng, all, shape),
                                           params, columns));
    const testing::Columns data(rng, columns.size(), 200);
    const std::vector<double> at = {0.5, -0.25};
    // Scalar libm in every lane: the interpreter's numbers, added in the documented order.
    for (unsigned lanes : {1u, 2u, 4u, 8u}) {
        JitOptions options;
        options.lanes = lanes;
        options.vector_math = false;
        const testing::ScratchFolder folder;
        emit_shared_library(kernels, folder.file("liblosses.so"), options);
        CHECK(header_constant(emit_c_header(kernels, options), "loss0_lanes") == std::to_string(lanes));
        const testing::Library library(folder.file("liblosses.so"));
        Tally exact;
        for (const AotKernel& k : kernels) {
            const auto function = library.function<testing::SumFunction>(k.name);
            const Interpreter modelled(testing::powers_as_products(ctx, k.outputs), k.inputs);
            for (const auto& [begin, end] :
                 {std::pair<std::uint64_t, std::uint64_t>{0, 0}, {0, 1}, {5, 6 + lanes}, {3, 68}, {0, 200}}) {
                std::vector<double> got(k.outputs.size());
                function(at.data(), data.pointers.data(), begin, end, got.data());
                const std::vector<double> want = testing::ordered_sums(modelled, at, data, begin, end);
                for (std::size_t i = 0; i < got.size(); ++i)
                    exact.compare(testing::same_or_both_nan(got[i], want[i]), [&] {
                        return k.name + " " + k.output_names[i] + ": interpreter " + format_number(want[i]) +
                               ", library " + format_number(got[i]);
                    });
            }
        }
        INFO(exact.report(std::to_string(lanes) + " lanes"));
        CHECK(exact.mismatches == 0);
    }
    // libmvec on this machine's widest vectors: within a few ulp per row.
    const testing::ScratchFolder folder;
    emit_shared_library(kernels, folder.file("liblosses.so"));
    const testing::Library library(folder.file("liblosses.so"));
    for (const AotKernel& k : kernels) {
        const Interpreter plain(k.outputs, k.inputs);
        std::vector<double> got(k.outputs.size());
        library.function<testing::SumFunction>(k.name)(at.data(), data.pointers.data(), 0, 200, got.data());
        const std::vector<double> want = testing::ordered_sums(plain, at, data, 0, 200);
        for (std::size_t i = 0; i < got.size(); ++i) {
            INFO(k.name << " " << k.output_names[i] << ": " << format_number(want[i]) << " vs "
                        << format_number(got[i]));
            CHECK((testing::same_or_both_nan(got[i], want[i]) ||
                   std::fabs(got[i] - want[i]) <= 1e-9 * (1 + std::fabs(want[i]))));
        }
    }
}

TEST_CASE("a library for x86-64-v2 uses SSE only, with 2 lanes per batch vector", "[emit][so][cpu]") {
    Formulas f;
    const std::vector<AotKernel> kernels = f.kernels();
    JitOptions v2;
    v2.cpu = "x86-64-v2";
    const testing::ScratchFolder folder;
    emit_shared_library(kernels, folder.file("libv2.so"), v2);
    const std::vector<std::string> avx = avx_instructions(folder.file("libv2.so"));
    INFO("first AVX instruction: " << (avx.empty() ? "none" : avx.front()));
    CHECK(avx.empty());
    CHECK(header_constant(emit_c_header(kernels, v2), "loss_lanes") == "2");
    const std::string assembly = emit_assembly(kernels[2], v2);
    CHECK(assembly.find("_ZGVbN2v_exp") != std::string::npos);  // libmvec's SSE variant
    CHECK(assembly.find("ymm") == std::string::npos);
    // The check can see AVX: x86-64-v3 code for the same kernel uses it.
    JitOptions v3;
    v3.cpu = "x86-64-v3";
    CHECK(header_constant(emit_c_header(kernels, v3), "loss_lanes") == "4");
    const std::string v3_assembly = emit_assembly(kernels[2], v3);
    CHECK(v3_assembly.find("ymm") != std::string::npos);
    CHECK(v3_assembly.find("_ZGVdN4v_exp") != std::string::npos);
    emit_shared_library(kernels, folder.file("libv3.so"), v3);
    CHECK_FALSE(avx_instructions(folder.file("libv3.so")).empty());
}

// Vector spills around libmvec calls go to stack slots aligned to the vector's size:
// a spill that split a cache line made one process in two run a kernel up to 1.7x
// slower, depending on where its stack began.
TEST_CASE("batch kernels spill vectors with aligned moves only", "[emit][cpu][stack]") {
    Formulas f;
    const AotKernel loss = f.kernels()[2];
    for (const char* cpu : {"x86-64-v3", "x86-64-v4"}) {
        JitOptions options;
        options.cpu = cpu;
        std::istringstream assembly(emit_assembly(loss, options));
        std::size_t aligned = 0, unaligned = 0;
        for (std::string line; std::getline(assembly, line);) {
            if (line.find("(%rsp)") == std::string::npos || line.find("mm") == std::string::npos) continue;
            if (line.find("vmovap") != std::string::npos || line.find("vmovdqa") != std::string::npos) ++aligned;
            if (line.find("vmovup") != std::string::npos || line.find("vmovdqu") != std::string::npos) {
                INFO(cpu << ": " << line);
                CHECK(false);
                ++unaligned;
            }
        }
        INFO(cpu);
        CHECK(aligned > 0);  // the kernel does spill vectors, so the check sees something
        CHECK(unaligned == 0);
    }
}

TEST_CASE("emitting the same formula twice gives the same bytes", "[emit][determinism]") {
    // Two contexts that number and place their nodes differently.
    Formulas a;
    Formulas b(1000);
    const std::vector<AotKernel> ka = a.kernels(), kb = b.kernels();
    CHECK(emit_c_source(ka) == emit_c_source(kb));
    CHECK(emit_c_header(ka) == emit_c_header(kb));
    JitOptions v3;
    v3.cpu = "x86-64-v3";
    for (std::size_t i = 0; i < ka.size(); ++i) {
        INFO(ka[i].name);
        CHECK(emit_llvm_ir(ka[i]) == emit_llvm_ir(kb[i]));
        CHECK(emit_llvm_ir(ka[i], v3) == emit_llvm_ir(ka[i], v3));
        CHECK(emit_assembly(ka[i], v3) == emit_assembly(kb[i], v3));
        CHECK(emit_object(ka[i]) == emit_object(kb[i]));
    }
}

TEST_CASE("the header compiles as C and as C++ and matches the library", "[emit][header]") {
    Formulas f;
    const std::vector<AotKernel> kernels = f.kernels();
    const testing::ScratchFolder folder;
    const std::string header = emit_c_header(kernels);
    testing::write_text(folder.file("formulas.h"), header);
    const std::string strict = " -Wall -Wextra -pedantic -Werror -fsyntax-only ";
    testing::compile("cc", "-x c -std=c99" + strict + folder.file("formulas.h"));
    testing::compile("c++", "-x c++ -std=c++11" + strict + folder.file("formulas.h"));
    CHECK(header_constant(header, "value_input_count") == "2");
    CHECK(header_constant(header, "value_output_count") == "1");
    CHECK(header_constant(header, "hessian_output_count") == "6");
    CHECK(header_constant(header, "loss_param_count") == "2");
    CHECK(header_constant(header, "loss_column_count") == "2");
    CHECK(header_constant(header, "loss_output_count") == "3");
    CHECK(header.find("void loss(const double* params, const double* const* columns, uint64_t begin, uint64_t end, "
                      "double* out);") != std::string::npos);
    CHECK(header.find("out:     [0] f, [1] df/dx, [2] df/dy, [3] d2f/dx2, [4] d2f/dxdy, [5] d2f/dy2") !=
          std::string::npos);
    // A C program sized by the header's constants, linked to the library, gets its numbers.
    emit_shared_library(kernels, folder.file("libformulas.so"));
    testing::write_text(folder.file("main.c"),
                        "#include \"formulas.h\"\n"
                        "#include <stdio.h>\n"
                        "int main(void) {\n"
                        "    double in[hessian_input_count] = {0.7, -1.3};\n"
                        "    double out[hessian_output_count];\n"
                        "    hessian(in, out);\n"
                        "    printf(\"%.17g %.17g\\n\", out[0], out[5]);\n"
                        "    return 0;\n"
                        "}\n");
    testing::compile("cc", "-std=c99 -Wall -Werror -o " + folder.file("main") + " " + folder.file("main.c") + " -L" +
                               folder.path() + " -lformulas -Wl,-rpath," + folder.path());
    const testing::CommandResult run = testing::run_command(folder.file("main"));
    REQUIRE(run.exit_code == 0);
    const std::vector<double> want =
        Interpreter(testing::powers_as_products(f.ctx, kernels[1].outputs), kernels[1].inputs)
            .run(std::vector<double>{0.7, -1.3});
    std::istringstream numbers(run.out);
    double value = 0, last = 0;
    numbers >> value >> last;
    CHECK(value == want[0]);
    CHECK(last == want[5]);
}

TEST_CASE("an unknown CPU or lane count is refused with a way out", "[emit][errors]") {
    Formulas f;
    const std::vector<AotKernel> kernels = f.kernels();
    JitOptions bad;
    bad.cpu = "pentium-9000";
    CHECK_THROWS_WITH(emit_object(kernels[0], bad),
                      "unknown CPU 'pentium-9000': give a name LLVM knows, such as x86-64-v2, x86-64-v3 or skylake");
    JitOptions lanes;
    lanes.lanes = 3;
    CHECK_THROWS_AS(emit_llvm_ir(kernels[2], lanes), JitError);
    // A point kernel has no lanes: the option does not matter.
    CHECK_NOTHROW(emit_llvm_ir(kernels[0], lanes));
}
