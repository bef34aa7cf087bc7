// Seeded random tensor programs for the oracle tests: every kind reached, over a few
// inputs and one index tensor, with values bound.
#pragma once

#include <map>
#include <random>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"

namespace gradc::testing {

inline constexpr std::size_t kRowCount = 3;

// The kinds build() makes (all but Delta, which only derivatives make).
inline constexpr TensorKind kBuiltKinds[] = {
    TensorKind::Param,  TensorKind::Data,       TensorKind::Constant,  TensorKind::Map,        TensorKind::Contract,
    TensorKind::Sum,    TensorKind::Max,        TensorKind::Broadcast, TensorKind::Permute,    TensorKind::Reshape,
    TensorKind::Gather, TensorKind::ScatterAdd, TensorKind::View,      TensorKind::ViewAdjoint};

struct Program {
    TensorContext ctx;
    std::vector<Tensor> inputs;  // the real inputs, by which gradients are taken
    Tensor index = nullptr;      // y[N,1], an index tensor
    Tensor f = nullptr;          // the scalar value
    TensorBindings bindings;
};

inline TensorValue random_value(const Shape& s, std::mt19937_64& random) {
    std::uniform_real_distribution<double> u(-1.5, 1.5);
    TensorValue v{s.bound(kRowCount), {}, {}};
    v.reals.resize(s.elements(kRowCount));
    for (double& x : v.reals) x = u(random);
    return v;
}

// A random program over X[N,4], W[4,2], b[2], v[4], s[] and y[N,1] (indices 0..1):
// each step applies a random kind to random operands from the pool, and whatever the
// factory refuses (a shape mismatch) is drawn again.
inline void build(Program& p, std::mt19937_64& random, std::map<TensorKind, int>& reached) {
    TensorContext& c = p.ctx;
    p.inputs = {c.data("X", Shape{{kRows, 4}}), c.param("W", Shape{{4, 2}}), c.param("b", Shape{{2}}),
                c.param("v", Shape{{4}}), c.param("s", Shape{})};
    p.index = c.data("y", Shape{{kRows, 1}}, ElementType::Index);
    std::vector<Tensor> pool = p.inputs;
    const auto pick = [&] { return pool[random() % pool.size()]; };
    const Op unary[] = {Op::Sin, Op::Tanh, Op::Sigmoid, Op::Softplus, Op::Neg, Op::Cos};
    // Not hypot: its partials are NaN at (0, 0), which padding makes common (docs/tensors.md).
    const Op binary[] = {Op::Add, Op::Sub, Op::Mul, Op::Max};
    const char* specs[] = {"ij,jk->ik", "ij,j->i", "j,jk->k", "i,j->ij", "ij,ij->i", "ij,kj->ik", "i,i->"};
    for (int step = 0, tries = 0; step < 9 && tries < 500; ++tries) {
        Tensor t = nullptr;
        try {
            const Tensor a = pick(), b = pick();
            std::vector<std::size_t> axes;
            for (std::size_t k = 0; k < a->shape().rank(); ++k)
                if (random() % 2) axes.push_back(k);
            const std::size_t axis = a->shape().rank() ? random() % a->shape().rank() : 0;
            const std::int64_t size = a->shape().rank() ? a->shape().dims[axis] : 0;
            switch (random() % 15) {
                case 0: t = c.map(unary[random() % 6], a); break;
                case 1: t = c.map(binary[random() % 4], a, b); break;
                case 2: t = c.contract(specs[random() % 7], a, b); break;
                case 3: t = c.sum(a, axes); break;
                case 4: t = c.max(a, axes); break;
                case 5: t = c.transpose(a); break;
                case 6: t = c.reshape(a, Shape{{static_cast<std::int64_t>(a->shape().elements())}}); break;
                case 7: t = c.broadcast_to(a, Shape{{kRows, 4}}); break;
                case 8: t = c.gather(c.broadcast_to(a, Shape{{kRows, 2}}), 1, p.index); break;
                case 9: t = c.scatter_add(Shape{{kRows, 2}}, 1, p.index, c.broadcast_to(a, Shape{{kRows, 1}})); break;
                case 10: t = c.logsumexp(a, axes); break;
                case 11:
                    t = c.slice(a, axis, static_cast<std::int64_t>(random() % 2), size,
                                1 + static_cast<std::int64_t>(random() % 2));
                    break;
                case 12: t = c.pad(a, axis, static_cast<std::int64_t>(random() % 2), 1); break;
                case 13: t = c.diagonal(a, 0, 1); break;
                case 14: t = c.windows(a, axis, 2); break;
            }
        } catch (const SemanticError&) {
            continue;
        }
        if (t->shape().has_rows() && t->shape().rank() == 0) continue;
        pool.push_back(t);
        ++step;
    }
    // The value: the sum of the last few tensors built, each summed to a scalar.
    Tensor f = c.sum(pool.back());
    for (std::size_t k = pool.size() - 3; k + 1 < pool.size(); ++k) f = c.add(f, c.sum(pool[k]));
    p.f = f;
    for (const Tensor t : tensor_order(std::span<const Tensor>(&p.f, 1))) ++reached[t->kind()];
    p.bindings.rows = kRowCount;
    for (const Tensor in : p.inputs)
        p.bindings.inputs.emplace_back(std::string(in->name()), random_value(in->shape(), random));
    TensorValue labels{{kRowCount, 1}, {}, {}};
    for (std::size_t r = 0; r < kRowCount; ++r) labels.indices.push_back(static_cast<std::int64_t>(random() % 2));
    p.bindings.inputs.emplace_back("y", labels);
}

}  // namespace gradc::testing
