#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace gradc::cli {

struct PredictOptions {
    std::string model;  // the model file, as fit --save writes it
    std::string data;   // the CSV file of new rows
    bool proba = false;
    bool json = false;
};

CLI::App* add_predict_command(CLI::App& parent, PredictOptions& options);
int run_predict(const PredictOptions& options);

}  // namespace gradc::cli
