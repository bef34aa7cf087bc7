// A small JSON value and its writer, for --json output. Objects keep their keys in
// the order they were added, since gradc lists variables by first appearance.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace gradc::cli {

struct Json;
using JsonArray = std::vector<Json>;
using JsonObject = std::vector<std::pair<std::string, Json>>;

struct Json {
    std::variant<double, std::string, JsonArray, JsonObject, bool> value;

    Json(double v) : value(v) {}
    Json(bool v) : value(v) {}
    Json(std::string v) : value(std::move(v)) {}
    Json(const char* v) : value(std::string(v)) {}  // not the bool a pointer converts to
    Json(JsonArray v) : value(std::move(v)) {}
    Json(JsonObject v) : value(std::move(v)) {}
};

// `items` as a JSON array, or the one item itself: a formula with one result gets
// plain values, one with several gets arrays in result order.
Json one_or_array(JsonArray items);

// Writes `json` on one line followed by a newline: `{"a": 1, "b": [2, 3]}`. Numbers
// are the shortest text that reads back as the same double; NaN and infinities,
// which JSON lacks, are written as null with a warning on `warnings` naming the entry
// (as in `gradient.y`).
void write_json(std::ostream& out, const Json& json, std::ostream& warnings);

// `text` as a JSON string literal, quotes included.
std::string json_string(const std::string& text);

}  // namespace gradc::cli
