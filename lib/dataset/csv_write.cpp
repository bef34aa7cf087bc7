// The CSV writer: the inverse of read_csv(), so what gradc writes (eval --data,
// predict) can be read again by gradc and by anything that reads RFC 4180.
#include <cmath>
#include <string>
#include <string_view>
#include <unordered_set>

#include "gradc/dataset.hpp"
#include "gradc/print.hpp"

namespace gradc {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string csv_name(const std::string& name) {
    if (name.empty()) throw Error("a CSV column needs a name: read_csv() refuses an empty one");
    if (name.find('\n') != std::string::npos)
        throw Error("the column name '" + name + "' holds a line break, which a CSV header cannot");
    // A first name starting with a byte order mark would lose it: read_csv() skips one.
    const bool plain = name.find_first_of(",\"\r") == std::string::npos && !is_blank(name.front()) &&
                       !is_blank(name.back()) && !name.starts_with("\xEF\xBB\xBF");
    if (plain) return name;
    std::string quoted = "\"";
    for (const char c : name) quoted.append(c == '"' ? "\"\"" : std::string(1, c));
    return quoted + "\"";
}

}  // namespace

std::string write_csv(const Dataset& data) {
    if (data.names.empty()) throw Error("a CSV file needs at least one column");
    if (data.columns.size() != data.names.size())
        throw Error("the dataset has " + std::to_string(data.names.size()) + " names and " +
                    std::to_string(data.columns.size()) + " columns");
    for (std::size_t k = 0; k < data.columns.size(); ++k)
        if (data.columns[k].size() != data.rows())
            throw Error("column '" + data.names[k] + "' has " + std::to_string(data.columns[k].size()) +
                        " rows and column '" + data.names[0] + "' " + std::to_string(data.rows()));
    std::string text;
    std::unordered_set<std::string_view> seen;
    for (std::size_t k = 0; k < data.names.size(); ++k) {
        if (!seen.insert(data.names[k]).second)
            throw Error("the column name '" + data.names[k] + "' appears twice; read_csv() refuses repeated names");
        text.append(k ? "," : "").append(csv_name(data.names[k]));
    }
    text += '\n';
    for (std::size_t r = 0; r < data.rows(); ++r) {
        for (std::size_t k = 0; k < data.columns.size(); ++k) {
            if (k) text += ',';
            text += shortest_number(data.columns[k][r]);
        }
        text += '\n';
    }
    return text;
}

}  // namespace gradc
