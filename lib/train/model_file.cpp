// Writing a model file (model_file.hpp): the model as a JSON tree, laid out for people
// to read, numbers in their shortest exact text. Reading is in model_file_read.cpp.
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "gradc/error.hpp"
#include "gradc/model_file.hpp"
#include "gradc/print.hpp"
#include "model_file_format.hpp"

namespace gradc {
namespace {

using Json = nlohmann::ordered_json;  // keeps fields in the documented order

// The shortest text that reads back as `v`. -0 is written -0.0: JSON readers take
// "-0" for the integer 0 and would drop the sign.
std::string number_text(double v) {
    if (v == 0 && std::signbit(v)) return "-0.0";
    return shortest_number(v);
}

bool holds_object(const Json& v) {
    for (const Json& item : v)
        if (item.is_object()) return true;
    return false;
}

// One field per line at the top, and an item per line in a container of objects (the
// layers); everything else on one line, so a layer's weights stay together. The tree
// is at most four levels deep, so recursion is safe here.
void write(std::string& out, const Json& v, std::size_t indent, bool top) {
    if (v.is_number_float()) {
        out += number_text(v.get<double>());
        return;
    }
    if (!v.is_structured()) {
        // Strings, integers: nlohmann escapes strings and refuses invalid UTF-8.
        out += v.dump(-1, ' ', false, Json::error_handler_t::strict);
        return;
    }
    const bool lines = top || holds_object(v);
    out += v.is_object() ? '{' : '[';
    bool first = true;
    for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        if (lines) {
            out += '\n';
            out.append(indent + 2, ' ');
        } else if (!first) {
            out += ' ';
        }
        if (v.is_object()) out += Json(it.key()).dump(-1, ' ', false, Json::error_handler_t::strict) + ": ";
        write(out, *it, indent + 2, false);
        first = false;
    }
    if (lines && !first) {
        out += '\n';
        out.append(indent, ' ');
    }
    out += v.is_object() ? '}' : ']';
}

[[noreturn]] void not_finite(double v, const std::string& field) {
    throw Error("cannot save the model: " + field + " is " +
                (std::isnan(v) ? "nan"
                 : v > 0       ? "inf"
                               : "-inf") +
                ", and a model file holds finite numbers only");
}

// `v`, refused when JSON cannot hold it.
double finite(double v, const std::string& field) {
    if (!std::isfinite(v)) not_finite(v, field);
    return v;
}

Json numbers(const double* begin, std::size_t count, const std::string& field) {
    Json array = Json::array();
    for (std::size_t k = 0; k < count; ++k) {
        // The field's name is built for the message only: a network has many numbers.
        if (!std::isfinite(begin[k])) not_finite(begin[k], field + "[" + std::to_string(k) + "]");
        array.push_back(begin[k]);
    }
    return array;
}

Json standardization(const Standardization& s, std::size_t inputs) {
    bool every_input = s.columns.size() == inputs && s.mean.size() == inputs && s.scale.size() == inputs;
    for (std::size_t k = 0; every_input && k < inputs; ++k) every_input = s.columns[k] == k;
    if (!every_input)
        throw Error("cannot save the model: its standardization must cover every input, in order, as fit() makes it");
    return Json{{"mean", numbers(s.mean.data(), inputs, "standardization.mean")},
                {"scale", numbers(s.scale.data(), inputs, "standardization.scale")}};
}

std::string loss_text(const Loss& loss) {
    switch (loss.kind) {
        case LossKind::Mse: return "mse";
        case LossKind::Mae: return "mae";
        case LossKind::Huber: return "huber";
        case LossKind::Bce: return "bce";
        case LossKind::CrossEntropy: return "xent";
        case LossKind::Formula: return loss.formula;
    }
    return loss.formula;
}

Json header(const SavedModel& model, const char* kind) {
    return Json{{"format", model_file::kFormat},
                {"version", model_file::kVersion},
                {"kind", kind},
                {"target", model.target},
                {"loss", loss_text(model.loss)}};
}

Json formula_json(const SavedModel& model, const FitResult& fit) {
    if (fit.params.size() != fit.names.params.size())
        throw Error("cannot save the model: it has " + std::to_string(fit.params.size()) + " parameter values for " +
                    std::to_string(fit.names.params.size()) + " parameters");
    Json j = header(model, "formula");
    j["formula"] = fit.model;
    j["inputs"] = fit.names.data;
    Json params = Json::object();
    for (std::size_t i = 0; i < fit.params.size(); ++i)
        params[fit.names.params[i]] = finite(fit.params[i], "params." + fit.names.params[i]);
    j["params"] = std::move(params);
    if (fit.standardization) j["standardization"] = standardization(*fit.standardization, fit.names.data.size());
    return j;
}

// Weights and biases layer by layer, in nn.hpp's parameter order: each layer's weights
// row by row (one row per unit), then its biases.
Json network_json(const SavedModel& model, const nn::MlpModel& net) {
    if (net.spec.inputs != net.inputs.size() || net.params.size() != net.spec.param_count())
        throw Error("cannot save the model: the network " + net.spec.describe() + " has " +
                    std::to_string(net.inputs.size()) + " input columns and " + std::to_string(net.params.size()) +
                    " parameter values");
    Json j = header(model, "network");
    j["inputs"] = net.inputs;
    if (net.standardization) j["standardization"] = standardization(*net.standardization, net.inputs.size());
    j["activation"] = std::string(nn::activation_name(net.spec.activation));
    Json layers = Json::array();
    const std::vector<std::size_t> widths = net.spec.widths();
    const double* next = net.params.data();
    for (std::size_t l = 1; l < widths.size(); ++l) {
        const std::string field = "layers[" + std::to_string(l - 1) + "]";
        Json weights = Json::array();
        for (std::size_t unit = 0; unit < widths[l]; ++unit, next += widths[l - 1])
            weights.push_back(numbers(next, widths[l - 1], field + ".weights[" + std::to_string(unit) + "]"));
        Json biases = numbers(next, widths[l], field + ".biases");
        next += widths[l];
        layers.push_back(Json{{"weights", std::move(weights)}, {"biases", std::move(biases)}});
    }
    j["layers"] = std::move(layers);
    if (!net.classes.empty()) j["classes"] = numbers(net.classes.data(), net.classes.size(), "classes");
    return j;
}

}  // namespace

std::string model_json(const SavedModel& model) {
    const Json j = model.is_network() ? network_json(model, std::get<nn::MlpModel>(model.model))
                                      : formula_json(model, std::get<FitResult>(model.model));
    std::string out;
    try {
        write(out, j, 0, true);
    } catch (const Json::type_error&) {
        throw Error("cannot save the model: a name in it is not valid UTF-8, which JSON requires");
    }
    return out + '\n';
}

void save_model(const std::string& path, const SavedModel& model) {
    const std::string text = model_json(model);
    std::ofstream out(path, std::ios::binary);
    if (!out) throw Error("cannot write the model to '" + path + "': check that its folder exists");
    out << text;
    out.close();
    if (!out) throw Error("cannot write the model to '" + path + "': the disk may be full");
}

}  // namespace gradc
