// How printed fragments combine: parentheses by precedence, calls, postfix forms,
// numbers, names and index names, for text and LaTeX alike.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "gradc/print.hpp"
#include "ir/latex_names.hpp"
#include "tensor/print.hpp"

namespace gradc::tensor {

namespace {

std::size_t deepest(std::span<const Fragment> parts) {
    std::size_t d = 0;
    for (const Fragment& f : parts) d = std::max(d, f.depth);
    return d;
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
    std::string out;
    ir::append_latex_variable(out, name);
    return out;
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
