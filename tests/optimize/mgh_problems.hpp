// Moré, Garbow and Hillstrom, "Testing Unconstrained Optimization Software", ACM TOMS 7
// (1981): problems 1-18 as gradc formulas f = Σ f_i(x)², with the paper's number of
// residuals m, its standard starting points, and its minimum values.
//
// The paper gives minima to 6 digits; where a longer value is quoted it comes from later
// published runs (Bard, Gaussian, Meyer, ...) and agrees with the paper's digits. Where
// L-BFGS from the standard start goes to another stationary point the paper lists, that
// local value is given too, and either is accepted.
#pragma once

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace gradc::testing {

struct MghProblem {
    int number;
    std::string name;
    std::size_t m;             // residuals
    std::string formula;       // Σ f_i², in x1 ... xn
    std::vector<double> start;
    double minimum;                    // the global minimum value
    std::optional<double> local = {};  // a local minimum value the paper lists
};

namespace mgh_detail {

inline std::string num(double v) {
    char text[40];
    std::snprintf(text, sizeof text, "%.17g", v);
    return std::string(v < 0 ? "(" : "") + text + (v < 0 ? ")" : "");
}

// "(r1)^2 + (r2)^2 + ...".
inline std::string sum_of_squares(const std::vector<std::string>& residuals) {
    std::string text;
    for (std::size_t i = 0; i < residuals.size(); ++i) text.append(i ? " + " : "").append("(" + residuals[i] + ")^2");
    return text;
}

}  // namespace mgh_detail

inline std::vector<MghProblem> mgh_problems() {
    using mgh_detail::num;
    using mgh_detail::sum_of_squares;
    std::vector<MghProblem> problems;

    problems.push_back({1, "Rosenbrock", 2, sum_of_squares({"10*(x2 - x1^2)", "1 - x1"}), {-1.2, 1}, 0.0});
    // A local minimum 48.9842... at (11.41..., -0.8968...).
    problems.push_back({2,
                        "Freudenstein and Roth",
                        2,
                        sum_of_squares({"-13 + x1 + ((5 - x2)*x2 - 2)*x2", "-29 + x1 + ((x2 + 1)*x2 - 14)*x2"}),
                        {0.5, -2},
                        0.0,
                        48.984253679240013});
    problems.push_back({3,
                        "Powell badly scaled",
                        2,
                        sum_of_squares({"10000*x1*x2 - 1", "exp(-x1) + exp(-x2) - 1.0001"}),
                        {0, 1},
                        0.0});
    problems.push_back(
        {4, "Brown badly scaled", 3, sum_of_squares({"x1 - 1000000", "x2 - 2e-6", "x1*x2 - 2"}), {1, 1}, 0.0});
    problems.push_back({5,
                        "Beale",
                        3,
                        sum_of_squares({"1.5 - x1*(1 - x2)", "2.25 - x1*(1 - x2^2)", "2.625 - x1*(1 - x2^3)"}),
                        {1, 1},
                        0.0});
    {
        std::vector<std::string> r;
        for (int i = 1; i <= 10; ++i)
            r.push_back(std::to_string(2 + 2 * i) + " - (exp(" + std::to_string(i) + "*x1) + exp(" + std::to_string(i) +
                        "*x2))");
        problems.push_back({6, "Jennrich and Sampson", 10, sum_of_squares(r), {0.3, 0.4}, 124.36218235561473});
    }
    // θ(x1, x2) = atan(x2/x1)/(2π), plus 1/2 when x1 < 0, as the paper writes it.
    problems.push_back({7,
                        "helical valley",
                        3,
                        sum_of_squares({"10*(x3 - 10*where(x1 > 0, atan(x2/x1)/(2*pi), atan(x2/x1)/(2*pi) + 0.5))",
                                        "10*(sqrt(x1^2 + x2^2) - 1)", "x3"}),
                        {-1, 0, 0},
                        0.0});
    {
        const double y[] = {0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39, 0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39};
        std::vector<std::string> r;
        for (int i = 1; i <= 15; ++i) {
            const int u = i, v = 16 - i, w = std::min(u, v);
            r.push_back(num(y[i - 1]) + " - (x1 + " + std::to_string(u) + "/(" + std::to_string(v) + "*x2 + " +
                        std::to_string(w) + "*x3))");
        }
        // A local minimum 17.4286 as x2, x3 → -∞.
        problems.push_back({8, "Bard", 15, sum_of_squares(r), {1, 1, 1}, 8.2148773065789822e-3, 17.428650014});
    }
    {
        const double y[] = {0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989,
                            0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009};
        std::vector<std::string> r;
        for (int i = 1; i <= 15; ++i) {
            const double t = (8.0 - i) / 2;
            r.push_back("x1*exp(-x2*(" + num(t) + " - x3)^2/2) - " + num(y[i - 1]));
        }
        problems.push_back({9, "Gaussian", 15, sum_of_squares(r), {0.4, 1, 0}, 1.1279327696190344e-8});
    }
    {
        const double y[] = {34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744,
                            8261,  7030,  6005,  5147,  4427,  3820,  3307,  2872};
        std::vector<std::string> r;
        for (int i = 1; i <= 16; ++i)
            r.push_back("x1*exp(x2/(" + std::to_string(45 + 5 * i) + " + x3)) - " + num(y[i - 1]));
        problems.push_back({10, "Meyer", 16, sum_of_squares(r), {0.02, 4000, 250}, 87.945855170395831});
    }
    {
        // The paper allows n <= m <= 100; m = 99 is the usual choice.
        std::vector<std::string> r;
        for (int i = 1; i <= 99; ++i) {
            const double t = i / 100.0;
            const double y = 25 + std::pow(-50 * std::log(t), 2.0 / 3.0);
            r.push_back("exp(-abs(" + num(y) + " - x2)^x3/x1) - " + num(t));
        }
        problems.push_back({11, "Gulf research and development", 99, sum_of_squares(r), {5, 2.5, 0.15}, 0.0});
    }
    {
        std::vector<std::string> r;
        for (int i = 1; i <= 10; ++i) {
            const double t = 0.1 * i;
            r.push_back("exp(-" + num(t) + "*x1) - exp(-" + num(t) + "*x2) - x3*" +
                        num(std::exp(-t) - std::exp(-10 * t)));
        }
        problems.push_back({12, "box three-dimensional", 10, sum_of_squares(r), {0, 10, 20}, 0.0});
    }
    problems.push_back({13,
                        "Powell singular",
                        4,
                        sum_of_squares({"x1 + 10*x2", "sqrt(5)*(x3 - x4)", "(x2 - 2*x3)^2", "sqrt(10)*(x1 - x4)^2"}),
                        {3, -1, 0, 1},
                        0.0});
    problems.push_back({14,
                        "Wood",
                        6,
                        sum_of_squares({"10*(x2 - x1^2)", "1 - x1", "sqrt(90)*(x4 - x3^2)", "1 - x3",
                                        "sqrt(10)*(x2 + x4 - 2)", "(x2 - x4)/sqrt(10)"}),
                        {-3, -1, -3, -1},
                        0.0});
    {
        const double y[] = {0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246};
        const double u[] = {4, 2, 1, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625};
        std::vector<std::string> r;
        for (int i = 0; i < 11; ++i) {
            const std::string ui = num(u[i]), ui2 = num(u[i] * u[i]);
            r.push_back(num(y[i]) + " - x1*(" + ui2 + " + " + ui + "*x2)/(" + ui2 + " + " + ui + "*x3 + x4)");
        }
        // A local minimum 1.02734e-3 as x1 → ∞, x3, x4 → -∞.
        problems.push_back({15,
                            "Kowalik and Osborne",
                            11,
                            sum_of_squares(r),
                            {0.25, 0.39, 0.415, 0.39},
                            3.0750560384924e-4,
                            1.0273468e-3});
    }
    {
        std::vector<std::string> r;
        for (int i = 1; i <= 20; ++i) {
            const double t = i / 5.0;
            r.push_back("(x1 + " + num(t) + "*x2 - " + num(std::exp(t)) + ")^2 + (x3 + x4*" + num(std::sin(t)) + " - " +
                        num(std::cos(t)) + ")^2");
        }
        problems.push_back({16, "Brown and Dennis", 20, sum_of_squares(r), {25, 5, -5, -1}, 85822.201626356296});
    }
    {
        const double y[] = {0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751,
                            0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490,
                            0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406};
        std::vector<std::string> r;
        for (int i = 1; i <= 33; ++i) {
            const std::string t = num(10.0 * (i - 1));
            r.push_back(num(y[i - 1]) + " - (x1 + x2*exp(-" + t + "*x4) + x3*exp(-" + t + "*x5))");
        }
        problems.push_back({17, "Osborne 1", 33, sum_of_squares(r), {0.5, 1.5, -1, 0.01, 0.02}, 5.4648946975e-5});
    }
    {
        std::vector<std::string> r;
        for (int i = 1; i <= 13; ++i) {
            const double t = 0.1 * i;
            const double y = std::exp(-t) - 5 * std::exp(-10 * t) + 3 * std::exp(-4 * t);
            const std::string ts = num(t);
            r.push_back("x3*exp(-" + ts + "*x1) - x4*exp(-" + ts + "*x2) + x6*exp(-" + ts + "*x5) - " + num(y));
        }
        // A local minimum 5.65565e-3 for m = 13.
        problems.push_back({18, "Biggs EXP6", 13, sum_of_squares(r), {1, 2, 1, 1, 1, 1}, 0.0, 5.6556498e-3});
    }
    return problems;
}

}  // namespace gradc::testing
