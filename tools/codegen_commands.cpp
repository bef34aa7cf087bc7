// The code generation of the commands, in gradc-llvm only (codegen.hpp): the JIT
// sessions, --jit values, eval --data, emit's machine code, and the subcommands that
// exist to compile: check, minimize, fit, tune, predict, explain and bench.
#include <algorithm>
#include <iostream>
#include <span>
#include <utility>

#include "bench_command.hpp"
#include "check_command.hpp"
#include "codegen.hpp"
#include "explain_command.hpp"
#include "fit_command.hpp"
#include "gradc/dataset.hpp"
#include "gradc/error.hpp"
#include "gradc/tensor_jit.hpp"
#include "minimize_command.hpp"
#include "predict_command.hpp"
#include "tune_command.hpp"

namespace gradc::cli {
namespace {

// libk.so -> libk.h; any other name gets .h added.
std::string header_path(const std::string& library) {
    const std::string suffix = ".so";
    if (library.size() > suffix.size() && library.compare(library.size() - suffix.size(), suffix.size(), suffix) == 0)
        return library.substr(0, library.size() - suffix.size()) + ".h";
    return library + ".h";
}

// gradc hands on every command line that names one of these subcommands
// (kCodegenCommandNames); one missing there would reach gradc as a formula.
CLI::App* listed(CLI::App* app) {
    GRADC_ASSERT(std::any_of(std::begin(kCodegenCommandNames), std::end(kCodegenCommandNames),
                             [app](const char* name) { return app->get_name() == name; }),
                 "a subcommand that generates code is missing from kCodegenCommandNames");
    return app;
}

class Commands final : public CodegenCommands {
public:
    void add_check(CLI::App& app, FormulaTargets& formula_of) override {
        check_app_ = listed(add_check_command(app, check_));
        formula_of["check"] = &check_.common.source.expr;
    }
    void add_minimize_fit_predict(CLI::App& app, FormulaTargets& formula_of) override {
        minimize_app_ = listed(add_minimize_command(app, minimize_));
        fit_app_ = listed(add_fit_command(app, fit_));
        tune_app_ = listed(add_tune_command(app, tune_));
        predict_app_ = listed(add_predict_command(app, predict_));
        explain_app_ = listed(add_explain_command(app, explain_));
        formula_of["minimize"] = &minimize_.common.source.expr;
        formula_of["fit"] = &fit_.common.source.expr;
        formula_of["tune"] = &tune_.fit.common.source.expr;
    }
    std::optional<int> run_check(bool ascii) override {
        if (!check_app_->parsed()) return std::nullopt;
        check_.common.ascii |= ascii;
        return cli::run_check(check_);
    }
    std::optional<int> run_minimize_fit_predict() override {
        if (minimize_app_->parsed()) return run_minimize(minimize_);
        if (fit_app_->parsed()) return run_fit(fit_);
        if (tune_app_->parsed()) return run_tune(tune_);
        if (predict_app_->parsed()) return run_predict(predict_);
        if (explain_app_->parsed()) return run_explain(explain_);
        return std::nullopt;
    }
    void add_bench(CLI::App& app, FormulaTargets& formula_of) override {
        bench_app_ = listed(add_bench_command(app, bench_));
        formula_of["bench"] = &bench_.common.source.expr;
    }
    std::optional<int> run_bench() override {
        if (!bench_app_->parsed()) return std::nullopt;
        return cli::run_bench(bench_);
    }

private:
    CheckOptions check_;
    MinimizeCommandOptions minimize_;
    FitCommandOptions fit_;
    TuneCommandOptions tune_;
    PredictOptions predict_;
    ExplainCommandOptions explain_;
    BenchOptions bench_;
    CLI::App* check_app_ = nullptr;
    CLI::App* minimize_app_ = nullptr;
    CLI::App* fit_app_ = nullptr;
    CLI::App* tune_app_ = nullptr;
    CLI::App* predict_app_ = nullptr;
    CLI::App* explain_app_ = nullptr;
    CLI::App* bench_app_ = nullptr;
};

}  // namespace

std::unique_ptr<CodegenCommands> codegen_commands() { return std::make_unique<Commands>(); }

Jit& command_jit() {
    static Jit jit([] {
        JitOptions options;
        options.max_kernel_size = limits().max_kernel_size;
        return options;
    }());
    return jit;
}

std::vector<double> compiled_values(const Formula& formula, const std::vector<Expr>& outputs) {
    return command_jit().compile(outputs, formula.program.variables)(*formula.point);
}

namespace {

// A second session for tensor --jit: its kernels give the interpreter's bits, where
// command_jit's vector math (libmvec) and x^k by multiplication may not. No command
// starts both sessions.
Jit& exact_tensor_jit() {
    static Jit jit([] {
        JitOptions options;
        options.max_kernel_size = limits().max_kernel_size;
        options.vector_math = false;
        options.integer_powers_by_multiplication = false;
        return options;
    }());
    return jit;
}

}  // namespace

TensorFunction compiled_tensor_values(std::span<const Tensor> outputs, std::span<const Tensor> inputs) {
    const TensorKernel kernel = compile_tensor(exact_tensor_jit(), outputs, inputs);
    return [kernel](const TensorBindings& at) { return kernel(at); };
}

// Every name of the formula is a column; the results are computed for all rows at once
// by one compiled map kernel, which a file of many rows needs (the interpreter walks
// the DAG once per row).
int eval_rows(const EvalOptions& options) {
    if (options.common.at_option->count() > 0) throw Error("give either a point (--at) or rows (--data), not both");
    ExprContext ctx;
    const Program program = load_formula(ctx, options.common).program;
    const Dataset data = read_csv_file(options.data);
    std::vector<const double*> columns;
    for (const Expr v : program.variables) {
        const std::size_t j = data.find(v->name());
        if (j == Dataset::npos) {
            std::string names;
            for (const std::string& n : data.names) names.append(names.empty() ? "" : ", ").append(n);
            throw Error("'" + std::string(v->name()) + "' is not a column of " + options.data + "; its columns are " +
                        names);
        }
        columns.push_back(data.columns[j].data());
    }
    const MapKernel kernel = compile_map(command_jit(), ctx, program.outputs, program.variables);
    const std::size_t results = program.outputs.size();
    std::vector<std::vector<double>> values(results, std::vector<double>(data.rows()));
    std::vector<double*> out;
    for (auto& column : values) out.push_back(column.data());
    kernel({}, columns, data.rows(), out);

    if (options.common.json) {
        JsonArray per_result;
        for (const auto& column : values) per_result.emplace_back(JsonArray(column.begin(), column.end()));
        print_json(JsonObject{{"values", one_or_array(std::move(per_result))}});
        return kExitOk;
    }
    std::vector<std::string> names;
    for (std::size_t k = 0; k < results; ++k)
        names.push_back(results == 1 ? "value" : "value_" + std::to_string(k + 1));
    std::cout << write_csv(Dataset{std::move(names), std::move(values)});
    return kExitOk;
}

void emit_machine_code(EmitFormat format, const EmitOptions& options, const AotKernel& kernel, const JitOptions& jit) {
    switch (format) {
        case EmitFormat::Llvm: write_text(options.output, emit_llvm_ir(kernel, jit)); break;
        case EmitFormat::Asm: write_text(options.output, emit_assembly(kernel, jit)); break;
        case EmitFormat::Obj: write_text(options.output, emit_object(kernel, jit)); break;
        case EmitFormat::So:
            emit_shared_library(std::span(&kernel, 1), options.output, jit);
            write_text(header_path(options.output), emit_c_header(std::span(&kernel, 1), jit));
            break;
        case EmitFormat::C:
        case EmitFormat::Latex:
        case EmitFormat::Dot: throw InternalError("emit_machine_code: not a machine code format");
    }
}

}  // namespace gradc::cli
