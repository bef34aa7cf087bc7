// Helpers for tests of the gradc subcommands: running the built command and reading
// numbers back out of its text and JSON output.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <initializer_list>
#include <string>

#include "support/run_command.hpp"

namespace gradc::testing {

inline CommandResult run_gradc(const std::string& args, const std::string& env = "LANG=C.UTF-8 LC_ALL=C.UTF-8") {
    return run_command(env + " " GRADC_CLI_PATH " " + args);
}

// Standard output alone (`stream` 1) or standard error alone (2).
inline CommandResult run_gradc_stream(int stream, const std::string& args) {
    const std::string command = "LANG=C.UTF-8 LC_ALL=C.UTF-8 " GRADC_CLI_PATH " " + args;
    return run_command("( " + command + (stream == 1 ? " 2>/dev/null )" : " 2>&1 >/dev/null )"));
}

// The raw JSON token after the keys `path`, each looked up after the previous one:
// {"hessian": {"x": {"y": 12}}} with {"hessian", "x", "y"} gives "12". Enough for
// gradc's flat, known shapes; empty when a key is missing.
inline std::string json_token(const std::string& json, std::initializer_list<std::string> path) {
    std::size_t at = 0;
    for (const std::string& key : path) {
        at = json.find("\"" + key + "\": ", at);
        if (at == std::string::npos) return "";
        at += key.size() + 4;
    }
    const std::size_t end = json.find_first_of(",}]", at);
    return json.substr(at, end - at);
}

// The number after "label = " on its own line of text output (NaN when absent).
inline double text_number(const std::string& out, const std::string& label) {
    const std::string key = "\n" + label + " = ";
    const std::size_t at = ("\n" + out).find(key);
    if (at == std::string::npos) return std::nan("");
    return std::strtod(out.c_str() + at + key.size() - 1, nullptr);
}

// Runs gradc and requires exit code 2 and exactly "gradc: error: `message`" on the
// error stream: a mistake that says what to do.
inline void check_error(const std::string& args, const std::string& message) {
    INFO("gradc " << args);
    const CommandResult r = run_gradc(args);
    CHECK(r.exit_code == 2);
    CHECK(r.out == "gradc: error: " + message + "\n");
}

// strtod of a whole token, NaN when the token is not entirely a number.
inline double parse_number(const std::string& token) {
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    return !token.empty() && end == token.c_str() + token.size() ? v : std::nan("");
}

}  // namespace gradc::testing
