# Fails when any C++ source differs from what .clang-format would write.
file(GLOB_RECURSE files ${ROOT}/policy/*.[ch]pp ${ROOT}/certs/*.[ch]pp ${ROOT}/proxy/*.[ch]pp
     ${ROOT}/tests/*.[ch]pp ${ROOT}/bench/*.[ch]pp)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run --Werror ${files}
                RESULT_VARIABLE rc ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "clang-format differences (run: clang-format -i on these files):\n${out}")
endif()
message(STATUS "format: ${CMAKE_ARGC} ok")
