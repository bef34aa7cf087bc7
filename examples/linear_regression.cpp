// The Keras beginner's example: one dense unit learns y = 2x - 1 from six points.
// In gradc the unit is the formula w*x + b; x and y are columns, w and b parameters.
#include <gradc/gradc.hpp>

#include <cstdio>

int main() {
    gradc::Dataset data;
    data.names = {"x", "y"};
    data.columns = {{-1, 0, 1, 2, 3, 4}, {-3, -1, 1, 3, 5, 7}};

    gradc::FitOptions options;
    options.target = "y";
    options.method = gradc::Method::GradientDescent;  // Keras' "sgd" with its mean squared error
    options.learning_rate = 0.05;
    options.epochs = 500;
    const gradc::FitResult result = gradc::fit("w*x + b", data, options);

    gradc::Dataset ten;
    ten.names = {"x"};
    ten.columns = {{10}};
    const double prediction = gradc::predict(result, ten)[0];

    std::printf("w = %.3f\nb = %.3f\n", result.param("w"), result.param("b"));
    std::printf("prediction at x = 10: %.3f\n", prediction);
    std::printf("epochs: %zu\n", result.epochs);
}
