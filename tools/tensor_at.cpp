// A minimal reader of --at values for tensor programs: numbers and nested lists in
// brackets, split at the commas outside brackets.
#include "tensor_at.hpp"

#include <charconv>
#include <cstddef>
#include <string_view>
#include <system_error>
#include <vector>

#include "gradc/error.hpp"

namespace gradc::cli {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

[[noreturn]] void malformed(std::string_view name, std::string_view why) {
    std::string message = "the value of ";
    message.append(name).append(" in --at ").append(why);
    throw Error(message.append("; write a number (x=1) or a list in brackets (w=[0.5,-1], X=[[1,2],[3,4]])"));
}

bool parse_number(std::string_view text, double& value) {
    text = trim(text);
    if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    return !text.empty() && ec == std::errc() && ptr == end;
}

// A nested list: every list at one depth must have the length of the first.
TensorValue parse_list(std::string_view name, std::string_view text) {
    TensorValue value;
    std::vector<std::size_t> lengths;   // items so far in each open list
    std::vector<bool> known;            // whether shape[depth] is fixed
    std::size_t depth = 0, leaf_depth = 0;
    bool leaf_depth_known = false;
    std::size_t i = 0;
    const auto number_end = [&](std::size_t from) { return text.find_first_of(",]", from); };
    while (i < text.size()) {
        const char c = text[i];
        if (c == ' ' || c == '\t') {
            ++i;
        } else if (c == '[') {
            if (depth > 0 && leaf_depth_known && depth >= leaf_depth) malformed(name, "mixes numbers and lists");
            if (depth == value.shape.size()) {
                value.shape.push_back(0);
                known.push_back(false);
            }
            lengths.resize(depth + 1);
            lengths[depth] = 0;
            ++depth;
            ++i;
        } else if (c == ']') {
            if (depth == 0) malformed(name, "has an unmatched ']'");
            --depth;
            if (!known[depth]) {
                value.shape[depth] = lengths[depth];
                known[depth] = true;
            } else if (value.shape[depth] != lengths[depth]) {
                malformed(name, "has rows of different lengths");
            }
            if (depth > 0) ++lengths[depth - 1];
            ++i;
            if (depth == 0 && trim(text.substr(i)).size() > 0) malformed(name, "has text after its closing ']'");
        } else if (c == ',') {
            ++i;
        } else {
            if (depth == 0) malformed(name, "is not a number or a list");
            if (!leaf_depth_known) {
                leaf_depth = depth;
                leaf_depth_known = true;
            } else if (leaf_depth != depth) {
                malformed(name, "mixes numbers and lists");
            }
            const std::size_t end = number_end(i);
            double v = 0;
            if (end == std::string_view::npos || !parse_number(text.substr(i, end - i), v))
                malformed(name, "holds something that is not a number");
            value.reals.push_back(v);
            ++lengths[depth - 1];
            i = end;
        }
    }
    if (depth != 0) malformed(name, "lacks a closing ']'");
    if (leaf_depth_known && leaf_depth != value.shape.size()) malformed(name, "mixes numbers and lists");
    return value;
}

}  // namespace

NamedTensorValues parse_tensor_at(std::span<const std::string> items) {
    NamedTensorValues values;
    for (const std::string& item : items) {
        std::string_view rest = item;
        while (!trim(rest).empty()) {
            const std::size_t eq = rest.find('=');
            const std::string_view name = trim(rest.substr(0, eq));
            if (eq == std::string_view::npos || name.empty())
                throw Error("--at expects name=value, as in --at w=[0.5,-1] or --at x=1,y=2");
            rest.remove_prefix(eq + 1);
            // The value runs to the first comma outside brackets.
            std::size_t end = 0;
            int open = 0;
            for (; end < rest.size(); ++end) {
                if (rest[end] == '[') ++open;
                if (rest[end] == ']') --open;
                if (rest[end] == ',' && open == 0) break;
            }
            const std::string_view text = trim(rest.substr(0, end));
            rest.remove_prefix(end == rest.size() ? end : end + 1);
            if (!text.empty() && text.front() == '@') malformed(name, "names a file, which this gradc cannot read yet");
            if (!text.empty() && text.front() == '[') {
                values.emplace_back(std::string(name), parse_list(name, text));
                continue;
            }
            double v = 0;
            if (!parse_number(text, v)) malformed(name, "is not a number: '" + std::string(text) + "'");
            values.emplace_back(std::string(name), TensorValue{{}, {v}, {}});
        }
    }
    return values;
}

}  // namespace gradc::cli
