// The gradc command line.
#include <CLI/CLI.hpp>
#include <cctype>
#include <iostream>
#include <string>
#include <vector>
#include <new>

#include "cli_common.hpp"
#include "gradc/error.hpp"
#include "grad_command.hpp"

namespace {

// A formula may start with '-' ("-x^2"), which CLI11 would take for an option. An
// argument that no option could be (a sign followed by a digit, '(' or '.', or any
// character outside option names) is the formula.
bool looks_like_formula(const std::string& arg) {
    if (arg.size() < 2 || arg[0] != '-' || arg == "--") return false;
    if (!std::isalpha(static_cast<unsigned char>(arg[1])) && arg[1] != '-') return true;
    return arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-=") !=
           std::string::npos;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace gradc::cli;
    CLI::App app{"gradc: exact derivatives of formulas.\n\n"
                 "  gradc \"x^2*sin(y)\"          prints ∂/∂x = 2*x*sin(y) and ∂/∂y = x^2*cos(y)\n"
                 "  gradc -f model.txt          reads the formula from a file ('-' for stdin)\n\n"
                 "The language is described in docs/language.md.",
                 "gradc"};
    GradOptions grad;
    add_grad_options(app, grad);
    std::vector<std::string> args;  // CLI11 takes them last to first
    for (int i = argc - 1; i >= 1; --i) {
        const std::string arg = argv[i];
        const bool after_file_option = i > 1 && (std::string(argv[i - 1]) == "-f" || std::string(argv[i - 1]) == "--file");
        if (looks_like_formula(arg) && !after_file_option && grad.source.expr.empty())
            grad.source.expr = arg;
        else
            args.push_back(arg);
    }
    try {
        app.parse(args);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ExtrasError& e) {
        app.exit(e);
        std::cerr << "A formula that starts with '-' can follow --, as in: gradc -- -x\n";
        return kExitUsage;
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitUsage;
    }
    try {
        return run_grad(grad);
    } catch (const gradc::Error& e) {
        std::cerr << "gradc: error: " << e.what() << '\n';
        return kExitUsage;
    } catch (const std::bad_alloc&) {
        std::cerr << "gradc: error: out of memory; the formula or its derivatives are too large\n";
        return kExitUsage;
    } catch (const gradc::InternalError& e) {
        std::cerr << e.what() << '\n';
        return kExitInternal;
    }
}
