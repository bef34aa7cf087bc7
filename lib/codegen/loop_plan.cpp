#include "codegen/loop_plan.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "gradc/error.hpp"

namespace gradc::codegen {

namespace {

// Inline nodes are emitted by recursion into their operands; past this depth a node is
// stored instead, so the emitter's recursion stays shallow whatever the program.
constexpr int kMaxInlineDepth = 16;

std::vector<Extent> extents_of(const Shape& shape) {
    std::vector<Extent> dims;
    for (const std::int64_t d : shape.dims) dims.push_back(d == kRows ? Extent{1, 1} : Extent{d, 0});
    return dims;
}

std::vector<Extent> row_major(const std::vector<Extent>& dims) {
    std::vector<Extent> strides(dims.size(), Extent{1, 0});
    for (std::size_t k = dims.size(); k-- > 1;) strides[k - 1] = times(strides[k], dims[k]);
    return strides;
}

bool is_reduction(Tensor t) {
    return t->kind() == TensorKind::Contract || t->kind() == TensorKind::Sum || t->kind() == TensorKind::Max;
}

// The extents a reduction sums over, per element of its result.
std::vector<Extent> summed_extents(Tensor t, const std::vector<Extent>& a, const std::vector<Extent>& b) {
    std::vector<Extent> out;
    if (t->kind() == TensorKind::Contract) {
        const std::string_view la = t->labels(0), lb = t->labels(1), lo = t->output_labels();
        std::string seen;
        for (std::size_t i = 0; i < la.size(); ++i)
            if (lo.find(la[i]) == std::string_view::npos) seen.push_back(la[i]), out.push_back(a[i]);
        for (std::size_t i = 0; i < lb.size(); ++i)
            if (lo.find(lb[i]) == std::string_view::npos && seen.find(lb[i]) == std::string::npos)
                seen.push_back(lb[i]), out.push_back(b[i]);
    } else {
        for (const std::size_t axis : t->axes()) out.push_back(a[axis]);
    }
    return out;
}

// The contraction a stage can compute in register tiles: the root, or the root map's
// inline operand of the root's shape; with one summed label, appearing once in each
// operand, over enough terms (N, or at least 16) for vectors of 8 partials to pay.
Tensor tiled_contraction(const LoopPlan& plan, Tensor root) {
    Tensor c = nullptr;
    if (root->kind() == TensorKind::Contract) c = root;
    if (root->kind() == TensorKind::Map)
        for (const Tensor o : root->operands())
            if (o->kind() == TensorKind::Contract && plan.of(o).role == Role::Inline && o->shape() == root->shape())
                c = o;
    if (c == nullptr || c->shape().rank() == 0) return nullptr;
    std::string summed;
    for (std::size_t k = 0; k < 2; ++k)
        for (const char l : c->labels(k))
            if (c->output_labels().find(l) == std::string_view::npos) summed.push_back(l);
    if (summed.size() != 2 || summed[0] != summed[1]) return nullptr;
    const Extent k = plan.of(c->operand(0)).dims[summed_axis(c, 0)];
    if (k.rows == 0 && k.value < 16) return nullptr;
    return c;
}

// Whether contraction `c` is better tiled along its output's last axis: when it sums
// over N (up to kOutputLanesMostTerms) or over at most 64 terms (few terms each, where
// the horizontal sums of tiles along the summed index cost as much as the terms, and
// packs as much again), that axis is static and at least a vector of 8 wide, its label
// is read by one operand only, which is contiguous along it, and both operands are in
// memory. A width 8 does not divide computes some elements twice (16 for the
// network's 10 classes), still less than the packs would cost: 26 against 14 + 35 us
// for its last weight gradient at 256 rows.
bool output_lanes_fit(const LoopPlan& plan, Tensor c) {
    const Extent summed = plan.of(c->operand(0)).dims[summed_axis(c, 0)];
    if (summed.rows == 0 && summed.value > 64) return false;
    const std::string_view lo = c->output_labels();
    const Extent width = plan.of(c).dims.back();
    if (width.rows != 0 || width.value < 8) return false;
    std::size_t holders = 0;
    for (std::size_t k = 0; k < 2; ++k) {
        const NodePlan& x = plan.of(c->operand(k));
        if (!in_memory(x.role)) return false;
        const std::size_t axis = c->labels(k).find(lo.back());
        if (axis == std::string_view::npos) continue;
        ++holders;
        if (!(x.access.strides[axis] == Extent{1, 0})) return false;
    }
    return holders == 1;
}

// Whether contraction `c` is Aᵀ·A or Aᵀ·diag(d)·A: a square result, one summed label,
// read by both operands at the same axis of A, where the second operand is A, or A
// with each slice along that axis scaled by d (a contraction "ab,a->ab" of A and d,
// as canonicalize() leaves diag(d) @ A).
bool symmetric_product(Tensor c) {
    if (c->kind() != TensorKind::Contract || c->shape().rank() != 2) return false;
    const std::string_view lo = c->output_labels();
    if (c->shape().dims[0] != c->shape().dims[1]) return false;
    const Tensor a = c->operand(0);
    Tensor b = c->operand(1);
    if (a->shape().rank() != 2 || c->labels(0).size() != 2 || c->labels(1).size() != 2) return false;
    const std::size_t axis = summed_axis(c, 0);
    if (axis > 1 || summed_axis(c, 1) != axis) return false;
    if (lo.find(c->labels(0)[1 - axis]) == std::string_view::npos ||
        lo.find(c->labels(1)[1 - axis]) == std::string_view::npos)
        return false;
    if (b != a && b->kind() == TensorKind::Contract && b->operand(0) == a && b->output_labels() == b->labels(0) &&
        b->labels(1).size() == 1 && b->labels(1)[0] == b->labels(0)[axis])
        b = a;
    return b == a;
}

// A view that never reads outside its operand (a slice, a diagonal, windows) as
// strides over the operand's buffer; nothing when some index may fall outside or the
// offsets involve N in a way one stride cannot say.
std::optional<Access> view_access(Tensor view, const NodePlan& x, const std::vector<Extent>& dims) {
    const std::span<const std::int64_t> affine = view->affine();
    const std::size_t rank = dims.size(), width = rank + 1;
    Access access{x.access.slot, std::vector<Extent>(rank, Extent{0, 0}), x.access.base};
    // Affine numbers are unbounded: any step that overflows leaves the view stored.
    const auto mul = [](std::int64_t a, std::int64_t b, std::int64_t& out) {
        return !__builtin_mul_overflow(a, b, &out);
    };
    const auto add = [](std::int64_t a, std::int64_t b, std::int64_t& out) {
        return !__builtin_add_overflow(a, b, &out);
    };
    for (std::size_t a = 0; a < x.dims.size(); ++a) {
        const std::int64_t c = affine[a * width + rank];
        std::int64_t low = c, high = c;
        bool rows = false;  // axis a runs along N, whole
        for (std::size_t k = 0; k < rank; ++k) {
            const std::int64_t m = affine[a * width + k];
            if (m == 0) continue;
            if (dims[k].rows != 0) {
                if (m != 1 || c != 0 || x.dims[a].rows == 0) return std::nullopt;
                rows = true;
            } else {
                std::int64_t reach = 0;
                if (dims[k].value == 0 || !mul(m, dims[k].value - 1, reach)) return std::nullopt;
                if (!add(m > 0 ? high : low, reach, m > 0 ? high : low)) return std::nullopt;
            }
            Extent step{0, x.access.strides[a].rows};
            if (!mul(m, x.access.strides[a].value, step.value)) return std::nullopt;
            Extent& stride = access.strides[k];
            if (stride.value == 0) {
                stride = step;
            } else if (stride.rows != step.rows || !add(stride.value, step.value, stride.value)) {
                return std::nullopt;
            }
        }
        if (rows) {
            if (high != low) return std::nullopt;  // N with other indices on one axis
            continue;
        }
        if (x.dims[a].rows != 0 || low < 0 || high >= x.dims[a].value) return std::nullopt;
        if (c != 0) {
            std::int64_t shift = 0;
            if (x.access.strides[a].rows != 0 || !mul(c, x.access.strides[a].value, shift) ||
                !add(access.base, shift, access.base))
                return std::nullopt;
        }
    }
    return access;
}

}  // namespace

std::size_t summed_axis(Tensor c, std::size_t k) {
    const std::string_view labels = c->labels(k), lo = c->output_labels();
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (lo.find(labels[i]) == std::string_view::npos) return i;
    return labels.size();
}

std::int64_t Extent::bound(std::size_t n) const noexcept {
    std::int64_t v = value;
    for (int i = 0; i < rows; ++i) v *= static_cast<std::int64_t>(n);
    return v;
}

bool Stage::Guard::holds(std::size_t rows) const noexcept {
    return (terms.bound(rows) > kOutputLanesMostTerms) == past;
}

Extent times(Extent a, Extent b) noexcept { return Extent{a.value * b.value, a.rows + b.rows}; }

Extent product_of(const std::vector<Extent>& extents) noexcept {
    Extent n{1, 0};
    for (const Extent& e : extents) n = times(n, e);
    return n;
}

bool injective_adjoint(Tensor t) {
    if (t->kind() != TensorKind::ViewAdjoint) return false;
    const std::size_t view_rank = t->operand(0)->shape().rank(), width = view_rank + 1;
    const std::span<const std::int64_t> affine = t->affine();
    std::vector<int> readers(view_rank, 0);
    for (std::size_t a = 0; a < t->shape().rank(); ++a) {
        int nonzero = 0;
        for (std::size_t k = 0; k < view_rank; ++k) {
            const std::int64_t m = affine[a * width + k];
            if (m == 0) continue;
            if (m < 0) return false;
            ++nonzero;
            ++readers[k];
        }
        if (nonzero > 1) return false;
    }
    for (const int r : readers)
        if (r != 1) return false;
    return true;
}

Tensor index_source(Tensor index) {
    while (index->kind() == TensorKind::Reshape) index = index->operand(0);
    return index;
}

const Access& LoopPlan::operand_access(Tensor t, std::size_t k) const {
    const auto it = packed.find({t->id(), k});
    return it != packed.end() ? it->second : of(t->operand(k)).access;
}

std::size_t LoopPlan::position(Tensor t) const {
    GRADC_ASSERT(t->id() < slot_of_id.size() && slot_of_id[t->id()] != 0, "a node outside the planned program");
    return slot_of_id[t->id()] - 1;
}

LoopPlan plan_loops(std::span<const Tensor> outputs, std::span<const Tensor> inputs, bool fuse, unsigned lanes,
                    bool symmetric) {
    LoopPlan plan;
    plan.order = tensor_order(outputs);
    const std::size_t count = plan.order.size();
    for (std::size_t p = 0; p < count; ++p) {
        const Tensor t = plan.order[p];
        if (plan.slot_of_id.size() <= t->id()) plan.slot_of_id.resize(t->id() + 1, 0);
        plan.slot_of_id[t->id()] = p + 1;
    }
    plan.nodes.resize(count);
    std::vector<int> uses(count, 0);
    std::vector<Tensor> consumer(count, nullptr);
    std::vector<bool> is_output(count, false);
    for (const Tensor t : plan.order)
        for (const Tensor o : t->operands()) {
            ++uses[plan.position(o)];
            consumer[plan.position(o)] = t;
        }
    for (const Tensor o : outputs) {
        if (o->type() == ElementType::Index)
            throw SemanticError("a kernel output holds index data ('" + std::string(index_source(o)->name()) +
                                "'): outputs are real tensors");
        is_output[plan.position(o)] = true;
    }

    // Inputs: slots 0 ... inputs - 1, in the caller's order.
    for (std::size_t k = 0; k < inputs.size(); ++k) {
        const Tensor in = inputs[k];
        if (in->kind() != TensorKind::Param && in->kind() != TensorKind::Data)
            throw SemanticError("kernel inputs are Param and Data nodes; input " + std::to_string(k) + " is a " +
                                std::string(tensor_kind_name(in->kind())) + " node");
        for (std::size_t j = 0; j < k; ++j)
            if (inputs[j] == in) throw SemanticError("the input '" + std::string(in->name()) + "' is listed twice");
        plan.slots.push_back(Slot{Slot::Kind::Input, k, {}});
    }
    for (std::size_t k = 0; k < outputs.size(); ++k) plan.slots.push_back(Slot{Slot::Kind::Output, k, {}});

    const auto new_slot = [&plan](Slot::Kind kind, std::size_t index, Extent doubles) {
        plan.slots.push_back(Slot{kind, index, doubles});
        return plan.slots.size() - 1;
    };
    std::vector<int> depth(count, 0), reductions(count, 0);
    for (std::size_t p = 0; p < count; ++p) {
        const Tensor t = plan.order[p];
        NodePlan& node = plan.nodes[p];
        node.dims = extents_of(t->shape());
        const auto operand_plan = [&](std::size_t k) -> const NodePlan& { return plan.of(t->operand(k)); };
        const bool has_access = !t->operands().empty() && in_memory(operand_plan(0).role);
        if (t->kind() == TensorKind::Param || t->kind() == TensorKind::Data) {
            const auto it = std::find(inputs.begin(), inputs.end(), t);
            if (it == inputs.end())
                throw SemanticError("the program reads '" + std::string(t->name()) +
                                    "', which is not among the kernel's inputs");
            node.role = Role::Input;
            node.access = Access{static_cast<std::size_t>(it - inputs.begin()), row_major(node.dims)};
            continue;
        }
        if (t->kind() == TensorKind::Constant) {
            node.role = Role::Constant;
            plan.constants.emplace_back(t->values().begin(), t->values().end());
            node.access = Access{new_slot(Slot::Kind::Constant, plan.constants.size() - 1, {}), row_major(node.dims)};
            continue;
        }
        if (t->type() == ElementType::Index) {
            node.role = Role::IndexAlias;
            continue;
        }
        const bool may_fuse = fuse && !is_output[p];
        if (may_fuse && has_access && (t->kind() == TensorKind::Broadcast || t->kind() == TensorKind::Permute)) {
            const NodePlan& x = operand_plan(0);
            node.role = Role::InPlace;
            node.access.slot = x.access.slot;
            node.access.base = x.access.base;
            node.access.strides.assign(node.dims.size(), Extent{0, 0});
            for (std::size_t k = 0; k < x.dims.size(); ++k) {
                if (t->kind() == TensorKind::Permute) {
                    node.access.strides[k] = x.access.strides[t->axes()[k]];
                } else if (!(x.dims[k] == Extent{1, 0})) {
                    node.access.strides[t->axes()[k]] = x.access.strides[k];
                }
            }
            continue;
        }
        if (may_fuse && has_access && t->kind() == TensorKind::Reshape &&
            operand_plan(0).access.strides == row_major(operand_plan(0).dims)) {
            node.role = Role::InPlace;
            node.access = Access{operand_plan(0).access.slot, row_major(node.dims), operand_plan(0).access.base};
            continue;
        }
        if (may_fuse && has_access && t->kind() == TensorKind::View) {
            if (std::optional<Access> a = view_access(t, operand_plan(0), node.dims)) {
                node.role = Role::InPlace;
                node.access = std::move(*a);
                continue;
            }
        }
        const Tensor user = consumer[p];
        if (may_fuse && uses[p] == 1 && user != nullptr && user->kind() == TensorKind::Map &&
            user->shape() == t->shape() && (t->kind() == TensorKind::Map || is_reduction(t) || injective_adjoint(t)))
            node.role = Role::Inline;
        // Read once per element of the consumer: at most once each.
        if (may_fuse && uses[p] == 1 && user != nullptr && t->kind() == TensorKind::Map && injective_adjoint(user))
            node.role = Role::Inline;
        if (may_fuse && uses[p] == 1 && user != nullptr && t->kind() == TensorKind::Map &&
            (user->kind() == TensorKind::Sum || user->kind() == TensorKind::Max))
            node.role = Role::Inline;
        if (node.role == Role::Inline) {
            // A sum's term is emitted up to 9 times (8 partials and the tail), so a sum
            // inside a sum's term multiplies code: at most one reduction on an inline
            // chain, and none inside a map that a reduction consumes.
            for (const Tensor o : t->operands())
                if (plan.of(o).role == Role::Inline) {
                    depth[p] = std::max(depth[p], depth[plan.position(o)]);
                    reductions[p] = std::max(reductions[p], reductions[plan.position(o)]);
                }
            if (is_reduction(t)) ++reductions[p];
            const bool nested = reductions[p] > 1 || (is_reduction(user) && reductions[p] > 0);
            if (++depth[p] <= kMaxInlineDepth && !nested) continue;
            node.role = Role::Stored;
            depth[p] = 0;
            reductions[p] = 0;
        }
        node.role = Role::Stored;
        const auto out = std::find(outputs.begin(), outputs.end(), t);
        if (out != outputs.end()) {
            const std::size_t k = static_cast<std::size_t>(out - outputs.begin());
            node.access = Access{inputs.size() + k, row_major(node.dims)};
        } else {
            node.access = Access{new_slot(Slot::Kind::Scratch, 0, product_of(node.dims)), row_major(node.dims)};
        }
        if (t->kind() == TensorKind::ScatterAdd || (t->kind() == TensorKind::ViewAdjoint && !injective_adjoint(t)))
            node.mask_slot = new_slot(Slot::Kind::Scratch, 0, product_of(node.dims));
    }

    // Stages, each with the extents its elements sum over (for cutting work into tasks).
    // (node id, axis) -> (slot, position of the pack's stage)
    std::map<std::pair<std::uint32_t, std::size_t>, std::pair<std::size_t, std::size_t>> packs;
    for (std::size_t p = 0; p < count; ++p) {
        const Tensor root = plan.order[p];
        if (plan.nodes[p].role != Role::Stored) continue;
        Stage stage;
        stage.root = root;
        stage.loop_dims = plan.nodes[p].dims;
        const bool injective = injective_adjoint(root);
        stage.sequential =
            root->kind() == TensorKind::ScatterAdd || (root->kind() == TensorKind::ViewAdjoint && !injective);
        const TensorKind k = root->kind();
        stage.vectorizable = k == TensorKind::Map || k == TensorKind::Contract || k == TensorKind::Sum ||
                             k == TensorKind::Max || k == TensorKind::Broadcast || k == TensorKind::Permute ||
                             injective;
        if (lanes > 1) stage.tiled = tiled_contraction(plan, root);
        stage.output_lanes = stage.tiled != nullptr && lanes == 8 && output_lanes_fit(plan, stage.tiled);
        if (stage.tiled != nullptr)
            stage.tile_terms = plan.of(stage.tiled->operand(0)).dims[summed_axis(stage.tiled, 0)];
        // A sum over N along the output is one of two stages, each run only on its side of
        // kOutputLanesMostTerms; the other, along the summed index, reads packs guarded alike.
        const bool two_forms = stage.output_lanes && stage.tile_terms.rows != 0;
        const std::optional<Stage::Guard> past =
            two_forms ? std::optional<Stage::Guard>(Stage::Guard{stage.tile_terms, true}) : std::nullopt;
        if (stage.tiled != nullptr && (!stage.output_lanes || two_forms)) {
            // Operands not contiguous along the summed index are packed first.
            const Tensor c = stage.tiled;
            for (std::size_t operand = 0; operand < 2; ++operand) {
                const Tensor x = c->operand(operand);
                const std::size_t axis = summed_axis(c, operand);
                const NodePlan& xp = plan.of(x);
                if (xp.access.strides[axis] == Extent{1, 0}) continue;
                auto [it, fresh] = packs.try_emplace({x->id(), axis}, 0, plan.stages.size());
                if (fresh) {
                    it->second.first = new_slot(Slot::Kind::Scratch, 0, product_of(xp.dims));
                    Stage pack;
                    pack.root = x;
                    pack.pack = Stage::Pack{it->second.first, axis};
                    pack.only_if = past;
                    for (std::size_t a = 0; a < xp.dims.size(); ++a)
                        if (a != axis) pack.loop_dims.push_back(xp.dims[a]);
                    pack.loop_dims.push_back(xp.dims[axis]);
                    plan.stages.push_back(std::move(pack));
                } else if (plan.stages[it->second.second].only_if != past) {
                    plan.stages[it->second.second].only_if.reset();  // read by stages guarded otherwise
                }
                // The packed layout: row-major over the other axes, then `axis`.
                Access packed{it->second.first, std::vector<Extent>(xp.dims.size())};
                Extent stride{1, 0};
                packed.strides[axis] = stride;
                stride = xp.dims[axis];
                for (std::size_t a = xp.dims.size(); a-- > 0;) {
                    if (a == axis) continue;
                    packed.strides[a] = stride;
                    stride = times(stride, xp.dims[a]);
                }
                plan.packed[{c->id(), operand}] = std::move(packed);
            }
        }
        // The nodes computed in this stage's loop: the root and its inline operands.
        std::vector<Tensor> pending{root};
        while (!pending.empty()) {
            const Tensor t = pending.back();
            pending.pop_back();
            if (is_reduction(t)) {
                const std::vector<Extent> none;
                const std::vector<Extent> s = summed_extents(
                    t, plan.of(t->operand(0)).dims, t->operands().size() > 1 ? plan.of(t->operand(1)).dims : none);
                stage.work_terms.push_back(product_of(s));
            }
            for (const Tensor o : t->operands())
                if (plan.of(o).role == Role::Inline) pending.push_back(o);
        }
        stage.upper = symmetric && stage.tiled == root && symmetric_product(root);
        if (two_forms) {
            Stage packed = stage;
            packed.output_lanes = false;
            packed.only_if = past;
            stage.only_if = Stage::Guard{stage.tile_terms, false};
            plan.stages.push_back(stage);
            plan.stages.push_back(std::move(packed));
        } else {
            plan.stages.push_back(stage);
        }
        if (stage.upper) {
            Stage mirror;
            mirror.root = root;
            mirror.mirror = true;
            mirror.loop_dims = stage.loop_dims;
            plan.stages.push_back(std::move(mirror));
        }
    }
    // Outputs that are inputs, constants or listed twice are copied from where they are.
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        const NodePlan& node = plan.of(outputs[k]);
        if (node.role != Role::Stored || node.access.slot != inputs.size() + k)
            plan.output_copies.emplace_back(k, node.access.slot);
    }
    return plan;
}

}  // namespace gradc::codegen
