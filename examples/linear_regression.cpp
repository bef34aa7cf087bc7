// The Keras example: one dense unit learns y = 3x + 2 from 1000 noisy points
// (data/line.csv) with mean squared error and SGD at learning rate 0.1 for 10 epochs
// of shuffled batches of 32. In gradc the unit is the formula w*x + b.
#include <gradc/gradc.hpp>

#include <cstdio>

int main() {
    const gradc::Dataset data = gradc::read_csv_file("data/line.csv");  // run from the repository's root
    gradc::FitOptions options;
    options.target = "y";  // the loss is mse unless set
    options.method = gradc::Method::GradientDescent;  // Keras' "sgd"
    options.learning_rate = 0.1;
    options.epochs = 10;
    options.batch_size = 32;  // each epoch reshuffles, with the seed options.seed (0) + epoch
    const gradc::FitResult result = gradc::fit("w*x + b", data, options);
    std::printf("w = %.3f\nb = %.3f\nloss = %.4f\n", result.param("w"), result.param("b"), result.loss);
}
