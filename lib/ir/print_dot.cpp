// A Graphviz digraph of the DAG: every distinct node once, so the drawing shows the
// sharing that infix text hides in bindings and LaTeX repeats.
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gradc/print.hpp"

namespace gradc {

namespace {

void append_quoted(std::string& out, std::string_view s) {
    out += '"';
    for (char ch : s) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (ch == '\n') {
            out += "\\n";
        } else {
            out += ch;
        }
    }
    out += '"';
}

}  // namespace

std::string to_dot(std::span<const Expr> outputs) {
    // Topological order makes the numbering, and so the text, the same in every run.
    const std::vector<Expr> order = topological_order(outputs);
    std::unordered_map<Expr, std::size_t> index;
    index.reserve(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) index.emplace(order[i], i);
    const std::unordered_set<Expr> is_output(outputs.begin(), outputs.end());

    std::string out = "digraph gradc {\n  node [fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n";
    for (std::size_t i = 0; i < order.size(); ++i) {
        Expr e = order[i];
        const std::string id = "n" + std::to_string(i);
        out += "  " + id + " [label=";
        if (e->is_const()) {
            append_quoted(out, format_number(e->value()));
            out += ", shape=plaintext";
        } else if (e->is_var()) {
            append_quoted(out, e->name());
            out += ", shape=ellipse";
        } else {
            append_quoted(out, op_info(e->op()).spelling);
            out += ", shape=box";
        }
        if (is_output.contains(e)) out += ", peripheries=2";
        out += "];\n";
        // Operand order matters only when the op does not commute.
        const bool numbered = e->arity() > 1 && !op_info(e->op()).commutative;
        for (int k = 0; k < e->arity(); ++k) {
            out += "  " + id + " -> n" + std::to_string(index.at(e->arg(k)));
            if (numbered) out += " [label=\"" + std::to_string(k) + "\"]";
            out += ";\n";
        }
    }
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        const std::string id = "out" + std::to_string(k);
        out += "  " + id + " [label=\"" + id + "\", shape=plaintext];\n";
        out += "  " + id + " -> n" + std::to_string(index.at(outputs[k])) + " [style=dashed];\n";
    }
    out += "}\n";
    return out;
}

}  // namespace gradc
