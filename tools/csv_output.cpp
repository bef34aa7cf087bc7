#include "csv_output.hpp"

#include <ostream>

#include "subcommand.hpp"

namespace gradc::cli {
namespace {

// A name in double quotes when a comma, quote or surrounding blank would change how
// it reads; read_csv() takes quoted names.
std::string csv_name(const std::string& name) {
    const bool plain = name.find_first_of(",\"\r\n") == std::string::npos && !name.empty() &&
                       name.front() != ' ' && name.front() != '\t' && name.back() != ' ' && name.back() != '\t';
    if (plain) return name;
    std::string quoted = "\"";
    for (const char c : name) quoted.append(c == '"' ? "\"\"" : std::string(1, c));
    return quoted + "\"";
}

}  // namespace

void write_csv(std::ostream& out, const std::vector<std::string>& names,
               const std::vector<std::vector<double>>& columns) {
    std::string text;
    for (std::size_t k = 0; k < names.size(); ++k) text.append(k ? "," : "").append(csv_name(names[k]));
    text += '\n';
    const std::size_t rows = columns.empty() ? 0 : columns.front().size();
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t k = 0; k < columns.size(); ++k) text.append(k ? "," : "").append(number_text(columns[k][r]));
        text += '\n';
    }
    out << text;
}

}  // namespace gradc::cli
