// What the writer and the reader of model files (model_file.hpp) agree on.
#pragma once

namespace gradc::model_file {

inline constexpr const char* kFormat = "gradc-model";
// The one version this gradc writes and reads; a change in the meaning of a field
// gets a new number, so an old reader refuses a new file instead of misreading it.
inline constexpr int kVersion = 1;

}  // namespace gradc::model_file
