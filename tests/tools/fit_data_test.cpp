// gradc fit on what users bring on the first day: a NaN in the data (refused with its
// file, line and column, or skipped with --drop-nonfinite), `sgd` for gradient descent,
// and networks trained by a first-order optimizer in batches of 32 unless told otherwise.
#include <catch2/catch.hpp>
#include <string>

#include "command_output.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;
using gradc::testing::temp_file;

namespace {

const std::string kLine = GRADC_SOURCE_DIR "/docs/data/line.csv";  // y = 2x - 1 at x = -1..4
const std::string kDigits = GRADC_SOURCE_DIR "/data/digits.csv";

}  // namespace

TEST_CASE("fit names the file, line and column of a NaN the model reads", "[cli][fit][data]") {
    // Line 5 (after the header and a blank line), column 13: "  0.5, 7 ,  nan".
    const std::string path = temp_file("gap.csv", "x,z,y\n\n1,0,1\n2,0,3\n  0.5, 7 ,  nan\n4,0,7\n");
    check_error("fit 'w*x + b' --data " + path + " --target y",
                path +
                    ", line 5, column 13: the value of 'y' is nan: a fit needs finite numbers in every column the "
                    "model reads; correct the data, or skip such rows with --drop-nonfinite "
                    "(FitOptions::drop_nonfinite)");
    // An infinity in a data column the model reads, earlier in the file, comes first.
    const std::string inf = temp_file("inf.csv", "x,z,y\n1,0,1\n-inf,0,3\n2,nan,nan\n");
    check_error("fit 'w*x + b' --data " + inf + " --target y",
                inf +
                    ", line 3, column 1: the value of 'x' is -inf: a fit needs finite numbers in every column the "
                    "model reads; correct the data, or skip such rows with --drop-nonfinite "
                    "(FitOptions::drop_nonfinite)");
    // A column the model does not read may hold anything.
    const std::string unread = temp_file("unread.csv", "x,z,y\n1,nan,1\n2,inf,3\n3,0,5\n");
    CHECK(run_gradc("fit 'w*x + b' --data " + unread + " --target y").exit_code == 0);
}

TEST_CASE("fit --drop-nonfinite fits the rows without a NaN and counts the others", "[cli][fit][data]") {
    // The same line with two rows spoilt: the fit equals the fit of the line without them.
    const std::string spoilt = temp_file("spoilt.csv", "x,y\n-1,-3\nnan,0\n0,-1\n1,1\n2,inf\n2,3\n3,5\n4,7\n");
    const std::string args = " --target y --optimizer gd --lr 0.05 --epochs 20 --no-shuffle --json";
    const auto dropped = run_gradc_stream(1, "fit 'w*x + b' --data " + spoilt + args + " --drop-nonfinite");
    const auto clean = run_gradc_stream(1, "fit 'w*x + b' --data " + kLine + args + " --drop-nonfinite");
    REQUIRE(dropped.exit_code == 0);
    CHECK(parse_number(json_token(dropped.out, {"dropped_rows"})) == 2);
    CHECK(parse_number(json_token(clean.out, {"dropped_rows"})) == 0);
    CHECK(json_token(dropped.out, {"params", "w"}) == json_token(clean.out, {"params", "w"}));
    CHECK(json_token(dropped.out, {"params", "b"}) == json_token(clean.out, {"params", "b"}));
    CHECK(json_token(dropped.out, {"loss"}) == json_token(clean.out, {"loss"}));
    const auto text = run_gradc("fit 'w*x + b' --data " + spoilt + " --target y --drop-nonfinite");
    CHECK(text.out.find("\ndropped_rows = 2\n") != std::string::npos);
    check_error("fit 'w*x + b' --data " + temp_file("all.csv", "x,y\n1,nan\ninf,2\n") + " --target y --drop-nonfinite",
                "every row of the data has a non-finite value in a column the model reads");
}

TEST_CASE("fit takes sgd as the name of gradient descent", "[cli][fit][optimizer]") {
    const std::string args = "fit 'w*x + b' --data " + kLine + " --target y --lr 0.05 --epochs 5 --json --optimizer ";
    const auto sgd = run_gradc_stream(1, args + "sgd");
    CHECK(sgd.exit_code == 0);
    CHECK(sgd.out == run_gradc_stream(1, args + "gd").out);
    CHECK(sgd.out != run_gradc_stream(1, args + "momentum").out);
}

TEST_CASE("a network trained by a first-order optimizer takes batches of 32 by default", "[cli][fit][mlp]") {
    const std::string args =
        "fit --mlp 4 --data " + kDigits + " --target target --loss xent --optimizer adam --epochs 1 --json";
    const auto by_default = run_gradc_stream(1, args);
    REQUIRE(by_default.exit_code == 0);
    CHECK(by_default.out == run_gradc_stream(1, args + " --batch-size 32").out);
    // One epoch of 1,797 rows in batches of 32 is 57 steps; the full batch one step.
    const auto full = run_gradc_stream(1, args + " --batch-size 0");
    CHECK(full.exit_code == 0);
    CHECK(full.out != by_default.out);
    CHECK(parse_number(json_token(by_default.out, {"loss"})) < parse_number(json_token(full.out, {"loss"})));
    // L-BFGS stays full-batch, and a formula model keeps the full batch too.
    CHECK(run_gradc("fit --mlp 4 --data " + kDigits + " --target target --loss xent --epochs 2").exit_code == 0);
    const std::string line = "fit 'w*x + b' --data " + kLine + " --target y --optimizer adam --epochs 3 --json";
    CHECK(run_gradc_stream(1, line).out == run_gradc_stream(1, line + " --batch-size 0").out);
}
