// The CSV reader: what it accepts (BOM, CRLF, blanks, quotes, inf/nan) and the line
// and column of everything it refuses.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "gradc/dataset.hpp"

namespace {

// Reading `text` fails with exactly `message` (position included).
void refuses(const std::string& text, std::size_t line, std::size_t column, const std::string& message) {
    INFO(text);
    try {
        (void)gradc::read_csv(text);
        FAIL("read without an error");
    } catch (const gradc::DataError& e) {
        CHECK(e.line() == line);
        CHECK(e.column() == column);
        CHECK(std::string(e.what()) == message);
    }
}

}  // namespace

TEST_CASE("a CSV file reads into columns named by its header", "[dataset][csv]") {
    const gradc::Dataset d = gradc::read_csv("x,y,label\n1,2.5,0\n-3e2, .5 ,1\n");
    REQUIRE(d.names == std::vector<std::string>{"x", "y", "label"});
    REQUIRE(d.rows() == 2);
    CHECK(d.column("x") == std::vector<double>{1, -300});
    CHECK(d.column("y") == std::vector<double>{2.5, 0.5});
    CHECK(d.column("label") == std::vector<double>{0, 1});
    CHECK(d.find("nope") == gradc::Dataset::npos);
    // Numbers read exactly as strtod reads them.
    CHECK(gradc::read_csv("v\n0.1\n").column("v")[0] == 0.1);
    CHECK(gradc::read_csv("v\n2.2250738585072014e-308\n").column("v")[0] == 2.2250738585072014e-308);
}

TEST_CASE("byte order mark, CRLF, blank lines, quotes and tabs are read correctly", "[dataset][csv]") {
    const gradc::Dataset d = gradc::read_csv("\xEF\xBB\xBF\"a b\" ,\tc\r\n\r\n1,\t2\r\n   \n3 , 4\r\n\n");
    REQUIRE(d.names == std::vector<std::string>{"a b", "c"});
    CHECK(d.column("a b") == std::vector<double>{1, 3});
    CHECK(d.column("c") == std::vector<double>{2, 4});
    // A quote inside a quoted name is written twice (RFC 4180).
    CHECK(gradc::read_csv("\"say \"\"hi\"\"\",\"\"\"\"\n1,2\n").names == std::vector<std::string>{"say \"hi\"", "\""});
    // No line end after the last row, and a header alone.
    CHECK(gradc::read_csv("a\n7").rows() == 1);
    CHECK(gradc::read_csv("a,b\n").rows() == 0);
}

TEST_CASE("inf, -inf and nan are numbers, 1e400 is an error", "[dataset][csv]") {
    const gradc::Dataset d = gradc::read_csv("v\ninf\n-inf\nnan\n1e308\n");
    CHECK(d.columns[0][0] == INFINITY);
    CHECK(d.columns[0][1] == -INFINITY);
    CHECK(std::isnan(d.columns[0][2]));
    CHECK(d.columns[0][3] == 1e308);
    refuses("v\n1\n1e400\n", 3, 1, "line 3, column 1: '1e400' in column 'v' is too large for a double");
}

TEST_CASE("the place of every non-finite value is kept for messages", "[dataset][csv]") {
    // Line 4 is blank; positions are 1-based characters of the line, after the blanks.
    const gradc::Dataset d = gradc::read_csv("a,b\n1, nan\n-inf,2\n\n3,  inf\n");
    REQUIRE(d.nonfinite.size() == 3);
    const auto same = [](const gradc::Dataset::NonFinite& c, std::size_t row, std::size_t column, std::size_t line,
                         std::size_t text_column) {
        return c.row == row && c.column == column && c.line == line && c.text_column == text_column;
    };
    CHECK(same(d.nonfinite[0], 0, 1, 2, 4));
    CHECK(same(d.nonfinite[1], 1, 0, 3, 1));
    CHECK(same(d.nonfinite[2], 2, 1, 5, 5));
    CHECK(d.source.empty());
    CHECK(gradc::read_csv("a\n1e308\n").nonfinite.empty());
    // Rows selected anew are not the rows as read.
    const std::size_t first[] = {0};
    CHECK(d.select_rows(first).nonfinite.empty());
}

TEST_CASE("bad rows are refused with their line and column", "[dataset][csv][errors]") {
    refuses("x,y\n1,2\n3\n", 3, 2, "line 3, column 2: this row has 1 values, the header names 2 columns");
    refuses("x,y\n1,2,3\n", 2, 4, "line 2, column 4: this row has more values than the 2 columns the header names");
    refuses("x,y\n1,abc\n", 2, 3, "line 2, column 3: 'abc' in column 'y' is not a number");
    refuses("x,y\n1,2x\n", 2, 3, "line 2, column 3: '2x' in column 'y' is not a number");
    refuses("x,y\n1,\n", 2, 3, "line 2, column 3: the value of column 'y' is missing");
    refuses("x,y\n,1\n", 2, 1, "line 2, column 1: the value of column 'x' is missing");
    refuses("x\r\n1\r\n\r\n2 3\r\n", 4, 1, "line 4, column 1: '2 3' in column 'x' is not a number");
}

TEST_CASE("bad headers and empty data are refused", "[dataset][csv][errors]") {
    refuses("", 1, 1, "line 1, column 1: the data is empty: the first line must name the columns");
    refuses("\n\n", 1, 1, "line 1, column 1: the data is empty: the first line must name the columns");
    refuses("x,,y\n", 1, 3, "line 1, column 3: a column has no name: the first line names every column");
    refuses("x,y,x\n", 1, 5, "line 1, column 5: the column name 'x' appears twice");
    refuses("\"x,y\n", 1, 1, "line 1, column 1: this quoted column name has no closing '\"'");
    refuses("a, \"x\"\"\n", 1, 4, "line 1, column 4: this quoted column name has no closing '\"'");
    refuses("\"x\"y\n", 1, 4, "line 1, column 4: expected ',' after a column name");
    CHECK_THROWS_AS(gradc::read_csv("x\n1\n").column("y"), gradc::DataError);
}

TEST_CASE("a CSV file on disk, and one that is missing", "[dataset][csv]") {
    const std::string path = "gradc_csv_test.csv";
    {
        std::ofstream out(path);
        out << "a,b\n1,2\n";
    }
    CHECK(gradc::read_csv_file(path).column("b") == std::vector<double>{2});
    CHECK(gradc::read_csv_file(path).source == path);
    std::remove(path.c_str());
    CHECK_THROWS_WITH(gradc::read_csv_file("no/such/file.csv"), "cannot open the data file 'no/such/file.csv'");
}

TEST_CASE("17-digit numbers read back to the very double that was written", "[dataset][csv]") {
    // %.17g of a double reads back to it exactly under correct rounding; a reader one
    // unit in the last place off (as X3's double_ alone is for many such numbers) fails.
    std::string text = "x\n";
    std::vector<double> written;
    std::uint64_t state = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 2000; ++i) {
        state = state * 6364136223846793005u + 1442695040888963407u;
        const double v = (static_cast<double>(state >> 11) / 9007199254740992.0 - 0.5) * std::pow(10.0, i % 40 - 20);
        written.push_back(v);
        char buffer[40];
        std::snprintf(buffer, sizeof buffer, "%.17g\n", v);
        text += buffer;
    }
    text += "+0.038075906433423026\n";
    written.push_back(0.038075906433423026);
    const gradc::Dataset data = gradc::read_csv(text);
    REQUIRE(data.rows() == written.size());
    std::size_t wrong = 0;
    for (std::size_t r = 0; r < written.size(); ++r) wrong += data.columns[0][r] == written[r] ? 0 : 1;
    CHECK(wrong == 0);
}
