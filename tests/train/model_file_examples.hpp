// Two model files for the model file tests, written in the layout gradc writes: a
// standardized line and a hand-made XOR network (docs/data/xor_model.json).
#pragma once

#include <catch2/catch.hpp>
#include <string>

namespace gradc::testing {

// 2·(x − 0.5)/2 − 1 = x − 1.5.
inline const std::string kLineModel = R"({
  "format": "gradc-model",
  "version": 1,
  "kind": "formula",
  "target": "y",
  "loss": "mse",
  "formula": "w*x + b",
  "inputs": ["x"],
  "params": {"w": 2, "b": -1},
  "standardization": {"mean": [0.5], "scale": [2]}
}
)";

// h1 = relu(a + b), h2 = relu(a + b − 1); logits z0 = 0, z1 = 4·h1 − 8·h2 − 2, which
// is −2 at (0,0) and (1,1) and 2 at (0,1) and (1,0): XOR.
inline const std::string kXorModel = R"({
  "format": "gradc-model",
  "version": 1,
  "kind": "network",
  "target": "y",
  "loss": "xent",
  "inputs": ["a", "b"],
  "activation": "relu",
  "layers": [
    {"weights": [[1, 1], [1, 1]], "biases": [0, -1]},
    {"weights": [[0, 0], [4, -8]], "biases": [0, -2]}
  ],
  "classes": [0, 1]
}
)";

// `text` with its one `from` replaced by `to`.
inline std::string with(const std::string& text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    REQUIRE(text.find(from, at + 1) == std::string::npos);
    return text.substr(0, at) + to + text.substr(at + from.size());
}

}  // namespace gradc::testing
