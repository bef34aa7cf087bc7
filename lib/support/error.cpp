#include "gradc/error.hpp"

#include <algorithm>
#include <string>

namespace gradc {

std::string Diagnostic::format() const {
    std::string out = "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message + "\n  " +
                      source_line + "\n  ";
    // Keep tabs so the caret lines up under the offending character.
    for (std::size_t i = 0; i < caret && i < source_line.size(); ++i) out += source_line[i] == '\t' ? '\t' : ' ';
    out += '^';
    return out;
}

Diagnostic make_diagnostic(std::string_view source, std::size_t offset, std::string message) {
    if (offset > source.size()) offset = source.size();
    Diagnostic d;
    d.offset = offset;
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < offset; ++i) {
        if (source[i] == '\n') {
            ++d.line;
            line_start = i + 1;
        }
    }
    std::size_t line_end = source.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = source.size();
    std::string_view line = source.substr(line_start, line_end - line_start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    // Very long lines (generated formulas) are cut around the offset so messages stay readable.
    constexpr std::size_t kShown = 120;
    std::size_t col = offset - line_start;
    std::size_t from = 0;
    if (line.size() > kShown && col > kShown / 2) from = std::min(col - kShown / 2, line.size() - kShown);
    std::size_t len = std::min(kShown, line.size() - from);
    std::string prefix = from > 0 ? "..." : "";
    d.source_line = prefix + std::string(line.substr(from, len)) + (from + len < line.size() ? "..." : "");
    d.caret = prefix.size() + (col - from);
    d.column = col + 1;
    d.message = std::move(message);
    return d;
}

ParseError::ParseError(Diagnostic d) : Error(d.format()), diagnostic_(std::move(d)) {}

void assertion_failed(const char* expr, const char* file, int line, const char* why) {
    throw InternalError(std::string("gradc internal error: ") + why + " (" + expr + " at " + file + ":" +
                        std::to_string(line) + "); please report this with the formula");
}

}  // namespace gradc
