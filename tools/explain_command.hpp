#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace gradc::cli {

struct ExplainCommandOptions {
    std::string model;  // the model file, as fit --save writes it
    std::string data;   // the CSV file of rows to explain
    std::string method = "integrated-gradients";
    std::string baseline = "zeros";  // zeros, mean or a CSV file with one row
    std::string output = "logit";    // logit or probability (classifiers)
    std::optional<double> target_class;
    std::size_t steps = 16;
    std::size_t max_steps = 1024;
    double tolerance = 1e-4;
    bool quadrature = false;  // integrated gradients by quadrature even where the exact method applies
    std::size_t samples = 50;
    double noise = 0.1;
    std::uint64_t seed = 0;
    std::string plot;
    std::string image;  // HxW, as 8x8
    std::size_t threads = 1;
    bool json = false;
};

CLI::App* add_explain_command(CLI::App& parent, ExplainCommandOptions& options);
int run_explain(const ExplainCommandOptions& options);

}  // namespace gradc::cli
