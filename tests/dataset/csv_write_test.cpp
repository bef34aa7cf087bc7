// The CSV writer: the text it writes, that read_csv() reads it back to the same names
// and bits, and the datasets it refuses.
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gradc/dataset.hpp"

TEST_CASE("write_csv writes a header and the shortest exact numbers", "[dataset][csv]") {
    const gradc::Dataset data{{"x", "y"}, {{1, 0.1, -0.0}, {2.5, 1e300, NAN}}};
    CHECK(gradc::write_csv(data) == "x,y\n1,2.5\n0.1,1e+300\n-0,nan\n");
    CHECK(gradc::write_csv(gradc::Dataset{{"only"}, {{}}}) == "only\n");
}

TEST_CASE("names that would read differently are quoted", "[dataset][csv]") {
    const gradc::Dataset data{{"a,b", "say \"hi\"", " padded\t", "\xEF\xBB\xBFmark", "cr\rin", "plain name"},
                              {{1}, {2}, {3}, {4}, {5}, {6}}};
    CHECK(gradc::write_csv(data) ==
          "\"a,b\",\"say \"\"hi\"\"\",\" padded\t\",\"\xEF\xBB\xBFmark\",\"cr\rin\",plain name\n1,2,3,4,5,6\n");
    CHECK(gradc::read_csv(gradc::write_csv(data)).names == data.names);
}

TEST_CASE("what write_csv writes reads back to the same bits", "[dataset][csv]") {
    constexpr double kInf = std::numeric_limits<double>::infinity();
    std::vector<double> values = {0.0,  -0.0,    5e-324,    -2.2250738585072014e-308, 1.7976931348623157e308, -kInf,
                                  kInf, 1.0 / 3, 0.1 + 0.2, 123456789012345680.0};
    std::uint64_t state = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 2000; ++i) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        const double v = std::bit_cast<double>(state);  // every exponent, subnormals included
        if (std::isfinite(v)) values.push_back(v);
    }
    const gradc::Dataset data{{"v"}, {values}};
    const gradc::Dataset again = gradc::read_csv(gradc::write_csv(data));
    REQUIRE(again.rows() == values.size());
    std::size_t changed = 0;
    for (std::size_t r = 0; r < values.size(); ++r)
        changed += std::bit_cast<std::uint64_t>(again.columns[0][r]) == std::bit_cast<std::uint64_t>(values[r]) ? 0 : 1;
    CHECK(changed == 0);
    CHECK(std::isnan(gradc::read_csv(gradc::write_csv(gradc::Dataset{{"v"}, {{NAN}}})).columns[0][0]));
}

TEST_CASE("write_csv refuses what read_csv could not read back", "[dataset][csv][errors]") {
    using gradc::Dataset;
    CHECK_THROWS_WITH(gradc::write_csv(Dataset{}), "a CSV file needs at least one column");
    CHECK_THROWS_WITH(gradc::write_csv(Dataset{{"a", ""}, {{1}, {2}}}),
                      "a CSV column needs a name: read_csv() refuses an empty one");
    CHECK_THROWS_WITH(gradc::write_csv(Dataset{{"a", "a"}, {{1}, {2}}}),
                      "the column name 'a' appears twice; read_csv() refuses repeated names");
    CHECK_THROWS_WITH(gradc::write_csv(Dataset{{"a\nb"}, {{1}}}),
                      "the column name 'a\nb' holds a line break, which a CSV header cannot");
    CHECK_THROWS_WITH(gradc::write_csv(Dataset{{"a", "b"}, {{1}}}), "the dataset has 2 names and 1 columns");
    CHECK_THROWS_WITH(gradc::write_csv(Dataset{{"a", "b"}, {{1, 2}, {3}}}), "column 'b' has 1 rows and column 'a' 2");
}
