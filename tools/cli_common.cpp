#include "cli_common.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "gradc/error.hpp"

namespace gradc::cli {

std::string read_formula(const FormulaSource& source) {
    if (!source.expr.empty() && !source.file.empty())
        throw Error("give the formula either as EXPR or with -f FILE, not both");
    if (source.file.empty()) {
        if (source.expr.empty()) throw Error("no formula given: try gradc \"x^2*sin(y)\", or -f FILE");
        return source.expr;
    }
    if (source.file == "-") return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
    std::ifstream in(source.file, std::ios::binary);
    if (!in) throw Error("cannot read formula file '" + source.file + "'");
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
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
