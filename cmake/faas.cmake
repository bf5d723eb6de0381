# Helpers that give every module the same shape (STYLE.md 2.2):
#   faas_add_library(NAME m SRCS ... DEPS ... [PRIVATE_DEPS ...])
#     -> target faas_m, alias faas::m; src/m/include is PUBLIC, src/m PRIVATE.
#   faas_add_test(NAME t SRCS ... DEPS ... [LABELS ...])
#   faas_add_fuzzer(NAME f SRCS ... DEPS ...)   (only with FAAS_FUZZ)

# -Wno-restrict: GCC 12 at -O3 reports false positives inside std::string's operator+ (GCC bug
# 105329); the warning stays on for clang builds (fuzz, tidy).
set(FAAS_WARNINGS -Wall -Wextra -Werror -Wno-missing-field-initializers)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND FAAS_WARNINGS -Wno-restrict)
endif()

function(faas_add_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(faas_${A_NAME} STATIC ${A_SRCS})
  add_library(faas::${A_NAME} ALIAS faas_${A_NAME})
  target_include_directories(faas_${A_NAME}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_compile_options(faas_${A_NAME} PRIVATE ${FAAS_WARNINGS})
  target_link_libraries(faas_${A_NAME} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS})
endfunction()

function(faas_add_test)
  cmake_parse_arguments(A "" "NAME;TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_compile_options(${A_NAME} PRIVATE ${FAAS_WARNINGS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest GTest::gtest_main)
  set_target_properties(${A_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${A_NAME} COMMAND ${A_NAME})
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 300)
  endif()
  set_tests_properties(${A_NAME} PROPERTIES TIMEOUT ${A_TIMEOUT} LABELS "${A_LABELS}"
    ENVIRONMENT "FAAS_BIN_DIR=${CMAKE_BINARY_DIR}/bin;FAAS_TEST_BIN_DIR=${CMAKE_BINARY_DIR}/tests")
endfunction()

function(faas_add_fuzzer)
  cmake_parse_arguments(A "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT FAAS_FUZZ)
    return()
  endif()
  add_executable(${A_NAME} ${A_SRCS})
  target_compile_options(${A_NAME} PRIVATE -fsanitize=fuzzer)
  target_link_options(${A_NAME} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS})
  set_target_properties(${A_NAME} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/fuzz)
endfunction()
