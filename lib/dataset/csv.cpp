// The CSV reader: lines split by hand (a line is the unit of every message), fields
// recognised by Spirit X3's real parser and converted by std::from_chars, so numbers
// are correctly rounded as strtod's are.
#include <boost/spirit/home/x3.hpp>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_set>

#include "gradc/dataset.hpp"

namespace gradc {

namespace {

namespace x3 = boost::spirit::x3;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// One line of the text without its line end, and where it starts.
struct Line {
    std::string_view text;
    std::size_t number;  // 1-based
};

class Lines {
public:
    explicit Lines(std::string_view text) : text_(text) {
        if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);  // UTF-8 byte order mark
    }
    bool next(Line& line) {
        if (at_ >= text_.size()) return false;
        std::size_t end = text_.find('\n', at_);
        if (end == std::string_view::npos) end = text_.size();
        std::string_view body = text_.substr(at_, end - at_);
        if (!body.empty() && body.back() == '\r') body.remove_suffix(1);
        line = Line{body, ++number_};
        at_ = end + 1;
        return true;
    }

private:
    std::string_view text_;
    std::size_t at_ = 0;
    std::size_t number_ = 0;
};

bool blank_line(std::string_view s) {
    for (char c : s)
        if (!is_blank(c)) return false;
    return true;
}

std::size_t skip_blanks(std::string_view s, std::size_t at) {
    while (at < s.size() && is_blank(s[at])) ++at;
    return at;
}

// A name in double quotes starting at `at`, where "" stands for one quote (RFC 4180);
// returns the position after the closing quote and any blanks.
std::size_t read_quoted_name(const Line& line, std::size_t at, std::string& name) {
    const std::size_t open = at;
    for (++at;; at += 2) {
        const std::size_t quote = line.text.find('"', at);
        if (quote == std::string_view::npos)
            throw DataError(line.number, open + 1, "this quoted column name has no closing '\"'");
        name.append(line.text.substr(at, quote - at));
        at = quote;
        if (at + 1 >= line.text.size() || line.text[at + 1] != '"') break;
        name.push_back('"');
    }
    return skip_blanks(line.text, at + 1);
}

std::vector<std::string> read_header(const Line& line) {
    std::vector<std::string> names;
    std::unordered_set<std::string> seen;
    std::size_t at = 0;
    while (true) {
        at = skip_blanks(line.text, at);
        const std::size_t start = at;
        std::string name;
        if (at < line.text.size() && line.text[at] == '"') {
            at = read_quoted_name(line, at, name);
        } else {
            const std::size_t comma = std::min(line.text.find(',', at), line.text.size());
            std::size_t end = comma;
            while (end > at && is_blank(line.text[end - 1])) --end;
            name = std::string(line.text.substr(at, end - at));
            at = comma;
        }
        if (name.empty())
            throw DataError(line.number, start + 1, "a column has no name: the first line names every column");
        if (!seen.insert(name).second)
            throw DataError(line.number, start + 1, "the column name '" + name + "' appears twice");
        names.push_back(std::move(name));
        if (at >= line.text.size()) return names;
        if (line.text[at] != ',') throw DataError(line.number, at + 1, "expected ',' after a column name");
        ++at;
    }
}

// X3's double_ is not correctly rounded: it is one unit in the last place off for about
// a quarter of 17-digit numbers. from_chars rounds correctly; X3 still decides what a
// number is. from_chars takes no '+'; should it refuse what X3 took, X3's value stays.
double correctly_rounded(const char* begin, const char* end, double fallback) {
    if (begin != end && *begin == '+') ++begin;
    double value = 0;
    const auto [ptr, error] = std::from_chars(begin, end, value);
    return error == std::errc() && ptr == end ? value : fallback;
}

// One field at `at` (after blanks): a number by X3's real parser, which accepts what
// strtod does, `inf` and `nan` included.
double read_field(const Line& line, std::size_t& at, const std::string& column) {
    at = skip_blanks(line.text, at);
    const char* const begin = line.text.data() + at;
    const char* const end = line.text.data() + line.text.size();
    const char* it = begin;
    double value = 0;
    const bool parsed = x3::parse(it, end, x3::double_, value);
    const char* field_end = begin;
    while (field_end != end && *field_end != ',') ++field_end;
    std::string_view field(begin, static_cast<std::size_t>(field_end - begin));
    while (!field.empty() && is_blank(field.back())) field.remove_suffix(1);
    if (field.empty()) throw DataError(line.number, at + 1, "the value of column '" + column + "' is missing");
    if (!parsed || it != begin + field.size() ||
        (std::isinf(value) && field.find_first_of("iI") == std::string_view::npos)) {
        // X3 refuses a number past the largest double (1e400); say so rather than
        // call it not a number.
        const std::string text(field);
        char* parsed_to = nullptr;
        const double huge = std::strtod(text.c_str(), &parsed_to);
        const bool overflow = parsed_to == text.c_str() + text.size() && std::isinf(huge) &&
                              text.find_first_of("iI") == std::string::npos;
        throw DataError(
            line.number, at + 1,
            "'" + text + "' in column '" + column + "' is " + (overflow ? "too large for a double" : "not a number"));
    }
    at += field.size();
    return correctly_rounded(begin, it, value);
}

}  // namespace

DataError::DataError(std::size_t line, std::size_t column, const std::string& message)
    : Error(line == 0 ? message
                      : "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message),
      line_(line),
      column_(column) {}

DataError::DataError(const std::string& source, std::size_t line, std::size_t column, const std::string& message)
    : Error(source + ", line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message),
      line_(line),
      column_(column) {}

Dataset read_csv(std::string_view text) {
    Lines lines(text);
    Line line;
    do {
        if (!lines.next(line)) throw DataError(1, 1, "the data is empty: the first line must name the columns");
    } while (blank_line(line.text));
    Dataset data;
    data.names = read_header(line);
    data.columns.resize(data.names.size());
    const std::size_t width = data.names.size();
    while (lines.next(line)) {
        if (blank_line(line.text)) continue;
        std::size_t at = 0;
        for (std::size_t j = 0; j < width; ++j) {
            if (j > 0) {
                at = skip_blanks(line.text, at);
                if (at >= line.text.size())
                    throw DataError(line.number, at + 1,
                                    "this row has " + std::to_string(j) + " values, the header names " +
                                        std::to_string(width) + " columns");
                ++at;  // the ','
            }
            const std::size_t field_at = skip_blanks(line.text, at);
            const double value = read_field(line, at, data.names[j]);
            if (!std::isfinite(value)) data.nonfinite.push_back({data.columns[j].size(), j, line.number, field_at + 1});
            data.columns[j].push_back(value);
        }
        at = skip_blanks(line.text, at);
        if (at < line.text.size())
            throw DataError(line.number, at + 1,
                            "this row has more values than the " + std::to_string(width) + " columns the header names");
    }
    return data;
}

Dataset read_csv_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw DataError(0, 0, "cannot open the data file '" + path + "'");
    std::ostringstream text;
    text << in.rdbuf();
    Dataset data = read_csv(text.str());
    data.source = path;
    return data;
}

}  // namespace gradc
