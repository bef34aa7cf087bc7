// TensorContext: the one factory of tensor nodes. Each builder checks its operands'
// shapes (a SemanticError naming both shapes), derives the result's shape, and interns
// the node by its whole identity, so equal nodes are one node.
#include <algorithm>
#include <bit>
#include <cstring>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"
#include "tensor/checks.hpp"

namespace gradc {

struct TensorContext::Impl {
    ExprContext scalars;
    std::deque<TensorNode> nodes;
    std::unordered_map<std::string, Tensor> interned;   // identity -> node
    std::unordered_map<std::string, Tensor> inputs;     // name -> its Param or Data node
    std::vector<Expr> placeholders;
    std::size_t max_nodes = kDefaultMaxNodes;
};

namespace {

std::string_view kKindNames[] = {
#define GRADC_TENSOR_KIND_NAME(name) #name,
    GRADC_TENSOR_KINDS(GRADC_TENSOR_KIND_NAME)
#undef GRADC_TENSOR_KIND_NAME
};

// Everything that makes a node what it is, as bytes.
std::string identity(const TensorNode& n) {
    std::string key;
    const auto put = [&key](const auto& v) { key.append(reinterpret_cast<const char*>(&v), sizeof v); };
    put(n.kind());
    put(n.type());
    put(n.shape().dims.size());
    for (const std::int64_t d : n.shape().dims) put(d);
    put(n.operands().size());
    for (const Tensor t : n.operands()) put(t->id());
    put(n.name().size());
    key.append(n.name());
    put(n.values().size());
    for (const double v : n.values()) put(std::bit_cast<std::uint64_t>(v));
    put(n.body() ? n.body()->id() : std::uint32_t{0xffffffff});
    for (std::size_t i = 0; i < 2; ++i) {
        put(n.labels(i).size());
        key.append(n.labels(i));
    }
    put(n.output_labels().size());
    key.append(n.output_labels());
    put(n.axes().size());
    for (const std::size_t a : n.axes()) put(a);
    put(n.affine().size());
    for (const std::int64_t a : n.affine()) put(a);
    return key;
}

using tensor::broadcast_shapes;
using tensor::check_axis;
using tensor::check_shape;
using tensor::refuse;

struct ContractSpec {
    std::string a, b, out;
};

ContractSpec parse_spec(std::string_view spec) {
    const std::size_t comma = spec.find(','), arrow = spec.find("->");
    if (comma == std::string_view::npos || arrow == std::string_view::npos || comma > arrow)
        refuse("a contraction is written \"ij,jk->ik\", not \"" + std::string(spec) + "\"");
    ContractSpec s{std::string(spec.substr(0, comma)), std::string(spec.substr(comma + 1, arrow - comma - 1)),
                   std::string(spec.substr(arrow + 2))};
    for (const std::string* labels : {&s.a, &s.b, &s.out}) {
        for (std::size_t i = 0; i < labels->size(); ++i) {
            const char c = (*labels)[i];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
                refuse("contraction labels are letters; \"" + std::string(spec) + "\" has '" + std::string(1, c) + "'");
            if (labels->find(c, i + 1) != std::string::npos)
                refuse("the label '" + std::string(1, c) + "' repeats within one term of \"" + std::string(spec) +
                       "\": take a diagonal view first");
        }
    }
    return s;
}

}  // namespace

std::string_view tensor_kind_name(TensorKind kind) noexcept { return kKindNames[static_cast<std::size_t>(kind)]; }

TensorContext::TensorContext() : impl_(std::make_unique<Impl>()) {}
TensorContext::~TensorContext() = default;

ExprContext& TensorContext::scalars() noexcept { return impl_->scalars; }

Expr TensorContext::placeholder(std::size_t i) {
    while (impl_->placeholders.size() <= i)
        impl_->placeholders.push_back(impl_->scalars.variable("p" + std::to_string(impl_->placeholders.size())));
    return impl_->placeholders[i];
}

std::size_t TensorContext::node_count() const noexcept { return impl_->nodes.size(); }
void TensorContext::set_max_nodes(std::size_t max_nodes) noexcept { impl_->max_nodes = max_nodes; }

Tensor TensorContext::intern(TensorNode node) {
    std::string key = identity(node);
    if (const auto it = impl_->interned.find(key); it != impl_->interned.end()) return it->second;
    if (impl_->nodes.size() >= impl_->max_nodes)
        throw LimitError("the tensor program needs more than " + std::to_string(impl_->max_nodes) +
                         " nodes: raise TensorContext::set_max_nodes");
    node.id_ = static_cast<std::uint32_t>(impl_->nodes.size());
    const Tensor t = &impl_->nodes.emplace_back(std::move(node));
    impl_->interned.emplace(std::move(key), t);
    return t;
}

Tensor TensorContext::param(std::string_view name, Shape shape) {
    check_shape(shape);
    TensorNode n;
    n.kind_ = TensorKind::Param;
    n.shape_ = std::move(shape);
    n.name_ = std::string(name);
    const auto it = impl_->inputs.find(n.name_);
    if (it != impl_->inputs.end() && (it->second->kind() != TensorKind::Param || it->second->shape() != n.shape_))
        refuse("'" + n.name_ + "' is already an input of shape " + it->second->shape().text() + " (" +
               std::string(tensor_kind_name(it->second->kind())) + ")");
    const Tensor t = intern(n);
    impl_->inputs.emplace(n.name_, t);
    return t;
}

Tensor TensorContext::data(std::string_view name, Shape shape, ElementType type) {
    check_shape(shape);
    TensorNode n;
    n.kind_ = TensorKind::Data;
    n.type_ = type;
    n.shape_ = std::move(shape);
    n.name_ = std::string(name);
    const auto it = impl_->inputs.find(n.name_);
    if (it != impl_->inputs.end() &&
        (it->second->kind() != TensorKind::Data || it->second->shape() != n.shape_ || it->second->type() != type))
        refuse("'" + n.name_ + "' is already an input of shape " + it->second->shape().text() + " (" +
               std::string(tensor_kind_name(it->second->kind())) + ")");
    const Tensor t = intern(n);
    impl_->inputs.emplace(n.name_, t);
    return t;
}

Tensor TensorContext::constant(std::vector<double> values, Shape shape) {
    check_shape(shape);
    if (shape.has_rows()) refuse("a constant has a fixed shape; " + shape.text() + " has N");
    if (values.size() != shape.elements())
        refuse("a constant of shape " + shape.text() + " needs " + std::to_string(shape.elements()) + " values, not " +
               std::to_string(values.size()));
    TensorNode n;
    n.kind_ = TensorKind::Constant;
    n.shape_ = std::move(shape);
    n.values_ = std::move(values);
    return intern(n);
}

Tensor TensorContext::map(Expr body, std::span<const Tensor> operands) {
    if (!impl_->scalars.owns(body)) refuse("a map body must be built in TensorContext::scalars()");
    Shape shape;
    for (const Tensor t : operands) {
        if (t->type() != ElementType::Real) refuse("an index tensor enters only gather and scatter_add");
        shape = broadcast_shapes(shape, t->shape());
    }
    for (const Expr v : free_variables(std::span<const Expr>(&body, 1))) {
        std::size_t k = 0;
        while (k < operands.size() && placeholder(k) != v) ++k;
        if (k == operands.size())
            refuse("the map body uses '" + std::string(v->name()) + "', which is not a placeholder p0 ... p" +
                   std::to_string(operands.size()) + " of its operands");
    }
    for (std::size_t k = 0; k < operands.size(); ++k)
        if (body == placeholder(k) && operands[k]->shape() == shape) return operands[k];
    if (body->is_const() && !shape.has_rows() && shape.elements() <= (std::size_t{1} << 20))
        return constant(std::vector<double>(shape.elements(), body->value()), shape);
    TensorNode n;
    n.kind_ = TensorKind::Map;
    n.shape_ = std::move(shape);
    n.operands_.assign(operands.begin(), operands.end());
    n.body_ = body;
    return intern(n);
}

Tensor TensorContext::map(Op op, Tensor a) {
    const Tensor operands[] = {a};
    return map(impl_->scalars.make(op, placeholder(0)), operands);
}

Tensor TensorContext::map(Op op, Tensor a, Tensor b) {
    const Tensor operands[] = {a, b};
    return map(impl_->scalars.make(op, placeholder(0), placeholder(1)), operands);
}

Tensor TensorContext::contract(std::string_view spec, Tensor a, Tensor b) {
    const ContractSpec s = parse_spec(spec);
    const Tensor operands[] = {a, b};
    const std::string* labels[] = {&s.a, &s.b};
    for (std::size_t k = 0; k < 2; ++k) {
        if (operands[k]->type() != ElementType::Real) refuse("an index tensor enters only gather and scatter_add");
        if (labels[k]->size() != operands[k]->shape().rank())
            refuse("\"" + std::string(spec) + "\": the term \"" + *labels[k] + "\" has " +
                   std::to_string(labels[k]->size()) + " labels for an operand of shape " +
                   operands[k]->shape().text());
    }
    // One size per label; the output's labels come from the operands.
    const auto size_of = [&](char c) -> std::int64_t {
        std::int64_t size = -2;
        for (std::size_t k = 0; k < 2; ++k) {
            const std::size_t at = labels[k]->find(c);
            if (at == std::string::npos) continue;
            const std::int64_t d = operands[k]->shape().dims[at];
            if (size != -2 && size != d)
                refuse("\"" + std::string(spec) + "\": " + a->shape().text() + " and " + b->shape().text() +
                       " give the label '" + std::string(1, c) + "' the sizes " + Shape{{size}}.text() + " and " +
                       Shape{{d}}.text());
            size = d;
        }
        return size;
    };
    Shape shape;
    for (const char c : s.out) {
        const std::int64_t d = size_of(c);
        if (d == -2)
            refuse("\"" + std::string(spec) + "\": the output label '" + std::string(1, c) + "' is in no term");
        shape.dims.push_back(d);
    }
    for (std::size_t k = 0; k < 2; ++k)
        for (const char c : *labels[k]) {
            size_of(c);
            if (labels[1 - k]->find(c) == std::string::npos && s.out.find(c) == std::string::npos)
                refuse("\"" + std::string(spec) + "\": the label '" + std::string(1, c) +
                       "' is in one term only and not in the output: sum it first");
        }
    check_shape(shape);
    if (const Tensor renamed = contract_with_delta(s.a, s.b, s.out, a, b)) return renamed;
    if (const Tensor renamed = contract_with_delta(s.b, s.a, s.out, b, a)) return renamed;
    // A product does not depend on its operands' order: the older node goes first.
    const bool swap = b->id() < a->id();
    TensorNode n;
    n.kind_ = TensorKind::Contract;
    n.shape_ = std::move(shape);
    n.operands_ = swap ? std::vector<Tensor>{b, a} : std::vector<Tensor>{a, b};
    n.labels_[0] = swap ? s.b : s.a;
    n.labels_[1] = swap ? s.a : s.b;
    n.labels_[2] = s.out;
    // Labels are renamed a, b, c, ... in order of first appearance, so that equal
    // products are one node however their labels were spelled ("ni,ij->nj" is "ab,bc->ac").
    std::string names;
    for (std::string& term : n.labels_)
        for (char& c : term) {
            std::size_t at = names.find(c);
            if (at == std::string::npos) {
                at = names.size();
                names.push_back(c);
            }
            c = at < 26 ? static_cast<char>('a' + at) : static_cast<char>('A' + (at - 26));
        }
    return intern(n);
}

// x contracted with a delta [d,d] labelled pq, where x has p but not q and the output
// has q but not p: x with p renamed to q, summed over what the output drops and
// permuted into its order. Null when the contraction is not of that form.
Tensor TensorContext::contract_with_delta(const std::string& lx, const std::string& ld, const std::string& out,
                                          Tensor x, Tensor d) {
    if (d->kind() != TensorKind::Delta || ld.size() != 2) return nullptr;
    for (const auto& [p, q] : {std::pair{ld[0], ld[1]}, std::pair{ld[1], ld[0]}}) {
        if (lx.find(p) == std::string::npos || lx.find(q) != std::string::npos) continue;
        if (out.find(q) == std::string::npos || out.find(p) != std::string::npos) continue;
        std::string renamed = lx;
        renamed[renamed.find(p)] = q;
        std::vector<std::size_t> summed;
        std::string kept;
        for (std::size_t k = 0; k < renamed.size(); ++k)
            if (out.find(renamed[k]) == std::string::npos)
                summed.push_back(k);
            else
                kept.push_back(renamed[k]);
        if (kept.size() != out.size()) continue;  // the output has a label x lacks
        std::vector<std::size_t> perm;
        for (const char c : out) perm.push_back(kept.find(c));
        return permute(sum(x, summed), perm);
    }
    return nullptr;
}

namespace {

std::string dimension_text(std::int64_t d) { return d == kRows ? "N" : std::to_string(d); }

}  // namespace

Tensor TensorContext::matmul(Tensor a, Tensor b) {
    const std::size_t ra = a->shape().rank(), rb = b->shape().rank();
    if (ra == 2 && rb == 2) {
        if (a->shape().dims[1] != b->shape().dims[0])
            refuse(a->shape().text() + " @ " + b->shape().text() + ": inner dimensions " +
                   dimension_text(a->shape().dims[1]) + " and " + dimension_text(b->shape().dims[0]) + " differ");
        return contract("ij,jk->ik", a, b);
    }
    if (ra == 2 && rb == 1) return contract("ij,j->i", a, b);
    if (ra == 1 && rb == 2) return contract("j,jk->k", a, b);
    if (ra == 1 && rb == 1) return contract("j,j->", a, b);
    refuse("@ takes matrices and vectors; the shapes are " + a->shape().text() + " and " + b->shape().text());
}

namespace {

std::vector<std::size_t> checked_axes(std::span<const std::size_t> axes, const Shape& s, std::string_view what) {
    std::vector<std::size_t> sorted(axes.begin(), axes.end());
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        check_axis(sorted[i], s, what);
        if (i && sorted[i] == sorted[i - 1])
            refuse(std::string(what) + ": the axis " + std::to_string(sorted[i]) + " is given twice");
    }
    return sorted;
}

Shape without_axes(const Shape& s, std::span<const std::size_t> axes) {
    Shape out;
    for (std::size_t k = 0; k < s.rank(); ++k)
        if (std::find(axes.begin(), axes.end(), k) == axes.end()) out.dims.push_back(s.dims[k]);
    return out;
}

}  // namespace

Tensor TensorContext::sum(Tensor x, std::span<const std::size_t> axes) {
    if (x->type() != ElementType::Real) refuse("an index tensor enters only gather and scatter_add");
    TensorNode n;
    n.axes_ = checked_axes(axes, x->shape(), "sum");
    if (n.axes_.empty()) return x;
    n.kind_ = TensorKind::Sum;
    n.shape_ = without_axes(x->shape(), n.axes_);
    n.operands_ = {x};
    return intern(n);
}

Tensor TensorContext::sum(Tensor x) {
    std::vector<std::size_t> all(x->shape().rank());
    for (std::size_t k = 0; k < all.size(); ++k) all[k] = k;
    return sum(x, all);
}

Tensor TensorContext::max(Tensor x, std::span<const std::size_t> axes) {
    if (x->type() != ElementType::Real) refuse("an index tensor enters only gather and scatter_add");
    TensorNode n;
    n.axes_ = checked_axes(axes, x->shape(), "max");
    if (n.axes_.empty()) return x;
    n.kind_ = TensorKind::Max;
    n.shape_ = without_axes(x->shape(), n.axes_);
    n.operands_ = {x};
    return intern(n);
}

Tensor TensorContext::mean(Tensor x, std::span<const std::size_t> axes) {
    const Tensor total = sum(x, axes);
    double count = 1;
    for (const std::size_t a : checked_axes(axes, x->shape(), "mean")) {
        if (x->shape().dims[a] == kRows) refuse("mean over the rows N needs the row count: divide a sum by it");
        count *= static_cast<double>(x->shape().dims[a]);
    }
    return div(total, scalar(count));
}

Tensor TensorContext::logsumexp(Tensor x, std::span<const std::size_t> axes) {
    // m + log(sum(exp(x - m))), m = max(x): no overflow, and exact for one element.
    const std::vector<std::size_t> sorted = checked_axes(axes, x->shape(), "logsumexp");
    const Tensor m = max(x, sorted);
    std::vector<std::size_t> kept;
    for (std::size_t k = 0; k < x->shape().rank(); ++k)
        if (!std::binary_search(sorted.begin(), sorted.end(), k)) kept.push_back(k);
    const Tensor spread = broadcast(m, x->shape(), kept);
    return add(m, map(Op::Log, sum(map(Op::Exp, sub(x, spread)), sorted)));
}

Tensor TensorContext::broadcast(Tensor x, Shape to, std::span<const std::size_t> axes) {
    if (x->type() != ElementType::Real) refuse("an index tensor enters only gather and scatter_add");
    check_shape(to);
    const Shape& from = x->shape();
    if (axes.size() != from.rank())
        refuse("broadcast of " + from.text() + " to " + to.text() + " needs one output axis per input axis");
    for (std::size_t k = 0; k < axes.size(); ++k) {
        check_axis(axes[k], to, "broadcast");
        if (k && axes[k] <= axes[k - 1]) refuse("broadcast keeps the order of the axes");
        if (from.dims[k] != 1 && from.dims[k] != to.dims[axes[k]])
            refuse("cannot broadcast " + from.text() + " to " + to.text() + ": dimension " + std::to_string(k) +
                   " is neither 1 nor the same");
    }
    if (from == to) return x;
    TensorNode n;
    n.kind_ = TensorKind::Broadcast;
    n.shape_ = std::move(to);
    n.operands_ = {x};
    n.axes_.assign(axes.begin(), axes.end());
    return intern(n);
}

Tensor TensorContext::broadcast_to(Tensor x, Shape to) {
    const Shape joined = broadcast_shapes(x->shape(), to);
    if (joined != to) refuse("cannot broadcast " + x->shape().text() + " to " + to.text());
    std::vector<std::size_t> axes(x->shape().rank());
    for (std::size_t k = 0; k < axes.size(); ++k) axes[k] = to.rank() - axes.size() + k;
    return broadcast(x, std::move(to), axes);
}

Tensor TensorContext::permute(Tensor x, std::span<const std::size_t> perm) {
    if (x->type() != ElementType::Real) refuse("an index tensor enters only gather and scatter_add");
    const Shape& from = x->shape();
    if (perm.size() != from.rank())
        refuse("permute of " + from.text() + " needs " + std::to_string(from.rank()) + " axes");
    std::vector<bool> seen(perm.size(), false);
    Shape to;
    bool identity = true;
    for (std::size_t k = 0; k < perm.size(); ++k) {
        check_axis(perm[k], from, "permute");
        if (seen[perm[k]]) refuse("permute: the axis " + std::to_string(perm[k]) + " is given twice");
        seen[perm[k]] = true;
        to.dims.push_back(from.dims[perm[k]]);
        identity = identity && perm[k] == k;
    }
    if (identity) return x;
    // Two permutes are one.
    if (x->kind() == TensorKind::Permute) {
        std::vector<std::size_t> composed(perm.size());
        for (std::size_t k = 0; k < perm.size(); ++k) composed[k] = x->axes()[perm[k]];
        return permute(x->operand(0), composed);
    }
    TensorNode n;
    n.kind_ = TensorKind::Permute;
    n.shape_ = std::move(to);
    n.operands_ = {x};
    n.axes_.assign(perm.begin(), perm.end());
    return intern(n);
}

Tensor TensorContext::transpose(Tensor x) {
    std::vector<std::size_t> perm(x->shape().rank());
    for (std::size_t k = 0; k < perm.size(); ++k) perm[k] = perm.size() - 1 - k;
    return permute(x, perm);
}

Tensor TensorContext::reshape(Tensor x, Shape to) {
    // Index data may be reshaped (its elements keep their order), so that labels read as
    // y: data[N] pick along a row as take_along_axis wants them, shaped [N,1].
    if (x->type() != ElementType::Real && x->kind() != TensorKind::Data && x->kind() != TensorKind::Reshape)
        refuse("an index tensor enters only gather, scatter_add and reshape");
    check_shape(to);
    const Shape& from = x->shape();
    // N keeps its place among the dimensions that are not 1: what comes before it and
    // after it must hold the same counts.
    const auto split = [](const Shape& s) {
        std::size_t before = 1, after = 1;
        bool seen = false;
        for (const std::int64_t d : s.dims) {
            if (d == kRows)
                seen = true;
            else
                (seen ? after : before) *= static_cast<std::size_t>(d);
        }
        return std::tuple{seen, before, after};
    };
    const auto [rows_from, before_from, after_from] = split(from);
    const auto [rows_to, before_to, after_to] = split(to);
    const bool same = rows_from == rows_to && (rows_from ? before_from == before_to && after_from == after_to
                                                         : from.elements() == to.elements());
    if (!same) refuse("cannot reshape " + from.text() + " to " + to.text() + ": the counts differ");
    if (from == to) return x;
    if (x->kind() == TensorKind::Reshape) return reshape(x->operand(0), std::move(to));
    TensorNode n;
    n.kind_ = TensorKind::Reshape;
    n.type_ = x->type();
    n.shape_ = std::move(to);
    n.operands_ = {x};
    return intern(n);
}

namespace {

// The leading axes of a gather's x (or a scatter_add's shape) that `index` does not
// have, after checking that it matches the trailing axes off `axis`.
std::size_t leading_axes(const Shape& x, std::size_t axis, const Shape& index, std::string_view what) {
    check_axis(axis, x, what);
    if (index.rank() > x.rank() || axis < x.rank() - index.rank())
        refuse(std::string(what) + " along axis " + std::to_string(axis) + ": the index " + index.text() +
               " must cover the trailing axes of " + x.text() + " from that axis on");
    const std::size_t lead = x.rank() - index.rank();
    for (std::size_t k = lead; k < x.rank(); ++k)
        if (k != axis && index.dims[k - lead] != x.dims[k])
            refuse(std::string(what) + " along axis " + std::to_string(axis) + ": the index " + index.text() + " and " +
                   x.text() + " differ off that axis");
    return lead;
}

void check_index(Tensor index, std::string_view what) {
    if (index->type() != ElementType::Index)
        refuse(std::string(what) + " takes an index tensor (data of ElementType::Index, or a reshape of it)");
}

}  // namespace

Tensor TensorContext::gather(Tensor x, std::size_t axis, Tensor index) {
    check_index(index, "gather");
    if (x->type() != ElementType::Real) refuse("gather reads a real tensor");
    const std::size_t lead = leading_axes(x->shape(), axis, index->shape(), "gather");
    TensorNode n;
    n.kind_ = TensorKind::Gather;
    n.shape_.dims.assign(x->shape().dims.begin(), x->shape().dims.begin() + static_cast<std::ptrdiff_t>(lead));
    n.shape_.dims.insert(n.shape_.dims.end(), index->shape().dims.begin(), index->shape().dims.end());
    n.operands_ = {x, index};
    n.axes_ = {axis};
    return intern(n);
}

Tensor TensorContext::scatter_add(Shape shape, std::size_t axis, Tensor index, Tensor source) {
    check_shape(shape);
    check_index(index, "scatter_add");
    if (source->type() != ElementType::Real) refuse("scatter_add adds a real tensor");
    const std::size_t lead = leading_axes(shape, axis, index->shape(), "scatter_add");
    Shape expected;
    expected.dims.assign(shape.dims.begin(), shape.dims.begin() + static_cast<std::ptrdiff_t>(lead));
    expected.dims.insert(expected.dims.end(), index->shape().dims.begin(), index->shape().dims.end());
    if (source->shape() != expected)
        refuse("scatter_add into " + shape.text() + " by the index " + index->shape().text() + " takes a source of " +
               expected.text() + ", not " + source->shape().text());
    TensorNode n;
    n.kind_ = TensorKind::ScatterAdd;
    n.shape_ = std::move(shape);
    n.operands_ = {index, source};
    n.axes_ = {axis};
    return intern(n);
}

Tensor TensorContext::delta(Shape half) {
    check_shape(half);
    if (half.has_rows()) refuse("a delta has a fixed shape; " + half.text() + " has N");
    TensorNode n;
    n.kind_ = TensorKind::Delta;
    n.shape_ = half;
    n.shape_.dims.insert(n.shape_.dims.end(), half.dims.begin(), half.dims.end());
    check_shape(n.shape_);
    return intern(n);
}

std::vector<Tensor> tensor_order(std::span<const Tensor> roots) {
    std::vector<Tensor> order;
    std::vector<bool> seen;
    const auto mark = [&seen](Tensor t) {
        if (seen.size() <= t->id()) seen.resize(t->id() + 1, false);
        const bool was = seen[t->id()];
        seen[t->id()] = true;
        return was;
    };
    std::vector<std::pair<Tensor, std::size_t>> stack;
    for (const Tensor root : roots) {
        if (mark(root)) continue;
        stack.emplace_back(root, 0);
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next < node->operands().size()) {
                const Tensor child = node->operand(next++);
                if (!mark(child)) stack.emplace_back(child, 0);
            } else {
                order.push_back(node);
                stack.pop_back();
            }
        }
    }
    return order;
}

}  // namespace gradc
