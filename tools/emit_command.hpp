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

CLI::App* add_emit_command(CLI::App& parent, EmitOptions& options);
int run_emit(const EmitOptions& options);

}  // namespace gradc::cli
