// A shared library of kernels: one object per kernel, linked by the system C compiler,
// which knows where this machine keeps libm and the C runtime.
#include <filesystem>
#include <vector>

#include "emit/machine_code.hpp"
#include "emit/prepared.hpp"
#include "emit/system_tools.hpp"
#include "gradc/emit.hpp"
#include "gradc/error.hpp"

namespace gradc {

void emit_shared_library(std::span<const AotKernel> kernels, const std::string& path, const CodegenOptions& options) {
    using namespace emit_detail;
    const std::vector<PreparedKernel> prepared = prepare(kernels, options);
    // Said plainly here rather than in the linker's words after all the work.
    const std::filesystem::path folder_of = std::filesystem::path(path).parent_path();
    std::error_code ignored;
    if (path.empty() || (!folder_of.empty() && !std::filesystem::is_directory(folder_of, ignored)))
        throw Error("cannot write '" + path + "': check that its folder exists and is writable");
    const std::string cc = find_on_path("cc");
    if (cc.empty())
        throw Error(
            "cannot find the C compiler 'cc' on PATH, which links shared libraries: install one (gcc or "
            "clang), or emit an object file and link it yourself");
    const TemporaryFolder folder;
    const std::unique_ptr<llvm::TargetMachine> machine = emit_machine(options);
    std::vector<std::string> command = {cc, "-shared", "-o", path};
    bool libmvec = false;
    for (std::size_t i = 0; i < prepared.size(); ++i) {
        llvm::LLVMContext context;
        const std::unique_ptr<llvm::Module> module = emit_module(context, prepared[i], options, *machine);
        libmvec = libmvec || calls_libmvec(*module);
        const std::string object = folder.path() + "/kernel" + std::to_string(i) + ".o";
        write_file(object, generate_code(*module, *machine, llvm::CodeGenFileType::ObjectFile));
        command.push_back(object);
    }
    command.emplace_back("-lm");
    if (libmvec) command.emplace_back("-lmvec");
    const ProgramRun run = run_program(command, folder.path() + "/cc.log");
    if (run.exit_code != 0) {
        std::string shown, said = run.output;
        for (const std::string& word : command) shown += (shown.empty() ? "" : " ") + word;
        while (!said.empty() && (said.back() == '\n' || said.back() == ' ')) said.pop_back();
        throw Error("the C compiler could not link the shared library (" + shown + " exited with " +
                    std::to_string(run.exit_code) + "):\n" + said);
    }
}

}  // namespace gradc
