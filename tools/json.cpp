#include "json.hpp"

#include <cmath>
#include <ostream>

#include "gradc/error.hpp"
#include "gradc/print.hpp"

namespace gradc::cli {
namespace {

void write(std::ostream& out, const Json& json, std::ostream& warnings, const std::string& path) {
    if (const double* number = std::get_if<double>(&json.value)) {
        if (std::isfinite(*number)) {
            out << shortest_number(*number);
            return;
        }
        out << "null";
        const char* what = std::isnan(*number) ? "NaN" : (*number > 0 ? "inf" : "-inf");
        warnings << "gradc: warning: " << path << " is " << what << ", which JSON cannot hold; written as null\n";
    } else if (const bool* truth = std::get_if<bool>(&json.value)) {
        out << (*truth ? "true" : "false");
    } else if (const std::string* text = std::get_if<std::string>(&json.value)) {
        out << json_string(*text);
    } else if (const JsonArray* array = std::get_if<JsonArray>(&json.value)) {
        out << '[';
        for (std::size_t i = 0; i < array->size(); ++i) {
            if (i) out << ", ";
            std::string item = path;
            item.append("[").append(std::to_string(i)).append("]");
            write(out, (*array)[i], warnings, item);
        }
        out << ']';
    } else {
        const auto& object = std::get<JsonObject>(json.value);
        out << '{';
        for (std::size_t i = 0; i < object.size(); ++i) {
            if (i) out << ", ";
            out << json_string(object[i].first) << ": ";
            std::string member = path;
            member.append(path.empty() ? "" : ".").append(object[i].first);
            write(out, object[i].second, warnings, member);
        }
        out << '}';
    }
}

}  // namespace

Json one_or_array(JsonArray items) {
    if (items.size() == 1) return std::move(items.front());
    return Json(std::move(items));
}

void write_json(std::ostream& out, const Json& json, std::ostream& warnings) {
    write(out, json, warnings, "");
    out << '\n';
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
            case '"': out.append("\\\""); break;
            case '\\': out.append("\\\\"); break;
            case '\n': out.append("\\n"); break;
            case '\r': out.append("\\r"); break;
            case '\t': out.append("\\t"); break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                // Other control characters have no short escape; UTF-8 bytes pass through.
                    constexpr char hex[] = "0123456789abcdef";
                    out.append("\\u00").push_back(hex[(c >> 4) & 0xf]);
                    out.push_back(hex[c & 0xf]);
                } else {
                    out.push_back(c);
                }
        }
    }
    out.push_back('"');
    return out;
}

}  // namespace gradc::cli
