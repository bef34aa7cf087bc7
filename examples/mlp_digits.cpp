// A 64-32-10 network learns handwritten digits (8×8 pixel counts, data/digits.csv) with
// Adam on mini-batches of 32, and is scored on the fixed 20% test part it never saw.
// Run it from the repository's root, or pass the data folder: example_mlp_digits DIR
#include <gradc/gradc.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

// digits_split.csv says "train" or "test" per row; read_csv takes numbers only.
static void read_split(const std::string& path, std::vector<std::size_t>& train, std::vector<std::size_t>& test) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);  // the header: row,split
    while (std::getline(in, line)) {
        const std::size_t comma = line.find(',');
        const std::size_t row = std::stoul(line.substr(0, comma));
        (line.compare(comma + 1, 4, "test") == 0 ? test : train).push_back(row);
    }
}

int main(int argc, char** argv) {
    const std::string folder = argc > 1 ? argv[1] : "data";
    const gradc::Dataset digits = gradc::read_csv_file(folder + "/digits.csv");
    std::vector<std::size_t> train_rows, test_rows;
    read_split(folder + "/digits_split.csv", train_rows, test_rows);
    const gradc::Dataset train = digits.select_rows(train_rows);
    const gradc::Dataset test = digits.select_rows(test_rows);

    gradc::nn::MlpOptions net;
    net.hidden = {32};
    net.activation = gradc::nn::Activation::Relu;  // He-normal weights by default

    gradc::FitOptions options;
    options.target = "target";               // every other column is an input
    options.loss = gradc::Loss::named("xent");  // one logit per digit, softmax cross-entropy
    options.method = gradc::Method::Adam;
    options.learning_rate = 0.003;
    options.batch_size = 32;
    options.epochs = 20;
    options.standardize = true;
    options.seed = 1;

    const gradc::nn::MlpFitResult result = gradc::nn::fit_mlp(train, net, options);
    const double test_accuracy = gradc::nn::accuracy(result.model, test, "target");

    std::printf("network %s, %zu parameters, %zu epochs\n", result.model.spec.describe().c_str(),
                result.model.spec.param_count(), result.fit.epochs);
    std::printf("training loss %.3f, training accuracy %.1f%%\n", result.fit.loss, 100 * result.accuracy);
    std::printf("test accuracy %.1f%% (%zu rows)\n", 100 * test_accuracy, test.rows());
    return test_accuracy > 0.9 ? 0 : 1;
}
