#include <algorithm>
#include <utility>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

std::vector<Expr> topological_order(std::span<const Expr> roots) {
    // Children have smaller ids than parents, so a bitmap up to the largest root id
    // marks every reachable node.
    std::uint32_t max_id = 0;
    for (Expr r : roots) max_id = std::max(max_id, r->id());
    std::vector<bool> seen(std::size_t{max_id} + 1, false);
    std::vector<Expr> order;
    // Each stack entry is a node and the index of the next operand to visit.
    std::vector<std::pair<Expr, int>> stack;
    for (Expr root : roots) {
        if (seen[root->id()]) continue;
        seen[root->id()] = true;
        stack.emplace_back(root, 0);
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next < node->arity()) {
                Expr child = node->arg(next++);
                if (!seen[child->id()]) {
                    seen[child->id()] = true;
                    stack.emplace_back(child, 0);
                }
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
