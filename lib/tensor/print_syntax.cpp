// How printed fragments combine: parentheses by precedence, calls, postfix forms,
// numbers, names and index names, for text and LaTeX alike.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "gradc/print.hpp"
#include "tensor/print.hpp"

namespace gradc::tensor {

namespace {

std::size_t deepest(std::span<const Fragment> parts) {
    std::size_t d = 0;
    for (const Fragment& f : parts) d = std::max(d, f.depth);
    return d;
}

bool is_greek(std::string_view s) {
    static constexpr std::array<std::string_view, 35> kGreek = {
        "alpha", "beta",  "gamma",  "delta", "epsilon", "zeta",  "eta",     "theta", "iota", "kappa", "lambda", "mu",
        "nu",    "xi",    "pi",     "rho",   "sigma",   "tau",   "upsilon", "phi",   "chi",  "psi",   "omega",  "Gamma",
        "Delta", "Theta", "Lambda", "Xi",    "Pi",      "Sigma", "Upsilon", "Phi",   "Psi",  "Omega", "varphi"};
    return std::find(kGreek.begin(), kGreek.end(), s) != kGreek.end();
}

std::string latex_word(std::string_view word) {
    if (is_greek(word)) return "\\" + std::string(word);
    std::string escaped;
    for (const char c : word) {
        if (c == '_' || c == '#' || c == '$' || c == '%' || c == '&' || c == '{' || c == '}') escaped += '\\';
        escaped += c;
    }
    return word.size() == 1 ? escaped : "\\mathit{" + escaped + "}";
}

}  // namespace

Fragment atom(std::string text, Shape shape) { return Fragment{std::move(text), kPrintAtom, Product::None, 0, shape}; }

Fragment parenthesized(const Syntax& s, const Fragment& f, int at_least) {
    if (f.prec >= at_least) return f;
    return Fragment{s.open() + f.text + s.close(), kPrintAtom, Product::None, f.depth + 1, f.shape};
}

Fragment infix(const Syntax& s, const Fragment& a, std::string_view op, const Fragment& b, int prec, Product product) {
    const bool mixes_left = a.prec == kPrintProduct && prec == kPrintProduct && a.product != product;
    const bool left = a.prec < (prec == kPrintCompare ? kPrintSum : prec) || mixes_left;
    const bool associates = product == Product::Matrix && b.product == Product::Matrix;
    const bool right = b.prec < prec || (b.prec == prec && !associates) ||
                       (prec != kPrintCompare && !b.text.empty() && b.text.front() == '-');
    const Fragment l = left ? parenthesized(s, a, kPrintAtom) : a;
    const Fragment r = right ? parenthesized(s, b, kPrintAtom) : b;
    return Fragment{l.text + std::string(op) + r.text, prec, product, std::max(l.depth, r.depth) + 1, a.shape};
}

Fragment call(const Syntax& s, std::string_view name, std::span<const Fragment> args) {
    std::string text(name);
    text += s.open();
    for (std::size_t k = 0; k < args.size(); ++k) {
        if (k) text += ", ";
        text += args[k].text;
    }
    text += s.close();
    return Fragment{std::move(text), kPrintAtom, Product::None, deepest(args) + 1, {}};
}

Fragment postfix(const Syntax& s, const Fragment& base, std::string_view suffix) {
    const Fragment b = parenthesized(s, base, kPrintAtom);
    return Fragment{b.text + std::string(suffix), kPrintAtom, Product::None, b.depth, base.shape};
}

Fragment number(const Syntax& s, double v) {
    std::string text = format_number(v);
    const bool negative = std::signbit(v) && !std::isnan(v);
    if (s.latex()) {
        if (std::isnan(v)) return atom("\\mathrm{NaN}");
        if (std::isinf(v)) text = negative ? "-\\infty" : "\\infty";
        if (text == "pi" || text == "-pi") text = negative ? "-\\pi" : "\\pi";
        const std::size_t e = text.find('e');
        if (e != std::string::npos && e > 0 && text[e - 1] >= '0' && text[e - 1] <= '9') {
            std::string exponent = text.substr(e + 1);
            if (!exponent.empty() && exponent.front() == '+') exponent.erase(0, 1);
            text = text.substr(0, e) + " \\cdot 10^{" + exponent + "}";
            return Fragment{text, negative ? kPrintUnary : kPrintProduct, Product::Matrix, 0, {}};
        }
    }
    return Fragment{text, negative ? kPrintUnary : kPrintAtom, Product::None, 0, {}};
}

std::string name_text(const Syntax& s, std::string_view name) {
    if (!s.latex()) return std::string(name);
    // theta_1 -> \theta_{1}, W1 -> W_{1}, lr -> \mathit{lr}.
    std::size_t split = name.find('_'), sub_at = split + 1;
    if (split == std::string_view::npos) {
        split = name.size();
        while (split > 1 && name[split - 1] >= '0' && name[split - 1] <= '9') --split;
        sub_at = split;
    }
    if (split == 0 || sub_at >= name.size()) return latex_word(name);
    return latex_word(name.substr(0, split)) + "_{" + latex_word(name.substr(sub_at)) + "}";
}

std::string shape_text(const Shape& shape) {
    std::string text = "(";
    for (std::size_t k = 0; k < shape.rank(); ++k) {
        if (k) text += ", ";
        text += shape.dims[k] == kRows ? "N" : std::to_string(shape.dims[k]);
    }
    return text + (shape.rank() == 1 ? ",)" : ")");
}

Fragment element(const Syntax& s, const Fragment& base, std::span<const std::string> index) {
    if (index.empty()) return base;
    std::string joined;
    for (std::size_t k = 0; k < index.size(); ++k) joined += (k ? "," : "") + index[k];
    if (!s.latex()) return postfix(s, base, "[" + joined + "]");
    const Fragment b = parenthesized(s, base, kPrintAtom);
    const bool grouped =
        b.text.find_first_of("_^") != std::string::npos && b.text.rfind("\\right)") == std::string::npos;
    return Fragment{
        (grouped ? "{" + b.text + "}" : b.text) + "_{" + joined + "}", kPrintAtom, Product::None, b.depth, {}};
}

std::string IndexNames::fresh(bool rows) {
    if (rows && !taken_.count("n") && used_.insert("n").second) return "n";
    static constexpr std::string_view kPool = "ijklmpqrsuvabcdefghowxyz";
    while (next_ < kPool.size()) {
        std::string name(1, kPool[next_++]);
        if (!taken_.count(name) && used_.insert(name).second) return name;
    }
    for (std::size_t k = 1;; ++k) {
        std::string name = "i" + std::to_string(k);
        if (!taken_.count(name) && used_.insert(name).second) return name;
    }
}

std::vector<std::string> IndexNames::for_shape(const Shape& shape) {
    std::vector<std::string> names;
    for (const std::int64_t d : shape.dims) names.push_back(fresh(d == kRows));
    return names;
}

}  // namespace gradc::tensor
