// gradc is written against one LLVM major version; CMake asks for it too
// (cmake/GradcLLVM.cmake). A different LLVM fails here, not deep inside the ORC API.
#pragma once

#include <llvm/Config/llvm-config.h>

static_assert(LLVM_VERSION_MAJOR == 19, "gradc needs LLVM 19 (Debian: llvm-19-dev)");
