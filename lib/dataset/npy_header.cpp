// The .npy header (NumPy's format.py documents it): "\x93NUMPY", a major and minor version
// byte, the header's length (2 bytes little-endian in 1.0, 4 in 2.0 and 3.0), then a
// Python dict literal such as {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }
// padded with blanks and a newline. The dict is parsed as Python would read it, for the
// three keys np.load requires and nothing else.
#include "npy_header.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <limits>
#include <optional>
#include <string_view>

#include "gradc/dataset.hpp"

namespace gradc::detail {
namespace {

constexpr std::string_view magic = "\x93NUMPY";
// np.load refuses headers over 10,000 bytes unless told otherwise; gradc allows more
// (a shape of many dimensions), but not so much that a corrupt length allocates gigabytes.
constexpr std::uint32_t max_header_length = 1u << 20;

std::uint32_t little_endian(const std::byte* bytes, int count) {
    std::uint32_t value = 0;
    for (int i = count - 1; i >= 0; --i) value = (value << 8) | std::to_integer<std::uint32_t>(bytes[i]);
    return value;
}

bool python_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// What a dtype string such as '>f8', '<i4' or '|b1' stands for, for messages.
std::string describe_descr(std::string_view descr) {
    std::string order;
    std::string_view rest = descr;
    if (!rest.empty() && (rest.front() == '<' || rest.front() == '>' || rest.front() == '|' || rest.front() == '=')) {
        if (rest.front() == '>') order = "big-endian ";
        if (rest.front() == '|') order = "no byte order, ";
        rest.remove_prefix(1);
    }
    if (rest.empty()) return "an empty dtype";
    const std::string_view size = rest.substr(1);
    const bool digits =
        !size.empty() && std::all_of(size.begin(), size.end(), [](char c) { return c >= '0' && c <= '9'; });
    const std::string bits = digits && size.size() < 4 ? std::to_string(std::stoi(std::string(size)) * 8) : "";
    switch (rest.front()) {
        case 'f': return order + "float" + bits;
        case 'i': return order + "int" + bits;
        case 'u': return order + "uint" + bits;
        case 'c': return order + "complex" + bits;
        case 'b': return "bool";
        case 'O': return "Python objects, stored as a pickle";
        case 'U': return "unicode strings";
        case 'S':
        case 'a': return "byte strings";
        case 'V': return "raw bytes (void)";
        case 'M': return "datetime64";
        case 'm': return "timedelta64";
        default: return "an unknown dtype";
    }
}

NpyDtype dtype_of(const ByteSource& source, std::string_view descr) {
    std::string_view body = descr;
    char order = '=';
    if (!body.empty() && std::string_view("<>|=").find(body.front()) != std::string_view::npos) {
        order = body.front();
        body.remove_prefix(1);
    }
    // '=' and no order mean the writer's native order, which np.load takes as the reader's.
    const bool little = order == '<' || (order == '=' && std::endian::native == std::endian::little);
    if (little && body == "f8") return NpyDtype::float64;
    if (little && body == "i8") return NpyDtype::int64;
    const bool integral = !body.empty() && std::string_view("iub").find(body.front()) != std::string_view::npos;
    std::string message = "dtype '";
    message.append(descr).append("' (").append(describe_descr(descr));
    message.append(") is not supported: gradc reads little-endian float64 ('<f8') and int64 ('<i8'); save it with ");
    message.append(integral ? "np.save(path, arr.astype('<i8'))" : "np.save(path, arr.astype('<f8'))");
    npy_error(source, message);
}

// The dict literal, read as Python reads it: keys and values in any order, blanks
// anywhere between tokens, an optional comma before '}'.
class DictParser {
public:
    DictParser(const ByteSource& source, std::string_view text) : source_(source), text_(text) {}

    void parse(NpyHeader& header) {
        std::optional<std::string> descr;
        std::optional<bool> fortran;
        std::optional<std::vector<std::size_t>> shape;
        skip_blanks();
        expect('{', "the header must be a Python dict beginning with '{'");
        for (;;) {
            skip_blanks();
            if (accept('}')) break;
            const std::string key = string_literal("a key in quotes");
            skip_blanks();
            expect(':', "expected ':' after the key '" + key + "'");
            skip_blanks();
            if (key == "descr") {
                if (peek() == '[')
                    npy_error(source_,
                              "structured dtypes (a list of fields) are not supported: save each field as its own "
                              "array with np.save(path, arr['field'].astype('<f8'))");
                assign(descr, string_literal("the dtype in quotes, such as '<f8'"), key);
            } else if (key == "fortran_order") {
                assign(fortran, boolean(), key);
            } else if (key == "shape") {
                assign(shape, tuple(), key);
            } else {
                fail("unexpected key '" + key + "': the header has exactly 'descr', 'fortran_order' and 'shape'");
            }
            skip_blanks();
            if (accept('}')) break;
            expect(',', "expected ',' or '}' after the value of '" + key + "'");
        }
        skip_blanks();
        if (pos_ != text_.size()) fail("unexpected text after the dict's closing '}'");
        if (!descr) fail("the key 'descr' is missing");
        if (!fortran) fail("the key 'fortran_order' is missing");
        if (!shape) fail("the key 'shape' is missing");
        header.dtype = dtype_of(source_, *descr);
        header.fortran_order = *fortran;
        header.shape = std::move(*shape);
    }

private:
    char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
    bool accept(char c) {
        if (peek() != c || pos_ >= text_.size()) return false;
        ++pos_;
        return true;
    }
    void expect(char c, const std::string& what) {
        if (!accept(c)) fail(what);
    }
    void skip_blanks() {
        while (pos_ < text_.size() && python_blank(text_[pos_])) ++pos_;
    }

    [[noreturn]] void fail(const std::string& what) const {
        // The dict is short and printable in any file np.save wrote: show it, cut.
        std::string shown(text_.substr(0, 160));
        while (!shown.empty() && python_blank(shown.back())) shown.pop_back();
        for (char& c : shown)
            if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
        npy_error(source_, "malformed header at character " + std::to_string(pos_ + 1) + ": " + what +
                               "; the header is " + shown + (text_.size() > 160 ? "..." : ""));
    }

    template <typename T>
    void assign(std::optional<T>& slot, T value, const std::string& key) {
        if (slot) fail("the key '" + key + "' appears twice");
        slot = std::move(value);
    }

    // '...' or "..." without escapes, which no dtype string needs.
    std::string string_literal(const std::string& what) {
        if (peek() == 'u' || peek() == 'U') ++pos_;  // Python 2's u'<f8'
        const char quote = peek();
        if (quote != '\'' && quote != '"') fail("expected " + what);
        const std::size_t end = text_.find(quote, pos_ + 1);
        if (end == std::string_view::npos) fail("a string is not closed");
        const std::string_view body = text_.substr(pos_ + 1, end - pos_ - 1);
        if (body.find_first_of("\\\n") != std::string_view::npos) fail("unexpected escape or line break in a string");
        pos_ = end + 1;
        return std::string(body);
    }

    bool boolean() {
        for (const auto& [word, value] : {std::pair<std::string_view, bool>{"True", true}, {"False", false}}) {
            if (text_.substr(pos_, word.size()) != word) continue;
            const char after = pos_ + word.size() < text_.size() ? text_[pos_ + word.size()] : ' ';
            if (std::isalnum(static_cast<unsigned char>(after)) || after == '_') break;
            pos_ += word.size();
            return value;
        }
        fail("'fortran_order' must be True or False");
    }

    std::size_t dimension() {
        const std::size_t start = pos_;
        std::size_t value = 0;
        while (peek() >= '0' && peek() <= '9') {
            const auto digit = static_cast<std::size_t>(peek() - '0');
            if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10)
                npy_error(source_, "shape overflow: a dimension of the shape does not fit in 64 bits");
            value = value * 10 + digit;
            ++pos_;
        }
        if (pos_ == start) fail("expected a dimension (a non-negative integer) in the shape");
        if (text_[start] == '0' && pos_ - start > 1)
            fail("a dimension has a leading zero, which Python does not allow");
        if (peek() == 'L' || peek() == 'l') ++pos_;  // Python 2 wrote long integers as 3L
        return value;
    }

    std::vector<std::size_t> tuple() {
        expect('(', "the shape must be a tuple such as (2, 3)");
        std::vector<std::size_t> dims;
        bool comma = false;
        skip_blanks();
        while (!accept(')')) {
            dims.push_back(dimension());
            skip_blanks();
            if (accept(')')) break;
            expect(',', "expected ',' or ')' in the shape");
            comma = true;
            skip_blanks();
        }
        // Python reads (3) as the number 3, not a tuple; np.load refuses it too.
        if (dims.size() == 1 && !comma)
            fail("the shape (" + std::to_string(dims[0]) + ") is not a tuple: write (" + std::to_string(dims[0]) +
                 ",)");
        return dims;
    }

    const ByteSource& source_;
    std::string_view text_;
    std::size_t pos_ = 0;
};

}  // namespace

void npy_error(const ByteSource& source, const std::string& message) {
    throw DataError(0, 0, source.name() + ": " + message);
}

std::string npy_shape_text(std::span<const std::size_t> shape) {
    std::string text = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) text.append(i ? ", " : "").append(std::to_string(shape[i]));
    return text.append(shape.size() == 1 ? ",)" : ")");
}

NpyHeader read_npy_header(ByteSource& source) {
    std::array<std::byte, 12> prefix{};
    const std::size_t got = source.read_at(0, prefix);
    const std::string_view start(reinterpret_cast<const char*>(prefix.data()), std::min(got, magic.size()));
    if (start != magic.substr(0, start.size()) || got == 0)
        npy_error(source, "not a NumPy .npy file: it does not begin with \\x93NUMPY (write arrays with np.save)");
    if (got < 10) npy_error(source, "truncated header: the file ends " + std::to_string(got) + " bytes in");
    NpyHeader header;
    header.major_version = std::to_integer<int>(prefix[6]);
    header.minor_version = std::to_integer<int>(prefix[7]);
    if (header.major_version < 1 || header.major_version > 3 || header.minor_version != 0)
        npy_error(source, "unsupported .npy format version " + std::to_string(header.major_version) + "." +
                              std::to_string(header.minor_version) + ": gradc reads versions 1.0, 2.0 and 3.0");
    const int length_bytes = header.major_version == 1 ? 2 : 4;
    if (got < static_cast<std::size_t>(8 + length_bytes))
        npy_error(source, "truncated header: the file ends " + std::to_string(got) + " bytes in");
    const std::uint32_t length = little_endian(prefix.data() + 8, length_bytes);
    if (length > max_header_length)
        npy_error(source, "the header claims " + std::to_string(length) + " bytes; gradc reads headers of up to " +
                              std::to_string(max_header_length) + " bytes");
    header.data_offset = 8 + static_cast<std::uint64_t>(length_bytes) + length;

    std::string text(length, '\0');
    const std::size_t read =
        source.read_at(8 + length_bytes, std::as_writable_bytes(std::span<char>(text.data(), text.size())));
    if (read < length)
        npy_error(source, "truncated header: it should be " + std::to_string(length) + " bytes long, the file has " +
                              std::to_string(read));
    DictParser(source, text).parse(header);

    // Every element and every byte must be countable, even those of a shape with a 0.
    std::uint64_t bytes = 8;
    for (std::size_t d : header.shape) {
        if (d != 0 && bytes > std::numeric_limits<std::uint64_t>::max() / d)
            npy_error(source, "shape overflow: the shape " + npy_shape_text(header.shape) +
                                  " has more bytes than a 64-bit size can count");
        bytes *= std::max<std::size_t>(d, 1);
    }
    const std::uint64_t needed = 8 * static_cast<std::uint64_t>(header.elements());
    const std::uint64_t have = source.size() > header.data_offset ? source.size() - header.data_offset : 0;
    if (have < needed)
        npy_error(source, "truncated data: the shape " + npy_shape_text(header.shape) + " needs " +
                              std::to_string(needed) + " bytes after the header, the file has " + std::to_string(have));
    return header;
}

}  // namespace gradc::detail
