// Any bytes are read as CSV. A DataError must name a line of the text and a column
// within that line (or one past its end); what reads must have non-empty, distinct
// names and columns of one length, and write_csv() must write it as text that reads
// back to the same names and bits.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_set>

#include "gradc/dataset.hpp"

namespace {

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "%s\n", what.c_str());
    std::abort();
}

// Line `number` (1-based) of `text`, without its line feed; empty past the end.
std::string_view line_of(std::string_view text, std::size_t number) {
    for (std::size_t k = 1; k < number; ++k) {
        const std::size_t end = text.find('\n');
        if (end == std::string_view::npos) return {};
        text.remove_prefix(end + 1);
    }
    return text.substr(0, text.find('\n'));
}

void check_position(std::string_view text, const gradc::DataError& e) {
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    if (e.line() < 1 || e.line() > lines)
        fail("line " + std::to_string(e.line()) + " is outside the text's " + std::to_string(lines) +
             " lines: " + e.what());
    const std::size_t length = line_of(text, e.line()).size();
    if (e.column() < 1 || e.column() > length + 1)
        fail("column " + std::to_string(e.column()) + " is outside line " + std::to_string(e.line()) + " of " +
             std::to_string(length) + " bytes: " + e.what());
}

void check_shape(const gradc::Dataset& data) {
    if (data.names.empty() || data.columns.size() != data.names.size()) fail("a dataset without matching columns");
    std::unordered_set<std::string> seen;
    for (const std::string& name : data.names)
        if (name.empty() || !seen.insert(name).second) fail("an empty or repeated name: '" + name + "'");
    for (const auto& column : data.columns)
        if (column.size() != data.rows()) fail("columns of different lengths");
}

bool same_bits(double a, double b) {
    return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b) || (a != a && b != b);
}

void check_round_trip(const gradc::Dataset& data) {
    const std::string written = gradc::write_csv(data);
    gradc::Dataset again;
    try {
        again = gradc::read_csv(written);
    } catch (const gradc::DataError& e) {
        fail(std::string("write_csv() wrote what read_csv() refuses: ") + e.what() + "\n" + written);
    }
    if (again.names != data.names) fail("names changed in a round trip:\n" + written);
    for (std::size_t k = 0; k < data.columns.size(); ++k) {
        if (again.columns[k].size() != data.columns[k].size()) fail("rows changed in a round trip:\n" + written);
        for (std::size_t r = 0; r < data.rows(); ++r)
            if (!same_bits(again.columns[k][r], data.columns[k][r]))
                fail("a number changed in a round trip:\n" + written);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(bytes), size);
    gradc::Dataset data;
    try {
        data = gradc::read_csv(text);
    } catch (const gradc::DataError& e) {
        check_position(text, e);
        return 0;
    }
    check_shape(data);
    check_round_trip(data);
    return 0;
}
