// The digits classifier of examples/mlp_digits.cpp, measured: kernel compile time and
// size, time per epoch (batch 32, Adam) on 1 and 2 threads, and test accuracy for 5
// seeds. Settings are chosen on a validation part of the training rows (the sweep is
// printed); the test part is scored once per seed with the chosen settings only.
// Run from the repository's root (it reads data/digits.csv), or pass the data folder.
#include <gradc/gradc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "digits_split.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

struct Setting {
    std::size_t hidden;
    double lr;
    std::size_t epochs;
    gradc::nn::Activation activation = gradc::nn::Activation::Relu;
    double l2 = 0.0;
};

gradc::FitOptions options_for(const Setting& s, std::uint64_t seed) {
    gradc::FitOptions o;
    o.target = "target";
    o.loss = gradc::Loss::named("xent");
    o.method = gradc::Method::Adam;
    o.learning_rate = s.lr;
    o.batch_size = 32;
    o.epochs = s.epochs;
    o.standardize = true;
    o.seed = seed;
    o.l2 = s.l2;
    return o;
}

gradc::nn::MlpOptions net_for(const Setting& s) {
    gradc::nn::MlpOptions net;
    net.hidden = {s.hidden};
    net.activation = s.activation;
    return net;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string folder = argc > 1 ? argv[1] : "data";
    const gradc::Dataset digits = gradc::read_csv_file(folder + "/digits.csv");
    std::vector<std::size_t> train_rows, test_rows;
    gradc::bench::read_digits_split(folder + "/digits_split.csv", train_rows, test_rows);
    const gradc::Dataset train = digits.select_rows(train_rows);
    const gradc::Dataset test = digits.select_rows(test_rows);
    gradc::Jit jit;
    std::printf("lanes %u, cpu %s\n", jit.lanes(), jit.cpu_name().c_str());

    // Compile time and size: 64-32-10, measured on a fresh Jit so nothing is cached.
    {
        gradc::Jit fresh;
        gradc::FitOptions o = options_for({32, 0.003, 0}, 0);
        o.jit = &fresh;
        const auto start = Clock::now();
        const gradc::nn::MlpFitResult r = gradc::nn::fit_mlp(train, net_for({32, 0.003, 0}), o);
        std::printf("64-32-10: build + compile %.3f s, %zu DAG nodes (loss and gradient), %zu parameters\n",
                    seconds_since(start), r.kernel_nodes, r.model.spec.param_count());
    }

    // Time per epoch: between on_epoch calls, from the second epoch on (the first
    // follows compilation), the median of 20.
    for (const std::size_t threads : {1, 2}) {
        gradc::ThreadPool pool(threads);
        gradc::FitOptions o = options_for({32, 0.003, 21}, 0);
        o.jit = &jit;
        o.pool = &pool;
        std::vector<double> epoch_ms;
        auto last = Clock::now();
        o.on_epoch = [&](std::size_t epoch, const gradc::EpochLoss&) {
            const auto now = Clock::now();
            if (epoch > 1) epoch_ms.push_back(1000 * std::chrono::duration<double>(now - last).count());
            last = now;
        };
        (void)gradc::nn::fit_mlp(train, net_for({32, 0.003, 0}), o);
        std::sort(epoch_ms.begin(), epoch_ms.end());
        std::printf(
            "epoch (%zu training rows, batch 32, adam) on %zu thread%s: %.2f ms (median of %zu; %.2f to %.2f)\n",
            train.rows(), threads, threads == 1 ? "" : "s", epoch_ms[epoch_ms.size() / 2], epoch_ms.size(),
            epoch_ms.front(), epoch_ms.back());
    }

    // Settings chosen on 20% of the training rows held out (5 seeds each).
    using gradc::nn::Activation;
    const std::vector<Setting> sweep = {{32, 0.003, 20},
                                        {64, 0.003, 20},
                                        {64, 0.001, 40},
                                        {32, 0.003, 20, Activation::Relu, 1e-4},
                                        {64, 0.003, 30, Activation::Relu, 1e-4},
                                        {32, 0.003, 20, Activation::Tanh},
                                        {64, 0.003, 20, Activation::Tanh},
                                        {64, 0.003, 30, Activation::Tanh, 1e-4},
                                        {64, 0.001, 40, Activation::Tanh, 1e-4}};
    Setting chosen = sweep[0];
    double best = -1;
    for (const Setting& s : sweep) {
        double mean = 0;
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            gradc::FitOptions o = options_for(s, seed);
            o.validation = 0.2;
            o.jit = &jit;
            mean += gradc::nn::fit_mlp(train, net_for(s), o).val_accuracy / 5;
        }
        std::printf("validation: hidden %zu %s, lr %g, l2 %g, %zu epochs: mean accuracy %.2f%%\n", s.hidden,
                    std::string(gradc::nn::activation_name(s.activation)).c_str(), s.lr, s.l2, s.epochs, 100 * mean);
        if (mean > best) best = mean, chosen = s;
    }

    std::printf("chosen: hidden %zu %s, lr %g, l2 %g, %zu epochs; test accuracy:\n", chosen.hidden,
                std::string(gradc::nn::activation_name(chosen.activation)).c_str(), chosen.lr, chosen.l2,
                chosen.epochs);
    double mean = 0;
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        gradc::FitOptions o = options_for(chosen, seed);
        o.jit = &jit;
        const gradc::nn::MlpFitResult r = gradc::nn::fit_mlp(train, net_for(chosen), o);
        const double a = gradc::nn::accuracy(r.model, test, "target", &jit);
        mean += a / 5;
        std::printf("  seed %llu: %.2f%%\n", static_cast<unsigned long long>(seed), 100 * a);
    }
    std::printf("  mean: %.2f%%\n", 100 * mean);
}
