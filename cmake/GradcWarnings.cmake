# Warnings for gradc's own targets; -Werror=switch-enum makes every pass that
# switches over the op table list the ops it forgot.
add_library(gradc_warnings INTERFACE)
target_compile_options(gradc_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wconversion -Wno-sign-conversion
  -Werror=switch-enum -Werror=return-type)
if(GRADC_WERROR)
  target_compile_options(gradc_warnings INTERFACE -Werror)
endif()

if(GRADC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
