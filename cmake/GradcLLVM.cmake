# LLVM 19, pinned: lib/codegen, lib/backend, lib/jit and lib/emit are written against its
# API (the version is also checked in lib/backend/llvm_version.hpp). The image's default
# llvm-config is an older LLVM, so the config package is looked for under LLVM 19's own
# prefix first.
#
# GRADC_LLVM_LINK chooses how executables get LLVM:
#   shared - libLLVM-19.so: quick links, used by the dev and sanitizer builds;
#   static - LLVM's component archives, linked with lld: loading the shared library
#            alone costs ~65 ms per process, so the installed `gradc` links statically.
set(GRADC_LLVM_LINK "shared" CACHE STRING "Link LLVM as a shared library or from its static archives")
set_property(CACHE GRADC_LLVM_LINK PROPERTY STRINGS shared static)

find_package(LLVM 19.1 CONFIG REQUIRED HINTS /usr/lib/llvm-19/lib/cmake/llvm)
message(STATUS "gradc: LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}, linked ${GRADC_LLVM_LINK}")

# The components codegen and the JIT use: IR, the new pass manager, ORC, the host target.
set(GRADC_LLVM_COMPONENTS core passes orcjit native)

add_library(gradc_llvm INTERFACE)
target_include_directories(gradc_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
separate_arguments(gradc_llvm_definitions NATIVE_COMMAND ${LLVM_DEFINITIONS})
target_compile_definitions(gradc_llvm INTERFACE ${gradc_llvm_definitions})
if(GRADC_LLVM_LINK STREQUAL "static")
  llvm_map_components_to_libnames(gradc_llvm_libraries ${GRADC_LLVM_COMPONENTS})
  target_link_libraries(gradc_llvm INTERFACE ${gradc_llvm_libraries})
  # GNU ld needs ~20 s for LLVM's archives; lld-19 needs a few. GCC finds `ld.lld`
  # through -B, so a link named so in the build tree points at lld-19.
  find_program(GRADC_LLD NAMES ld.lld-19 PATHS /usr/lib/llvm-19/bin)
  if(GRADC_LLD)
    set(lld_dir ${CMAKE_BINARY_DIR}/lld)
    file(MAKE_DIRECTORY ${lld_dir})
    file(CREATE_LINK ${GRADC_LLD} ${lld_dir}/ld.lld SYMBOLIC)
    target_link_options(gradc_llvm INTERFACE $<BUILD_INTERFACE:-B${lld_dir}> $<BUILD_INTERFACE:-fuse-ld=lld>)
  endif()
elseif(GRADC_LLVM_LINK STREQUAL "shared")
  target_link_libraries(gradc_llvm INTERFACE LLVM)
else()
  message(FATAL_ERROR "GRADC_LLVM_LINK must be shared or static, not '${GRADC_LLVM_LINK}'")
endif()
