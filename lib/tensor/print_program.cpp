// A whole program printed: one walk in topological order that prints each node from its
// operands' fragments and decides which nodes are bound to names. Index form binds
// every node but the inputs and scalar constants; matrix form binds what is used more
// than once (unless it is an input, a transposed or broadcast input), what is named, what
// nests too deep, and what it can only say in index form.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/tensor_print.hpp"
#include "tensor/print.hpp"

namespace gradc {

namespace {

using tensor::Fragment;

bool is_leaf(Tensor t) {
    return t->kind() == TensorKind::Param || t->kind() == TensorKind::Data ||
           (t->kind() == TensorKind::Constant && t->shape().rank() == 0);
}

class ProgramPrinter {
public:
    ProgramPrinter(std::span<const Tensor> outputs, TensorForm form, TensorSyntax syntax,
                   const TensorPrintOptions& options)
        : outputs_(outputs), form_(form), s_{syntax}, options_(options), order_(tensor_order(outputs)) {
        for (const Tensor t : order_)
            if (t->kind() == TensorKind::Param || t->kind() == TensorKind::Data) taken_.emplace(t->name());
        for (const auto& [t, name] : options.names) {
            if (taken_.count(name) && !named_.count(t))
                throw SemanticError("the print name '" + name + "' is already a tensor's or another node's name");
            taken_.insert(name);
            named_.emplace(t, name);
        }
        for (std::size_t k = 0; k < order_.size(); ++k) at_.emplace(order_[k], k);
        uses_.assign(order_.size(), 0);
        for (const Tensor t : order_) {
            if (t->kind() == TensorKind::Map) {
                const std::vector<std::size_t> uses =
                    tensor::placeholder_uses(t->body(), t->operands().size(), options_.share_above);
                for (std::size_t k = 0; k < uses.size(); ++k) uses_[at_[t->operand(k)]] += uses[k];
            } else {
                for (const Tensor o : t->operands()) ++uses_[at_[o]];
            }
        }
        for (const Tensor o : outputs) ++uses_[at_[o]];
    }

    TensorListing print() {
        fragments_.resize(order_.size());
        bound_.assign(order_.size(), false);
        for (std::size_t k = 0; k < order_.size(); ++k) {
            const Tensor t = order_[k];
            if (t->kind() == TensorKind::Param || t->kind() == TensorKind::Data) {
                fragments_[k] = tensor::atom(tensor::name_text(s_, t->name()), t->shape());
            } else if (t->kind() == TensorKind::Constant && t->shape().rank() == 0) {
                fragments_[k] = tensor::number(s_, t->values()[0]);
            } else if (form_ == TensorForm::Index) {
                define(t);
            } else {
                print_matrix(t);
            }
        }
        for (const Tensor o : outputs_) listing_.outputs.push_back(fragments_[at_[o]].text);
        return std::move(listing_);
    }

private:
    std::vector<Fragment> operand_fragments(Tensor t) const {
        std::vector<Fragment> operands;
        for (const Tensor o : t->operands()) operands.push_back(fragments_[at_.at(o)]);
        return operands;
    }

    std::string fresh_name() {
        for (;;) {
            std::string name = "t" + std::to_string(++counter_);
            if (!taken_.count(name)) return name;
        }
    }

    // lhs = rhs as a binding; the name as it is read afterwards. `written` is the left
    // side's index when it differs from how the name is read (ranges: t[i:3]).
    Fragment bind(const std::string& name, std::span<const std::string> index, const Fragment& rhs,
                  std::span<const std::string> written = {}) {
        const Fragment named = tensor::atom(tensor::name_text(s_, name), rhs.shape);
        listing_.bindings.emplace_back(tensor::element(s_, named, written.empty() ? index : written).text, rhs.text);
        return named;
    }

    // Which indices of t's index form the right side leaves open, so that its left side
    // writes their ranges (t[i:3, j]) and the text reads back to the same shape. A view
    // read by x[i] or x[2*i+1] gives i the range that a plain read or a slice would
    // (docs/language.md); deltas, scatters, the adjoints of views and constant maps give none.
    static std::vector<bool> needs_ranges(Tensor t) {
        const Shape& out = t->shape();
        std::vector<bool> open(out.rank(), true);
        switch (t->kind()) {
            case TensorKind::View: {
                const Shape& in = t->operand(0)->shape();
                const std::span<const std::int64_t> affine = t->affine();
                const std::size_t width = out.rank() + 1;
                for (std::size_t k = 0; k < out.rank(); ++k) {
                    std::optional<std::int64_t> inferred;
                    // A plain read x[..., i, ...] first, then an index alone in its subscript.
                    for (int pass = 0; pass < 2 && !inferred; ++pass)
                        for (std::size_t a = 0; a < in.rank() && !inferred; ++a) {
                            const std::span<const std::int64_t> row = affine.subspan(a * width, width);
                            const auto others =
                                std::count_if(row.begin(), row.end() - 1, [](std::int64_t c) { return c != 0; });
                            const std::int64_t c = row[k], offset = row[out.rank()];
                            if (c == 0 || others != 1) continue;
                            if (pass == 0 && c == 1 && offset == 0) inferred = in.dims[a];
                            if (pass == 1 && c > 0 && in.dims[a] != kRows)
                                inferred = std::max<std::int64_t>(0, (in.dims[a] - offset + c - 1) / c);
                        }
                    open[k] = inferred != out.dims[k];
                }
                return open;
            }
            case TensorKind::ViewAdjoint:
            case TensorKind::Delta:
            case TensorKind::ScatterAdd: return open;
            case TensorKind::Map: {
                const Expr body = t->body();
                if (free_variables(std::span<const Expr>(&body, 1)).empty()) return open;
                break;
            }
            case TensorKind::Broadcast: {
                // The axes it adds, and those it stretches from 1 (read as x[0]).
                const Shape& in = t->operand(0)->shape();
                for (std::size_t k = 0; k < in.rank(); ++k)
                    open[t->axes()[k]] = in.dims[k] == 1 && out.dims[t->axes()[k]] != 1;
                return open;
            }
            case TensorKind::Reshape:
                // Axes of 1 that come are not read (t[i,j] = x[i] for a column).
                for (std::size_t k = 0; k < out.rank(); ++k) open[k] = out.dims[k] == 1;
                return open;
            case TensorKind::Param:
            case TensorKind::Data:
            case TensorKind::Constant:
            case TensorKind::Contract:
            case TensorKind::Sum:
            case TensorKind::Max:
            case TensorKind::Permute:
            case TensorKind::Gather: break;
        }
        return std::vector<bool>(out.rank(), false);
    }

    // Cheap to repeat: an input or scalar, or an input or a name transposed or broadcast.
    bool is_cheap(Tensor t) const {
        if (is_leaf(t)) return true;
        return (t->kind() == TensorKind::Permute || t->kind() == TensorKind::Broadcast) &&
               (is_leaf(t->operand(0)) || bound_[at_.at(t->operand(0))]);
    }

    std::string name_for(Tensor t) {
        const auto it = named_.find(t);
        return it != named_.end() ? it->second : fresh_name();
    }

    // The node in index form, bound to a name; a map body's shared parts become
    // definitions over the same indices before it.
    void define(Tensor t) {
        tensor::IndexNames names(taken_);
        const std::vector<std::string> lhs =
            t->kind() == TensorKind::Constant ? std::vector<std::string>{} : names.for_shape(t->shape());
        const tensor::Share share = [&](Fragment part) {
            return tensor::element(s_, bind(fresh_name(), lhs, part), lhs);
        };
        Fragment rhs = tensor::index_definition(s_, t, operand_fragments(t), lhs, names, options_.share_above, share);
        rhs.shape = t->shape();
        std::vector<std::string> written;
        const std::vector<bool> ranges = needs_ranges(t);
        if (!s_.latex() && std::find(ranges.begin(), ranges.end(), true) != ranges.end())
            for (std::size_t a = 0; a < lhs.size(); ++a)
                written.push_back(!ranges[a] ? lhs[a]
                                             : lhs[a] + ":" +
                                                   (t->shape().dims[a] == kRows ? std::string("N")
                                                                                : std::to_string(t->shape().dims[a])));
        const std::size_t k = at_[t];
        fragments_[k] = bind(name_for(t), lhs, rhs, written);
        bound_[k] = true;
    }

    void print_matrix(Tensor t) {
        const std::vector<Fragment> operands = operand_fragments(t);
        std::vector<std::optional<Fragment>> expanded(operands.size());
        for (std::size_t k = 0; k < operands.size(); ++k) {
            const Tensor o = t->operand(k);
            if (!bound_[at_[o]] && fragments_[at_[o]].narrow) expanded[k] = *fragments_[at_[o]].narrow;
        }
        const tensor::Share share = [&](Fragment part) { return bind(fresh_name(), {}, part); };
        std::optional<Fragment> m = tensor::matrix_fragment(s_, t, operands, expanded, options_.share_above, share);
        if (!m) return define(t);
        const std::size_t k = at_[t];
        m->shape = t->shape();
        const bool bound = named_.count(t) || (uses_[k] > 1 && !is_cheap(t)) ||
                           m->depth > std::max<std::size_t>(options_.max_nesting, 1);
        fragments_[k] = bound ? bind(name_for(t), {}, *m) : *m;
        bound_[k] = bound;
    }

    std::span<const Tensor> outputs_;
    TensorForm form_;
    tensor::Syntax s_;
    const TensorPrintOptions& options_;
    std::vector<Tensor> order_;
    std::unordered_map<Tensor, std::size_t> at_;
    std::vector<std::size_t> uses_;
    std::set<std::string> taken_;
    std::unordered_map<Tensor, std::string> named_;
    std::vector<Fragment> fragments_;
    std::vector<bool> bound_;
    std::size_t counter_ = 0;
    TensorListing listing_;
};

}  // namespace

TensorListing tensor_listing(std::span<const Tensor> outputs, TensorForm form, TensorSyntax syntax,
                             const TensorPrintOptions& options) {
    return ProgramPrinter(outputs, form, syntax, options).print();
}

std::string tensor_text(std::span<const Tensor> outputs, TensorForm form, const TensorPrintOptions& options) {
    const TensorListing listing = tensor_listing(outputs, form, TensorSyntax::Text, options);
    std::string text;
    for (const auto& [lhs, rhs] : listing.bindings) text += lhs + " = " + rhs + ";\n";
    for (std::size_t k = 0; k < listing.outputs.size(); ++k) text += (k ? ", " : "") + listing.outputs[k];
    return text;
}

std::string tensor_latex(std::span<const Tensor> outputs, TensorForm form, const TensorPrintOptions& options) {
    const TensorListing listing = tensor_listing(outputs, form, TensorSyntax::Latex, options);
    std::string text;
    for (const auto& [lhs, rhs] : listing.bindings) text += lhs + " = " + rhs + ";\\quad ";
    for (std::size_t k = 0; k < listing.outputs.size(); ++k) text += (k ? ",\\quad " : "") + listing.outputs[k];
    return text;
}

}  // namespace gradc
