#include "backend/kernel_module.hpp"

#include "backend/optimize.hpp"
#include "codegen/point_function.hpp"
#include "codegen/row_function.hpp"

namespace gradc::backend {

std::unique_ptr<llvm::Module> build_kernel_module(llvm::LLVMContext& context, const codegen::Schedule& schedule,
                                                  KernelRequest request, const std::string& name,
                                                  const KernelCodegen& settings, llvm::TargetMachine& machine) {
    const CodegenOptions& options = settings.options;
    const Pipeline pipeline = choose_pipeline(options, schedule.order.size());
    auto module = std::make_unique<llvm::Module>("gradc", context);
    module->setDataLayout(machine.createDataLayout());
    module->setTargetTriple(machine.getTargetTriple().str());
    codegen::LoweringOptions lowering;
    lowering.integer_powers_by_multiplication = options.integer_powers_by_multiplication;
    lowering.vector_math = settings.vector_math;
    if (request.kind == KernelKind::Point) {
        codegen::PointFunctionOptions point;
        point.lowering = lowering;
        point.contract_fma = options.contract_fma;
        point.block_instructions = pipeline.block_instructions;
        codegen::emit_point_function(*module, name, schedule, point);
    } else {
        codegen::RowFunctionOptions rows;
        rows.kind = request.kind == KernelKind::Sum ? codegen::RowKind::Sum : codegen::RowKind::Map;
        rows.params = request.params;
        rows.lanes = settings.lanes;
        rows.lowering = lowering;
        rows.contract_fma = options.contract_fma;
        rows.block_instructions = pipeline.block_instructions;
        rows.hoist_params = !pipeline.light;
        rows.sums_in_memory = pipeline.light;
        codegen::emit_row_function(*module, name, schedule, rows);
    }
    optimize(*module, machine, pipeline);
    set_codegen_level(*module, pipeline.codegen_level);
    return module;
}

}  // namespace gradc::backend
