// Tensor values from --at: numbers, list literals by NumPy's rules, .npy and .csv files,
// and the messages for everything refused; no input makes it crash.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/npy.hpp"
#include "temp_files.hpp"
#include "tensor_values.hpp"

using Catch::Matchers::Contains;
using gradc::cli::parse_tensor_assignments;
using Shape = std::vector<std::size_t>;
using Reals = std::vector<double>;

namespace {

gradc::TensorValue only(const std::string& at) {
    const gradc::cli::TensorAssignments a = parse_tensor_assignments(at);
    REQUIRE(a.size() == 1);
    return a[0].second;
}

// Parsing `at` fails with exactly `message`.
void refuses(const std::string& at, const std::string& message) {
    INFO(at);
    try {
        (void)parse_tensor_assignments(at);
        FAIL("parsed without an error");
    } catch (const gradc::Error& e) {
        CHECK(std::string(e.what()) == message);
    }
}

}  // namespace

TEST_CASE("the items of an --at option split at commas outside brackets", "[tools][tensor_values]") {
    const gradc::cli::TensorAssignments a = parse_tensor_assignments("w=[1,2],c=3, X = [[1,2],[3,4]]");
    REQUIRE(a.size() == 3);
    CHECK(a[0].first == "w");
    CHECK(a[0].second.shape == Shape{2});
    CHECK(a[0].second.reals == Reals{1, 2});
    CHECK(a[1].first == "c");
    CHECK(a[1].second.shape.empty());
    CHECK(a[1].second.reals == Reals{3});
    CHECK(a[2].first == "X");
    CHECK(a[2].second.shape == Shape{2, 2});
    CHECK(a[2].second.reals == Reals{1, 2, 3, 4});
    CHECK(a[2].second.indices.empty());

    const gradc::cli::TensorAssignments scalars = parse_tensor_assignments("x=1,y=2");
    REQUIRE(scalars.size() == 2);
    CHECK(scalars[1].second.reals == Reals{2});
    CHECK(parse_tensor_assignments("  ").empty());
}

TEST_CASE("list literals follow NumPy's shapes", "[tools][tensor_values]") {
    CHECK(only("w=[0.5,-1]").reals == Reals{0.5, -1});
    CHECK(only("w=[]").shape == Shape{0});
    CHECK(only("w=[[],[]]").shape == Shape{2, 0});
    CHECK(only("w=[[[]]]").shape == Shape{1, 1, 0});
    CHECK(only("w=[7]").shape == Shape{1});
    CHECK(only("w=[ 1 ,\t2 , ]").reals == Reals{1, 2});  // blanks, and a comma before ']' as Python allows
    const gradc::TensorValue t = only("T=[[[1,2],[3,4],[5,6]],[[7,8],[9,10],[11,12]]]");
    CHECK(t.shape == Shape{2, 3, 2});
    CHECK(t.reals == Reals{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12});
    const gradc::TensorValue odd = only("v=[inf, -inf, +1, 1e-3, nan]");
    CHECK(odd.reals[0] == INFINITY);
    CHECK(odd.reals[1] == -INFINITY);
    CHECK(odd.reals[2] == 1);
    CHECK(odd.reals[3] == 0.001);
    CHECK(std::isnan(odd.reals[4]));
    CHECK(only("c=-2.5e3").reals == Reals{-2500});
    CHECK(only("c=nan").shape.empty());
}

TEST_CASE("malformed values say where and what to write", "[tools][tensor_values]") {
    refuses("X=[[1,2],[3]]",
            "--at 'X=[[1,2],[3]]': row 1 has 1 element, row 0 has 2: every row must have the same length");
    refuses("X=[[1],[2,3]]",
            "--at 'X=[[1],[2,3]]': row 1 has 2 elements, row 0 has 1: every row must have the same length");
    refuses("T=[[[1,2],[3,4]],[[5,6],[7]]]",
            "--at 'T=[[[1,2],[3,4]],[[5,6],[7]]]': T[1][1] has 1 element, T[0][0] has 2: every row must have the same "
            "length");
    refuses("X=[[1,2],3]", "--at 'X=[[1,2],3]': row 1 is a number, row 0 a list: every row must have the same shape");
    refuses("X=[1,[2]]", "--at 'X=[1,[2]]': row 1 is a list, row 0 a number: every row must have the same shape");
    refuses("X=[[1],[]]", "--at 'X=[[1],[]]': row 1 has 0 elements, row 0 has 1: every row must have the same length");
    refuses("w=[1,2", "--at 'w=[1,2': a '[' is not closed: add ']'");
    refuses("w=[1,2]]", "--at 'w=[1,2]]': unexpected text after the list's closing ']': ']'");
    refuses("w=[1 2]", "--at 'w=[1 2]': expected ',' or ']' before '2]'");
    refuses("w=[1,,2]", "--at 'w=[1,,2]': expected a number or '[' before ',2]'");
    refuses("w=[,]", "--at 'w=[,]': expected a number or '[' before ',]'");
    refuses("w=[1]x", "--at 'w=[1]x': unexpected text after the list's closing ']': 'x'");
    refuses("w=[1,a]", "--at 'w=[1,a]': 'a' is not a number; write numbers like 2, -0.5 or 1e-3");
    refuses("w=[1e400]", "--at 'w=[1e400]': '1e400' is not a number; write numbers like 2, -0.5 or 1e-3");
    refuses("w=abc", "--at 'w=abc': the value is not a number, a list like [1,2] or a file like @data.npy");
    refuses("w", "--at 'w': --at expects name=value items separated by commas, as in --at 'w=[1,2],c=3'");
    refuses("=[1]", "--at '=[1]': the item has no name before '='");
    refuses("X[0]=1", "--at 'X[0]=1': 'X[0]' is not a name: --at gives whole tensors, as in X=[[1,2],[3,4]]");
    refuses("w= ", "--at 'w=': no value after '='");
    refuses("x=1,", "--at 'x=1,': an item is empty: remove the extra comma");
    refuses("w=@", "--at 'w=@': '@' must be followed by a file name, as in X=@train.npy");
    refuses(
        "w=@data.txt",
        "--at 'w=@data.txt': gradc reads tensor values from .npy and .csv files, and 'data.txt' is neither; save it "
        "with np.save or as CSV");
    CHECK_THROWS_WITH(parse_tensor_assignments("w=@/no/such/file.npy"),
                      Contains("--at 'w=@/no/such/file.npy': cannot open the file '/no/such/file.npy'"));
}

TEST_CASE("deep nesting is refused without recursion", "[tools][tensor_values]") {
    const std::size_t deep = 100000;
    const std::string closed = "X=" + std::string(deep, '[') + "1" + std::string(deep, ']');
    CHECK_THROWS_WITH(parse_tensor_assignments(closed), Contains("lists nest deeper than 64 levels"));
    CHECK_THROWS_WITH(parse_tensor_assignments("X=" + std::string(deep, '[')), Contains("nest deeper"));
    CHECK_THROWS_WITH(parse_tensor_assignments("X=[1" + std::string(deep, ']')), Contains("unexpected text after"));
    CHECK(only("X=" + std::string(64, '[') + "1" + std::string(64, ']')).shape == Shape(64, 1));
}

TEST_CASE("random text gives a value or an Error, never a crash", "[tools][tensor_values]") {
    const std::string alphabet = "[[[]]],, 1.5e-=@xnaif";
    std::mt19937 random(20240611);
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1), length(0, 24);
    for (int trial = 0; trial < 20000; ++trial) {
        std::string text = "w=";
        for (std::size_t n = length(random); n > 0; --n) text.push_back(alphabet[pick(random)]);
        INFO(text);
        try {
            for (const auto& [name, value] : parse_tensor_assignments(text)) {
                std::size_t elements = 1;
                for (std::size_t d : value.shape) elements *= d;
                CHECK(value.reals.size() == elements);
            }
        } catch (const gradc::Error&) {}
    }
}

TEST_CASE("@file values come from .npy and .csv files", "[tools][tensor_values]") {
    const std::string reals = gradc::testing::temp_path("reals.npy");
    gradc::write_npy(reals, Shape{2, 2}, Reals{1, 2, 3, 4});
    const gradc::TensorValue r = only("X=@" + reals);
    CHECK(r.shape == Shape{2, 2});
    CHECK(r.reals == Reals{1, 2, 3, 4});
    CHECK(r.indices.empty());

    const std::string ints = gradc::testing::temp_path("ints.NPY");
    gradc::write_npy(ints, Shape{3}, std::vector<std::int64_t>{4, -1, 0});
    const gradc::TensorValue i = only("y = @ " + ints);
    CHECK(i.shape == Shape{3});
    CHECK(i.indices == std::vector<std::int64_t>{4, -1, 0});
    CHECK(i.reals.empty());

    // NumPy's Fortran-order file reads row-major.
    const gradc::TensorValue f = only("F=@" + std::string(GRADC_TEST_DATA_DIR) + "/npy/fortran_3d_f8.npy");
    CHECK(f.shape == Shape{2, 3, 4});
    CHECK(f.reals[13] == 13);

    const std::string one = gradc::testing::temp_file("one.csv", "y\n1\n2\n3\n");
    const gradc::TensorValue v = only("y=@" + one);
    CHECK(v.shape == Shape{3});
    CHECK(v.reals == Reals{1, 2, 3});
    const std::string two = gradc::testing::temp_file("two.csv", "a,b,c\n1,2,3\n4,5,6\n");
    const gradc::TensorValue m = only("X=@" + two);
    CHECK(m.shape == Shape{2, 3});
    CHECK(m.reals == Reals{1, 2, 3, 4, 5, 6});
    const std::string bad = gradc::testing::temp_file("bad.csv", "a,b\n1,2\n3\n");
    CHECK_THROWS_WITH(parse_tensor_assignments("X=@" + bad), Contains("--at 'X=@") && Contains("line 3"));

    CHECK(parse_tensor_assignments("X=@" + two + ",w=[1]").size() == 2);
}

TEST_CASE("a name given twice across --at options is an error", "[tools][tensor_values]") {
    const std::vector<std::string> options = {"w=[1,2]", "X=[[1]],c=3"};
    const gradc::cli::TensorAssignments all = gradc::cli::parse_tensor_options(options);
    REQUIRE(all.size() == 3);
    CHECK(all[2].first == "c");
    const std::vector<std::string> twice = {"w=[1,2]", "c=1,w=3"};
    CHECK_THROWS_WITH(gradc::cli::parse_tensor_options(twice), "--at gives w twice; give each tensor one value");
    const std::vector<std::string> within = {"c=1,c=2"};
    CHECK_THROWS_WITH(gradc::cli::parse_tensor_options(within), Contains("gives c twice"));
}

TEST_CASE("real values become indices only when every element is a whole int64", "[tools][tensor_values]") {
    using gradc::cli::to_indices;
    const gradc::TensorValue y = to_indices("y", only("y=[0, 3, -2, 1e3]"));
    CHECK(y.shape == Shape{4});
    CHECK(y.indices == std::vector<std::int64_t>{0, 3, -2, 1000});
    CHECK(y.reals.empty());
    CHECK_THROWS_WITH(to_indices("y", only("y=[0,1,2,2.5]")),
                      "y[3] = 2.5 is not an integer; data declared int takes whole numbers");
    CHECK_THROWS_WITH(to_indices("X", only("X=[[1,2],[nan,4]]")), Contains("X[1,0] = nan is not an integer"));
    CHECK_THROWS_WITH(to_indices("c", only("c=inf")), "c = inf is outside the range of a 64-bit integer");
    CHECK_THROWS_WITH(to_indices("c", only("c=9223372036854775808")), Contains("outside the range"));
    CHECK(to_indices("c", only("c=-9223372036854775808")).indices ==
          std::vector<std::int64_t>{std::numeric_limits<std::int64_t>::min()});
    gradc::TensorValue given;
    given.shape = {2};
    given.indices = {5, 6};
    CHECK(to_indices("i", given).indices == std::vector<std::int64_t>{5, 6});
    CHECK(to_indices("e", only("e=[]")).shape == Shape{0});
}
