// grad, hessian, jacobian, eval and check of tensor programs, run as the built gradc:
// values against closed forms and finite differences computed here, printed
// derivatives read back by gradc and evaluated, and every mistake exiting 2.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "command_output.hpp"
#include "gradc/npy.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;
using gradc::testing::temp_file;

namespace {

using Vector = std::vector<double>;

const std::string kLogistic = "X: data[N,3]; y: data[N]; w: param[3]; sum(softplus(X @ w) - y * (X @ w))";
const std::string kNet =
    "W1: param[3,4]; b1: param[4]; w2: param[4]; X: data[N,3]; t: data[N]; sum((tanh(X @ W1 + b1) @ w2 - t)^2)";

// Four rows of three features, labels, and a point.
const Vector kX = {1, 2, 3, 0.5, -1, 2, -1, 0.5, 0.25, 2, 1, -1};
const Vector kY = {1, 0, 1, 0};
const Vector kW = {0.1, 0.2, -0.3};

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}

// "[a, b, ...]", or rows of `columns` as "[[...], [...]]".
std::string list(const Vector& v, std::size_t columns = 0) {
    std::string text = "[";
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (columns && i % columns == 0)
            text.append(i ? ", [" : "[");
        else if (i)
            text.append(", ");
        text.append(number(v[i]));
        if (columns && i % columns == columns - 1) text.append("]");
    }
    return text + "]";
}

const std::string kLogisticAt = "--at 'X=" + list(kX, 3) + "' --at 'y=" + list(kY) + "' --at 'w=" + list(kW) + "'";

// The program in single quotes for the shell (the programs here have none).
std::string quoted(const std::string& program) { return "'" + program + "'"; }

// Every number on the line "label = ..." of `out`, in order, brackets and commas
// skipped: a nested list flattened row-major.
Vector line_numbers(const std::string& out, const std::string& label) {
    const std::string key = "\n" + label + " = ";
    const std::string text = "\n" + out;
    const std::size_t at = text.find(key);
    if (at == std::string::npos) return {};
    Vector numbers;
    const char* p = text.c_str() + at + key.size();
    while (*p && *p != '\n') {
        if (*p == '[' || *p == ']' || *p == ',' || *p == ' ') {
            ++p;
            continue;
        }
        char* end = nullptr;
        numbers.push_back(std::strtod(p, &end));
        if (end == p) return {};
        p = end;
    }
    return numbers;
}

// The text after "label = " on its line.
std::string line_text(const std::string& out, const std::string& label) {
    const std::string key = "\n" + label + " = ";
    const std::string text = "\n" + out;
    const std::size_t at = text.find(key);
    if (at == std::string::npos) return "";
    const std::size_t start = at + key.size();
    return text.substr(start, text.find('\n', start) - start);
}

void check_close(const Vector& got, const Vector& want, double tolerance) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("entry " << i);
        CHECK(got[i] == Approx(want[i]).epsilon(tolerance).margin(tolerance));
    }
}

double sigmoid(double z) { return 1 / (1 + std::exp(-z)); }

struct LogisticClosedForm {
    double value = 0;
    Vector gradient = Vector(3, 0.0), hessian = Vector(9, 0.0);
};

// f = Σ softplus(z) - y z with z = X w; ∇f = X'(s - y); H = X' diag(s(1 - s)) X.
LogisticClosedForm logistic() {
    LogisticClosedForm c;
    for (std::size_t n = 0; n < 4; ++n) {
        double z = 0;
        for (std::size_t i = 0; i < 3; ++i) z += kX[n * 3 + i] * kW[i];
        const double s = sigmoid(z);
        c.value += std::log1p(std::exp(z)) - kY[n] * z;
        for (std::size_t i = 0; i < 3; ++i) {
            c.gradient[i] += kX[n * 3 + i] * (s - kY[n]);
            for (std::size_t j = 0; j < 3; ++j) c.hessian[i * 3 + j] += kX[n * 3 + i] * s * (1 - s) * kX[n * 3 + j];
        }
    }
    return c;
}

// The two-layer network's loss, its parameters packed as W1 (3x4), b1 (4), w2 (4).
double net_loss(const Vector& p) {
    double f = 0;
    for (std::size_t n = 0; n < 4; ++n) {
        double out = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            double a = p[12 + j];
            for (std::size_t i = 0; i < 3; ++i) a += kX[n * 3 + i] * p[i * 4 + j];
            out += std::tanh(a) * p[16 + j];
        }
        f += (out - kY[n]) * (out - kY[n]);
    }
    return f;
}

Vector net_params() {
    Vector p(20);
    for (std::size_t k = 0; k < p.size(); ++k) p[k] = 0.3 * std::sin(1.7 * static_cast<double>(k) + 0.4);
    return p;
}

std::string net_at(const Vector& p) {
    return "--at 'W1=" + list(Vector(p.begin(), p.begin() + 12), 4) +
           "' --at 'b1=" + list(Vector(p.begin() + 12, p.begin() + 16)) +
           "' --at 'w2=" + list(Vector(p.begin() + 16, p.end())) + "' --at 'X=" + list(kX, 3) +
           "' --at 't=" + list(kY) + "'";
}

// Central differences of f by p[k], with a Richardson step: O(h⁴).
double derivative(const std::function<double(const Vector&)>& f, Vector p, std::size_t k, double h = 1e-3) {
    const auto d = [&](double step) {
        Vector a = p, b = p;
        a[k] += step;
        b[k] -= step;
        return (f(a) - f(b)) / (2 * step);
    };
    return (4 * d(h / 2) - d(h)) / 3;
}

}  // namespace

TEST_CASE("tensor grad prints one matrix expression per param, or by --wrt", "[cli][tensor]") {
    const auto r = run_gradc("grad " + quoted(kLogistic));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(line_text(r.out, "∂/∂w").find("X'") != std::string::npos);
    const auto both = run_gradc("grad " + quoted(kLogistic) + " --wrt X,w --ascii");
    REQUIRE(both.exit_code == 0);
    CHECK(!line_text(both.out, "d/dX").empty());
    CHECK(!line_text(both.out, "d/dw").empty());
    CHECK((both.out.find("d/dX") < both.out.find("d/dw")));
    // `gradc PROGRAM` is `gradc grad PROGRAM`.
    CHECK(run_gradc(quoted(kLogistic)).out == r.out);
    // The network: backpropagation, one line per param in declaration order.
    const auto net = run_gradc("grad " + quoted(kNet));
    INFO(net.out);
    REQUIRE(net.exit_code == 0);
    CHECK((net.out.find("∂/∂W1 = ") < net.out.find("∂/∂b1 = ")));
    CHECK((net.out.find("∂/∂b1 = ") < net.out.find("∂/∂w2 = ")));
}

TEST_CASE("tensor grad and hessian at a point against the logistic closed forms", "[cli][tensor]") {
    const LogisticClosedForm c = logistic();
    const auto g = run_gradc("grad " + quoted(kLogistic) + " " + kLogisticAt);
    INFO(g.out);
    REQUIRE(g.exit_code == 0);
    check_close(line_numbers(g.out, "value"), {c.value}, 1e-14);
    check_close(line_numbers(g.out, "∂/∂w"), c.gradient, 1e-14);
    const auto h = run_gradc("hessian " + quoted(kLogistic) + " " + kLogisticAt);
    INFO(h.out);
    REQUIRE(h.exit_code == 0);
    check_close(line_numbers(h.out, "∂/∂w"), c.gradient, 1e-14);
    check_close(line_numbers(h.out, "∂²/∂w²"), c.hessian, 1e-14);
    CHECK(line_text(h.out, "∂²/∂w²").rfind("[[", 0) == 0);  // a matrix, as nested lists
    // --at in one item or several, in any order, says the same.
    const std::string one = "--at 'w=" + list(kW) + ",y=" + list(kY) + ",X=" + list(kX, 3) + "'";
    CHECK(run_gradc("hessian " + quoted(kLogistic) + " " + one).out == h.out);
}

TEST_CASE("the printed logistic Hessian is one matrix expression equal to X' diag(s(1 - s)) X", "[cli][tensor]") {
    // The parser takes diag() of a vector of fixed size only, so the Hessian read back is
    // the one of a program with four rows fixed, which prints as the one with N does.
    const std::string fixed = "X: data[4,3]; y: data[4]; w: param[3]; sum(softplus(X @ w) - y * (X @ w))";
    const auto h = run_gradc_stream(1, "hessian " + quoted(fixed));
    REQUIRE(h.exit_code == 0);
    CHECK(run_gradc_stream(1, "hessian " + quoted(kLogistic)).out == h.out);
    // Read back: its bindings and the expression become a program of their own, whose
    // value at the point gradc computes and the closed form decides.
    std::string program = "X: data[4,3]; y: data[4]; w: param[3];\n";
    std::string expression;
    std::size_t start = 0;
    while (start < h.out.size()) {
        const std::size_t end = h.out.find('\n', start);
        const std::string line = h.out.substr(start, end - start);
        start = end + 1;
        if (line.rfind("∂²/∂w² = ", 0) == 0)
            expression = line.substr(std::string("∂²/∂w² = ").size());
        else
            program += line + ";\n";
    }
    INFO(h.out);
    REQUIRE(!expression.empty());
    CHECK(expression.find('@') != std::string::npos);  // a matrix expression, not elements
    const std::string path = temp_file("hessian.txt", program + expression + "\n");
    const auto e = run_gradc("eval -f " + path + " " + kLogisticAt);
    INFO(program + expression);
    REQUIRE(e.exit_code == 0);
    Vector values;
    for (const char* p = e.out.c_str(); *p;) {
        if (*p == '[' || *p == ']' || *p == ',' || *p == ' ' || *p == '\n') {
            ++p;
            continue;
        }
        char* end = nullptr;
        values.push_back(std::strtod(p, &end));
        REQUIRE(end != p);
        p = end;
    }
    check_close(values, logistic().hessian, 1e-13);
}

TEST_CASE("tensor jacobian: every result by every input, shaped result ++ input", "[cli][tensor]") {
    const LogisticClosedForm c = logistic();
    const auto r = run_gradc("jacobian " + quoted(kLogistic + ", X @ w") + " " + kLogisticAt);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    check_close(line_numbers(r.out, "f1"), {c.value}, 1e-14);
    check_close(line_numbers(r.out, "∂f1/∂w"), c.gradient, 1e-14);
    check_close(line_numbers(r.out, "∂f2/∂w"), kX, 0);  // d(X w)/dw = X
    const auto symbolic = run_gradc("jacobian " + quoted(kLogistic + ", X @ w"));
    REQUIRE(symbolic.exit_code == 0);
    CHECK(line_text(symbolic.out, "∂f2/∂w") == "X");

    // A hidden layer by its bias: ∂h[n,j]/∂b[k] = (1 - h[n,j]²) [j = k], shaped [N,4,4].
    const Vector p = net_params();
    const auto layer = run_gradc("jacobian 'W1: param[3,4]; b1: param[4]; X: data[N,3]; tanh(X @ W1 + b1)' --wrt b1 " +
                                 net_at(p).substr(0, net_at(p).find(" --at 'w2=")) + " --at 'X=" + list(kX, 3) + "'");
    INFO(layer.out);
    REQUIRE(layer.exit_code == 0);
    Vector want;
    for (std::size_t n = 0; n < 4; ++n)
        for (std::size_t j = 0; j < 4; ++j) {
            double a = p[12 + j];
            for (std::size_t i = 0; i < 3; ++i) a += kX[n * 3 + i] * p[i * 4 + j];
            for (std::size_t k = 0; k < 4; ++k) want.push_back(j == k ? 1 - std::tanh(a) * std::tanh(a) : 0.0);
        }
    check_close(line_numbers(layer.out, "∂f1/∂b1"), want, 1e-14);
    CHECK(line_text(layer.out, "∂f1/∂b1").rfind("[[[", 0) == 0);
}

TEST_CASE("tensor eval prints each result as a nested list", "[cli][tensor]") {
    const auto r = run_gradc("eval " + quoted(kLogistic + ", X @ w, X") + " " + kLogisticAt);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    const std::string first_line = r.out.substr(0, r.out.find('\n'));
    CHECK(std::strtod(first_line.c_str(), nullptr) == Approx(logistic().value).epsilon(1e-14));
    CHECK(r.out.find("\n[[1, 2, 3], [0.5, -1, 2], [-1, 0.5, 0.25], [2, 1, -1]]\n") != std::string::npos);
    // The second line, X @ w, read as "value = ..." would be.
    const std::string second = r.out.substr(first_line.size() + 1, r.out.find('\n', first_line.size() + 1));
    Vector z;
    for (std::size_t n = 0; n < 4; ++n) z.push_back(kX[n * 3] * kW[0] + kX[n * 3 + 1] * kW[1] + kX[n * 3 + 2] * kW[2]);
    check_close(line_numbers("z = " + second, "z"), z, 1e-15);
}

TEST_CASE("tensor check: the tensor gradient against finite differences", "[cli][tensor]") {
    const auto r = run_gradc("check " + quoted(kLogistic) + " " + kLogisticAt);
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("ok: largest error") != std::string::npos);
    // Params left out of --at are drawn at random, at --points points.
    const auto random = run_gradc("check " + quoted(kNet) + " --at 'X=" + list(kX, 3) + "' --at 't=" + list(kY) +
                                  "' --points 2 --json");
    INFO(random.out);
    CHECK(random.exit_code == 0);
    CHECK(random.out.rfind("{\"ok\": true, ", 0) == 0);
    CHECK(random.out.find("\"points\": 2") != std::string::npos);
    // A kink that finite differences see: exit 1.
    const auto kink = run_gradc("check 'x: param[2]; sum(floor(3 * x))' --at 'x=[1,2]'");
    CHECK(kink.exit_code == 1);
    CHECK(kink.out.find("FAILED") != std::string::npos);
}

TEST_CASE("the two-layer network: gradient and Hessians against finite differences", "[cli][tensor]") {
    const Vector p = net_params();
    const auto g = run_gradc("grad " + quoted(kNet) + " " + net_at(p));
    INFO(g.out);
    REQUIRE(g.exit_code == 0);
    check_close(line_numbers(g.out, "value"), {net_loss(p)}, 1e-14);
    Vector fd;
    for (std::size_t k = 0; k < 20; ++k) fd.push_back(derivative(net_loss, p, k));
    check_close(line_numbers(g.out, "∂/∂W1"), Vector(fd.begin(), fd.begin() + 12), 1e-9);
    check_close(line_numbers(g.out, "∂/∂b1"), Vector(fd.begin() + 12, fd.begin() + 16), 1e-9);
    check_close(line_numbers(g.out, "∂/∂w2"), Vector(fd.begin() + 16, fd.end()), 1e-9);

    // Hessians by b1 ([4,4]) and W1 ([3,4,3,4]): differences of the closed-form
    // gradient's finite differences.
    const auto second = [&](std::size_t i, std::size_t j) {
        const auto by_j = [&](const Vector& q) { return derivative(net_loss, q, j, 1e-4); };
        return derivative(by_j, p, i, 1e-3);
    };
    const auto hb = run_gradc("hessian " + quoted(kNet) + " --wrt b1 " + net_at(p));
    INFO(hb.out);
    REQUIRE(hb.exit_code == 0);
    Vector want;
    for (std::size_t i = 12; i < 16; ++i)
        for (std::size_t j = 12; j < 16; ++j) want.push_back(second(i, j));
    check_close(line_numbers(hb.out, "∂²/∂b1²"), want, 1e-6);
    const auto hw = run_gradc("hessian " + quoted(kNet) + " --wrt W1 " + net_at(p));
    INFO(hw.out);
    REQUIRE(hw.exit_code == 0);
    want.clear();
    for (std::size_t i = 0; i < 12; ++i)
        for (std::size_t j = 0; j < 12; ++j) want.push_back(second(i, j));
    check_close(line_numbers(hw.out, "∂²/∂W1²"), want, 1e-6);
    CHECK(line_text(hw.out, "∂²/∂W1²").rfind("[[[[", 0) == 0);  // shaped [3,4,3,4]
    // Symbolic, each prints.
    CHECK(run_gradc("hessian " + quoted(kNet) + " --wrt b1").exit_code == 0);
    CHECK(run_gradc("hessian " + quoted(kNet) + " --wrt W1").exit_code == 0);
    CHECK(run_gradc("check " + quoted(kNet) + " " + net_at(p)).exit_code == 0);
}

TEST_CASE("tensor values from .npy and .csv files", "[cli][tensor]") {
    const std::string npy = gradc::testing::temp_path("X.npy");
    const std::size_t shape[] = {4, 3};
    gradc::write_npy(npy, shape, kX);
    std::string csv_text = "y\n";
    for (const double v : kY) csv_text += number(v) + "\n";
    const std::string csv = temp_file("y.csv", csv_text);
    const std::string from_files = "--at X=@" + npy + " --at y=@" + csv + " --at 'w=" + list(kW) + "'";
    const auto files = run_gradc("hessian " + quoted(kLogistic) + " " + from_files);
    INFO(files.out);
    REQUIRE(files.exit_code == 0);
    CHECK(files.out == run_gradc("hessian " + quoted(kLogistic) + " " + kLogisticAt).out);
    // A matrix from a CSV file of several columns.
    std::string matrix = "a,b,c\n";
    for (std::size_t n = 0; n < 4; ++n)
        matrix += number(kX[n * 3]) + "," + number(kX[n * 3 + 1]) + "," + number(kX[n * 3 + 2]) + "\n";
    const std::string x_csv = temp_file("X.csv", matrix);
    CHECK(run_gradc("grad " + quoted(kLogistic) + " --at 'X=@" + x_csv + ",y=@" + csv + ",w=" + list(kW) + "'").out ==
          run_gradc("grad " + quoted(kLogistic) + " " + kLogisticAt).out);
    // Files that do not parse, or are not there: exit 2 with a message.
    const std::string broken = temp_file("broken.npy", "\x93NUMPY garbage");
    for (const std::string& bad : {broken, std::string("/nonexistent/X.npy"), temp_file("ragged.csv", "a,b\n1\n")}) {
        const auto r = run_gradc("grad " + quoted(kLogistic) + " --at X=@" + bad + " --at 'y=" + list(kY) +
                                 ",w=" + list(kW) + "'");
        INFO(bad << ": " << r.out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.rfind("gradc: error: ", 0) == 0);
    }
    // A file of the wrong shape names both shapes.
    check_error("grad " + quoted(kLogistic) + " --at X=@" + csv + " --at 'y=" + list(kY) + ",w=" + list(kW) + "'",
                "the value of X has shape [4], but X is declared data[N,3] (rank 2, not 1)");
}

TEST_CASE("tensor --json: nested lists at a point, strings without", "[cli][tensor][json]") {
    const auto text = run_gradc_stream(1, "hessian " + quoted(kLogistic) + " " + kLogisticAt);
    const auto json = run_gradc_stream(1, "hessian " + quoted(kLogistic) + " " + kLogisticAt + " --json");
    REQUIRE(json.exit_code == 0);
    // The same numbers in the same nesting as the text.
    CHECK(json.out == "{\"value\": " + line_text(text.out, "value") +
                          ", \"gradient\": {\"w\": " + line_text(text.out, "∂/∂w") +
                          "}, \"hessian\": {\"w\": {\"w\": " + line_text(text.out, "∂²/∂w²") + "}}}\n");
    const auto g = run_gradc_stream(1, "grad " + quoted(kLogistic) + " --json");
    REQUIRE(g.exit_code == 0);
    CHECK(g.out.rfind("{\"value\": \"", 0) == 0);
    CHECK(g.out.find("\"gradient\": {\"w\": \"") != std::string::npos);
    const auto e = run_gradc_stream(1, "eval " + quoted(kLogistic + ", X @ w") + " " + kLogisticAt + " --json");
    CHECK(e.out.rfind("{\"values\": [" + number(logistic().value).substr(0, 6), 0) == 0);
    // NaN in a list: null, with the entry named.
    const auto nan = run_gradc("eval 'x: param[2]; log(x)' --at 'x=[-1,1]' --json");
    CHECK(nan.out ==
          "gradc: warning: values[0][0] is NaN, which JSON cannot hold; written as null\n"
          "{\"values\": [[null, 0]]}\n");
}

TEST_CASE("mistakes in tensor --at and --wrt exit 2 with a message", "[cli][tensor][errors]") {
    const std::string L = quoted(kLogistic);
    const std::string point = "X=[[1,2,3]],y=[1]";
    check_error("grad " + L + " --at 'X=[[1,2],[3,4]],y=[1,0],w=[1,2,3]'",
                "the value of X has shape [2,2], but X is declared data[N,3]");
    check_error("grad " + L + " --at 'X=[1,2,3],y=[1],w=[1,2,3]'",
                "the value of X has shape [3], but X is declared data[N,3] (rank 2, not 1)");
    check_error("grad " + L + " --at 'X=[[1,2,3]],y=[1,2],w=[1,2,3]'",
                "the data disagree on N: X has 1 row, but y has 2 rows");
    check_error("grad " + L + " --at '" + point + "'", "--at needs a value for w, declared param[3]");
    check_error("eval " + L + " --at '" + point + ",w=[1,2,3],v=2'",
                "unknown input 'v' in --at; the program's inputs are X, y, w");
    check_error("hessian " + L + " --at '" + point + "' --at 'w=[1,2,3]' --at 'w=[1,2,3]'",
                "--at gives w twice; give each tensor one value");
    check_error("eval " + L,
                "eval needs a value for every input, as in --at 'w=[0.5,-1]'; the program's inputs are X: data[N,3], "
                "y: data[N], w: param[3]");
    check_error("grad " + L + " --wrt v", "unknown input 'v' in --wrt; the program's inputs are X, y, w");
    check_error("hessian " + quoted(kNet),
                "hessian of a tensor program needs --wrt naming one param or real data, as in --wrt W1; the "
                "program's inputs are W1, b1, w2, X, t");
    check_error("hessian " + quoted(kNet) + " --wrt W1,b1",
                "hessian of a tensor program takes one input: give one name, as in --wrt w");
    check_error("hessian " + L + " --wrt X",
                "hessian by X is not offered: its shape [N,3] has the row count N, which would make the result N by "
                "N; take grad by it, or hessian by a param");
    check_error("grad " + quoted("X: data[N,3]; w: param[3]; X @ w"),
                "grad needs results that are single numbers, and the result has shape [N]: sum it, as in sum(...), or "
                "use jacobian");
    // Int data: labels for take_along_axis, checked when the program runs.
    const std::string labels = quoted(
        "X: data[N,3]; c: data[N,1] int; W: param[3,2]; z = X @ W; "
        "sum(logsumexp(z, axis=1)) - sum(take_along_axis(z, c, axis=1))");
    const std::string rest = " --at 'X=[[1,2,3],[0.5,-1,2]],W=[[1,2],[3,4],[5,6]]'";
    CHECK(run_gradc("grad " + labels + rest + " --at 'c=[[1],[0]]'").exit_code == 0);
    check_error("grad " + labels + rest + " --at 'c=[[2],[0]]'",
                "the index tensor 'c' holds 2, outside 0 ... 2 - 1 of the axis it indexes");
    check_error("eval " + labels + rest + " --at 'c=[[1.5],[0]]'",
                "c[0,0] = 1.5 is not an integer; data declared int takes whole numbers");
    check_error("grad " + labels + " --wrt c",
                "c is int data, which has no derivative; --wrt takes params and real data");
    CHECK(run_gradc("check " + labels + rest.substr(0, rest.find(",W=")) + "' --at 'c=[[1],[0]]'").exit_code == 0);
    // A program that does not parse keeps its caret.
    const auto typo = run_gradc("grad 'w: param[3]; sum(w @ v)'");
    CHECK(typo.exit_code == 2);
    CHECK(typo.out.find("line 1, column") != std::string::npos);
    // Malformed values: a message, never a crash.
    for (const char* bad : {"w=[1,2", "w=[1,[2]]", "w=[[1,2],[3]]", "w=one", "w", "w=[1,2,3]]"}) {
        const auto r = run_gradc("grad " + L + " --at '" + point + "' --at '" + bad + "'");
        INFO(bad << ": " << r.out);
        CHECK(r.exit_code == 2);
        CHECK(r.out.rfind("gradc: error: ", 0) == 0);
    }
}

TEST_CASE("scalar formulas take repeated --at too", "[cli]") {
    CHECK(run_gradc("grad 'x^2*sin(y)' --at x=2 --at y=0.5").out == run_gradc("grad 'x^2*sin(y)' --at x=2,y=0.5").out);
    CHECK(run_gradc("eval 'x*y' --at y=3 --at x=2").out == "6\n");
}
