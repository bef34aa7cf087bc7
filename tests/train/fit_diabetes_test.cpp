// Linear regression on real data reaches the least-squares optimum: the diabetes data
// of Efron et al. (442 rows, ten features, data/diabetes.csv), with the optimum found
// here by solving the normal equations in long double, apart from gradc.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "gradc/fit.hpp"

using namespace gradc;

namespace {

using Real = long double;

const Dataset& diabetes() {
    static const Dataset data = read_csv_file(std::string(GRADC_SOURCE_DIR) + "/data/diabetes.csv");
    return data;
}

// The ten feature columns: every column but the target.
std::vector<std::string> features(const Dataset& d) {
    std::vector<std::string> out;
    for (const std::string& name : d.names)
        if (name != "target") out.push_back(name);
    return out;
}

// "intercept + coef_age*age + ...": parameters first appear in this order, so the
// fit's params are intercept, then one coefficient per feature in file order.
std::string linear_model(const std::vector<std::string>& names) {
    std::string model = "intercept";
    for (const std::string& n : names) model += " + coef_" + n + "*" + n;
    return model;
}

// The least-squares solution θ (intercept first) of the normal equations
// (XᵀX) θ = Xᵀy, X with a leading column of ones, by Cholesky: XᵀX is symmetric and
// positive definite when the columns are independent.
struct LeastSquares {
    std::vector<Real> theta;
    Real mse = 0;  // mean of (Xθ − y)²
};

LeastSquares solve_normal_equations(const Dataset& d, const std::vector<std::string>& names) {
    const std::size_t n = names.size() + 1, rows = d.rows();
    const auto& y = d.column("target");
    auto x = [&](std::size_t j, std::size_t r) -> Real { return j == 0 ? 1.0L : d.column(names[j - 1])[r]; };
    std::vector<std::vector<Real>> a(n, std::vector<Real>(n, 0));
    std::vector<Real> b(n, 0);
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t i = 0; i < n; ++i) {
            b[i] += x(i, r) * y[r];
            for (std::size_t j = 0; j < n; ++j) a[i][j] += x(i, r) * x(j, r);
        }
    // a = L Lᵀ, L stored in the lower triangle of a.
    for (std::size_t j = 0; j < n; ++j) {
        for (std::size_t k = 0; k < j; ++k) a[j][j] -= a[j][k] * a[j][k];
        REQUIRE(a[j][j] > 0);
        a[j][j] = std::sqrt(a[j][j]);
        for (std::size_t i = j + 1; i < n; ++i) {
            for (std::size_t k = 0; k < j; ++k) a[i][j] -= a[i][k] * a[j][k];
            a[i][j] /= a[j][j];
        }
    }
    // L z = b, then Lᵀ θ = z.
    std::vector<Real> theta(b);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < i; ++k) theta[i] -= a[i][k] * theta[k];
        theta[i] /= a[i][i];
    }
    for (std::size_t i = n; i-- > 0;) {
        for (std::size_t k = i + 1; k < n; ++k) theta[i] -= a[k][i] * theta[k];
        theta[i] /= a[i][i];
    }
    LeastSquares out{theta, 0};
    for (std::size_t r = 0; r < rows; ++r) {
        Real p = 0;
        for (std::size_t j = 0; j < n; ++j) p += theta[j] * x(j, r);
        out.mse += (p - y[r]) * (p - y[r]);
    }
    out.mse /= static_cast<Real>(rows);
    return out;
}

// How far fitted parameters are from θ*: the largest difference relative to the
// largest |θ*ᵢ| (normwise, as the accuracy of least-squares solutions is stated), and
// the largest relative to each max(1, |θ*ᵢ|).
struct Distance {
    double normwise = 0;
    double worst_parameter = 0;
};

Distance distance(const std::vector<double>& fitted, const std::vector<Real>& theta) {
    REQUIRE(fitted.size() == theta.size());
    Real largest = 0, worst_difference = 0;
    Distance out;
    for (std::size_t i = 0; i < theta.size(); ++i) {
        const Real difference = std::fabs(fitted[i] - theta[i]);
        largest = std::max(largest, std::fabs(theta[i]));
        worst_difference = std::max(worst_difference, difference);
        out.worst_parameter =
            std::max(out.worst_parameter, static_cast<double>(difference / std::max(1.0L, std::fabs(theta[i]))));
    }
    out.normwise = static_cast<double>(worst_difference / largest);
    return out;
}

// Parameters fitted on standardized columns, for the columns as they are: the
// intercept first, then one coefficient per name. Means and population standard
// deviations are computed here, apart from gradc's Standardization.
std::vector<double> original_units(const std::vector<double>& standardized, const Dataset& d,
                                   const std::vector<std::string>& names) {
    std::vector<double> out(standardized.size());
    Real intercept = standardized[0];
    for (std::size_t j = 0; j < names.size(); ++j) {
        const auto& column = d.column(names[j]);
        Real mean = 0, square = 0;
        for (const double v : column) mean += v;
        mean /= static_cast<Real>(column.size());
        for (const double v : column) square += (v - mean) * (v - mean);
        const Real sd = std::sqrt(square / static_cast<Real>(column.size()));
        // w (x − m) / s = (w / s) x − w m / s
        out[j + 1] = static_cast<double>(standardized[j + 1] / sd);
        intercept -= standardized[j + 1] * mean / sd;
    }
    out[0] = static_cast<double>(intercept);
    return out;
}

const LeastSquares& optimum() {
    static const LeastSquares solution = solve_normal_equations(diabetes(), features(diabetes()));
    return solution;
}

}  // namespace

TEST_CASE("the normal equations give the published least-squares fit of the diabetes data", "[fit][diabetes]") {
    // The oracle is checked before it judges gradc: first its residual XᵀX θ − Xᵀy
    // (the gradient of the sum of squares, which is 0 at the optimum) ...
    const Dataset& d = diabetes();
    REQUIRE(d.rows() == 442);
    const std::vector<std::string> names = features(d);
    REQUIRE(names.size() == 10);
    const LeastSquares& ls = optimum();
    const auto& y = d.column("target");
    for (std::size_t i = 0; i <= names.size(); ++i) {
        Real g = 0, size = 0;
        for (std::size_t r = 0; r < d.rows(); ++r) {
            Real p = ls.theta[0];
            for (std::size_t j = 0; j < names.size(); ++j) p += ls.theta[j + 1] * d.column(names[j])[r];
            const Real xi = i == 0 ? 1.0L : d.column(names[i - 1])[r];
            g += xi * (p - y[r]);
            size += std::fabs(xi * y[r]);
        }
        INFO("column " << i);
        CHECK(static_cast<double>(std::fabs(g) / size) < 1e-15);
    }
    // ... then against the ordinary least-squares fit that scikit-learn's
    // LinearRegression prints for this data (intercept 152.13348416, coefficients
    // -10.0098663, -239.81564367, ...), here to 5 decimals.
    const std::vector<double> published{152.13348, -10.00987, -239.81564, 519.84592, 324.38465, -792.17564,
                                        476.73902, 101.04327, 177.06324,  751.27370, 67.62669};
    for (std::size_t i = 0; i < published.size(); ++i)
        CHECK(static_cast<double>(ls.theta[i]) == Approx(published[i]).margin(1e-5));
}

TEST_CASE("L-BFGS fits the diabetes data to the least-squares optimum", "[fit][diabetes][lbfgs]") {
    const Dataset& d = diabetes();
    const LeastSquares& ls = optimum();
    FitOptions options;
    options.target = "target";
    options.method = Method::Lbfgs;
    // gradc's L-BFGS stops when max |∂f/∂θ| <= 1e-8, which this problem does not reach
    // in double precision: along its flattest direction (Hessian eigenvalue 3.9e-5) that
    // gradient is a loss within 1.3e-12 of the optimum's, 3 ulps of a loss near 2860, and
    // the line search cannot see such decreases. Steps that leave the loss the same but
    // shrink the gradient go on until neither changes (about 140 iterations; the limit
    // is set well beyond), and the flattest direction limits the accuracy: normwise
    // 2e-7 (measured 1.1e-7), each parameter (age, the smallest, most) 1e-5. The value
    // test is off: by default L-BFGS stops once a step changes the loss by at most
    // 2.2e-9 of itself (checked below), long before the flattest direction is resolved.
    options.epochs = 300;
    options.tolerance = 0.0;
    const FitResult r = fit(linear_model(features(d)), d, options);
    INFO(r.message << " after " << r.epochs << " iterations");
    CHECK(r.stop == FitStop::Tolerance);  // on its own, before the limit
    REQUIRE(r.names.params.front() == "intercept");
    REQUIRE(r.names.params.size() == 11);
    const Distance error = distance(r.params, ls.theta);
    INFO("normwise " << error.normwise << ", worst parameter " << error.worst_parameter);
    CHECK(error.normwise < 2e-7);
    CHECK(error.worst_parameter < 1e-5);
    CHECK(r.loss == Approx(static_cast<double>(ls.mse)).epsilon(1e-12));

    // With the default value test the run ends converged, its loss within a few times
    // 2.2e-9 of the optimum's (measured: 7.6e-9 after 91 iterations).
    options.tolerance.reset();
    const FitResult settled = fit(linear_model(features(d)), d, options);
    INFO(settled.message << " after " << settled.epochs << " iterations");
    CHECK(settled.stop == FitStop::Tolerance);
    CHECK(settled.epochs < 150);
    CHECK(settled.loss == Approx(static_cast<double>(ls.mse)).epsilon(1e-7));
    CHECK(settled.loss >= static_cast<double>(ls.mse) * (1 - 1e-15));

    // The comparison can fail: the same run cut short is measurably away from θ*, and
    // its loss above the optimum's.
    options.epochs = 5;
    const FitResult early = fit(linear_model(features(d)), d, options);
    CHECK(early.stop == FitStop::MaxEpochs);
    CHECK(distance(early.params, ls.theta).normwise > 1e-3);
    CHECK(early.loss > static_cast<double>(ls.mse) * (1 + 1e-6));
}

TEST_CASE("gradient descent on standardized diabetes data reaches the same optimum", "[fit][diabetes]") {
    // Standardized columns have unit variance, which keeps the problem conditioned well
    // enough for plain full-batch gradient descent; its parameters apply to
    // (x − mean) / sd and are mapped back before the comparison.
    const Dataset& d = diabetes();
    const std::vector<std::string> names = features(d);
    const LeastSquares& ls = optimum();
    FitOptions options;
    options.target = "target";
    options.method = Method::GradientDescent;
    // The Hessian of the mean squared error is 2·(the columns' correlation matrix) and 2
    // for the intercept here, eigenvalues 0.017 to 8.05: lr 0.2 is below the stable
    // limit 2 / 8.05, and 10000 steps shrink the error along the flattest direction by
    // (1 - 0.2·0.017)^10000, about 1e-15.
    options.learning_rate = 0.2;
    options.epochs = 10000;
    options.standardize = true;
    const FitResult r = fit(linear_model(names), d, options);
    INFO(r.message);
    REQUIRE(r.stop == FitStop::MaxEpochs);

    const std::vector<double> original = original_units(r.params, d, names);
    const Distance error = distance(original, ls.theta);
    INFO("normwise " << error.normwise << ", worst parameter " << error.worst_parameter);
    // The steps follow the exact gradient, which stays accurate where the loss's
    // changes drown in rounding, so the run ends at θ* to about the data's rounding.
    CHECK(error.worst_parameter < 1e-10);
    CHECK(r.loss == Approx(static_cast<double>(ls.mse)).epsilon(1e-12));
    // Cut short, the slowest direction is still far from converged.
    options.epochs = 300;
    const FitResult early = fit(linear_model(names), d, options);
    CHECK(distance(original_units(early.params, d, names), ls.theta).normwise > 1e-3);
}
