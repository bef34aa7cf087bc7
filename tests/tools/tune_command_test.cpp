// gradc tune: the same output for a seed on any number of threads, a chosen command that
// gives the chosen trial's validation loss, test rows that change nothing but the test
// line, diverging trials recorded, every range kind, and mistakes that exit with 2.
#include <catch2/catch.hpp>
#include <string>

#include "command_output.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::json_token;
using gradc::testing::read_text;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;
using gradc::testing::temp_file;
using gradc::testing::temp_path;

namespace {

const std::string kLine = "\"w*x + b\" --data " GRADC_SOURCE_DIR "/data/line.csv --target y";

// The line of `out` that starts with `prefix` (without it), or "".
std::string line_after(const std::string& out, const std::string& prefix) {
    const std::size_t at = out.find(prefix);
    if (at == std::string::npos) return "";
    const std::size_t start = at + prefix.size();
    return out.substr(start, out.find('\n', start) - start);
}

}  // namespace

TEST_CASE("tune gives the same search for a seed on any number of threads", "[tools][tune]") {
    const std::string search = "tune " + kLine +
                               " --space \"lr=log(1e-3,1); optimizer=adam|rmsprop|gd\" --epochs 9 --trials 10 "
                               "--seed 2 --no-times";
    const auto one = run_gradc_stream(1, search + " --threads 1");
    const auto two = run_gradc_stream(1, search + " --threads 3");
    CHECK(one.exit_code == 0);
    CHECK(one.out == two.out);
    CHECK(one.out.find("search: hyperband, 10 configurations in 3 brackets") == 0);
    CHECK(run_gradc_stream(1, search + " --json --threads 3").out ==
          run_gradc_stream(1, search + " --json --threads 1").out);
    // Another seed draws other settings.
    CHECK(run_gradc_stream(1, search + " --threads 1 --seed 3").out != one.out);

    // The chosen command is a fit that gives the chosen trial's validation loss.
    const std::string command = line_after(one.out, "\n  gradc fit ");
    REQUIRE(!command.empty());
    const auto fit = run_gradc_stream(1, "fit " + command + " --json");
    REQUIRE(fit.exit_code == 0);
    const std::string chosen = run_gradc_stream(1, search + " --json").out;
    CHECK(json_token(fit.out, {"val_loss"}) == json_token(chosen, {"chosen", "val_loss"}));
}

TEST_CASE("test rows are read only with --test, after the choice", "[tools][tune]") {
    const std::string search = "tune " + kLine +
                               " --space \"lr=log(1e-2,1)\" --optimizer adam --epochs 5 --trials 4 "
                               "--method random --no-times";
    const auto without = run_gradc_stream(1, search);
    std::string rows = "x,y\n";
    for (int i = 0; i < 50; ++i) rows += std::to_string(i % 7 - 3) + "," + std::to_string(100 - i) + "\n";
    const std::string test = temp_file("tune_test_rows.csv", rows);
    const auto with = run_gradc_stream(1, search + " --test " + test);
    REQUIRE(with.exit_code == 0);
    // The same search and choice, and one more line.
    CHECK(with.out.substr(0, without.out.size()) == without.out);
    CHECK(line_after(with.out, "test (").find("50 rows): mse ") != std::string::npos);
    // A test file that cannot be used fails before the search.
    const auto missing = run_gradc(search + " --test " + temp_path("no_such_rows.csv"));
    CHECK(missing.exit_code == 2);
    CHECK(missing.out.find("no_such_rows.csv") != std::string::npos);
    CHECK(missing.out.find("search:") == std::string::npos);
    const std::string no_target = temp_file("tune_no_target.csv", "x\n1\n");
    check_error(search + " --test " + no_target, "the test file '" + no_target + "' has no column 'y' to compare with");
}

TEST_CASE("a diverging setting is recorded and the search finishes", "[tools][tune]") {
    const auto r = run_gradc_stream(
        1,
        "tune " + kLine + " --space \"lr=0.01|1e6\" --optimizer gd --epochs 4 --trials 2 --method random --no-times");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("failed: the training loss grew") != std::string::npos);
    CHECK(r.out.find("--lr 0.01") != std::string::npos);
    // Nothing left to choose: exit 1.
    const auto none = run_gradc_stream(
        1, "tune " + kLine + " --space \"lr=1e6|1e7\" --optimizer gd --epochs 4 --trials 2 --method random --no-times");
    CHECK(none.exit_code == 1);
    CHECK(none.out.find("no trial of 4 epochs finished") != std::string::npos);
}

TEST_CASE("every range kind reaches fit, and --save and --plot write the chosen model and the search",
          "[tools][tune]") {
    const std::string model = temp_path("tune_model.json"), plot = temp_path("tune.svg");
    const auto r = run_gradc_stream(1, "tune " + kLine +
                                           " --space \"lr=log(0.01,0.1); l2=uniform(0,0.001); patience=int(2,4); "
                                           "optimizer=adam|rmsprop; standardize=true|false\" --epochs 6 --trials 5 "
                                           "--method halving --eta 2 --json --save " +
                                           model + " --plot " + plot);
    REQUIRE(r.exit_code == 0);
    std::size_t trials = 0;
    for (std::size_t at = r.out.find("\"settings\": {"); at != std::string::npos;
         at = r.out.find("\"settings\": {", at + 1), ++trials) {
        const std::string settings = r.out.substr(at, r.out.find('}', at) - at + 1);
        const double lr = std::stod(json_token(settings, {"lr"}).substr(1));
        const double l2 = std::stod(json_token(settings, {"l2"}).substr(1));
        const std::string patience = json_token(settings, {"patience"});
        CHECK(lr >= 0.01 * (1 - 1e-3));
        CHECK(lr <= 0.1 * (1 + 1e-3));
        CHECK(l2 >= 0);
        CHECK(l2 <= 0.001);
        CHECK((patience == "\"2\"" || patience == "\"3\"" || patience == "\"4\""));
    }
    CHECK(trials >= 5);
    const auto predicted = run_gradc_stream(1, "predict " + model + " --data " GRADC_SOURCE_DIR "/data/line.csv");
    CHECK(predicted.exit_code == 0);
    const std::string svg = read_text(plot);
    CHECK(svg.find("validation loss by trial") != std::string::npos);
    CHECK(svg.find("validation loss by patience") != std::string::npos);
}

TEST_CASE("tune's mistakes exit with 2 and say what to do", "[tools][tune]") {
    check_error(
        "tune " + kLine + " --space \"lr=log(1e-1, 1e-4)\"",
        "line 1, column 14: the upper bound must be above the lower one\n  lr=log(1e-1, 1e-4)\n               ^");
    check_error("tune " + kLine + " --space \"epochs=1|2\"",
                "--space cannot search epochs: each trial's epochs come from the method; --epochs is a full trial's");
    check_error("tune " + kLine + " --space \"lrr=1|2\"",
                "--space: 'lrr' is not an option of gradc fit (gradc fit --help lists them)");
    check_error("tune " + kLine + " --space \"lr=1|2\" --lr 3",
                "--lr is both given and searched: leave it out of the command or of --space");
    check_error("tune " + kLine + " --space \"lr=2|abc\"",
                "--space: fit refuses lr=abc: Could not convert: --lr = abc");
    check_error("tune --data d.csv --target y --space \"lr=1|2\"",
                "tune needs a model: a formula, --mlp, or mlp in --space");
    check_error("tune " + kLine + " --space \"lr=1|2\" --validation 0",
                "tune chooses on held-out rows: --validation must be above 0 and below 1, as in --validation 0.2");
    check_error("tune " + kLine + " --space \"lr=1|2\" --method grid",
                "unknown search method 'grid': choose random, halving or hyperband");
    check_error("tune " + kLine + " --space \"lr=1|2\" --budget 50",
                "a budget of 50 epochs is less than one trial of 100 epochs: raise --budget or lower --epochs");
    check_error("tune " + kLine + " --space \"optimizer=adam|adamm\"",
                "--space: fit refuses optimizer=adamm: unknown optimizer 'adamm'; choose one of gd (or sgd), momentum, "
                "nesterov, adagrad, rmsprop, adam, adamw, lbfgs, as in --optimizer adam");
    check_error("tune " + kLine + " --space \"batch-size=log(16,64)\" --optimizer adam",
                "--space: fit refuses batch-size=16.35: Could not convert: --batch-size = 16.35");
    check_error(
        "tune " + kLine + " --space \"loss=mse|mae\"",
        "--space cannot search loss: validation losses of different losses cannot be compared: give one --loss");
    check_error("tune " + kLine + " --space \"ftol=1e-3|1e-4; tol=1e-5|1e-6\"",
                "--space: ftol and tol are one option: keep one");
    check_error("tune " + kLine + " --space \"lr=1|2\" --metric accuracy",
                "--metric accuracy ranks classifiers: fit a network with --loss xent, or choose on the loss");
    check_error("tune " + kLine + " --space \"lr=1|2\" --trials 1000000", "--trials is at most 100000");
    check_error("tune " + kLine + " --space \"lr=1|2\" --param z",
                "--param z: 'z' is not a parameter of the model; its parameters are w, b");
    check_error("tune " + kLine + " --lr 1", "tune needs the settings to search, as in --space \"lr=log(1e-4,1e-1)\"");
}
