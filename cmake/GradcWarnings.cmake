# Warnings for gradc's own targets; -Werror=switch-enum makes every pass that
# switches over the op table list the ops it forgot.
add_library(gradc_warnings INTERFACE)
target_compile_options(gradc_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion
  -Werror=switch-enum -Werror=return-type)
# GCC 12 reports std::string concatenation at -O2 and above as overlapping or out of
# bounds or overflowing (GCC bugs 105329, 105651); with -Werror those false positives would fail builds.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(gradc_warnings INTERFACE -Wno-restrict -Wno-array-bounds -Wno-stringop-overflow)
endif()
if(GRADC_WERROR)
  target_compile_options(gradc_warnings INTERFACE -Werror)
endif()

if(GRADC_SANITIZE AND GRADC_SANITIZE_THREAD)
  message(FATAL_ERROR "AddressSanitizer and ThreadSanitizer cannot be combined: use the asan or the tsan preset")
endif()
if(GRADC_FUZZ)
  # Coverage for libFuzzer in every file; the fuzz targets add the fuzzer's main.
  # -fsanitize=function (part of clang's `undefined`) reads a type signature just before
  # each function called through a pointer; JIT-compiled kernels have none, and one
  # placed at the start of a page made that read fault. A sanitizer report stops the
  # program (-fno-sanitize-recover), so a fuzzer or test that meets one fails.
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
if(GRADC_SANITIZE_THREAD)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
if(GRADC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
