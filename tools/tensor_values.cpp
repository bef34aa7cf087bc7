#include "tensor_values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "gradc/dataset.hpp"
#include "gradc/error.hpp"
#include "gradc/npy.hpp"
#include "number.hpp"

namespace gradc::cli {
namespace {

// NumPy allows 64 dimensions; deeper nesting is a typo, and refusing it keeps the
// bookkeeping per depth small.
constexpr std::size_t max_depth = 64;

bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// "--at 'X=[[1,2],[3]]': ", the item cut short when it is long.
std::string where(std::string_view item) {
    std::string shown(item.substr(0, 80));
    if (item.size() > 80) shown += "...";
    return "--at '" + shown + "': ";
}

std::string number_text(double x) {
    char buffer[32];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, x).ptr;
    return std::string(buffer, end);
}

// The items of `at` split at commas outside brackets, trimmed. Brackets are only
// counted here; the value parser reports any that do not match.
std::vector<std::string_view> split_items(std::string_view at) {
    std::vector<std::string_view> items;
    std::size_t depth = 0, start = 0;
    for (std::size_t i = 0; i <= at.size(); ++i) {
        const char c = i < at.size() ? at[i] : ',';
        if (c == '[') ++depth;
        if (c == ']' && depth > 0) --depth;
        if (c == ',' && (depth == 0 || i == at.size())) {
            items.push_back(trim(at.substr(start, i - start)));
            start = i + 1;
        }
    }
    return items;
}

// A list literal, read without recursion: one counter per open list, and per depth the
// length every list there must have and whether its elements are numbers or lists,
// with the position that first fixed each, for the message when another differs.
class ListParser {
public:
    ListParser(std::string_view item, std::string_view name, std::string_view text)
        : item_(item), name_(name), text_(text) {}

    TensorValue parse() {
        bool element_next = true;  // after '[' or ','; otherwise after an element
        std::size_t p = 0;
        for (;;) {
            while (p < text_.size() && blank(text_[p])) ++p;
            if (p == text_.size()) break;
            const char c = text_[p];
            if (open_.empty() && p > 0) fail("unexpected text after the list's closing ']': '" + rest(p) + "'");
            if (c == ']') {
                if (open_.empty()) fail("a ']' closes no '['");
                close();
                element_next = false;
                ++p;
            } else if (!element_next) {
                if (c != ',') fail("expected ',' or ']' before '" + rest(p) + "'");
                element_next = true;
                ++p;
            } else if (c == ',') {
                fail("expected a number or '[' before '" + rest(p) + "'");
            } else if (c == '[') {
                if (!open_.empty()) element(list_kind);
                if (open_.size() == max_depth)
                    fail("lists nest deeper than " + std::to_string(max_depth) + " levels, more than a tensor has");
                open_.push_back(0);
                ++p;
            } else {
                std::size_t end = p;
                while (end < text_.size() && !blank(text_[end]) && text_[end] != ',' && text_[end] != '[' &&
                       text_[end] != ']')
                    ++end;
                const std::string_view token = text_.substr(p, end - p);
                double value = 0;
                if (!parse_number(token, value))
                    fail("'" + std::string(token) + "' is not a number; write numbers like 2, -0.5 or 1e-3");
                if (open_.empty()) fail("expected '[' before '" + rest(p) + "'");
                element(number_kind);
                ++open_.back();
                value_.reals.push_back(value);
                element_next = false;
                p = end;
            }
        }
        if (!open_.empty()) fail("a '[' is not closed: add ']'");
        // Depths below the deepest list that had elements hold only empty lists.
        for (const Depth& d : depths_) value_.shape.push_back(d.length);
        return std::move(value_);
    }

private:
    static constexpr char number_kind = 'n';
    static constexpr char list_kind = 'l';

    struct Depth {
        bool has_length = false;
        std::size_t length = 0;
        std::vector<std::size_t> length_at;  // the list that fixed `length`
        char kind = 0;                       // of the elements of lists at this depth
        std::vector<std::size_t> kind_at;    // the element that fixed `kind`
    };

    std::string rest(std::size_t p) const {
        std::string shown(text_.substr(p, 20));
        return text_.size() - p > 20 ? shown + "..." : shown;
    }

    // The element or list at `path` (indices from the outermost list): "row 1", "X[1][0]".
    std::string place(const std::vector<std::size_t>& path) const {
        if (path.size() == 1) return "row " + std::to_string(path[0]);
        std::string text(name_);
        for (std::size_t i : path) text.append("[").append(std::to_string(i)).append("]");
        return text;
    }

    // The path of the next element of the innermost open list.
    std::vector<std::size_t> next_path() const { return open_; }

    Depth& depth(std::size_t d) {
        if (depths_.size() <= d) depths_.resize(d + 1);
        return depths_[d];
    }

    // A number or a list begins inside the innermost open list.
    void element(char kind) {
        Depth& d = depth(open_.size() - 1);
        if (d.kind == 0) {
            d.kind = kind;
            d.kind_at = next_path();
        } else if (d.kind != kind) {
            const char* is = kind == number_kind ? " is a number, " : " is a list, ";
            const char* was = d.kind == number_kind ? " a number" : " a list";
            fail(place(next_path()) + is + place(d.kind_at) + was + ": every row must have the same shape");
        }
    }

    void close() {
        const std::size_t count = open_.back();
        open_.pop_back();
        Depth& d = depth(open_.size());
        if (!d.has_length) {
            d.has_length = true;
            d.length = count;
            d.length_at = open_;
        } else if (d.length != count) {
            const auto elements = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " element" : " elements"); };
            fail(place(open_) + " has " + elements(count) + ", " + place(d.length_at) + " has " +
                 std::to_string(d.length) + ": every row must have the same length");
        }
        if (!open_.empty()) ++open_.back();
    }

    [[noreturn]] void fail(const std::string& message) const { throw Error(where(item_) + message); }

    std::string_view item_;
    std::string_view name_;
    std::string_view text_;
    std::vector<std::size_t> open_;  // per open list, outermost first: its elements so far
    std::vector<Depth> depths_;
    TensorValue value_;
};

bool ends_with(std::string_view path, std::string_view suffix) {
    if (path.size() < suffix.size()) return false;
    return std::equal(suffix.begin(), suffix.end(), path.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(b)) == a; });
}

TensorValue read_file_value(std::string_view item, std::string_view path_text) {
    const std::string path(trim(path_text));
    if (path.empty()) throw Error(where(item) + "'@' must be followed by a file name, as in X=@train.npy");
    TensorValue value;
    try {
        if (ends_with(path, ".npy")) {
            NpyArray array = read_npy(path);
            value.shape = std::move(array.shape);
            value.reals = std::move(array.reals);
            value.indices = std::move(array.integers);
            return value;
        }
        if (ends_with(path, ".csv")) {
            const Dataset data = read_csv_file(path);
            const std::size_t rows = data.rows(), columns = data.columns.size();
            value.shape = columns == 1 ? std::vector<std::size_t>{rows} : std::vector<std::size_t>{rows, columns};
            value.reals.resize(rows * columns);
            for (std::size_t c = 0; c < columns; ++c)
                for (std::size_t r = 0; r < rows; ++r) value.reals[r * columns + c] = data.columns[c][r];
            return value;
        }
    } catch (const Error& e) {
        throw Error(where(item) + e.what());
    }
    throw Error(where(item) + "gradc reads tensor values from .npy and .csv files, and '" + path +
                "' is neither; save it with np.save or as CSV");
}

TensorValue parse_value(std::string_view item, std::string_view name, std::string_view text) {
    if (text.front() == '@') return read_file_value(item, text.substr(1));
    if (text.front() == '[') return ListParser(item, name, text).parse();
    TensorValue value;
    double x = 0;
    if (!parse_number(text, x))
        throw Error(where(item) + "the value is not a number, a list like [1,2] or a file like @data.npy");
    value.reals.push_back(x);
    return value;
}

// "y", "y[3]", "X[1,2]": element `k` (in C order) of a tensor of `shape`.
std::string element_name(std::string_view name, const std::vector<std::size_t>& shape, std::size_t k) {
    if (shape.empty()) return std::string(name);
    std::vector<std::size_t> index(shape.size());
    for (std::size_t d = shape.size(); d-- > 0;) {
        index[d] = k % shape[d];
        k /= shape[d];
    }
    std::string text(name);
    for (std::size_t d = 0; d < index.size(); ++d) text.append(d ? "," : "[").append(std::to_string(index[d]));
    return text + "]";
}

}  // namespace

TensorAssignments parse_tensor_assignments(std::string_view at) {
    TensorAssignments assignments;
    if (trim(at).empty()) return assignments;
    for (std::string_view item : split_items(at)) {
        if (item.empty()) throw Error(where(at) + "an item is empty: remove the extra comma");
        const std::size_t eq = item.find('=');
        if (eq == std::string_view::npos)
            throw Error(where(item) + "--at expects name=value items separated by commas, as in --at 'w=[1,2],c=3'");
        const std::string_view name = trim(item.substr(0, eq));
        const std::string_view text = trim(item.substr(eq + 1));
        if (name.empty()) throw Error(where(item) + "the item has no name before '='");
        if (name.find_first_of("[] \t@") != std::string_view::npos)
            throw Error(where(item) + "'" + std::string(name) +
                        "' is not a name: --at gives whole tensors, as in X=[[1,2],[3,4]]");
        if (text.empty()) throw Error(where(item) + "no value after '='");
        assignments.emplace_back(std::string(name), parse_value(item, name, text));
    }
    return assignments;
}

TensorAssignments parse_tensor_options(std::span<const std::string> at_options) {
    TensorAssignments all;
    for (const std::string& at : at_options) {
        for (auto& [name, value] : parse_tensor_assignments(at)) {
            const bool repeated = std::any_of(all.begin(), all.end(), [&](const auto& a) { return a.first == name; });
            if (repeated) throw Error("--at gives " + name + " twice; give each tensor one value");
            all.emplace_back(std::move(name), std::move(value));
        }
    }
    return all;
}

TensorValue to_indices(std::string_view name, const TensorValue& value) {
    TensorValue result;
    result.shape = value.shape;
    if (!value.indices.empty() || value.reals.empty()) {
        result.indices = value.indices;
        return result;
    }
    result.indices.reserve(value.reals.size());
    for (std::size_t k = 0; k < value.reals.size(); ++k) {
        const double x = value.reals[k];
        const auto message = [&](const char* what) {
            return element_name(name, value.shape, k) + " = " + number_text(x) + what;
        };
        if (std::trunc(x) != x) throw Error(message(" is not an integer; data declared int takes whole numbers"));
        // 2^63 is the first double past int64's range; -2^63 is the last one in it.
        if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
            throw Error(message(" is outside the range of a 64-bit integer"));
        result.indices.push_back(static_cast<std::int64_t>(x));
    }
    return result;
}

}  // namespace gradc::cli
