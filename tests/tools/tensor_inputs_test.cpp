// The tensor side of --at on its own: binding values to a program's
// declared inputs with every mistake named, and writing values back as nested lists.
#include <catch2/catch.hpp>
#include <limits>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"
#include "tensor_inputs.hpp"  // tools/, through gradc_cli_support
#include "tensor_output.hpp"
#include "tensor_values.hpp"

using gradc::Shape;
using gradc::Tensor;
using gradc::TensorValue;
using gradc::cli::NamedTensorValues;

namespace {

NamedTensorValues at(std::vector<std::string> items) { return gradc::cli::parse_tensor_options(items); }

std::string error_of(const std::vector<Tensor>& inputs, std::vector<std::string> items,
                     const std::vector<Tensor>& required) {
    try {
        gradc::cli::bind_tensor_inputs(inputs, at(std::move(items)), required);
    } catch (const gradc::Error& e) {
        return e.what();
    }
    return "no error";
}

// The logistic regression's inputs: X: data[N,3]; y: data[N]; w: param[3]; plus int labels.
struct Logistic {
    gradc::TensorContext ctx;
    Tensor X = ctx.data("X", Shape{{gradc::kRows, 3}});
    Tensor y = ctx.data("y", Shape{{gradc::kRows}});
    Tensor w = ctx.param("w", Shape{{3}});
    Tensor c = ctx.data("c", Shape{{gradc::kRows}}, gradc::ElementType::Index);
    std::vector<Tensor> inputs{X, y, w, c};
};

}  // namespace

TEST_CASE("binding values: N from the data, every input checked against its declaration", "[cli][tensor]") {
    Logistic p;
    const gradc::TensorBindings b = gradc::cli::bind_tensor_inputs(
        p.inputs, at({"X=[[1,2,3],[4,5,6]]", "y=[1,0]", "w=[0.5,-1,2]", "c=[2,0]"}), p.inputs);
    CHECK(b.rows == 2);
    CHECK(b.find("c")->indices == std::vector<std::int64_t>{2, 0});  // int data as indices
    CHECK(b.find("c")->reals.empty());
    CHECK(b.find("w")->reals == std::vector<double>{0.5, -1, 2});
    // Values the interpreter accepts as they are.
    const Tensor f = p.ctx.sum(p.ctx.matmul(p.X, p.w));
    CHECK(gradc::evaluate({&f, 1}, b)[0].reals[0] == Approx(0.5 * 5 + -1 * 7 + 2 * 9));

    const std::vector<Tensor> all = p.inputs;
    CHECK(error_of(all, {"X=[[1,2],[3,4]]"}, {}) == "the value of X has shape [2,2], but X is declared data[N,3]");
    CHECK(error_of(all, {"X=[1,2,3]"}, {}) ==
          "the value of X has shape [3], but X is declared data[N,3] (rank 2, not 1)");
    CHECK(error_of(all, {"w=1"}, {}) == "the value of w has shape [], but w is declared param[3] (rank 1, not 0)");
    CHECK(error_of(all, {"X=[[1,2,3]]", "y=[1,2]"}, {}) == "the data disagree on N: X has 1 row, but y has 2 rows");
    CHECK(error_of(all, {"z=1"}, {}) == "unknown input 'z' in --at; the program's inputs are X, y, w, c");
    CHECK(error_of(all, {"w=[1,2,3]"}, all) == "--at needs a value for X, declared data[N,3]");
    CHECK(error_of(all, {"c=[1.5]"}, {}) == "c[0] = 1.5 is not an integer; data declared int takes whole numbers");
    // Inputs outside `required` may go without a value.
    CHECK(error_of(all, {"X=[[1,2,3]]", "y=[1]"}, {p.X, p.y}) == "no error");
}

TEST_CASE("tensor programs take --wrt by params and real data, never int data", "[cli][tensor]") {
    Logistic p;
    using gradc::cli::select_tensor_wrt;
    CHECK(select_tensor_wrt("w,X", p.inputs) == std::vector<Tensor>{p.w, p.X});
    CHECK(gradc::cli::param_inputs(p.inputs) == std::vector<Tensor>{p.w});
    CHECK_THROWS_WITH(select_tensor_wrt("c", p.inputs),
                      "c is int data, which has no derivative; --wrt takes params and real data");
    CHECK_THROWS_WITH(select_tensor_wrt("w,w", p.inputs), "input 'w' appears twice in --wrt");
    CHECK_THROWS_WITH(select_tensor_wrt("v", p.inputs),
                      "unknown input 'v' in --wrt; the program's inputs are X, y, w, c");
    CHECK_THROWS_WITH(select_tensor_wrt("w,", p.inputs),
                      "--wrt expects input names separated by commas, as in --wrt w,b");
    CHECK(gradc::cli::declaration_text(p.c) == "data[N] int");
}

TEST_CASE("tensor values print as nested lists that read back", "[cli][tensor]") {
    using gradc::cli::tensor_value_text;
    CHECK(tensor_value_text(TensorValue{{}, {0.1}, {}}) == "0.1");
    CHECK(tensor_value_text(TensorValue{{3}, {1, -0.5, 1e300}, {}}) == "[1, -0.5, 1e+300]");
    CHECK(tensor_value_text(TensorValue{{2, 2}, {1, 2, 3, 4}, {}}) == "[[1, 2], [3, 4]]");
    CHECK(tensor_value_text(TensorValue{{2, 1, 2}, {1, 2, 3, 4}, {}}) == "[[[1, 2]], [[3, 4]]]");
    CHECK(tensor_value_text(TensorValue{{2, 0}, {}, {}}) == "[[], []]");
    CHECK(tensor_value_text(TensorValue{{0, 3}, {}, {}}) == "[]");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(tensor_value_text(TensorValue{{2}, {nan, -std::numeric_limits<double>::infinity()}, {}}) == "[nan, -inf]");
    // Written, then read by --at, a value comes back the same, bit for bit.
    const TensorValue v{{2, 3}, {0.1, 1.0 / 3, -2e-310, 5, 6, 7}, {}};
    const NamedTensorValues back = at({"v=" + tensor_value_text(v)});
    CHECK(back[0].second.shape == v.shape);
    CHECK(back[0].second.reals == v.reals);
}
