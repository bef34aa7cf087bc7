// What every gradc subcommand shares: reading the formula, writing results, and
// turning errors into messages and exit codes.
#pragma once

#include <string>

#include "gradc/parse.hpp"

namespace gradc::cli {

// Exit codes: 0 success, 1 a check failed, 2 bad input or usage, 3 a bug in gradc.
inline constexpr int kExitOk = 0;
inline constexpr int kExitCheckFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInternal = 3;

// Where the formula comes from: the EXPR argument, or -f FILE ("-" is standard input).
struct FormulaSource {
    std::string expr;
    std::string file;
};

// The formula's text; throws gradc::Error when there is none or the file is unreadable.
std::string read_formula(const FormulaSource& source);

// True when the terminal can show "∂": a UTF-8 locale and no --ascii.
bool use_unicode(bool ascii_flag);

}  // namespace gradc::cli
