// `gradc bench PROGRAM`: compile once, then time calls of the kernel. The compile is
// timed in parts (parsing, then differentiating and compiling; LLVM's start apart, as a
// process pays it once); the calls one by one after a warm-up call, summarized by
// order statistics (bench_timing.hpp).
#include "bench_command.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>

#include "bench_timing.hpp"
#include "gradc/error.hpp"
#include "gradc/tensor_jit.hpp"
#include "gradc/tensor_parse.hpp"
#include "gradc/thread_pool.hpp"
#include "tensor_formula.hpp"
#include "tensor_inputs.hpp"
#include "tensor_random.hpp"
#include "tensor_values.hpp"

namespace gradc::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void check_options(const BenchOptions& options) {
    if (options.threads < 0) throw Error("--threads must be 0 (one per hardware thread) or more, as in --threads 2");
    if (options.rows_option->count() > 0 && options.rows < 1) throw Error("--rows must be 1 or more, as in --rows 256");
    if (options.repetitions_option->count() > 0 && options.repetitions < 1)
        throw Error("--repetitions must be 1 or more, as in --repetitions 20");
    if (!(options.min_time >= 0) || !std::isfinite(options.min_time))
        throw Error("--min-time must be a number of seconds, 0 or more, as in --min-time 0.5");
    if (options.repetitions_option->count() > 0 && options.min_time_option->count() > 0)
        throw Error(
            "give either --repetitions (that many calls) or --min-time (calls until that many seconds), not both");
}

bool has_rows(const TensorFormula& formula) {
    for (const Tensor input : formula.inputs)
        if (input->shape().has_rows()) return true;
    return false;
}

// The inputs' values: those --at gives (checked as eval checks them), the others drawn
// at random (tensor_random.hpp) with N from the data of --at or from --rows.
// `random` gets the names of those drawn.
TensorBindings bench_inputs(const TensorFormula& formula, const BenchOptions& options,
                            std::vector<std::string>& random) {
    const CommandOptions& common = options.common;
    TensorBindings bindings;
    if (common.at_option->count() > 0)
        bindings = bind_tensor_inputs(formula.inputs, parse_tensor_options(common.at), {});
    bool rows_known = false;
    for (const auto& [name, value] : bindings.inputs)
        for (const Tensor input : formula.inputs) rows_known |= input->name() == name && input->shape().has_rows();
    std::vector<Tensor> missing;
    for (const Tensor input : formula.inputs)
        if (bindings.find(input->name()) == nullptr) missing.push_back(input);
    if (options.rows_option->count() > 0) {
        if (!has_rows(formula)) throw Error("--rows sets N, and the program declares no data with N rows");
        const auto rows = static_cast<std::size_t>(options.rows);
        if (rows_known && rows != bindings.rows)
            throw Error("--rows " + std::to_string(rows) + " disagrees with the data of --at, which have " +
                        std::to_string(bindings.rows) + " rows: leave --rows out");
        bindings.rows = rows;
        rows_known = true;
    }
    bool missing_rows = false;
    for (const Tensor input : missing) missing_rows |= input->shape().has_rows();
    if (missing_rows && !rows_known) {
        std::string names;
        for (const Tensor input : missing)
            names.append(names.empty() ? "" : ", ").append(input->name()).append(": ").append(declaration_text(input));
        throw Error("bench needs values for " + names +
                    ": give them with --at, as eval takes them (X=@train.npy), or give --rows N to time the program "
                    "on random values");
    }
    for (const Tensor input : missing) random.emplace_back(input->name());
    draw_missing_inputs(bindings, formula.inputs, formula.outputs, options.seed);
    return bindings;
}

// The loss --grad differentiates: the program's one result, a single number.
Tensor grad_loss(const TensorFormula& formula) {
    if (formula.outputs.size() != 1)
        throw Error("bench --grad times the gradient of one result, the loss, and the program has " +
                    std::to_string(formula.outputs.size()) + ": keep one, or leave --grad out to time the values");
    const Tensor loss = formula.outputs.front();
    if (loss->shape().rank() != 0)
        throw Error("bench --grad needs a loss that is a single number, and the result has shape " +
                    loss->shape().text() + ": sum it, as in sum(...)");
    if (param_inputs(formula.inputs).empty())
        throw Error("bench --grad differentiates by the program's params, and it declares none");
    return loss;
}

// The kernel, what it computes in words, and what compiling it took.
struct Compiled {
    TensorKernel kernel;
    std::string what;  // "the loss and its gradient by w, b", "2 results"
    double jit_start_ms = 0, parse_ms = 0, build_ms = 0;
};

// `loss` is grad_loss()'s with --grad, else null: the program's results are compiled.
Compiled compile_program(TensorContext& ctx, const TensorFormula& formula, Tensor loss, double parse_ms) {
    Compiled c;
    c.parse_ms = parse_ms;
    auto start = Clock::now();
    Jit& jit = command_jit();  // LLVM's start, on the first use in the process
    c.jit_start_ms = ms_since(start);
    start = Clock::now();
    if (loss == nullptr) {
        c.kernel = compile_tensor(jit, formula.outputs, formula.inputs);
        c.build_ms = ms_since(start);
        const std::size_t n = formula.outputs.size();
        c.what = n == 1 ? "the result" : std::to_string(n) + " results";
        return c;
    }
    const std::vector<Tensor> params = param_inputs(formula.inputs);
    std::vector<Tensor> data;
    for (const Tensor input : formula.inputs)
        if (input->kind() != TensorKind::Param) data.push_back(input);
    c.kernel = compile_tensor_gradient(jit, ctx, loss, params, data);
    c.build_ms = ms_since(start);
    c.what = "the loss and its gradient by " + input_names(params);
    return c;
}

// The kernel's buffers for `bindings`, and the calls timed.
struct Run {
    CallTimes times;
    std::size_t threads = 1;
    std::size_t output_elements = 0;
};

Run time_calls(const TensorKernel& kernel, const TensorBindings& bindings, const BenchOptions& options) {
    std::vector<const void*> inputs;
    for (const TensorInput& in : kernel.inputs()) {
        const TensorValue* value = bindings.find(in.name);
        GRADC_ASSERT(value != nullptr, "bench has no value for a kernel input");
        inputs.push_back(in.type == ElementType::Index ? static_cast<const void*>(value->indices.data())
                                                       : value->reals.data());
    }
    Run run;
    std::vector<std::vector<double>> outputs(kernel.output_count());
    std::vector<double*> output_pointers;
    for (std::size_t k = 0; k < outputs.size(); ++k) {
        outputs[k].resize(kernel.output_size(k, bindings.rows));
        output_pointers.push_back(outputs[k].data());
        run.output_elements += outputs[k].size();
    }
    std::vector<double> scratch(kernel.scratch_size(bindings.rows));
    ThreadPool pool(static_cast<std::size_t>(options.threads));
    run.threads = pool.size();
    // A pool of one runs every stage on the caller, as no pool would.
    const auto call = [&] { kernel(inputs, bindings.rows, output_pointers, std::span<double>(scratch), &pool); };

    call();  // warm-up: first touches of the buffers and of the code; an index out of range stops here
    const bool fixed = options.repetitions_option->count() > 0;
    const auto wanted = static_cast<std::size_t>(options.repetitions);
    const std::chrono::duration<double> min_time(options.min_time);
    std::vector<double> nanoseconds;
    const auto start = Clock::now();
    if (fixed) nanoseconds.reserve(wanted);
    for (auto now = start; fixed ? nanoseconds.size() < wanted : nanoseconds.size() < 5 || now - start < min_time;) {
        const auto before = now;
        call();
        now = Clock::now();
        nanoseconds.push_back(std::chrono::duration<double, std::nano>(now - before).count());
    }
    run.times = summarize_calls(std::move(nanoseconds));
    return run;
}

std::string joined(const std::vector<std::string>& names) {
    std::string text;
    for (const std::string& name : names) text.append(text.empty() ? "" : ", ").append(name);
    return text;
}

void print_text(const Compiled& c, const Run& run, const TensorBindings& bindings, bool rows,
                const std::vector<std::string>& random, const BenchOptions& options) {
    const bool unicode = use_unicode(options.common.ascii);
    const auto ms = [unicode](double v) { return duration_text(v * 1e6, unicode); };
    const auto ns = [unicode](double v) { return duration_text(v, unicode); };
    const CallTimes& t = run.times;
    std::cout << "cpu            " << cpu_name() << " (" << std::max(1u, std::thread::hardware_concurrency())
              << " hardware threads)\n";
    std::cout << "threads        " << run.threads << '\n';
    std::cout << "kernel         " << c.what << ": " << c.kernel.stage_count() << " stages\n";
    std::vector<std::string> given;
    for (const auto& [name, value] : bindings.inputs)
        if (std::find(random.begin(), random.end(), name) == random.end()) given.push_back(name);
    std::vector<std::string> parts;
    if (rows) parts.push_back("N = " + std::to_string(bindings.rows));
    if (!given.empty()) parts.push_back("from --at: " + joined(given));
    if (!random.empty()) parts.push_back("random (seed " + std::to_string(options.seed) + "): " + joined(random));
    std::string inputs;
    for (const std::string& part : parts) inputs.append(inputs.empty() ? "" : "; ").append(part);
    std::cout << "inputs         " << (inputs.empty() ? "none" : inputs) << '\n';
    std::cout << "compile        " << ms(c.parse_ms + c.build_ms) << ": parse " << ms(c.parse_ms) << ", "
              << (options.grad ? "differentiate and compile " : "compile ") << ms(c.build_ms)
              << " (LLVM's start, not counted: " << ms(c.jit_start_ms) << ")\n";
    std::cout << "calls          " << t.calls << " after a warm-up call\n";
    std::cout << "time per call  " << ns(t.median) << " median, " << ns(t.min) << " min, " << (unicode ? "± " : "+- ")
              << ns(t.mad) << " (median absolute deviation); p10 " << ns(t.p10) << ", p90 " << ns(t.p90) << '\n';
    if (rows && bindings.rows > 0)
        std::cout << "time per row   " << ns(t.median / static_cast<double>(bindings.rows)) << '\n';
    if (run.output_elements > 0)
        std::cout << "per element    " << ns(t.median / static_cast<double>(run.output_elements)) << " ("
                  << run.output_elements << (run.output_elements == 1 ? " output element)\n" : " output elements)\n");
}

void print_json_report(const Compiled& c, const Run& run, const TensorBindings& bindings, bool rows,
                       const std::vector<std::string>& random, const BenchOptions& options) {
    const CallTimes& t = run.times;
    JsonArray random_names(random.begin(), random.end());
    JsonObject report{{"cpu", cpu_name()},
                      {"hardware_threads", static_cast<double>(std::max(1u, std::thread::hardware_concurrency()))},
                      {"threads", static_cast<double>(run.threads)},
                      {"grad", options.grad},
                      {"stages", static_cast<double>(c.kernel.stage_count())},
                      {"random_inputs", std::move(random_names)},
                      {"seed", static_cast<double>(options.seed)},
                      {"compile_ms", c.parse_ms + c.build_ms},
                      {"parse_ms", c.parse_ms},
                      {"build_ms", c.build_ms},
                      {"jit_start_ms", c.jit_start_ms},
                      {"calls", static_cast<double>(t.calls)},
                      {"time_ns", JsonObject{{"median", t.median},
                                             {"min", t.min},
                                             {"max", t.max},
                                             {"mean", t.mean},
                                             {"mad", t.mad},
                                             {"p10", t.p10},
                                             {"p90", t.p90}}},
                      {"output_elements", static_cast<double>(run.output_elements)}};
    if (rows) {
        report.emplace_back("rows", static_cast<double>(bindings.rows));
        if (bindings.rows > 0) report.emplace_back("ns_per_row", t.median / static_cast<double>(bindings.rows));
    }
    if (run.output_elements > 0)
        report.emplace_back("ns_per_element", t.median / static_cast<double>(run.output_elements));
    print_json(std::move(report));
}

}  // namespace

CLI::App* add_bench_command(CLI::App& parent, BenchOptions& options) {
    CLI::App* app = parent.add_subcommand(
        "bench", "a tensor program compiled once, then its kernel timed: compile time, time per call and per row");
    add_formula_options(*app, options.common);
    options.common.at_option =
        app->add_option("--at", options.common.at,
                        "the inputs' values, as eval takes them: --at 'w=[0.5,-1]' or --at X=@file.npy (repeated "
                        "as needed); inputs left out are drawn at random")
            ->allow_extra_args(false);
    app->add_flag("--json", options.common.json, "write JSON for scripts");
    app->add_flag("--grad", options.grad, "time the loss (the one result) and its gradient by every param");
    app->add_option("--threads", options.threads, "threads for each call; 0 is one per hardware thread (default 1)");
    options.rows_option =
        app->add_option("--rows", options.rows, "N, for inputs drawn at random where --at gives no data");
    options.repetitions_option = app->add_option("--repetitions", options.repetitions, "time exactly this many calls");
    options.min_time_option = app->add_option(
        "--min-time", options.min_time, "time calls until this many seconds have passed, at least 5 (default 0.5)");
    app->add_option("--seed", options.seed, "seed of the random inputs (default 1)");
    app->footer(
        "Examples:\n"
        "  gradc bench \"X: data[N,784]; W: param[784,10]; sum(relu(X @ W))\" --rows 256 --grad\n"
        "  gradc bench \"X: data[N,3]; w: param[3]; X @ w\" --at X=@train.npy --json");
    return app;
}

int run_bench(const BenchOptions& options) {
    check_options(options);
    const std::string source = read_formula(options.common.source);
    if (!declares_tensors(source))
        throw Error(
            "bench times tensor programs, which declare their inputs, as in "
            "\"X: data[N,3]; w: param[3]; sum(X @ w)\"; this formula declares none (docs/tensors.md)");
    TensorContext ctx;
    // The program alone: the values of --at are read apart, so that reading files is
    // not counted as parsing.
    CommandOptions program_only = options.common;
    program_only.at_option = nullptr;
    const auto start = Clock::now();
    const TensorFormula formula = load_tensor_formula(ctx, program_only, source);
    const double parse_ms = ms_since(start);
    const Tensor loss = options.grad ? grad_loss(formula) : nullptr;
    std::vector<std::string> random;
    const TensorBindings bindings = bench_inputs(formula, options, random);
    const Compiled compiled = compile_program(ctx, formula, loss, parse_ms);
    const Run run = time_calls(compiled.kernel, bindings, options);
    const bool rows = has_rows(formula);
    if (options.common.json)
        print_json_report(compiled, run, bindings, rows, random, options);
    else
        print_text(compiled, run, bindings, rows, random, options);
    return kExitOk;
}

}  // namespace gradc::cli
