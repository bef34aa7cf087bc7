# The emit_kernel example, as the tests run it: the generator emits libmodel.so and
# model.h, the system C compiler builds main.c against them (no gradc, no LLVM, no
# sanitizer), and the program runs; its output must match main.expect.
# Inputs: GENERATOR, SOURCE_DIR (this folder), WORK_DIR.
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${out}${err}")
  endif()
  set(output "${out}" PARENT_SCOPE)
endfunction()

run(${GENERATOR} ${WORK_DIR})
find_program(C_COMPILER NAMES cc gcc clang REQUIRED)
run(${C_COMPILER} -std=c99 -Wall -Wextra -pedantic -Werror -I${WORK_DIR} -o ${WORK_DIR}/main
    ${SOURCE_DIR}/main.c -L${WORK_DIR} -lmodel -Wl,-rpath,${WORK_DIR} -lm)
run(${WORK_DIR}/main)
file(READ ${SOURCE_DIR}/main.expect expected)
if(NOT output STREQUAL expected)
  message(FATAL_ERROR "output of main.c differs from main.expect\n--- got:\n${output}--- expected:\n${expected}")
endif()
