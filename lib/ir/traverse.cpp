#include <unordered_set>
#include <utility>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

std::vector<Expr> topological_order(std::span<const Expr> roots) {
    std::vector<Expr> order;
    std::unordered_set<Expr> seen;
    // Each stack entry is a node and the index of the next operand to visit.
    std::vector<std::pair<Expr, int>> stack;
    for (Expr root : roots) {
        if (!seen.insert(root).second) continue;
        stack.emplace_back(root, 0);
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next < node->arity()) {
                Expr child = node->arg(next++);
                if (seen.insert(child).second) stack.emplace_back(child, 0);
            } else {
                order.push_back(node);
                stack.pop_back();
            }
        }
    }
    return order;
}

std::vector<Expr> free_variables(std::span<const Expr> roots) {
    // A post-order walk meets leaves left to right, which is reading order.
    std::vector<Expr> vars;
    for (Expr e : topological_order(roots))
        if (e->is_var()) vars.push_back(e);
    return vars;
}

}  // namespace gradc
