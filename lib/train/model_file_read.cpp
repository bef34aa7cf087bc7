// Reading a model file (model_file.hpp). nlohmann's parser reads the JSON: it is
// iterative, so deep nesting cannot overflow the stack, and its errors carry the line
// and column. Then every field is checked for presence, type and size, and an error
// names the field, as in 'layers[1].biases[0]'.
#include <algorithm>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "gradc/error.hpp"
#include "gradc/model_file.hpp"
#include "model_file_format.hpp"
#include "support/joined.hpp"

namespace gradc {
namespace {

using Json = nlohmann::json;

std::string quoted(const std::string& field) { return "'" + field + "'"; }

using support::joined;

// "a number", "an array", "null": what a value is, for messages.
std::string kind_of(const Json& v) {
    const std::string name = v.type_name();
    if (v.is_null()) return name;
    return (name[0] == 'a' || name[0] == 'o' ? "an " : "a ") + name;
}

// nlohmann's message without its exception tag: "line 3, column 1: syntax error ...".
std::string json_message(const Json::exception& e) {
    std::string text = e.what();
    if (const std::size_t tag = text.find("] "); tag != std::string::npos) text.erase(0, tag + 2);
    if (text.rfind("parse error at ", 0) == 0) text.erase(0, 15);
    return text;
}

const Json& expect(const Json& v, bool ok, const std::string& field, const char* what) {
    if (!ok) throw Error(quoted(field) + " must be " + what + ", not " + kind_of(v));
    return v;
}

std::string text(const Json& v, const std::string& field) {
    return expect(v, v.is_string(), field, "a string").get<std::string>();
}

// nlohmann refuses a number too large for a double, so every number read is finite.
double number(const Json& v, const std::string& field) {
    return expect(v, v.is_number(), field, "a number").get<double>();
}

std::vector<double> numbers(const Json& v, const std::string& field) {
    expect(v, v.is_array(), field, "an array of numbers");
    std::vector<double> out;
    out.reserve(v.size());
    for (std::size_t k = 0; k < v.size(); ++k) {
        // The field's name is built for the message only: a network has many numbers.
        if (!v[k].is_number()) number(v[k], field + "[" + std::to_string(k) + "]");
        out.push_back(v[k].get<double>());
    }
    return out;
}

// Column names: non-empty and different.
std::vector<std::string> names(const Json& v, const std::string& field) {
    expect(v, v.is_array(), field, "an array of names");
    std::vector<std::string> out;
    for (std::size_t k = 0; k < v.size(); ++k) {
        std::string name = text(v[k], field + "[" + std::to_string(k) + "]");
        if (name.empty()) throw Error(quoted(field + "[" + std::to_string(k) + "]") + " is empty: a column has a name");
        if (std::find(out.begin(), out.end(), name) != out.end())
            throw Error(quoted(field) + " lists '" + name + "' twice");
        out.push_back(std::move(name));
    }
    return out;
}

// The fields of one object, each asked for once; finish() refuses any other, so a
// misspelt optional field is an error instead of silently missing.
class Fields {
public:
    Fields(const Json& object, std::string path) : object_(object), path_(std::move(path)) {
        expect(object, object.is_object(), path_, "an object");
    }
    const Json* optional(const std::string& key) {
        known_.push_back(key);
        const auto it = object_.find(key);
        return it == object_.end() ? nullptr : &*it;
    }
    const Json& required(const std::string& key) {
        const Json* v = optional(key);
        if (v == nullptr) throw Error("the field " + quoted(field(key)) + " is missing");
        return *v;
    }
    std::string field(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }
    void finish(const std::string& what) const {
        for (auto it = object_.begin(); it != object_.end(); ++it)
            if (std::find(known_.begin(), known_.end(), it.key()) == known_.end())
                throw Error("unknown field " + quoted(field(it.key())) + "; " + what + " has the fields " +
                            joined(known_));
    }

private:
    const Json& object_;
    std::string path_;
    std::vector<std::string> known_;
};

void check_format(Fields& top) {
    const Json* format = top.optional("format");
    if (format == nullptr || !format->is_string() || format->get<std::string>() != model_file::kFormat)
        throw Error(std::string("not a gradc model file: it has no \"format\": \"") + model_file::kFormat + "\"");
    const Json& version = top.required("version");
    if (number(version, "version") != model_file::kVersion)
        throw Error("the model file is version " + version.dump() + " of the format, and this gradc reads version " +
                    std::to_string(model_file::kVersion) + " only: read it with the gradc that wrote it");
}

std::optional<Standardization> read_standardization(Fields& top, std::size_t inputs) {
    const Json* v = top.optional("standardization");
    if (v == nullptr) return std::nullopt;
    Fields fields(*v, "standardization");
    Standardization s;
    s.mean = numbers(fields.required("mean"), "standardization.mean");
    s.scale = numbers(fields.required("scale"), "standardization.scale");
    fields.finish("'standardization'");
    for (const char* part : {"mean", "scale"}) {
        const std::size_t n = (part[0] == 'm' ? s.mean : s.scale).size();
        if (n != inputs)
            throw Error("'standardization." + std::string(part) + "' has " + std::to_string(n) + " numbers; it needs " +
                        std::to_string(inputs) + ", one per input");
    }
    for (std::size_t k = 0; k < inputs; ++k) {
        if (s.scale[k] == 0)
            throw Error("'standardization.scale[" + std::to_string(k) +
                        "]' is 0, and a scale divides: a constant column has scale 1");
        s.columns.push_back(k);
    }
    return s;
}

FitResult read_formula(Fields& top, const Loss& loss) {
    if (loss.kind == LossKind::CrossEntropy)
        throw Error("'loss' is xent, which needs one output per class: only a network model has it");
    FitResult fit;
    fit.model = text(top.required("formula"), "formula");
    const std::vector<std::string> inputs = names(top.required("inputs"), "inputs");
    try {
        fit.names = model_names(fit.model, inputs);
    } catch (const Error& e) {
        throw Error(std::string("'formula' cannot be used: ") + e.what());
    }
    for (const std::string& input : inputs)
        if (std::find(fit.names.data.begin(), fit.names.data.end(), input) == fit.names.data.end())
            throw Error("'inputs' lists '" + input + "', which the formula does not use");
    fit.names.data = inputs;  // the file's order, which the standardization follows

    const Json& params = top.required("params");
    expect(params, params.is_object(), "params", "an object of parameter values");
    for (const std::string& name : fit.names.params) {
        const auto it = params.find(name);
        if (it == params.end()) throw Error("'params' has no value for '" + name + "', a parameter of the formula");
        fit.params.push_back(number(*it, "params." + name));
    }
    for (auto it = params.begin(); it != params.end(); ++it)
        if (std::find(fit.names.params.begin(), fit.names.params.end(), it.key()) == fit.names.params.end())
            throw Error("'params' has '" + it.key() +
                        "', which is not a parameter of the formula; its parameters are " +
                        (fit.names.params.empty() ? "none" : joined(fit.names.params)));
    fit.standardization = read_standardization(top, inputs.size());
    return fit;
}

// One layer: its weights, row by row, then its biases appended to `params`, as nn.hpp
// orders them. Returns the layer's units.
std::size_t read_layer(const Json& v, std::size_t index, std::size_t fan_in, std::vector<double>& params) {
    const std::string field = "layers[" + std::to_string(index) + "]";
    Fields layer(v, field);
    const Json& weights = layer.required("weights");
    expect(weights, weights.is_array(), field + ".weights", "an array of rows of numbers");
    if (weights.empty()) throw Error(quoted(field + ".weights") + " is empty: a layer has a row of weights per unit");
    for (std::size_t unit = 0; unit < weights.size(); ++unit) {
        const std::string row_field = field + ".weights[" + std::to_string(unit) + "]";
        const std::vector<double> row = numbers(weights[unit], row_field);
        if (row.size() != fan_in)
            throw Error(quoted(row_field) + " has " + std::to_string(row.size()) + " numbers; it needs " +
                        std::to_string(fan_in) + ", one per input of the layer");
        params.insert(params.end(), row.begin(), row.end());
    }
    const std::vector<double> biases = numbers(layer.required("biases"), field + ".biases");
    if (biases.size() != weights.size())
        throw Error(quoted(field + ".biases") + " has " + std::to_string(biases.size()) + " numbers; it needs " +
                    std::to_string(weights.size()) + ", one per unit (row of weights)");
    params.insert(params.end(), biases.begin(), biases.end());
    layer.finish("a layer");
    return weights.size();
}

nn::MlpModel read_network(Fields& top, const Loss& loss) {
    nn::MlpModel net;
    net.inputs = names(top.required("inputs"), "inputs");
    if (net.inputs.empty()) throw Error("'inputs' is empty: a network reads at least one column");
    net.standardization = read_standardization(top, net.inputs.size());
    try {
        net.spec.activation = nn::activation_named(text(top.required("activation"), "activation"));
    } catch (const Error& e) {
        throw Error(std::string("'activation': ") + e.what());
    }
    const Json& layers = top.required("layers");
    expect(layers, layers.is_array(), "layers", "an array of layers");
    if (layers.empty()) throw Error("'layers' is empty: a network has at least an output layer");
    std::vector<std::size_t> units;
    for (std::size_t l = 0; l < layers.size(); ++l)
        units.push_back(read_layer(layers[l], l, l == 0 ? net.inputs.size() : units.back(), net.params));
    net.spec.inputs = net.inputs.size();
    net.spec.hidden.assign(units.begin(), units.end() - 1);
    net.spec.outputs = units.back();

    const Json* classes = top.optional("classes");
    if (loss.kind != LossKind::CrossEntropy) {
        if (classes != nullptr) throw Error("'classes' goes with the xent loss, and this network's loss is not xent");
        if (net.spec.outputs != 1)
            throw Error("the last layer has " + std::to_string(net.spec.outputs) +
                        " units; a network whose loss is not xent has one output");
        return net;
    }
    if (classes == nullptr) throw Error("the field 'classes' is missing: a network fitted with xent lists its classes");
    net.classes = numbers(*classes, "classes");
    if (net.classes.size() < 2) throw Error("'classes' must list two classes or more");
    if (!std::is_sorted(net.classes.begin(), net.classes.end(), std::less_equal<>()))
        throw Error("'classes' must be in increasing order, each class once");
    if (net.classes.size() != net.spec.outputs)
        throw Error("'classes' lists " + std::to_string(net.classes.size()) + " classes, but the last layer has " +
                    std::to_string(net.spec.outputs) + " units: a classifier has one output per class");
    return net;
}

}  // namespace

SavedModel read_model(std::string_view json) {
    Json doc;
    try {
        doc = Json::parse(json.begin(), json.end());
    } catch (const Json::exception& e) {
        throw Error("not valid JSON: " + json_message(e));
    }
    if (!doc.is_object()) throw Error("a model file holds one JSON object, not " + kind_of(doc));
    Fields top(doc, "");
    check_format(top);
    const std::string kind = text(top.required("kind"), "kind");
    if (kind != "formula" && kind != "network")
        throw Error("'kind' must be \"formula\" or \"network\", not \"" + kind + "\"");
    SavedModel model;
    model.target = text(top.required("target"), "target");
    if (model.target.empty()) throw Error("'target' is empty: it names the column the model predicts");
    const std::string loss = text(top.required("loss"), "loss");
    if (loss.empty()) throw Error("'loss' is empty: it names the loss the model was fitted with, as in \"mse\"");
    model.loss = Loss::named(loss);
    if (kind == "formula")
        model.model = read_formula(top, model.loss);
    else
        model.model = read_network(top, model.loss);
    top.finish("a " + kind + " model");
    return model;
}

SavedModel load_model(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error("cannot read the model file '" + path + "': check the path");
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return read_model(text.str());
    } catch (const Error& e) {
        throw Error(path + ": " + e.what());
    }
}

}  // namespace gradc
