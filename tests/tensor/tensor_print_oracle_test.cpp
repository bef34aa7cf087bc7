// Printing random tensor programs and their gradients. The index form is read back:
// one definition per node in topological order, each reading exactly the node's
// operands by name, with as many indices as the node has axes and no index name that
// is neither on its left side nor summed. The matrix form defines each name before
// using it and uses each name it defines. All four printings depend only on the
// program: two contexts built alike print alike.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <limits>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gradc/tensor.hpp"
#include "gradc/tensor_print.hpp"
#include "tensor/random_program.hpp"

using namespace gradc;

namespace {

struct Word {
    std::string text;
    std::size_t end;  // the position after it
};

// The identifiers of `text`, leaving out the letters of numbers (1e-07).
std::vector<Word> words(const std::string& text) {
    std::vector<Word> out;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        const bool starts = std::isalpha(static_cast<unsigned char>(c)) || c == '_';
        const bool in_number = i > 0 && (std::isdigit(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == '.');
        if (!starts || in_number) {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < text.size() && (std::isalnum(static_cast<unsigned char>(text[j])) || text[j] == '_')) ++j;
        out.push_back({text.substr(i, j - i), j});
        i = j;
    }
    return out;
}

const std::set<std::string>& function_names() {
    static const std::set<std::string> names = [] {
        std::set<std::string> n{"sum", "amax", "pi", "e", "inf", "nan", "N"};
        for (int k = 0; k < kOpCount; ++k) n.emplace(op_info(static_cast<Op>(k)).spelling);
        return n;
    }();
    return names;
}

bool is_leaf(Tensor t) {
    return t->kind() == TensorKind::Param || t->kind() == TensorKind::Data ||
           (t->kind() == TensorKind::Constant && t->shape().rank() == 0);
}

// The index names a sum or amax binds: the leading "j, k, " of sum(j, k, body).
std::set<std::string> summed_indices(const std::string& rhs) {
    std::set<std::string> out;
    static const std::regex head(R"((?:sum|amax)\(((?:\w+, )+))");
    for (std::sregex_iterator it(rhs.begin(), rhs.end(), head), end; it != end; ++it) {
        const std::string list = (*it)[1];
        for (const Word& w : words(list)) out.insert(w.text);
    }
    return out;
}

void check_index_form(std::span<const Tensor> outputs) {
    TensorPrintOptions options;
    options.share_above = std::numeric_limits<std::size_t>::max();  // one definition per node, no more
    const TensorListing listing = tensor_listing(outputs, TensorForm::Index, TensorSyntax::Text, options);
    std::map<Tensor, std::string> name_of;
    std::set<std::string> inputs, defined;
    std::vector<Tensor> nodes;
    for (const Tensor t : tensor_order(outputs)) {
        if (t->kind() == TensorKind::Param || t->kind() == TensorKind::Data) {
            name_of[t] = std::string(t->name());
            inputs.insert(name_of[t]);
        } else if (!is_leaf(t)) {
            nodes.push_back(t);
        }
    }
    REQUIRE(listing.bindings.size() == nodes.size());
    // An index may carry its range, t1[i:3,n:N].
    static const std::regex lhs_form(R"(^(\w+)(?:\[([\w,:]+)\])?$)");
    static const std::regex range(R"(:\w+)");
    for (std::size_t k = 0; k < nodes.size(); ++k) {
        const Tensor t = nodes[k];
        const auto& [lhs, rhs] = listing.bindings[k];
        INFO(tensor_kind_name(t->kind()) << ": " << lhs << " = " << rhs);
        std::smatch m;
        REQUIRE(std::regex_match(lhs, m, lhs_form));
        const std::string name = m[1];
        CHECK(!inputs.count(name));
        CHECK(defined.insert(name).second);
        std::vector<std::string> index;
        for (const Word& w : words(std::regex_replace(m[2].str(), range, ""))) index.push_back(w.text);
        CHECK(index.size() == (t->kind() == TensorKind::Constant ? 0 : t->shape().rank()));
        CHECK(std::set<std::string>(index.begin(), index.end()).size() == index.size());
        // The tensors it reads are exactly its operands.
        std::set<std::string> reads, want, free;
        for (const Tensor o : t->operands())
            if (!is_leaf(o) || o->kind() != TensorKind::Constant) want.insert(name_of.at(o));
        const std::set<std::string> summed = summed_indices(rhs);
        for (const Word& w : words(rhs)) {
            if (inputs.count(w.text) || (defined.count(w.text) && w.text != name))
                reads.insert(w.text);
            else if (!function_names().count(w.text))
                free.insert(w.text);
        }
        CHECK(reads == want);
        // Every other name is an index of the left side or a summed one.
        for (const std::string& i : free) {
            INFO("index " << i);
            CHECK((std::find(index.begin(), index.end(), i) != index.end() || summed.count(i)));
        }
        name_of[t] = name;
    }
    for (std::size_t k = 0; k < outputs.size(); ++k)
        if (!is_leaf(outputs[k]) || outputs[k]->kind() != TensorKind::Constant)  // a scalar prints as a number
            CHECK(listing.outputs[k] == name_of.at(outputs[k]));
}

void check_matrix_form(std::span<const Tensor> outputs) {
    const TensorListing listing = tensor_listing(outputs, TensorForm::Matrix, TensorSyntax::Text);
    std::set<std::string> inputs, defined, used;
    for (const Tensor t : tensor_order(outputs))
        if (t->kind() == TensorKind::Param || t->kind() == TensorKind::Data) inputs.emplace(t->name());
    static const std::regex lhs_form(R"(^(\w+)(?:\[[\w,:]+\])?$)");
    const auto read = [&](const std::string& text) {
        for (const Word& w : words(text))
            if (w.text.size() > 1 && w.text[0] == 't' && std::isdigit(static_cast<unsigned char>(w.text[1]))) {
                INFO(w.text << " in " << text);
                CHECK(defined.count(w.text));
                used.insert(w.text);
            }
    };
    for (const auto& [lhs, rhs] : listing.bindings) {
        INFO(lhs << " = " << rhs);
        read(rhs);
        std::smatch m;
        REQUIRE(std::regex_match(lhs, m, lhs_form));
        CHECK(defined.insert(m[1]).second);
    }
    for (const std::string& out : listing.outputs) read(out);
    CHECK(used == defined);
    std::string all;
    for (const auto& [lhs, rhs] : listing.bindings) all += rhs + " ";
    for (const std::string& out : listing.outputs) all += out + " ";
    std::set<std::string> mentioned;
    for (const Word& w : words(all)) mentioned.insert(w.text);
    for (const std::string& in : inputs) CHECK(mentioned.count(in));
}

std::vector<std::string> printings(std::span<const Tensor> outputs) {
    std::vector<std::string> out;
    for (const TensorForm form : {TensorForm::Matrix, TensorForm::Index}) {
        out.push_back(tensor_text(outputs, form));
        out.push_back(tensor_latex(outputs, form));
    }
    return out;
}

}  // namespace

TEST_CASE("random programs and their gradients print every node once, deterministically", "[tensor][print]") {
    std::mt19937_64 random(20261208), again(20261208);
    std::map<TensorKind, int> reached, reached_again;
    for (int trial = 0; trial < 200; ++trial) {
        INFO("trial " << trial);
        testing::Program p, q;
        testing::build(p, random, reached);
        testing::build(q, again, reached_again);
        std::vector<Tensor> outputs{p.f}, same{q.f};
        for (const Tensor g : tensor_gradient(p.ctx, p.f, p.inputs)) outputs.push_back(g);
        for (const Tensor g : tensor_gradient(q.ctx, q.f, q.inputs)) same.push_back(g);
        outputs.push_back(canonicalize(p.ctx, outputs).back());
        same.push_back(canonicalize(q.ctx, same).back());
        for (const Tensor t : tensor_order(outputs)) ++reached[t->kind()];
        check_index_form(outputs);
        check_matrix_form(outputs);
        const std::vector<std::string> first = printings(outputs);
        CHECK(first == printings(same));
        CHECK(first == printings(outputs));
    }
    for (const TensorKind kind : testing::kBuiltKinds) {
        INFO(tensor_kind_name(kind));
        CHECK(reached[kind] >= 20);
    }
}

TEST_CASE("a deep chain prints without recursion, split into bindings", "[tensor][print]") {
    TensorContext ctx;
    Tensor x = ctx.param("x", Shape{{3}});
    for (int k = 0; k < 20000; ++k) x = ctx.map(k % 2 ? Op::Sin : Op::Tanh, x);
    // Bound every 32 levels (max_nesting), so no line nests deeper than that.
    const std::string text = tensor_text(x);
    CHECK(std::count(text.begin(), text.end(), '\n') >= 20000 / 33);
    CHECK(text.size() < 400000);
    const std::string index = tensor_text(x, TensorForm::Index);
    CHECK(std::count(index.begin(), index.end(), '\n') == 20000);
}
