include(CMakePackageConfigHelpers)

install(TARGETS gradc gradc_core gradc_llvm EXPORT gradcTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# gradc-llvm goes beside gradc, which finds it there (tools/codegen.hpp).
install(TARGETS gradc_cli gradc_codegen_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/gradc DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT gradcTargets NAMESPACE gradc::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gradc)

configure_package_config_file(cmake/gradcConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/gradcConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gradc)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/gradcConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/gradcConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/gradcConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/gradc)
