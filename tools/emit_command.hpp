#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "subcommand.hpp"

namespace gradc::cli {

struct EmitOptions {
    CommandOptions common;
    std::string format;
    bool grad = false;
    bool hessian = false;
    std::string cpu;
    std::string name = "kernel";
    std::string output;
    CLI::Option* name_option = nullptr;
};

enum class EmitFormat { C, Llvm, Asm, Obj, So, Latex, Dot };

CLI::App* add_emit_command(CLI::App& parent, EmitOptions& options);
int run_emit(const EmitOptions& options);

// Whether the format writes machine code (llvm, asm, obj, so), which needs LLVM; false
// for the others and for names that are no format.
bool is_machine_code(EmitFormat format);
bool is_machine_code_format(const std::string& format);

// Writes `text` to the file `path`, or to standard output when `path` is empty.
void write_text(const std::string& path, const std::string& text);

}  // namespace gradc::cli
