// Parse + lower throughput on generated formulas of about 10 MB: one written as many
// bindings (how generated models look), one as a single flat expression (the largest
// syntax tree a statement can have), and a one-line formula for the fixed cost per call.
// Each large case is split into the grammar alone and the node factory alone (building
// the same nodes from a list), so a slowdown can be placed.
//
//   cmake --preset release && cmake --build build/release --target parse_bench
//   build/release/bench/parse_bench
#include <benchmark/benchmark.h>

#include <cstddef>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "gradc/expr.hpp"
#include "gradc/parse.hpp"
#include "parse/grammar.hpp"

namespace {

// Appends the parts in order (`"..." + s` on a temporary trips a false -Wrestrict in GCC 12).
template <class... Parts>
std::string cat(const Parts&... parts) {
    std::string s;
    ((s += parts), ...);
    return s;
}

constexpr std::size_t kTargetBytes = std::size_t{10} << 20;

// Random pieces of a realistic formula, from a fixed seed so every run reads the same text.
class FormulaWriter {
public:
    explicit FormulaWriter(std::uint64_t seed) : rng_(seed) {}

    std::string number() {
        switch (pick(4)) {
            case 0: return std::to_string(pick(10));
            case 1: return cat("0.", std::to_string(pick(100'000)));
            case 2:
                return cat(std::to_string(pick(10)), ".", std::to_string(pick(1000)), "e-",
                           std::to_string(1 + pick(5)));
            default: return cat(std::to_string(pick(100)), ".5");
        }
    }

    // A leaf: a variable, a number or an earlier binding.
    std::string leaf(std::size_t bindings) {
        const std::size_t r = pick(10);
        if (r < 4 || bindings == 0) return cat("x", std::to_string(pick(200)));
        if (r < 6) return number();
        return cat("t", std::to_string(bindings - 1 - pick(std::min<std::size_t>(bindings, 50))));
    }

    std::string factor(std::size_t bindings) {
        static constexpr const char* kUnary[] = {"sin", "cos", "exp", "tanh", "log1p", "sqrt", "sigmoid", "abs"};
        switch (pick(6)) {
            case 0: return cat(kUnary[pick(std::size(kUnary))], "(", leaf(bindings), " - ", leaf(bindings), ")");
            case 1: return cat("max(", leaf(bindings), ", ", number(), ")");
            case 2: return cat(leaf(bindings), "^2");
            case 3: return cat("(", leaf(bindings), " + ", leaf(bindings), ")");
            default: return leaf(bindings);
        }
    }

    // A sum of products of calls, leaves and numbers.
    std::string sum(std::size_t bindings, std::size_t terms) {
        std::string s;
        for (std::size_t t = 0; t < terms; ++t) {
            if (t > 0) s += pick(3) == 0 ? " - " : " + ";
            s += number();
            for (std::size_t f = 1 + pick(3); f > 0; --f) (s += "*") += factor(bindings);
        }
        return s;
    }

private:
    std::size_t pick(std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }
    std::mt19937_64 rng_;
};

std::string bindings_formula() {
    FormulaWriter w(1);
    std::string text = "# generated: bindings over 200 inputs\n";
    std::size_t n = 0;
    while (text.size() < kTargetBytes) {
        text += cat("t", std::to_string(n), " = ", w.sum(n, 4 + n % 5), ";\n");
        ++n;
    }
    text += cat("t", std::to_string(n - 1), ", t", std::to_string(n / 2), "\n");
    return text;
}

std::string flat_formula() {
    FormulaWriter w(2);
    std::string text;
    while (text.size() < kTargetBytes) {
        if (!text.empty()) text += "\n  + ";
        text += w.sum(0, 8);
    }
    return text;
}

// Grammar and syntax trees alone: what is read is dropped.
struct DropStatements final : gradc::syntax::StatementSink {
    void declaration(gradc::syntax::ast::Declaration&& d) override { benchmark::DoNotOptimize(d.name.pos); }
    void binding(const gradc::syntax::ast::BindingHead& head) override { benchmark::DoNotOptimize(head.name.pos); }
    void result(gradc::syntax::ast::Position pos, bool) override { benchmark::DoNotOptimize(pos); }
    void term(char, gradc::syntax::ast::Position, gradc::syntax::ast::Product&& p) override {
        benchmark::DoNotOptimize(p.rest.data());
    }
    void compare(gradc::syntax::ast::Comparison&& c) override { benchmark::DoNotOptimize(c.op.pos); }
    void end_value(gradc::syntax::ast::Position) override {}
};

void read_only(benchmark::State& state, const std::string& text) {
    for (auto _ : state) {
        DropStatements sink;
        gradc::syntax::read_program(text, sink);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

// The whole of parse(): grammar, lowering and the node factory.
void parse_text(benchmark::State& state, const std::string& text) {
    std::size_t nodes = 0;
    for (auto _ : state) {
        gradc::ExprContext ctx;
        const gradc::Program p = gradc::parse(ctx, text);
        benchmark::DoNotOptimize(p.outputs.data());
        nodes = ctx.node_count();
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["nodes"] = static_cast<double>(nodes);
}

// The baseline: the node factory building the very nodes parse() builds, from a list.
// No parser can lower faster than this.
void factory_only(benchmark::State& state, const std::string& text) {
    gradc::ExprContext parsed;
    gradc::parse(parsed, text);
    for (auto _ : state) {
        gradc::ExprContext ctx;
        std::vector<gradc::Expr> copy(parsed.node_count());
        for (std::size_t i = 0; i < parsed.node_count(); ++i) {
            const gradc::Expr n = parsed.node(i);
            gradc::Expr args[3] = {nullptr, nullptr, nullptr};
            for (int k = 0; k < n->arity(); ++k) args[k] = copy[n->arg(k)->id()];
            copy[i] = n->is_const() ? ctx.constant(n->value())
                      : n->is_var()
                          ? ctx.variable(n->name())
                          : ctx.make(n->op(), std::span<const gradc::Expr>(args, static_cast<std::size_t>(n->arity())));
        }
        benchmark::DoNotOptimize(copy.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
    state.counters["nodes"] = static_cast<double>(parsed.node_count());
}

const std::string& bindings_text() {
    static const std::string text = bindings_formula();
    return text;
}
const std::string& flat_text() {
    static const std::string text = flat_formula();
    return text;
}

void BM_Bindings10MB_Parse(benchmark::State& state) { parse_text(state, bindings_text()); }
void BM_Bindings10MB_GrammarOnly(benchmark::State& state) { read_only(state, bindings_text()); }
void BM_Bindings10MB_FactoryOnly(benchmark::State& state) { factory_only(state, bindings_text()); }
void BM_Flat10MB_Parse(benchmark::State& state) { parse_text(state, flat_text()); }
void BM_Flat10MB_GrammarOnly(benchmark::State& state) { read_only(state, flat_text()); }
void BM_Flat10MB_FactoryOnly(benchmark::State& state) { factory_only(state, flat_text()); }

// Deep formulas parse on a thread of their own, so wall time is the figure that counts.
BENCHMARK(BM_Bindings10MB_Parse)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);
BENCHMARK(BM_Bindings10MB_GrammarOnly)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);
BENCHMARK(BM_Bindings10MB_FactoryOnly)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);
BENCHMARK(BM_Flat10MB_Parse)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);
BENCHMARK(BM_Flat10MB_GrammarOnly)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);
BENCHMARK(BM_Flat10MB_FactoryOnly)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(4);

// The fixed cost of one call, dominated by starting the parser's thread.
void BM_OneLine_Parse(benchmark::State& state) { parse_text(state, "r = sqrt(x^2 + y^2); r*sin(r) + exp(-r^2/2)"); }
BENCHMARK(BM_OneLine_Parse)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
