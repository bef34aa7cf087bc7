// `gradc emit`: every format, files with -o, a library with its header, and mistakes
// that exit with code 2 and say what to do.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "native_code.hpp"
#include "tools/command_output.hpp"

using gradc::testing::check_error;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;

TEST_CASE("gradc emit writes text formats to standard output", "[emit][cli]") {
    const auto c = run_gradc_stream(1, "emit 'x^2*sin(y)' --format c --grad --name grad_f");
    CHECK(c.exit_code == 0);
    CHECK(c.out.find("void grad_f(const double* restrict in, double* restrict out) {") != std::string::npos);
    CHECK(c.out.find(" *   out:     [0] f, [1] df/dx, [2] df/dy\n") != std::string::npos);
    const auto llvm = run_gradc_stream(1, "emit 'x^2*sin(y)' --format llvm --cpu x86-64-v2");
    CHECK(llvm.exit_code == 0);
    CHECK(llvm.out.find("define void @kernel(ptr noalias") != std::string::npos);
    CHECK(llvm.out.find("\"target-cpu\"=\"x86-64-v2\"") != std::string::npos);
    const auto assembly = run_gradc_stream(1, "emit 'x^2*sin(y)' --format asm --hessian --cpu x86-64-v2");
    CHECK(assembly.exit_code == 0);
    CHECK(assembly.out.find("kernel:") != std::string::npos);
    CHECK(assembly.out.find("ymm") == std::string::npos);
    const auto latex = run_gradc("emit 'x^2*sin(y)' --format latex --grad");
    CHECK(latex.out ==
          "f = x^{2} \\sin\\left(y\\right)\n"
          "\\frac{\\partial f}{\\partial x} = 2 x \\sin\\left(y\\right)\n"
          "\\frac{\\partial f}{\\partial y} = x^{2} \\cos\\left(y\\right)\n");
    const auto dot = run_gradc("emit 'x*y' --format dot");
    CHECK(dot.exit_code == 0);
    CHECK(dot.out.rfind("digraph gradc {", 0) == 0);
    // A formula that starts with a minus sign, as with the other subcommands.
    CHECK(run_gradc("emit -x^2 --format latex").out == "-x^{2}\n");
}

TEST_CASE("gradc emit -o writes files: objects, and libraries with their header", "[emit][cli]") {
    const gradc::testing::ScratchFolder folder;
    const auto obj = run_gradc("emit 'x^2*sin(y)' --format obj --grad -o " + folder.file("k.o"));
    CHECK(obj.exit_code == 0);
    CHECK(obj.out.empty());
    CHECK(gradc::testing::read_text(folder.file("k.o"))
              .rfind("\x7f"
                     "ELF",
                     0) == 0);
    const auto c = run_gradc("emit 'x*y' --format c -o " + folder.file("k.c"));
    CHECK(c.exit_code == 0);
    CHECK(gradc::testing::read_text(folder.file("k.c")) == run_gradc_stream(1, "emit 'x*y' --format c").out);

    const auto so =
        run_gradc("emit 'x^2*sin(y)' --format so --grad --name f --cpu x86-64-v2 -o " + folder.file("libf.so"));
    CHECK(so.exit_code == 0);
    const std::string header = gradc::testing::read_text(folder.file("libf.h"));
    CHECK(header.find("enum { f_input_count = 2, f_output_count = 3 };\nvoid f(const double* in, double* out);") !=
          std::string::npos);
    CHECK(header.find("x86-64-v2") != std::string::npos);
    const gradc::testing::Library library(folder.file("libf.so"));
    const double in[2] = {2.0, 0.5};
    double out[3] = {};
    library.function<gradc::testing::PointFunction>("f")(in, out);
    CHECK(out[0] == 4 * std::sin(0.5));
    CHECK(out[1] == 4 * std::sin(0.5));
    CHECK(out[2] == 4 * std::cos(0.5));
    // Any other name gets .h added.
    CHECK(run_gradc("emit 'x' --format so -o " + folder.file("kernels")).exit_code == 0);
    CHECK(!gradc::testing::read_text(folder.file("kernels.h")).empty());
}

TEST_CASE("gradc emit mistakes exit with 2 and say what to do", "[emit][cli][errors]") {
    check_error("emit 'x*y' --format pdf", "unknown format 'pdf': --format takes c, llvm, asm, obj, so, latex or dot");
    check_error("emit 'x*y'", "choose what to write with --format: c, llvm, asm, obj, so, latex or dot");
    check_error("emit 'x*y' --format obj", "--format obj writes an object file: name it with -o, as in -o kernel.o");
    check_error("emit 'x*y' --format so",
                "--format so writes a shared library and its header: name the library with -o, as in -o libkernel.so");
    check_error(
        "emit 'x*y' --format c --cpu skylake",
        "--cpu chooses the machine code of --format llvm, asm, obj and so; --format c does not depend on the CPU");
    check_error("emit 'x*y' --format latex --name f",
                "--name names the kernel of --format c, llvm, asm, obj and so; --format latex has no kernel");
    check_error("emit 'x*y' --format llvm --cpu pentium-9000",
                "unknown CPU 'pentium-9000': give a name LLVM knows, such as x86-64-v2, x86-64-v3 or skylake");
    check_error("emit 'x*y' --format c --name 2f",
                "the kernel name '2f' is not a C identifier: use letters, digits and '_', not starting with a digit");
    check_error("emit 'x*y' --format c --name exp",
                "the kernel name 'exp' is already used by C, C++ or the emitted code: choose another");
    check_error("emit 'x*y' --format obj -o /nonexistent/k.o",
                "cannot write '/nonexistent/k.o': check that its folder exists and is writable");
    check_error("'x*y' --format c",
                "--format, --cpu and --name go with emit, as in: gradc emit \"x^2*sin(y)\" --format c");
    const auto parse = run_gradc("emit 'sin(x' --format c");
    CHECK(parse.exit_code == 2);
    CHECK(parse.out.find("line 1, column") != std::string::npos);
    check_error("emit 'x' --format so -o /nonexistent/libk.so",
                "cannot write '/nonexistent/libk.so': check that its folder exists and is writable");
    // When the C compiler fails, its own words are shown.
    const gradc::testing::ScratchFolder folder;
    gradc::testing::write_text(folder.file("cc"), "#!/bin/sh\necho 'cc: out of ink' >&2\nexit 1\n");
    REQUIRE(gradc::testing::run_command("chmod +x " + folder.file("cc")).exit_code == 0);
    const auto link = run_gradc("emit 'x' --format so -o " + folder.file("libk.so"),
                                "LANG=C.UTF-8 LC_ALL=C.UTF-8 PATH=" + folder.path());
    CHECK(link.exit_code == 2);
    CHECK(link.out.rfind("gradc: error: the C compiler could not link the shared library (" + folder.file("cc") +
                             " -shared -o " + folder.file("libk.so"),
                         0) == 0);
    CHECK(link.out.find(" -lm exited with 1):\ncc: out of ink\n") != std::string::npos);
    // Without a C compiler on PATH, a library cannot be linked.
    const auto no_cc = run_gradc("emit 'x' --format so -o /tmp/gradc-never-written.so",
                                 "LANG=C.UTF-8 LC_ALL=C.UTF-8 PATH=/nonexistent");
    CHECK(no_cc.exit_code == 2);
    CHECK(no_cc.out ==
          "gradc: error: cannot find the C compiler 'cc' on PATH, which links shared libraries: install "
          "one (gcc or clang), or emit an object file and link it yourself\n");
}
