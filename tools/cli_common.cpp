#include "cli_common.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "gradc/error.hpp"

namespace gradc::cli {

namespace {

Limits& settable_limits() {
    static Limits limits;
    return limits;
}

// At most max_length + 1 bytes of `in`: enough to tell that a text is too long
// without holding all of it.
std::string read_bounded(std::istream& in) {
    const std::size_t most = limits().parse.max_length;
    std::string text;
    char buffer[1 << 16];
    while (text.size() <= most && in.read(buffer, sizeof buffer).gcount() > 0)
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
    return text;
}

}  // namespace

const Limits& limits() { return settable_limits(); }

void add_limit_options(CLI::App& app) {
    Limits& l = settable_limits();
    const auto number = [](std::size_t v) { return " (default " + std::to_string(v) + ")"; };
    app.add_option("--max-length", l.parse.max_length,
                   "the longest formula accepted, in bytes" + number(l.parse.max_length));
    app.add_option("--max-nesting", l.parse.max_nesting,
                   "the deepest nesting of parentheses and calls accepted" + number(l.parse.max_nesting));
    app.add_option("--max-nodes", l.max_nodes,
                   "the most distinct nodes a formula and its derivatives may take" + number(l.max_nodes));
    app.add_option("--max-kernel-size", l.max_kernel_size,
                   "the most instructions one compiled kernel may have" + number(l.max_kernel_size));
    if (app.get_parent() != nullptr) return;
    // Subcommands are defined after the top level, each in its own file: they get the
    // options once all exist, before any argument is read.
    app.preparse_callback([&app](std::size_t) {
        for (CLI::App* sub : app.get_subcommands({}))
            if (sub->get_option_no_throw("--max-length") == nullptr) add_limit_options(*sub);
    });
}

std::string read_formula(const FormulaSource& source) {
    if (!source.expr.empty() && !source.file.empty())
        throw Error("give the formula either as EXPR or with -f FILE, not both");
    std::string text;
    if (source.file.empty()) {
        if (source.expr.empty()) throw Error("no formula given: try gradc \"x^2*sin(y)\", or -f FILE");
        text = source.expr;
    } else if (source.file == "-") {
        text = read_bounded(std::cin);
    } else {
        std::ifstream in(source.file, std::ios::binary);
        if (!in) throw Error("cannot read formula file '" + source.file + "'");
        text = read_bounded(in);
    }
    // Here rather than only in parse(): every subcommand reads its formula here, and a
    // file is not read past the limit.
    const std::size_t most = limits().parse.max_length;
    if (text.size() > most)
        throw LimitError("the formula is longer than the limit of " + std::to_string(most) +
                         " bytes: raise it with --max-length");
    return text;
}

bool use_unicode(bool ascii_flag) {
    if (ascii_flag) return false;
    // The locale variables in order of precedence, as setlocale reads them.
    for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
        const char* value = std::getenv(name);
        if (value == nullptr || *value == '\0') continue;
        std::string v(value);
        std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
        return v.find("utf-8") != std::string::npos || v.find("utf8") != std::string::npos;
    }
    return false;
}

}  // namespace gradc::cli
