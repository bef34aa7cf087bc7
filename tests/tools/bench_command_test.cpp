// gradc bench, run as the built command: the report's figures are consistent with one
// another (never held to a wall-clock limit), its counts are those of the program,
// and every mistake exits 2 with a message.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "command_output.hpp"
#include "gradc/npy.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;

namespace {

// A small network with softmax cross-entropy on integer labels: params of 20 + 4 + 12
// elements, so its loss and gradient are 37 numbers.
const std::string kNet =
    "'W1: param[5,4]; b1: param[4]; W2: param[4,3]; X: data[N,5]; y: data[N] int; h = relu(X @ W1 + b1); "
    "z = h @ W2; sum(logsumexp(z, axis=1) - take_along_axis(z, y, axis=1))'";

double number(const std::string& json, std::initializer_list<std::string> path) {
    return parse_number(json_token(json, path));
}

// The report's standard output, which must be one JSON line; exit code 0.
std::string bench_json(const std::string& args) {
    INFO("gradc bench " << args);
    const auto r = run_gradc_stream(1, "bench " + args + " --json");
    REQUIRE(r.exit_code == 0);
    REQUIRE(r.out.rfind("{\"cpu\": \"", 0) == 0);
    REQUIRE(r.out.find('\n') == r.out.size() - 1);
    return r.out;
}

// What holds of any report: positive times in order, and the parts of the compile
// time adding up to it.
void check_times(const std::string& json) {
    INFO(json);
    const double median = number(json, {"time_ns", "median"}), min = number(json, {"time_ns", "min"}),
                 max = number(json, {"time_ns", "max"}), mean = number(json, {"time_ns", "mean"});
    CHECK(min > 0);
    CHECK(min <= median);
    CHECK(median <= max);
    CHECK(min <= mean);
    CHECK(mean <= max);
    CHECK(number(json, {"time_ns", "p10"}) <= median);
    CHECK(number(json, {"time_ns", "p90"}) >= median);
    CHECK(number(json, {"time_ns", "mad"}) >= 0);
    CHECK(number(json, {"parse_ms"}) > 0);
    CHECK(number(json, {"build_ms"}) > 0);
    CHECK(number(json, {"jit_start_ms"}) >= 0);
    CHECK(number(json, {"compile_ms"}) ==
          Approx(number(json, {"parse_ms"}) + number(json, {"build_ms"})).epsilon(1e-9));
    CHECK(number(json, {"stages"}) > 0);
    CHECK(number(json, {"calls"}) >= 5);
    CHECK(number(json, {"hardware_threads"}) >= 1);
    const double elements = number(json, {"output_elements"});
    CHECK(number(json, {"ns_per_element"}) == Approx(median / elements).epsilon(1e-12));
}

}  // namespace

TEST_CASE("gradc bench --grad on random inputs reports the loss and gradient kernel", "[cli][bench]") {
    const std::string json = bench_json(kNet + " --grad --rows 16 --min-time 0");
    check_times(json);
    CHECK(json_token(json, {"grad"}) == "true");
    CHECK(number(json, {"threads"}) == 1);
    CHECK(number(json, {"rows"}) == 16);
    CHECK(number(json, {"output_elements"}) == 37);
    CHECK(number(json, {"ns_per_row"}) == Approx(number(json, {"time_ns", "median"}) / 16).epsilon(1e-12));
    CHECK(json.find("\"random_inputs\": [\"W1\", \"b1\", \"W2\", \"X\", \"y\"], \"seed\": 1,") != std::string::npos);
    // Without --grad: the loss alone, from a kernel of fewer stages.
    const std::string value = bench_json(kNet + " --rows 16 --min-time 0 --seed 9");
    check_times(value);
    CHECK(json_token(value, {"grad"}) == "false");
    CHECK(number(value, {"output_elements"}) == 1);
    CHECK(number(value, {"seed"}) == 9);
    CHECK(number(value, {"stages"}) < number(json, {"stages"}));
}

TEST_CASE("gradc bench --min-time calls until the time has passed", "[cli][bench]") {
    // A sum of 3 takes well under a microsecond a call: 0.05 s is many more than the
    // 5 calls made with --min-time 0.
    const std::string json = bench_json("'w: param[3]; sum(w)' --min-time 0.05");
    CHECK(number(json, {"calls"}) > 100);
    CHECK(number(bench_json("'w: param[3]; sum(w)' --min-time 0"), {"calls"}) == 5);
}

TEST_CASE("gradc bench: repetitions, threads and data from --at", "[cli][bench]") {
    const std::string seven = bench_json(kNet + " --grad --rows 4 --repetitions 7");
    check_times(seven);
    CHECK(number(seven, {"calls"}) == 7);
    const std::string two = bench_json(kNet + " --grad --rows 64 --threads 2 --repetitions 5");
    check_times(two);
    CHECK(number(two, {"threads"}) == 2);
    // Data from files: N is theirs; only the params are drawn.
    const std::string X = gradc::testing::temp_path("X.npy"), y = gradc::testing::temp_path("y.npy");
    const std::size_t x_shape[] = {9, 5}, y_shape[] = {9};
    gradc::write_npy(X, x_shape, std::vector<double>(45, 0.25));
    gradc::write_npy(y, y_shape, std::vector<std::int64_t>{0, 1, 2, 0, 1, 2, 0, 1, 2});
    const std::string from_files = bench_json(kNet + " --grad --at X=@" + X + ",y=@" + y + " --repetitions 5");
    check_times(from_files);
    CHECK(number(from_files, {"rows"}) == 9);
    CHECK(from_files.find("\"random_inputs\": [\"W1\", \"b1\", \"W2\"]") != std::string::npos);
    // Every input given: nothing drawn; a program without N has no rows.
    const std::string fixed = bench_json("'w: param[3]; sum(exp(w))' --at 'w=[1,2,3]' --repetitions 5");
    check_times(fixed);
    CHECK(fixed.find("\"random_inputs\": [],") != std::string::npos);
    CHECK(fixed.find("\"rows\"") == std::string::npos);
}

TEST_CASE("gradc bench prints a report for people", "[cli][bench]") {
    const auto r = run_gradc("bench " + kNet + " --grad --rows 16 --min-time 0");
    REQUIRE(r.exit_code == 0);
    INFO(r.out);
    CHECK(r.out.rfind("cpu            ", 0) == 0);
    CHECK(r.out.find("\nthreads        1\n") != std::string::npos);
    CHECK(r.out.find("\nkernel         the loss and its gradient by W1, b1, W2: ") != std::string::npos);
    CHECK(r.out.find("\ninputs         N = 16; random (seed 1): W1, b1, W2, X, y\n") != std::string::npos);
    CHECK(r.out.find("\ncompile        ") != std::string::npos);
    CHECK(r.out.find(": parse ") != std::string::npos);
    CHECK(r.out.find(", differentiate and compile ") != std::string::npos);
    CHECK(r.out.find("\ntime per call  ") != std::string::npos);
    CHECK(r.out.find(" median, ") != std::string::npos);
    CHECK(r.out.find("\ntime per row   ") != std::string::npos);
    CHECK(r.out.find("(37 output elements)\n") != std::string::npos);
    CHECK(run_gradc("--help").out.find("bench") != std::string::npos);
}

TEST_CASE("gradc bench refuses what it cannot time, exit 2", "[cli][bench][errors]") {
    check_error("bench 'x^2*sin(y)'",
                "bench times tensor programs, which declare their inputs, as in \"X: data[N,3]; w: param[3]; "
                "sum(X @ w)\"; this formula declares none (docs/tensors.md)");
    check_error("bench " + kNet + " --grad",
                "bench needs values for W1: param[5,4], b1: param[4], W2: param[4,3], X: data[N,5], y: data[N] "
                "int: give them with --at, as eval takes them (X=@train.npy), or give --rows N to time the program "
                "on random values");
    check_error("bench " + kNet + " --rows 0", "--rows must be 1 or more, as in --rows 256");
    check_error("bench " + kNet + " --rows 3 --at 'y=[0,1]'",
                "--rows 3 disagrees with the data of --at, which have 2 rows: leave --rows out");
    check_error("bench 'w: param[3]; sum(w)' --rows 3", "--rows sets N, and the program declares no data with N rows");
    check_error("bench 'X: data[N,2]; w: param[2]; X @ w' --rows 4 --grad",
                "bench --grad needs a loss that is a single number, and the result has shape [N]: sum it, as in "
                "sum(...)");
    check_error("bench 'w: param[2]; sum(w), sum(w^2)' --grad",
                "bench --grad times the gradient of one result, the loss, and the program has 2: keep one, or leave "
                "--grad out to time the values");
    check_error("bench 'X: data[N,2]; sum(X)' --rows 4 --grad",
                "bench --grad differentiates by the program's params, and it declares none");
    check_error("bench " + kNet + " --rows 4 --repetitions 0",
                "--repetitions must be 1 or more, as in --repetitions 20");
    check_error("bench " + kNet + " --rows 4 --min-time -1",
                "--min-time must be a number of seconds, 0 or more, as in --min-time 0.5");
    check_error("bench " + kNet + " --rows 4 --min-time 1 --repetitions 3",
                "give either --repetitions (that many calls) or --min-time (calls until that many seconds), not both");
    check_error("bench " + kNet + " --rows 4 --threads -1",
                "--threads must be 0 (one per hardware thread) or more, as in --threads 2");
    // --at is read as eval reads it, and labels are checked before anything is timed.
    check_error("bench " + kNet + " --at 'X=[[1,2],[3,4]]'",
                "the value of X has shape [2,2], but X is declared data[N,5]");
    check_error("bench " + kNet + " --at 'v=[1]' --rows 2",
                "unknown input 'v' in --at; the program's inputs are W1, b1, W2, X, y");
    check_error("bench " + kNet + " --grad --at 'y=[0,3]'",
                "the index tensor 'y' holds 3, outside 0 ... 3 - 1 of the axis it indexes");
}
