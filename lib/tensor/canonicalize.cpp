// canonicalize(): products of tensors as einsum networks, contracted again in the
// cheapest order found greedily. A network gathers every factor reachable through
// contractions, elementwise products (p0 * p1 without stretching a dimension of 1) and
// transposes, looking through nodes used once; a delta's labels are merged instead of
// multiplying. It is then contracted pair by pair, cheapest intermediate first (cost:
// the product of the labels' sizes, N counted as 1,000), so X' diag(s) X comes out as
// (s · X) contracted with X, and a chain of matrix products in its cheapest order.
#include <algorithm>
#include <map>
#include <numeric>
#include <string>
#include <unordered_map>
#include <vector>

#include "gradc/tensor.hpp"

namespace gradc {
namespace {

constexpr double kRowsCost = 1000;

struct Factor {
    Tensor tensor;
    std::string labels;
};

bool is_product(Tensor t) {
    if (t->kind() != TensorKind::Map || t->operands().size() != 2 || t->body()->op() != Op::Mul) return false;
    const Expr a = t->body()->arg(0), b = t->body()->arg(1);
    const bool placeholders = a->is_var() && b->is_var() && a != b && a->name().size() == 2 && b->name().size() == 2 &&
                              a->name()[0] == 'p' && b->name()[0] == 'p';
    if (!placeholders) return false;
    // No dimension of 1 stretched: every operand axis has the result's size.
    for (const Tensor o : t->operands()) {
        const std::size_t shift = t->shape().rank() - o->shape().rank();
        for (std::size_t k = 0; k < o->shape().rank(); ++k)
            if (o->shape().dims[k] != t->shape().dims[shift + k]) return false;
    }
    return true;
}

bool is_network_node(Tensor t) {
    return t->kind() == TensorKind::Contract || t->kind() == TensorKind::Permute || is_product(t);
}

// The factors of one network being gathered, and its labels.
struct Net {
    std::vector<Factor> factors;
    std::vector<std::pair<char, char>> alias;  // labels a delta equates
    int next = 0;

    char fresh() {
        const char c = next < 26 ? static_cast<char>('a' + next) : static_cast<char>('A' + (next - 26));
        ++next;
        return c;
    }
    std::int64_t size_of(char c) const {
        for (const Factor& f : factors)
            if (const std::size_t at = f.labels.find(c); at != std::string::npos) return f.tensor->shape().dims[at];
        return 1;
    }
    // The multiplications of contracting two factors: the product of their labels' sizes.
    double cost(const std::string& labels) const {
        double c = 1;
        for (std::size_t k = 0; k < labels.size(); ++k) {
            const char l = labels[k];
            if (labels.find(l) != k) continue;  // each label once
            const std::int64_t d = size_of(l);
            c *= d == kRows ? kRowsCost : static_cast<double>(d);
        }
        return c;
    }
    // Labels of factors a and b still needed by other factors or the output.
    std::string kept(std::size_t a, std::size_t b, const std::string& out) const {
        std::string result;
        for (const char c : factors[a].labels + factors[b].labels) {
            if (result.find(c) != std::string::npos) continue;
            bool needed = out.find(c) != std::string::npos;
            for (std::size_t k = 0; k < factors.size() && !needed; ++k)
                needed = k != a && k != b && factors[k].labels.find(c) != std::string::npos;
            if (needed) result.push_back(c);
        }
        return result;
    }
};

class Canonicalizer {
public:
    Canonicalizer(TensorContext& ctx, std::span<const Tensor> outputs) : ctx_(ctx) {
        const std::vector<Tensor> order = tensor_order(outputs);
        for (const Tensor t : order)
            for (const Tensor o : t->operands()) ++uses_[o];
        for (const Tensor o : outputs) ++uses_[o];
        // Operands before their users: each node finds its operands' rewrites done.
        for (const Tensor t : order) {
            if (t->kind() == TensorKind::Contract || is_product(t))
                done_[t] = network(t);
            else
                done_[t] = rebuild(t, canonical_operands(t));
        }
    }

    Tensor rewritten(Tensor t) const { return done_.at(t); }

private:
    // The node `t` (its operands already canonical) built again.
    Tensor rebuild(Tensor t, const std::vector<Tensor>& o) {
        switch (t->kind()) {
            case TensorKind::Param:
            case TensorKind::Data:
            case TensorKind::Constant:
            case TensorKind::Delta: return t;
            case TensorKind::Map: return ctx_.map(t->body(), o);
            case TensorKind::Contract:
                return ctx_.contract(std::string(t->labels(0)) + "," + std::string(t->labels(1)) + "->" +
                                         std::string(t->output_labels()),
                                     o[0], o[1]);
            case TensorKind::Sum: return ctx_.sum(o[0], t->axes());
            case TensorKind::Max: return ctx_.max(o[0], t->axes());
            case TensorKind::Broadcast: return ctx_.broadcast(o[0], t->shape(), t->axes());
            case TensorKind::Permute: return ctx_.permute(o[0], t->axes());
            case TensorKind::Reshape: return ctx_.reshape(o[0], t->shape());
            case TensorKind::Gather: return ctx_.gather(o[0], t->axes()[0], o[1]);
            case TensorKind::ScatterAdd: return ctx_.scatter_add(t->shape(), t->axes()[0], o[0], o[1]);
            case TensorKind::View: return ctx_.view(o[0], t->shape(), {t->affine().begin(), t->affine().end()});
            case TensorKind::ViewAdjoint:
                return ctx_.view_adjoint(o[0], t->shape(), {t->affine().begin(), t->affine().end()});
        }
        return t;
    }

    // The factors of `root`, whose axes carry `labels`, looking through the network
    // nodes used once (with an explicit stack: a chain of products may be long).
    void gather_factors(Net& net, Tensor root, const std::string& labels) {
        std::vector<std::pair<Tensor, std::string>> stack{{root, labels}};
        bool first = true;
        while (!stack.empty()) {
            auto [t, l] = stack.back();
            stack.pop_back();
            const bool inside = first || (uses_[t] == 1 && is_network_node(t));
            first = false;
            if (inside && t->kind() == TensorKind::Permute) {
                std::string inner(l.size(), ' ');
                for (std::size_t k = 0; k < l.size(); ++k) inner[t->axes()[k]] = l[k];
                stack.emplace_back(t->operand(0), inner);
            } else if (inside && t->kind() == TensorKind::Contract) {
                std::map<char, char> local;  // the node's own labels -> the network's
                const std::string out(t->output_labels());
                for (std::size_t k = 0; k < out.size(); ++k) local[out[k]] = l[k];
                for (std::size_t i = 2; i-- > 0;) {
                    std::string mine;
                    for (const char c : t->labels(i)) {
                        if (!local.count(c)) local[c] = net.fresh();
                        mine.push_back(local[c]);
                    }
                    stack.emplace_back(t->operand(i), mine);
                }
            } else if (inside && is_product(t)) {
                for (std::size_t i = 2; i-- > 0;) {
                    const Tensor o = t->operand(i);
                    stack.emplace_back(o, l.substr(l.size() - o->shape().rank()));
                }
            } else if (t->kind() == TensorKind::Delta && l.size() == 2) {
                net.alias.emplace_back(l[0], l[1]);
            } else {
                net.factors.push_back({done_.at(t), l});
            }
        }
    }

    Tensor network(Tensor t) {
        Net net;
        std::string out;
        for (std::size_t k = 0; k < t->shape().rank(); ++k) out.push_back(net.fresh());
        gather_factors(net, t, out);
        // A delta's two labels are one: rename the second to the first everywhere.
        for (std::size_t i = 0; i < net.alias.size(); ++i) {
            const auto [keep, drop] = net.alias[i];
            for (Factor& f : net.factors) std::replace(f.labels.begin(), f.labels.end(), drop, keep);
            std::replace(out.begin(), out.end(), drop, keep);
            for (auto& [k2, d2] : net.alias) {
                if (k2 == drop) k2 = keep;
                if (d2 == drop) d2 = keep;
            }
        }
        bool repeated = false;  // an output label twice: a diagonal, left as it was
        for (std::size_t k = 0; k < out.size(); ++k) repeated = repeated || out.find(out[k]) != k;
        for (const Factor& f : net.factors)
            for (std::size_t k = 0; k < f.labels.size(); ++k) repeated = repeated || f.labels.find(f.labels[k]) != k;
        if (repeated || net.factors.empty() || net.next > 52) return rebuild(t, canonical_operands(t));
        // Labels in one factor only and not in the output are summed first.
        for (Factor& f : net.factors) {
            std::vector<std::size_t> lonely;
            std::string rest;
            for (std::size_t k = 0; k < f.labels.size(); ++k) {
                const char c = f.labels[k];
                std::size_t holders = 0;
                for (const Factor& g : net.factors) holders += g.labels.find(c) != std::string::npos ? 1 : 0;
                if (holders == 1 && out.find(c) == std::string::npos)
                    lonely.push_back(k);
                else
                    rest.push_back(c);
            }
            if (!lonely.empty()) f = Factor{ctx_.sum(f.tensor, lonely), rest};
        }
        // Factors in an order that does not depend on how the products were nested (by
        // node, then by where their labels go), cheapest pair first, ties to the earliest
        // pair: the same network always contracts the same way, so this is idempotent.
        const auto signature = [&out](const Factor& f) {
            std::vector<std::size_t> s;
            for (const char c : f.labels) {
                const std::size_t at = out.find(c);
                s.push_back(at == std::string::npos ? out.size() : at);
            }
            return s;
        };
        std::sort(net.factors.begin(), net.factors.end(), [&](const Factor& a, const Factor& b) {
            if (a.tensor->id() != b.tensor->id()) return a.tensor->id() < b.tensor->id();
            const auto sa = signature(a), sb = signature(b);
            return sa != sb ? sa < sb : a.labels < b.labels;
        });
        while (net.factors.size() > 1) {
            std::size_t best_a = 0, best_b = 1;
            double best = -1;
            for (std::size_t a = 0; a < net.factors.size(); ++a)
                for (std::size_t b = a + 1; b < net.factors.size(); ++b) {
                    const double c = net.cost(net.factors[a].labels + net.factors[b].labels);
                    if (best < 0 || c < best) {
                        best = c;
                        best_a = a;
                        best_b = b;
                    }
                }
            const std::string result = net.factors.size() == 2 ? out : net.kept(best_a, best_b, out);
            const Factor& fa = net.factors[best_a];
            const Factor& fb = net.factors[best_b];
            const Tensor joined = ctx_.contract(fa.labels + "," + fb.labels + "->" + result, fa.tensor, fb.tensor);
            net.factors.erase(net.factors.begin() + static_cast<std::ptrdiff_t>(best_b));
            net.factors[best_a] = Factor{joined, result};
        }
        const Factor& last = net.factors.front();
        if (last.labels == out) return last.tensor;
        std::vector<std::size_t> perm;
        for (const char c : out) perm.push_back(last.labels.find(c));
        return ctx_.permute(last.tensor, perm);
    }

    std::vector<Tensor> canonical_operands(Tensor t) const {
        std::vector<Tensor> o;
        for (const Tensor x : t->operands()) o.push_back(done_.at(x));
        return o;
    }

    TensorContext& ctx_;
    std::unordered_map<Tensor, std::size_t> uses_;
    std::unordered_map<Tensor, Tensor> done_;
};

}  // namespace

std::vector<Tensor> canonicalize(TensorContext& ctx, std::span<const Tensor> outputs) {
    // A pass can expose more (a product whose other user went away is inlined next
    // time), so passes repeat until nothing changes: the result is a fixed point.
    std::vector<Tensor> current(outputs.begin(), outputs.end());
    for (int pass = 0; pass < 16; ++pass) {
        const Canonicalizer c(ctx, current);
        std::vector<Tensor> next;
        for (const Tensor t : current) next.push_back(c.rewritten(t));
        if (next == current) break;
        current = std::move(next);
    }
    return current;
}

}  // namespace gradc
