// What every gradc subcommand shares: reading the formula, writing results, and
// turning errors into messages and exit codes.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

#include "gradc/expr.hpp"
#include "gradc/jit.hpp"
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

// The formula's text; throws gradc::Error when there is none or the file is unreadable,
// LimitError when it is longer than --max-length (a file is read no further).
std::string read_formula(const FormulaSource& source);

// The limits every subcommand accepts, as set on the command line: --max-length and
// --max-nesting (ParseLimits), --max-nodes (ExprContext::set_max_nodes) and
// --max-kernel-size (JitOptions::max_kernel_size). The library's defaults unless given.
struct Limits {
    ParseLimits parse;
    std::size_t max_nodes = ExprContext::kDefaultMaxNodes;
    std::size_t max_kernel_size = JitOptions{}.max_kernel_size;
};
const Limits& limits();

// Adds the limit options to the top-level `app` and, as parsing starts, to each of its
// subcommands, so each is accepted before or after the subcommand's name whatever file
// defines the subcommand.
void add_limit_options(CLI::App& app);

// True when the terminal can show "∂": a UTF-8 locale and no --ascii.
bool use_unicode(bool ascii_flag);

}  // namespace gradc::cli
