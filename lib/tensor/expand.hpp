// One walk over a tensor program that computes every element of every node, for two
// element types: doubles (the reference interpreter) and scalar Exprs (the expansion
// into the scalar DAG). Both take the same elements in the same order and sum in the
// documented order (walk.hpp), which is why their values agree bit for bit.
//
// A Policy gives: `Value`; input(node, index, offset) for a Param or real Data element;
// constant(v); add(a, b); mul(a, b); max(a, b) with scalar max's NaN rule; and
// apply(body, values) for a map body with placeholder p_k at values[k].
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"
#include "tensor/walk.hpp"

namespace gradc::tensor {

// The bound shape of `node` with N = rows, checking what bindings give for inputs.
std::vector<std::size_t> bound_dims(Tensor node, const TensorBindings& bindings);
// The values of an index Data node, range-checked later by gather and scatter_add.
const std::vector<std::int64_t>& index_values(Tensor node, const TensorBindings& bindings);
// index[i] as a position along an axis of `size`, or an Error naming the tensor.
std::size_t checked_position(Tensor index, std::int64_t value, std::size_t size);

template <class Policy>
std::vector<std::vector<typename Policy::Value>> expand(std::span<const Tensor> outputs, const TensorBindings& bindings,
                                                        Policy& policy) {
    using Value = typename Policy::Value;
    const std::vector<Tensor> order = tensor_order(outputs);
    std::vector<std::vector<Value>> values;  // by position in `order`
    std::vector<std::vector<std::size_t>> dims;
    std::vector<std::size_t> slot_of;  // node id -> position in order
    for (const Tensor t : order) {
        if (slot_of.size() <= t->id()) slot_of.resize(t->id() + 1);
        slot_of[t->id()] = values.size();
        dims.push_back(bound_dims(t, bindings));
        std::vector<std::vector<std::size_t>> operand_dims;
        for (const Tensor o : t->operands()) operand_dims.push_back(dims[slot_of[o->id()]]);
        const auto operand = [&](std::size_t k) -> const std::vector<Value>& {
            return values[slot_of[t->operand(k)->id()]];
        };
        const std::vector<std::size_t>& d = dims.back();
        std::vector<Value> out;
        std::size_t count = 1;
        for (const std::size_t x : d) count *= x;
        out.reserve(count);
        std::vector<std::size_t> at(d.size(), 0), offsets(t->operands().size());
        const bool any = count > 0;
        switch (t->kind()) {
            case TensorKind::Param:
            case TensorKind::Data:
                if (t->type() == ElementType::Real && any) do {
                        out.push_back(policy.input(t, at, out.size()));
                    } while (next_index(at, d));
                break;
            case TensorKind::Constant:
                for (const double v : t->values()) out.push_back(policy.constant(v));
                break;
            case TensorKind::Map:
            case TensorKind::Broadcast:
            case TensorKind::Permute:
            case TensorKind::Reshape: {
                std::vector<Value> args(t->operands().size());
                if (t->type() == ElementType::Index) break;  // read through index_values()
                if (any) do {
                        operand_offsets(t, operand_dims, at, out.size(), offsets);
                        for (std::size_t k = 0; k < args.size(); ++k) args[k] = operand(k)[offsets[k]];
                        out.push_back(t->kind() == TensorKind::Map ? policy.apply(t->body(), args) : args[0]);
                    } while (next_index(at, d));
                break;
            }
            case TensorKind::Contract:
            case TensorKind::Sum:
            case TensorKind::Max: {
                std::vector<Value> terms;
                if (any) do {
                        const SumTerms s = sum_terms(t, operand_dims, at);
                        terms.clear();
                        for (std::size_t i = 0; i < s.a.size(); ++i)
                            terms.push_back(t->kind() == TensorKind::Contract
                                                ? policy.mul(operand(0)[s.a[i]], operand(1)[s.b[i]])
                                                : operand(0)[s.a[i]]);
                        if (t->kind() == TensorKind::Max) {
                            if (terms.empty()) throw Error("max over an empty axis has no value");
                            Value m = terms[0];
                            for (std::size_t i = 1; i < terms.size(); ++i) m = policy.max(m, terms[i]);
                            out.push_back(m);
                        } else {
                            out.push_back(ordered_sum<Value>(
                                terms, policy.constant(0.0),
                                [&policy](const Value& a, const Value& b) { return policy.add(a, b); }));
                        }
                    } while (next_index(at, d));
                break;
            }
            case TensorKind::View: {
            // The element x[j], j = A·at + b, or 0 where j falls outside x.
                const std::vector<std::size_t>& xd = operand_dims[0];
                const std::vector<std::size_t> strides = strides_of(xd);
                const std::span<const std::int64_t> affine = t->affine();
                const std::size_t width = d.size() + 1;
                if (any) do {
                        std::size_t o = 0;
                        bool inside = true;
                        for (std::size_t a = 0; a < xd.size() && inside; ++a) {
                            std::int64_t j = affine[a * width + d.size()];
                            for (std::size_t k = 0; k < d.size(); ++k)
                                j += affine[a * width + k] * static_cast<std::int64_t>(at[k]);
                            inside = j >= 0 && static_cast<std::size_t>(j) < xd[a];
                            o += static_cast<std::size_t>(j) * strides[a];
                        }
                        out.push_back(inside ? operand(0)[o] : policy.constant(0.0));
                    } while (next_index(at, d));
                break;
            }
            case TensorKind::ViewAdjoint: {
            // Each element of the view added back where it came from, in row-major order.
                const std::vector<std::size_t>& vd = operand_dims[0];
                const std::vector<std::size_t> strides = strides_of(d);
                const std::span<const std::int64_t> affine = t->affine();
                const std::size_t width = vd.size() + 1;
                std::vector<std::vector<std::size_t>> contributions(count);
                std::vector<std::size_t> i(vd.size(), 0);
                std::size_t flat = 0;
                if (!operand(0).empty()) do {
                        std::size_t o = 0;
                        bool inside = true;
                        for (std::size_t a = 0; a < d.size() && inside; ++a) {
                            std::int64_t j = affine[a * width + vd.size()];
                            for (std::size_t k = 0; k < vd.size(); ++k)
                                j += affine[a * width + k] * static_cast<std::int64_t>(i[k]);
                            inside = j >= 0 && static_cast<std::size_t>(j) < d[a];
                            o += static_cast<std::size_t>(j) * strides[a];
                        }
                        if (inside) contributions[o].push_back(flat);
                        ++flat;
                    } while (next_index(i, vd));
                for (const std::vector<std::size_t>& c : contributions) {
                    if (c.empty()) {
                        out.push_back(policy.constant(0.0));
                        continue;
                    }
                    Value v = operand(0)[c[0]];
                    for (std::size_t k = 1; k < c.size(); ++k) v = policy.add(v, operand(0)[c[k]]);
                    out.push_back(v);
                }
                break;
            }
            case TensorKind::Delta: {
                const std::size_t half = d.size() / 2;
                if (any) do {
                        out.push_back(
                            policy.constant(std::equal(at.begin(), at.begin() + static_cast<std::ptrdiff_t>(half),
                                                       at.begin() + static_cast<std::ptrdiff_t>(half))
                                                ? 1.0
                                                : 0.0));
                    } while (next_index(at, d));
                break;
            }
            case TensorKind::Gather: {
                const std::size_t axis = t->axes()[0];
                const std::vector<std::int64_t>& index = index_values(t->operand(1), bindings);
                const std::vector<std::size_t> strides = strides_of(operand_dims[0]);
                if (any) do {
                        std::size_t o = 0;
                        for (std::size_t k = 0; k < at.size(); ++k)
                            o += (k == axis ? checked_position(t->operand(1), index[out.size() % index.size()],
                                                               operand_dims[0][axis])
                                            : at[k]) *
                                 strides[k];
                        out.push_back(operand(0)[o]);
                    } while (next_index(at, d));
                break;
            }
            case TensorKind::ScatterAdd: {
            // Each target's contributions in row-major order of the source, first one exact;
            // the index repeats for every position of the leading axes.
                const std::size_t axis = t->axes()[0];
                const std::vector<std::int64_t>& index = index_values(t->operand(0), bindings);
                const std::vector<Value>& source = operand(1);
                const std::vector<std::size_t>& sd = operand_dims[1];
                const std::vector<std::size_t> strides = strides_of(d);
                std::vector<std::vector<std::size_t>> contributions(count);
                std::vector<std::size_t> i(sd.size(), 0);
                std::size_t flat = 0;
                if (!source.empty()) do {
                        std::size_t o = 0;
                        for (std::size_t k = 0; k < i.size(); ++k)
                            o += (k == axis ? checked_position(t->operand(0), index[flat % index.size()], d[axis])
                                            : i[k]) *
                                 strides[k];
                        contributions[o].push_back(flat++);
                    } while (next_index(i, sd));
                for (const std::vector<std::size_t>& c : contributions) {
                    if (c.empty()) {
                        out.push_back(policy.constant(0.0));
                        continue;
                    }
                    Value v = source[c[0]];
                    for (std::size_t k = 1; k < c.size(); ++k) v = policy.add(v, source[c[k]]);
                    out.push_back(v);
                }
                break;
            }
        }
        values.push_back(std::move(out));
    }
    std::vector<std::vector<Value>> result;
    for (const Tensor o : outputs) result.push_back(values[slot_of[o->id()]]);
    return result;
}

}  // namespace gradc::tensor
