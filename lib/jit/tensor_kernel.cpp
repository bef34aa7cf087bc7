// compile_tensor(): a loop plan, its stages compiled in one module, and the driver that
// runs them with the caller's buffers, split over threads.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "codegen/loop_nest.hpp"
#include "codegen/loop_plan.hpp"
#include "gradc/tensor_jit.hpp"
#include "gradc/thread_pool.hpp"
#include "jit/session.hpp"

namespace gradc {

namespace jit_detail {

using codegen::Extent;

struct StageRun {
    using Function = void (*)(void* const* buffers, std::uint64_t rows, std::uint64_t begin, std::uint64_t end);
    Function function = nullptr;
    bool whole = false;           // one call: a scalar root or a scatter
    std::vector<Extent> outer;    // the units: every index of these axes
    Extent inner{1, 0};           // elements per unit
    std::vector<Extent> terms;    // summed terms per element, per reduction
    std::int64_t move_cost = 1;   // an element's load and store, in multiply-adds
    std::int64_t term_cost = 1;   // a summed term, in multiply-adds of a register tile
    std::size_t units_per_tile = 1;
    std::optional<codegen::Stage::Guard> only_if;
};

// An index input checked before a run: every value must lie in [0, axis), when the
// gather or scatter reads it at all (`reads` elements, as the interpreter).
struct IndexCheck {
    std::size_t input = 0;
    Extent axis;
    Extent reads;
};

// A max over `terms` per element: none is an error when the max has `elements`.
struct MaxCheck {
    Extent terms;
    Extent elements;
};

struct TensorProgramCode {
    std::shared_ptr<const void> unit;
    std::vector<TensorInput> inputs;
    std::vector<Shape> outputs;
    std::vector<codegen::Slot> slots;
    std::vector<std::vector<double>> constants;
    std::vector<StageRun> stages;
    std::vector<std::pair<std::size_t, std::size_t>> output_copies;
    std::vector<IndexCheck> index_checks;
    std::vector<MaxCheck> max_checks;
};

namespace {

// Work of one task, in multiply-adds of a register tile (some 10 us): large enough that
// starting a task costs little, small enough that a 256-row batch of a layer splits
// over threads. A task takes at least kTaskTiles tiles of units, and starts at a
// multiple of the stage's tile (units_per_tile): a task of 8 units cut from tiles of
// 3 would run 2 of them one at a time.
constexpr std::int64_t kTaskWork = 1 << 18;
constexpr std::size_t kTaskTiles = 4;
// A term of a sum outside a register tile costs some 6 multiply-adds of one (measured:
// the network's 256 × 128 backward map with 10 terms per element, 89 us, against the
// 256 × 128 × 784 forward product, 1,040 us).
constexpr std::int64_t kUntiledTermCost = 6;

std::size_t round_up(std::size_t n) { return (n + 7) / 8 * 8; }

double* first_line(double* p) {
    const auto address = reinterpret_cast<std::uintptr_t>(p);
    return p + ((64 - address % 64) % 64) / sizeof(double);
}

// e with N = rows, or LimitError past 2^62 (scratch sizes and unit counts).
std::size_t checked(const Extent& e, std::size_t rows) {
    std::uint64_t n = static_cast<std::uint64_t>(e.value);
    for (int i = 0; i < e.rows; ++i)
        if (__builtin_mul_overflow(n, rows, &n) || n > (std::uint64_t{1} << 62))
            throw LimitError("a tensor kernel's buffer would hold more than 2^62 elements with N = " +
                             std::to_string(rows));
    return n;
}

std::size_t product(const std::vector<Extent>& extents, std::size_t rows) {
    std::uint64_t n = 1;
    for (const Extent& e : extents)
        if (__builtin_mul_overflow(n, checked(e, rows), &n) || n > (std::uint64_t{1} << 62))
            throw LimitError("a tensor kernel's loop would run more than 2^62 times with N = " + std::to_string(rows));
    return n;
}

std::size_t count_of(const Shape& shape, std::size_t rows) { return shape.elements(rows); }

}  // namespace

}  // namespace jit_detail

using codegen::Extent;
using jit_detail::TensorProgramCode;

std::size_t TensorKernel::input_count() const noexcept { return code_ ? code_->inputs.size() : 0; }
std::size_t TensorKernel::output_count() const noexcept { return code_ ? code_->outputs.size() : 0; }
std::span<const TensorInput> TensorKernel::inputs() const noexcept {
    return code_ ? std::span<const TensorInput>(code_->inputs) : std::span<const TensorInput>();
}
std::size_t TensorKernel::stage_count() const noexcept { return code_ ? code_->stages.size() : 0; }

std::vector<std::size_t> TensorKernel::output_shape(std::size_t output, std::size_t rows) const {
    if (!code_ || output >= code_->outputs.size()) throw SemanticError("no such output of the tensor kernel");
    return code_->outputs[output].bound(rows);
}

std::size_t TensorKernel::output_size(std::size_t output, std::size_t rows) const {
    if (!code_ || output >= code_->outputs.size()) throw SemanticError("no such output of the tensor kernel");
    return jit_detail::count_of(code_->outputs[output], rows);
}

std::size_t TensorKernel::scratch_size(std::size_t rows) const {
    std::size_t total = 8;  // room to reach a 64-byte boundary
    if (code_)
        for (const codegen::Slot& s : code_->slots)
            if (s.kind == codegen::Slot::Kind::Scratch)
                total += jit_detail::round_up(jit_detail::checked(s.doubles, rows));
    return total;
}

void TensorKernel::operator()(std::span<const void* const> inputs, std::size_t rows, std::span<double* const> outputs,
                              std::span<double> scratch, ThreadPool* pool) const {
    if (!code_) throw SemanticError("the tensor kernel is empty");
    const TensorProgramCode& code = *code_;
    if (inputs.size() != code.inputs.size() || outputs.size() != code.outputs.size())
        throw SemanticError("the tensor kernel takes " + std::to_string(code.inputs.size()) + " inputs and " +
                            std::to_string(code.outputs.size()) + " outputs, not " + std::to_string(inputs.size()) +
                            " and " + std::to_string(outputs.size()));
    if (scratch.size() < scratch_size(rows))
        throw SemanticError("the tensor kernel needs " + std::to_string(scratch_size(rows)) +
                            " doubles of scratch memory for N = " + std::to_string(rows) + ", not " +
                            std::to_string(scratch.size()));
    for (const Shape& s : code.outputs) s.elements(rows);  // LimitError on overflow
    for (const jit_detail::IndexCheck& check : code.index_checks) {
        if (jit_detail::checked(check.reads, rows) == 0) continue;
        const TensorInput& in = code.inputs[check.input];
        const auto* values = static_cast<const std::int64_t*>(inputs[check.input]);
        const std::int64_t size = check.axis.bound(rows);
        const std::size_t count = in.shape.elements(rows);
        for (std::size_t i = 0; i < count; ++i)
            if (values[i] < 0 || values[i] >= size)
                throw Error("the index tensor '" + in.name + "' holds " + std::to_string(values[i]) +
                            ", outside 0 ... " + std::to_string(size) + " - 1 of the axis it indexes");
    }
    for (const jit_detail::MaxCheck& check : code.max_checks)
        if (jit_detail::checked(check.terms, rows) == 0 && jit_detail::checked(check.elements, rows) != 0)
            throw Error("max over an empty axis has no value");

    std::vector<void*> table(code.slots.size());
    double* const lines = jit_detail::first_line(scratch.data());
    std::size_t offset = 0;
    for (std::size_t s = 0; s < code.slots.size(); ++s) {
        const codegen::Slot& slot = code.slots[s];
        switch (slot.kind) {
            case codegen::Slot::Kind::Input: table[s] = const_cast<void*>(inputs[slot.index]); break;
            case codegen::Slot::Kind::Output: table[s] = outputs[slot.index]; break;
            case codegen::Slot::Kind::Constant:
                table[s] = const_cast<double*>(code.constants[slot.index].data());
                break;
            case codegen::Slot::Kind::Scratch:
                table[s] = lines + offset;
                offset += jit_detail::round_up(jit_detail::checked(slot.doubles, rows));
                break;
        }
    }
    for (const jit_detail::StageRun& stage : code.stages) {
        const std::size_t units = stage.whole ? 1 : jit_detail::product(stage.outer, rows);
        if (units == 0) continue;
        if (stage.only_if && !stage.only_if->holds(rows)) continue;
        std::int64_t per_unit = stage.move_cost;
        for (const Extent& t : stage.terms) per_unit += stage.term_cost * t.bound(rows);
        per_unit *= std::max<std::int64_t>(1, stage.inner.bound(rows));
        const std::size_t tile = stage.units_per_tile;
        const std::size_t most = std::max<std::size_t>(1, units / (tile * jit_detail::kTaskTiles));
        const std::size_t tasks =
            stage.whole || pool == nullptr || pool->size() < 2
                ? 1
                : std::clamp<std::size_t>(units * static_cast<std::size_t>(per_unit) / jit_detail::kTaskWork, 1, most);
        if (tasks == 1) {
            stage.function(table.data(), rows, 0, units);
            continue;
        }
        const auto first_unit = [&](std::size_t task) {
            return task == tasks ? units : units * task / tasks / tile * tile;
        };
        pool->run(tasks, [&](std::size_t task) {
            stage.function(table.data(), rows, first_unit(task), first_unit(task + 1));
        });
    }
    for (const auto& [output, slot] : code.output_copies)
        std::memcpy(outputs[output], table[slot], output_size(output, rows) * sizeof(double));
}

void TensorKernel::operator()(std::span<const void* const> inputs, std::size_t rows, std::span<double* const> outputs,
                              std::vector<double>& scratch, ThreadPool* pool) const {
    const std::size_t need = scratch_size(rows);
    if (scratch.size() < need) scratch.resize(need);
    (*this)(inputs, rows, outputs, std::span<double>(scratch), pool);
}

std::vector<TensorValue> TensorKernel::operator()(const TensorBindings& bindings, ThreadPool* pool) const {
    if (!code_) throw SemanticError("the tensor kernel is empty");
    std::vector<const void*> inputs;
    for (const TensorInput& in : code_->inputs) {
        const TensorValue* v = bindings.find(in.name);
        if (v == nullptr) throw SemanticError("no value for the input '" + in.name + "'");
        const std::vector<std::size_t> dims = in.shape.bound(bindings.rows);
        const std::size_t count = in.shape.elements(bindings.rows);
        const bool index = in.type == ElementType::Index;
        if (v->shape != dims || (index ? v->indices.size() : v->reals.size()) != count)
            throw SemanticError("the input '" + in.name + "' is declared " + in.shape.text() +
                                " but its value (N = " + std::to_string(bindings.rows) + ") has another shape or size");
        inputs.push_back(index ? static_cast<const void*>(v->indices.data()) : v->reals.data());
    }
    std::vector<TensorValue> results;
    std::vector<double*> outputs;
    for (std::size_t k = 0; k < code_->outputs.size(); ++k) {
        results.push_back(TensorValue{output_shape(k, bindings.rows), {}, {}});
        results.back().reals.resize(output_size(k, bindings.rows));
    }
    for (TensorValue& r : results) outputs.push_back(r.reals.data());
    std::vector<double> scratch;
    (*this)(inputs, bindings.rows, outputs, scratch, pool);
    return results;
}

TensorKernel compile_tensor(Jit& jit, std::span<const Tensor> outputs, std::span<const Tensor> inputs,
                            const TensorCompileOptions& options) {
    jit_detail::Session& session = jit_detail::SessionOf::get(jit);
    const codegen::LoopPlan plan =
        codegen::plan_loops(outputs, inputs, options.fuse, session.lanes(), options.symmetric);
    codegen::LoopNestOptions nest;
    nest.lanes = session.lanes();
    nest.lowering.integer_powers_by_multiplication = session.options().integer_powers_by_multiplication;
    nest.lowering.vector_math = session.vector_math();

    auto code = std::make_shared<TensorProgramCode>();
    for (const Tensor in : inputs)
        code->inputs.push_back(TensorInput{std::string(in->name()), in->shape(), in->type()});
    for (const Tensor out : outputs) code->outputs.push_back(out->shape());
    code->slots = plan.slots;
    code->constants = plan.constants;
    code->output_copies = plan.output_copies;
    for (const Tensor t : plan.order) {
        const Tensor index = t->kind() == TensorKind::Gather       ? t->operand(1)
                             : t->kind() == TensorKind::ScatterAdd ? t->operand(0)
                                                                   : nullptr;
        const auto count_of_node = [&plan](Tensor node) { return codegen::product_of(plan.of(node).dims); };
        if (index != nullptr) {
            const codegen::NodePlan& source = plan.of(codegen::index_source(index));
            const bool gather = t->kind() == TensorKind::Gather;
            const std::vector<Extent>& dims = gather ? plan.of(t->operand(0)).dims : plan.of(t).dims;
            code->index_checks.push_back(jit_detail::IndexCheck{source.access.slot, dims[t->axes()[0]],
                                                                count_of_node(gather ? t : t->operand(1))});
        }
        if (t->kind() == TensorKind::Max) {
            Extent terms{1, 0};
            for (const std::size_t a : t->axes()) terms = codegen::times(terms, plan.of(t->operand(0)).dims[a]);
            code->max_checks.push_back(jit_detail::MaxCheck{terms, count_of_node(t)});
        }
    }
    // Two parts of about equal code, compiled at once on two cores: register tiles and
    // reductions make the most code.
    const std::size_t parts = std::min<std::size_t>(2, plan.stages.size());
    std::vector<std::vector<std::size_t>> part_stages(parts);
    {
        std::vector<std::size_t> weight(parts, 0), order(plan.stages.size());
        const auto weight_of = [&plan](std::size_t s) {
            const codegen::Stage& stage = plan.stages[s];
            return (stage.tiled != nullptr ? 16 : 1) + 4 * stage.work_terms.size();
        };
        std::vector<std::size_t> weights(plan.stages.size());
        for (std::size_t s = 0; s < order.size(); ++s) order[s] = s, weights[s] = weight_of(s);
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return weights[a] != weights[b] ? weights[a] > weights[b] : a < b;
        });
        for (const std::size_t s : order) {
            const std::size_t lighter =
                static_cast<std::size_t>(std::min_element(weight.begin(), weight.end()) - weight.begin());
            part_stages[lighter].push_back(s);
            weight[lighter] += weights[s];
        }
        for (auto& p : part_stages) std::sort(p.begin(), p.end());
    }
    jit_detail::CompiledFunctions compiled = session.compile_functions(
        [&](llvm::Module& module, const std::string& prefix, std::size_t part) {
            return codegen::emit_loop_nests(module, plan, prefix, nest, part_stages[part]);
        },
        parts);
    std::vector<void*> address_of(plan.stages.size());
    for (std::size_t p = 0, next = 0; p < parts; ++p)
        for (const std::size_t s : part_stages[p]) address_of[s] = compiled.addresses[next++];
    for (std::size_t s = 0; s < plan.stages.size(); ++s) {
        const codegen::Stage& stage = plan.stages[s];
        const std::vector<Extent>& dims = stage.loop_dims;
        jit_detail::StageRun run;
        run.function = reinterpret_cast<jit_detail::StageRun::Function>(address_of[s]);
        run.whole = stage.sequential || dims.empty();
        if (!run.whole) {
            run.outer.assign(dims.begin(), dims.end() - 1);
            run.inner = dims.back();
        }
        run.terms = stage.work_terms;
        // A pack or mirror moves a large operand across memory: worth splitting like a product.
        if (stage.pack || stage.mirror) run.move_cost = 8;
        if (stage.tiled == nullptr) run.term_cost = jit_detail::kUntiledTermCost;
        run.units_per_tile = codegen::units_per_tile(stage, nest);
        run.only_if = stage.only_if;
        code->stages.push_back(std::move(run));
    }
    code->unit = std::move(compiled.unit);
    TensorKernel kernel;
    kernel.code_ = std::move(code);
    return kernel;
}

TensorKernel compile_tensor_gradient(Jit& jit, TensorContext& ctx, Tensor loss, std::span<const Tensor> params,
                                     std::span<const Tensor> data, const TensorCompileOptions& options) {
    std::vector<Tensor> outputs{loss};
    for (const Tensor g : tensor_gradient(ctx, loss, params)) outputs.push_back(g);
    outputs = canonicalize(ctx, outputs);
    std::vector<Tensor> inputs(params.begin(), params.end());
    inputs.insert(inputs.end(), data.begin(), data.end());
    return compile_tensor(jit, outputs, inputs, options);
}

}  // namespace gradc
