// --jit on tensor programs: eval, grad, hessian, jacobian and check run compiled loop
// nests (tensor_jit.hpp) instead of the reference interpreter, and must print exactly
// what the interpreter prints, every digit of every number: the interpreter is the oracle.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "command_output.hpp"
#include "gradc/npy.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::run_gradc;

namespace {

// Deterministic values in (-1, 1) that no pattern of the kernels could line up with.
std::vector<double> wavy(std::size_t count, double phase) {
    std::vector<double> v(count);
    for (std::size_t k = 0; k < count; ++k) v[k] = 0.9 * std::sin(1.37 * static_cast<double>(k) + phase);
    return v;
}

// A .npy file of `shape` holding wavy(·, phase); its --at item "name=@path".
std::string npy_item(const std::string& name, std::vector<std::size_t> shape, double phase) {
    std::size_t count = 1;
    for (const std::size_t d : shape) count *= d;
    const std::string path = gradc::testing::temp_path(name + ".npy");
    gradc::write_npy(path, shape, wavy(count, phase));
    return name + "=@" + path;
}

std::string labels_item(const std::string& name, std::size_t rows, std::int64_t classes) {
    std::vector<std::int64_t> labels(rows);
    for (std::size_t n = 0; n < rows; ++n) labels[n] = static_cast<std::int64_t>((n * 7 + 3) % classes);
    const std::string path = gradc::testing::temp_path(name + ".npy");
    const std::size_t shape[] = {rows};
    gradc::write_npy(path, shape, labels);
    return name + "=@" + path;
}

// The command's output with and without --jit: the same text, exit code 0.
void check_same_output(const std::string& command) {
    INFO("gradc " << command);
    const auto interpreted = run_gradc(command);
    const auto compiled = run_gradc(command + " --jit");
    INFO(interpreted.out);
    REQUIRE(interpreted.exit_code == 0);
    CHECK(compiled.exit_code == 0);
    CHECK(compiled.out == interpreted.out);
}

// The program in double quotes for the shell: the transpose is a single quote.
std::string quoted(const std::string& program) { return "\"" + program + "\""; }

// Sizes that are no multiple of the kernels' 8 partial sums, their vector width or
// their register tiles: every loop has a remainder.
constexpr std::size_t kRows = 13;

const std::string kSoftmax =
    "W: param[6,4]; b: param[4]; X: data[N,6]; y: data[N] int; z = X @ W + b; "
    "sum(logsumexp(z, axis=1) - take_along_axis(z, y, axis=1))";

std::string softmax_data() { return " --at " + npy_item("X", {kRows, 6}, 1.9); }
std::string softmax_at() {
    return " --at " + npy_item("W", {6, 4}, 0.1) + " --at " + npy_item("b", {4}, 0.7) + softmax_data() + " --at " +
           labels_item("y", kRows, 4);
}

}  // namespace

TEST_CASE("tensor --jit evaluates matrix products as the interpreter does", "[cli][tensor][jit]") {
    const std::string at = " --at " + npy_item("A", {9, 11}, 0.3) + " --at " + npy_item("B", {kRows, 9}, 2.1);
    check_same_output("eval " + quoted("A: param[9,11]; B: data[N,9]; B @ A, A' @ A, sum(B @ A @ A', axis=0)") + at);
    check_same_output("eval " + quoted("A: param[9,11]; B: data[N,9]; tanh(B @ A)") + at + " --json");
}

TEST_CASE("tensor --jit: softmax cross-entropy with integer labels", "[cli][tensor][jit]") {
    const std::string at = softmax_at();
    check_same_output("eval " + quoted(kSoftmax) + at);
    check_same_output("grad " + quoted(kSoftmax) + at);
    check_same_output("grad " + quoted(kSoftmax) + at + " --json");
    check_same_output("grad " + quoted(kSoftmax) + at + " --wrt X,b");
    check_same_output("hessian " + quoted(kSoftmax) + at + " --wrt b");
    // The softmax itself, row by row.
    check_same_output("eval " +
                      quoted("X: data[N,6]; W: param[6,4]; z = X @ W; s = exp(z - amax(z, axis=1)[:,None]); "
                             "s / sum(s, axis=1)[:,None]") +
                      softmax_data() + " --at " + npy_item("W", {6, 4}, 0.1));
}

TEST_CASE("tensor --jit: slices, the chained Rosenbrock function", "[cli][tensor][jit]") {
    const std::string rosenbrock = quoted("x: param[11]; sum(100*(x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2)");
    const std::string at = " --at " + npy_item("x", {11}, 0.5);
    check_same_output("eval " + rosenbrock + at);
    check_same_output("grad " + rosenbrock + at);
    check_same_output("hessian " + rosenbrock + at);
    check_same_output("eval " + quoted("x: param[11]; x[::2][:4] * x[1::3], x[-3:], pad(x, (2, 1), axis=0)") + at);
}

TEST_CASE("tensor --jit: jacobian, several results, powers and check", "[cli][tensor][jit]") {
    const std::string at = " --at " + npy_item("w", {3}, 0.2) + " --at " + npy_item("X", {kRows, 3}, 1.1);
    check_same_output("jacobian " + quoted("w: param[3]; X: data[N,3]; tanh(X @ w), sum(w^3)") + at);
    check_same_output("eval " + quoted("w: param[3]; X: data[N,3]; (X @ w)^2, w^3, w^-1, exp(w)*log(1 + w^2), X'") +
                      at);
    // check compares the compiled gradient with finite differences of the compiled value:
    // the same bits give the same report, digit for digit.
    check_same_output("check " + quoted("w: param[3]; X: data[N,3]; sum(softplus(X @ w) - (X @ w)^2)") + at);
    check_same_output("check " + quoted("w: param[3]; X: data[N,3]; sum(sigmoid(X @ w))") + " --at " +
                      npy_item("X", {kRows, 3}, 1.1) + " --points 2 --seed 5");
}

TEST_CASE("tensor --jit gives the interpreter's errors", "[cli][tensor][jit][errors]") {
    const std::string L = quoted(kSoftmax);
    const std::string at =
        " --at " + npy_item("W", {6, 4}, 0.1) + " --at 'b=[0,0,0,0]' --at " + npy_item("X", {2, 6}, 1.9);
    check_error("eval " + L + at + " --at 'y=[4,0]' --jit",
                "the index tensor 'y' holds 4, outside 0 ... 4 - 1 of the axis it indexes");
    check_error("grad " + L + at + " --at 'y=[0,-1]' --jit",
                "the index tensor 'y' holds -1, outside 0 ... 4 - 1 of the axis it indexes");
    check_error("eval " + L + at + " --jit", "--at needs a value for y, declared data[N] int");
}
