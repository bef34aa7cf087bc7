// canonicalize(): the logistic Hessian as X' diag(s(1 - s)) X, a matrix chain in its
// cheapest order, and on random programs and their Hessians: values kept (to rounding),
// idempotent, and no bigger than before.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"

using namespace gradc;

namespace {

std::size_t reachable(Tensor t) { return tensor_order(std::span<const Tensor>(&t, 1)).size(); }

TensorValue random_value(const Shape& s, std::size_t rows, std::mt19937_64& random) {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    TensorValue v{s.bound(rows), {}, {}};
    v.reals.resize(s.elements(rows));
    for (double& x : v.reals) x = u(random);
    return v;
}

void check_same_values(Tensor a, Tensor b, const TensorBindings& bindings) {
    const Tensor both[] = {a, b};
    const std::vector<TensorValue> v = evaluate(both, bindings);
    REQUIRE(v[0].reals.size() == v[1].reals.size());
    for (std::size_t i = 0; i < v[0].reals.size(); ++i)
        CHECK(v[1].reals[i] == Approx(v[0].reals[i]).epsilon(1e-12).margin(1e-12));
}

}  // namespace

TEST_CASE("the canonical logistic Hessian is X' diag(s(1 - s)) X", "[tensor][canonicalize]") {
    TensorContext ctx;
    const Tensor X = ctx.data("X", Shape{{kRows, 3}}), y = ctx.data("y", Shape{{kRows}});
    const Tensor w = ctx.param("w", Shape{{3}});
    const Tensor z = ctx.matmul(X, w);
    const Tensor f = ctx.sum(ctx.sub(ctx.map(Op::Softplus, z), ctx.mul(y, z)));
    const Tensor H = tensor_hessian(ctx, f, w);
    const Tensor C = canonicalize(ctx, std::span<const Tensor>(&H, 1))[0];
    // One contraction of X with (the curvature times X): both factors read X itself,
    // not a transposed copy.
    REQUIRE(C->kind() == TensorKind::Contract);
    const Tensor left = C->operand(0), right = C->operand(1);
    const bool x_and_scaled =
        (left == X && right->kind() == TensorKind::Contract) || (right == X && left->kind() == TensorKind::Contract);
    CHECK(x_and_scaled);
    const Tensor scaled = left == X ? right : left;
    CHECK((scaled->operand(0) == X || scaled->operand(1) == X));
    CHECK(reachable(C) <= reachable(H));
    std::mt19937_64 random(21);
    TensorBindings b;
    b.rows = 7;
    b.inputs = {{"X", random_value(X->shape(), 7, random)},
                {"y", random_value(y->shape(), 7, random)},
                {"w", random_value(w->shape(), 7, random)}};
    check_same_values(H, C, b);
    CHECK(canonicalize(ctx, std::span<const Tensor>(&C, 1))[0] == C);
}

TEST_CASE("a matrix chain is contracted in its cheapest order", "[tensor][canonicalize]") {
    // (A B) C with A [2,50], B [50,40], C [40,1]: A (B C) costs 2,000 + 100 multiplications,
    // (A B) C 4,000 + 80. The product of B and C comes first.
    TensorContext ctx;
    const Tensor A = ctx.param("A", Shape{{2, 50}}), B = ctx.param("B", Shape{{50, 40}}),
                 C = ctx.param("C", Shape{{40, 1}});
    const Tensor chain = ctx.matmul(ctx.matmul(A, B), C);
    const Tensor r = canonicalize(ctx, std::span<const Tensor>(&chain, 1))[0];
    REQUIRE(r->kind() == TensorKind::Contract);
    const Tensor inner = r->operand(0) == A ? r->operand(1) : r->operand(0);
    REQUIRE(inner->kind() == TensorKind::Contract);
    CHECK(((inner->operand(0) == B && inner->operand(1) == C) || (inner->operand(0) == C && inner->operand(1) == B)));
    std::mt19937_64 random(22);
    TensorBindings b;
    b.inputs = {{"A", random_value(A->shape(), 0, random)},
                {"B", random_value(B->shape(), 0, random)},
                {"C", random_value(C->shape(), 0, random)}};
    check_same_values(chain, r, b);
}

TEST_CASE("canonical forms of random products keep their values and are fixed points", "[tensor][canonicalize]") {
    std::mt19937_64 random(23);
    for (int trial = 0; trial < 200; ++trial) {
        INFO("trial " << trial);
        TensorContext ctx;
        const Tensor X = ctx.data("X", Shape{{kRows, 3}});
        const Tensor W = ctx.param("W", Shape{{3, 3}}), v = ctx.param("v", Shape{{3}});
        std::vector<Tensor> pool{X, W, v};
        const char* specs[] = {"ij,jk->ik", "ij,j->i", "j,jk->k", "ij,kj->ik", "ij,ij->i", "i,j->ij"};
        for (int step = 0, tries = 0; step < 6 && tries < 300; ++tries) {
            const Tensor a = pool[random() % pool.size()], b = pool[random() % pool.size()];
            try {
                switch (random() % 4) {
                    case 0: pool.push_back(ctx.contract(specs[random() % 6], a, b)); break;
                    case 1: pool.push_back(ctx.mul(a, b)); break;
                    case 2: pool.push_back(ctx.transpose(a)); break;
                    case 3: pool.push_back(ctx.map(Op::Tanh, a)); break;
                }
                ++step;
            } catch (const SemanticError&) {}
        }
        Tensor f = ctx.sum(pool.back());
        for (std::size_t k = pool.size() - 3; k + 1 < pool.size(); ++k) f = ctx.add(f, ctx.sum(pool[k]));
        const Tensor Hv = tensor_hessian(ctx, f, v);
        const Tensor outputs[] = {f, Hv};
        const std::vector<Tensor> c = canonicalize(ctx, outputs);
        CHECK(canonicalize(ctx, c) == c);
        // No bigger: the Hessian's canonical form never has more nodes than it had.
        CHECK(reachable(c[1]) <= reachable(Hv));
        TensorBindings b;
        b.rows = 4;
        b.inputs = {{"X", random_value(X->shape(), 4, random)},
                    {"W", random_value(W->shape(), 4, random)},
                    {"v", random_value(v->shape(), 4, random)}};
        check_same_values(f, c[0], b);
        check_same_values(Hv, c[1], b);
    }
}
