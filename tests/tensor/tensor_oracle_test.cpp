// Seeded random tensor programs against their expansion into the scalar DAG: values
// bit for bit, gradients (tensor adjoint rules against scalar reverse mode) within a
// rounding bound, and both gradients against finite differences (gradcheck).
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/gradcheck.hpp"
#include "gradc/tensor.hpp"
#include "tensor/random_program.hpp"

using namespace gradc;
using gradc::testing::build;
using gradc::testing::kRowCount;
using gradc::testing::Program;

namespace {

// The scalar variables of an input's elements, row-major.
std::vector<Expr> element_variables(ExprContext& scalars, Tensor input) {
    std::vector<Expr> out;
    const std::vector<std::size_t> dims = input->shape().bound(kRowCount);
    std::vector<std::size_t> at(dims.size(), 0);
    for (std::size_t i = 0; i < input->shape().elements(kRowCount); ++i) {
        out.push_back(scalars.variable(scalar_input_name(input->name(), at)));
        for (std::size_t k = dims.size(); k-- > 0;)
            if (++at[k] < dims[k])
                break;
            else
                at[k] = 0;
    }
    return out;
}

// The program's value expanded into scalars, with every input element's variable and
// value, in the order of p.inputs.
struct Expansion {
    Expr f;
    std::vector<Expr> variables;
    std::vector<double> point;
};

Expansion expand(const Program& p, ExprContext& scalars) {
    Expansion e{scalarize(scalars, std::span<const Tensor>(&p.f, 1), p.bindings)[0][0], {}, {}};
    for (const Tensor in : p.inputs) {
        const std::vector<Expr> vars = element_variables(scalars, in);
        e.variables.insert(e.variables.end(), vars.begin(), vars.end());
        const std::vector<double>& reals = p.bindings.find(in->name())->reals;
        e.point.insert(e.point.end(), reals.begin(), reals.end());
    }
    return e;
}

}  // namespace

TEST_CASE("random tensor programs agree with their scalar expansion", "[tensor][oracle]") {
    std::mt19937_64 random(20261206);
    std::map<TensorKind, int> reached;
    std::size_t compared = 0;
    for (int trial = 0; trial < 300; ++trial) {
        Program p;
        build(p, random, reached);
        INFO("trial " << trial);
        const std::vector<Tensor> grads = tensor_gradient(p.ctx, p.f, p.inputs);
        std::vector<Tensor> outputs{p.f};
        outputs.insert(outputs.end(), grads.begin(), grads.end());
        for (const Tensor g : grads)
            for (const Tensor t : tensor_order(std::span<const Tensor>(&g, 1))) ++reached[t->kind()];
        const std::vector<TensorValue> tensor_values = evaluate(outputs, p.bindings);

        // The expansion, its scalar gradient by every element, both by the scalar interpreter.
        ExprContext scalars;
        const Expansion e = expand(p, scalars);
        const Expr f = e.f;
        const std::vector<Expr>& variables = e.variables;
        const std::vector<double>& point = e.point;
        const double scalar_value = evaluate(f, variables, point);
        const double tensor_value = tensor_values[0].reals[0];
        CHECK((scalar_value == tensor_value || (std::isnan(scalar_value) && std::isnan(tensor_value))));
        const std::vector<double> scalar_grad = evaluate(gradient(scalars, f, variables), variables, point);
        std::size_t i = 0;
        for (std::size_t k = 0; k < grads.size(); ++k)
            for (const double g : tensor_values[1 + k].reals) {
                // Reverse mode adds the contributions to an element in its own order;
                // 1e-12 of the magnitude covers the reassociation of a few dozen terms.
                INFO(p.inputs[k]->name() << " element " << i);
                CHECK(std::fabs(g - scalar_grad[i]) <= 1e-12 * std::max(1.0, std::fabs(scalar_grad[i])));
                ++i;
                ++compared;
            }
    }
    INFO(compared << " partial derivatives compared");
    CHECK(compared > 3000);
    // Every kind and therefore every adjoint rule was exercised.
    for (const TensorKind kind : testing::kBuiltKinds) {
        INFO(tensor_kind_name(kind));
        CHECK(reached[kind] >= 20);
    }
}

TEST_CASE("random programs' tensor Hessians agree with the scalar expansion's", "[tensor][oracle][hessian]") {
    std::mt19937_64 random(20261207);
    std::map<TensorKind, int> reached;
    std::size_t compared = 0;
    for (int trial = 0; trial < 120; ++trial) {
        Program p;
        build(p, random, reached);
        INFO("trial " << trial);
        // By W [4,2] and by v [4]: tangents through contractions whose both operands vary.
        const Tensor by[] = {p.inputs[1], p.inputs[3]};
        std::vector<Tensor> hessians;
        for (const Tensor w : by) hessians.push_back(tensor_hessian(p.ctx, p.f, w));
        const std::vector<TensorValue> got = evaluate(hessians, p.bindings);
        ExprContext scalars;
        const Expansion e = expand(p, scalars);
        const Expr f = e.f;
        const std::vector<Expr>& variables = e.variables;
        const std::vector<double>& point = e.point;
        for (std::size_t k = 0; k < 2; ++k) {
            const std::vector<Expr> wrt = element_variables(scalars, by[k]);
            std::size_t i = 0;
            for (const auto& row : hessian(scalars, f, wrt))
                for (const double want : evaluate(row, variables, point)) {
                    INFO(by[k]->name() << " entry " << i);
                    const double g = got[k].reals[i++];
                    CHECK((std::fabs(g - want) <= 1e-11 * std::max(1.0, std::fabs(want)) ||
                           (std::isnan(g) && std::isnan(want))));
                    ++compared;
                }
        }
    }
    CHECK(compared > 5000);
}

TEST_CASE("tensor gradients agree with finite differences", "[tensor][oracle]") {
    std::mt19937_64 random(7);
    std::map<TensorKind, int> reached;
    for (int trial = 0; trial < 60; ++trial) {
        Program p;
        build(p, random, reached);
        INFO("trial " << trial);
        const std::vector<Tensor> grads = tensor_gradient(p.ctx, p.f, p.inputs);
        // The point: every real input flattened, in order.
        std::vector<double> x;
        std::vector<std::size_t> sizes;
        for (const Tensor in : p.inputs) {
            const std::vector<double>& reals = p.bindings.find(in->name())->reals;
            x.insert(x.end(), reals.begin(), reals.end());
            sizes.push_back(reals.size());
        }
        const auto bind = [&](std::span<const double> at) {
            TensorBindings b = p.bindings;
            std::size_t offset = 0;
            for (std::size_t k = 0; k < sizes.size(); ++k) {
                b.inputs[k].second.reals.assign(at.begin() + offset, at.begin() + offset + sizes[k]);
                offset += sizes[k];
            }
            return b;
        };
        const PointFunction value = [&](std::span<const double> at, std::span<double> out) {
            out[0] = evaluate(std::span<const Tensor>(&p.f, 1), bind(at))[0].reals[0];
        };
        const PointFunction derivatives = [&](std::span<const double> at, std::span<double> out) {
            std::size_t i = 0;
            for (const TensorValue& g : evaluate(grads, bind(at)))
                for (const double d : g.reals) out[i++] = d;
        };
        std::vector<std::size_t> every(x.size());
        for (std::size_t i = 0; i < every.size(); ++i) every[i] = i;
        const std::vector<double> points[] = {x};
        // A small step keeps the differences on one side of max's switches.
        const GradcheckResult r = gradcheck(value, derivatives, 1, every, points, {.tolerance = 1e-6, .step = 1e-6});
        CHECK(r.max_error <= 1e-6);
    }
}
